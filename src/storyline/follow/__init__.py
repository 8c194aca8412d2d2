"""Follow live sources: poll RSS/Atom feeds and news sitemaps, fetch new pages politely, stream them into stories.

A shell beside :mod:`storyline.ingest`, like the CLI: it fetches, then hands each page to
:func:`storyline.pipeline.ingest_pages` and the run to :func:`storyline.pipeline.analyse`, the same functions
a batch ingest uses. What it learns (sources, their validators and failures, every page URL and its state,
page versions) is kept in the store.

=================  ===========================================================================
:mod:`.sources`     SOURCES.toml -> :class:`SourceSpec`
:mod:`.listings`    feed and sitemap entries (feedparser, lxml)
:mod:`.urls`        URL normal form and canonical links (courlan)
:mod:`.robots`      robots.txt per host, cached (urllib.robotparser)
:mod:`.fetch`       polite GETs: limits, delays, back-off, size cap, redirects (httpx)
:mod:`.follower`    the rounds: poll, fetch, store, analyse
:mod:`.versions`    what changed between two versions of a page
=================  ===========================================================================
"""

from __future__ import annotations

from .fetch import Fetched, Fetcher
from .follower import Follower, RoundReport
from .listings import Entry
from .sources import SourceSpec, guess_kind, load_sources, parse_sources
from .urls import is_web_url, normal_url
from .versions import Change, changes

__all__ = [
    "Change",
    "Entry",
    "Fetched",
    "Fetcher",
    "Follower",
    "RoundReport",
    "SourceSpec",
    "changes",
    "guess_kind",
    "is_web_url",
    "load_sources",
    "normal_url",
    "parse_sources",
]
