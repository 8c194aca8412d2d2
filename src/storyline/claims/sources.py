"""Independent sources: how the claims stage counts who reports a figure, a date or an outcome.

A source is an outlet: two articles of one outlet (a story and its update) are one source, and a copy, reprint or
version (``duplicate_of`` set) is the source of the article it copies, as the reports count "N articles from M
independent sources" (:func:`storyline.report.independent_sources`).

Example:
    >>> from storyline.model import Article
    >>> source_of([Article(id="a", outlet="Wire"), Article(id="b", outlet="Herald", duplicate_of="a"),
    ...            Article(id="c", outlet="Wire"), Article(id="d")])
    {'a': 'Wire', 'b': 'Wire', 'c': 'Wire', 'd': 'd'}
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Article


def source_of(articles: Sequence[Article]) -> dict[str, str]:
    """The independent source of each article by id: the outlet of the article it copies (itself when it copies
    none), or that article's id when the outlet is unknown."""
    by_id = {a.id: a for a in articles}
    out = {}
    for art in articles:
        root_id = art.duplicate_of or art.id
        root = by_id.get(root_id)
        out[art.id] = (root.outlet if root is not None else None) or root_id
    return out
