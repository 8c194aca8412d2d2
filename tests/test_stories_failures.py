"""Stories: the failure classes a reader met on unseen pages (issue 13), each with hand-written mini articles.

A repost carrying a later date joins its story; a page documenting an event (a court's opinion, a press
release) joins the news of it; a later decision on the same case stays a story of its own, linked by the
storyline; a group of copies joins or leaves a story as one.
"""

from __future__ import annotations

from typing import Any

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
