"""Event dates as a reader reads them (issue 12): which verb's tense governs a date, and which page dates count."""

from __future__ import annotations

from storyline import timeline
from storyline.config import Settings
from storyline.context import RunContext
from storyline.extract import extract_article, run
from storyline.extract.dates import doubts_published
from storyline.model import Article, Paragraph, Story, Storyline
from storyline.store import Store
from storyline.text.parser import NLP

FRIDAY = "2017-06-16"
# A deal announced on a Friday: the premium is counted over the Thursday close, which no tense of "will pay" moves.
DEAL = "The buyer will pay $42 a share for the grocer, a premium of 18 percent to the grocer's close on Thursday."
VOTE = "The council will vote on Thursday on the new budget for the harbour district."


def article(aid: str, paragraphs: list[str], published: str | None, **kw: object) -> Article:
    """A hand-written article."""
    return Article(id=aid, paragraphs=[Paragraph(p) for p in paragraphs], published=published, **kw)  # type: ignore[arg-type]


def test_a_date_after_an_apposition_dates_its_noun_not_the_future_verb(nlp: NLP) -> None:
    deal, vote = article("deal", [DEAL], FRIDAY), article("vote", [VOTE], FRIDAY)
    docs = dict(zip(("deal", "vote"), nlp.parse([deal, vote]), strict=True))
    for art in (deal, vote):
        extract_article(art, docs[art.id])
    assert [(d.text, d.value) for d in deal.dates] == [("on Thursday", "2017-06-15")]  # the close before the deal
    assert timeline.story_timeline([deal], docs) == []  # the closing price is no event of the deal's day
    assert [d.value for d in vote.dates] == ["2017-06-22"]  # a vote the council will hold: the next Thursday
    assert [e.date for e in timeline.story_timeline([vote], docs)] == ["2017-06-22"]


def test_a_page_date_years_after_its_storyline_is_doubted_unless_the_text_confirms_it() -> None:
    assert doubts_published("2019-11-21", "2016-11-05", "The side won on Wednesday night, like the 1979 team.")
    assert not doubts_published("2019-11-21", "2016-11-05", "The 2019 side won on Wednesday night.")
    assert not doubts_published("2019-11-21", "2016-11-05", "It won in December 2018, and again on Wednesday.")
    assert not doubts_published("2017-06-20", "2016-11-05", "The side won on Wednesday night.")  # within a year
    assert not doubts_published("2019-11-21", None, "The side won on Wednesday night.")  # nothing to doubt it by


def _repost_run(store: Store, settings: Settings, nlp: NLP, repost_text: str) -> dict[str, str | None]:
    """A storyline of a title story (two outlets, 2016) and a one-outlet page dated three years later."""
    first = article("r1", ["The Harbor City Gulls won the title on Wednesday night in the seventh game."],
                    "2016-11-03", story="s1", outlet="one.example")  # fmt: skip
    second = article("r2", ["Fans lined the streets on Friday as the Gulls paraded the trophy."], "2016-11-05",
                     story="s1", outlet="two.example")  # fmt: skip
    repost = article("r3", [repost_text], "2019-11-21", story="s2", outlet="three.example")
    arts = [first, second, repost]
    store.add_articles(arts)
    store.put_docs({a.id: nlp.to_bytes(d) for a, d in zip(arts, nlp.parse(arts), strict=True)})
    store.put_stories(
        [Story(id="s1", articles=["r1", "r2"], storyline="L", first_date="2016-11-03", last_date="2016-11-05",
               outlets=["one.example", "two.example"]),
         Story(id="s2", articles=["r3"], storyline="L", first_date="2019-11-21", last_date="2019-11-21",
               outlets=["three.example"])],
        [Storyline(id="L", stories=["s1", "s2"], first_date="2016-11-03", last_date="2019-11-21")],
    )  # fmt: skip
    run(RunContext(store, settings, new_ids=[a.id for a in arts], _nlp=nlp))
    return {d.text: d.value for d in store.get_article("r3").dates}


def test_a_repost_of_an_old_report_keeps_its_weekday_unplaced(store: Store, settings: Settings, nlp: NLP) -> None:
    got = _repost_run(store, settings, nlp, "The Gulls won the title on Wednesday night, ending a long wait.")
    assert got == {"on Wednesday night": None}  # not 2019-11-20: the page's date is a repost's


def test_a_late_report_that_names_its_year_is_counted_from_its_date(
    store: Store, settings: Settings, nlp: NLP
) -> None:
    got = _repost_run(store, settings, nlp, "The Gulls won the 2019 title on Wednesday night, three years on.")
    assert got.get("on Wednesday night") == "2019-11-20"
