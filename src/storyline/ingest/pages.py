"""Fetched web pages (what the follower hands over) read with the same HTML reader as a file.

A :class:`Page` is the bytes a server sent, the URL they came from and what the feed or sitemap that listed
them says of them; :func:`read_page` makes it an article the way an ``.html`` file is read, the feed's title,
byline and date filling what the page itself lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..model import Rejected, Source
from .article import finish_article
from .decode import decode_bytes
from .records import Read

__all__ = ["Page", "read_page"]


@dataclass
class Page:
    """A fetched web page: its bytes, where it is, and what the feed or sitemap that listed it says of it."""

    html: bytes
    url: str
    charset: str | None = None  # the charset the server declared (the page's own and the bytes are checked too)
    title: str | None = None  # feed metadata: each fills what the page itself lacks
    published: str | None = None
    byline: str | None = None
    guid: str | None = None
    updates: str | None = None  # the id of the article an earlier version of this page was stored as


def read_page(page: Page, seconds: float = 0.0) -> Read | Rejected:
    """The article of one fetched page, or why it has none; ``seconds`` (``ingest.extract_seconds``, 0: none)
    bounds its extraction, in whichever thread the follower reads it."""
    from .html import article_from_html  # trafilatura loads only when a page comes

    try:
        text = decode_bytes(page.html, declared=page.charset, path=page.url, repair=False)
        art = article_from_html(text, url=page.url, fallback_date=page.published, path=page.url, seconds=seconds)
    except InputError as exc:
        return Rejected(page.url, "ingest", exc.problem)
    art.title = art.title or page.title or ""
    art.byline = art.byline or page.byline
    art.source = Source(page.url, "html", record=page.guid)
    art.updates = page.updates
    return Read(finish_article(art), text, page.url, "html")
