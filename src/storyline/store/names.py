"""The corpus's name counts: how often each written name is typed each way, kept as the mentions are written.

Entity merging asks the whole corpus two things about the names of a story (:mod:`storyline.extract.merge`):
how the model typed each name across every article, and which full person names a bare surname may stand for.
Reading every article's mentions for that costs seconds on a large store; the table ``mention_names`` holds,
per article, each (written form, label) with its count and the position of its first mention, written in the
transaction that writes the article and only when its mentions changed (a digest of them sits beside the
article). Summing those rows per query still grows with the store (a common name has rows in thousands of
articles), so ``name_totals`` keeps the running totals: per (form, label) the mentions over every article and
the corpus position of the first, updated by the same write from the article's old and new rows. A stage then
asks only for the names it needs, with answers in the order a scan of the articles in ingest order would meet
them (ties in the counts are broken by that order).

Both tables are kept by Python, not by triggers: every write of them goes through this module, by
:func:`write_names` (called by ``Store.add_articles`` and ``Store.update_articles``, the only writers of an
article's record; articles are never replaced or deleted) and by the two migrations' backfills. Triggers on
``mention_names`` would not make the tables self-maintaining: an article written by a version older than them
(which knows no ``mention_names``) would still leave its rows stale, and the rows are made in Python
(:func:`~storyline.text.words.person_key`), which a trigger on ``articles`` could call only as a function
that each connection registers.

Example:
    >>> from storyline.model import Article, Mention, Span
    >>> from storyline.store import Store
    >>> with Store(":memory:") as store:
    ...     _ = store.add_articles([Article(id="a", mentions=[Mention(Span(0, 5), "Tolva", "GPE")])])
    ...     store.mention_forms({"tolva"})
    [('Tolva', 'GPE', 1)]
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence

from ..model import Mention
from ..text.words import person_key
from .base import StoreBase

# A mention's place in the corpus scan is (article ingest order, index among its article's mentions), packed in
# one integer for SQL's MIN: no article has anywhere near a million mentions (a long report has a few hundred).
POSITION_SPAN = 1_000_000

# (form, label, count, first position, lowercased form, given name, surname)
NameRow = tuple[str, str, int, int, str, str | None, str | None]


def name_rows(mentions: Sequence[Mention]) -> list[NameRow]:
    """The rows of ``mention_names`` for one article's mentions: one per (form, label), in order of first mention.

    The (given name, surname) key is filled for forms of two words or more (those a full person name can be).
    """
    counts: dict[tuple[str, str], list[int]] = {}
    for pos, m in enumerate(mentions):
        seen = counts.setdefault((m.text, m.label), [0, pos])
        seen[0] += 1
    rows = []
    for (form, label), (n, pos) in counts.items():
        first, last = person_key(form) if len(form.split()) > 1 else (None, None)
        rows.append((form, label, n, pos, form.lower(), first, last))
    return rows


def _digest(rows: list[NameRow]) -> str:
    """A short digest of an article's name rows: unchanged mentions are not rewritten."""
    return hashlib.blake2b(repr(rows).encode("utf-8"), digest_size=12).hexdigest()


def write_names(db: sqlite3.Connection, article_id: str, mentions: Sequence[Mention]) -> None:
    """Replace an article's rows of ``mention_names`` when its mentions changed, and move the running totals of
    ``name_totals`` by the difference (inside the caller's transaction). Only the rows that changed are written:
    a merge retypes a few names of an article, it seldom rewrites them all.

    Every write of an article's record must call it (the tables have no triggers: see the module docstring)."""
    rows = name_rows(mentions)
    digest = _digest(rows)
    changed = db.execute("UPDATE articles SET names_digest=? WHERE id=? AND names_digest IS NOT ? RETURNING seq",
                         (digest, article_id, digest)).fetchone()
    if changed is None:
        return  # the same mentions as stored (or no such article)
    old = {(form, label): (n, pos, name) for form, label, n, pos, name in
           db.execute("SELECT form, label, n, pos, name FROM mention_names WHERE article=?", (article_id,))}
    now = [r for r in rows if old.get((r[0], r[1]), (None, None))[:2] != (r[2], r[3])]
    kept = {(r[0], r[1]) for r in rows}
    gone = [(form, label, n, name) for (form, label), (n, _, name) in old.items() if (form, label) not in kept]
    db.executemany("DELETE FROM mention_names WHERE article=? AND form=? AND label=?",
                   [(article_id, form, label) for form, label, _, _ in gone])
    db.executemany("INSERT OR REPLACE INTO mention_names VALUES (?,?,?,?,?,?,?,?)", [(article_id, *r) for r in now])
    _move_totals(db, changed[0], {k: v[0] for k, v in old.items()}, now, gone)


