"""Story and storyline identity: aliases of ids merged away, merge and split history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import IdentityEvent
from .base import (
    StoreBase,
    _chunks,
    stored_time,
)


class IdentityRecords(StoreBase):
    """Story and storyline identity: aliases of ids merged away, merge and split history."""

    # -- identity: aliases, merge and split history, stored times ------------------------------------
    def resolve_alias(self, kind: str, item_id: str) -> str:
        """The live id an id merged away lives on as (``kind``: story or storyline); the id itself when none."""
        row = self.db.execute("SELECT target FROM aliases WHERE kind=? AND alias=?", (kind, item_id)).fetchone()
        return str(row[0]) if row else item_id

    def aliases_of(self, kind: str, ids: Iterable[str]) -> dict[str, list[str]]:
        """The aliases of each given live id (oldest first; ids without any left out)."""
        out: dict[str, list[str]] = {}
        rows = self._rows_in("SELECT target, alias FROM aliases WHERE kind=? AND target IN ({marks})"
                             " ORDER BY at, alias", [kind], ids)
        for target, alias in rows:
            out.setdefault(target, []).append(alias)
        return out

    def add_identity_events(self, kind: str, events: Iterable[tuple[str, str, str, str]], at: float) -> None:
        """Record merges and splits: (event, target, other, reason); a merge makes ``other`` an alias of ``target``.

        An alias that pointed at the id merged away follows it to the keeper; an id that is live again (a
        recluster gave it back) stops being an alias.
        """
        run = int(self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM runs").fetchone()[0])
        with self.transaction():
            for event, target, other, reason in events:
                self.db.execute("INSERT INTO identity_events (kind, event, target, other, reason, at, run)"
                                " VALUES (?,?,?,?,?,?,?)", (kind, event, target, other, reason, at, run))
                if event == "merge":
                    self.db.execute("UPDATE aliases SET target=? WHERE kind=? AND target=?", (target, kind, other))
                    self.db.execute("INSERT OR REPLACE INTO aliases VALUES (?,?,?,?)", (kind, other, target, at))
                    self.db.execute("DELETE FROM aliases WHERE kind=? AND alias=?", (kind, target))

    def unalias(self, kind: str, ids: Iterable[str]) -> None:
        """Stop treating these ids as aliases (they name live stories or storylines again)."""
        with self.transaction():
            self.db.executemany("DELETE FROM aliases WHERE kind=? AND alias=?", [(kind, i) for i in ids])

    def identity_events(self, kind: str, ids: Iterable[str]) -> list[IdentityEvent]:
        """Merges and splits involving the given ids (as keeper, origin, merged-away id or new part), oldest first."""
        rows: list[tuple[Any, ...]] = []
        for batch in _chunks(dict.fromkeys(ids)):
            marks = ",".join("?" * len(batch))
            rows += self.db.execute(
                f"SELECT id, event, target, other, reason, at, run FROM identity_events WHERE kind=? AND"
                f" (target IN ({marks}) OR other IN ({marks}))", [kind, *batch, *batch]).fetchall()
        seen = sorted({r[0]: r for r in rows}.values())
        return [IdentityEvent(stored_time(at), ev, target, other, reason, run)
                for _, ev, target, other, reason, at, run in seen]
