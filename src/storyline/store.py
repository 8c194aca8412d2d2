"""The store: one SQLite file (WAL) holding raw input, clean articles and everything later stages derive.

Only this module writes SQL. Schema changes are named migrations, applied in order inside a transaction and
recorded in ``_migrations`` (the habit of sqlite-utils' migrations). Writes of a batch are one transaction, so
an interrupted run loses nothing already committed and a re-run resumes: adding an article whose id is
stored is a no-op.

Several processes may use one store: a write transaction takes the write lock when it begins (``BEGIN
IMMEDIATE``), waits up to ``busy_timeout`` for another writer, retries with back-off, and then fails with a
StoreError saying the store is busy; readers never wait (WAL). A file that is not a storyline store (another
program's SQLite file, or not SQLite at all) is refused before anything is written to it. :meth:`Store.check`
verifies the file and the store's own invariants; :meth:`Store.backup` copies it while in use.

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

import datetime as dt
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

from .errors import NotFoundError, StoreError
from .model import Article, IdentityEvent, Rejected, Span, Story, Storyline

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


def _m003_search(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        -- full-text search over article titles and clean text; rowid = articles.rowid. The text is set once at
        -- ingest (every span indexes into it), so add_articles indexes it and later updates leave it alone.
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2');
        CREATE TABLE story_entities (          -- which stories name an entity: filters and entity pages
            entity TEXT NOT NULL, story TEXT NOT NULL, name TEXT, type TEXT, mentions INTEGER,
            PRIMARY KEY (entity, story)
        ) WITHOUT ROWID;
        CREATE INDEX story_entities_story ON story_entities(story);
        CREATE INDEX articles_outlet ON articles(outlet, story);
        CREATE INDEX stories_last ON stories(last_date, first_date);
        CREATE INDEX stories_storyline ON stories(storyline);
        """
    )
    for rowid, data in db.execute("SELECT rowid, data FROM articles").fetchall():
        art = json.loads(data)
        db.execute("INSERT INTO articles_fts (rowid, title, body) VALUES (?,?,?)", (rowid, *_fts_fields(art)))
    for (data,) in db.execute("SELECT data FROM stories").fetchall():
        _index_story_entities(db, json.loads(data))


def _fts_fields(article: Mapping[str, Any]) -> tuple[str, str]:
    """(title, clean text) of an article in its JSON form, as the search index holds them."""
    return article.get("title") or "", "\n\n".join(p.get("text", "") for p in article.get("paragraphs", []))


def _index_story_entities(db: sqlite3.Connection, story: Mapping[str, Any]) -> None:
    """Replace the story's rows in ``story_entities`` by its current entities."""
    db.execute("DELETE FROM story_entities WHERE story=?", (story["id"],))
    db.executemany(
        "INSERT OR REPLACE INTO story_entities VALUES (?,?,?,?,?)",
        [(e["id"], story["id"], e.get("name"), e.get("type"), e.get("mentions", 0)) for e in story.get("entities", [])],
    )


def _m005_identity(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        ALTER TABLE articles ADD COLUMN added REAL;        -- when the tool stored the article (NULL: before 005)
        CREATE INDEX articles_added ON articles(added);
        CREATE TABLE aliases (                 -- a story or storyline id that was merged away -> the id it lives on as
            kind TEXT NOT NULL,                -- "story" or "storyline"
            alias TEXT NOT NULL, target TEXT NOT NULL, at REAL NOT NULL,
            PRIMARY KEY (kind, alias)
        ) WITHOUT ROWID;
        CREATE INDEX aliases_target ON aliases(kind, target);
        CREATE TABLE identity_events (         -- merges and splits of stories and storylines, with time and reason
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, event TEXT NOT NULL,
            target TEXT NOT NULL,              -- the id that lives on: the keeper of a merge, the origin of a split
            other TEXT NOT NULL,               -- the id merged away, or the new part of a split
            reason TEXT NOT NULL, at REAL NOT NULL, run INTEGER   -- run: the id the run will get in ``runs``
        );
        CREATE INDEX identity_events_target ON identity_events(kind, target);
        CREATE INDEX identity_events_other ON identity_events(kind, other);
        """
    )


def _m006_progress(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE progress (                -- which analysis stages each article has completed
            article_id TEXT NOT NULL, stage TEXT NOT NULL,
            status TEXT NOT NULL,              -- 'done' or 'rejected'
            at REAL NOT NULL,
            PRIMARY KEY (article_id, stage)
        ) WITHOUT ROWID;
        CREATE INDEX progress_stage ON progress(stage, status);
        """
    )
    # Articles analysed before progress was recorded: those placed in a story (or found a copy) went through
    # every stage; the others are analysed again by the next run (the stages skip what they already did).
    db.execute(
        "INSERT INTO progress SELECT id, ?, 'done', ? FROM articles"
        " WHERE story IS NOT NULL OR duplicate_of IS NOT NULL",
        (COMPLETE, time.time()),
    )


