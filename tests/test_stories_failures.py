"""Stories: the failure classes a reader met on unseen pages (issue 13), each with hand-written mini articles.

A repost carrying a later date joins its story; a page documenting an event (a court's opinion, a press
release) joins the news of it; a later decision on the same case stays a story of its own, linked by the
storyline; a group of copies joins or leaves a story as one.
"""

from __future__ import annotations

from typing import Any

import pytest

from storyline import nlp as nlp_stage
from storyline import stories
from storyline.config import Settings
from storyline.context import RunContext
from storyline.model import Article, Paragraph
from storyline.store import Store
from storyline.stories.cluster import StoryClusterer, StoryState
from storyline.stories.dates import own_date
from storyline.stories.features import ArticleFeatures
from storyline.text.parser import NLP


def _art(aid: str, title: str, published: str | None, outlet: str, *paras: str, **kw: Any) -> Article:
    """A short hand-written article."""
    return Article(id=aid, title=title, published=published, outlet=outlet, paragraphs=[Paragraph(p) for p in paras],
                   **kw)


def _run(store: Store, nlp: NLP, settings: Settings, *articles: Article) -> None:
    """Store, parse and place articles as one stream run."""
    ids, _ = store.add_articles(articles)
    ctx = RunContext(store, settings, new_ids=ids, _nlp=nlp)
    nlp_stage.run(ctx)
    stories.run(ctx)


def _story(store: Store, aid: str) -> str | None:
    """The story an article is in."""
    return store.get_article(aid).story


# -- a group of copies joins or leaves a story as one ---------------------------------------------------
def _drifted_story() -> tuple[StoryClusterer, str]:
    """A story of three reports where the first no longer fits the other two, and two copies of that first one
    placed by an earlier run (the clusterer is rebuilt from the stored form, so this run knows no duplicate map)."""
    c = StoryClusterer(threshold=0.2)
    story = c._open("r1")
    for aid, body in (("r1", {"ferry": 1.0, "storm": 1.0}), ("r2", {"bridge": 1.0, "toll": 1.0, "vote": 1.0}),
                      ("r3", {"bridge": 1.0, "toll": 1.0, "council": 1.0})):
        f = ArticleFeatures(aid, day=5, body=body)
        c.vocab_.add(f)
        c._join(story.id, f)
    c.assign_duplicate("r1-copy-a", "r1")
    c.assign_duplicate("r1-copy-b", "r1")
    stored = StoryState.from_dict(StoryState.to_dict(c.stories_[story.id]))
    again = StoryClusterer(threshold=0.2).load(c.vocab_, [stored], c.features_.values())
    return again, story.id


def test_copies_placed_by_an_earlier_run_leave_the_story_with_their_original() -> None:
    c, sid = _drifted_story()
    c.split_pass()  # no duplicate map: the copies arrived in an earlier run
    home = c.story_of_["r1"]
    assert home != sid
    assert c.story_of_["r1-copy-a"] == c.story_of_["r1-copy-b"] == home
    assert sorted(c.stories_[sid].articles) == ["r2", "r3"]  # no copy left behind without its original
    assert sorted(c.stories_[home].articles) == ["r1", "r1-copy-a", "r1-copy-b"]


FLOOD_1 = _art(
    "flood-1", "River Oster floods old town of Brenmark", "2024-05-02", "Brenmark Courier",
    "The River Oster burst its banks in Brenmark on Thursday, flooding the old town and forcing 2,300 residents from "
    "their homes, the regional fire service said.",
    "Firefighters used boats to reach families trapped on upper floors along the riverside quarter. Mayor Ilse Voran "
    "opened three schools as emergency shelters.",
)
FLOOD_2 = _art(
    "flood-2", "Thousands evacuated as Oster floods Brenmark", "2024-05-02", "National Ledger",
    "About 2,300 people were evacuated from Brenmark after the River Oster flooded the old town on Thursday, the fire "
    "service said.",
    "Boats carried residents from the riverside quarter, and Mayor Ilse Voran said three schools would house families "
    "overnight.",
)
# a report read first, alone, with two copies from member papers; it belongs with the two above
FLOOD_3 = _art(
    "flood-3", "Brenmark shelters fill as Oster keeps rising", "2024-05-02", "Valley Wire",
    "Emergency shelters in Brenmark's schools filled on Thursday night as the River Oster kept rising through the old "
    "town, where 2,300 residents left their homes.",
    "Mayor Ilse Voran asked people in the riverside quarter to stay away from the water while fire service boats "
    "searched upper floors for families.",
)


def test_a_copy_group_joins_its_story_as_one(store: Store, nlp: NLP, settings: Settings) -> None:
    copies = [_art(f"flood-3-copy-{k}", FLOOD_3.title, "2024-05-02", f"Member Paper {k}",
                   *[p.text for p in FLOOD_3.paragraphs], duplicate_of="flood-3") for k in (1, 2)]
    _run(store, nlp, settings, FLOOD_3, *copies)
    _run(store, nlp, settings, FLOOD_1, FLOOD_2)
    sid = _story(store, "flood-1")
    assert {_story(store, a) for a in ("flood-2", "flood-3", "flood-3-copy-1", "flood-3-copy-2")} == {sid}
    assert len(list(store.iter_stories())) == 1


