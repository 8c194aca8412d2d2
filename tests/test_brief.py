"""The cited brief: what is picked, what is cited, what is never shown; agreement and conflict of figures."""

from __future__ import annotations

from typing import Any

import pytest

from storyline import brief
from storyline import claims as claims_stage
from storyline.claims.agreement import claims, figure_claims
from storyline.config import Settings
from storyline.context import RunContext
from storyline.model import Article, Figure, Paragraph, Span, Story, Storyline
from storyline.store import Store
from storyline.text.parser import NLP, sentences_of
from storyline.text.words import word_count

# A bridge closure reported by three outlets; the Harbour Gazette piece is a syndicated copy of the wire.
WIRE = Article(
    id="wire",
    outlet="Lakeside Wire",
    published="2024-05-06",
    title="Storm closes Alden bridge",
    paragraphs=[
        Paragraph("Floodwater from the Marrow River forced officials to close the Alden toll bridge on Monday, cutting "
                  "the main road between the two halves of the city."),
        Paragraph("Engineers found cracks in two of the bridge's support piers during an inspection after the storm, "
                  "the county transport office said."),
        Paragraph("The bridge carries about 40,000 vehicles a day, and drivers were sent on a detour of roughly 30 "
                  "kilometres."),
    ],
)
COPY = Article(
    id="copy",
    outlet="Harbour Gazette",
    published="2024-05-06",
    duplicate_of="wire",
    title="Storm closes Alden bridge",
    paragraphs=[Paragraph(p.text) for p in WIRE.paragraphs],
)
DAILY = Article(
    id="daily",
    outlet="Alden Daily",
    published="2024-05-07",
    title="Bridge shut after flood",
    paragraphs=[
        Paragraph("Officials closed the Alden toll bridge on Monday after floodwater from the Marrow River cut the "
                  "main road between the two halves of the city."),
        Paragraph("Mayor Ruth Okafor said repairs could take until the autumn and asked residents to use the ferry."),
        Paragraph("What happens to the tolls now?"),
        Paragraph("In other news, the Alden Rovers won their football match 3-1 on Saturday in front of a home crowd "
                  "of 8,000 fans.", flags=["off_topic"]),
        Paragraph("Photo: the closed bridge at dawn. Getty Images", flags=["caption"]),
    ],
)
TIMES = Article(
    id="times",
    outlet="County Times",
    published="2024-05-08",
    title="Alden bridge repairs to cost millions",
    paragraphs=[
        Paragraph("Repairing the two cracked piers of the Alden toll bridge will cost an estimated 12 million euros, "
                  "the county transport office said on Wednesday."),
        Paragraph("Engineers found cracks in two of the bridge's support piers during an inspection after the storm, "
                  "the transport office said."),
        Paragraph("\"We will not reopen a bridge we cannot vouch for,\" the county's chief engineer, Tomas Lind, said "
                  "at a briefing."),
    ],
)
ALL = [WIRE, COPY, DAILY, TIMES]


def _story(articles: list[Article]) -> Story:
    return Story(id="s1", title="Alden bridge closed", articles=[a.id for a in articles])


@pytest.fixture
def arts() -> list[Article]:
    """Fresh copies of the articles (stages write into them)."""
    return [Article.from_dict(a.to_dict()) for a in ALL]


def test_every_sentence_is_quoted_exactly_from_its_source(arts: list[Article], settings: Settings) -> None:
    by_id = {a.id: a for a in arts}
    summary = brief.summarise(_story(arts), arts, settings)
    assert summary
    for c in summary:
        assert c.article is not None and c.span is not None
        assert by_id[c.article].cut(c.span) == c.text
        assert c.article in c.sources


def test_a_sentence_cites_every_article_that_states_it(arts: list[Article], settings: Settings) -> None:
    summary = brief.summarise(_story(arts), arts, settings, words=200)
    piers = [c for c in summary if "cracks in two" in c.text]
    assert len(piers) == 1, "the piers are reported twice in other words: said once"
    # stated by the wire, its syndicated copy and (paraphrased) by the County Times; not by the Alden Daily
    assert set(piers[0].sources) == {"wire", "copy", "times"}


