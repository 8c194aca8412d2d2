"""The store's schema: named migrations, applied in order and recorded in ``_migrations``.

Ordered and append-only: never edit or reorder a migration that has shipped; add a new one.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Mapping
from typing import Any

from .names import backfill_names, backfill_totals

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


# The progress row of an article every analysis stage has completed.
COMPLETE = "*"


# Ordered, append-only: never edit or reorder a migration that has shipped; add a new one.
def _m007_name_counts(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        ALTER TABLE articles ADD COLUMN names_digest TEXT;  -- digest of the article's rows in mention_names
        CREATE TABLE mention_names (          -- per article: each written name and label of its mentions
            article TEXT NOT NULL REFERENCES articles(id),
            form TEXT NOT NULL, label TEXT NOT NULL,
            n INTEGER NOT NULL,                -- mentions of this form with this label in the article
            pos INTEGER NOT NULL,              -- index of the first of them among the article's mentions
            name TEXT NOT NULL,                -- the form lowercased
            first TEXT, surname TEXT,          -- person_key of a form of two words or more
            PRIMARY KEY (article, form, label)
        );
        CREATE INDEX mention_names_name ON mention_names(name);
        CREATE INDEX mention_names_surname ON mention_names(surname) WHERE surname IS NOT NULL;
        """,
    )
    backfill_names(db)


def _m008_name_totals(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE name_totals (            -- running totals of mention_names over every article
            form TEXT NOT NULL, label TEXT NOT NULL,
            n INTEGER NOT NULL,                -- mentions of this form with this label in the corpus
            first INTEGER NOT NULL,            -- the first of them: articles.seq * POSITION_SPAN + pos
            name TEXT NOT NULL,                -- the form lowercased
            surname TEXT,                      -- person_key surname of a form of two words or more
            PRIMARY KEY (form, label)
        ) WITHOUT ROWID;
        CREATE INDEX name_totals_name ON name_totals(name);
        CREATE INDEX name_totals_surname ON name_totals(surname) WHERE surname IS NOT NULL;
        DROP INDEX mention_names_surname;      -- surnames are now asked of the totals
        """,
    )
    backfill_totals(db)


def _m009_band_postings(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE band_postings (           -- a stage's LSH band keys of small signatures (dedupe's passages)
            stage TEXT NOT NULL, band INTEGER NOT NULL,
            key INTEGER NOT NULL,              -- the band's 64-bit key, as a signed integer
            item TEXT NOT NULL, unit INTEGER NOT NULL,   -- the article and which of its signatures
            PRIMARY KEY (stage, band, key, item, unit)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS articles_seq ON articles(seq);   -- the articles ingested after a given one
        """,
    )


# What removes an article's facts (each trigger one statement: :func:`_run_script` splits on semicolons): facts are
# read from the article's stored record and its parse, so they go when either changes or goes.
_FACT_TRIGGERS = (
    ("article_facts_data", "AFTER UPDATE OF data ON articles WHEN OLD.data IS NOT NEW.data", "NEW.id"),
    ("article_facts_gone", "AFTER DELETE ON articles", "OLD.id"),
    ("article_facts_doc", "AFTER INSERT ON docs", "NEW.article_id"),
    ("article_facts_doc_changed", "AFTER UPDATE ON docs", "NEW.article_id"),
    ("article_facts_doc_gone", "AFTER DELETE ON docs", "OLD.article_id"),
)


def _m010_article_facts(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE article_facts (          -- per article and stage: what the stage read of it once (JSON)
            article_id TEXT NOT NULL, stage TEXT NOT NULL,
            code TEXT NOT NULL,                -- digest of the code that read them: other code's facts are not read
            value TEXT NOT NULL,
            PRIMARY KEY (article_id, stage)
        ) WITHOUT ROWID;
        """,
    )
    for name, when, key in _FACT_TRIGGERS:
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN DELETE FROM article_facts WHERE article_id = {key}; END")


MIGRATIONS: tuple[Migration, ...] = (
    ("001_initial", _m001_initial),
    ("002_counts_and_postings", _m002_counts_and_postings),
    ("003_search", _m003_search),
    ("004_sources", _m004_sources),
    ("005_identity", _m005_identity),
    ("006_progress", _m006_progress),
    ("007_name_counts", _m007_name_counts),
    ("008_name_totals", _m008_name_totals),
    ("009_band_postings", _m009_band_postings),
    ("010_article_facts", _m010_article_facts),
)


# The migration every storyline store has: a file with tables but without it is another program's.
FIRST_MIGRATION = "001_initial"
