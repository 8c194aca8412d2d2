"""The clusterer's candidate index: index key -> stories, also kept by the week of each story's last day.

A story is a candidate for an article when they share an index key (one of the article's rarest terms) and
are close enough in time for the text to reach the bar (:func:`storyline.stories.features.reach_days`). Over
a long corpus a key's stories pile up over the months, and reading all of them to drop the far ones made
each lookup cost what the corpus holds. So each posting is also filed under the window of
:data:`WINDOW_DAYS` days holding its story's last day (again under the new one when that day moves on), and a
lookup around day ``d`` reads only the windows from the one of ``d - reach`` on: a story that ended before
that is too far, whatever its first day. Articles arrive about in time order, so those windows are the last
few. The result is a superset of the stories in reach (entries under earlier last days stay; a story whose
range shrank stays under its later window); callers still check each story's exact distance. Stories with no
known range (undated ones, whose distance is never too far, and stories only known from stored postings) are
read by every lookup.

Example:
    >>> ix = CandidateIndex()
    >>> ix.add("s1", ["quake"]); ix.place("s1", 700, 702)
    >>> ix.add("s2", ["quake"]); ix.place("s2", 900, 900)
    >>> sorted(ix.find(["quake"], since=690)), sorted(ix.find(["quake"], since=880)), sorted(ix.find(["quake"]))
    (['s1', 's2'], ['s2'], ['s1', 's2'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

# Days a window of the index spans. Any value gives the same candidates (a lookup reads every window from
# the earliest last day in reach on); a smaller one reads more, mostly empty, windows per key, a larger one
# more stories that ended too long ago. A week: about the reach of a merge (7 days) and half that of a join.
WINDOW_DAYS = 7


class CandidateIndex:
    """Postings (index key -> story ids) with a by-window view of the dated stories (module docstring)."""

    def __init__(self) -> None:
        self.postings: dict[str, set[str]] = defaultdict(set)  # every posting: what a batch run stores
        self._windows: dict[str, dict[int, set[str]]] = defaultdict(dict)  # key -> window of last day -> stories
        self._loose: dict[str, set[str]] = defaultdict(set)  # key -> stories of no known range (every lookup)
        self._keys_of: dict[str, set[str]] = defaultdict(set)  # story -> its keys
        self._window_of: dict[str, int] = {}  # story -> the window of its last day, as filed
        self._latest = 0  # the latest window any story is filed under

    def add(self, sid: str, keys: Iterable[str]) -> None:
        """File a story under these keys (under its last day's window when it has a range, else with none)."""
        window = self._window_of.get(sid)
        mine = self._keys_of[sid]
        for k in keys:
            if k in mine:
                continue
            mine.add(k)
            self.postings[k].add(sid)
            if window is None:
                self._loose[k].add(sid)
            else:
                self._windows[k].setdefault(window, set()).add(sid)

    def add_stored(self, key: str, sids: Iterable[str]) -> None:
        """Postings read from the store: their stories' ranges are unknown here, so every lookup reads them."""
        sids = set(sids)
        self.postings[key] |= sids
        self._loose[key] |= sids

    def place(self, sid: str, first: int | None, last: int | None) -> None:
        """The story's date range is now ``first`` to ``last``: file it under its last day's window."""
        if first is None or last is None:
            return
        window = last // WINDOW_DAYS
        old = self._window_of.get(sid)
        if old is not None and window <= old:
            return  # filed under a window at least as late: every lookup reaching its last day reads it
        self._window_of[sid] = window
        self._latest = max(self._latest, window)
        for k in self._keys_of.get(sid, ()):
            self._windows[k].setdefault(window, set()).add(sid)
            if old is None:
                self._loose[k].discard(sid)  # filed by its range from now on

    def find(self, keys: Iterable[str], since: float | None = None) -> set[str]:
        """Stories under any of the keys that may have a day on or after ``since`` (every one when None)."""
        out: set[str] = set()
        if since is None:
            for k in keys:
                out.update(self.postings.get(k, ()))
            return out
        windows = range(int(since // WINDOW_DAYS), self._latest + 1)
        for k in keys:
            out.update(self._loose.get(k, ()))
            by_window = self._windows.get(k)
            if by_window:
                if len(by_window) < len(windows):
                    for w, sids in by_window.items():
                        if w >= windows.start:
                            out.update(sids)
                else:
                    for w in windows:
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
        self._window_of = {ids.get(s, s): w for s, w in self._window_of.items()}