def test_paraphrase_is_cited_but_a_different_figure_is_not(settings: Settings) -> None:
    a = Article(id="a", paragraphs=[Paragraph("Firefighters said 14 people were injured in the blast at the Norbury "
                                              "fuel depot on Sunday.")])
    b = Article(id="b", paragraphs=[Paragraph("Firefighters said 14 people were injured in the blast at the fuel depot "
                                              "in Norbury on Sunday night.")])
    c = Article(id="c", paragraphs=[Paragraph("Firefighters said 16 people were injured in the blast at the Norbury "
                                              "fuel depot on Sunday.")])
    summary = brief.summarise(Story(id="s", articles=["a", "b", "c"]), [a, b, c], settings, words=20)
    assert len(summary) == 1
    cited = set(summary[0].sources)
    assert "c" not in cited if "14" in summary[0].text else "a" not in cited and "b" not in cited


def test_redundancy_control_never_says_the_same_thing_twice(arts: list[Article], settings: Settings) -> None:
    summary = brief.summarise(_story(arts), arts, settings, words=300)
    closures = [c for c in summary if "close" in c.text.lower() and "Alden toll bridge" in c.text]
    assert len(closures) == 1
    assert len({c.text for c in summary}) == len(summary)


def test_syndicated_copy_counts_once(arts: list[Article], settings: Settings) -> None:
    summary = brief.summarise(_story(arts), arts, settings, words=300)
    assert summary
    assert not any(c.article == "copy" for c in summary), "a verbatim copy's sentences are never picked twice"
    story = _story(arts)
    story.summary = summary
    by_subject = {c.subject: c for c in claims(story, arts) if c.kind == "claim"}
    lead = next(c for c in by_subject.values() if "Floodwater" in c.subject)
    # wire + copy + Alden Daily state it: two independent outlets, three sources
    assert lead.values[0]["independent"] == 2 and set(lead.values[0]["sources"]) == {"wire", "copy", "daily"}
    assert lead.status == "agree"


def test_flagged_questions_and_furniture_are_never_picked(arts: list[Article], settings: Settings) -> None:
    text = " ".join(c.text for c in brief.summarise(_story(arts), arts, settings, words=1000))
    assert "football" not in text
    assert "Getty" not in text
    assert "?" not in text


@pytest.mark.parametrize(
    ("sentence", "problem"),
    [
        ("What's the administration's response to all this?", "question"),
        ("The council said the new rules would take effect next month, and Pre...", "truncated"),
        ("The council said the new rules would take effect next month and that the", "truncated"),
        ("The mayor and the governor met at the state capitol on Tuesday. Getty Images.", "boilerplate"),
        ("\"We are not going to back down from this fight, not now and not ever.\"", "unattributed_quote"),
        ("\"We are not going to back down from this fight,\" he said at the rally.", "unattributed_quote"),
        ("We have got to take these cities to court and start charging the politicians.", "first_person"),
        ("The Justice Department (pictured) asked for the records from the jurisdictions.", "boilerplate"),
        ("Rain fell.", "fragment"),
        ("\u2022 Fans celebrate in the square after the final whistle on Saturday night.", "list_item"),
    ],
)
def test_sentences_that_cannot_stand_alone(sentence: str, problem: str) -> None:
    assert brief.sentence_problem(sentence) == problem


@pytest.mark.parametrize(
    "sentence",
    [
        "\"We will not reopen a bridge we cannot vouch for,\" the county's chief engineer, Tomas Lind, said at a "
        "briefing.",
        "The Justice Department said it was asking for the records from 23 jurisdictions, including three states.",
        # any speech verb of the house lexicon, in any form, attributes a quote
        "\u201cThe bridge will stay shut until every pier has been checked,\u201d Mayor Ruth Okafor cautioned.",
        "\u201cWe cannot vouch for the piers yet,\u201d engineer Tomas Lind acknowledges in the report.",
    ],
)
def test_attributed_quotes_and_plain_statements_are_usable(sentence: str) -> None:
    assert brief.sentence_problem(sentence) is None


def test_word_budget_is_kept(arts: list[Article], settings: Settings) -> None:
    summary = brief.summarise(_story(arts), arts, settings, words=40)
    assert 0 < sum(word_count(c.text) for c in summary) <= 40


def test_sentences_are_in_reading_order(arts: list[Article], settings: Settings) -> None:
    summary = brief.summarise(_story(arts), arts, settings, words=300)
    dates = [c.date or min(a.published or "" for a in arts if a.id in c.sources) for c in summary]
    assert dates == sorted(dates)