# -- a repost carrying a later date --------------------------------------------------------------------
def test_a_date_stamp_opening_the_text_is_the_articles_own_day() -> None:
    repost = _art("rp", "Oster floods Brenmark", "2024-05-20", "Archive Site",
                  "May 2, 2024 | 10:14 AM", "The River Oster burst its banks in Brenmark on Thursday.")
    assert own_date(repost) == "2024-05-02"
    posted = _art("rp2", "Oster floods Brenmark", "2024-05-20", "Archive Site",
                  "Posted: 2 May 2024", "The River Oster burst its banks in Brenmark on Thursday.")
    assert own_date(posted) == "2024-05-02"


def test_a_sentence_opening_with_a_date_is_no_date_stamp() -> None:
    history = _art("h", "Brenmark remembers", "2024-05-20", "Brenmark Courier",
                   "May 2, 1994 was the day the River Oster last reached the old town.")
    assert own_date(history) == "2024-05-20"
    later = _art("u", "Oster floods Brenmark", "2024-05-03", "Archive Site",
                 "May 9, 2024", "The River Oster burst its banks in Brenmark on Thursday.")
    assert own_date(later) == "2024-05-03"  # a stamp after the published day is an update time, not the report's


def test_a_repost_weeks_later_joins_its_story(store: Store, nlp: NLP, settings: Settings) -> None:
    repost = _art("flood-repost", "Flood forces thousands from Brenmark homes", "2024-05-27", "Regional Digest",
                  "May 2, 2024",
                  "The River Oster burst its banks in Brenmark on Thursday, and about 2,300 residents of the old town "
                  "left their homes, the regional fire service said.",
                  "Mayor Ilse Voran opened schools as shelters while fire service boats reached families on upper "
                  "floors of the riverside quarter.")
    _run(store, nlp, settings, FLOOD_1, FLOOD_2, FLOOD_3)
    _run(store, nlp, settings, repost)
    assert _story(store, "flood-repost") == _story(store, "flood-1")
    assert store.get_story(_story(store, "flood-1") or "").last_date == "2024-05-02"


# -- a page documenting the event joins its news; a later decision on the case stays its own story -----------
RULING_1 = _art(
    "ruling-1", "Judge blocks Harwick water levy on farms", "2024-03-12", "Harwick Herald",
    "A federal judge on Tuesday blocked Harwick's new water levy on farms, ruling that the state had charged growers "
    "along the Orsk valley without the hearing its own law requires.",
    "Judge Marta Lindqvist granted the Orsk Farmers Association a preliminary injunction, so the levy of 40 cents "
    "per cubic metre cannot be collected while the lawsuit goes on.",
    "Governor Paul Essing said the state would appeal. The farmers' lawyer, Ruth Amberg, called the ruling a relief "
    "for 900 family farms.",
)
RULING_2 = _art(
    "ruling-2", "Court halts farm water charge in Harwick", "2024-03-12", "Valley Times",
    "Harwick cannot collect its water levy from Orsk valley farms for now, Judge Marta Lindqvist ruled on Tuesday, "
    "siding with the Orsk Farmers Association.",
    "The judge found that the state skipped the public hearing required before a new charge and issued a preliminary "
    "injunction against the 40-cent levy.",
    "Ruth Amberg, who represents the growers, said 900 farms had faced bills they could not pay. Governor Paul Essing "
    "promised an appeal.",
)
RULING_3 = _art(
    "ruling-3", "Farmers win first round against Harwick levy", "2024-03-13", "Capital Post",
    "Orsk valley growers won an injunction against Harwick's farm water levy after Judge Marta Lindqvist ruled the "
    "state had not held the required hearing.",
    "Governor Paul Essing's office said on Wednesday it would ask the appeals court to let the state collect the "
    "40-cent levy.",
)
# the court's own opinion page: caption lines in capitals, a docket number, legal prose, dated the day before
OPINION = _art(
    "ruling-opinion", "Orsk Farmers Ass'n v. Harwick, No. 3:24-cv-0112 (D. Harw. Mar. 11, 2024)", "2024-03-11",
    "Court Listings",
    "UNITED STATES DISTRICT COURT FOR THE DISTRICT OF HARWICK",
    "ORSK FARMERS ASSOCIATION, Plaintiff, v. STATE OF HARWICK, et al., Defendants.",
    "Case No. 3:24-cv-0112-ML",
    "MEMORANDUM OPINION AND ORDER GRANTING MOTION FOR PRELIMINARY INJUNCTION",
    "Before the Court is Plaintiff's Motion for a Preliminary Injunction (ECF No. 14). Plaintiff, an association of "
    "growers in the Orsk valley, challenges the water levy the State adopted in January. For the reasons below, the "
    "motion is GRANTED.",
    "I. BACKGROUND. In January the State set a levy of 40 cents per cubic metre on water drawn by farms. Section 12 "
    "of the State water code requires a public hearing before any new charge. No hearing was held. Plaintiff's 900 "
    "member farms received bills in February.",
    "II. DISCUSSION. Plaintiff is likely to succeed on its claim that the levy was adopted without the hearing the "
    "code requires, and its members face harm that money damages cannot repair.",
    "III. CONCLUSION. The motion is GRANTED. Defendants are enjoined from collecting the levy pending final judgment. "
    "IT IS SO ORDERED. Dated: March 11, 2024. Marta Lindqvist, United States District Judge.",
)
PRESS = _art(
    "ruling-press", "Statement on the court's water levy ruling", "2024-03-12", "Orsk Farmers Association",
    "The Orsk Farmers Association welcomes today's ruling by Judge Marta Lindqvist blocking the State of Harwick's "
    "water levy on farms.",
    "Our 900 member farms in the Orsk valley were charged the 40-cent levy without the public hearing the law "
    "requires, said association counsel Ruth Amberg. The injunction protects them while the case goes on.",
)
APPEAL = _art(
    "ruling-appeal", "Appeals court lets Harwick collect farm water levy", "2024-07-23", "Harwick Herald",
    "The Harwick appeals court on Tuesday lifted the injunction against the state's water levy on farms, ruling that "
    "a later hearing had cured the defect that led Judge Marta Lindqvist to block it in March.",
    "Governor Paul Essing welcomed the decision. Ruth Amberg, lawyer for the Orsk Farmers Association, said the "
    "growers would ask the state supreme court to hear the case.",
)
APPEAL_2 = _art(
    "ruling-appeal-2", "Water levy back on for Orsk valley farms", "2024-07-24", "Valley Times",
    "Orsk valley growers must pay Harwick's 40-cent water levy again after the appeals court lifted Judge Marta "
    "Lindqvist's injunction.",
    "A panel of three appeals judges found that the hearing the state held in May met the water code. The Orsk "
    "Farmers Association said it would go to the supreme court.",
)


