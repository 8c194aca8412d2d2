"""Timeline: dated events per story and storyline, one entry per event citing every outlet that reports it."""

from __future__ import annotations

from typing import Any

from storyline import timeline
from storyline.config import Settings
from storyline.context import RunContext
from storyline.extract import extract_article
from storyline.model import Article, Paragraph, Story, Storyline
from storyline.store import Store
from storyline.text.parser import NLP

OUTLET_A = [
    "The Justice Department on Wednesday sent letters to 23 cities demanding records on immigration.",
    "In November, a federal judge blocked the president's order on grant money.",
    "What happens next?",
]
OUTLET_B = [
    "On Wednesday the Justice Department sent letters demanding immigration records from 23 cities.",
    "The mayor held a news conference on Thursday to criticise the letters.",
]


def art(aid: str, paragraphs: list[str], published: str, **kw: Any) -> Article:
    """A hand-written article."""
    return Article(id=aid, paragraphs=[Paragraph(p) for p in paragraphs], published=published, **kw)


def extracted(nlp: NLP, *articles: Article) -> list[Article]:
    """Run extraction on hand-written articles."""
    for a, d in zip(articles, nlp.parse(list(articles)), strict=True):
        extract_article(a, d)
    return list(articles)


def test_same_event_from_two_outlets_is_one_entry_in_date_order(nlp: NLP) -> None:
    arts = extracted(nlp, art("a", OUTLET_A, "2018-01-25"), art("b", OUTLET_B, "2018-01-26"))
    entries = timeline.story_timeline(arts)
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    wed = [e for e in entries if e.date == "2018-01-24"]
    assert len(wed) == 1 and wed[0].sources == ["a", "b"]
    nov = next(e for e in entries if e.date == "2017-11-01")
    assert nov.granularity == "month" and nov.sources == ["a"]
    assert not any(e.text.endswith("?") for e in entries)
    assert any(e.date == "2018-01-25" and e.sources == ["b"] for e in entries)


def test_duplicates_count_once(nlp: NLP) -> None:
    a, b, c = extracted(nlp, art("a", OUTLET_A, "2018-01-25"), art("b", OUTLET_B, "2018-01-26"),
                        art("c", OUTLET_B, "2018-01-26", duplicate_of="b"))  # fmt: skip
    entries = timeline.story_timeline([a, b, c])
    assert entries and all("c" not in e.sources for e in entries)


def test_different_events_on_one_date_stay_apart() -> None:
    e1 = timeline.TimelineEntry("2018-01-24", "The Justice Department sent letters to 23 cities.", ["a"])
    e2 = timeline.TimelineEntry("2018-01-24", "Mayors cancelled a meeting with the president in Washington.", ["b"])
    assert len(timeline.merge_events([(e1, 1.0), (e2, 1.0)])) == 2


def test_run_writes_story_and_storyline_timelines(store: Store, settings: Settings, nlp: NLP) -> None:
    a, b = extracted(nlp, art("a", OUTLET_A, "2018-01-25", story="s1"), art("b", OUTLET_B, "2018-01-26", story="s2"))
    store.add_articles([a, b])
    store.put_stories([Story(id="s1", articles=["a"], storyline="L"), Story(id="s2", articles=["b"], storyline="L")],
                      [Storyline(id="L", stories=["s1", "s2"])])  # fmt: skip
    timeline.run(RunContext(store, settings, touched_stories={"s1", "s2"}))
    assert store.get_story("s1").timeline and store.get_story("s2").timeline
    [line] = list(store.iter_storylines())
    wed = [e for e in line.timeline if e.date == "2018-01-24"]
    assert len(wed) == 1 and wed[0].sources == ["a", "b"]
    assert line.timeline[0].date == "2017-11-01"
    assert timeline.format_timeline(line.timeline)[0].startswith("2017-11")


