"""Why an article is in its story, and why two similar stories were kept apart, in words a reader can check.

The evidence is the clusterer's own: an article's similarity to the rest of its story (the story without it,
as the split pass judges it) against the join threshold, the body, headline and entity cosines it is made of,
the shared names and words that weighed most (each with how many of the story's articles use it, so a
reader can look them up), and the date gap with the share of the text evidence it leaves. For two stories:
their centroids' similarity against the merge threshold, what they share and what only one of them says.

Example:
    >>> from storyline.store import Store                                              # doctest: +SKIP
    >>> print(render_article(explain_article(store, Settings.load(), "a1")))           # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import NotFoundError
from ..model import Record, Story
from ..store import Store
from .cluster import SPLIT_SHARE, StoryClusterer
from .features import (
    GRACE_DAYS,
    WEIGHTS,
    ArticleFeatures,
    Profile,
    Vocabulary,
    day_gap,
    entity_key,
    signals,
    similarity,
    time_decay,
)
from .stage import attached
from .storylines import relatedness, saga_share

# Shared names and words shown as evidence: the few that weigh most (a reader checks them, not a list of 50).
TOP_ENTITIES = 5
TOP_TERMS = 8


@dataclass
class Evidence(Record):
    """A name or word both sides use, how much it weighed, and how many of the story's articles use it."""

    text: str
    kind: str  # "entity" or "word"
    weight: float  # its share of the cosine it counts in
    articles: int = 0  # articles of the story using it (beside the one explained)
    of: int = 0  # canonical articles of the story compared (beside the one explained)


@dataclass
class ArticleWhy(Record):
    """The evidence that put one article in its story."""

    article: str
    story: str
    title: str
    verdict: str
    similarity: float | None = None  # to the rest of the story
    threshold: float = 0.0  # join threshold
    split_bar: float = 0.0  # below this share of the threshold a member is split off
    body: float = 0.0
    head: float = 0.0
    entities: float = 0.0
    published: str | None = None
    story_dates: list[str | None] = field(default_factory=list)
    gap_days: float | None = None
    time_factor: float = 1.0
    shared_entities: list[Evidence] = field(default_factory=list)
    shared_terms: list[Evidence] = field(default_factory=list)
    closest_other: str | None = None
    closest_other_title: str | None = None
    closest_other_similarity: float | None = None


@dataclass
class PairWhy(Record):
    """What kept two stories apart (or what joined them into one storyline)."""

    stories: list[str]
    titles: list[str]
    verdict: str
    similarity: float
    merge_threshold: float
    body: float
    head: float
    entities: float
    gap_days: float | None
    time_factor: float
    relatedness: float
    storyline_threshold: float
    same_storyline: bool
    shared_entities: list[Evidence] = field(default_factory=list)
    shared_terms: list[Evidence] = field(default_factory=list)
    only_first: list[Evidence] = field(default_factory=list)
    only_second: list[Evidence] = field(default_factory=list)
    saga_share: float = 0.0  # the lower of the actor and topic cosines, undecayed (a saga link at saga_threshold)
    saga_threshold: float = 0.0


def _names(story: Story) -> dict[str, str]:
    """Entity key -> the name the story's entity table shows (its name, found through any alias)."""
    out: dict[str, str] = {}
    for ent in story.entities:
        for name in (ent.name, *ent.aliases):
            out.setdefault(entity_key(name), ent.name)
    return out