def test_real_sentences_from_the_nlp_pass(arts: list[Article], settings: Settings, nlp: NLP) -> None:
    from storyline.text.parser import sentences_of

    for a, doc in zip(arts, nlp.parse(arts), strict=True):
        a.sentences = sentences_of(a, doc)
    summary = brief.summarise(_story(arts), arts, settings)
    assert summary[0].text.startswith("Floodwater from the Marrow River")
    assert set(summary[0].sources) == {"wire", "copy", "daily"}


def _fig(article: str, text: str, value: float, measure: str, sentence: str) -> tuple[Article, Figure]:
    art = Article(id=article, outlet=article.title() + " News", paragraphs=[Paragraph(sentence)])
    start = sentence.index(text)
    fig = Figure(
        article, Span(start, start + len(text)), text, value, measure, "count", False, measure, None,
        Span(0, len(sentence)),
    )  # fmt: skip
    art.figures = [fig]
    return art, fig


def test_figure_conflict_shows_both_values_with_their_sources() -> None:
    a, _ = _fig("north", "14 people", 14, "people", "At least 14 people were injured in the explosion at the depot, "
                                                    "police said.")
    b, _ = _fig("south", "16 people", 16, "people", "The explosion at the depot injured 16 people, the fire service "
                                                    "said.")
    c, _ = _fig("east", "14 people", 14, "people", "Police said 14 people were injured in the depot explosion.")
    [claim] = figure_claims([a, b, c])
    assert claim.status == "conflict"
    side = {v["value"]: v["sources"] for v in claim.values}
    assert side == {14: ["north", "east"], 16: ["south"]}
    assert {v["independent"] for v in claim.values} == {2, 1}


def test_agreeing_and_single_source_figures() -> None:
    a, _ = _fig("north", "23 jurisdictions", 23, "jurisdictions", "The department asked 23 jurisdictions for records.")
    b, _ = _fig("south", "23 jurisdictions", 23, "jurisdictions", "Records were demanded from 23 jurisdictions.")
    copy = Article.from_dict(b.to_dict())
    copy.id, copy.duplicate_of = "south-copy", "south"
    copy.figures[0].article = "south-copy"
    d, _ = _fig("west", "$39 million", 39e6, "grant money", "The grants at stake amount to $39 million a year.")
    d.figures[0].kind, d.figures[0].unit = "money", "USD"
    out = {c.subject: c for c in figure_claims([a, b, copy, d])}
    assert out["jurisdictions"].status == "agree"
    assert out["jurisdictions"].values[0]["independent"] == 2
    assert out["jurisdictions"].values[0]["sources"] == ["north", "south", "south-copy"]
    assert out["grant money"].status == "single_source"


def test_different_statements_with_one_measure_are_not_a_conflict() -> None:
    a, _ = _fig("north", "three states", 3, "states", "The list includes three states, Oregon, Maine and Ohio, among "
                                                      "others.")
    b, _ = _fig("south", "two dozen states", 24, "states", "Officials have pressed nearly two dozen states and cities "
                                                           "over the policy.")
    rows = figure_claims([a, b])
    assert rows and all(c.status != "conflict" for c in rows)


def test_stage_writes_summaries_claims_and_storyline_brief(
    store: Store, settings: Settings, arts: list[Article]
) -> None:
    later = Article(id="later", outlet="County Times", published="2024-06-20", title="Alden bridge reopens",
                    paragraphs=[Paragraph("The Alden toll bridge reopened to traffic on Thursday after six weeks of "
                                          "repairs to its cracked piers, the county said.")])  # fmt: skip
    store.add_articles(arts + [later])
    s1 = Story(
        id="s1", title="Alden bridge closed", articles=[a.id for a in arts], first_date="2024-05-06", storyline="L"
    )
    s2 = Story(id="s2", title="Alden bridge reopens", articles=["later"], first_date="2024-06-20", storyline="L")
    store.put_stories([s1, s2], [Storyline(id="L", title="Alden bridge", stories=["s2", "s1"])])
    brief.run(RunContext(store, settings))
    claims_stage.run(RunContext(store, settings))
    got = store.get_story("s1")
    assert got.summary and got.summary[0].text.startswith("Floodwater")
    assert any(c.kind == "claim" for c in got.claims)
    [line] = list(store.iter_storylines())
    assert line.summary[0].article in {"wire", "daily"} and line.summary[-1].article == "later"
    assert sum(1 for c in line.summary if c.article == "later") == 1


def test_bad_settings_are_refused() -> None:
    from storyline.errors import ConfigError

    with pytest.raises(ConfigError, match="cite_threshold"):
        brief.Summariser(Settings.load(overrides={"brief": {"cite_threshold": 0.0}}))


