"""Storylines: stories linked into chains of related events, ordered in time.

Two stories are compared when they share a central entity or topic word (:func:`link_keys`), and linked
when their centroids share entities *and* topic: the mean of their entity
cosine and body cosine, decayed over time far more slowly than stories are (``STORYLINE_SCALE`` times the
story time scale, so a fight that runs for months stays one storyline), reaches
``settings.stories.storyline_threshold``. A saga (letters, a ruling, an appeal months apart, with the same
parties) is linked however far apart its rounds are when two stories share both their actors and their topic:
each of the two cosines, undecayed, reaches ``settings.stories.saga_threshold`` (:func:`linked`).
Linked stories form storylines by single link (connected
components). Only chains of two or more stories become a :class:`Storyline`; a story with no related story
keeps ``storyline=None``.

A batch run (``recluster``) links every pair of stories (:func:`related_pairs`). A stream run re-links only
the stories it changed, against the stories sharing one of their :func:`link_keys`, and keeps every other
stored link; storylines are then the connected components (:func:`components`) reached from the changed
stories and their former neighbours. A story merged away or emptied loses its links, so a storyline it held
together falls apart into the parts still linked; a story that changed (grew, split, lost members) is linked
afresh, so it may join, bridge or leave storylines. Links between two unchanged stories are not revisited
as the vocabulary grows: the next ``recluster`` recomputes them all.

Example:
    >>> from storyline.stories.features import ArticleFeatures, Profile, Vocabulary
    >>> a = ArticleFeatures("a", day=1, body={"grant": 1.0}, ents={"whitcombe": 1.0})
    >>> b = ArticleFeatures("b", day=60, body={"grant": 1.0}, ents={"whitcombe": 1.0})
    >>> v = Vocabulary().add(a).add(b)
    >>> [sorted(g) for g in link_stories({"s1": Profile.of([a]), "s2": Profile.of([b])}, v, 0.25, 3.0)]
    [['s1', 's2']]
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from ..text.unionfind import UnionFind
from .features import Profile, Vocabulary, day_gap, idf_cosine, time_decay

# Storylines decay this many times more slowly than stories: related events weeks or months apart link.
STORYLINE_SCALE = 20.0
# Entities of a story used to find related stories (its central people, organisations and places).
CENTRAL_ENTITIES = 8
# ... and its most frequent topic words (not its rarest: a storyline's stories share its vocabulary, not each
# story's oddities): two stories of one fight may name it differently ("Transport Ministry" in one, "the
# Ministry of Transport" in the other) and share none of their eight central names, yet share "levy"
# and "grant"; relatedness still decides, the words only make them compared. Words too common to index
# (:meth:`Vocabulary.common_limit`) are skipped, so a big store does not compare every pair.
CENTRAL_TERMS = 8
# Topic-word keys are marked so that a word and an entity of the same spelling are different keys.
TERM_KEY = "~"


def storyline_id(first_story: str) -> str:
    """Stable storyline id from the id of its earliest story."""
    return "sl-" + hashlib.sha1(first_story.encode("utf-8")).hexdigest()[:10]


def central_entities(profile: Profile, vocab: Vocabulary, n: int = CENTRAL_ENTITIES) -> list[str]:
    """The entity keys that weigh most in a story (frequency in the story times rarity in the corpus)."""
    return sorted(profile.ents, key=lambda e: -profile.ents[e] * vocab.idf("@" + e))[:n]


def link_keys(profile: Profile, vocab: Vocabulary) -> list[str]:
    """The keys a story is found by when looking for related stories: central entities and topic words."""
    common = vocab.common_limit()
    topical = [t for t in profile.body if vocab.df_.get(t, 0) <= common]
    terms = sorted(topical, key=lambda t: (-profile.body[t], t))[:CENTRAL_TERMS]
    return central_entities(profile, vocab) + [TERM_KEY + t for t in terms]


def _cosines(a: Profile, b: Profile, vocab: Vocabulary) -> tuple[float, float]:
    """The actor cosine (the people and organisations, not the places they share) and the topic cosine."""
    return idf_cosine(a, b, "actors", vocab), idf_cosine(a, b, "body", vocab)


def _decayed(ents: float, body: float, a: Profile, b: Profile, time_scale_days: float) -> float:
    """Relatedness from the two cosines: their mean, slowly decayed over time."""
    return 0.5 * (ents + body) * time_decay(day_gap(a, b), STORYLINE_SCALE * time_scale_days)


def relatedness(a: Profile, b: Profile, vocab: Vocabulary, time_scale_days: float) -> float:
    """How related two stories are: mean of entity and topic cosines, slowly decayed over time."""
    return _decayed(*_cosines(a, b, vocab), a, b, time_scale_days)


def saga_share(a: Profile, b: Profile, vocab: Vocabulary) -> float:
    """How much two stories share both their actors and their topic: the lower of the two cosines, not decayed."""
    return min(_cosines(a, b, vocab))


def linked(a: Profile, b: Profile, vocab: Vocabulary, threshold: float, time_scale_days: float,
           saga: float | None = None) -> bool:
    """True when two stories belong to one storyline: related enough for their distance in time, or (with
    ``saga``) sharing their actors and their topic each at a cosine of at least ``saga``, however far apart.
    The two cosines are computed once for both tests (two stories' profiles hold thousands of terms)."""
    ents, body = _cosines(a, b, vocab)
    if _decayed(ents, body, a, b, time_scale_days) >= threshold:
        return True
    return saga is not None and min(ents, body) >= saga


def related_to(
    sid: str, profile: Profile, others: Mapping[str, Profile], vocab: Vocabulary, threshold: float,
    time_scale_days: float, saga: float | None = None,
) -> set[str]:
    """The stories among ``others`` linked to one story (see :func:`linked`)."""
    return {o for o, p in others.items() if o != sid and linked(profile, p, vocab, threshold, time_scale_days, saga)}


def related_pairs(
    profiles: Mapping[str, Profile], vocab: Vocabulary, threshold: float, time_scale_days: float,
    saga: float | None = None,
) -> list[tuple[str, str]]:
    """Every related pair (a < b) of stories sharing a link key: the links storylines are made of."""
    index: dict[str, set[str]] = defaultdict(set)
    central = {sid: link_keys(p, vocab) for sid, p in profiles.items()}
    for sid, ents in central.items():
        for e in ents:
            index[e].add(sid)
    out = []
    for sid, ents in central.items():
        others = {o for e in ents for o in index[e] if o > sid}
        out += [(sid, o) for o in sorted(others)
                if linked(profiles[sid], profiles[o], vocab, threshold, time_scale_days, saga)]
    return out


def link_stories(
    profiles: Mapping[str, Profile], vocab: Vocabulary, threshold: float, time_scale_days: float,
    saga: float | None = None,
) -> list[list[str]]:
    """Groups of two or more related story ids (connected components of the related-pair graph)."""
    uf = UnionFind(profiles)
    for a, b in related_pairs(profiles, vocab, threshold, time_scale_days, saga):
        uf.union(a, b)
    return [sorted(g) for g in uf.groups() if len(g) > 1]


def components(seeds: Iterable[str], neighbours: Callable[[Iterable[str]], Mapping[str, set[str]]]) -> list[list[str]]:
    """Connected components reached from ``seeds`` (sorted ids each), reading the links a level at a time.

    ``neighbours(ids)`` gives the linked stories of each id; only the part of the graph that the seeds reach
    is read, so a stream run that changed a few stories reads only their storylines.
    """
    seen: set[str] = set()
    out = []
    for seed in sorted(set(seeds)):
        if seed in seen:
            continue
        comp, frontier = {seed}, {seed}
        while frontier:
            links = neighbours(frontier)
            frontier = {o for x in frontier for o in links.get(x, ())} - comp
            comp |= frontier
        seen |= comp
        out.append(sorted(comp))
    return out
