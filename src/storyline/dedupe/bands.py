"""Banded MinHash LSH for many small signatures (passages), kept as arrays and joined in bulk.

datasketch's ``MinHashLSH`` (used for whole articles) inserts and queries one key at a time, about 0.1 ms
each; 20k articles carry ~300k passage signatures, which would make every load take half a minute. This
index uses the same banding (datasketch's own ``(bands, rows)`` choice for the threshold) but hashes all
bands at once with numpy and finds colliding passages by sorting each band's keys.

Example:
    >>> import numpy as np
    >>> index = BandIndex(threshold=0.5, num_perm=32)
    >>> sigs = np.array([[1] * 32, [1] * 32, [2] * 32], dtype=np.uint32)
    >>> index.add("a", sigs[:1]); index.add("b", sigs[1:])
    >>> index.neighbours({"a"})
    {('a', 0): [('b', 0)]}
"""

from __future__ import annotations

import numpy as np

from .shingles import SEED

# A band key shared by more rows than this (boilerplate the cleaner missed, a lede carried by a hundred
# sites) links each of them only to the first HOT_KEEP rows seen with it, so one hot passage costs
# O(n) pairs instead of O(n^2); the first holders are the ones provenance needs.
HOT = 100
HOT_KEEP = 20
# :meth:`BandIndex.neighbours` sorts only the rows sharing a key with a wanted passage when the wanted passages
# are fewer than 1/FEW_WANTED of all (a stream run: a handful of ~150k); picking those rows costs about one
# sort of the wanted keys, so a batch run (every passage wanted) sorts the whole band as before.
FEW_WANTED = 8


def band_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that datasketch's ``MinHashLSH`` picks for a threshold (false positives and negatives alike).

    datasketch (and the scipy integration it picks with) loads only here, so a stream run that reads the shapes
    kept in the store (:class:`~storyline.dedupe.index.DedupeIndex`) never loads it.
    """
    from datasketch import MinHashLSH  # scipy.integrate: ~0.25 s CPU of a process's start-up

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)  # its public b, r; the tables it makes stay empty
    return lsh.b, lsh.r


class BandIndex:
    """Passage signatures of many articles: ``add`` per article, then ``neighbours`` of a set of articles."""

    def __init__(self, threshold: float, num_perm: int, shape: tuple[int, int] | None = None) -> None:
        """``shape``: the (bands, rows) of :func:`band_shape` when already known."""
        self.threshold, self.num_perm = threshold, num_perm
        self.bands, self.rows = shape or band_shape(threshold, num_perm)
        rng = np.random.RandomState(SEED + 1)
        odd = rng.randint(1, 2**62, size=self.rows, dtype=np.int64).astype(np.uint64) * np.uint64(2) + np.uint64(1)
        self.mix_ = odd  # row multipliers of a band key (odd, so no information is lost)
        self.ids_: list[str] = []
        self._parts: list[np.ndarray] = []
        self._owner_parts: list[np.ndarray] = []
        self._keys = np.empty((0, self.bands), dtype=np.uint64)
        self._owner = np.empty(0, dtype=np.int64)
        self._unit = np.empty(0, dtype=np.int64)

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """One 64-bit key per band of each signature: a ``(len(sigs), bands)`` array."""
        cut = sigs[:, : self.bands * self.rows].astype(np.uint64).reshape(len(sigs), self.bands, self.rows)
        with np.errstate(over="ignore"):
            return (cut * self.mix_).sum(axis=2, dtype=np.uint64)

    def add(self, aid: str, sigs: np.ndarray) -> None:
        """Index an article's passage signatures (row ``u`` is its unit ``u``)."""
        if not len(sigs):
            return
        self._parts.append(self.band_keys(sigs))
        self._owner_parts.append(np.full(len(sigs), len(self.ids_), dtype=np.int64))
        self.ids_.append(aid)

    def _consolidate(self) -> None:
        """Fold pending additions into the key arrays."""
        if not self._parts:
            return
        self._keys = np.concatenate([self._keys, *self._parts])
        owner = np.concatenate([self._owner, *self._owner_parts])
        starts = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
        self._unit = np.arange(len(owner)) - np.repeat(starts, np.diff(np.r_[starts, len(owner)]))
        self._owner = owner
        self._parts, self._owner_parts = [], []

    def neighbours(self, ids: set[str]) -> dict[tuple[str, int], list[tuple[str, int]]]:
        """(article, unit) of every passage of ``ids`` that collides in some band, with its colliding passages.

        Passages of the same article are not reported. All bands are joined with numpy: sort a band's keys,
        expand each run of equal keys that holds a wanted passage into pairs, then deduplicate the pairs.
        """
        self._consolidate()
        n = len(self._keys)
        if not n:
            return {}
        wanted = np.fromiter((aid in ids for aid in self.ids_), dtype=bool, count=len(self.ids_))
        query = wanted[self._owner]
        found = []
        few = int(query.sum()) * FEW_WANTED < n
        for j in range(self.bands):
            column = self._keys[:, j]
            # only the runs of keys a wanted passage holds make pairs: with few wanted, the others are left out
            if few:
                rows = np.flatnonzero(np.isin(column, column[query]))
                order = rows[np.argsort(column[rows], kind="stable")]
            else:
                order = np.argsort(column, kind="stable")
            keys = column[order]
            n_rows = len(order)
            brk = np.r_[True, keys[1:] != keys[:-1]]
            run = np.cumsum(brk) - 1
            start = np.flatnonzero(brk)
            length = np.diff(np.r_[start, n_rows])
            el = np.flatnonzero((length[run] > 1) & query[order])
            if not len(el):
                continue
            first, size = start[run[el]], length[run[el]]
            count = np.where(size > HOT, HOT_KEEP, size)
            a = np.repeat(order[el], count)
            offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
            b = order[np.repeat(first, count) + offset]
            keep = self._owner[a] != self._owner[b]
            found.append(a[keep] * n + b[keep])
        if not found:
            return {}
        pairs = np.unique(np.concatenate(found))
        rows_a, rows_b = (pairs // n).tolist(), (pairs % n).tolist()
        names = [(self.ids_[o], u) for o, u in zip(self._owner.tolist(), self._unit.tolist(), strict=True)]
        out: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for a, b in zip(rows_a, rows_b, strict=True):
            key = names[a]
            if key in out:
                out[key].append(names[b])
            else:
                out[key] = [names[b]]
        return out
