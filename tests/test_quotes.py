"""Quotes and speakers on hand-written mini articles: who said it, what is no quote, and one quote across outlets."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline import pipeline
from storyline.config import Settings
from storyline.extract import extract_article, merge_story
from storyline.extract.quotegroups import group_quotes, same_quote
from storyline.model import Article, Paragraph, Quote, Span, Story
from storyline.report import render_html, render_markdown, story_json
from storyline.store import Store
from storyline.text.parser import NLP
from storyline.web import create_app


def article(
    aid: str, paragraphs: list[str], published: str | None = "2019-03-04", outlet: str | None = None
) -> Article:
    """A hand-written article."""
    return Article(
        id=aid, title=f"Story {aid}", paragraphs=[Paragraph(p) for p in paragraphs], published=published, outlet=outlet
    )


def direct(nlp: NLP, paragraphs: list[str]) -> dict[str, str | None]:
    """The direct quotes of a hand-written article: their words -> their speaker as shown."""
    art = article("x", paragraphs)
    extract_article(art, nlp.parse([art])[0])
    return {q.text: q.speaker_name for q in art.quotes if q.kind == "direct"}


# -- speakers ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("paragraphs", "words", "speaker"),
    [
        # "she wrote" after a paragraph naming her
        (["Judge Maria Ortiz ruled on the permit conditions after a two-day hearing.",
          "The court had heard from both towns.",
          "\u201cThe conditions exceed what the statute allows,\u201d she wrote."],
         "The conditions exceed what the statute allows,", "Maria Ortiz"),
        # a paragraph-long quote attributed at the end of the paragraph before it
        (["The city will appeal the ruling, Mayor Ana Ruiz said on Tuesday.",
          "\u201cWe are confident the court will see it our way.\u201d"],
         "We are confident the court will see it our way.", "Ana Ruiz"),
        # ... or introduced by it
        (["Ruiz said in a statement:", "\u201cWe are confident the court will see it our way.\u201d"],
         "We are confident the court will see it our way.", "Ruiz"),
        # ... or quoting the same speaker
        (["\u201cWe will appeal,\u201d Mayor Ana Ruiz said.", "\u201cThe court got it wrong on every count.\u201d"],
         "The court got it wrong on every count.", "Ana Ruiz"),
        # a title chain: the person the article named with the title
        (["Attorney General Jane Roe announced new rules for the grants on Monday.",
          "The cities have a month to answer.",
          "\u201cThe rules are clear and they will be enforced,\u201d the attorney general said."],
         "The rules are clear and they will be enforced,", "Jane Roe"),
        (["Harbour City manager Jo Okafor rested three players on Sunday.",
          "\u201cThey have earned a rest after the cup run,\u201d the Harbour City manager said."],
         "They have earned a rest after the cup run,", "Jo Okafor"),
        # an organisation the article attributes to
        (["The Harbour Authority closed the north pier on Monday.",
          "\u201cShips will have to wait outside the bay,\u201d the authority said."],
         "Ships will have to wait outside the bay,", "Harbour Authority"),
        (["The Harbour Authority closed the north pier on Monday.",
          "\u201cShips will have to wait outside the bay,\u201d it said in a statement."],
         "Ships will have to wait outside the bay,", "Harbour Authority"),
        # a description and the name it describes: the person
        (["Vice President at Acme Freight Services, Tom Lee said \"the port will need new cranes within a year\"."],
         "the port will need new cranes within a year", "Tom Lee"),
        # "he" of two people in view: the one the article genders alike
        (["Ms. Ana Ruiz met Tom Lee at the town hall on Monday.",
          "\u201cWe have a plan for the whole harbour,\u201d he said."],
         "We have a plan for the whole harbour,", "Tom Lee"),
        # ... or, when nothing tells, the one person of the sentence before
        (["Tom Lee and Ana Ruiz spoke at the meeting. Lee then took questions from reporters.",
          "\u201cWe will not close the school,\u201d he said."],
         "We will not close the school,", "Tom Lee"),
        # the speech verb that governs the quoted words, not the nearer one reporting them
        (["The Lakeport Transit Authority warned riders on Monday about \u201ca steep rise in fares next spring,\u201d"
          " the Harbour Courier reported."],
         "a steep rise in fares next spring,", "Lakeport Transit Authority"),
        (["Mayor Ana Ruiz told the council about \u201ca hole of four million in the budget,\u201d the Coast Courier"
          " reported on Tuesday."],
         "a hole of four million in the budget,", "Ana Ruiz"),
        # a subject that names no one is no speaker
        (["The succession plan says \u201cthe deputy takes over at once when the post is empty.\u201d"],
         "the deputy takes over at once when the post is empty.", None),
        # no cue: the person whose clause introduces the quote with a colon, not a thing she points at
        (["Board chair Maria Lopez was blunt: \u201cWe cannot pay for this bridge and we never could.\u201d"],
         "We cannot pay for this bridge and we never could.", "Maria Lopez"),
        (["Mayor Tom Bell pointed at the banner: \u201cNo bridge without a vote of the town.\u201d"],
         "No bridge without a vote of the town.", None),
        # ... or the one person of the sentence before, when the paragraph names no one else
        (["Asked about the plan on Monday, Maria Lopez shrugged. \u201cWe cannot pay for this bridge.\u201d"],
         "We cannot pay for this bridge.", "Maria Lopez"),
        (["Mayor Tom Bell did not hold back at the meeting on Monday.", "\u201cWe cannot pay for this bridge.\u201d"],
         "We cannot pay for this bridge.", "Tom Bell"),
        (["Mayor Tom Bell met Maria Lopez at the meeting on Monday.", "\u201cWe cannot pay for this bridge.\u201d"],
         "We cannot pay for this bridge.", None),
        (["Mayor Tom Bell spoke first at the meeting.", "The treasurer, Maria Lopez, listened. \u201cWe cannot pay"
          " for this bridge.\u201d"],
         "We cannot pay for this bridge.", "Maria Lopez"),
    ],
)  # fmt: skip
def test_speakers(nlp: NLP, paragraphs: list[str], words: str, speaker: str | None) -> None:
    assert direct(nlp, paragraphs)[words] == speaker


def test_she_is_not_the_man_in_view(nlp: NLP) -> None:
    shown = direct(
        nlp,
        ["Ms. Ana Ruiz met Tom Lee at the town hall on Monday. Lee said his officers were ready.",
         "\u201cWe have a plan for the whole harbour,\u201d she said. \u201cThe boats stay in,\u201d Lee added."],
    )  # fmt: skip
    assert shown == {"We have a plan for the whole harbour,": "Ana Ruiz", "The boats stay in,": "Lee"}


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["The council wants to end so-called \u201csafe harbour cities\u201d in the region, officials said."],
        ["People on the quay sang \u201cSongs of the Sea\u201d as the boats left."],
        ["The museum opened an exhibition titled \u201cLight Over the Harbour Walls\u201d on Friday."],
        ["The search went on through the night, punctuated by cries of \u201cquiet\u201d so rescuers could listen."],
    ],
)
def test_scare_quotes_and_titles_are_not_quotes(nlp: NLP, paragraphs: list[str]) -> None:
    assert direct(nlp, paragraphs) == {}


# -- one quote across outlets ------------------------------------------------------------------------------------
HARBOUR = [
    (
        "h1", "Coast Courier", "2019-03-05",
        ["Harbour master Piet Varga closed the north pier on Monday after the storm.",
         "\u201cThe pier will stay shut until the engineers have checked every pile,\u201d Varga said."],
    ),
    (
        "h2", "Daily Tide", "2019-03-04",
        ["The north pier was closed on Monday.",
         "\"The pier will stay shut until the engineers have checked every pile,\" harbour master Piet Varga said."],
    ),
    (
        "h3", "Bay Radio", None,
        ["Piet Varga, the harbour master, said the pier was closed.",
         "\u201cThe pier will stay shut until the engineers have checked every pile\u201d, he told reporters."
         " \u201cWe will reopen it in spring.\u201d"],
    ),
]  # fmt: skip


@pytest.fixture
def harbour(nlp: NLP) -> tuple[Story, list[Article]]:
    """One story of three outlets quoting the harbour master's same words."""
    arts = [article(aid, paras, day, outlet) for aid, outlet, day, paras in HARBOUR]
    for art, doc in zip(arts, nlp.parse(arts), strict=True):
        extract_article(art, doc, resolve=False)
    story = merge_story(Story(id="harbour", articles=[a.id for a in arts]), arts)
    return story, arts