def test_the_same_figure_in_other_words_is_given_once(settings: Settings) -> None:
    a = Article(id="a", published="2024-02-01", paragraphs=[Paragraph(
        "Corvane agreed on Monday to buy the grocery chain Fieldmart for $4.2 billion in cash, the companies said."),
        Paragraph(
        "Fieldmart runs 310 stores across the Midwest and employs about 41,000 people.")])  # fmt: skip
    b = Article(id="b", published="2024-02-01", paragraphs=[Paragraph(
        "In a deal valued at $4.2 billion, retailer Corvane will acquire Fieldmart, its rival in the Midwest grocery "
        "market.")])  # fmt: skip
    summary = brief.summarise(Story(id="s", articles=["a", "b"]), [a, b], settings, words=200)
    assert sum("4.2 billion" in c.text for c in summary) == 1
    assert any("310 stores" in c.text for c in summary)


# The first report of a records demand, and a later one that states the figure plainly.
FIRST = Article(
    id="first",
    outlet="Capitol Wire",
    published="2024-09-04",
    paragraphs=[
        Paragraph("The Interior Ministry on Tuesday stepped up pressure on two dozen towns and provinces that refuse "
                  "to share data on foreign workers with the border police."),
        Paragraph("It threatened to seize the records by court order if the towns do not hand them over within a "
                  "month."),
        Paragraph("Losing their road grants is the risk these 24 towns face if they cannot show they cooperate, the "
                  "ministry said in a statement."),
        Paragraph("The opposition called the move an attack on local government and promised to fight it in "
                  "parliament."),
    ],
)
LATER = Article(
    id="later",
    outlet="Evening Post",
    published="2024-09-05",
    paragraphs=[
        Paragraph("The government on Tuesday escalated its fight with towns that shelter foreign workers from "
                  "deportation, asking local police to hand over their data."),
        Paragraph("The Interior Ministry said it was demanding the records from 24 towns, among them the three largest "
                  "cities and two whole provinces."),
        Paragraph("Several mayors said they would take the ministry to court rather than comply with the demand."),
    ],
)


def test_brief_opens_with_the_lead_and_goes_on_with_the_sentence_after_it(settings: Settings) -> None:
    arts = [Article.from_dict(a.to_dict()) for a in (FIRST, LATER)]
    summary = brief.summarise(Story(id="s", articles=["first", "later"]), arts, settings, words=80)
    assert summary[0].text.startswith("The Interior Ministry on Tuesday stepped up pressure")
    # "It threatened ..." leans on the lead, which is shown right before it
    assert summary[1].text.startswith("It threatened to seize the records")


def test_a_back_reference_gives_way_to_the_sentence_that_states_the_figure(settings: Settings) -> None:
    arts = [Article.from_dict(a.to_dict()) for a in (FIRST, LATER)]
    summary = brief.summarise(Story(id="s", articles=["first", "later"]), arts, settings, words=100)
    texts = [c.text for c in summary]
    assert any("demanding the records from 24 towns" in t for t in texts)
    assert not any("these 24 towns" in t for t in texts)
    assert {s for c in summary for s in c.sources} == {"first", "later"}


@pytest.mark.parametrize("dateline", ["NORBURY (Lakeside Wire) \u2014 ", "NORBURY (Lakeside Wire) "])
def test_a_wire_dateline_is_left_out_and_the_span_stays_exact(dateline: str, settings: Settings) -> None:
    # the agency's credit after an upper-case place is a dateline with or without the dash
    a = Article(id="a", published="2024-03-01", paragraphs=[Paragraph(
        dateline + "Fire destroyed the old grain warehouse on the Norbury quay on Friday night, "
        "the fire service said.")])  # fmt: skip
    [c] = brief.summarise(Story(id="s", articles=["a"]), [a], settings)
    assert c.text.startswith("Fire destroyed the old grain warehouse")
    assert c.span is not None and a.cut(c.span) == c.text


# Brackets after a word in capitals that are no agency's credit: an expansion, a time stamp (issue 13 review)
NOT_DATELINES = [
    "FBI (Federal Bureau of Investigation) Director Hana Lindqvist said on Friday that agents had searched the "
    "Norbury warehouse.",
    "UPDATE (2:30 p.m.) The Norbury council reopened the quay road after firefighters put out the warehouse blaze.",
]  # fmt: skip


