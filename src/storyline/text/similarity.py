"""Similarity of bags of words, written once.

Example:
    >>> from collections import Counter
    >>> round(cosine(Counter("a b b".split()), Counter("b c".split())), 3)
    0.632
    >>> dice({"a", "b"}, {"b", "c"})
    0.5
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Set


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse vectors (term -> weight); 0.0 when either is empty."""
    if len(b) < len(a):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def dice(a: Set[str], b: Set[str]) -> float:
    """Dice overlap of two sets of words: 2|a & b| / (|a| + |b|); 0.0 when both are empty."""
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 0.0


def jaccard(a: Set[object], b: Set[object]) -> float:
    """Jaccard overlap of two sets: |a & b| / |a | b|; 0.0 when both are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