def test_the_same_quote_in_three_outlets_is_one_quote_with_three_sources(harbour: tuple[Story, list[Article]]) -> None:
    story, _ = harbour
    pier = [g for g in story.quote_groups if "pier will stay shut" in g.text]
    assert len(pier) == 1
    [g] = pier
    assert g.sources == ["h2", "h1", "h3"]  # earliest published first, the undated one last
    assert g.first == "h2" and g.speaker_name == "Piet Varga"
    assert len([q for q in story.quotes if "pier will stay shut" in q.text]) == 3  # every article keeps its own
    only_h3 = [g.text for g in story.quote_groups if g.sources == ["h3"] and g.kind == "direct"]
    assert only_h3 == ["We will reopen it in spring."]


def test_a_story_shows_only_quotes_someone_is_said_to_have_said(nlp: NLP) -> None:
    arts = [
        article("t1", ["Harbour master Piet Varga closed the north pier on Monday.",
                       "\u201cThe pier will stay shut until the engineers have checked every pile,\u201d Varga said."]),
        # the same words, unattributed by this outlet; and words no outlet says who said
        article("t2", ["The north pier was closed on Monday after the storm. \u201cThe pier will stay shut until the"
                       " engineers have checked every pile.\u201d",
                       "Boats waited in the bay. \u201cNobody knows when the ferries will sail again.\u201d"]),
    ]  # fmt: skip
    for art, doc in zip(arts, nlp.parse(arts), strict=True):
        extract_article(art, doc, resolve=False)
    assert {q.text: q.speaker_name for q in arts[1].quotes if q.kind == "direct"} == {
        "The pier will stay shut until the engineers have checked every pile.": None,
        "Nobody knows when the ferries will sail again.": None,
    }
    story = merge_story(Story(id="pier", articles=["t1", "t2"]), arts)
    shown = {(q.article, q.text): q.speaker_name for q in story.quotes if q.kind == "direct"}
    assert shown == {
        ("t1", "The pier will stay shut until the engineers have checked every pile,"): "Varga",
        ("t2", "The pier will stay shut until the engineers have checked every pile."): "Varga",
    }
    assert [(g.sources, g.speaker_name) for g in story.quote_groups if g.kind == "direct"] == [
        (["t1", "t2"], "Varga")
    ]


