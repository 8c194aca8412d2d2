"""The cleaner on hand-written noisy articles: boilerplate removed, bylines and dates read, paragraphs flagged."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.clean import clean_article, clean_articles, tidy
from storyline.clean.boilerplate import is_title_case, is_ui_line, repeats_title
from storyline.clean.bylines import find_date, parse_byline, parse_dateline
from storyline.clean.offtopic import TopicScorer
from storyline.config import Settings
from storyline.model import Article, Paragraph
from storyline.text.parser import NLP

TITLE = "Harborview council delays vote on ferry subsidy"

# A politics story: eight paragraphs that share their subject (the ferry subsidy, the council, the mayor).
FERRY = [
    ("The Harborview city council on Tuesday postponed a vote on a $4 million subsidy for the island ferry "
    "service, saying it needed more time to study the operator's books."),
    ("Council member Ruth Okafor, who chairs the finance committee, said the ferry operator had not explained "
    "why its fuel costs rose by a third in two years."),
    ("Mayor Daniel Pruitt, who proposed the subsidy in March, called the delay a mistake and warned that the "
    "ferry could cut its winter sailings without the money."),
    ("About 1,200 island residents depend on the ferry to reach jobs, schools and the hospital on the "
    "mainland, according to a council report."),
    ("Okafor said the council would hold a public hearing on the ferry subsidy next month and vote before "
    "the operator's contract expires in June."),
    ("The operator, Harbor Lines, said in a statement that it had given the council every document it asked "
    "for and that winter sailings were safe for now."),
    ("Pruitt said he would meet island residents on Thursday to explain what the subsidy delay means for "
    "their ferry service."),
    ("The council has debated ferry funding three times since the operator asked the city for help with "
    "its rising fuel and repair costs last year."),
]
# Pasted in from a sports page: a different section's vocabulary, names the story never mentions.
SPORTS = (
    "In football, the Rovers routed United 4-0 in the league on Saturday as their striker scored twice "
    "and the goalkeeper saved a penalty before a full stadium."
)
# Pasted in from a food column: no sports words, but nothing it names or says occurs in the story.
BISTRO = (
    "Chef Marco Bellini opened his seafood bistro on Quay Street in Dunmore, serving grilled octopus, "
    "saffron risotto and a lemon tart that sold out by eight o'clock."
)


def make(paragraphs: list[str], title: str = TITLE, **fields: Any) -> Article:
    """An article built directly from its paragraphs, as a reader would hand it to the cleaner."""
    return Article(id="t1", title=title, paragraphs=[Paragraph(p) for p in paragraphs], **fields)


def texts(article: Article) -> list[str]:
    """The paragraph texts a reader sees."""
    return [p.text for p in article.paragraphs]


def flagged(article: Article, flag: str) -> list[str]:
    """The paragraphs carrying a flag."""
    return [p.text for p in article.paragraphs if flag in p.flags]


def test_repeated_headline_lines_are_removed(settings: Settings) -> None:
    """The headline repeated as body lines, plain, with a bullet, several times, or cut short, goes."""
    art = clean_article(make([TITLE, "  • " + TITLE, TITLE + ".", "Harborview council delays vote on…", *FERRY[:3]]),
                        settings)
    assert texts(art) == FERRY[:3]


@pytest.mark.parametrize(
    "noise",
    [
        "Related Articles",
        "Latest News",
        "Advertisement",
        "ADVERTISEMENT - CONTINUE READING BELOW",
        "Can't see the video below?",
        "Read more",
        "Share this article",
        "Adjust Comment Print",
        "Sign up for our free evening newsletter",
        "Get the latest headlines delivered to your inbox",
        "RELATED: Island ferry fares to rise in spring",
        "More: Why the ferry lost money last winter",
        "Leave a Comment",
        "Stay with Harbor News 9 for updates on this developing story.",
        "Watch Mayor Pruitt explain the ferry delay (1:12)",
        "We use cookies to improve your experience on our site.",
        "Copyright 2025 Harbor Wire. All rights reserved.",
        "(Reporting by Ana Costa; Editing by Tom Reyes)",
        "Getty Images",
        "(AP Photo/Lena Marsh)",
        "Photo: Sam Ortiz/Reuters",
        "[shortcode_widget]",
        "* * *",
        "Harbor Lines said the decision would hurt riders who rely on the winter timetable fr...",
        "Video not playing? Watch the clip below",
        "Leave a Reply",
    ],
)
def test_boilerplate_line_is_removed_and_text_kept(noise: str, settings: Settings) -> None:
    """Each kind of page furniture leaves the body; the story's own paragraphs stay untouched."""
    art = clean_article(make([FERRY[0], noise, FERRY[1], FERRY[2]]), settings)
    assert texts(art) == FERRY[:3]


