"""The clusterer's candidate index: index key -> stories, also kept by week of each story's date range.

A story is a candidate for an article when they share an index key (one of the article's rarest terms) and
are close enough in time for the text to reach the bar (:func:`storyline.stories.features.reach_days`). Over
a long corpus a key's stories pile up over the months, and reading all of them to drop the far ones made
each lookup cost what the corpus holds. So each posting is also kept under every window of
:data:`WINDOW_DAYS` days that its story's date range covers, and a lookup reads only the windows its day
range reaches. The result is a superset of the stories in reach (a range that shrank keeps its windows);
callers still check each story's exact distance. Stories with no known range (undated ones, whose distance
is never too far, and stories only known from stored postings) are read by every lookup.

Example:
    >>> ix = CandidateIndex()
    >>> ix.add("s1", ["quake"]); ix.place("s1", 700, 702)
    >>> ix.add("s2", ["quake"]); ix.place("s2", 900, 900)
    >>> sorted(ix.find(["quake"], 690, 710)), sorted(ix.find(["quake"]))
    (['s1'], ['s1', 's2'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

# Days a window of the index spans. Any value gives the same candidates (a lookup reads every window its
# range meets); it only trades the windows a lookup reads (a join reaches about 17 days either side, a merge
# about 7) against the windows a long story is filed under. A week: the merge reach.
WINDOW_DAYS = 7


class CandidateIndex:
    """Postings (index key -> story ids) with a by-window view of the dated stories (module docstring)."""

    def __init__(self) -> None:
        self.postings: dict[str, set[str]] = defaultdict(set)  # every posting: what a batch run stores
        self._windows: dict[str, dict[int, set[str]]] = defaultdict(dict)  # key -> window -> dated stories
        self._loose: dict[str, set[str]] = defaultdict(set)  # key -> stories of no known range (every lookup)
        self._keys_of: dict[str, set[str]] = defaultdict(set)  # story -> its keys
        self._span_of: dict[str, tuple[int, int]] = {}  # story -> the windows (first, last) it is filed under

    def add(self, sid: str, keys: Iterable[str]) -> None:
        """File a story under these keys (under its windows when it has a range, else with no range)."""
        span = self._span_of.get(sid)
        for k in keys:
            if sid in self.postings[k] and k in self._keys_of[sid]:
                continue
            self.postings[k].add(sid)
            self._keys_of[sid].add(k)
            if span is None:
                self._loose[k].add(sid)
            else:
                by_window = self._windows[k]
                for w in range(span[0], span[1] + 1):
                    by_window.setdefault(w, set()).add(sid)

    def add_stored(self, key: str, sids: Iterable[str]) -> None:
        """Postings read from the store: their stories' ranges are unknown here, so every lookup reads them."""
        sids = set(sids)
        self.postings[key] |= sids
        self._loose[key] |= sids

    def place(self, sid: str, first: int | None, last: int | None) -> None:
        """The story's date range is now ``first`` to ``last``: file it under the windows it newly covers."""
        if first is None or last is None:
            return
        lo, hi = first // WINDOW_DAYS, last // WINDOW_DAYS
        old = self._span_of.get(sid)
        if old is not None and old[0] <= lo and hi <= old[1]:
            return
        new = range(lo, hi + 1) if old is None else [w for w in range(min(lo, old[0]), max(hi, old[1]) + 1)
                                                     if not old[0] <= w <= old[1]]
        self._span_of[sid] = (lo, hi) if old is None else (min(lo, old[0]), max(hi, old[1]))
        for k in self._keys_of.get(sid, ()):
            by_window = self._windows[k]
            for w in new:
                by_window.setdefault(w, set()).add(sid)
            if old is None:
                self._loose[k].discard(sid)  # filed by its range from now on

    def find(self, keys: Iterable[str], first: float | None = None, last: float | None = None) -> set[str]:
        """Stories under any of the keys whose range may meet ``first`` to ``last`` (every one when None)."""
        out: set[str] = set()
        if first is None or last is None:
            for k in keys:
                out.update(self.postings.get(k, ()))
            return out
        lo, hi = int(first // WINDOW_DAYS), int(last // WINDOW_DAYS)
        for k in keys:
            out.update(self._loose.get(k, ()))
            by_window = self._windows.get(k)
            if by_window:
                for w in range(lo, hi + 1):
                    out.update(by_window.get(w, ()))
        return out

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Every posting as (key, story id)."""
        return ((k, sid) for k, sids in self.postings.items() for sid in sids)

    def rename(self, ids: dict[str, str]) -> None:
        """Give stories other ids (old id -> new id)."""
        def moved(sids: set[str]) -> set[str]:
            return {ids.get(s, s) for s in sids}

        self.postings = defaultdict(set, {k: moved(s) for k, s in self.postings.items()})
        self._loose = defaultdict(set, {k: moved(s) for k, s in self._loose.items()})
        self._windows = defaultdict(dict, {k: {w: moved(s) for w, s in ws.items()} for k, ws in self._windows.items()})
        self._keys_of = defaultdict(set, {ids.get(s, s): ks for s, ks in self._keys_of.items()})
        self._span_of = {ids.get(s, s): span for s, span in self._span_of.items()}