def test_reports_show_a_shared_quote_once_with_its_sources_and_first_appearance(
    harbour: tuple[Story, list[Article]],
) -> None:
    story, arts = harbour
    data = {"articles": [{"id": a.id, "outlet": a.outlet, "published": a.published} for a in arts],
            "stories": [story_json(story)]}  # fmt: skip
    md = render_markdown(data)
    [line] = [x for x in md.splitlines() if "pier will stay shut" in x]
    assert "3 sources [2][1][3]" in line and "first [2] Daily Tide, 2019-03-04" in line and "Piet Varga" in line
    page = render_html(data)
    assert page.count("pier will stay shut") == 1
    assert "3 sources" in page and "Daily Tide, 2019-03-04</footer>" in page


def test_a_story_stored_before_quote_groups_shows_each_quote() -> None:
    quote = Quote("a", Span(0, 20), "We will reopen it soon", speaker_name="Ana Ruiz")
    data = {"articles": [{"id": "a", "outlet": "Wire"}], "stories": [story_json(Story(id="s", articles=["a"],
                                                                                         quotes=[quote]))]}
    [line] = [x for x in render_markdown(data).splitlines() if "reopen" in x]
    assert "1 source" in line and "Ana Ruiz" in line


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("\u201cWe will appeal this ruling,\u201d", "we will appeal this ruling", True),
        ("the rules are clear", "The rules are clear and the cities know them.", True),
        ("we will win", "we will win this case", False),  # three words inside a longer quote: a common phrase
        ("the rules are clear", "the rules changed last year", False),
    ],
)
def test_same_quote(a: str, b: str, same: bool) -> None:
    assert same_quote(a, b) is same


