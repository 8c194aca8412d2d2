"""What the web pages read: stories by filter, full-text search, entity and outlet listings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..errors import NotFoundError
from ..model import Storyline
from .base import (
    SNIPPET_MARKS,
    SNIPPET_TOKENS,
    StoreBase,
    StoryFilter,
    fts_query,
)


class SearchReads(StoreBase):
    """What the web pages read: stories by filter, full-text search, entity and outlet listings."""

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