@pytest.mark.parametrize("text", NOT_DATELINES)
def test_brackets_that_are_no_wire_credit_stay_in_the_lead(text: str, settings: Settings) -> None:
    # without a dash only one to three capitalised words in brackets are a credit: these leads are shown whole
    a = Article(id="a", published="2024-03-01", paragraphs=[Paragraph(text)])
    [c] = brief.summarise(Story(id="s", articles=["a"]), [a], settings)
    assert c.text == text


@pytest.mark.parametrize("text", ["US-Central-2 servers failed in the morning, the cloud company said on its status "
                                  "page.",
                                  "Finland and Estonia signed a deal to lay a third power cable under the sea on "
                                  "Wednesday."])  # fmt: skip
def test_a_lead_without_a_dateline_is_not_cut(text: str, settings: Settings) -> None:
    a = Article(id="a", paragraphs=[Paragraph(text)])
    [c] = brief.summarise(Story(id="s", articles=["a"]), [a], settings)
    assert c.text == text


def test_a_vague_day_does_not_move_a_sentence_before_the_event(settings: Settings) -> None:
    from storyline.model import DateMention

    a = Article(id="a", published="2025-09-10", paragraphs=[
        Paragraph("The Lakeport council on Tuesday approved a sales tax of a quarter cent to pay for buses and trams."),
        Paragraph("The vote came shortly before midnight, after five hours of public comment from residents."),
        Paragraph("The mayor, who proposed the tax, said she would sign it into law this week."),
    ])  # fmt: skip
    spans = a.paragraph_spans()
    tuesday = a.text.index("on Tuesday")
    week = a.text.index("this week")
    a.dates = [
        DateMention("a", Span(tuesday, tuesday + 10), "on Tuesday", "2025-09-09", "day", sentence=spans[0]),
        DateMention("a", Span(week, week + 9), "this week", "2025-09-08", "day", sentence=spans[2]),
    ]
    summary = brief.summarise(Story(id="s", articles=["a"]), [a], settings, words=200)
    assert [c.text[:14] for c in summary] == ["The Lakeport c", "The vote came ", "The mayor, who"]


def test_a_page_opening_on_a_quote_does_not_open_the_brief(settings: Settings) -> None:
    quote = Article(id="q", published="2024-09-04", paragraphs=[
        Paragraph("\u201cThe harm to our towns would be lasting and cannot be undone,\u201d Judge Mira Holt wrote in "
                  "her ruling."),
        Paragraph("The court in Norbury on Friday blocked the ministry from cutting road grants to the towns."),
    ])  # fmt: skip
    plain = Article(id="p", published="2024-09-05", paragraphs=[
        Paragraph("A Norbury court on Friday stopped the Interior Ministry from withholding road grants from 24 "
                  "towns."),
    ])  # fmt: skip
    summary = brief.summarise(Story(id="s", articles=["q", "p"]), [quote, plain], settings, words=120)
    assert not summary[0].text.startswith("\u201c")


def test_a_dateline_split_off_as_a_sentence_does_not_push_the_lead_down(settings: Settings) -> None:
    from storyline.model import Sentence

    a = Article(id="a", published="2024-03-01", paragraphs=[Paragraph(
        "NORBURY (Lakeside Wire) - Fire destroyed the old grain warehouse on the Norbury quay on Friday night, "
        "the fire service said. Nobody was hurt, and the cause of the fire is not yet known to "
        "investigators.")])  # fmt: skip
    text = a.text
    cut1, cut2 = text.index("Fire destroyed"), text.index("Nobody")
    # the sentence splitter cut the dateline off as a sentence of its own
    a.sentences = [
        Sentence(Span(0, cut1 - 1), 0), Sentence(Span(cut1, cut2 - 1), 0), Sentence(Span(cut2, len(text)), 0)
    ]
    [lead] = [c for c in brief.candidates([a]) if c.position == 0]
    assert lead.text.startswith("Fire destroyed")
    assert brief.summarise(Story(id="s", articles=["a"]), [a], settings)[0].text.startswith("Fire destroyed")