# Ordered, append-only: never edit or reorder a migration that has shipped; add a new one.
MIGRATIONS: tuple[Migration, ...] = (
    ("001_initial", _m001_initial),
    ("002_counts_and_postings", _m002_counts_and_postings),
    ("003_search", _m003_search),
    ("005_identity", _m005_identity),
    ("006_progress", _m006_progress),
)
# The progress row of an article every analysis stage has completed.
COMPLETE = "*"
# How long a writer waits for another one's transaction before retrying (seconds): an ingest batch of 200
# articles commits in well under a second, a stage's largest write in a few.
BUSY_TIMEOUT = 30.0
# Retries of a busy write lock after the wait, with doubling back-off from RETRY_DELAY seconds.
BUSY_RETRIES = 4
RETRY_DELAY = 0.1
# The migration every storyline store has: a file with tables but without it is another program's.
FIRST_MIGRATION = "001_initial"
# Values bound in one ``IN (...)`` query: well under SQLite's limit on host parameters (32766, 999 before 3.32).
_IN_CHUNK = 500


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


class Store:
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

    def transaction(self) -> _Transaction:
        """Context manager: one BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error), waiting for another writer."""
        return _Transaction(self.db, self.path, self.busy_timeout)

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
            story_ids = list(story_ids)
            self.db.executemany("DELETE FROM stories WHERE id=?", [(s,) for s in story_ids])
            self.db.executemany("DELETE FROM story_entities WHERE story=?", [(s,) for s in story_ids])
            self.db.executemany("DELETE FROM storylines WHERE id=?", [(s,) for s in storyline_ids])

    # -- browsing and search (what the web pages read) --------------------------------------------------------------
    def find_stories(self, where: StoryFilter, limit: int = 20, offset: int = 0) -> tuple[list[str], int]:
        """Ids of one page of the stories matching every given filter, in order, and how many match in all.

        Pages read what they show with :meth:`story_heads` and :meth:`story_data` (reading whole records of large
        stories costs more than the query).
        """
        clauses, params = where.sql()
        if clauses is None:
            return [], 0
        cond = " AND ".join(clauses) or "1"
        total = int(self.db.execute(f"SELECT COUNT(*) FROM stories s WHERE {cond}", params).fetchone()[0])
        # ids first (the sort then moves no story records; NULL dates sort last when descending), records after
        if where.sort == "size":
            size = "(SELECT COUNT(*) FROM articles a WHERE a.story = s.id)"  # faster than a join on a GROUP BY
            sql = (f"SELECT s.id FROM stories s WHERE {cond}"
                   f" ORDER BY {size} DESC, s.last_date DESC, s.id LIMIT ? OFFSET ?")
        else:
            sql = (f"SELECT s.id FROM stories s WHERE {cond}"
                   " ORDER BY s.last_date DESC, s.first_date DESC, s.id LIMIT ? OFFSET ?")
        return [r[0] for r in self.db.execute(sql, [*params, limit, offset])], total

    def search_articles(self, text: str, limit: int = 20, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Articles whose title or text match the words of ``text``, best first, with a snippet; and the count.

        In the snippet the matched words sit between ``SNIPPET_MARKS`` (to be escaped, then marked up).
        """
        match = fts_query(text)
        if match is None:
            return [], 0
        count = "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?"
        total = int(self.db.execute(count, (match,)).fetchone()[0])
        rows = self.db.execute(
            "SELECT a.id, a.story, a.title, a.outlet, a.published, a.url, snippet(articles_fts, -1, ?, ?, '…', ?)"
            " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (*SNIPPET_MARKS, SNIPPET_TOKENS, match, limit, offset),
        ).fetchall()
        keys = ("id", "story", "title", "outlet", "published", "url", "snippet")
        return [dict(zip(keys, row, strict=True)) for row in rows], total

    def article_meta(self, ids: Iterable[str] = (), stories: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Metadata of the given articles and of every article of the given stories, in ingest order.

        Each row: id, story, seq (ingest order: larger is stored later), outlet, published, duplicate_of, title, url.
        """
        sql = ("SELECT id, story, seq, outlet, published, duplicate_of, title, url FROM articles"
               " WHERE {col} IN ({{marks}})")
        rows = self._rows_in(sql.format(col="id"), [], ids) + self._rows_in(sql.format(col="story"), [], stories)
        keys = ("id", "story", "seq", "outlet", "published", "duplicate_of", "title", "url")
        unique = {row[0]: dict(zip(keys, row, strict=True)) for row in rows}
        return sorted(unique.values(), key=lambda r: r["seq"])

    def story_heads(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Id, title, dates, storyline, number of articles and first brief sentence (``lead``) of the given stories,
        without reading their records."""
        rows = self._rows_in(
            "SELECT id, title, first_date, last_date, storyline, json_array_length(data, '$.articles'),"
            " json_extract(data, '$.summary[0].text') FROM stories WHERE id IN ({marks})", [], ids)
        keys = ("id", "title", "first_date", "last_date", "storyline", "articles", "lead")
        return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}

    def story_data(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored stories by id in their JSON form (the fields of stories.json), without building records."""
        rows = self._rows_in("SELECT id, data FROM stories WHERE id IN ({marks})", [], ids)
        return {sid: json.loads(data) for sid, data in rows}

    def entities_of_stories(self, ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """The entities each story names (id, name, type, mentions), most mentioned first."""
        out: dict[str, list[dict[str, Any]]] = {}
        sql = "SELECT story, entity, name, type, mentions FROM story_entities WHERE story IN ({marks})"
        for story, eid, name, kind, mentions in self._rows_in(sql, [], ids):
            out.setdefault(story, []).append({"id": eid, "name": name, "type": kind, "mentions": mentions or 0})
        for ents in out.values():
            ents.sort(key=lambda e: (-e["mentions"], e["name"] or ""))
        return out

    def entity_stories(self, entity_id: str) -> list[dict[str, Any]]:
        """The stories naming an entity: story id, the name and type it has there, its mentions; oldest first."""
        rows = self.db.execute(
            "SELECT e.story, e.name, e.type, e.mentions, s.first_date, s.last_date, s.title FROM story_entities e"
            " JOIN stories s ON s.id = e.story WHERE e.entity=? ORDER BY s.first_date, s.id", (entity_id,)
        ).fetchall()
        keys = ("story", "name", "type", "mentions", "first_date", "last_date", "title")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def outlets(self) -> list[tuple[str, int]]:
        """Every outlet with its number of stored articles, most articles first."""
        rows = self.db.execute("SELECT outlet, COUNT(*) FROM articles WHERE outlet IS NOT NULL GROUP BY outlet"
                               " ORDER BY 2 DESC, 1")
        return [(o, int(n)) for o, n in rows]

    def storyline_titles(self) -> list[tuple[str, str]]:
        """(id, title) of every storyline, by title."""
        rows = self.db.execute("SELECT id, COALESCE(json_extract(data, '$.title'), id) FROM storylines ORDER BY 2, 1")
        return [(i, t) for i, t in rows]

    def get_storyline(self, storyline_id: str) -> Storyline:
        """One storyline by id; raises NotFoundError."""
        found = self.get_storylines([storyline_id])
        if storyline_id not in found:
            raise NotFoundError(f"no storyline with id {storyline_id!r}")
        return found[storyline_id]

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