def test_a_sentence_about_a_video_is_text(settings: Settings) -> None:
    """Only a short line pointing at a player is furniture; a report that mentions footage stays."""
    prose = ("A video posted above the ferry terminal's ticket office on Monday showed the crew refusing to sail "
             "until the council had voted, the operator said.")
    art = clean_article(make([FERRY[0], prose, FERRY[1]]), settings)
    assert texts(art) == [FERRY[0], prose, FERRY[1]]


def test_promo_box_lines_go_together(settings: Settings) -> None:
    """Short lines of a subscribe box next to removed interface lines go with them."""
    box = ["Subscribe to the Harborview Herald", "Cancel or pause your subscription at any time.",
           "Already a subscriber? Log in"]
    art = clean_article(make([FERRY[0], FERRY[1], *box, FERRY[2]]), settings)
    assert texts(art) == FERRY[:3]


def test_sentences_that_look_like_furniture_stay(settings: Settings) -> None:
    """Prose that starts with "Share", "More" or "By", or mentions a photo agency, is not boilerplate."""
    prose = [
        "Share prices of Harbor Lines fell 4 percent after the council postponed its vote.",
        "More than 300 people signed a petition asking the council to pass the ferry subsidy.",
        "By Friday, the operator had sent the council another 200 pages of fuel invoices.",
        "The ferry will close the deal for two new engines if the city approves the money.",
        "Island families will stay with relatives on the mainland if the winter sailings stop.",
        "The audit, originally published in 2019, found the ferry lost money every winter.",
        "The claim rests on reporting by the Harbor Herald and two island newsletters.",
        "Harbor Lines changed its terms of service last week to allow dynamic winter fares.",
        "The new app lets riders share photos of delays.",
    ]
    art = clean_article(make([FERRY[0], *prose, FERRY[1]]), settings)
    assert texts(art) == [FERRY[0], *prose, FERRY[1]]
    assert not any(p.flags for p in art.paragraphs)


def test_list_of_short_items_is_kept(settings: Settings) -> None:
    """A list (stops of the ferry) is text, even though each line is short and has no full stop."""
    stops = ["Pier 4, Harborview", "Gull Island", "North Landing, Gull Island", "Cape Marten"]
    art = clean_article(make([FERRY[0], "The ferry calls at these stops:", *stops, FERRY[1]]), settings)
    assert texts(art) == [FERRY[0], "The ferry calls at these stops:", *stops, FERRY[1]]


def test_lone_labels_and_other_headlines_are_removed(settings: Settings) -> None:
    """A lone author name, an outlet label and a title-cased headline of another story leave the body."""
    art = clean_article(make(["Ruth Baxter", FERRY[0], FERRY[1], "Island Schools Brace For Ferry Cuts", FERRY[2]]),
                        settings)
    assert texts(art) == FERRY[:3]


def test_byline_with_date_is_read_into_fields(settings: Settings) -> None:
    """ "By Jane Doe Jan 25, 2018" sets the byline and the date (flagged as read from the text) and leaves."""
    art = clean_article(make(["By Jane Doe Jan 25, 2018", *FERRY[:3]]), settings)
    assert texts(art) == FERRY[:3]
    assert art.byline == "Jane Doe"
    assert art.published == "2018-01-25"
    assert "date_from_text" in art.flags and "no_date" not in art.flags


def test_metadata_wins_over_text(settings: Settings) -> None:
    """A byline and date given by metadata are kept; the byline line still leaves the body."""
    art = clean_article(make(["By JANE DOE, Associated Press", "Posted Sep 19, 2017", *FERRY[:3]],
                             byline="Ruth Okafor", published="2017-09-20"), settings)
    assert texts(art) == FERRY[:3]
    assert (art.byline, art.published) == ("Ruth Okafor", "2017-09-20")
    assert "date_from_text" not in art.flags


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Posted Sep 19, 2017", "2017-09-19"),
        ("Updated 4:39 AM ET, Thu November 3, 2016", "2016-11-03"),
        ("Published: 2019-04-15", "2019-04-15"),
        ("3:08 PM ET", None),
    ],
)
def test_date_lines_are_read_and_removed(line: str, published: str | None, settings: Settings) -> None:
    """A line that is only a date or time is read as the publication date when it has one, and leaves."""
    art = clean_article(make([line, *FERRY[:3]]), settings)
    assert texts(art) == FERRY[:3]
    assert art.published == published
    assert ("no_date" in art.flags) == (published is None)


