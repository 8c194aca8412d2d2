"""Per-article facts: what a stage read once of each article (its record and its parse), kept for its stories.

A story's timeline or claims are merged from its articles' facts, so a run reads and parses only the articles
whose facts are missing. The store's triggers (migration ``010_article_facts``) drop an article's facts when its
stored record changes or its parse is stored again, so kept facts always describe the article as it stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .base import StoreBase


class FactRecords(StoreBase):
    """Per-article facts of a stage: JSON text by article id."""

    def get_facts(self, stage: str, ids: Iterable[str]) -> dict[str, str]:
        """The kept facts of these articles for ``stage`` (articles without are left out)."""
        return dict(self._rows_in(
            "SELECT article_id, value FROM article_facts WHERE stage=? AND article_id IN ({marks})", [stage], ids
        ))

    def put_facts(self, stage: str, facts: Mapping[str, str]) -> None:
        """Keep facts of articles for ``stage`` (ids of articles no longer stored are skipped)."""
        if not facts:
            return
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO article_facts SELECT id, ?, ? FROM articles WHERE id=?",
                [(stage, value, aid) for aid, value in facts.items()],
            )
