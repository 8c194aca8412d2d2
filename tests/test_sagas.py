"""Stories and storylines on failure classes of issue 13: a repost with a later date, three copies of one page,
a later decision on the same case, and a months-long saga of letters, rulings and appeals with the same actors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from storyline import nlp as nlp_stage
from storyline import stories
from storyline.config import Settings
from storyline.context import RunContext
from storyline.model import Article, Paragraph
from storyline.store import Store
from storyline.stories.dates import dateline_date, own_date
from storyline.text.parser import NLP


def _art(aid: str, title: str, published: str | None, outlet: str, *paras: str, **kw: Any) -> Article:
    """A short hand-written article."""
    return Article(id=aid, title=title, published=published, outlet=outlet,
                   paragraphs=[Paragraph(p) for p in paras], **kw)


# A storm-barrier failure in a made-up town, reported by three outlets on two days of 2024.
FLOOD_1 = _art(
    "flood-1", "Harwick flood barrier fails, 300 homes evacuated", "2024-10-14", "Harwick Courier",
    "The Elmsey river broke through the Harwick flood barrier on Monday night and 300 homes in the Lower Quay "
    "district were evacuated, the Harwick fire service said.",
    "Water rose to a metre in the streets around Quay Road. Fire chief Nadia Okafor said pumps from three counties "
    "were working through the night and no one was hurt.",
)
FLOOD_2 = _art(
    "flood-2", "Elmsey bursts through Harwick barrier", "2024-10-14", "Valley Star",
    "Residents of Lower Quay in Harwick waded out of their homes after the Elmsey river overran the flood barrier "
    "late on Monday, forcing the evacuation of 300 households.",
    "Harwick fire service chief Nadia Okafor said crews had brought in extra pumps and that the barrier had failed "
    "at a joint repaired last year.",
)
FLOOD_3 = _art(
    "flood-3", "Harwick counts the cost as floodwater recedes", "2024-10-15", "Northshire News",
    "Floodwater from the Elmsey began to recede in Harwick on Tuesday, a day after the barrier failed and 300 homes "
    "in Lower Quay were evacuated.",
    "Nadia Okafor of the Harwick fire service said the pumps would run until Wednesday. Engineers are inspecting "
    "the failed joint of the barrier.",
)
# The first report re-run by a partner site five weeks on: its page date is late, its wire dateline is not.
FLOOD_REPOST = _art(
    "flood-repost", "Harwick barrier fails as Elmsey floods Lower Quay", "2024-11-20", "Riverside Weekly",
    "HARWICK, Oct. 14 (Northshire Wire) - The Elmsey river broke through the Harwick flood barrier on Monday night "
    "and 300 homes in the Lower Quay district were evacuated, the Harwick fire service said.",
    "Water rose to a metre in the streets around Quay Road. Fire chief Nadia Okafor said pumps from three counties "
    "were working through the night and no one was hurt.",
)


def _run(store: Store, nlp: NLP, settings: Settings, *articles: Article, full: bool = False) -> None:
    """Store the articles, parse them and run the stories stage over them (a stream run, or a batch)."""
    ids, _ = store.add_articles(articles)
    ctx = RunContext(store, settings, new_ids=ids, full=full, _nlp=nlp)
    nlp_stage.run(ctx)
    stories.run(ctx)


def _story(store: Store, aid: str) -> str | None:
    """The story an article was placed in."""
    return store.get_article(aid).story


# -- the article's own date evidence ---------------------------------------------------------------------
@pytest.mark.parametrize(("text", "published", "want"), [
    ("LIMA, March 3 (Meridian Wire) - A quake struck.", "2025-03-20", "2025-03-03"),
    ("LIMA, Dec. 30 (Meridian Wire) - A quake struck.", "2025-01-02", "2024-12-30"),  # across new year
    ("LIMA, March 3 (Meridian Wire) - A quake struck.", "2025-12-20", "2025-12-20"),  # too far back: published
    ("LIMA (Meridian Wire) - A quake struck on Monday.", "2025-03-20", "2025-03-20"),  # no date in the dateline
])
def test_a_dated_dateline_gives_the_reports_day(text: str, published: str, want: str) -> None:
    art = _art("a", "Quake", published, "Wire", text)
    assert own_date(art) == want


def test_a_report_without_a_dated_dateline_keeps_its_published_day() -> None:
    assert own_date(FLOOD_REPOST) == "2024-10-14"
    assert own_date(FLOOD_1) == "2024-10-14"
    assert own_date(_art("s", "Quake", "2025-03-20", "Wire", "LIMA, March 3 (Wire) - A quake struck.",
                         flags=["suspect_date"])) is None  # a flagged page date is no evidence
    assert dateline_date("Nothing here.", dt.date(2025, 1, 1)) is None


@pytest.mark.parametrize("full", [False, True])
def test_a_repost_carrying_a_later_date_joins_its_story(store: Store, nlp: NLP, settings: Settings,
                                                         full: bool) -> None:
    _run(store, nlp, settings, FLOOD_1, FLOOD_2, FLOOD_3, FLOOD_REPOST, full=full)
    sid = _story(store, "flood-1")
    assert {_story(store, a) for a in ("flood-2", "flood-3", "flood-repost")} == {sid}
    assert sid is not None
    story = store.get_story(sid)
    # the story is dated by its reports, not by the repost's page date five weeks on
    assert (story.first_date, story.last_date) == ("2024-10-14", "2024-10-15")


# -- three copies of one page ----------------------------------------------------------------------------
COPY_OF_3 = [_art(f"flood-3-copy{k}", FLOOD_3.title, "2024-10-15", f"Member Paper {k}",
                  *[p.text for p in FLOOD_3.paragraphs], duplicate_of="flood-3", flags=["syndicated"])
             for k in (1, 2)]


@pytest.mark.parametrize("full", [False, True])
def test_three_copies_of_one_page_join_the_story_they_belong_to(store: Store, nlp: NLP, settings: Settings,
                                                                 full: bool) -> None:
    # the copies arrive first, in a run of their own: they must not stay a story beside the flood story
    _run(store, nlp, settings, FLOOD_3, *COPY_OF_3)
    _run(store, nlp, settings, FLOOD_1, FLOOD_2, full=full)
    sid = _story(store, "flood-1")
    assert {_story(store, a.id) for a in (FLOOD_2, FLOOD_3, *COPY_OF_3)} == {sid}
    assert len(list(store.iter_stories())) == 1


# -- a later decision on the same case, and a saga ---------------------------------------------------------
RULING_1 = _art(
    "ruling-1", "Judge blocks Orsk water permit for Brannoch mine", "2025-02-11", "Orsk Herald",
    "A district judge on Tuesday blocked the water permit that the Orsk regional authority granted to the Brannoch "
    "copper mine, ruling that the authority ignored the Tavel river's fish stocks.",
    "Judge Miriam Castell said the permit must be reconsidered. Brannoch Mining said it would appeal, and the "
    "Tavel Valley Fishers' Union, which brought the case, called the ruling a victory.",
)
RULING_2 = _art(
    "ruling-2", "Court halts Brannoch mine permit", "2025-02-12", "Valley Star",
    "The Brannoch copper mine lost its water permit on Tuesday when Judge Miriam Castell ruled that the Orsk "
    "regional authority had not weighed the harm to fish in the Tavel river.",
    "The Tavel Valley Fishers' Union sued last year. Brannoch Mining said it would take the case to the appeals "
    "court.",
)
APPEAL_1 = _art(
    "appeal-1", "Appeals court restores Brannoch mine water permit", "2025-07-22", "Orsk Herald",
    "The regional appeals court on Tuesday overturned the February ruling of Judge Miriam Castell and restored the "
    "water permit of the Brannoch copper mine.",
    "Three appeals judges found that the Orsk regional authority had studied the Tavel river's fish stocks. The "
    "Tavel Valley Fishers' Union said it would ask the supreme court to hear the case.",
)
APPEAL_2 = _art(
    "appeal-2", "Brannoch wins appeal over Tavel river permit", "2025-07-23", "Valley Star",
    "Brannoch Mining won its appeal on Tuesday: the appeals court reinstated the mine's water permit, reversing "
    "Judge Miriam Castell.",
    "The Tavel Valley Fishers' Union, which sued the Orsk regional authority, said it would go to the supreme "
    "court. Pumping from the Tavel river can resume in August.",
)
LETTER_1 = _art(
    "letter-1", "Fishers' union warns Orsk authority over Brannoch permit", "2024-11-05", "Orsk Herald",
    "The Tavel Valley Fishers' Union sent a letter on Monday to the Orsk regional authority warning that it would "
    "sue if the water permit of the Brannoch copper mine was granted.",
    "The union says pumping from the Tavel river would harm fish stocks. Brannoch Mining said the permit met every "
    "rule.",
)
LETTER_2 = _art(
    "letter-2", "Union threatens lawsuit over Tavel river pumping", "2024-11-06", "Valley Star",
    "In a letter to the Orsk regional authority, the Tavel Valley Fishers' Union threatened on Monday to sue over "
    "the Brannoch copper mine's water permit.",
    "Brannoch Mining answered that its pumping from the Tavel river was within the law.",
)


@pytest.mark.parametrize("full", [False, True])
def test_an_appeal_months_later_is_a_story_of_its_own_in_the_rulings_storyline(
        store: Store, nlp: NLP, settings: Settings, full: bool) -> None:
    _run(store, nlp, settings, RULING_1, RULING_2, full=full)
    _run(store, nlp, settings, APPEAL_1, APPEAL_2, full=full)
    ruling, appeal = _story(store, "ruling-1"), _story(store, "appeal-1")
    assert ruling is not None and appeal is not None
    assert _story(store, "ruling-2") == ruling and _story(store, "appeal-2") == appeal
    assert ruling != appeal
    line = store.get_story(ruling).storyline
    assert line is not None and store.get_story(appeal).storyline == line


@pytest.mark.parametrize("full", [False, True])
def test_a_months_long_saga_of_letters_rulings_and_appeals_is_one_storyline(
        store: Store, nlp: NLP, settings: Settings, full: bool) -> None:
    for pair in ((LETTER_1, LETTER_2), (RULING_1, RULING_2), (APPEAL_1, APPEAL_2)):
        _run(store, nlp, settings, *pair, full=full)
    ids = [_story(store, a) for a in ("letter-1", "ruling-1", "appeal-1")]
    assert len(set(ids)) == len(ids)  # three events, three stories
    lines = {store.get_story(sid or "").storyline for sid in ids}
    assert len(lines) == 1 and None not in lines
    [line_id] = lines
    assert line_id is not None
    line = store.get_storyline(line_id)
    assert set(line.stories) == set(ids)
    assert (line.first_date, line.last_date) == ("2024-11-05", "2025-07-23")


def test_a_saga_storyline_has_its_own_cited_brief_and_timeline(store: Store, nlp: NLP, settings: Settings) -> None:
    from storyline import pipeline

    saga = (LETTER_1, LETTER_2, RULING_1, RULING_2, APPEAL_1, APPEAL_2)
    for k in range(0, len(saga), 2):  # three rounds, months apart, as a feed delivers them
        ids, _ = store.add_articles(saga[k : k + 2])
        pipeline.analyse(RunContext(store, settings, new_ids=ids, _nlp=nlp))
    [line] = list(store.iter_storylines())
    assert len(line.stories) == len(saga) // 2
    members = {a for sid in line.stories for a in store.get_story(sid).articles}
    assert members == {a.id for a in saga}
    texts = {a.id: a.text for a in store.iter_articles()}
    assert line.summary
    for cite in line.summary:  # every brief sentence is cited to the saga's own articles, at its exact passage
        assert cite.sources and set(cite.sources) <= members
        assert cite.article in members and cite.span is not None
        assert texts[cite.article][cite.span.start : cite.span.end] == cite.text
    # the brief tells every round of the saga, not only its biggest story
    assert {store.get_article(c.article or "").story for c in line.summary} == set(line.stories)
    assert line.timeline
    assert all(set(e.sources) <= members for e in line.timeline)
    # the timeline runs over the rounds, not one story's days
    assert len({e.date[:7] for e in line.timeline}) >= 2


def test_why_names_the_saga_link_of_two_rounds_months_apart(store: Store, nlp: NLP, settings: Settings) -> None:
    from storyline.stories.why import explain_pair

    _run(store, nlp, settings, RULING_1, RULING_2)
    _run(store, nlp, settings, APPEAL_1, APPEAL_2)
    why = explain_pair(store, settings, _story(store, "ruling-1") or "", _story(store, "appeal-1") or "")
    assert why.same_storyline
    assert why.relatedness < why.storyline_threshold <= why.saga_threshold <= why.saga_share  # linked as a saga
    assert "in one storyline" in why.verdict and "saga threshold 0.35" in why.verdict