def test_uppercase_byline_name_is_title_cased() -> None:
    """An all-capitals byline name reads as a name; the agency after the comma is not part of it."""
    byline = parse_byline("By JANE DOE, Associated Press")
    assert byline is not None and byline.name == "Jane Doe" and byline.date is None


def test_caption_is_flagged_not_removed(settings: Settings) -> None:
    """A photo caption stays in the text but is left out of analysis."""
    caption = "Mayor Daniel Pruitt (pictured) proposed the ferry subsidy in March."
    art = clean_article(make([FERRY[0], caption, FERRY[1]]), settings)
    assert texts(art) == [FERRY[0], caption, FERRY[1]]
    assert flagged(art, "caption") == [caption]
    assert [p.analysed for p in art.paragraphs] == [True, False, True]
    assert caption not in art.analysed_text


def test_subhead_question_is_flagged(settings: Settings) -> None:
    """A standalone question used as a subhead is flagged; a quoted question is not."""
    quoted = "\u201cWho pays if the ferry stops?\u201d Okafor asked the mayor at the meeting."
    art = clean_article(make([FERRY[0], "What happens to the winter sailings now?", FERRY[1], quoted]), settings)
    assert flagged(art, "question") == ["What happens to the winter sailings now?"]


def test_repeated_paragraph_is_removed(settings: Settings) -> None:
    """A paragraph printed twice by the page is kept once."""
    art = clean_article(make([FERRY[0], FERRY[1], FERRY[1], FERRY[2]]), settings)
    assert texts(art) == FERRY[:3]


def test_off_topic_sports_paragraph_is_flagged(settings: Settings) -> None:
    """A football item pasted into a politics story is flagged off-topic; the story's paragraphs are not."""
    art = clean_article(make([*FERRY[:4], SPORTS, *FERRY[4:]]), settings)
    assert flagged(art, "off_topic") == [SPORTS]
    assert SPORTS in art.text  # flagged, not deleted
    assert SPORTS not in art.analysed_text
    assert [p.text for p in art.paragraphs if p.analysed] == FERRY


def test_off_topic_paragraph_without_section_words_is_flagged(settings: Settings) -> None:
    """A food item that shares no words or names with the story is flagged off-topic by its vocabulary."""
    art = clean_article(make([*FERRY[:5], BISTRO, *FERRY[5:]]), settings)
    assert flagged(art, "off_topic") == [BISTRO]


def test_short_clean_article_gets_no_flags(settings: Settings) -> None:
    """A short, clean article keeps every paragraph as written and no paragraph is flagged."""
    paragraphs = FERRY[:3]
    art = clean_article(make(paragraphs, published="2025-03-04"), settings)
    assert texts(art) == paragraphs
    assert not any(p.flags for p in art.paragraphs)
    assert art.flags == []


def test_short_article_with_odd_paragraph_is_not_judged(settings: Settings) -> None:
    """Three paragraphs are too little "rest" to call one of them off-topic."""
    art = clean_article(make([FERRY[0], BISTRO, FERRY[1]]), settings)
    assert flagged(art, "off_topic") == []


def test_too_short_and_no_date_flags(settings: Settings) -> None:
    """Fewer than ingest.min_words words left: too_short; no date anywhere: no_date."""
    art = clean_article(make(["Advertisement", "The council met.", "Share this"]), settings)
    assert texts(art) == ["The council met."]
    assert "too_short" in art.flags and "no_date" in art.flags


def test_truncated_last_paragraph_is_flagged(settings: Settings) -> None:
    """A page cut mid-word leaves its last paragraph in the text, flagged truncated."""
    cut = "Okafor said the finance committee would ask the operator for its repair rec"
    art = clean_article(make([*FERRY[:3], cut]), settings)
    assert texts(art)[-1] == cut
    assert flagged(art, "truncated") == [cut]