def test_a_quote_repeated_in_one_article_is_one_source() -> None:
    art = Article(id="a", published="2019-03-04")
    qs = [Quote("a", Span(0, 20), "We will reopen it soon"), Quote("a", Span(90, 110), "We will reopen it soon")]
    [g] = group_quotes(qs, [art])
    assert g.sources == ["a"] and g.span == Span(0, 20)


def test_the_story_page_and_api_show_a_shared_quote_once(harbour: tuple[Story, list[Article]], tmp_path: Path) -> None:
    story, arts = harbour
    path = tmp_path / "web.db"
    with Store(path) as store:
        for a in arts:
            a.story = story.id
        store.add_articles(arts)
        store.put_stories([story])
    with TestClient(create_app(path)) as client:
        page = client.get(f"/stories/{story.id}").text
        api = client.get(f"/api/stories/{story.id}").json()
    assert page.count("pier will stay shut") == 1
    assert "3 sources" in page and "first Daily Tide, 2019-03-04" in page
    [shared] = [g for g in api["quote_groups"] if "pier will stay shut" in g["text"]]
    assert shared["sources"] == ["h2", "h1", "h3"] and shared["first"] == "h2"


# -- a page cut in its last paragraph; "she said" after a reported speaker -----------------------------------------
def test_a_whole_quote_in_a_cut_last_paragraph_is_shown_with_its_speaker(nlp: NLP) -> None:
    art = article("cut", ["The Harbour City side won the cup final 2-1 on Sunday.",
                          "\u201cWe never stopped believing,\u201d captain Jo Okafor said in the dressing room"
                          " after he"])
    art.paragraphs[1].flags = ["truncated"]
    extract_article(art, nlp.parse([art])[0])
    assert {q.text: q.speaker_name for q in art.quotes} == {"We never stopped believing,": "Jo Okafor"}


def test_a_quote_the_cut_may_have_cut_is_not_shown(nlp: NLP) -> None:
    art = article("cut", ["The Harbour City side won the cup final 2-1 on Sunday.",
                          "\u201cWe never stopped believing,\u201d said the captain of the"])
    art.paragraphs[1].flags = ["truncated"]
    extract_article(art, nlp.parse([art])[0])
    assert art.quotes == []


@pytest.mark.parametrize("reported, quote", [
    ("Club secretary Ana Kelly told owner Ed Marsh that the builders were on schedule.",
     "We have walked every stand with the engineers twice this month, and the roof is nearly done,"),
    ("Ana Kelly, who chairs the parents\u2019 group with Ed Marsh, said the new timetable was a mistake.",
     "Our children will now wait forty minutes in the dark for a bus,"),
])  # fmt: skip
def test_she_said_after_a_reported_speaker_is_that_speaker(nlp: NLP, reported: str, quote: str) -> None:
    shown = direct(nlp, ["\u201cThe stadium will open in May,\u201d chairman Tom Brandt said.", reported,
                         f"\u201c{quote}\u201d she said."])
    assert shown[quote] == "Ana Kelly"


