"""Stories stage: same event in other words joins, related events and distractors stay apart, streams work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline import nlp as nlp_stage
from storyline import stories
from storyline.config import Settings
from storyline.context import RunContext
from storyline.errors import NotFoundError
from storyline.model import Article, Paragraph, Story
from storyline.store import Store
from storyline.stories.cluster import StoryClusterer, story_id
from storyline.stories.features import ArticleFeatures, featurise, time_decay
from storyline.text.parser import NLP


def _art(aid: str, title: str, published: str | None, outlet: str, *paras: str, **kw: Any) -> Article:
    """A short hand-written article."""
    paragraphs = [Paragraph(p) for p in paras]
    return Article(id=aid, title=title, published=published, outlet=outlet, paragraphs=paragraphs, **kw)


# The ferry event, told three ways by three outlets.
FERRY_1 = _art(
    "ferry-1", "Ferry capsizes off Port Lindell, 14 missing", "2024-03-04", "Harbour Times",
    "A passenger ferry capsized in rough seas off Port Lindell on Monday morning, and 14 people are still missing, "
    "the Lindell coast guard said.",
    "The ferry Marta Blue was carrying 63 passengers from Port Lindell to Orsk Island when it rolled over in high "
    "waves. "
    "Rescue boats pulled 49 survivors from the cold water.",
    "Mayor Greta Holm said the city would open a shelter for families waiting for news at the Port Lindell terminal.",
)
FERRY_2 = _art(
    "ferry-2", "Dozens rescued after Marta Blue overturns in storm", "2024-03-04", "Coastal Daily",
    "Rescuers saved 49 people after the Marta Blue overturned in a storm on the crossing to Orsk Island, but 14 "
    "passengers remain unaccounted for.",
    "The vessel left Port Lindell with 63 people aboard. Coast guard helicopters searched the waters near the island "
    "until nightfall, a spokesman for the Lindell coast guard said.",
    "Greta Holm, the mayor, asked relatives to gather at the ferry terminal, where counsellors were waiting.",
)
FERRY_3 = _art(
    "ferry-3", "Search for 14 missing after Orsk Island ferry disaster", "2024-03-05", "Northern Post",
    "Divers resumed the search on Tuesday for 14 passengers missing since the Marta Blue sank on its way to Orsk "
    "Island.",
    "The Lindell coast guard said 49 of the 63 people on board were rescued alive. The ferry went down in waves of "
    "five metres shortly after leaving Port Lindell.",
)
# Same actors (Port Lindell, Greta Holm, the coast guard), different event, a month later.
RULES = _art(
    "rules-1", "Port Lindell council approves new ferry safety rules", "2024-04-09", "Harbour Times",
    "The Port Lindell city council voted on Tuesday to require life jacket checks and weather reports before every "
    "ferry crossing, a month after the Marta Blue disaster.",
    "Mayor Greta Holm said the rules would take effect in June. The Lindell coast guard will inspect ferry operators "
    "twice a year under the new ordinance, which passed nine votes to two.",
)
RULES_2 = _art(
    "rules-2", "Council passes ferry ordinance after long debate", "2024-04-10", "Coastal Daily",
    "Port Lindell council members adopted an ordinance on ferry safety after a three-hour debate, with nine votes in "
    "favour and two against.",
    "The ordinance requires crews to check life jackets and weather forecasts before each crossing. Mayor Greta Holm "
    "signed it on Wednesday; coast guard inspections of operators begin in June.",
)
# An unrelated article.
BAKERY = _art(
    "bakery-1", "Family bakery in Velmar wins national bread prize", "2024-03-04", "Velmar Gazette",
    "A family bakery in Velmar won the national bread championship on Monday with a rye loaf baked in a wood oven.",
    "Owner Tomas Reiner said the recipe came from his grandmother and that the shop would keep its prices unchanged.",
)
# A syndicated copy of FERRY_1 published by another outlet.
FERRY_COPY = _art(
    "ferry-copy", "Ferry capsizes off Port Lindell; 14 missing", "2024-03-04", "Valley Wire",
    *[p.text for p in FERRY_1.paragraphs], duplicate_of="ferry-1", flags=["syndicated"],
)
GERMAN = _art(
    "ferry-de", "Fähre vor Port Lindell gekentert", "2024-03-04", "Nordzeitung",
    "Eine Fähre ist am Montag vor Port Lindell gekentert, 14 Menschen werden vermisst.",
    flags=["non_english"],
)


def _add(store: Store, nlp: NLP, settings: Settings, *articles: Article, full: bool = False) -> RunContext:
    """Store articles, parse them and run the stories stage on them as one run."""
    ids, _ = store.add_articles(articles)
    ctx = RunContext(store, settings, new_ids=ids, full=full, _nlp=nlp)
    nlp_stage.run(ctx)
    stories.run(ctx)
    return ctx


def _story_of(store: Store, aid: str) -> str | None:
    """The story an article was placed in."""
    return store.get_article(aid).story


def test_same_event_in_other_words_joins_and_distractor_stays_alone(store: Store, nlp: NLP, settings: Settings) -> None:
    ctx = _add(store, nlp, settings, FERRY_1, FERRY_2, FERRY_3, BAKERY)
    ferry = {_story_of(store, a) for a in ("ferry-1", "ferry-2", "ferry-3")}
    assert len(ferry) == 1
    [sid] = ferry
    assert sid is not None
    assert _story_of(store, "bakery-1") not in ferry
    story = store.get_story(sid)
    assert story.articles[-1] == "ferry-3"  # ordered by time
    assert (story.first_date, story.last_date) == ("2024-03-04", "2024-03-05")
    assert story.outlets == ["Harbour Times", "Coastal Daily", "Northern Post"]
    assert story.title in {FERRY_1.title, FERRY_2.title, FERRY_3.title}
    assert sid in ctx.touched_stories


def test_same_actors_a_month_later_stays_apart(store: Store, nlp: NLP, settings: Settings) -> None:
    _add(store, nlp, settings, FERRY_1, FERRY_2, FERRY_3, RULES, RULES_2)
    assert _story_of(store, "rules-1") == _story_of(store, "rules-2")
    assert _story_of(store, "rules-1") != _story_of(store, "ferry-1")
    # the two stories share their people and places: they are linked into one storyline, ordered in time
    ferry = store.get_story(_story_of(store, "ferry-1") or "")
    rules = store.get_story(_story_of(store, "rules-1") or "")
    assert ferry.storyline is not None and ferry.storyline == rules.storyline
    [line] = list(store.iter_storylines())
    assert line.stories == [ferry.id, rules.id]


def test_late_article_joins_its_story_in_stream_mode(store: Store, nlp: NLP, settings: Settings) -> None:
    _add(store, nlp, settings, FERRY_1, FERRY_3, RULES, BAKERY)
    sid = _story_of(store, "ferry-1")
    ctx = _add(store, nlp, settings, FERRY_2)  # arrives in a later run
    assert _story_of(store, "ferry-2") == sid
    assert ctx.touched_stories == {sid}
    assert "ferry-2" in store.get_story(sid or "").articles
    # the stream result is what a full recluster finds
    batch = stories.recluster(store, settings, nlp)
    ferry = ("ferry-1", "ferry-2", "ferry-3")
    assert {a: _story_of(store, a) for a in ferry} == dict.fromkeys(ferry, sid)
    assert len(batch) == 3


def test_syndicated_copy_joins_canonical_and_counts_once(store: Store, nlp: NLP, settings: Settings) -> None:
    _add(store, nlp, settings, FERRY_1, FERRY_2, BAKERY)
    sid = _story_of(store, "ferry-1")
    state_before = store.get_state("stories", f"story:{sid}")
    _add(store, nlp, settings, FERRY_COPY)
    assert _story_of(store, "ferry-copy") == sid
    story = store.get_story(sid or "")
    assert "Valley Wire" in story.outlets and "ferry-copy" in story.articles
    before = json.loads(state_before[f"story:{sid}"])["profile"]
    after = json.loads(store.get_state("stories", f"story:{sid}")[f"story:{sid}"])["profile"]
    assert after == before  # the copy did not move the centroid


def test_non_english_article_is_its_own_story(store: Store, nlp: NLP, settings: Settings) -> None:
    _add(store, nlp, settings, FERRY_1, GERMAN)
    sid = _story_of(store, "ferry-de")
    assert sid is not None and sid != _story_of(store, "ferry-1")
    assert store.get_story(sid).articles == ["ferry-de"]


def test_full_run_reclusters_everything(store: Store, nlp: NLP, settings: Settings) -> None:
    _add(store, nlp, settings, FERRY_1, BAKERY)
    ctx = _add(store, nlp, settings, FERRY_2, full=True)
    assert _story_of(store, "ferry-2") == _story_of(store, "ferry-1")
    assert ctx.touched_stories == {s.id for s in store.iter_stories()}


def test_filter_stories(store: Store, nlp: NLP, settings: Settings) -> None:
    _add(store, nlp, settings, FERRY_1, FERRY_2, RULES, BAKERY)
    every = list(store.iter_stories())
    newest = stories.filter_stories(every)
    assert newest[0].last_date == "2024-04-09"
    assert [s.articles for s in stories.filter_stories(every, since="2024-04-01")] == [["rules-1"]]
    assert [s.articles for s in stories.filter_stories(every, search="BREAD")] == [["bakery-1"]]
    found = stories.filter_stories(every, entity="Marta Blue", store=store)
    assert {a for s in found for a in s.articles} == {"ferry-1", "ferry-2", "rules-1"}
    assert stories.filter_stories([Story(id="x", title="Quiet day")], search="ferry") == []


@pytest.mark.parametrize(("gap", "expected"), [(0, 1.0), (2, 1.0), (5, 0.5), (32, 0.09)])
def test_time_decay_needs_stronger_evidence_far_apart(gap: float, expected: float) -> None:
    assert time_decay(gap, 3.0) == pytest.approx(expected, abs=0.01)


def test_clean_title_drops_site_name() -> None:
    headline = "Ferry capsizes off Port Lindell"
    assert stories.clean_title(f"{headline}  | Harbour Times", "Harbour Times") == headline
    assert stories.clean_title(f"{headline} - live updates") == f"{headline} - live updates"


def _angle_piece_setup(day: int | None) -> tuple[StoryClusterer, str]:
    """A story of two articles, and an angle piece read between them that opened a story of its own."""
    # a low bar: these toy articles share only a few words
    c = StoryClusterer(threshold=0.06, merge_threshold=0.45, time_scale_days=7.0)
    c.assign(ArticleFeatures("a1", day=1, body={"quake": 1.0, "tower": 1.0, "valdora": 1.0}, ents={"valdora": 1.0}))
    c.assign(ArticleFeatures("angle", day=day, body={"tower": 1.0, "rescue": 1.0, "glass": 1.0, "engineer": 1.0}))
    sid = c.assign(ArticleFeatures("a2", day=1, body={"quake": 1.0, "rescue": 1.0, "valdora": 1.0},
                                   ents={"valdora": 1.0}))
    return c, sid


def test_single_article_rejoins_story_that_grew_since() -> None:
    """An angle piece too unlike the first report alone joins the story once a second report widened it."""
    c, sid = _angle_piece_setup(day=5)
    assert c.story_of_["angle"] != sid  # on arrival it did not reach the threshold
    changed = c.reassign_pass(among=c.single_neighbours({sid}))
    assert c.story_of_["angle"] == sid
    assert sid in changed and len(c.stories_) == 1


def test_undated_single_article_keeps_its_own_story() -> None:
    """Without a date there is no second chance: an undated piece stays where it landed on arrival."""
    c, sid = _angle_piece_setup(day=None)
    assert c.story_of_["angle"] != sid
    assert c.reassign_pass(among=c.single_neighbours({sid})) == set()
    assert c.story_of_["angle"] != sid



def _assert_no_stale_rows(store: Store) -> None:
    """Every stored story has its state row and back; no posting, placement or storyline names a gone story."""
    state = store.get_state("stories")
    live = {k.removeprefix("story:") for k in state if k.startswith("story:")}
    spans = {k.removeprefix("span:") for k in state if k.startswith("span:")}
    assert {s.id for s in store.iter_stories()} == live == spans
    assert {v for k, v in state.items() if k.startswith("of:")} <= live
    postings = store.get_postings("stories")
    assert postings and {item for _, item in postings} <= live
    assert {key.removeprefix("l:") for key, _ in postings if key.startswith("l:")} <= live
    lines = list(store.iter_storylines())
    assert {sid for line in lines for sid in line.stories} <= live
    assert {s.storyline for s in store.iter_stories() if s.storyline} == {line.id for line in lines}


def test_stream_state_survives_reopening_the_store(tmp_path: Path, nlp: NLP, settings: Settings) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        _add(store, nlp, settings, FERRY_1, FERRY_3, RULES, BAKERY)
        sid = _story_of(store, "ferry-1")
    with Store(path) as store:
        ctx = _add(store, nlp, settings, FERRY_2)  # a new process: what it needs is read back from the file
        assert _story_of(store, "ferry-2") == sid
        assert ctx.touched_stories == {sid}
        assert set(store.get_story(sid or "").articles) == {"ferry-1", "ferry-2", "ferry-3"}
        assert store.get_state("stories", "of:ferry-2") == {"of:ferry-2": sid}
        _assert_no_stale_rows(store)


def test_merged_story_leaves_no_stale_rows(store: Store, nlp: NLP) -> None:
    # a join bar no report reaches and a low merge bar: the late report opens a story, the merge pass folds it in
    strict = Settings.load(overrides={"stories": {"threshold": 0.99, "merge_threshold": 0.1}})
    _add(store, nlp, strict, FERRY_1, RULES)
    sid = _story_of(store, "ferry-1")
    ctx = _add(store, nlp, strict, FERRY_3)
    opened = story_id("ferry-3")  # the story the late report opened before the merge
    assert _story_of(store, "ferry-3") == sid and opened != sid
    assert set(store.get_story(sid or "").articles) == {"ferry-1", "ferry-3"}
    assert opened not in ctx.touched_stories
    assert store.get_states("stories", [f"story:{opened}", f"span:{opened}"]) == {}
    assert store.get_postings("stories", items=[opened], keys=[f"l:{opened}"]) == []
    with pytest.raises(NotFoundError):
        store.get_story(opened)
    _assert_no_stale_rows(store)


def test_split_storyline_keeps_no_stale_storyline(store: Store, nlp: NLP, settings: Settings) -> None:
    """A storyline whose story is merged away is rebuilt around the story that absorbed it."""
    _add(store, nlp, settings, FERRY_1, RULES)
    [line] = list(store.iter_storylines())
    assert set(line.stories) == {_story_of(store, "ferry-1"), _story_of(store, "rules-1")}
    strict = Settings.load(overrides={"stories": {"threshold": 0.99, "merge_threshold": 0.1}})
    _add(store, nlp, strict, FERRY_2)  # opens a story; the merge pass folds the two ferry stories into one
    assert _story_of(store, "ferry-2") == _story_of(store, "ferry-1")
    assert len({s.id for s in store.iter_stories()}) == 2
    _assert_no_stale_rows(store)
    [rebuilt] = list(store.iter_storylines())
    assert set(rebuilt.stories) == {_story_of(store, "ferry-1"), _story_of(store, "rules-1")}
    assert rebuilt.id == line.id  # the rebuilt storyline keeps its id


def test_state_in_the_one_value_layout_is_converted_on_the_next_run(store: Store, nlp: NLP, settings: Settings) -> None:
    _add(store, nlp, settings, FERRY_1, FERRY_3, BAKERY)
    sid = _story_of(store, "ferry-1")
    state = store.get_state("stories")
    feats = {k: v for k, v in state.items() if k.startswith("feat:")}
    terms = {t for v in feats.values() for f in [json.loads(v)] for t in [*f["body"], *("@" + e for e in f["ents"])]}
    old = {  # how earlier versions stored it: every story in one value, the vocabulary in another
        "stories": json.dumps({k.removeprefix("story:"): json.loads(v) for k, v in state.items()
                               if k.startswith("story:")}),
        "vocab": json.dumps({"n": int(state["n"]), "df": store.get_counts("stories", terms)}),
    }
    store.clear_state("stories")
    store.put_state("stories", {**feats, **old})
    _add(store, nlp, settings, FERRY_2)
    assert _story_of(store, "ferry-2") == sid
    assert not {"stories", "vocab"} & set(store.get_state("stories"))
    _assert_no_stale_rows(store)


def test_stories_naming_their_actors_differently_are_still_compared_for_a_storyline() -> None:
    # no shared central entity ("Justice Department" vs "U.S. Department of Justice"), the same topic words
    from storyline.stories.features import ArticleFeatures, Profile, Vocabulary
    from storyline.stories.storylines import link_keys, related_pairs

    a = ArticleFeatures("a", day=1, body={"sanctuary": 3.0, "grant": 2.0, "letter": 1.0},
                        ents={"justice department": 1.0})
    b = ArticleFeatures("b", day=20, body={"sanctuary": 3.0, "grant": 2.0, "ruling": 1.0},
                        ents={"u.s. department of justice": 1.0})
    others = [ArticleFeatures(f"o{i}", day=5, body={f"word{i}": 1.0}, ents={f"name{i}": 1.0}) for i in range(8)]
    vocab = Vocabulary()
    for f in [a, b, *others]:
        vocab.add(f)
    pa, pb = Profile.of([a]), Profile.of([b])
    assert "~sanctuary" in link_keys(pa, vocab) and "~sanctuary" in link_keys(pb, vocab)
    assert related_pairs({"s1": pa, "s2": pb}, vocab, 0.25, 3.0) == [("s1", "s2")]


def test_an_undated_single_joins_only_a_story_many_reports_agree_on() -> None:
    from storyline.stories.cluster import UNDATED_REHOME_MEMBERS, StoryClusterer
    from storyline.stories.features import ArticleFeatures, similarity

    for members, joins in ((UNDATED_REHOME_MEMBERS, True), (UNDATED_REHOME_MEMBERS - 1, False)):
        c = StoryClusterer(threshold=0.2)
        undated = ArticleFeatures("u", day=None, body={"quake": 1.0, "rescue": 1.0, "memo": 1.0}, ents={"lima": 1.0})
        c.assign(undated)  # read first, alone; the story grows after it (built directly, as a run would)
        story = c._open("r0")
        for k in range(members):
            f = ArticleFeatures(f"r{k}", day=10, body={"quake": 1.0, "rescue": 1.0, "toll": 1.0, f"x{k}": 1.0},
                                ents={"lima": 1.0})
            c.vocab_.add(f)
            c._join(story.id, f)
        assert similarity(undated, story.profile, c.vocab_, c.time_scale_days, c.dense_weight) >= c.threshold
        c.reassign_pass()
        assert (c.story_of_["u"] == story.id) is joins, members


def test_stories_sharing_only_places_are_not_one_storyline() -> None:
    # a power-cable deal and a ferry strike between the same two capitals: same places, different actors
    from storyline.stories.features import ArticleFeatures, Profile, Vocabulary
    from storyline.stories.storylines import relatedness

    def story(aid: str, words: dict[str, float], actor: str, places: list[str]) -> ArticleFeatures:
        ents = {p: 1.0 for p in ["helsinki", "tallinn"]} | {actor: 1.0}
        return ArticleFeatures(aid, day=1, body=words | {"gulf": 1.0, "crossing": 1.0}, ents=ents, places=places)

    cable = story("cable", {"cable": 1.0, "grid": 1.0}, "fingrid", ["helsinki", "tallinn"])
    strike = story("strike", {"strike": 1.0, "ferry": 1.0}, "seamen's union", ["helsinki", "tallinn"])
    others = [ArticleFeatures(f"o{i}", day=1, body={f"w{i}": 1.0}, ents={f"n{i}": 1.0}) for i in range(8)]
    vocab = Vocabulary()
    for f in [cable, strike, *others]:
        vocab.add(f)
    as_places = relatedness(Profile.of([cable]), Profile.of([strike]), vocab, 3.0)
    untyped = [ArticleFeatures(f.id, f.day, f.body, f.head, f.ents) for f in (cable, strike)]  # places not known
    as_names = relatedness(Profile.of([untyped[0]]), Profile.of([untyped[1]]), vocab, 3.0)
    assert as_places < 0.25 <= as_names
    assert ArticleFeatures.from_dict(cable.to_dict()).places == ["helsinki", "tallinn"]
    assert Profile.from_dict(Profile.of([cable, strike]).to_dict()).places == {"helsinki": 2.0, "tallinn": 2.0}


def test_headline_words_are_lemmatised_even_where_the_text_never_uses_them(nlp: NLP) -> None:
    # "ferries" and "halts" appear only in the headline: their lemmas come from tagging it, not from the text
    art = _art("storm-1", "Storm halts ferries to Orsk Island", "2024-03-04", "Harbour Times",
               "No boat left Port Lindell on Monday as gales closed the crossing, the harbour master said.")
    [doc] = nlp.parse([art])
    [title] = nlp.tag_texts([art.title])
    f = featurise(art, doc, title)
    assert {"storm", "halt", "ferry"} <= set(f.head)
    assert "ferries" not in f.head and "halts" not in f.head
    assert "to" not in f.head  # a stop word of the house list
    # the lead's words count in ``head`` too, by the same rule as the text
    assert {"boat", "gale", "crossing"} <= set(f.head) & set(f.body)
