"""What a reader yields: one article as read, with the raw content it came from."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Article


@dataclass
class Read:
    """One article as read, with the raw content it came from (kept in the store)."""

    article: Article
    raw: str
    path: str
    format: str
