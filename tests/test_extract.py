"""Extract: entities merged across articles, quotes with speakers, figures and dates, on hand-written news."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from storyline.config import Settings
from storyline.context import RunContext
from storyline.extract import all_quotes, corpus_entities, extract_article, merge_story, run
from storyline.extract.dates import resolve_date
from storyline.extract.entities import _repair, is_title_case
from storyline.extract.figures import parse_money, parse_number
from storyline.extract.merge import EntityTable, merge_entities
from storyline.extract.quotes import find_quote_marks
from storyline.model import Article, DateMention, Mention, Paragraph, Span, Story
from storyline.store import Store
from storyline.text.parser import NLP

GRANTS_A = [
    "Attorney General Jeff Sessions on Wednesday demanded records from 23 jurisdictions, the Justice Department said.",
    "\u201cWe will not let these cities ignore the law,\u201d Sessions said in a statement."
    " \u201cThe rules are clear.\u201d",
    "The money at stake reached $39 million in fiscal year 2016, according to the Department of Justice.",
    'Chicago Mayor Rahm Emanuel said the city would sue again. "This threat is nothing new," he said.',
    "Immigration and Customs Enforcement (ICE) has arrested hundreds of people in the raids. ICE declined to comment.",
]
GRANTS_B = [
    "AG Sessions warned nearly two dozen cities last fall that grants could be cut.",
    "\u2018Our patience has run out,\u2019 said a senior Justice Department official.",
    "Sesssions told Fox News that the DOJ would issue subpoenas to the cities.",
    "Last fall, two federal judges blocked the grant conditions. The ruling came two years ago.",
]


def article(aid: str, paragraphs: list[str], published: str | None = "2018-01-25", **kw: Any) -> Article:
    """A hand-written article."""
    return Article(
        id=aid, title=f"Story {aid}", paragraphs=[Paragraph(p) for p in paragraphs], published=published, **kw
    )


@pytest.fixture
def pair(nlp: NLP) -> tuple[Article, Article]:
    """Two extracted articles about one story."""
    a, b = article("a", GRANTS_A), article("b", GRANTS_B, published="2018-01-26")
    for art, doc in zip((a, b), nlp.parse([a, b]), strict=True):
        extract_article(art, doc)
    return a, b


# -- dates ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "gran"),
    [
        ("on Wednesday (January 24)", "2018-01-24", "day"),
        ("Wednesday", "2018-01-24", "day"),
        ("last fall", "2017-09-01", "season"),
        ("two years ago", "2016-01-01", "year"),
        ("Friday's decision", "2018-01-19", "day"),
        ("in November", "2017-11-01", "month"),
        ("a year ago", "2017-01-01", "year"),
        ("twenty years ago", "1998-01-01", "year"),  # every number word, not only one to twelve
        ("a few weeks ago", "2018-01-04", "day"),
        ("fiscal year 2016", "2016-01-01", "year"),
        ("last year", "2017-01-01", "year"),
        ("earlier this month", "2018-01-01", "month"),
        ("March 27, 2017", "2017-03-27", "day"),
        ("Thursday", "2018-01-25", "day"),  # the publication day itself
        ("yesterday", "2018-01-24", "day"),
    ],
)
def test_resolve_date_against_publication_date(text: str, value: str, gran: str) -> None:
    assert resolve_date(text, dt.date(2018, 1, 25)) == (value, gran)


def test_relative_date_without_anchor_is_not_placed() -> None:
    assert resolve_date("last fall", None)[0] is None
    assert resolve_date("November 8, 2016", None) == ("2016-11-08", "day")


def test_article_dates_resolved_and_anchored(pair: tuple[Article, Article]) -> None:
    a, b = pair
    got = {d.text: (d.value, d.granularity, d.anchor) for d in a.dates}
    assert got["on Wednesday"] == ("2018-01-24", "day", "published")
    assert got["in fiscal year 2016"] == ("2016-01-01", "year", "absolute")
    got_b = {d.text.lower(): d.value for d in b.dates}
    assert got_b["last fall"] == "2017-09-01"
    assert got_b["two years ago"] == "2016-01-01"


def test_undated_article_uses_its_date_line_never_its_story_for_a_weekday(nlp: NLP) -> None:
    dated = article("c", ["By Ann Lee Jan 25, 2018", "The mayor spoke on Wednesday about the grants."], published=None)
    bare = article("d", ["The mayor spoke on Wednesday about the grants."], published=None)
    none = article("e", ["The mayor spoke on Wednesday about the grants."], published=None)
    docs = nlp.parse([dated, bare, none])
    extract_article(dated, docs[0])
    extract_article(bare, docs[1], story_date="2018-01-25")
    extract_article(none, docs[2])

    def wed(art: Article) -> DateMention:
        return next(d for d in art.dates if "Wednesday" in d.text)

    assert (wed(dated).value, wed(dated).anchor) == ("2018-01-24", "text")
    # the story's last date may be days or months from when the page was written: the weekday stays as written
    assert (wed(bare).value, wed(bare).anchor) == (None, "none")
    assert (wed(none).value, wed(none).anchor) == (None, "none")


# -- figures -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("$1.5 million", 1_500_000, "USD"),
        ("$39 million", 39_000_000, "USD"),
        ("\u20ac2bn", 2e9, "EUR"),
        ("\u00a3300,000", 300_000, "GBP"),
    ],
)
def test_parse_money(text: str, value: float, unit: str) -> None:
    assert parse_money(text) == (value, unit)


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("23", 23, False),
        ("nearly two dozen", 24, True),
        ("hundreds", 200, True),
        ("twenty-three", 23, False),
        ("about 1,200", 1200, True),
    ],
)
def test_parse_number(text: str, value: float, approx: bool) -> None:
    assert parse_number(text) == (value, approx)


def test_figures_found_with_what_they_count(pair: tuple[Article, Article]) -> None:
    a, b = pair
    figs = {f.text: f for f in a.figures + b.figures}
    assert (figs["23"].value, figs["23"].unit, figs["23"].kind) == (23, "jurisdictions", "count")
    assert (figs["$39 million"].value, figs["$39 million"].unit) == (39_000_000, "USD")
    assert figs["nearly two dozen"].value == 24 and figs["nearly two dozen"].approximate
    assert figs["hundreds"].measure == "people" and figs["hundreds"].approximate
    assert a.figures and all(f.sentence is not None and f.sentence.start <= f.span.start for f in a.figures)


def test_bare_numbers_are_not_figures(nlp: NLP) -> None:
    art = article("f", ["The cities violate Section 1373 of the code, the letter said."])
    extract_article(art, nlp.parse([art])[0])
    assert art.figures == []


# -- quotes --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('He said "we will win this case" today.', ["we will win this case"]),
        ("He said \u201cwe will win this case\u201d today.", ["we will win this case"]),
        ("He said \u2018we will win this case\u2019 today.", ["we will win this case"]),
        ("He said \u00abwe will win this case\u00bb today.", ["we will win this case"]),
        (
            'She said: "So-called "sanctuary" rules make us less safe".',
            ['So-called "sanctuary" rules make us less safe'],
        ),
        (
            "\u201cThe officers\u2019 union said \u2018no\u2019 to it,\u201d she said.",
            ["The officers\u2019 union said \u2018no\u2019 to it,"],
        ),
    ],
)
def test_quote_marks_of_every_style(text: str, quoted: list[str]) -> None:
    assert [text[s:e] for s, e in find_quote_marks(text, [(0, len(text))])] == quoted


def test_quote_spanning_paragraphs() -> None:
    text = "\u201cWe will fight this in court.\n\n\u201cAnd we will win,\u201d the mayor said."
    spans = find_quote_marks(text, [(0, 29), (31, len(text))])
    assert len(spans) == 1 and text[spans[0][0] : spans[0][1]].endswith("we will win,")


def test_quote_speakers(pair: tuple[Article, Article]) -> None:
    a, b = pair
    story = merge_story(Story(id="s", articles=["a", "b"]), [a, b])
    by_start = {q.text.split()[0]: q for q in story.quotes if q.kind == "direct"}
    sessions = next(e.id for e in story.entities if e.name == "Jeff Sessions")
    assert by_start["We"].speaker == sessions  # "..." Sessions said in a statement
    assert by_start["The"].speaker == sessions  # a quote continuing the previous one
    emanuel = next(e.id for e in story.entities if e.name == "Rahm Emanuel")
    assert by_start["This"].speaker == emanuel  # "he said", one person in view
    official = by_start["Our"]  # said a senior Justice Department official: named as written, no entity
    assert official.speaker is None and official.speaker_name == "a senior Justice Department official"
    reported = [q for q in b.quotes if q.kind == "reported"]
    assert any(q.cue == "told" and q.speaker == sessions for q in reported)  # Sesssions told Fox News that ...
    assert any(q.cue == "according to" for q in a.quotes)


def test_pronoun_with_two_people_in_view_is_unattributed(nlp: NLP) -> None:
    art = article(
        "g", ["Mayor Ann Lee met Governor Tom Ruiz on Monday. \u201cWe did not agree on anything,\u201d she said."]
    )
    extract_article(art, nlp.parse([art])[0])
    [q] = [q for q in art.quotes if q.kind == "direct"]
    assert q.speaker is None


def test_quotes_in_flagged_paragraphs_are_skipped(nlp: NLP) -> None:
    art = article(
        "h",
        ["\u201cWe will appeal this ruling,\u201d Lee said.", "\u201cBuy our newsletter today,\u201d the site said."],
    )
    art.paragraphs[1].flags.append("boilerplate")
    extract_article(art, nlp.parse([art])[0])
    assert [q.text for q in art.quotes] == ["We will appeal this ruling,"]


# -- entities ------------------------------------------------------------------------------------------
def test_entities_merged_across_articles(pair: tuple[Article, Article]) -> None:
    a, b = pair
    story = merge_story(Story(id="s"), [a, b])
    by_name = {e.name: e for e in story.entities}
    sessions = by_name["Jeff Sessions"]
    assert sessions.type == "PERSON" and sessions.articles == ["a", "b"]
    assert {"Sessions", "Sesssions"} <= set(sessions.aliases)
    assert "Attorney General" in sessions.roles
    doj = next(e for e in story.entities if "DOJ" in e.aliases)
    assert {"Justice Department", "Department of Justice"} <= set(doj.aliases)
    ice = next(e for e in story.entities if "ICE" in e.aliases)
    assert ice.name == "Immigration and Customs Enforcement"
    assert "Chicago Mayor" in by_name["Rahm Emanuel"].roles
    assert a.mentions and all(m.entity for m in a.mentions)


def test_surname_typed_as_place_or_nationality_joins_the_person() -> None:
    art = Article(id="x", mentions=[
        Mention(Span(0, 13), "Jeff Sessions", "PERSON"), Mention(Span(20, 28), "Sessions", "NORP"),
        Mention(Span(40, 49), "Sesssions", "GPE"), Mention(Span(60, 67), "Chicago", "GPE"),
    ])  # fmt: skip
    ents = {e.name: e for e in merge_entities([art])}
    assert ents["Jeff Sessions"].mentions == 3 and ents["Chicago"].type == "GPE"


def test_headline_fragment_typed_as_person_is_dropped() -> None:
    text = "Department Threatens Jurisdictions That Defy Federal Immigration Officials\n\nThe mayor, Ann Lee, spoke."
    art = Article(id="x", paragraphs=[Paragraph(p) for p in text.split("\n\n")])
    assert is_title_case(text.split("\n\n")[0]) and not is_title_case("The mayor, Ann Lee, spoke.")
    raw = [Mention(Span(11, 34), "Threatens Jurisdictions", "PERSON"), Mention(Span(87, 94), "Ann Lee", "PERSON")]
    kept = _repair(art, raw, [True, False], [(0, 74), (76, 102)])
    assert [m.text for m in kept] == ["Ann Lee"]


def test_entity_table_lookup_by_surname_title_and_typo(pair: tuple[Article, Article]) -> None:
    table = EntityTable(merge_story(Story(id="s"), list(pair)).entities)
    sid = table.lookup("Jeff Sessions")
    assert sid and table.lookup("Attorney General Sessions") == sid == table.lookup("Sesssions")
    assert table.lookup("Nobody Known") is None


# -- the stage over a store ----------------------------------------------------------------------------
def test_run_fills_articles_and_story(store: Store, settings: Settings, nlp: NLP) -> None:
    a, b = article("a", GRANTS_A, story="s1"), article("b", GRANTS_B, story="s1")
    dup = article("c", GRANTS_B, story="s1", duplicate_of="b")
    store.add_articles([a, b, dup])
    store.put_docs({x.id: nlp.to_bytes(d) for x, d in zip((a, b, dup), nlp.parse([a, b, dup]), strict=True)})
    store.put_stories([Story(id="s1", articles=["a", "b", "c"])])
    ctx = RunContext(store, settings, new_ids=["a", "b", "c"], _nlp=nlp)
    run(ctx)
    story = store.get_story("s1")
    sessions = next(e for e in story.entities if e.name == "Jeff Sessions")
    assert sessions.articles == ["a", "b"]  # the duplicate counted once
    assert len(story.figures) == len(store.get_article("a").figures) + len(store.get_article("b").figures)
    assert store.get_article("a").mentions[0].entity is not None
    assert any(e.name == "Jeff Sessions" for e in corpus_entities(store))
    mine = all_quotes(store, speaker="Sessions")
    assert mine and all(q.speaker == sessions.id for q in mine)


def test_name_mostly_typed_as_organisation_is_not_a_person() -> None:
    amazon = [Mention(Span(i * 10, i * 10 + 6), "Amazon", "ORG") for i in range(5)]
    art = Article(
        id="x",
        mentions=[
            Mention(Span(100, 117), "Jeff Wilke Amazon", "PERSON"),
            Mention(Span(120, 126), "Amazon", "PERSON"),
            *amazon,
        ],
    )
    ents = {e.name: e for e in merge_entities([art])}
    assert ents["Amazon"].type == "ORG" and ents["Amazon"].mentions == 6


@pytest.mark.parametrize(
    ("a", "b"), [("Amazon.com Inc.", "Amazon"), ("U.S. Department of Justice", "Justice Department")]
)
def test_organisation_name_variants_merge(a: str, b: str) -> None:
    art = Article(id="x", mentions=[Mention(Span(0, len(a)), a, "ORG"), Mention(Span(50, 50 + len(b)), b, "ORG")])
    [ent] = merge_entities([art])
    assert ent.mentions == 2


@pytest.mark.parametrize("verb", ["Said", "Warned", "Insists"])  # any speech verb of the lexicon, in any form
def test_paragraph_quoted_after_a_colon_is_attributed(nlp: NLP, verb: str) -> None:
    intro = f"Mayor Ann Lee criticised the letters on Tuesday. {verb} Lee, according to the Daily Planet:"
    art = article("k", [intro, "The idea that you would punish a whole city for a policy dispute is simply wrong."])
    extract_article(art, nlp.parse([art])[0])
    [q] = [q for q in art.quotes if q.kind == "direct"]
    assert q.text.startswith("The idea") and q.speaker_name == "Lee" and q.speaker is not None
    assert q.cue == verb.lower()


# -- figures: scales, sizes, scores and labels --------------------------------------------------------
MATCH_DAY = [
    "A magnitude 6.8 earthquake shook the coastal towns before dawn, and a magnitude-5.2 aftershock followed.",
    "The attendance of 41,200 was the largest the stadium has seen.",
    "A crowd of 38,500 watched the first leg last month.",
    "The Harbour City side sealed a 2-1 win over the visitors, and the council backed the plan by a 7-4 vote.",
    "Okafor scored in the 31st minute of Game 7 in 2017, and the No. 9 shirt went to a 19-year-old.",
    "The club's bonds traded at 94 cents on the dollar.",
    "Repairs to the stand will cost between $3 million and $4.5 million, the club said.",
    "An eleven-member board valued the naming rights at $20 to $30 million.",
]


def test_scale_readings_crowds_and_scores(nlp: NLP) -> None:
    art = article("m", MATCH_DAY, published="2025-11-16")
    extract_article(art, nlp.parse([art])[0])
    got = {f.text: (f.value, f.kind, f.measure) for f in art.figures}
    assert got["magnitude 6.8"] == (6.8, "quantity", "magnitude")
    assert got["magnitude-5.2"] == (5.2, "quantity", "magnitude")
    assert got["41,200"] == (41200, "count", "attendance")
    assert got["38,500"] == (38500, "count", "crowd")
    # a score, a vote tally, an ordinal, a game number, a year and a shirt number are not counts
    assert not [f for f in art.figures if f.value in (1, 2, 4, 7, 9, 31, 2017) and f.kind == "count"]
    assert not [f for f in art.figures if f.value == 11]  # "eleven-member" describes the board
    assert got["94 cents"][0] == 0.94
    money = sorted(f.value for f in art.figures if f.kind == "money" and f.value > 1)
    # a range is two figures, never their sum; "$20 to $30 million" shares the multiplier
    assert money == [3_000_000, 4_500_000, 20_000_000, 30_000_000]


# -- dates: tense decides the direction of a bare weekday ----------------------------------------------
PARADE = [
    "The club announced a victory parade for Tuesday.",
    "The squad will leave the team hotel on Tuesday.",
    "The ceremony is scheduled for Tuesday, the mayor said.",
    "The team won the final on Saturday and flew home on Sunday morning.",
    "The striker, who will join the national side next week, scored on Saturday.",
    "Police said the fans were arrested on Tuesday.",
]


def test_weekday_in_a_future_clause_resolves_forward(nlp: NLP) -> None:
    art = article("p", PARADE, published="2025-11-16")  # a Sunday
    extract_article(art, nlp.parse([art])[0])
    by_sentence: dict[int, list[str | None]] = {}
    for d in art.dates:
        if "week" not in d.text:
            by_sentence.setdefault(
                next(i for i, p in enumerate(art.paragraph_spans()) if p.start <= d.span.start < p.end), []
            ).append(d.value)
    assert by_sentence[0] == ["2025-11-18"]
    assert by_sentence[1] == ["2025-11-18"]
    assert by_sentence[2] == ["2025-11-18"]
    assert by_sentence[3] == ["2025-11-15", "2025-11-16"]
    assert by_sentence[4] == ["2025-11-15"]  # "will" in a side clause does not move the main verb's Saturday
    assert by_sentence[5] == ["2025-11-11"]  # past tense stays backward


# -- dates: an undated story inside a dated storyline --------------------------------------------------
def test_storyline_date_places_month_names_only(nlp: NLP) -> None:
    art = article(
        "u",
        ["In July, the council passed the rule.", "Friday's vote was close, and a year ago it failed."],
        published=None,
    )
    extract_article(art, nlp.parse([art])[0], storyline_date="2018-01-25")
    got = {d.text: (d.value, d.granularity, d.anchor) for d in art.dates}
    assert got["In July"] == ("2017-07-01", "month", "story")  # the latest July on or before the anchor
    others = [v for k, v in got.items() if k != "In July"]
    assert others and all(v[0] is None for v in others)  # no day invented from a storyline date


def test_run_anchors_undated_story_on_its_storyline(store: Store, settings: Settings, nlp: NLP) -> None:
    from storyline.model import Storyline

    dated = article(
        "d1", ["The council voted on Wednesday to sue the state over the grants."], published="2018-01-25", story="s1"
    )
    undated = article(
        "u1",
        ["In July, the state changed the grant rules.", "On Friday the city lost its first appeal."],
        published=None,
        story="s2",
    )
    store.add_articles([dated, undated])
    store.put_docs({x.id: nlp.to_bytes(d) for x, d in zip((dated, undated), nlp.parse([dated, undated]), strict=True)})
    store.put_stories([Story(id="s1", articles=["d1"], storyline="L", first_date="2018-01-25", last_date="2018-01-25"),
                       Story(id="s2", articles=["u1"], storyline="L")],
                      [Storyline(id="L", stories=["s1", "s2"], first_date="2018-01-25",
                                 last_date="2018-01-25")])  # fmt: skip
    run(RunContext(store, settings, new_ids=["d1", "u1"], _nlp=nlp))
    got = {d.text: (d.value, d.anchor) for d in store.get_article("u1").dates}
    assert got["In July"] == ("2017-07-01", "story")
    assert got["On Friday"] == (None, "none")


def test_undated_report_leaves_its_weekdays_unplaced(store: Store, settings: Settings, nlp: NLP) -> None:
    # a quake story reported Tuesday 2017-09-19 to Thursday 2017-09-21; an undated report of it says "Wednesday",
    # which may be the Wednesday of any week the page was written in
    first = article(
        "q1",
        ["The quake struck on Tuesday, toppling dozens of buildings in the capital."],
        published="2017-09-19",
        story="q",
    )
    last = article("q2", ["Rescuers searched the ruins of the school on Thursday."], published="2017-09-21", story="q")
    undated = article("q3", ["The civil defence chief lowered the death toll on Wednesday."], published=None, story="q")
    arts = [first, last, undated]
    store.add_articles(arts)
    store.put_docs({x.id: nlp.to_bytes(d) for x, d in zip(arts, nlp.parse(arts), strict=True)})
    store.put_stories([Story(id="q", articles=["q1", "q2", "q3"], first_date="2017-09-19", last_date="2017-09-21")])
    run(RunContext(store, settings, new_ids=["q1", "q2", "q3"], _nlp=nlp))
    got = {d.text: (d.value, d.anchor) for d in store.get_article("q3").dates}
    assert got["on Wednesday"] == (None, "none")  # not invented from the story's dates: shown as "Wednesday"


def test_a_weekday_before_the_story_began_moves_into_it(nlp: NLP) -> None:
    # a page dated the Tuesday of the quake (its first version) reports what happened "early Wednesday"
    art = article("p", ["Officials lowered the death toll to 217 early Wednesday."], published="2017-09-19")
    extract_article(art, nlp.parse([art])[0], story_span=("2017-09-19", "2017-09-21"))
    assert [(d.text, d.value) for d in art.dates] == [("early Wednesday", "2017-09-20")]
    alone = article("p", ["Officials lowered the death toll to 217 early Wednesday."], published="2017-09-19")
    extract_article(alone, nlp.parse([alone])[0])
    assert [d.value for d in alone.dates] == ["2017-09-13"]  # no story: counted back from the page's date


def test_storyline_date_places_a_month_day_on_or_before_it(nlp: NLP) -> None:
    # an undated report in a storyline that ends on 2018-01-25: its "February 1" is the one before, not 2018's
    art = article("u", ["The report noted one case in the county on February 1."], published=None)
    extract_article(art, nlp.parse([art])[0], storyline_date="2018-01-25")
    assert [(d.text, d.value, d.anchor) for d in art.dates] == [("on February 1", "2017-02-01", "story")]


# -- dates as a reader reads them (issue 12) ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("In April the judge had ruled that the grant conditions were unlawful.", "2017-04-01"),
        ("The order was issued on Jan. 25 and was challenged within days.", "2017-01-25"),
        ("The council will vote on Jan. 25 on the new budget.", "2018-01-25"),
    ],
)
def test_a_month_in_an_october_article_follows_the_tense(nlp: NLP, sentence: str, value: str) -> None:
    art = article("oct", [sentence], published="2017-10-20")
    extract_article(art, nlp.parse([art])[0])
    assert [d.value for d in art.dates] == [value]


def test_next_decade_is_not_december(nlp: NLP) -> None:
    art = article("dec", ["The plan sets road spending for the next decade, officials said."], published="2017-10-20")
    extract_article(art, nlp.parse([art])[0])
    assert all(d.granularity != "month" for d in art.dates)
    assert "2017-12-01" not in [d.value for d in art.dates]


# -- speakers a reader can trust (issue 12) --------------------------------------------------------------
def test_she_wrote_after_a_paragraph_naming_the_speaker(nlp: NLP) -> None:
    art = article(
        "w",
        [
            "Judge Maria Ortiz ruled on the grant conditions after a two-day hearing in the federal court.",
            "The court had heard from both cities and from the department.",
            "\u201cThe conditions exceed what the statute allows the agency to impose,\u201d she wrote.",
        ],
    )
    extract_article(art, nlp.parse([art])[0])
    [q] = [q for q in art.quotes if q.kind == "direct"]
    assert q.speaker_name == "Maria Ortiz"


def test_inverted_attribution_with_a_relative_clause(nlp: NLP) -> None:
    art = article(
        "i",
        [
            "\u201cYou give me one game and I will take my chances,\u201d said Lopez, whose late goals helped bring "
            "about the final."
        ],
    )
    extract_article(art, nlp.parse([art])[0])
    [q] = [q for q in art.quotes if q.kind == "direct"]
    assert q.speaker_name == "Lopez"


def test_a_surname_alone_is_the_one_full_name_the_corpus_knows(nlp: NLP) -> None:
    from storyline.extract.merge import known_surnames

    named = article("n1", ["Attorney General Jeff Sessions spoke to police chiefs in Ohio on Monday."])
    alone = article("n2", ["Sessions told the chiefs that the grants would be cut, officials said."])
    two = article("n3", ["Mayor John Ruiz and Senator Ana Ruiz met the chiefs. Ruiz spoke first."])
    docs = nlp.parse([named, alone, two])
    for a, d in zip([named, alone, two], docs, strict=True):
        extract_article(a, d, resolve=False)
    known = known_surnames([named, alone, two])
    assert known.get("sessions") == "Jeff Sessions"
    assert "ruiz" not in known  # two people share the surname: left alone
    story = merge_story(Story(id="s", articles=["n2"]), [alone], known)
    assert [e.name for e in story.entities if "Sessions" in e.aliases] == ["Jeff Sessions"]


def test_partial_quotes_are_kept_and_scare_quotes_are_not(nlp: NLP) -> None:
    art = article(
        "p",
        [
            "Senator Ana Ortiz said in a statement that the new grant rule was \u201cshameful\u201d and unlawful.",
            "The department wants to end so-called \u201csanctuary\u201d rules in the state, officials said.",
        ],
    )
    extract_article(art, nlp.parse([art])[0])
    direct = {q.text: q.speaker_name for q in art.quotes if q.kind == "direct"}
    assert direct == {"shameful": "Ana Ortiz"}


def test_a_wire_dateline_is_not_the_speaker(nlp: NLP) -> None:
    art = article(
        "d",
        [
            "CHICAGO (AP) -- Attorney General Jeff Sessions on Monday said the department would \u201cclaw back\u201d "
            "grants from cities that refuse to cooperate."
        ],
    )
    extract_article(art, nlp.parse([art])[0])
    assert [q.speaker_name for q in art.quotes if q.kind == "direct"] == ["Jeff Sessions"]


def test_nicknames_merge_with_the_full_given_name(nlp: NLP) -> None:
    a = article("k1", ["Special counsel Robert Mueller met the committee on Monday."])
    b = article("k2", ["Bob Mueller declined to comment after the meeting, aides said."])
    c = article("k3", ["Senator Ann Mueller, who is not related, chaired the hearing."])
    docs = nlp.parse([a, b, c])
    for x, d in zip([a, b, c], docs, strict=True):
        extract_article(x, d, resolve=False)
    story = merge_story(Story(id="s", articles=["k1", "k2", "k3"]), [a, b, c])
    people = {e.name: set(e.aliases) for e in story.entities if e.type == "PERSON"}
    assert {"Robert Mueller", "Bob Mueller"} <= people["Robert Mueller"]
    assert "Ann Mueller" not in people["Robert Mueller"]


def test_a_wire_credit_is_not_an_alias_of_the_dateline_place(nlp: NLP) -> None:
    a = article(
        "w1",
        [
            "SAN FRANCISCO (AP) \u2014 A federal judge in San Francisco on Monday blocked the order on grants.",
            "The city of San Francisco had sued over the order in January.",
        ],
    )
    b = article("w2", ["SAN FRANCISCO (BCN) \u2014 San Francisco officials welcomed the ruling on Monday."])
    for x, d in zip([a, b], nlp.parse([a, b]), strict=True):
        extract_article(x, d, resolve=False)
    story = merge_story(Story(id="s", articles=["w1", "w2"]), [a, b])
    [place] = [e for e in story.entities if e.name == "San Francisco"]
    assert not {"AP", "BCN"} & set(place.aliases)


def test_a_programme_named_after_a_person_is_not_a_person(nlp: NLP) -> None:
    art = article("j", ["Cities that refuse could lose money from the Edward Byrne Memorial grant program this year."])
    extract_article(art, nlp.parse([art])[0])
    assert not [m.text for m in art.mentions if m.label == "PERSON"]


def test_a_spokeswoman_speaks_for_the_organisation_the_sentence_names(nlp: NLP) -> None:
    art = article(
        "o",
        ["It was \u201cbusiness as usual for the staff\u201d at the Federal Aviation Administration, a spokeswoman "
         "said."],
    )
    extract_article(art, nlp.parse([art])[0])
    assert [q.speaker_name for q in art.quotes if q.kind == "direct"] == ["Federal Aviation Administration"]
