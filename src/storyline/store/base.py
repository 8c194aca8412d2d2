"""Plumbing the parts of the store share: times, JSON, chunked queries, the write transaction, search
syntax, the story filter, and :class:`StoreBase`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..errors import StoreError
from ..model import Span, Story, Storyline

# How long a writer waits for another one's transaction before retrying (seconds): an ingest batch of 200
# articles commits in well under a second, a stage's largest write in a few.
BUSY_TIMEOUT = 30.0


# Retries of a busy write lock after the wait, with doubling back-off from RETRY_DELAY seconds.
BUSY_RETRIES = 4


RETRY_DELAY = 0.1


# Values bound in one ``IN (...)`` query: well under SQLite's limit on host parameters (32766, 999 before 3.32).
_IN_CHUNK = 500


# Columns of the follower's tables that :meth:`Store.update_source` and :meth:`Store.update_page` may set.
_SOURCE_COLUMNS = frozenset(("kind", "name", "interval", "etag", "last_modified", "last_poll", "next_poll", "status",
                             "failures", "new_articles", "last_error"))


_PAGE_COLUMNS = frozenset(("source", "entry", "updated", "status", "article", "etag", "last_modified", "attempts",
                           "next_try", "error", "fetched_at"))


def stored_time(seconds: float) -> str:
    """A time the tool stored something, as the JSON shows it: ISO 8601 UTC with microseconds (sorts as text)."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stored_time(text: str) -> float:
    """Seconds since the epoch of an ISO time or date (a time without zone is UTC); raises ValueError."""
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """The values in lists of at most ``_IN_CHUNK`` (one ``IN (...)`` query each)."""
    batch: list[Any] = []
    for v in values:
        batch.append(v)
        if len(batch) == _IN_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


# Matched words of a search snippet sit between these two control characters (never in clean text): the page
# escapes the snippet first, then turns them into <mark> tags.
SNIPPET_MARKS = ("\x02", "\x03")


# Words of context a search snippet shows around the matches (FTS5's snippet() allows up to 64).
SNIPPET_TOKENS = 24


_QUERY_WORD = re.compile(r"\w+")


def fts_query(text: str) -> str | None:
    """An FTS5 query matching every word of what a user typed (as words, not operators); None when no word.

    Words are matched by their Porter stem ("injured" finds "injures"), not as prefixes: a prefix of a common
    word matches most of a large store and makes the query slow.

    >>> fts_query('judge "blocks" OR grants')
    '"judge" "blocks" "or" "grants"'
    """
    words = [w.lower() for w in _QUERY_WORD.findall(text)]
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words)


@dataclass(frozen=True)
class StoryFilter:
    """What a list of stories is narrowed to: words, an entity id, an outlet, a storyline, a date range; and its order.

    ``date_from``/``date_to`` are ISO dates: a story is kept when its date range meets ``[date_from, date_to]``.
    """

    q: str | None = None
    entity: str | None = None
    outlet: str | None = None
    storyline: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: Literal["recent", "size"] = "recent"

    def sql(self) -> tuple[list[str] | None, list[Any]]:
        """WHERE clauses over ``stories s`` and their parameters; None when the words can match nothing."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.q is not None:
            match = fts_query(self.q)
            if match is None:
                return None, []
            clauses.append("s.id IN (SELECT a.story FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
                           " WHERE articles_fts MATCH ?)")
            params.append(match)
        for value, clause in (
            (self.entity, "s.id IN (SELECT story FROM story_entities WHERE entity = ?)"),
            (self.outlet, "s.id IN (SELECT story FROM articles WHERE outlet = ?)"),
            (self.storyline, "s.storyline = ?"),
            (self.date_from, "COALESCE(s.last_date, s.first_date) >= ?"),
            (self.date_to, "s.first_date <= ?"),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        return clauses, params


def _span_problem(where: str, number: int, article: str | None, span: Span | None, lengths: Mapping[str, int]) -> str:
    """Why a cited span is not inside its article ("" when it is, or when the citation has no span)."""
    if article is None or span is None:
        return ""
    if article not in lengths:
        return f"{where}: citation {number} cites article {article}, which is not stored"
    if not 0 <= span.start <= span.end <= lengths[article]:
        return (f"{where}: citation {number} span {span.start}-{span.end} is outside article {article} "
                f"({lengths[article]} characters)")
    return ""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """True for SQLite's "database is locked" / "busy" errors (another connection holds the lock)."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _busy_message(path: str, timeout: float) -> str:
    return (f"{path}: the store is busy: another process has been writing to it for over {timeout:g} s; "
            "try again when it has finished")


class _Transaction:
    def __init__(self, db: sqlite3.Connection, path: str = "", timeout: float = BUSY_TIMEOUT) -> None:
        self.db = db
        self.path, self.timeout = path, timeout
        self.nested = False

    def __enter__(self) -> None:
        self.nested = self.db.in_transaction
        if not self.nested:
            self._begin()

    def _begin(self) -> None:
        """BEGIN IMMEDIATE (the write lock now, so no later statement of the transaction finds it taken), with
        SQLite's own wait then a few retries with doubling back-off; then StoreError saying the store is busy."""
        delay = RETRY_DELAY
        for attempt in range(BUSY_RETRIES + 1):
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if attempt == BUSY_RETRIES:
                    raise StoreError(_busy_message(self.path, self.timeout)) from exc
            time.sleep(delay)
            delay *= 2

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if self.nested:
            return
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


class _Snapshot:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.nested = False

    def __enter__(self) -> None:
        self.nested = self.db.in_transaction
        if not self.nested:
            self.db.execute("BEGIN DEFERRED")  # takes no lock: the snapshot is fixed by the first read

    def __exit__(self, *exc: object) -> None:
        if not self.nested and self.db.in_transaction:
            self.db.execute("COMMIT")  # ends a read: nothing to write


class StoreBase:
    """What every part of the store shares: the connection, its path, and the transaction and query plumbing."""

    db: sqlite3.Connection
    path: str
    readonly: bool
    busy_timeout: float

    if TYPE_CHECKING:  # readers of the core that the other parts use (defined by :class:`storyline.store.Store`)

        def iter_stories(self) -> Iterator[Story]: ...

        def get_storylines(self, ids: Iterable[str]) -> dict[str, Storyline]: ...

    def transaction(self) -> _Transaction:
        """Context manager: one BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error), waiting for another writer."""
        return _Transaction(self.db, self.path, self.busy_timeout)

    def snapshot(self) -> _Snapshot:
        """Context manager: the reads inside see the store as one commit left it (a read transaction: with WAL a
        writer neither waits for it nor shows it half its work); nested, it joins the outer one."""
        return _Snapshot(self.db)

    def _rows_in(self, sql: str, params: Sequence[Any], ids: Iterable[str]) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` whose "{marks}" is filled with one "?" per id, for the ids in chunks (SQLite's limit)."""
        out: list[tuple[Any, ...]] = []
        for batch in _chunks(dict.fromkeys(ids)):
            out += self.db.execute(sql.format(marks=",".join("?" * len(batch))), [*params, *batch]).fetchall()
        return out

    # -- the follower: sources and their polls, page URLs and their fetches, page versions -----------------
    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