def _shared(a: ArticleFeatures | Profile, b: Profile, vocab: Vocabulary, kind: str,
            top: int) -> list[tuple[str, float]]:
    """The keys both sides have, by their share of the IDF-weighted dot product (largest first)."""
    va: dict[str, float] = getattr(a, kind)
    vb: dict[str, float] = getattr(b, kind)
    prefix = "@" if kind == "ents" else ""
    parts = {k: va[k] * vb[k] * vocab.idf(prefix + k) ** 2 for k in va.keys() & vb.keys() if va[k] > 0 and vb[k] > 0}
    total = sum(parts.values()) or 1.0
    return [(k, v / total) for k, v in sorted(parts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _only(a: Profile, b: Profile, vocab: Vocabulary, kind: str, top: int) -> list[tuple[str, float]]:
    """The keys that weigh most in ``a`` and that ``b`` lacks."""
    va: dict[str, float] = getattr(a, kind)
    vb: dict[str, float] = getattr(b, kind)
    prefix = "@" if kind == "ents" else ""
    parts = {k: v * vocab.idf(prefix + k) for k, v in va.items() if v > 0 and vb.get(k, 0.0) <= 0}
    total = sum(parts.values()) or 1.0
    return [(k, v / total) for k, v in sorted(parts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _day(ordinal: int | None) -> str | None:
    return dt.date.fromordinal(ordinal).isoformat() if ordinal is not None else None


def _evidence(pairs: list[tuple[str, float]], kind: str, names: dict[str, str],
              members: list[ArticleFeatures]) -> list[Evidence]:
    """Evidence rows with the number of member articles using each key (keys of one shown name are one row)."""
    out: dict[str, Evidence] = {}
    for key, weight in pairs:
        shown = names.get(key, key) if kind == "entity" else key
        used = {m.id for m in members if key in (m.ents if kind == "entity" else m.body)}
        row = out.setdefault(shown, Evidence(shown, kind, 0.0, 0, len(members)))
        row.weight = round(row.weight + weight, 3)
        row.articles = max(row.articles, len(used))
    return list(out.values())


def _rest(st_profile: Profile, f: ArticleFeatures, others: list[ArticleFeatures]) -> Profile:
    """The story's centroid without one member, with the other members' date range."""
    rest = st_profile.copy().add(f, sign=-1)
    days = [o.day for o in others if o.day is not None]
    rest.first, rest.last = (min(days), max(days)) if days else (None, None)
    return rest


def explain_article(store: Store, settings: Settings, article_id: str) -> ArticleWhy:
    """Why the article is in its story; raises NotFoundError for an unknown article or one not placed yet."""
    art = store.get_article(article_id)
    if not art.story:
        raise NotFoundError(f"article {art.id!r} is in no story yet (run `storyline ingest` or `recluster`)")
    story = store.get_story(art.story)
    s = settings.stories
    why = ArticleWhy(art.id, story.id, story.title, "", threshold=s.threshold, split_bar=SPLIT_SHARE * s.threshold,
                     published=art.published, story_dates=[story.first_date, story.last_date])
    if art.duplicate_of:
        why.verdict = (f"a copy of {art.duplicate_of} (near-duplicate text): it rides along with that article and "
                       f"does not move the story; see `storyline why {art.duplicate_of}`")
        return why
    clusterer = attached(store, settings)
    clusterer.load_stories([story.id])
    state = clusterer.stories_.get(story.id)
    clusterer.load_features([art.id])
    f = clusterer.features_.get(art.id)
    if state is None or f is None:
        why.verdict = "it cannot be compared with other articles (not English, no text or no parse): a story of its own"
        return why
    clusterer.load_features(state.members)
    others = [clusterer.features_[m] for m in state.members if m != art.id and m in clusterer.features_]
    _closest(clusterer, f, story.id, why, store)
    if not others:
        why.verdict = _alone_verdict(why)
        return why
    _fill(why, f, _rest(state.profile, f, others), clusterer, _names(story), others, s.time_scale_days)
    score = why.similarity or 0.0
    if score >= s.threshold:
        why.verdict = (f"it fits: {score:.2f} against the rest of the story, at or above the join threshold "
                       f"{s.threshold:.2f}")
    elif score >= why.split_bar:
        why.verdict = (f"a weak fit: {score:.2f} against the rest of the story, below the join threshold "
                       f"{s.threshold:.2f} but above the split bar {why.split_bar:.2f}, so it stays")
    else:
        why.verdict = (f"a poor fit: {score:.2f} against the rest of the story, below the split bar "
                       f"{why.split_bar:.2f}; the next run that touches the story splits it off")
    return why


def _closest(clusterer: StoryClusterer, f: ArticleFeatures, sid: str, why: ArticleWhy, store: Store) -> None:
    """The best other story for the article and its score."""
    other, score = clusterer.best_story(f, exclude=sid)
    if other is not None:
        why.closest_other, why.closest_other_similarity = other, round(score, 3)
        why.closest_other_title = next(iter(store.get_stories([other]).values()), Story(other)).title


def _alone_verdict(why: ArticleWhy) -> str:
    """The verdict for the only article of its story."""
    if why.closest_other is None:
        return "it opened this story: no other story shares its rarest names and words"
    return (f"it opened this story: the closest other story ({why.closest_other}) scored "
            f"{why.closest_other_similarity:.2f}, below the join threshold {why.threshold:.2f}")


def _fill(why: ArticleWhy, f: ArticleFeatures, rest: Profile, clusterer: StoryClusterer, names: dict[str, str],
          others: list[ArticleFeatures], time_scale_days: float) -> None:
    """Similarity, signals, date gap and shared evidence of an article against the rest of its story."""
    vocab = clusterer.vocab_
    clusterer.learn_terms([f, rest])
    why.similarity = round(similarity(f, rest, vocab, time_scale_days, clusterer.dense_weight), 3)
    why.body, why.head, why.entities = (round(x, 3) for x in signals(f, rest, vocab))
    gap = day_gap(f, rest) if f.day is not None and rest.first is not None else None
    why.gap_days = gap
    why.time_factor = round(time_decay(gap or 0.0, time_scale_days), 3)
    why.shared_entities = _evidence(_shared(f, rest, vocab, "ents", TOP_ENTITIES), "entity", names, others)
    why.shared_terms = _evidence(_shared(f, rest, vocab, "body", TOP_TERMS), "word", names, others)


def explain_pair(store: Store, settings: Settings, first: str, second: str) -> PairWhy:
    """What separates two stories (ids or aliases); raises NotFoundError for an unknown id."""
    a, b = store.get_story(first), store.get_story(second)
    clusterer = attached(store, settings)
    clusterer.load_stories([a.id, b.id])
    if a.id not in clusterer.stories_ or b.id not in clusterer.stories_:
        raise NotFoundError(f"no clusterer state for {a.id!r} or {b.id!r} (run `storyline recluster`)")
    pa, pb = clusterer.stories_[a.id].profile, clusterer.stories_[b.id].profile
    clusterer.learn_terms([pa, pb])
    vocab, s = clusterer.vocab_, settings.stories
    score = similarity(pa, pb, vocab, s.time_scale_days, clusterer.dense_weight)
    body, head, ents = signals(pa, pb, vocab)
    gap = day_gap(pa, pb) if pa.first is not None and pb.first is not None else None
    related = relatedness(pa, pb, vocab, s.time_scale_days)
    names = {**_names(b), **_names(a)}
    clusterer.load_features([*clusterer.stories_[a.id].members, *clusterer.stories_[b.id].members])
    members = [clusterer.features_[m] for st in (a, b) for m in clusterer.stories_[st.id].members
               if m in clusterer.features_]
    why = PairWhy([a.id, b.id], [a.title, b.title], "", round(score, 3), s.merge_threshold, round(body, 3),
                  round(head, 3), round(ents, 3), gap, round(time_decay(gap or 0.0, s.time_scale_days), 3),
                  round(related, 3), s.storyline_threshold, bool(a.storyline) and a.storyline == b.storyline)
    why.saga_share, why.saga_threshold = round(saga_share(pa, pb, vocab), 3), s.saga_threshold
    why.shared_entities = _evidence(_shared(pa, pb, vocab, "ents", TOP_ENTITIES), "entity", names, members)
    why.shared_terms = _evidence(_shared(pa, pb, vocab, "body", TOP_TERMS), "word", names, members)
    a_members = [clusterer.features_[m] for m in clusterer.stories_[a.id].members if m in clusterer.features_]
    b_members = [clusterer.features_[m] for m in clusterer.stories_[b.id].members if m in clusterer.features_]
    why.only_first = (_evidence(_only(pa, pb, vocab, "ents", TOP_ENTITIES), "entity", names, a_members)
                      + _evidence(_only(pa, pb, vocab, "body", TOP_ENTITIES), "word", names, a_members))
    why.only_second = (_evidence(_only(pb, pa, vocab, "ents", TOP_ENTITIES), "entity", names, b_members)
                       + _evidence(_only(pb, pa, vocab, "body", TOP_ENTITIES), "word", names, b_members))
    why.verdict = _pair_verdict(why, s.time_scale_days)
    return why


def _pair_verdict(why: PairWhy, time_scale_days: float) -> str:
    """One sentence: kept apart or one story, and what decided it."""
    if why.stories[0] == why.stories[1]:
        return "these are one story (an id and its alias, or the same id twice)"
    head = (f"kept apart: their centroids score {why.similarity:.2f}, below the merge threshold "
            f"{why.merge_threshold:.2f}" if why.similarity < why.merge_threshold else
            f"similar enough to merge ({why.similarity:.2f} at or above {why.merge_threshold:.2f}); the next run "
            f"that touches either merges them")
    if why.gap_days is not None and why.gap_days > GRACE_DAYS:
        head += (f"; they are {why.gap_days:.0f} days apart, so the text evidence counts {why.time_factor:.0%} "
                 f"(time scale {time_scale_days:g} days)")
    link = "in one storyline" if why.same_storyline else "not in one storyline"
    return head + (f"; {link} (relatedness {why.relatedness:.2f}, storyline threshold {why.storyline_threshold:.2f}; "
                   f"actors and topic shared at {why.saga_share:.2f}, saga threshold {why.saga_threshold:.2f})")


def _rows(evidence: list[Evidence]) -> str:
    """Evidence as 'name (in 2 of 3 articles)' items."""
    return "; ".join(f"{e.text} (in {e.articles} of {e.of})" for e in evidence) or "none"


def render_article(why: ArticleWhy) -> list[str]:
    """Plain lines for the terminal."""
    out = [f"{why.article} is in {why.story}: {why.title}", f"  {why.verdict}"]
    if why.similarity is not None:
        w = WEIGHTS
        out.append(f"  similarity {why.similarity:.2f} = ({w['body']} x body {why.body:.2f} + {w['head']} x headline "
                   f"{why.head:.2f} + {w['ents']} x names {why.entities:.2f}) x time {why.time_factor:.2f}")
        dates = " to ".join(dict.fromkeys(d for d in why.story_dates if d)) or "undated"
        gap = "no date to compare" if why.gap_days is None else f"{why.gap_days:.0f} days from the rest"
        out.append(f"  published {why.published or 'undated'}; story {dates}; {gap}")
        out.append(f"  shared names: {_rows(why.shared_entities)}")
        out.append(f"  shared words: {_rows(why.shared_terms)}")
    if why.closest_other:
        out.append(f"  closest other story: {why.closest_other} ({why.closest_other_title}) at "
                   f"{why.closest_other_similarity:.2f}")
    return out


def render_pair(why: PairWhy) -> list[str]:
    """Plain lines for the terminal."""
    return [
        f"{why.stories[0]}: {why.titles[0]}",
        f"{why.stories[1]}: {why.titles[1]}",
        f"  {why.verdict}",
        f"  body {why.body:.2f}, headline {why.head:.2f}, names {why.entities:.2f}, time {why.time_factor:.2f}",
        f"  shared names: {_rows(why.shared_entities)}",
        f"  shared words: {_rows(why.shared_terms)}",
        f"  only in {why.stories[0]}: {_rows(why.only_first)}",
        f"  only in {why.stories[1]}: {_rows(why.only_second)}",
    ]


def as_json(why: ArticleWhy | PairWhy) -> dict[str, Any]:
    """The JSON form (``--json``)."""
    return json.loads(json.dumps(why.to_dict()))


__all__ = ["ArticleWhy", "Evidence", "PairWhy", "as_json", "explain_article", "explain_pair", "render_article",
           "render_pair"]