def test_whitespace_is_tidied_and_empty_paragraphs_dropped(settings: Settings) -> None:
    """Runs of spaces, stray spaces before punctuation and empty paragraphs are fixed."""
    art = clean_article(make(["  The council  voted ,then  adjourned .\u00a0It meets again( in May ) .", "   ",
                              FERRY[0]]), settings)
    assert texts(art) == ["The council voted, then adjourned. It meets again (in May).", FERRY[0]]
    assert tidy("Filed in August.Read moreAlex Brandon") == "Filed in August."
    assert tidy("(HNW)The council met.") == "(HNW) The council met."


def test_mid_article_date_heading_stays(settings: Settings) -> None:
    """A date on its own line inside the text is a heading of what follows, not a date line to delete."""
    paragraphs = [*FERRY[:6], "March 4, 2025", FERRY[6], FERRY[7]]
    art = clean_article(make(paragraphs), settings)
    assert "March 4, 2025" in texts(art)
    assert art.published is None


def test_cleaning_twice_changes_nothing(settings: Settings) -> None:
    """Cleaning is idempotent: a cleaned article cleaned again is the same."""
    noisy = make([TITLE, "By Jane Doe Jan 25, 2018", *FERRY[:4], SPORTS, "Related Articles", *FERRY[4:]])
    once = clean_article(noisy, settings)
    snapshot = once.to_dict()
    assert clean_article(Article.from_dict(snapshot), settings).to_dict() == snapshot


def test_clean_articles_cleans_a_batch(settings: Settings) -> None:
    """The batch form cleans every article."""
    batch = clean_articles([make([TITLE, FERRY[0]]), make(["Latest News", FERRY[1]])], settings)
    assert [texts(a) for a in batch] == [[FERRY[0]], [FERRY[1]]]


def test_content_hash_follows_clean_text(settings: Settings) -> None:
    """Two pages that differ only in furniture get the same content hash after cleaning."""
    a = clean_article(make(["Advertisement", *FERRY[:3]]), settings)
    b = clean_article(make([*FERRY[:3], "Share this story"]), settings)
    assert a.content_hash == b.content_hash


def test_offtopic_threshold_setting_is_used() -> None:
    """Raising the share threshold to 1 flags every foreign-enough paragraph; the default does not."""
    paras = [*FERRY[:5], BISTRO, *FERRY[5:]]
    strict = TopicScorer(Settings.load(overrides={"clean": {"offtopic_threshold": 0.0}}))
    assert 5 in strict.off_topic(TITLE, paras)  # the bistro shares no word at all
    none = TopicScorer(Settings.load(overrides={"clean": {"offtopic_min_paragraphs": 50,
                                                          "offtopic_domain_min_paragraphs": 50}}))
    assert none.off_topic(TITLE, paras) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Jan 25, 2018", "2018-01-25"), ("25 January 2018", "2018-01-25"), ("1/25/2018", "2018-01-25"),
     ("Sept. 19, 2017", "2017-09-19"), ("in November", None), ("Feb 30, 2018", None)],
)
def test_find_date_reads_full_dates_only(text: str, expected: str | None) -> None:
    """Only a full day, month and year is a date; a month alone or an impossible day is not."""
    assert find_date(text) == expected


def test_line_tests() -> None:
    """The line tests answer as a reader would."""
    assert is_ui_line("Share on Facebook") and not is_ui_line("Read my lips, says the mayor")
    assert repeats_title("• " + TITLE, TITLE) and not repeats_title(FERRY[0], TITLE)
    assert not repeats_title("Fire crews arrived at noon", "Fire")
    assert is_title_case("Island Schools Brace For Ferry Cuts") and not is_title_case(FERRY[0])
    assert parse_dateline("The council voted on March 3, 2017.") is False


def test_short_paragraphs_above_a_wire_dateline_lead_are_captions(settings: Settings) -> None:
    """A photo caption and a teaser row above "PLACE -- lead" are page furniture: kept, but never analysed."""
    caption = "Volunteers carry sandbags along the river wall Tuesday in the old town of Marlow."
    teaser = "Start your morning here: weather, traffic and the week's best recipes"
    lead = ("MARLOW -- Volunteers worked through the night on Tuesday to raise the river wall as the Tam rose "
            "to its highest level in forty years, officials said.")
    art = clean_article(make([teaser, caption, lead, FERRY[1]]), settings)
    assert caption in flagged(art, "caption") and teaser in texts(art) and teaser not in art.analysed_text
    assert lead in art.analysed_text and FERRY[1] in art.analysed_text


