"""The store itself: opening, migrating, articles, parses, stage state, stories and rejects.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from ..errors import NotFoundError, StoreError
from ..model import Article, Rejected, Story, Storyline
from .base import (
    BUSY_TIMEOUT,
    _busy_message,
    _chunks,
    _dumps,
    _is_busy,
    parse_stored_time,
    stored_time,
)
from .briefs import BriefRecords
from .facts import FactRecords
from .follow import FollowRecords
from .identity import IdentityRecords
from .migrations import FIRST_MIGRATION, MIGRATIONS, _index_story_entities
from .names import NameReads, write_names
from .progress import ProgressRecords
from .search import SearchReads


class Store(SearchReads, ProgressRecords, IdentityRecords, FollowRecords, NameReads, BriefRecords, FactRecords):
    """A storyline database: articles, their raw input, NLP docs, stage state, stories and rejects.

    ``path`` is a file (created if missing) or ``":memory:"`` for tests; ``busy_timeout`` is how long (seconds) a
    write waits for another process's before retrying. A file that is not a storyline store is refused
    (StoreError) before anything is written to it.
    """

    def __init__(
        self, path: str | Path = "storyline.db", readonly: bool = False, busy_timeout: float = BUSY_TIMEOUT
    ) -> None:
        self.path = str(path)
        self.readonly = readonly
        self.busy_timeout = busy_timeout
        try:
            if readonly:  # SQLite refuses every write on this connection (what the web pages read through)
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                                          timeout=busy_timeout)
            else:
                self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                          timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        try:
            self._refuse_foreign()  # reads only: nothing is written to a file that is not ours
            if readonly:
                self._check_migrated()
                return
            if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.OperationalError as exc:
            self.db.close()
            if _is_busy(exc):
                raise StoreError(_busy_message(self.path, busy_timeout)) from exc
            raise StoreError(f"{self.path}: not a storyline database or unreadable: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{self.path}: not a storyline database or unreadable: {exc}") from exc
        except StoreError:
            self.db.close()
            raise

    # -- plumbing -------------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _check_migrated(self) -> None:
        """A read-only store cannot migrate: say how to bring an older store up to date."""
        done = {row[0] for row in self.db.execute("SELECT name FROM _migrations")}
        missing = [name for name, _ in MIGRATIONS if name not in done]
        if missing:
            raise StoreError(f"{self.path}: store needs migrations {', '.join(missing)}; open it once for writing "
                             "(any storyline command, e.g. `storyline stories`)")

    def _refuse_foreign(self) -> None:
        """Raise StoreError when the file holds tables but is not a storyline store (read-only check)."""
        tables = sorted(r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        if not tables:
            return  # a new or empty file
        ours = "_migrations" in tables and self.db.execute(
            "SELECT 1 FROM _migrations WHERE name=?", (FIRST_MIGRATION,)
        ).fetchone()
        if not ours:
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")  # noqa: PLR2004 - a short list
            raise StoreError(f"{self.path}: not a storyline store (it holds other tables: {shown}); it was left "
                             "untouched. Give a new file with --db")

    def _migrate(self) -> None:
        pending = [m for m in MIGRATIONS if m[0] not in self._applied()]
        if not pending:
            return  # nothing to write: a read-only command on an up-to-date store writes nothing
        with self.transaction():  # the write lock first: two processes opening a new store migrate it once
            self.db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL)")
            done = self._applied()
            for name, apply in MIGRATIONS:
                if name not in done:
                    apply(self.db)
                    self.db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, time.time()))

    def _applied(self) -> set[str]:
        """Names of the migrations this store has applied."""
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_migrations'").fetchone():
            return set()
        return {row[0] for row in self.db.execute("SELECT name FROM _migrations")}

    # -- articles -------------------------------------------------------------------------------------
    def add_articles(
        self, articles: Sequence[Article], raw: dict[str, tuple[str, str, str]] | None = None
    ) -> tuple[list[str], list[str]]:
        """Store new articles in one transaction; returns (new ids, ids already stored, left unchanged).

        ``raw`` maps an article id to (path, format, content as read) and is kept beside it.
        """
        new, old = [], []
        now = time.time()
        with self.transaction():
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
            for art in articles:
                seq += 1
                added = art.added or stored_time(now)
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO articles (id, seq, content_hash, url, outlet, title, published, story,"
                    " duplicate_of, data, added) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (art.id, seq, art.content_hash, art.url, art.outlet, art.title, art.published, art.story,
                     art.duplicate_of, _dumps({**art.to_dict(), "added": added}), parse_stored_time(added)),
                )
                if cur.rowcount:
                    new.append(art.id)
                    self.db.execute("INSERT INTO articles_fts (rowid, title, body) VALUES (?,?,?)",
                                    (cur.lastrowid, art.title, art.text))
                    write_names(self.db, art.id, art.mentions)
                    if raw and art.id in raw:
                        self.db.execute("INSERT OR REPLACE INTO raw VALUES (?,?,?,?)", (art.id, *raw[art.id]))
                else:
                    old.append(art.id)
        return new, old

    def update_articles(self, articles: Iterable[Article]) -> None:
        """Write back what later stages added to stored articles (one transaction); an article the same as stored
        is left as it is (its columns are written from the same fields as its data)."""
        with self.transaction():
            for art in articles:
                cur = self.db.execute(
                    "UPDATE articles SET content_hash=?, url=?, outlet=?, title=?, published=?, story=?,"
                    " duplicate_of=?, data=? WHERE id=? AND data IS NOT ?",
                    (art.content_hash, art.url, art.outlet, art.title, art.published, art.story, art.duplicate_of,
                     data := _dumps(art.to_dict()), art.id, data),
                )
                if cur.rowcount:
                    write_names(self.db, art.id, art.mentions)

    def get_article(self, article_id: str) -> Article:
        """One article by id (a unique id prefix also works); raises NotFoundError."""
        row = self.db.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            rows = self.db.execute(
                "SELECT data FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                (article_id.replace("%", "\\%").replace("_", "\\_") + "%",),
            ).fetchall()
            if len(rows) != 1:
                raise NotFoundError(f"no article with id {article_id!r} (see `storyline articles`)")
            row = rows[0]
        return Article.from_dict(json.loads(row[0]))

    def iter_articles(self, ids: Iterable[str] | None = None, since_seq: int = 0) -> Iterator[Article]:
        """Stored articles in ingest order (all, the given ids, or those ingested after ``since_seq``)."""
        if ids is not None:
            for aid in ids:
                yield self.get_article(aid)
            return
        for (data,) in self.db.execute("SELECT data FROM articles WHERE seq > ? ORDER BY seq", (since_seq,)):
            yield Article.from_dict(json.loads(data))

    def article_ids(self) -> list[str]:
        """All article ids in ingest order."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY seq")]

    def articles_since(self, seq: int) -> list[tuple[str, int]]:
        """(id, ingest sequence number) of the articles ingested after ``seq``, in ingest order."""
        return self.db.execute("SELECT id, seq FROM articles WHERE seq > ? ORDER BY seq", (seq,)).fetchall()

    def article_seqs(self, ids: Iterable[str]) -> dict[str, int]:
        """Ingest sequence numbers of the given articles (unknown ids are left out)."""
        return dict(self._rows_in("SELECT id, seq FROM articles WHERE id IN ({marks})", [], ids))

    def has_article(self, article_id: str) -> bool:
        """True when the id is stored."""
        return self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def ids_with_hash(self, content_hash: str) -> list[str]:
        """Ids of stored articles with this normalised-content hash."""
        rows = self.db.execute("SELECT id FROM articles WHERE content_hash=? ORDER BY seq", (content_hash,))
        return [r[0] for r in rows]

    def count_articles(self) -> int:
        """How many articles are stored."""
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def max_seq(self) -> int:
        """The ingest sequence number of the newest article (0 when empty)."""
        return int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def raw(self, article_id: str) -> tuple[str, str, str] | None:
        """The input an article was read from: (path, format, content), or None."""
        row = self.db.execute("SELECT path, format, content FROM raw WHERE article_id=?", (article_id,)).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    # -- NLP docs -------------------------------------------------------------------------------------
    def put_docs(self, docs: dict[str, bytes]) -> None:
        """Store serialised NLP docs by article id."""
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", list(docs.items()))

    def doc_ids(self, among: Iterable[str] | None = None) -> set[str]:
        """Ids of the articles whose NLP doc is stored (without reading the docs); with ``among``, of those only."""
        if among is not None:
            return {r[0] for r in self._rows_in("SELECT article_id FROM docs WHERE article_id IN ({marks})", [], among)}
        return {r[0] for r in self.db.execute("SELECT article_id FROM docs")}

    def get_docs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """Serialised NLP docs of the given articles (missing ones are left out)."""
        out = {}
        for aid in ids:
            row = self.db.execute("SELECT data FROM docs WHERE article_id=?", (aid,)).fetchone()
            if row:
                out[aid] = bytes(row[0])
        return out

    # -- stage state ----------------------------------------------------------------------------------
    def put_state(self, stage: str, items: dict[str, bytes | str]) -> None:
        """Store learned state of a stage by key (LSH signatures, IDF table, centroids)."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO state VALUES (?, ?, ?)", [(stage, k, v) for k, v in items.items()]
            )

    def get_state(self, stage: str, key: str | None = None, prefix: str | None = None) -> dict[str, Any]:
        """All state of a stage, the one key, or the keys starting with ``prefix`` (empty dict when absent)."""
        if key is not None:
            rows = self.db.execute("SELECT key, value FROM state WHERE stage=? AND key=?", (stage, key))
        elif prefix is not None:  # keys from prefix up to prefix + the highest code point: an index range scan
            rows = self.db.execute("SELECT key, value FROM state WHERE stage=? AND key >= ? AND key < ?",
                                   (stage, prefix, prefix + "\U0010ffff"))
        else:
            rows = self.db.execute("SELECT key, value FROM state WHERE stage=?", (stage,))
        return {k: v for k, v in rows}

    def get_states(self, stage: str, keys: Iterable[str]) -> dict[str, Any]:
        """The stored values of the given keys of a stage (absent keys are left out)."""
        return dict(self._rows_in("SELECT key, value FROM state WHERE stage=? AND key IN ({marks})", [stage], keys))

    def delete_state(self, stage: str, keys: Iterable[str]) -> None:
        """Forget some keys of a stage's state."""
        with self.transaction():
            self.db.executemany("DELETE FROM state WHERE stage=? AND key=?", [(stage, k) for k in keys])

    def clear_state(self, stage: str) -> None:
        """Forget a stage's learned state, its term counts and postings, band ones too (before a full recompute)."""
        with self.transaction():
            self.db.execute("DELETE FROM state WHERE stage=?", (stage,))
            self.db.execute("DELETE FROM term_counts WHERE stage=?", (stage,))
            self.db.execute("DELETE FROM postings WHERE stage=?", (stage,))
            self.db.execute("DELETE FROM band_postings WHERE stage=?", (stage,))

    def get_counts(self, stage: str, terms: Iterable[str]) -> dict[str, int]:
        """Stored counts of the given terms (terms never counted are left out)."""
        sql = "SELECT term, n FROM term_counts WHERE stage=? AND term IN ({marks})"
        return dict(self._rows_in(sql, [stage], terms))

    def put_counts(self, stage: str, counts: Mapping[str, int]) -> None:
        """Store the counts of these terms (replacing the stored ones)."""
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO term_counts VALUES (?, ?, ?)",
                                ((stage, t, n) for t, n in counts.items()))

    def get_postings(
        self, stage: str, keys: Iterable[str] | None = None, items: Iterable[str] | None = None
    ) -> list[tuple[str, str]]:
        """The (key, item) postings of a stage under the given keys and those of the given items (all: neither)."""
        if keys is None and items is None:
            return self.db.execute("SELECT key, item FROM postings WHERE stage=?", (stage,)).fetchall()
        out: list[tuple[str, str]] = []
        for column, values in (("key", keys or ()), ("item", items or ())):
            sql = f"SELECT key, item FROM postings WHERE stage=? AND {column} IN ({{marks}})"
            out += self._rows_in(sql, [stage], values)
        return out

    def add_postings(self, stage: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (key, item) postings (those already stored are kept once)."""
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?, ?)", ((stage, k, i) for k, i in pairs))

    def delete_postings(self, stage: str, pairs: Iterable[tuple[str, str]] = (), items: Iterable[str] = ()) -> None:
        """Drop the given (key, item) postings, and every posting of the given items."""
        with self.transaction():
            self.db.executemany("DELETE FROM postings WHERE stage=? AND key=? AND item=?",
                                [(stage, k, i) for k, i in pairs])
            self.db.executemany("DELETE FROM postings WHERE stage=? AND item=?", [(stage, i) for i in items])

    def add_band_postings(self, stage: str, rows: Iterable[tuple[int, int, str, int]]) -> None:
        """Add (band, key, item, unit) rows: signature ``unit`` of ``item`` has ``key`` in LSH band ``band``."""
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO band_postings VALUES (?, ?, ?, ?, ?)",
                                ((stage, b, k, i, u) for b, k, i, u in rows))

    def get_band_postings(self, stage: str, band: int, keys: Iterable[int]) -> list[tuple[int, str, int]]:
        """The (key, item, unit) rows of one band under the given keys, ordered by key, item, unit."""
        out: list[tuple[int, str, int]] = []
        for chunk in _chunks(dict.fromkeys(keys)):
            out += self.db.execute("SELECT key, item, unit FROM band_postings WHERE stage=? AND band=? AND key IN"
                                   f" ({','.join('?' * len(chunk))})", [stage, band, *chunk]).fetchall()
        return sorted(out)

    # -- stories --------------------------------------------------------------------------------------
    def put_stories(
        self, stories: Sequence[Story], storylines: Sequence[Storyline] = (), replace: bool = False
    ) -> None:
        """Store stories and storylines; ``replace`` drops all stored ones first (a full recluster)."""
        with self.transaction():
            if replace:
                self.db.execute("DELETE FROM stories")
                self.db.execute("DELETE FROM storylines")
                self.db.execute("DELETE FROM story_entities")
            for s in stories:
                data = s.to_dict()
                self.db.execute(
                    "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?,?)",
                    (s.id, s.storyline, s.first_date, s.last_date, s.title, _dumps(data)),
                )
                _index_story_entities(self.db, data)
            for line in storylines:
                self.db.execute("INSERT OR REPLACE INTO storylines VALUES (?, ?)", (line.id, _dumps(line.to_dict())))

    def iter_stories(self) -> Iterator[Story]:
        """Stored stories, newest first."""
        rows = self.db.execute("SELECT data FROM stories ORDER BY last_date DESC, first_date DESC, id")
        for (data,) in rows.fetchall():
            yield Story.from_dict(json.loads(data))

    def get_story(self, story_id: str) -> Story:
        """One story by id (or unique prefix); raises NotFoundError."""
        row = self.db.execute("SELECT data FROM stories WHERE id=?", (story_id,)).fetchone()
        if row is None:  # an id merged away lives on as an alias of the story that absorbed it
            live = self.resolve_alias("story", story_id)
            row = self.db.execute("SELECT data FROM stories WHERE id=?", (live,)).fetchone()
        if row is None:
            rows = self.db.execute("SELECT data FROM stories WHERE id LIKE ? LIMIT 2", (story_id + "%",)).fetchall()
            if len(rows) != 1:
                raise NotFoundError(f"no story with id {story_id!r} (see `storyline stories`)")
            row = rows[0]
        return Story.from_dict(json.loads(row[0]))

    def get_stories(self, ids: Iterable[str]) -> dict[str, Story]:
        """Stored stories by id (unknown ids are left out)."""
        rows = self._rows_in("SELECT id, data FROM stories WHERE id IN ({marks})", [], ids)
        return {sid: Story.from_dict(json.loads(data)) for sid, data in rows}

    def story_storylines(self, ids: Iterable[str]) -> dict[str, str | None]:
        """The storyline of each stored story by id, without reading its record (unknown ids are left out)."""
        return dict(self._rows_in("SELECT id, storyline FROM stories WHERE id IN ({marks})", [], ids))

    def get_storylines(self, ids: Iterable[str]) -> dict[str, Storyline]:
        """Stored storylines by id (unknown ids are left out)."""
        rows = self._rows_in("SELECT id, data FROM storylines WHERE id IN ({marks})", [], ids)
        return {lid: Storyline.from_dict(json.loads(data)) for lid, data in rows}

    def iter_storylines(self) -> Iterator[Storyline]:
        """Stored storylines."""
        for (data,) in self.db.execute("SELECT data FROM storylines ORDER BY id").fetchall():
            yield Storyline.from_dict(json.loads(data))

    def storylines_holding(self, story_ids: Iterable[str], also: Iterable[str] = ()) -> list[Storyline]:
        """The storylines holding one of these stories, and those with an id in ``also``, by id.

        What a stage re-briefing a few stories needs, without reading every storyline: SQLite looks into each
        row's story list (``json_each``), and only the matching rows are read back as records.
        """
        sql = ("SELECT DISTINCT s.id FROM storylines s, json_each(s.data, '$.stories') j"
               " WHERE j.value IN ({marks})")
        ids = {row[0] for row in self._rows_in(sql, [], story_ids)} | set(also)
        return [line for _, line in sorted(self.get_storylines(ids).items())]

    def delete_stories(self, story_ids: Iterable[str] = (), storyline_ids: Iterable[str] = ()) -> None:
        """Drop stories (merged away by the stream clusterer) and storylines that no longer exist."""
        with self.transaction():
            story_ids = list(story_ids)
            self.db.executemany("DELETE FROM stories WHERE id=?", [(s,) for s in story_ids])
            self.db.executemany("DELETE FROM story_entities WHERE story=?", [(s,) for s in story_ids])
            self.db.executemany("DELETE FROM storylines WHERE id=?", [(s,) for s in storyline_ids])

    # -- rejects and runs -----------------------------------------------------------------------------
    def add_rejected(self, rejects: Iterable[Rejected]) -> None:
        """Record inputs that failed (the same failure twice is recorded once)."""
        with self.transaction():
            for r in rejects:
                self.db.execute(
                    "INSERT OR IGNORE INTO rejected (source, line, stage, reason, at) VALUES (?,?,?,?,?)",
                    (r.source, r.line, r.stage, r.reason, time.time()),
                )

    def rejected(self) -> list[Rejected]:
        """Every recorded failure, oldest first."""
        rows = self.db.execute("SELECT source, stage, reason, line FROM rejected ORDER BY id")
        return [Rejected(source=s, stage=st, reason=r, line=ln) for s, st, r, ln in rows]

    def record_run(self, started: float, counts: dict[str, int]) -> None:
        """Remember a finished run and its counts."""
        with self.transaction():
            self.db.execute("INSERT INTO runs (started, finished, counts) VALUES (?,?,?)",
                            (started, time.time(), _dumps(counts)))
