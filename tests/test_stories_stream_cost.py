"""Stories stage, stream runs: a run judges what its articles changed, and builds records without reading articles."""

from __future__ import annotations

import json

import pytest

from storyline import nlp as nlp_stage
from storyline import stories
from storyline.config import Settings
from storyline.context import RunContext
from storyline.model import Article, Paragraph
from storyline.store import Store
from storyline.store import facts as store_facts
from storyline.stories.cluster import SPLIT_SETTLED_MEMBERS, StoryClusterer, StoryState
from storyline.stories.features import ArticleFeatures, Profile, Vocabulary
from storyline.stories.stage import Listing
from storyline.text.parser import NLP


def _angle_piece() -> tuple[StoryClusterer, str]:
    """A story of two reports and an angle piece, read between them, left in a story of its own."""
    c = StoryClusterer(threshold=0.06, merge_threshold=0.45, time_scale_days=7.0)
    c.assign(ArticleFeatures("a1", day=1, body={"quake": 1.0, "tower": 1.0, "valdora": 1.0}, ents={"valdora": 1.0}))
    c.assign(ArticleFeatures("angle", day=5, body={"tower": 1.0, "rescue": 1.0, "glass": 1.0, "engineer": 1.0}))
    sid = c.assign(ArticleFeatures("a2", day=1, body={"quake": 1.0, "rescue": 1.0, "valdora": 1.0},
                                   ents={"valdora": 1.0}))
    return c, sid


def _seen(c: StoryClusterer, aid: str) -> StoryState:
    """Stamp an article's single story as compared with every candidate story at today's vocabulary."""
    st = c.stories_[c.story_of_[aid]]
    st.rehomed = st.seen = c.vocab_.n_
    return st


def test_a_single_is_rehomed_only_into_a_story_that_changed_since_it_was_compared() -> None:
    c, sid = _angle_piece()
    single = _seen(c, "angle")
    c.stories_[sid].changed = single.seen - 1  # the story grew before the single was last compared
    around = c.single_neighbours({sid})
    assert c.reassign_pass(among=around, lazy=True) == set()
    assert c.story_of_["angle"] != sid
    assert c.reassign_pass(among=around) != set()  # compared with every candidate (a batch run), it moves
    assert c.story_of_["angle"] == sid


def test_a_single_is_rehomed_into_a_story_that_grew_since_it_was_compared() -> None:
    c, sid = _angle_piece()
    single = _seen(c, "angle")
    c.stories_[sid].changed = single.seen  # grew at or after the single's last comparison (a later run)
    assert sid in c.reassign_pass(among=c.single_neighbours({sid}), lazy=True)
    assert c.story_of_["angle"] == sid


def test_a_single_is_compared_with_every_story_once_the_vocabulary_grew() -> None:
    c, sid = _angle_piece()
    _seen(c, "angle")
    c.stories_[sid].changed = 0
    c.vocab_.add(ArticleFeatures("other", day=9, body={"budget": 1.0, "council": 1.0}))  # a third more articles
    assert sid in c.reassign_pass(among=c.single_neighbours({sid}), lazy=True)
    assert c.story_of_["angle"] == sid


def _big_story(n: int, judged: int) -> tuple[StoryClusterer, StoryState]:
    """A story of ``n`` reports of one event and one unrelated member, last judged at ``judged`` members."""
    feats = [ArticleFeatures(f"r{i}", day=1, body={"ferry": 1.0, "storm": 1.0, f"w{i}": 1.0}) for i in range(n - 1)]
    feats.append(ArticleFeatures("odd", day=1, body={"bakery": 1.0, "bread": 1.0}))
    st = StoryState("s-big", Profile.of(feats), [f.id for f in feats], judged=judged)
    vocab = Vocabulary()
    for f in feats:
        vocab.add(f)
    return StoryClusterer(threshold=0.17).load(vocab, [st], feats), st


def test_a_lazy_split_pass_leaves_a_large_story_that_barely_grew() -> None:
    c, st = _big_story(SPLIT_SETTLED_MEMBERS + 1, judged=SPLIT_SETTLED_MEMBERS)
    assert c.split_pass({"s-big"}, lazy=True) == set()
    assert "odd" in st.members
    assert c.split_pass({"s-big"}) != set()  # judged in full (a batch run), the unrelated member leaves
    assert "odd" not in st.members
    assert st.judged == len(st.members)


def test_a_lazy_split_pass_judges_a_story_that_grew_took_in_a_story_or_is_small() -> None:
    for n, judged in ((2 * SPLIT_SETTLED_MEMBERS, SPLIT_SETTLED_MEMBERS), (SPLIT_SETTLED_MEMBERS, 0), (10, 10)):
        c, st = _big_story(n, judged)
        c.split_pass({"s-big"}, lazy=True)
        assert "odd" not in st.members, (n, judged)


