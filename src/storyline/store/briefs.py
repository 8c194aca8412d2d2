"""What a stream run's brief reads and writes of a story: its outline, its articles' headlines, its brief.

A story record holds its timeline, entities, quotes and figures (about a megabyte of JSON for a story of hundreds of
articles); the brief of a few touched stories needs none of that. So the brief stage of a stream run reads each
story's outline (:meth:`BriefRecords.story_outlines`), titles a story from its articles' headline fields
(:meth:`BriefRecords.article_headlines`) and writes back only the brief's own fields
(:meth:`BriefRecords.put_briefs`: SQLite sets them inside the stored JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..model import Article, Paragraph, Story, Storyline
from .base import StoreBase, _dumps


class BriefRecords(StoreBase):
    """The brief's reads and writes of stories (see the module docstring)."""

    def story_outlines(self, ids: Iterable[str]) -> dict[str, Story]:
        """Stored stories by id with only their id, title, articles, first date and storyline (the other fields
        empty: a story's outline, never to be written back whole); unknown ids are left out."""
        rows = self._rows_in("SELECT id, title, json_extract(data, '$.articles'), first_date, storyline FROM stories"
                             " WHERE id IN ({marks})", [], ids)
        return {sid: Story(id=sid, title=title or "", articles=json.loads(arts or "[]"), first_date=first,
                           storyline=line) for sid, title, arts, first, line in rows}

    def article_headlines(self, ids: Iterable[str]) -> list[Article]:
        """The stored articles of these ids with only what a story's title is chosen from: id, title, url, outlet,
        published, duplicate_of and the first paragraph (ids not stored are left out; not in the given order)."""
        rows = self._rows_in("SELECT id, title, url, outlet, published, duplicate_of,"
                             " json_extract(data, '$.paragraphs[0]') FROM articles WHERE id IN ({marks})", [], ids)
        return [Article(id=aid, title=title or "", url=url, outlet=outlet, published=published, duplicate_of=dup,
                        paragraphs=[Paragraph.from_dict(json.loads(first))] if first else [])
                for aid, title, url, outlet, published, dup, first in rows]

    def put_briefs(self, stories: Sequence[Story], storylines: Sequence[Storyline] = ()) -> None:
        """Write the brief's fields of stored stories (title and summary) and storylines (summary), in one
        transaction; the rest of each record stays as stored."""
        with self.transaction():
            self.db.executemany(
                "UPDATE stories SET title=?, data=json_set(data, '$.title', ?, '$.summary', json(?)) WHERE id=?",
                [(s.title, s.title, _dumps([c.to_dict() for c in s.summary]), s.id) for s in stories])
            self.db.executemany(
                "UPDATE storylines SET data=json_set(data, '$.summary', json(?)) WHERE id=?",
                [(_dumps([c.to_dict() for c in line.summary]), line.id) for line in storylines])