# -- a speaker borrowed from another outlet ------------------------------------------------------------------------
def _said(aid: str, words: str, who: str | None, day: str = "2026-01-02") -> Article:
    """An article whose one quote is ``words``, given to ``who`` (None: the text names no one)."""
    art = Article(id=aid, outlet="O" + aid, published=day, paragraphs=[Paragraph(f"\u201c{words}\u201d")])
    art.quotes = [Quote(aid, Span(1, 1 + len(words)), words, speaker_name=who, cue="said" if who else None)]
    return art


def test_a_borrowed_speaker_is_shown_in_the_story_and_never_written_into_the_article() -> None:
    arts = [_said("a", "We will rebuild the school by autumn.", "Ana Ruiz", "2026-01-01"),
            _said("b", "we will rebuild the school by autumn", None)]  # fmt: skip
    story = merge_story(Story(id="s", articles=["a", "b"]), arts)
    assert [(q.article, q.speaker_name) for q in story.quotes] == [("a", "Ana Ruiz"), ("b", "Ana Ruiz")]
    assert arts[1].quotes[0].speaker_name is None and arts[1].quotes[0].speaker is None
    assert story.quotes[1].cue is None  # marked: no cue of its own text gave it


def test_words_running_inside_a_longer_quote_do_not_borrow_its_speaker() -> None:
    # a mayor ends a speech with a slogan; another outlet reports a crowd chanting the slogan, naming no one
    arts = [_said("a", "The budget is settled, and we will not give up the harbour now.", "Ana Ruiz", "2026-01-01"),
            _said("b", "We will not give up the harbour now", None)]  # fmt: skip
    story = merge_story(Story(id="s", articles=["a", "b"]), arts)
    assert [(q.article, q.speaker_name) for q in story.quotes] == [("a", "Ana Ruiz")]


def _report(k: int, day: str, who: str | None) -> dict[str, object]:
    """Report k on a closed bridge; its last sentence quotes the same words, given to ``who``."""
    words = "The Pellmoor bridge will carry traffic again before the first snow reaches the valley"
    leads = [
        "Crews worked through the weekend on the Pellmoor bridge over the Ashwin, shut since the spring flood.",
        "Traffic over the Ashwin at Pellmoor has been sent on a detour for months since the flood cracked its piers.",
        "Drivers in Pellmoor face a long detour while the county rebuilds the flood-damaged piers of its bridge.",
        "The county approved more money for the Pellmoor bridge repairs after divers found new cracks in the piers.",
    ]
    said = f"\u201c{words},\u201d {who} said on Monday." if who else f"\u201c{words}.\u201d"
    return {"id": f"r{k}", "title": f"Pellmoor bridge repairs, report {k}", "outlet": f"Outlet {k}",
            "published": day, "text": f"{leads[k]} {said}"}  # fmt: skip


def test_a_stream_run_gives_a_shared_quote_the_speaker_a_full_run_gives(tmp_path: Path, settings: Settings) -> None:
    def run(store: Store, records: list[dict[str, object]], full: bool = False) -> list[str | None]:
        new = pipeline.ingest_records(records, store, settings).new
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=new, full=full))
        return [g.speaker_name for s in store.iter_stories() for g in s.quote_groups if "Pellmoor" in g.text]

    with Store(tmp_path / "s.db") as store:
        run(store, [_report(0, "2026-03-02", "Mayor Ana Ruiz"), _report(1, "2026-03-03", None)])
        assert [q.speaker_name for q in store.get_article("r1").quotes if q.kind == "direct"] == [None]
        # two more outlets give the words to another speaker: two against one, the unattributed report not voting
        bell = [_report(2, "2026-03-04", "Engineer Tom Bell"), _report(3, "2026-03-05", "Engineer Tom Bell")]
        stream = run(store, bell)
        assert stream == run(store, [], full=True) == ["Tom Bell"]