@pytest.mark.parametrize(("head", "dateline"), [
    ("MARLOW (Lakeside Wire) ", True),
    ("MARLOW (Lakeside Wire) -- ", True),
    ("FBI (Federal Bureau of Investigation) Director Ana Roth said ", False),
    ("ICE (Immigration and Customs Enforcement) Acting Director Ana Roth said ", False),
    ("MAYOR (laughs) ", False),
    ("UPDATE (2:30 p.m.) ", False),
])  # fmt: skip
def test_only_a_wire_credit_makes_a_dateline_without_a_dash(head: str, dateline: bool, settings: Settings) -> None:
    """A short paragraph above "PLACE (Agency) lead" is a caption; above brackets that hold an expansion, a stage
    direction or a time it is the story's own first paragraph."""
    short = "The river rose a metre overnight in the old town of Marlow."
    lead = head + "Volunteers worked through the night on Tuesday to raise the river wall, officials said."
    art = clean_article(make([short, lead, FERRY[1]]), settings)
    assert (short in flagged(art, "caption")) is dateline
    assert lead in art.analysed_text


def test_a_long_paragraph_above_a_dateline_is_not_a_caption(settings: Settings) -> None:
    """A dateline further down (a second report pasted below a full paragraph) says nothing about what is above."""
    first = " ".join([FERRY[0]] * 3)
    second = "MARLOW -- Volunteers worked through the night on Tuesday to raise the river wall, officials said."
    art = clean_article(make([first, second]), settings)
    assert flagged(art, "caption") == []


def test_a_parsed_photo_caption_is_flagged(settings: Settings, nlp: NLP) -> None:
    """A named person doing something in the present tense, alone in its paragraph, is a caption; prose is not."""
    from storyline.clean import flag_parsed_captions

    caption = "Mayor Daniel Pruitt inspects the damaged ferry at the Gull Island pier on Tuesday."
    says = "Company director Ines Marlow says the fleet will be inspected before service resumes."
    past = "Ines Marlow inspected the damaged hull at the pier on Tuesday, the company said."
    art = make([FERRY[0], caption, says, past])
    changed = flag_parsed_captions(art, nlp.parse([art])[0])
    assert changed and flagged(art, "caption") == [caption]
    assert says in art.analysed_text and past in art.analysed_text


def test_parsed_captions_are_settled_before_dedupe_reads_the_text(store, settings: Settings, nlp) -> None:  # type: ignore[no-untyped-def]
    """Run in the pipeline's order, the captions step flags a shared photo caption before dedupe signs passages:
    two different stories that carry the same caption are not reported as reusing each other's text."""
    from storyline import pipeline
    from storyline.context import RunContext

    caption = "Mayor Daniel Pruitt inspects the damaged ferry at the Gull Island pier on a grey Tuesday morning."
    ferry = Article(id="ferry", title=TITLE, published="2024-05-02",
                    paragraphs=[Paragraph(p) for p in [FERRY[0], caption, *FERRY[1:4]]])
    orchard = Article(id="orchard", title="Orchard growers fear late frost", published="2024-05-03", paragraphs=[
        Paragraph(p) for p in [
            "Fruit growers in the Wend valley lit fires between the rows on Monday night as the temperature fell "
            "below freezing two weeks after the apple trees had blossomed.", caption,
            "The growers' association said a third of the blossom could be lost if the frost returns this week, "
            "and asked the regional government for emergency loans."]])
    store.add_articles([clean_article(ferry, settings), clean_article(orchard, settings)])
    stages = [s for s in pipeline.STAGES if s.name in ("nlp", "captions", "dedupe")]
    assert [s.name for s in stages] == ["nlp", "captions", "dedupe"]
    ctx = RunContext(store, settings, new_ids=["ferry", "orchard"], _nlp=nlp)
    pipeline.analyse(ctx, stages)
    for aid in ("ferry", "orchard"):
        art = store.get_article(aid)
        held = [p for p in art.paragraphs if p.text == caption]
        assert held and held[0].flags == ["caption"] and held[0].reused_from == []
        assert art.duplicate_of is None and "stitched" not in art.flags
    # a second run checks nothing again and changes nothing
    before = [store.get_article(a).to_dict() for a in ("ferry", "orchard")]
    pipeline.analyse(RunContext(store, settings, new_ids=["ferry"], _nlp=nlp), stages)
    assert [store.get_article(a).to_dict() for a in ("ferry", "orchard")] == before
