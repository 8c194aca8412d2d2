"""RSS and Atom reader (feedparser): one article per entry, from its content or, failing that, its summary.

Example:
    >>> rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title><item>'
    ...        b'<title>Bridge vote</title><link>http://g.example/a</link>'
    ...        b'<description>The council voted on Tuesday.</description></item></channel></rss>')
    >>> [(art.title, art.outlet) for _, art, _ in read_feed(rss)]
    [('Bridge vote', 'Gazette')]
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import feedparser

from ..errors import EmptyInputError, UnsupportedFormatError
from ..model import Article, Rejected
from .article import drop_repeated_title, split_paragraphs
from .decode import fix_text
from .html import html_fragment_text
from .limits import safe_character_references


def is_feed(data: bytes) -> bool:
    """True when the bytes parse as an RSS or Atom feed."""
    return bool(feedparser.parse(data).get("version"))


def read_feed(data: bytes, path: str = "<feed>") -> Iterator[tuple[int, Article, str] | Rejected]:
    """Yield (entry number, article, entry HTML) per entry, or a Rejected per entry without text.

    Raises UnsupportedFormatError when the bytes are not a feed and EmptyInputError when it has no entries.
    """
    # Bytes, never a str: feedparser takes a str that looks like a path or URL as one to open or fetch.
    # References to impossible code points (&#xD800;) would make the XML parser drop every entry: U+FFFD instead.
    parsed = feedparser.parse(safe_character_references(bytes(data)))
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception") or "no <rss>, <feed> or <rdf:RDF> root"
        raise UnsupportedFormatError(path, f"not an RSS/Atom feed ({problem})")
    if not parsed.entries:
        raise EmptyInputError(path, "feed has no entries")
    outlet = fix_text(parsed.feed.get("title") or "") or None
    for number, entry in enumerate(parsed.entries, start=1):
        html = _entry_html(entry)
        title = fix_text(entry.get("title") or "")
        paragraphs = drop_repeated_title(
            split_paragraphs(html_fragment_text(html), lines_are_blocks="<" in html), title
        )
        if not paragraphs:
            yield Rejected(path, "ingest", f"feed entry {number} ({title or 'untitled'!r}) has no content or summary")
            continue
        article = Article(
            id="",
            title=title,
            paragraphs=paragraphs,
            url=entry.get("link") or None,
            outlet=outlet,
            byline=fix_text(entry.get("author") or "") or None,
            published=_entry_date(entry),
            metadata={"guid": entry["id"]} if entry.get("id") else {},
        )
        yield number, article, html


def _entry_html(entry: Any) -> str:
    """The fullest text an entry carries: its longest content block, else its summary."""
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    best = max(contents, key=len, default="")
    return best if len(best) >= len(entry.get("summary") or "") else entry.get("summary") or ""


def _entry_date(entry: Any) -> str | None:
    """The entry's published (else updated) date as ISO."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
    return None
