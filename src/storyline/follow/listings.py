"""What a source lists: the entries of an RSS/Atom feed (feedparser) or of a sitemap (lxml), as :class:`Entry`.

News sitemaps (``<news:news>``) give a title and a publication date; a sitemap index lists child sitemaps,
which the follower reads in turn. An entry's ``updated`` mark (the feed's updated date, the sitemap's lastmod)
is what tells an update of a page already stored.

Example:
    >>> xml = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
    ...        b'<loc>http://n.example/a?utm_source=x</loc><lastmod>2024-03-01</lastmod></url></urlset>')
    >>> entries, children = read_sitemap(xml, "http://n.example/sitemap.xml")
    >>> entries[0].url, entries[0].updated, children
    ('http://n.example/a', '2024-03-01', [])
"""

from __future__ import annotations

import json
import time
import zlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree

from ..errors import InputError
from ..ingest.article import iso_date
from .urls import is_web_url, normal_url

# gzip's magic bytes: a sitemap.xml.gz (or a server that compressed without saying so).
GZIP_MAGIC = b"\x1f\x8b"
# zlib's window bits for "gzip header expected".
GZIP_WBITS = 16 + zlib.MAX_WBITS
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


@dataclass
class Entry:
    """One page a source lists, with what the source says of it (each fills what the page lacks)."""

    url: str
    updated: str | None = None
    title: str | None = None
    published: str | None = None
    byline: str | None = None
    guid: str | None = None

    def to_json(self) -> str:
        """The entry as JSON (kept in the store beside its URL)."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None, url: str) -> Entry:
        """The entry stored as JSON (an entry of its URL only when nothing was stored)."""
        if not text:
            return cls(url)
        data = json.loads(text)
        return cls(**{k: data.get(k) for k in ("url", "updated", "title", "published", "byline", "guid")})


def gunzip(data: bytes, cap: int) -> bytes:
    """Bytes un-gzipped when they are gzip, at most ``cap`` of them (a gzip bomb is cut); others as they are."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        out = zlib.decompressobj(GZIP_WBITS).decompress(data, cap + 1)
    except zlib.error as exc:
        raise InputError("<sitemap>", f"broken gzip: {exc}") from exc
    if len(out) > cap:
        raise InputError("<sitemap>", f"un-gzipped above the limit of {cap:,} bytes (follow.max_bytes)")
    return out


def read_feed(data: bytes, url: str) -> list[Entry]:
    """The entries of an RSS/Atom feed, links made absolute and normal; raises InputError when it is no feed."""
    parsed = feedparser.parse(bytes(data), response_headers={"content-location": url})
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception") or "no <rss>, <feed> or <rdf:RDF> root"
        raise InputError(url, f"not an RSS/Atom feed ({problem})")
    out: list[Entry] = []
    for entry in parsed.entries:
        link = _entry_link(entry, url)
        if link is None:
            continue
        out.append(Entry(
            url=link,
            # dict.get: feedparser's own get() maps a missing "updated" to "published" with a DeprecationWarning
            updated=dict.get(entry, "updated") or None,
            title=entry.get("title") or None,
            published=_entry_date(entry),
            byline=entry.get("author") or None,
            guid=entry.get("id") or None,
        ))
    return _unique(out)


def _entry_link(entry: Any, base: str) -> str | None:
    """The entry's page: its alternate link (else a guid that is a permalink), absolute and normal."""
    link = entry.get("link") or ""
    if not link and entry.get("guidislink"):
        link = entry.get("id") or ""
    link = urljoin(base, link.strip()) if link else ""
    return normal_url(link) if is_web_url(link) else None


def _entry_date(entry: Any) -> str | None:
    """The entry's publication date (else its update date) as ISO."""
    for key in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, key)
        if isinstance(value, time.struct_time):
            return datetime(*value[:6], tzinfo=UTC).date().isoformat()
    return None


def read_sitemap(data: bytes, url: str) -> tuple[list[Entry], list[str]]:
    """The pages of a sitemap and the child sitemaps of a sitemap index; raises InputError when it is neither."""
    try:
        root = etree.fromstring(bytes(data), _XML)
    except etree.XMLSyntaxError as exc:
        raise InputError(url, f"sitemap is not XML: {exc}") from exc
    if root is None:
        raise InputError(url, "sitemap is empty or not XML")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise InputError(url, f"not a sitemap: root element <{kind}>, expected <urlset> or <sitemapindex>")
    entries: list[Entry] = []
    children: list[str] = []
    for item in root:
        if not isinstance(item.tag, str):
            continue  # comments and processing instructions
        fields = _fields(item)
        loc = urljoin(url, fields.get("loc", "").strip())
        if not is_web_url(loc):
            continue
        if kind == "sitemapindex":
            children.append(loc)
            continue
        entries.append(Entry(
            url=normal_url(loc),
            updated=fields.get("lastmod") or None,
            title=fields.get("title") or None,
            published=iso_date(fields.get("publication_date")),
        ))
    return _unique(entries), list(dict.fromkeys(children))


def _fields(item: Any) -> dict[str, str]:
    """Local name -> text of an element's descendants (loc, lastmod, and news:title, news:publication_date)."""
    out: dict[str, str] = {}
    for el in item.iter():
        if isinstance(el.tag, str) and el is not item and el.text and el.text.strip():
            out.setdefault(etree.QName(el).localname, el.text.strip())
    return out


def _unique(entries: list[Entry]) -> list[Entry]:
    """Entries with one per URL (the first listed)."""
    seen: dict[str, Entry] = {}
    for e in entries:
        seen.setdefault(e.url, e)
    return list(seen.values())
