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

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from .errors import NotFoundError, StoreError
from .model import Article, Rejected, Span, Story, Storyline

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

    ``path`` is a file (created if missing) or ``":memory:"`` for tests; ``busy_timeout`` is how long (seconds) a
    write waits for another process's before retrying. A file that is not a storyline store is refused
    (StoreError) before anything is written to it.
    """

    def __init__(self, path: str | Path = "storyline.db", busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = str(path)
        self.busy_timeout = busy_timeout
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        try:
            self._refuse_foreign()  # reads only: nothing is written to a file that is not ours
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