# A port strike: the first report, a later one whose lead says the same in other words, and a second-day report.
STRIKE = [
    Article(id="a", published="2024-10-07", paragraphs=[Paragraph(p) for p in (
        "Dockworkers at the port of Halden went on strike on Monday, shutting its three container terminals after pay "
        "talks collapsed.",
        "The union wants a raise of 8 percent a year, while the terminal operators have offered 3 percent.",
        "The port handles goods worth about 90 million euros a day, the harbour authority said.")]),
    Article(id="b", published="2024-10-07", paragraphs=[Paragraph(p) for p in (
        "Cargo handling stopped in Halden on Monday as port workers walked out over wages after the talks broke down.",
        "Shipping lines began sending vessels to other ports on Tuesday, and 40 ships were waiting offshore.")]),
    Article(id="c", published="2024-10-08", paragraphs=[Paragraph(p) for p in (
        "The strike at the port of Halden, where workers walked out on Monday after wage talks collapsed, went into a "
        "second day.",
        "Retailers warned that shelves could empty before the holidays if the strike lasts.")]),
]  # fmt: skip


def test_a_lead_said_again_in_other_words_is_left_out_but_news_is_kept(settings: Settings) -> None:
    arts = [Article.from_dict(a.to_dict()) for a in STRIKE]
    texts = [c.text for c in brief.summarise(Story(id="s", articles=["a", "b", "c"]), arts, settings, words=120)]
    assert texts[0].startswith("Dockworkers at the port of Halden went on strike")
    # few words in common with the lead, but the other reports match both the same way: a paraphrase
    assert not any(t.startswith("Cargo handling stopped") for t in texts)
    # a new figure is a development, not a restatement
    assert any("40 ships were waiting" in t for t in texts)


# A takeover: the first report names the buyer "Norvale.com Inc."; a later piece says the same again with "Norvale's"
# and a year ("its first grocery chain since 2009"), which is background, not a new figure.
DEAL = [
    Article(id="a", published="2024-05-03", paragraphs=[Paragraph(p) for p in (
        "Norvale.com Inc. agreed on Friday to buy the grocery chain Fenwick Market for about 9 billion dollars in "
        "cash.",
        "Fenwick Market will keep its name and its headquarters in Dunmore, the two companies said in a statement.",
        "The deal is expected to close by the end of the year if regulators approve it.")]),
    Article(id="b", published="2024-05-03", paragraphs=[Paragraph(p) for p in (
        "Online retailer Norvale is buying Fenwick Market in a bold push into groceries.",
        "Shares of rival grocers fell sharply on Friday after the news, with Tolland Foods down 9 percent.")]),
    Article(id="c", published="2024-05-03", paragraphs=[Paragraph(p) for p in (
        "Norvale's purchase of Fenwick Market gives the online retailer its first grocery chain since 2009.",
        "Analysts said the purchase of Fenwick Market could bring lower prices for Norvale shoppers in Dunmore.")]),
]  # fmt: skip


def test_a_restatement_is_not_let_in_by_a_year_or_a_name_spelled_another_way(settings: Settings) -> None:
    texts = [c.text for c in brief.summarise(Story(id="s", articles=["a", "b", "c"]), DEAL, settings, words=120)]
    assert texts[0].startswith("Norvale.com Inc. agreed on Friday to buy")
    assert not any(t.startswith(("Norvale's purchase", "Online retailer Norvale")) for t in texts)
    assert any("Tolland Foods down 9 percent" in t for t in texts)  # the market's reaction is news


def test_bulleted_highlights_above_the_lead_do_not_push_it_down(settings: Settings) -> None:
    first = Article(id="a", published="2024-06-02", paragraphs=[Paragraph(p) for p in (
        "\u2022 The Harbour Hawks won their first league title in 41 years",
        "\u2022 Striker Lena Vos scored twice in the second half",
        "The Harbour Hawks beat Dunmore Rovers 3-1 on Saturday to win the Northern League title for the first time in "
        "41 years.",
        "Lena Vos scored twice after the break, and goalkeeper Ada Kerr saved a penalty in the final minute.")])
    later = Article(id="b", published="2024-06-03", paragraphs=[Paragraph(p) for p in (
        "Fans of the Harbour Hawks celebrated late into Sunday after the team won the Northern League title on "
        "Saturday.",
        "The club will parade the trophy through the old town on Tuesday, the mayor said.")])  # fmt: skip
    texts = [c.text for c in brief.summarise(Story(id="s", articles=["a", "b"]), [first, later], settings, words=60)]
    # the first report's lead opens the brief, not the next day's feature
    assert texts[0].startswith("The Harbour Hawks beat Dunmore Rovers 3-1")
    assert not any(t.startswith("\u2022") for t in texts)


