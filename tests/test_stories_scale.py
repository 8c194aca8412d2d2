"""Story clustering at scale: the shortcuts that keep a long corpus linear give the answers of the plain way."""

from __future__ import annotations

import pytest

from storyline.stories.cluster import StoryClusterer
from storyline.stories.features import (
    ArticleFeatures,
    Profile,
    Vocabulary,
    idf_cosine,
    reach_days,
    similarity,
    similarity_without,
    time_decay,
)
from storyline.stories.index import WINDOW_DAYS, CandidateIndex

# Hand-made features of four reports of one dam breach and one unrelated report (invented words and names).
REPORTS = [
    ArticleFeatures("r1", day=700, body={"dam": 1.7, "breach": 1.0, "valley": 1.0, "evacuate": 1.0},
                    head={"dam": 1.0, "breach": 1.0}, ents={"orvell": 1.0, "kestrin river": 1.0}),
    ArticleFeatures("r2", day=701, body={"dam": 1.0, "breach": 1.4, "flood": 1.0, "village": 1.0},
                    head={"flood": 1.0, "village": 1.0}, ents={"orvell": 1.0}),
    ArticleFeatures("r3", day=703, body={"dam": 1.0, "engineer": 1.0, "crack": 1.3},
                    head={"dam": 1.0, "crack": 1.0}, ents={"kestrin river": 1.0, "ada voss": 1.0}),
    ArticleFeatures("r4", day=None, body={"dam": 1.0, "breach": 1.0, "insurer": 1.0}, head={}, ents={}),
]
OTHER = ArticleFeatures("o1", day=702, body={"election": 1.0, "ballot": 1.0}, head={"ballot": 1.0},
                        ents={"mira sand": 1.0})


def _vocab() -> Vocabulary:
    v = Vocabulary()
    for f in [*REPORTS, OTHER]:
        v.add(f)
    return v


@pytest.mark.parametrize("member", [f.id for f in REPORTS])
def test_leave_one_out_score_is_that_of_a_story_without_the_member(member: str) -> None:
    vocab = _vocab()
    story = Profile.of(REPORTS)
    f = next(r for r in REPORTS if r.id == member)
    rest = Profile.of([r for r in REPORTS if r.id != member])
    got = similarity_without(f, story, rest.first, rest.last, vocab, 3.0, 0.0)
    assert got == pytest.approx(similarity(f, rest, vocab, 3.0, 0.0), abs=1e-12)
    assert got > 0


def test_a_story_of_one_member_leaves_nothing_to_compare_with() -> None:
    vocab = _vocab()
    story = Profile.of(REPORTS[:1])
    assert similarity_without(REPORTS[0], story, None, None, vocab, 3.0, 0.0) == 0.0


def test_weights_kept_as_members_join_equal_weights_computed_afresh() -> None:
    vocab = _vocab()
    grown = Profile()
    for f in REPORTS:
        grown.add(f)
        idf_cosine(OTHER, grown, "body", vocab)  # weigh the story now, so the next join updates the kept vector
    grown.merge(Profile.of([OTHER]))
    fresh = Profile.of([*REPORTS, OTHER])
    for kind in ("body", "head", "ents"):
        assert idf_cosine(REPORTS[0], grown, kind, vocab) == pytest.approx(
            idf_cosine(REPORTS[0], fresh, kind, vocab), abs=1e-12)


def test_reach_is_where_the_time_decay_meets_the_bar() -> None:
    days = reach_days(0.2, 3.0)
    assert time_decay(days, 3.0) == pytest.approx(0.2)
    assert time_decay(days + 1, 3.0) < 0.2
    assert reach_days(0.0, 3.0) == float("inf")


def test_index_finds_stories_by_their_last_day_and_undated_ones_always() -> None:
    ix = CandidateIndex()
    ix.add("early", ["dam"])
    ix.place("early", 100, 103)
    ix.add("long", ["dam"])
    ix.place("long", 100, 104)
    ix.place("long", 100, 100 + 10 * WINDOW_DAYS)  # a member far later: its range now reaches day 170
    ix.add("undated", ["dam"])
    ix.add("other key", ["ballot"])
    ix.place("other key", 170, 170)
    assert ix.find(["dam"], since=165) == {"long", "undated"}
    assert ix.find(["dam"], since=95) == {"early", "long", "undated"}
    assert ix.find(["dam"]) == {"early", "long", "undated"}


def test_a_report_joins_a_long_story_near_its_last_day_not_its_first() -> None:
    c = StoryClusterer(threshold=0.2)
    words = {"dam": 1.0, "breach": 1.0, "kestrin": 1.0}
    first = c.assign(ArticleFeatures("a", day=100, body=words, ents={"orvell": 1.0}))
    for i, day in enumerate(range(103, 160, 3)):  # a follow-up every three days for two months
        assert c.assign(ArticleFeatures(f"b{i}", day=day, body=words, ents={"orvell": 1.0})) == first
    late = c.assign(ArticleFeatures("late", day=161, body=words, ents={"orvell": 1.0}))
    assert late == first
    far = c.assign(ArticleFeatures("far", day=400, body=words, ents={"orvell": 1.0}))
    assert far != first
