"""Storylines: stories linked into chains of related events, ordered in time.

Two stories are linked when their centroids share central entities *and* topic: the mean of their entity
cosine and body cosine, decayed over time far more slowly than stories are (``STORYLINE_SCALE`` times the
story time scale, so a fight that runs for months stays one storyline), reaches
``settings.stories["storyline_threshold"]``. Linked stories form storylines by single link (connected
components). Only chains of two or more stories become a :class:`Storyline`; a story with no related story
keeps ``storyline=None``.

Example:
    >>> from storyline.story_features import ArticleFeatures, Profile, Vocabulary
    >>> a = ArticleFeatures("a", day=1, body={"grant": 1.0}, ents={"sessions": 1.0})
    >>> b = ArticleFeatures("b", day=60, body={"grant": 1.0}, ents={"sessions": 1.0})
    >>> v = Vocabulary().add(a).add(b)
    >>> [sorted(g) for g in link_stories({"s1": Profile.of([a]), "s2": Profile.of([b])}, v, 0.25, 3.0)]
    [['s1', 's2']]
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping

from .graph import UnionFind
from .story_features import Profile, Vocabulary, _cosine, day_gap, time_decay

# Storylines decay this many times more slowly than stories: related events weeks or months apart link.
STORYLINE_SCALE = 20.0
# Entities of a story used to find related stories (its central people, organisations and places).
CENTRAL_ENTITIES = 8


def storyline_id(first_story: str) -> str:
    """Stable storyline id from the id of its earliest story."""
    return "sl-" + hashlib.sha1(first_story.encode("utf-8")).hexdigest()[:10]


def central_entities(profile: Profile, vocab: Vocabulary, n: int = CENTRAL_ENTITIES) -> list[str]:
    """The entity keys that weigh most in a story (frequency in the story times rarity in the corpus)."""
    return sorted(profile.ents, key=lambda e: -profile.ents[e] * vocab.idf("@" + e))[:n]


def relatedness(a: Profile, b: Profile, vocab: Vocabulary, time_scale_days: float) -> float:
    """How related two stories are: mean of entity and topic cosines, slowly decayed over time."""
    ents = _cosine(a, b, "ents", vocab)
    body = _cosine(a, b, "body", vocab)
    return 0.5 * (ents + body) * time_decay(day_gap(a, b), STORYLINE_SCALE * time_scale_days)


def link_stories(
    profiles: Mapping[str, Profile], vocab: Vocabulary, threshold: float, time_scale_days: float
) -> list[list[str]]:
    """Groups of two or more related story ids (connected components of the related-pair graph)."""
    index: dict[str, set[str]] = defaultdict(set)
    for sid, p in profiles.items():
        for e in central_entities(p, vocab):
            index[e].add(sid)
    uf = UnionFind(profiles)
    for sid, p in profiles.items():
        others: set[str] = set()
        for e in central_entities(p, vocab):
            others |= index[e]
        for other in others:
            if other <= sid or uf.connected(other, sid):
                continue
            if relatedness(p, profiles[other], vocab, time_scale_days) >= threshold:
                uf.union(other, sid)
    return [sorted(g) for g in uf.groups() if len(g) > 1]