def test_the_lead_goes_on_with_reported_facts_not_a_quote(settings: Settings) -> None:
    a = Article(id="a", published="2024-10-07", paragraphs=[Paragraph(p) for p in (
        "Dockworkers at the port of Halden went on strike on Monday, shutting its three container terminals after pay "
        "talks collapsed.",
        "\u201cWe have waited four years for a fair offer and we are done waiting,\u201d union leader Mara Stenvik "
        "told reporters.",
        "The union wants a raise of 8 percent a year, while the terminal operators have offered 3 "
        "percent.")])  # fmt: skip
    texts = [c.text for c in brief.summarise(Story(id="s", articles=["a"]), [a], settings, words=45)]
    assert texts[0].startswith("Dockworkers")
    assert any("8 percent" in t for t in texts)
    assert not any("Stenvik" in t for t in texts)


def _dated(article: Article, phrase: str, value: str) -> None:
    """Give an article the resolved date of a phrase in its text (what extraction would find)."""
    from storyline.model import DateMention

    at = article.text.index(phrase)
    article.dates.append(DateMention(article.id, Span(at, at + len(phrase)), phrase, value, "day"))


def _quake() -> list[Article]:
    """A quake story: the first page (updated a day later) opens on a feature lede, the wire lead states the event."""
    first = Article(id="update", published="2024-04-02", paragraphs=[Paragraph(p) for p in (
        "Neighbours and soldiers, some digging with their hands, searched the wreckage of homes and shops through the "
        "night after the Varna Valley earthquake killed at least 61 people.",
        "Rescue teams brought sniffer dogs and heavy cranes from the capital to the worst-hit towns.")])  # fmt: skip
    wire = Article(id="wire", published="2024-04-03", paragraphs=[Paragraph(p) for p in (
        "A magnitude 6.6 earthquake shook the Varna Valley on Tuesday, killing at least 40 people as houses and shops "
        "collapsed.",
        "Officials said on Wednesday that more than 200 people were being treated in hospitals across the valley.",
        "The quake struck shortly before noon and was felt in the capital, 150 kilometres to the north.")])  # fmt: skip
    daily = Article(id="daily", published="2024-04-03", paragraphs=[Paragraph(p) for p in (
        "The earthquake that shook the Varna Valley on Tuesday killed dozens of people and flattened houses and shops "
        "in three towns.",
        "Schools across the valley will stay closed for the rest of the week while engineers inspect "
        "them.")])  # fmt: skip
    _dated(wire, "on Tuesday", "2024-04-02")
    _dated(wire, "on Wednesday", "2024-04-03")
    _dated(daily, "on Tuesday", "2024-04-02")
    return [first, wire, daily]


def test_a_dated_hard_news_lead_opens_the_brief_before_an_undated_feature_lede(settings: Settings) -> None:
    arts = _quake()
    texts = [c.text for c in brief.summarise(Story(id="s", articles=[a.id for a in arts]), arts, settings, words=120)]
    # the first page says no day: it was rewritten the day after; the wire lead dates the quake to the first day
    assert texts[0].startswith("A magnitude 6.6 earthquake shook the Varna Valley on Tuesday")


def test_the_lead_and_the_sentence_after_it_are_read_together(settings: Settings) -> None:
    arts = _quake()
    summary = brief.summarise(Story(id="s", articles=[a.id for a in arts]), arts, settings, words=120)
    texts = [c.text for c in summary]
    # dated a day later than the feature lede's page, but written to follow the lead: it is not moved after it
    assert texts[1].startswith("Officials said on Wednesday")
    assert any(t.startswith("Neighbours and soldiers") for t in texts[2:])


def test_those_naming_people_is_not_a_back_reference(settings: Settings) -> None:
    a = Article(id="a", published="2024-04-02", paragraphs=[Paragraph(p) for p in (
        "The Varna Valley earthquake flattened houses in three towns on Tuesday.",
        "Volunteers dug for hours to free those trapped under the rubble of the market hall.",
        "Inspectors said these towns must rebuild their schools to a stricter code.")])  # fmt: skip
    s = brief.Summariser(settings).fit([a])
    assert s.penalty_[1] == 1.0  # "those trapped": the people, said plainly
    assert s.penalty_[2] < 1.0  # "these towns": which ones the sentence does not say