def test_a_story_stored_before_the_judged_count_counts_as_judged_at_its_size() -> None:
    st = StoryState("s-x", members=["a", "b", "c"], judged=3)
    data = st.to_dict()
    assert StoryState.from_dict(data).judged == 3
    del data["judged"]
    assert StoryState.from_dict(data).judged == 3


def _report(aid: str, title: str, day: str, outlet: str, text: str) -> Article:
    """A short hand-written report."""
    return Article(id=aid, title=title, published=day, outlet=outlet, paragraphs=[Paragraph(text)])


REPORTS = [
    _report("c1", "Cable car stalls above Vellmar gorge, 30 stranded", "2024-06-02", "Valley News",
            "A cable car stalled above the Vellmar gorge on Sunday, leaving 30 passengers stranded for hours, "
            "the Vellmar mountain rescue service said."),
    _report("c2", "Thirty rescued from stalled Vellmar cable car", "2024-06-02", "Alpine Courier",
            "Mountain rescuers lowered 30 passengers to safety after the Vellmar gorge cable car stalled on "
            "Sunday, the Vellmar mountain rescue service said."),
    _report("c3", "Vellmar cable car stays shut after gorge rescue", "2024-06-03", "Valley News",
            "The Vellmar gorge cable car stayed shut on Monday after 30 stranded passengers were rescued, and "
            "inspectors from the Vellmar mountain rescue service examined the cable."),
]


def _run(store: Store, nlp: NLP, settings: Settings, *articles: Article) -> None:
    """Store articles, parse them and run the stories stage on them as one stream run."""
    ids, _ = store.add_articles(articles)
    ctx = RunContext(store, settings, new_ids=ids, _nlp=nlp)
    nlp_stage.run(ctx)
    stories.run(ctx)


def test_a_stream_record_is_built_from_stored_listings_as_from_the_articles(
    store: Store, nlp: NLP, settings: Settings
) -> None:
    _run(store, nlp, settings, *REPORTS[:2])
    rows = store.get_state("stories", prefix="list:")
    assert set(rows) == {"list:c1", "list:c2"}
    assert json.loads(rows["list:c1"])[:3] == ["2024-06-02", REPORTS[0].title, "Valley News"]
    store.delete_state("stories", ["list:c2", "listed"])  # as a store of an earlier version has none
    _run(store, nlp, settings, REPORTS[2])
    sid = store.get_article("c3").story
    assert sid is not None and {store.get_article(a).story for a in ("c1", "c2")} == {sid}
    streamed = store.get_story(sid)
    assert "list:c2" in store.get_state("stories", prefix="list:")  # given its row once
    stories.recluster(store, settings, nlp)
    batch = store.get_story(sid)
    assert (streamed.articles, streamed.title, streamed.first_date, streamed.last_date, streamed.outlets) == (
        batch.articles, batch.title, batch.first_date, batch.last_date, batch.outlets)
    assert streamed.articles == ["c1", "c2", "c3"] and streamed.outlets == ["Valley News", "Alpine Courier"]


def test_listings_written_by_other_code_are_listed_again_on_the_first_stream_run(
    store: Store, nlp: NLP, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(store, nlp, settings, *REPORTS[:2])
    # what another version of the listing rules would have kept of c2 (here: another outlet)
    store.put_state("stories", {"list:c2": json.dumps(["2024-06-02", REPORTS[1].title, "Old Courier", None])})
    listed: list[str] = []
    real = Listing.of

    def counted(art: Article) -> Listing:
        listed.append(art.id)
        return real(art)

    monkeypatch.setattr(Listing, "of", staticmethod(counted))
    monkeypatch.setattr(store_facts, "code_digest", lambda: "the next version of the code")
    _run(store, nlp, settings, REPORTS[2])
    assert sorted(listed) == ["c1", "c2", "c3", "c3"]  # every placed article once, and the run's own article
    streamed = store.get_story(store.get_article("c3").story or "")
    assert streamed.outlets == ["Valley News", "Alpine Courier"]  # not the outlet of the stale row
    listed.clear()
    _run(store, nlp, settings, _report("c4", "Vellmar cable car reopens", "2024-06-05", "Valley News",
                                       "The Vellmar gorge cable car reopened on Wednesday after inspectors "
                                       "of the Vellmar mountain rescue service passed the cable."))
    assert listed == ["c4"]  # the same code again: only the new article is listed
