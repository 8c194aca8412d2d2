"""Page addresses: one normal form per article (courlan), and the canonical link a page declares.

Example:
    >>> normal_url("HTTP://News.Example.com:80/a/story?utm_source=feed&id=7#comments")
    'http://news.example.com/a/story?id=7'
    >>> canonical_link(b'<html><head><link rel="canonical" href="/a/story"></head></html>', "http://n.example/amp/a/story")
    'http://n.example/a/story'
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

import courlan
import lxml.html
from lxml import etree

# The <head> of a page is in its first bytes; the canonical link is looked for there only (a page is parsed
# whole by the HTML reader later).
HEAD_BYTES = 65_536
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


def normal_url(url: str) -> str:
    """The URL in normal form: lower-case scheme and host, default port and fragment dropped, tracking
    parameters (utm_*, fbclid, ...) removed by courlan, the other parameters sorted."""
    url = url.strip()
    try:
        normal = courlan.normalize_url(url)
    except ValueError:  # courlan refuses some odd query strings: keep the URL as given, without its fragment
        normal = url
    return urldefrag(normal)[0]


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_key(url: str) -> str:
    """Scheme, host and port of a URL: what robots.txt and the per-host limits apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def canonical_link(html: bytes, url: str) -> str | None:
    """The page's ``<link rel="canonical">`` as an absolute normal URL, or None when it declares none."""
    head = html[:HEAD_BYTES]
    end = _HEAD_END.search(head)
    if end:
        head = head[: end.end()]
    if b"canonical" not in head.lower():
        return None
    try:
        root = lxml.html.fromstring(head)
    except (ValueError, etree.LxmlError):
        return None
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            target = urljoin(url, href)
            return normal_url(target) if is_web_url(target) else None
    return None
