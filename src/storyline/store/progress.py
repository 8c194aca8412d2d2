"""Which stages each article has completed, the store's own checks, and backups.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import StoreError
from ..model import Article, Span
from .base import (
    StoreBase,
    _span_problem,
)
from .migrations import COMPLETE


class ProgressRecords(StoreBase):
    """Which stages each article has completed, the store's own checks, and backups."""

    # -- progress (which stages each article has completed) ---------------------------------------------
    def mark_progress(self, stage: str, ids: Iterable[str], status: str = "done") -> None:
        """Record that these articles completed (status "done") or failed ("rejected") a stage."""
        now = time.time()
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO progress VALUES (?, ?, ?, ?)",
                                [(aid, stage, status, now) for aid in dict.fromkeys(ids)])

    def mark_complete(self, ids: Iterable[str], stages: Sequence[str]) -> list[str]:
        """Record as complete the given articles that are done with every one of ``stages``; returns them."""
        rows = self._rows_in(
            "SELECT article_id, COUNT(*) FROM progress WHERE status='done' AND stage IN ("
            + ",".join("?" * len(stages)) + ") AND article_id IN ({marks}) GROUP BY article_id",
            list(stages), ids,
        )
        complete = [aid for aid, n in rows if n == len(set(stages))]
        self.mark_progress(COMPLETE, complete)
        return complete

    def progress(self, article_id: str) -> dict[str, str]:
        """The stages an article has completed or failed: stage name -> "done" or "rejected"."""
        rows = self.db.execute("SELECT stage, status FROM progress WHERE article_id=? AND stage != ?",
                               (article_id, COMPLETE))
        return dict(rows.fetchall())

    def unfinished_ids(self) -> list[str]:
        """Articles whose analysis is not complete (an interrupted run), in ingest order; rejected ones excluded."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM progress p WHERE p.article_id = a.id"
            " AND (p.stage = ? OR p.status = 'rejected')) ORDER BY seq", (COMPLETE,))]

    def rejected_ids(self) -> set[str]:
        """Articles some analysis stage rejected."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT article_id FROM progress WHERE status='rejected'")}

    def content_hashes(self, ids: Iterable[str]) -> dict[str, str | None]:
        """The stored content hash of the given articles (unknown ids are left out)."""
        return dict(self._rows_in("SELECT id, content_hash FROM articles WHERE id IN ({marks})", [], ids))

    def story_ids_of(self, ids: Iterable[str]) -> set[str]:
        """The stories the given articles belong to."""
        rows = self._rows_in("SELECT story FROM articles WHERE story IS NOT NULL AND id IN ({marks})", [], ids)
        return {r[0] for r in rows}

    # -- integrity and backup -----------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Problems found, one line each (empty when sound): SQLite's integrity_check and foreign keys, then the
        store's own invariants: every article stored once under its own id, every story's members stored,
        every cited span inside its article."""
        problems = [row[0] for row in self.db.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"{table} row {rowid}: refers to a missing {parent} row"
                     for table, rowid, parent, _ in self.db.execute("PRAGMA foreign_key_check")]
        dup = self.db.execute("SELECT id, COUNT(*) FROM articles GROUP BY id HAVING COUNT(*) > 1").fetchall()
        problems += [f"article {aid}: stored {n} times" for aid, n in dup]
        lengths: dict[str, int] = {}
        for aid, data in self.db.execute("SELECT id, data FROM articles"):
            art = Article.from_dict(json.loads(data))
            if art.id != aid:
                problems.append(f"article {aid}: its record says id {art.id}")
            lengths[aid] = len(art.text)
        for story in self.iter_stories():
            where = f"story {story.id}"
            problems += [f"{where}: member {aid} is not stored" for aid in story.articles if aid not in lengths]
            cited: list[tuple[str | None, Span | None]] = [(c.article, c.span) for c in story.summary]
            cited += [(e.article, e.span) for e in story.timeline]
            found = (_span_problem(where, i, aid, span, lengths) for i, (aid, span) in enumerate(cited, start=1))
            problems += [p for p in found if p]
        return problems

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the store in a new file, made with SQLite's backup API while the store is in use."""
        if Path(target).exists():
            raise StoreError(f"{target}: already exists; give a new file for the backup")
        copy = sqlite3.connect(str(target))
        try:
            self.db.backup(copy)
        except sqlite3.Error as exc:
            copy.close()
            Path(target).unlink(missing_ok=True)
            raise StoreError(f"{target}: backup failed: {exc}") from exc
        copy.close()

    def runs(self) -> list[tuple[int, float, float]]:
        """Every recorded run as (id, started, finished) in seconds since the epoch, oldest first."""
        rows = self.db.execute("SELECT id, started, finished FROM runs ORDER BY id")
        return [(int(i), float(s or 0.0), float(f or 0.0)) for i, s, f in rows]
