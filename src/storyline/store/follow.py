"""The follower's state: sources and their polls, page URLs and their fetches, page versions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from ..errors import StoreError
from .base import (
    _PAGE_COLUMNS,
    _SOURCE_COLUMNS,
    StoreBase,
)


class FollowRecords(StoreBase):
    """The follower's state: sources and their polls, page URLs and their fetches, page versions."""

    def add_source(self, url: str, kind: str, interval: float, name: str | None = None) -> bool:
        """Add a source to follow (True), or update the kind, name and interval of a known one (False)."""
        with self.transaction():
            cur = self.db.execute("INSERT OR IGNORE INTO sources (url, kind, name, interval, added) VALUES (?,?,?,?,?)",
                                  (url, kind, name, interval, time.time()))
            if not cur.rowcount:
                self.db.execute("UPDATE sources SET kind=?, name=COALESCE(?, name), interval=? WHERE url=?",
                                (kind, name, interval, url))
        return bool(cur.rowcount)

    def remove_source(self, url: str) -> bool:
        """Stop following a source (True when it was followed); pages it listed stay stored."""
        with self.transaction():
            return bool(self.db.execute("DELETE FROM sources WHERE url=?", (url,)).rowcount)

    def sources(self) -> list[dict[str, Any]]:
        """Every followed source with its poll state, in the order they were added."""
        return self._dicts("SELECT * FROM sources ORDER BY added, url")

    def due_sources(self, now: float) -> list[dict[str, Any]]:
        """Sources whose next poll is due."""
        return self._dicts("SELECT * FROM sources WHERE next_poll <= ? ORDER BY next_poll, url", (now,))

    def update_source(self, url: str, **values: Any) -> None:
        """Set poll-state columns of a source (``new_articles`` is added to, the others replaced)."""
        self._update("sources", _SOURCE_COLUMNS, url, values)

    def _update(self, table: str, allowed: frozenset[str], url: str, values: dict[str, Any]) -> None:
        unknown = set(values) - allowed
        if unknown:
            bad, valid = ", ".join(sorted(unknown)), ", ".join(sorted(allowed))
            raise StoreError(f"unknown {table} column(s) {bad}; valid: {valid}")
        sets = ", ".join(f"{k}={k}+?" if k == "new_articles" else f"{k}=?" for k in values)
        with self.transaction():
            self.db.execute(f"UPDATE {table} SET {sets} WHERE url=?", [*values.values(), url])

    def add_pages(self, source: str | None, entries: Iterable[tuple[str, str | None, str]], now: float) -> list[str]:
        """Record page URLs a source lists as (url, update mark, entry JSON); returns those to fetch.

        A URL never seen is queued; one already fetched (stored, skipped or given up) is queued again only when
        its update mark changed (the feed or sitemap says the page was updated); anything else is left as it is.
        """
        queued = []
        with self.transaction():
            for url, updated, entry in entries:
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO fetched (url, source, entry, updated, status, seen) VALUES (?,?,?,?,?,?)",
                    (url, source, entry, updated, "pending", now),
                )
                if cur.rowcount:
                    queued.append(url)
                    continue
                cur = self.db.execute(
                    "UPDATE fetched SET status='pending', updated=?, entry=?, attempts=0, next_try=0 WHERE url=?"
                    " AND status IN ('stored', 'skipped', 'failed')"
                    " AND updated IS NOT NULL AND ? IS NOT NULL AND updated != ?",
                    (updated, entry, url, updated, updated),
                )
                if cur.rowcount:
                    queued.append(url)
        return queued

    def page(self, url: str) -> dict[str, Any] | None:
        """The fetch state of one page URL, or None when it was never listed."""
        rows = self._dicts("SELECT * FROM fetched WHERE url=?", (url,))
        return rows[0] if rows else None

    def pages(self, status: str | None = None) -> list[dict[str, Any]]:
        """Page URLs the follower knows (all, or those with one status), in the order they were seen."""
        if status is None:
            return self._dicts("SELECT * FROM fetched ORDER BY seen, url")
        return self._dicts("SELECT * FROM fetched WHERE status=? ORDER BY seen, url", (status,))

    def due_pages(self, now: float, limit: int) -> list[dict[str, Any]]:
        """Pending page URLs whose next attempt is due, oldest first, at most ``limit``."""
        return self._dicts("SELECT * FROM fetched WHERE status='pending' AND next_try <= ? ORDER BY seen, url LIMIT ?",
                           (now, limit))

    def next_page_try(self) -> float | None:
        """When the earliest pending page is due (None when nothing is pending)."""
        return self.db.execute("SELECT MIN(next_try) FROM fetched WHERE status='pending'").fetchone()[0]  # type: ignore[no-any-return]

    def set_page(self, url: str, source: str | None = None, now: float = 0.0, **values: Any) -> None:
        """Set fetch-state columns of a page URL, adding the URL first when it is new (a canonical link, an alias)."""
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO fetched (url, source, status, seen) VALUES (?,?,?,?)",
                            (url, source, "pending", now or time.time()))
            if values:
                self._update("fetched", _PAGE_COLUMNS, url, values)

    def add_version(self, url: str, article: str, now: float) -> int:
        """Record that a page URL now holds this article; returns its version number (1 for the first)."""
        with self.transaction():
            last = self.db.execute("SELECT article, MAX(version) FROM page_versions WHERE url=?", (url,)).fetchone()
            if last[0] == article:
                return int(last[1])
            version = int(last[1] or 0) + 1
            self.db.execute("INSERT INTO page_versions VALUES (?,?,?,?)", (url, version, article, now))
        return version

    def versions(self, url: str | None = None) -> list[dict[str, Any]]:
        """Stored versions of one page URL (or of all), oldest first."""
        if url is None:
            return self._dicts("SELECT * FROM page_versions ORDER BY url, version")
        return self._dicts("SELECT * FROM page_versions WHERE url=? ORDER BY version", (url,))

    def mark_unanalysed(self, ids: Iterable[str]) -> None:
        """Remember articles stored by the follower until their analysis has run."""
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO follow_unanalysed VALUES (?)", [(i,) for i in ids])

    def unanalysed(self) -> list[str]:
        """Articles the follower stored whose analysis has not finished, in ingest order."""
        rows = self.db.execute(
            "SELECT u.article FROM follow_unanalysed u JOIN articles a ON a.id = u.article ORDER BY a.seq"
        )
        return [r[0] for r in rows]

    def mark_analysed(self, ids: Iterable[str]) -> None:
        """Forget articles whose analysis has run."""
        with self.transaction():
            self.db.executemany("DELETE FROM follow_unanalysed WHERE article=?", [(i,) for i in ids])
