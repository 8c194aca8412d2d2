"""The store: one SQLite file (WAL) holding raw input, clean articles and everything later stages derive.

Only this module writes SQL. Schema changes are named migrations, applied in order inside a transaction and
recorded in ``_migrations`` (the habit of sqlite-utils' migrations). Writes of a batch are one transaction, so
an interrupted run loses nothing already committed and a re-run resumes: adding an article whose id is
stored is a no-op.

Example:
    >>> from storyline.model import Article, Paragraph
    >>> with Store(":memory:") as store:
    ...     store.add_articles([Article(id="a1", title="T", paragraphs=[Paragraph("Body.")])])
    ...     store.add_articles([Article(id="a1", title="T", paragraphs=[Paragraph("Body.")])])
    ...     store.count_articles()
    (['a1'], [])
    ([], ['a1'])
    1
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from .errors import NotFoundError, StoreError
from .model import Article, Rejected, Story, Storyline

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run DDL statement by statement (``executescript`` would commit the migration's transaction)."""
    lines = [line.split("--")[0] for line in script.splitlines()]
    for statement in "\n".join(lines).split(";"):
        if statement.strip():
            db.execute(statement)


def _m001_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,              -- ingest order, for incremental stages
            content_hash TEXT,
            url TEXT, outlet TEXT, title TEXT, published TEXT,
            story TEXT, duplicate_of TEXT,
            data TEXT NOT NULL                 -- the Article as JSON
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_story ON articles(story);
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE raw (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            path TEXT, format TEXT,
            content TEXT NOT NULL              -- the input as read (text or HTML), before cleaning
        );
        CREATE TABLE docs (                    -- the NLP pass, serialised (spaCy DocBin bytes)
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            data BLOB NOT NULL
        );
        CREATE TABLE state (                   -- learned state of a stage: LSH signatures, IDF, centroids
            stage TEXT NOT NULL, key TEXT NOT NULL, value BLOB,
            PRIMARY KEY (stage, key)
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY, storyline TEXT, first_date TEXT, last_date TEXT, title TEXT,
            data TEXT NOT NULL
        );
        CREATE TABLE storylines (id TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE rejected (
            id INTEGER PRIMARY KEY, source TEXT NOT NULL, line INTEGER, stage TEXT NOT NULL,
            reason TEXT NOT NULL, at REAL NOT NULL,
            UNIQUE (source, line, stage, reason)
        );
        CREATE TABLE runs (id INTEGER PRIMARY KEY, started REAL, finished REAL, counts TEXT);
        """
    )


def _m002_counts_and_postings(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE term_counts (             -- a stage's document frequencies, read term by term
            stage TEXT NOT NULL, term TEXT NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (stage, term)
        ) WITHOUT ROWID;
        CREATE TABLE postings (                -- a stage's inverted index: key -> items (term -> story ids)
            stage TEXT NOT NULL, key TEXT NOT NULL, item TEXT NOT NULL,
            PRIMARY KEY (stage, key, item)
        ) WITHOUT ROWID;
        CREATE INDEX postings_item ON postings(stage, item);   -- drop every posting of a removed item
        """
    )