@pytest.mark.parametrize("documents_first", [True, False])
def test_an_opinion_page_and_a_press_release_join_the_news_of_the_ruling(
    store: Store, nlp: NLP, settings: Settings, documents_first: bool
) -> None:
    if documents_first:  # read before the news, in one run
        _run(store, nlp, settings, OPINION, PRESS, RULING_1, RULING_2, RULING_3)
    else:  # found by a later run
        _run(store, nlp, settings, RULING_1, RULING_2, RULING_3)
        _run(store, nlp, settings, OPINION, PRESS)
    assert {_story(store, a) for a in ("ruling-opinion", "ruling-press", "ruling-2", "ruling-3")} == {
        _story(store, "ruling-1")}


def test_an_appeal_months_later_is_a_story_of_its_own_in_the_rulings_storyline(
    store: Store, nlp: NLP, settings: Settings
) -> None:
    _run(store, nlp, settings, RULING_1, RULING_2, RULING_3)
    _run(store, nlp, settings, APPEAL, APPEAL_2)
    ruling = store.get_story(_story(store, "ruling-1") or "")
    appeal = store.get_story(_story(store, "ruling-appeal") or "")
    assert appeal.id != ruling.id
    assert sorted(appeal.articles) == ["ruling-appeal", "ruling-appeal-2"]
    assert ruling.storyline is not None and ruling.storyline == appeal.storyline
    stories.recluster(store, settings, nlp)  # the batch agrees
    assert _story(store, "ruling-appeal") == _story(store, "ruling-appeal-2") != _story(store, "ruling-1")


# the same week, another court in another city rules on another suit over the same levy
OTHER_COURT = _art(
    "velmar-ruling", "Velmar judge upholds Harwick water levy for city utility", "2024-03-14", "Velmar Gazette",
    "A state judge in Velmar on Thursday upheld Harwick's water levy as it applies to the Velmar city utility, "
    "rejecting the city's claim that the charge broke its 1962 water-sharing compact.",
    "Judge Omar Castell ruled that the compact covered river rights, not fees, and dismissed the lawsuit the Velmar "
    "council filed in January. Velmar Mayor Lena Fosk said the city was weighing an appeal.",
)
OTHER_COURT_2 = _art(
    "velmar-ruling-2", "Velmar loses lawsuit over water levy compact", "2024-03-14", "Capital Post",
    "Velmar's lawsuit against Harwick's water levy was dismissed on Thursday by Judge Omar Castell, who found that "
    "the city's 1962 compact with the state did not shield its utility from the charge.",
    "Mayor Lena Fosk said the council would decide next week whether to appeal.",
)


def test_another_citys_ruling_on_the_same_levy_is_its_own_story(store: Store, nlp: NLP, settings: Settings) -> None:
    _run(store, nlp, settings, RULING_1, RULING_2, RULING_3, OTHER_COURT, OTHER_COURT_2)
    assert _story(store, "velmar-ruling") == _story(store, "velmar-ruling-2") != _story(store, "ruling-1")
    stories.recluster(store, settings, nlp)
    assert _story(store, "velmar-ruling") == _story(store, "velmar-ruling-2") != _story(store, "ruling-1")
