"""Clean: stage stub, filled in by its issue."""

from __future__ import annotations

from .config import Settings
from .model import Article


def clean_article(article: Article, settings: Settings) -> Article:
    """Return the article with boilerplate removed and off-topic paragraphs flagged (stub: unchanged)."""
    return article