def _move_totals(db: sqlite3.Connection, seq: int, before: dict[tuple[str, str], int], now: list[NameRow],
                 gone: list[tuple[str, str, int, str]]) -> None:
    """Move ``name_totals`` by an article's changed rows: ``now``, its new or changed rows (``before``: the
    mentions each (form, label) had in it), and ``gone``, the (form, label, n, name) it no longer has.

    A total's first position lies in the earliest article holding the form: when that is this article, the new
    first is this article's new position, or, when the form left it, the first of the other articles (read
    again from ``mention_names``, which already holds the new rows)."""
    low, high = seq * POSITION_SPAN, (seq + 1) * POSITION_SPAN
    db.executemany(
        "INSERT INTO name_totals VALUES (?,?,?,?,?,?) ON CONFLICT (form, label) DO UPDATE SET n = n + excluded.n,"
        " first = CASE WHEN first >= ? AND first < ? THEN excluded.first ELSE MIN(first, excluded.first) END",
        [(form, label, n - before.get((form, label), 0), low + pos, name, last, low, high)
         for form, label, n, pos, name, _, last in now],
    )
    db.executemany("UPDATE name_totals SET n = n - ? WHERE form=? AND label=?", [(n, f, lab) for f, lab, n, _ in gone])
    db.executemany("DELETE FROM name_totals WHERE form=? AND label=? AND n <= 0", [(f, lab) for f, lab, _, _ in gone])
    db.executemany(
        "UPDATE name_totals SET first = (SELECT MIN(a.seq * ? + m.pos) FROM mention_names m"
        " JOIN articles a ON a.id = m.article WHERE m.name=? AND m.form=? AND m.label=?)"
        " WHERE form=? AND label=? AND first >= ? AND first < ?",
        [(POSITION_SPAN, name, f, lab, f, lab, low, high) for f, lab, _, name in gone],
    )


def backfill_totals(db: sqlite3.Connection) -> None:
    """Fill ``name_totals`` from ``mention_names`` (the migration that adds the table)."""
    db.execute(
        "INSERT INTO name_totals SELECT m.form, m.label, SUM(m.n), MIN(a.seq * ? + m.pos), MIN(m.name),"
        " MIN(m.surname) FROM mention_names m JOIN articles a ON a.id = m.article GROUP BY m.form, m.label",
        (POSITION_SPAN,),
    )


def backfill_names(db: sqlite3.Connection) -> None:
    """Fill ``mention_names`` from the mentions of every stored article (the migration that adds the table)."""
    import json  # noqa: PLC0415 - only the one-time migration parses stored mentions

    cur = db.execute("SELECT id, json_extract(data, '$.mentions') FROM articles")
    for aid, mentions in cur.fetchall():
        rows = name_rows([Mention.from_dict(m) for m in json.loads(mentions or "[]")])
        db.execute("UPDATE articles SET names_digest=? WHERE id=?", (_digest(rows), aid))
        db.executemany("INSERT INTO mention_names VALUES (?,?,?,?,?,?,?,?)", [(aid, *r) for r in rows])


class NameReads(StoreBase):
    """The name counts of the whole corpus, for the names a stage asks about (mixed into the Store)."""

    def _forms(self, column: str, values: Iterable[str] | None) -> list[tuple[str, str, int]]:
        select = "SELECT form, label, n, first FROM name_totals"
        if values is None:
            rows = self.db.execute(select).fetchall()
        else:
            rows = self._rows_in(select + f" WHERE {column} IN ({{marks}})", [], values)
        rows.sort(key=lambda r: r[3])
        return [(form, label, int(n)) for form, label, n, _ in rows]

    def mention_forms(self, names: Iterable[str] | None = None) -> list[tuple[str, str, int]]:
        """(written form, label, mentions) over every stored article, for the forms whose lowercased text is one
        of ``names`` (all: None), in the order a scan of the articles in ingest order first meets each."""
        return self._forms("name", names)

    def person_forms(self, surnames: Iterable[str]) -> list[tuple[str, str, int]]:
        """Like :meth:`mention_forms`, for the forms of two words or more whose surname key
        (:func:`storyline.text.words.person_key`) is one of ``surnames``."""
        return self._forms("surname", surnames)
