"""Passage signatures as the dedupe tests build them: many articles, one passage carried by more than HOT."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from storyline.dedupe import bands


def hot_corpus(rng: np.random.Generator) -> tuple[np.ndarray, Iterator[tuple[int, np.ndarray]]]:
    """A passage signature carried by every other article (more than ``bands.HOT``), and the articles' signatures
    (three passages each, by number; every seventh shares only some bands of the hot one)."""
    hot = rng.integers(0, 2**32, size=32, dtype=np.uint32)

    def articles() -> Iterator[tuple[int, np.ndarray]]:
        for k in range(2 * bands.HOT + 30):
            sigs = rng.integers(0, 2**32, size=(3, 32), dtype=np.uint32)
            if k % 2 == 0:
                sigs[1] = hot
            if k % 7 == 0:
                sigs[2, :16] = hot[:16]  # shares some bands only
            yield k, sigs

    return hot, articles()
