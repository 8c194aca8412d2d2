"""What a stream run of dedupe reads instead of loading the whole index: stored state looked up by key.

A new article needs the records of the few stored articles it collides with, not those of all 20k: a
:class:`LazyDict` reads a key from the store on first use, and a :class:`StoredBandIndex` finds the passages
sharing a band key with the new ones through the store's band postings (indexed by band and key), keeping the
hot key rule of :class:`~storyline.dedupe.bands.BandIndex` so both give the same neighbours.

Example:
    >>> seen = []
    >>> squares = LazyDict(lambda keys: seen.extend(keys) or {k: k * k for k in keys if k < 10})
    >>> squares[3], squares.get(12), 12 in squares, seen
    (9, None, False, [3, 12])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import numpy as np

from ..errors import LazyLookupError
from ..store import Store
from .bands import HOT, HOT_KEEP, BandIndex

K = TypeVar("K")
V = TypeVar("V")


class LazyDict(dict[K, V]):
    """A dict that reads the keys it lacks through ``load`` (keys -> the found ones), once each.

    Only lookups load (``[]``, ``get``, ``in``, ``pop``, ``setdefault``, :meth:`fetch`). Iterating, ``len``,
    ``keys``, ``items`` and ``values`` raise :class:`~storyline.errors.LazyLookupError`: they would show only the
    keys read so far, a subset of the store that would pass silently for the whole
    (:meth:`read` gives that subset by name).
    """

    def __init__(self, load: Callable[[list[K]], dict[K, V]]) -> None:
        super().__init__()
        self._load = load
        self._absent: set[K] = set()  # looked up and not stored

    def fetch(self, keys: Iterable[K]) -> None:
        """Read the given keys not read yet, in one call of ``load``."""
        missing = [k for k in dict.fromkeys(keys) if not dict.__contains__(self, k) and k not in self._absent]
        if missing:
            found = self._load(missing)
            self.update(found)
            self._absent.update(k for k in missing if k not in found)

    def __missing__(self, key: K) -> V:
        self.fetch([key])
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        self.fetch([key])  # type: ignore[list-item]
        return dict.__contains__(self, key)

    def get(self, key: K, default: Any = None) -> Any:  # type: ignore[override]
        self.fetch([key])
        return dict.get(self, key, default)

    def pop(self, key: K, *default: Any) -> Any:  # type: ignore[override]
        self.fetch([key])
        self._absent.add(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key: K, default: Any = None) -> Any:  # type: ignore[override]
        self.fetch([key])
        return dict.setdefault(self, key, default)

    def __setitem__(self, key: K, value: V) -> None:
        self._absent.discard(key)
        dict.__setitem__(self, key, value)

    def read(self) -> dict[K, V]:
        """What was read or set so far, by name a subset of the stored keys (a plain dict)."""
        return dict(dict.items(self))

    def _whole(self, what: str) -> LazyLookupError:
        """The error of an operation that needs every key, which a lazy dict does not hold."""
        return LazyLookupError(f"{what} of a LazyDict would see only the keys read so far, not all stored ones:"
                               " look keys up (`[]`, `get`, `in`, `fetch`), or load the index whole (lazy=False)")

    def __iter__(self) -> Iterator[K]:
        raise self._whole("iterating")

    def __len__(self) -> int:
        raise self._whole("len")

    def keys(self) -> Any:
        raise self._whole("keys()")

    def items(self) -> Any:
        raise self._whole("items()")

    def values(self) -> Any:
        raise self._whole("values()")


def signed(keys: np.ndarray) -> np.ndarray:
    """Band keys (uint64) as SQLite's signed 64-bit integers (the same bits)."""
    return np.ascontiguousarray(keys, dtype=np.uint64).view(np.int64)


class StoredBandIndex(BandIndex):
    """A :class:`BandIndex` whose stored passages stay in the store: :meth:`neighbours` of the passages added
    since the load reads only the rows sharing one of their band keys (``store.get_band_postings``).

    The rows are ordered as a loaded index orders them (stored passages by article id and unit, then the added
    ones in order), so a hot key (more than ``HOT`` rows) links to the same first ``HOT_KEEP`` rows.
    """

    def __init__(self, threshold: float, num_perm: int, shape: tuple[int, int], store: Store, stage: str) -> None:
        super().__init__(threshold, num_perm, shape=shape)
        self._store, self._stage = store, stage
        self._added: list[tuple[str, np.ndarray]] = []  # (article, signed band keys of its units)

    def add(self, aid: str, sigs: np.ndarray) -> None:
        """Index an article's passage signatures (row ``u`` is its unit ``u``)."""
        if len(sigs):
            self._added.append((aid, signed(self.band_keys(sigs))))

    def neighbours(self, ids: set[str]) -> dict[tuple[str, int], list[tuple[str, int]]]:
        """(article, unit) of every added passage of ``ids`` that collides in some band, with its colliding passages
        (stored articles' passages are never asked for: only added ones are wanted)."""
        added = [(p, aid, u, keys) for p, (aid, arr) in enumerate(self._added) for u, keys in enumerate(arr.tolist())]
        wanted = [row for row in added if row[1] in ids]
        if not wanted:
            return {}
        pairs: set[tuple[tuple[Any, ...], tuple[Any, ...]]] = set()
        for j in range(self.bands):
            asked = {row[3][j] for row in wanted}
            runs: dict[int, list[tuple[Any, ...]]] = {key: [] for key in asked}
            for key, item, unit in self._store.get_band_postings(self._stage, j, asked):
                runs[key].append((0, item, unit))  # stored rows first, by article and unit
            for p, aid, u, keys in added:
                if keys[j] in asked:
                    runs[keys[j]].append((1, p, aid, u))
            for p, aid, u, keys in wanted:
                run = runs[keys[j]]
                for other in run[:HOT_KEEP] if len(run) > HOT else run:
                    if _owner(other) != aid:
                        pairs.add(((1, p, aid, u), other))
        out: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for a, b in sorted(pairs):
            out.setdefault((a[2], a[3]), []).append((_owner(b), b[-1]))
        return out


# Band postings handed to the store per chunk: the rows of a whole 20k store as Python tuples would take
# several hundred MB at once; as numpy arrays they take ~60 MB, and chunks of this many rows add a few MB.
ROW_CHUNK = 50_000


def band_rows(index: BandIndex, items: Iterable[tuple[str, np.ndarray]]) -> Iterator[tuple[int, int, str, int]]:
    """The (band, key, article, unit) band postings of articles' passage signatures in ``index``'s bands, in the
    table's order (by band and key: an insert of many then appends to the B-tree instead of seeking in it)."""
    names, parts = [], []
    for aid, sigs in items:
        if len(sigs):
            names.append(aid)
            parts.append(signed(index.band_keys(sigs)))
    if not parts:
        return
    keys = np.concatenate(parts)
    owner = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    unit = np.concatenate([np.arange(len(p)) for p in parts])
    band = np.tile(np.arange(index.bands), len(keys))
    flat = keys.ravel()
    order = np.lexsort((flat, band))
    for start in range(0, len(order), ROW_CHUNK):
        cut = order[start : start + ROW_CHUNK]
        rows = cut // index.bands
        yield from zip(band[cut].tolist(), flat[cut].tolist(), [names[o] for o in owner[rows].tolist()],
                       unit[rows].tolist(), strict=True)


def _owner(row: tuple[Any, ...]) -> str:
    """The article of a row of :meth:`StoredBandIndex.neighbours` (stored: (0, article, unit), added: (1, p,
    article, unit))."""
    return str(row[1] if row[0] == 0 else row[2])
