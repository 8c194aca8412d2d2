"""Story identity: ids that survive merges, splits and reclusters, and the history of each change.

A story keeps its id when articles join it, when it absorbs a smaller story (the smaller id becomes an alias
that still resolves, see :meth:`storyline.store.Store.resolve_alias`) and when it splits (the larger part keeps
the id; the new part gets a new one and ``split_from``). A stream run records what its clusterer did
(:func:`lasting_events`); a batch run (``recluster``) starts from fresh ids and gives each new story the id
of the stored story it overlaps most (:func:`keep_ids`), so a recluster renumbers nothing it can keep.
Storylines get the same treatment from the stories they hold.

Example:
    >>> rename, events = keep_ids({"s-old": ["a", "b", "c"]}, {"s-new": ["a", "b"], "s-x": ["c"]}, lambda i: False,
    ...                           lambda i: i + "'", "story")
    >>> rename, [(e[0], e[1], e[2]) for e in events]
    ({'s-new': 's-old'}, [('split', 's-old', 's-x')])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

from ..model import IdentityEvent
from ..store import Store
from .cluster import IdentityStep

Event = tuple[str, str, str, str]  # (event, id that lives on, other id, reason), as the store records them


class _Identified(Protocol):
    id: str
    aliases: list[str]
    split_from: str | None
    history: list[IdentityEvent]


def lasting_events(steps: Sequence[IdentityStep], stored: set[str]) -> list[Event]:
    """The merges and splits of one run that a reader can have seen: those of stories stored before the run.

    A story opened and merged away within the run was never shown, so it leaves no alias; each remaining
    event names the final id of its stories (a keeper merged again later in the run is followed to its end).
    """
    final: dict[str, str] = {step.other: step.story for step in steps if step.event == "merge"}

    def last(sid: str) -> str:
        seen = set()
        while sid in final and sid not in seen:
            seen.add(sid)
            sid = final[sid]
        return sid

    out: list[Event] = []
    for step in steps:
        if step.event == "merge" and step.other in stored and last(step.story) != step.other:
            out.append(("merge", last(step.story), step.other, step.reason))
        elif step.event == "split" and step.story in stored and last(step.other) != last(step.story):
            out.append(("split", last(step.story), last(step.other), step.reason))
    return out


def keep_ids(
    old: Mapping[str, Iterable[str]], new: Mapping[str, Iterable[str]], retired: Callable[[str], bool],
    rehash: Callable[[str], str], noun: str,
) -> tuple[dict[str, str], list[Event]]:
    """Ids for freshly made groups (stories of articles, storylines of stories) that keep the stored ones.

    Each stored group's id goes to the new group sharing most of its members, best overlap first (each id
    once). A new group left without one keeps its own id (``rehash``-ed while it is a stored id or
    ``retired``) and, when most of its members come from one stored group, splits from it. A stored group
    whose id went nowhere is merged into the new group holding most of its members. Returns (new id -> id
    to use, where it changes; the merge and split events).
    """
    old_sets = {oid: set(m) for oid, m in old.items()}
    new_sets = {nid: set(m) for nid, m in new.items()}
    owner = {m: oid for oid, ms in old_sets.items() for m in ms}
    overlap: Counter[tuple[str, str]] = Counter((owner[m], nid) for nid, ms in new_sets.items() for m in ms
                                                if m in owner)
    ranked = sorted(overlap.items(), key=lambda kv: (-kv[1], -len(old_sets[kv[0][0]]), kv[0]))
    given: dict[str, str] = {}  # new id -> stored id
    used: set[str] = set()
    for (oid, nid), _ in ranked:
        if nid not in given and oid not in used:
            given[nid] = oid
            used.add(oid)
    final = dict(given)
    for nid in sorted(new_sets):
        if nid not in given:
            sid = nid
            while sid in old_sets or sid in used or retired(sid):
                sid = rehash(sid)
            final[nid] = sid
            used.add(sid)
    events: list[Event] = []
    for nid in sorted(new_sets):
        if nid in given:
            continue
        sources = Counter(owner[m] for m in new_sets[nid] if m in owner)
        if sources:
            oid, k = max(sources.items(), key=lambda kv: (kv[1], kv[0]))
            events.append(("split", oid, final[nid], f"recluster: {k} of its {len(new_sets[nid])} {noun} members "
                                                     f"were in {oid}"))
    for oid in sorted(old_sets.keys() - used):
        homes = {nid: k for (o, nid), k in overlap.items() if o == oid}
        if homes:
            nid, k = max(homes.items(), key=lambda kv: (kv[1], kv[0]))
            events.append(("merge", final[nid], oid, f"recluster: {k} of its {len(old_sets[oid])} {noun} members "
                                                     f"are now in this one"))
    return {nid: sid for nid, sid in final.items() if nid != sid}, events


def annotate(store: Store, kind: str, records: Iterable[_Identified]) -> None:
    """Fill each record's ``aliases``, ``history`` (its merges and splits, and those of its aliases) and
    ``split_from`` from the store."""
    records = list(records)
    aliases = store.aliases_of(kind, [r.id for r in records])
    for r in records:
        r.aliases = aliases.get(r.id, [])
        r.history = store.identity_events(kind, [r.id, *r.aliases])
        splits = [e.story for e in r.history if e.event == "split" and e.other == r.id]
        r.split_from = splits[-1] if splits else None