QUAKE = [
    "HARBOUR CITY (Wire) \u2014 Rescuers pulled two survivors from a collapsed school on Wednesday after the quake.",
    "Volunteers search the rubble of the market for survivors on Wednesday in the old town.",
    "\u2022 Tuesday, Sept. 19, 2017 \u2014 the first tremor hits the coast.",
    "Officials said last week that the old school had failed an inspection.",
    "The quake struck on the anniversary of the deadly September 19, 1985 tremor that flattened the centre.",
    "In 2015, the city council passed a stricter building code after a smaller quake.",
    "Tourism accounted for 12 percent of the city's income last year.",
]


def test_captions_datelines_weeks_and_history_stay_out(nlp: NLP) -> None:
    [a] = extracted(nlp, art("q", QUAKE, "2017-09-21"))
    doc = nlp.parse([a])[0]
    entries = timeline.story_timeline([a], {"q": doc})
    texts = [e.text for e in entries]
    # the dateline is cut from the lead; the event stays
    assert any(t.startswith("Rescuers pulled two survivors") for t in texts)
    assert not any("search the rubble" in t for t in texts)  # present-tense photo caption
    assert not any(t.startswith("\u2022") or "first tremor" in t for t in texts)  # bulleted list line
    assert not any("inspection" in t for t in texts)  # "last week" has no day
    assert not any(e.date.startswith("1985") for e in entries)  # an anniversary's date is not this event's
    years = [e for e in entries if e.granularity == "year"]
    assert [e.date for e in years] == ["2015-01-01"]  # an event in a year; a yearly statistic is not one


def test_year_event_needs_a_past_tense_verb_in_the_parse(nlp: NLP) -> None:
    paragraphs = [
        "In 2016, the harbour board is the largest employer of the town and its port.",
        "In 2015, the harbour board has closed the old pier to ferries for good.",
        "WASHINGTON, March 27 The harbour board voted on Monday to rebuild the pier.",
    ]
    [a] = extracted(nlp, art("p", paragraphs, "2017-03-28"))
    entries = timeline.story_timeline([a], {"p": nlp.parse([a])[0]})
    assert [e.date[:4] for e in entries if e.granularity == "year"] == ["2015"]  # present perfect; no past in 2016
    assert any(e.date == "2017-03-27" and e.text.startswith("The harbour board voted") for e in entries)


def test_year_entry_only_when_nothing_finer_tells_the_event() -> None:
    fine = timeline.TimelineEntry(
        "2015-03-01", "The city council passed a stricter building code in March.", ["a"], "month"
    )
    coarse = timeline.TimelineEntry(
        "2015-01-01", "In 2015 the city council passed a stricter building code.", ["b"], "year"
    )
    other = timeline.TimelineEntry(
        "2012-01-01", "In 2012 the port authority sold the old ferry terminal.", ["b"], "year"
    )
    merged = timeline.merge_events([(fine, 2.0), (coarse, 0.7), (other, 0.7)])
    assert [(e.date, e.granularity) for e in merged] == [("2012-01-01", "year"), ("2015-03-01", "month")]


# -- issue 12: lines a reader can trust --------------------------------------------------------------------
SIDEBAR = [
    "The city council on Tuesday approved a new budget for the public library system.",
    "Related: Judge blocked the state grant rule for sheriffs on Monday",
    "\u2022 Governor vetoes transit bill on Friday after a long fight",
]


def test_a_sidebar_teaser_is_no_timeline_entry(nlp: NLP) -> None:
    a = art("s", SIDEBAR, "2017-10-20")
    [doc] = nlp.parse([a])
    extract_article(a, doc)
    entries = timeline.story_timeline([a], {"s": doc})
    assert [e.text for e in entries] == [SIDEBAR[0]]


def test_a_date_in_a_side_clause_does_not_date_the_event(nlp: NLP) -> None:
    a = art("m", ["The mayor sent a memo that gave the agencies until December 8 to answer the state."], "2017-11-15")
    [doc] = nlp.parse([a])
    extract_article(a, doc)
    assert any(d.value == "2017-12-08" for d in a.dates)  # the date is read
    assert timeline.story_timeline([a], {"m": doc}) == []  # but the memo was not sent on December 8