def _m004_sources(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE sources (                 -- feeds and sitemaps the follower polls, with their poll state
            url TEXT PRIMARY KEY,              -- normalised address of the feed or sitemap
            kind TEXT NOT NULL,                -- feed | sitemap
            name TEXT,
            interval REAL NOT NULL,            -- seconds between polls while the source is healthy
            added REAL NOT NULL,
            etag TEXT, last_modified TEXT,     -- validators of the last 200, sent back in the next request
            last_poll REAL, next_poll REAL NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'new',-- new | ok | unchanged | failing | error
            failures INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls (0 after a good one)
            new_articles INTEGER NOT NULL DEFAULT 0,  -- articles stored from this source's entries, in total
            last_error TEXT
        );
        CREATE TABLE fetched (                 -- every page URL the follower learned of, and its fetch state
            url TEXT PRIMARY KEY,              -- normalised (tracking parameters dropped)
            source TEXT,                       -- the source that listed it
            entry TEXT,                        -- what the feed or sitemap says of it (title, date, author) as JSON
            updated TEXT,                      -- the entry's update mark as last listed (a change asks for a re-fetch)
            status TEXT NOT NULL,              -- pending | stored | alias | skipped | failed | forbidden
            article TEXT,                      -- id of the newest stored version
            etag TEXT, last_modified TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,  -- failed attempts since the last success
            next_try REAL NOT NULL DEFAULT 0,
            error TEXT,
            seen REAL NOT NULL, fetched_at REAL
        );
        CREATE INDEX fetched_due ON fetched(status, next_try);
        CREATE TABLE page_versions (           -- each distinct content a followed URL has had, oldest first
            url TEXT NOT NULL, version INTEGER NOT NULL, article TEXT NOT NULL, fetched REAL NOT NULL,
            PRIMARY KEY (url, version)
        );
        CREATE INDEX page_versions_article ON page_versions(article);
        CREATE TABLE follow_unanalysed (       -- articles the follower stored whose analysis has not finished
            article TEXT PRIMARY KEY
        );
        """
    )


# Ordered, append-only: never edit or reorder a migration that has shipped; add a new one.
MIGRATIONS: tuple[Migration, ...] = (
    ("001_initial", _m001_initial),
    ("002_counts_and_postings", _m002_counts_and_postings),
    ("004_sources", _m004_sources),
)
# Columns of the follower's tables that :meth:`Store.update_source` and :meth:`Store.update_page` may set.
_SOURCE_COLUMNS = frozenset(("kind", "name", "interval", "etag", "last_modified", "last_poll", "next_poll", "status",
                             "failures", "new_articles", "last_error"))
_PAGE_COLUMNS = frozenset(("source", "entry", "updated", "status", "article", "etag", "last_modified", "attempts",
                           "next_try", "error", "fetched_at"))
# Values bound in one ``IN (...)`` query: well under SQLite's limit on host parameters (32766, 999 before 3.32).
_IN_CHUNK = 500


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


class Store:
    """A storyline database: articles, their raw input, NLP docs, stage state, stories and rejects.

    ``path`` is a file (created if missing) or ``":memory:"`` for tests.
    """

    def __init__(self, path: str | Path = "storyline.db") -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a storyline database or unreadable: {exc}") from exc

    # -- plumbing -------------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM _migrations")}
        for name, apply in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                apply(self.db)
                self.db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, time.time()))

    def transaction(self) -> _Transaction:
        """Context manager: one BEGIN ... COMMIT (ROLLBACK on error)."""
        return _Transaction(self.db)

    # -- articles -------------------------------------------------------------------------------------
    def add_articles(
        self, articles: Sequence[Article], raw: dict[str, tuple[str, str, str]] | None = None
    ) -> tuple[list[str], list[str]]:
        """Store new articles in one transaction; returns (new ids, ids already stored, left unchanged).

        ``raw`` maps an article id to (path, format, content as read) and is kept beside it.
        """
        new, old = [], []
        with self.transaction():
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
            for art in articles:
                seq += 1
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO articles (id, seq, content_hash, url, outlet, title, published, story,"
                    " duplicate_of, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (art.id, seq, art.content_hash, art.url, art.outlet, art.title, art.published, art.story,
                     art.duplicate_of, _dumps(art.to_dict())),
                )
                if cur.rowcount:
                    new.append(art.id)
                    if raw and art.id in raw:
                        self.db.execute("INSERT OR REPLACE INTO raw VALUES (?,?,?,?)", (art.id, *raw[art.id]))
                else:
                    old.append(art.id)
        return new, old

    def update_articles(self, articles: Iterable[Article]) -> None:
        """Write back what later stages added to stored articles (one transaction)."""
        with self.transaction():
            for art in articles:
                self.db.execute(
                    "UPDATE articles SET content_hash=?, url=?, outlet=?, title=?, published=?, story=?,"
                    " duplicate_of=?, data=? WHERE id=?",
                    (art.content_hash, art.url, art.outlet, art.title, art.published, art.story, art.duplicate_of,
                     _dumps(art.to_dict()), art.id),
                )

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

    def article_seqs(self, ids: Iterable[str]) -> dict[str, int]:
        """Ingest sequence numbers of the given articles (unknown ids are left out)."""
        return dict(self._rows_in("SELECT id, seq FROM articles WHERE id IN ({marks})", [], ids))

    def has_article(self, article_id: str) -> bool:
        """True when the id is stored."""
        return self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def ids_with_hash(self, content_hash: str) -> list[str]:
        """Ids of stored articles with this normalised-content hash."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE content_hash=? ORDER BY seq", (content_hash,))]

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

    def doc_ids(self) -> set[str]:
        """Ids of the articles whose NLP doc is stored (without reading the docs)."""
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

    def _rows_in(self, sql: str, params: Sequence[Any], ids: Iterable[str]) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` whose "{marks}" is filled with one "?" per id, for the ids in chunks (SQLite's limit)."""
        out: list[tuple[Any, ...]] = []
        for batch in _chunks(dict.fromkeys(ids)):
            out += self.db.execute(sql.format(marks=",".join("?" * len(batch))), [*params, *batch]).fetchall()
        return out

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
        """Forget a stage's learned state, its term counts and postings (before a full recompute)."""
        with self.transaction():
            self.db.execute("DELETE FROM state WHERE stage=?", (stage,))
            self.db.execute("DELETE FROM term_counts WHERE stage=?", (stage,))
            self.db.execute("DELETE FROM postings WHERE stage=?", (stage,))

    def get_counts(self, stage: str, terms: Iterable[str]) -> dict[str, int]:
        """Stored counts of the given terms (terms never counted are left out)."""
        return dict(self._rows_in("SELECT term, n FROM term_counts WHERE stage=? AND term IN ({marks})", [stage], terms))

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
            out += self._rows_in(f"SELECT key, item FROM postings WHERE stage=? AND {column} IN ({{marks}})", [stage], values)
        return out

    def add_postings(self, stage: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (key, item) postings (those already stored are kept once)."""
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?, ?)", ((stage, k, i) for k, i in pairs))

    def delete_postings(self, stage: str, pairs: Iterable[tuple[str, str]] = (), items: Iterable[str] = ()) -> None:
        """Drop the given (key, item) postings, and every posting of the given items."""
        with self.transaction():
            self.db.executemany("DELETE FROM postings WHERE stage=? AND key=? AND item=?", [(stage, k, i) for k, i in pairs])
            self.db.executemany("DELETE FROM postings WHERE stage=? AND item=?", [(stage, i) for i in items])

    # -- stories --------------------------------------------------------------------------------------
    def put_stories(self, stories: Sequence[Story], storylines: Sequence[Storyline] = (), replace: bool = False) -> None:
        """Store stories and storylines; ``replace`` drops all stored ones first (a full recluster)."""
        with self.transaction():
            if replace:
                self.db.execute("DELETE FROM stories")
                self.db.execute("DELETE FROM storylines")
            for s in stories:
                self.db.execute(
                    "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?,?)",
                    (s.id, s.storyline, s.first_date, s.last_date, s.title, _dumps(s.to_dict())),
                )
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

    def get_storylines(self, ids: Iterable[str]) -> dict[str, Storyline]:
        """Stored storylines by id (unknown ids are left out)."""
        rows = self._rows_in("SELECT id, data FROM storylines WHERE id IN ({marks})", [], ids)
        return {lid: Storyline.from_dict(json.loads(data)) for lid, data in rows}

    def iter_storylines(self) -> Iterator[Storyline]:
        """Stored storylines."""
        for (data,) in self.db.execute("SELECT data FROM storylines ORDER BY id").fetchall():
            yield Storyline.from_dict(json.loads(data))

    def delete_stories(self, story_ids: Iterable[str] = (), storyline_ids: Iterable[str] = ()) -> None:
        """Drop stories (merged away by the stream clusterer) and storylines that no longer exist."""
        with self.transaction():
            self.db.executemany("DELETE FROM stories WHERE id=?", [(s,) for s in story_ids])
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
            self.db.execute("INSERT INTO runs (started, finished, counts) VALUES (?,?,?)", (started, time.time(), _dumps(counts)))

    # -- the follower: sources and their polls, page URLs and their fetches, page versions -----------------
    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

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


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.nested = False

    def __enter__(self) -> None:
        self.nested = self.db.in_transaction
        if not self.nested:
            self.db.execute("BEGIN")

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if self.nested:
            return
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