def test_storyline_brief_places_an_undated_story_by_the_events_it_tells(settings: Settings) -> None:
    from storyline.model import TimelineEntry

    later = Article(id="later", title="Alden bridge reopens", published="2024-09-02", paragraphs=[
        Paragraph("The Alden toll bridge reopened to traffic on Monday after four months of repairs to its cracked "
                  "piers.")])
    undated = Article(id="undated", title="Inspectors find cracked piers", paragraphs=[
        Paragraph("Inspectors found two cracked piers under the Alden toll bridge, the county transport office said in "
                  "May.")])
    stories = [Story(id="s-later", articles=["later"], first_date="2024-09-02"),
               Story(id="s-undated", articles=["undated"],
                     timeline=[TimelineEntry(date="2024-05-01", text="...", sources=["undated"], granularity="month")])]
    summary = brief.storyline_summary(stories, {"later": later, "undated": undated}, settings)
    assert [c.article for c in summary] == ["undated", "later"]  # May's inspection before September's reopening
    assert brief.story_when(stories[1]) == "2024-05-01" and brief.story_when(Story(id="x")) == "9999"


def test_with_the_parse_a_sentence_cites_a_report_that_states_it_in_other_inflections(
    settings: Settings, nlp: Any
) -> None:
    """With the stored parse sentences are compared by lemma: "fled" and "flees", "struck" and "strikes",
    "children" and "a child" are the same words, so the report saying it in the present tense is cited too."""
    a = Article(id="a", published="2024-01-08", paragraphs=[Paragraph(
        "Children fled as the storm struck and the river froze on Monday, the county said.")])  # fmt: skip
    b = Article(id="b", published="2024-01-08", paragraphs=[Paragraph(
        "The storm strikes, the river freezes and a child flees on Monday, the county reported.")])  # fmt: skip
    docs = {}
    for art, doc in zip([a, b], nlp.parse([a, b]), strict=True):
        art.sentences = sentences_of(art, doc)
        docs[art.id] = doc
    summary = brief.summarise(Story(id="s", articles=["a", "b"]), [a, b], settings, docs=docs)
    assert sorted(summary[0].sources) == ["a", "b"]


def test_a_storyline_part_is_reused_only_while_its_story_and_settings_are_unchanged() -> None:
    from storyline.brief.parts import StoryParts
    from storyline.model import Citation

    settings = Settings.load()
    story = Story(id="s1", articles=["a1", "a2"])
    with Store(":memory:") as store:
        parts = StoryParts(store, settings)
        parts.keep(story, [Citation(text="The bridge reopened on Friday.", sources=["a1"], article="a1")])
        parts.save()
        grown = StoryParts(store, settings)
        grown.load([Story(id="s1", articles=["a1", "a2", "a3"])])  # a new member: made again
        assert grown.parts == {}
        other = StoryParts(store, settings.replace(brief={"words": 60}))
        other.load([story])  # other brief settings: made again
        assert other.parts == {}
        same = StoryParts(store, settings)
        same.load([story])
        # the storyline brief takes the kept sentences without reading the story's articles
        line = brief.storyline_summary([story], {}, settings, parts=same)
        assert [c.text for c in line] == ["The bridge reopened on Friday."]


# Sentences as term lists: repeated terms, a term only outside the fit rows, a row with no known term, an empty row.
TERM_ROWS = [
    ["bridge", "close", "flood", "flood", "river"],
    ["bridge", "crack", "pier", "inspection"],
    ["vehicle", "detour", "kilometre", "bridge", "bridge", "bridge"],
    ["ferry", "timetable"],
    [],
    ["river", "flood", "warning"],
]


@pytest.mark.parametrize("fit_rows", [[0, 1, 2, 3, 4, 5], [0, 2, 5], [1]])
def test_brief_tfidf_is_scikit_learns_bit_for_bit(fit_rows: list[int]) -> None:
    """The brief's own TF-IDF (no scikit-learn import in a run) gives exactly scikit-learn's vectors."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from storyline.brief.tfidf import tfidf

    vec = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True)
    vec.fit([TERM_ROWS[i] for i in fit_rows])
    want = vec.transform(TERM_ROWS)
    got = tfidf(TERM_ROWS, fit_rows)
    assert got.shape == want.shape
    assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)  # the same floats, not merely close ones


def test_brief_tfidf_of_no_terms_is_an_empty_vocabulary() -> None:
    """Sentences of stop words only have no vocabulary, as scikit-learn says with a ValueError."""
    from storyline.brief.tfidf import EmptyVocabulary, tfidf

    with pytest.raises(EmptyVocabulary):
        tfidf([[], []], [0, 1])
    assert issubclass(EmptyVocabulary, ValueError)
