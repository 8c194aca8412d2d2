"""Polite fetching with httpx: timeouts, a size cap, a redirect limit, robots.txt, per-host limits and delays.

:class:`Fetcher` makes one GET at a time per call and never raises for what the network or a server does:
every outcome is a :class:`Fetched` whose ``kind`` says what happened. Politeness is kept per host (scheme,
host and port): at most ``per_host`` requests at once, ``host_delay`` seconds (or the robots.txt Crawl-delay)
between the starts of two requests, and nothing while a 429/503's Retry-After runs. Redirects are followed
by hand, so each hop is checked against robots.txt and the limits, and a loop is caught.

Example:
    >>> import httpx
    >>> from storyline.config import Settings
    >>> ok = httpx.MockTransport(lambda request: httpx.Response(200, text="<p>Hello</p>"))
    >>> fetcher = Fetcher(Settings.load().replace(follow={"host_delay": 0.0}).follow, transport=ok)
    >>> got = fetcher.fetch("http://n.example/a")
    >>> got.kind, got.body
    ('ok', b'<p>Hello</p>')
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin

import httpx

from .. import __version__
from ..config import FollowSettings
from .robots import RobotsCache
from .urls import host_key, is_web_url

FetchKind = Literal["ok", "not_modified", "forbidden", "too_large", "http_error", "network", "redirects", "deferred"]

# Statuses worth another try later: the server is busy, overloaded or briefly broken (RFC 9110).
TRANSIENT_STATUSES = frozenset((408, 425, 429, 500, 502, 503, 504))
# Statuses whose Retry-After holds the whole host back, not only this URL.
BACK_OFF_STATUSES = frozenset((429, 503))
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
NOT_MODIFIED = 304
FIRST_ERROR = 400
# A robots.txt larger than this is cut here (RFC 9309 asks crawlers to read at least 500 KiB).
ROBOTS_MAX_BYTES = 512_000
# The product token robots.txt groups are matched against.
AGENT_TOKEN = "storyline"


@dataclass
class Fetched:
    """What one fetch gave: the body and validators of a 200, or why there is none."""

    url: str
    kind: FetchKind
    status: int = 0  # the last HTTP status (0: no response)
    final_url: str = ""  # the URL after redirects
    body: bytes = b""
    charset: str | None = None  # the charset the Content-Type header declared
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds the server asked to wait (429, 503), or how long a host is held back
    error: str = ""

    @property
    def transient(self) -> bool:
        """True when trying again later may succeed (no answer, a busy or broken server, a held-back host)."""
        return self.kind in ("network", "deferred") or (self.kind == "http_error" and self.status in TRANSIENT_STATUSES)


class _Host:
    """Politeness state of one host: a limit on requests at once, the next start time, a back-off."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.slots = threading.BoundedSemaphore(per_host)
        self.lock = threading.Lock()
        self.delay = delay
        self.next_start = 0.0
        self.blocked_until = 0.0
        self.delay_checked = False  # the robots.txt Crawl-delay was looked at

    def reserve(self, now: float) -> float:
        """Reserve the next start time for a request; returns how long to wait for it."""
        with self.lock:
            start = max(now, self.next_start, self.blocked_until)
            self.next_start = start + self.delay
            return start - now

    def block(self, until: float) -> None:
        """Hold every request to this host back until ``until``."""
        with self.lock:
            self.blocked_until = max(self.blocked_until, until)


class Fetcher:
    """GET pages, feeds and sitemaps politely; thread-safe, one shared connection pool.

    ``transport`` replaces httpx's network transport (tests); ``clock`` and ``sleep`` are monotonic time.
    """

    def __init__(
        self,
        settings: FollowSettings,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings, self.clock, self.sleep = settings, clock, sleep
        self.user_agent = f"{AGENT_TOKEN}/{__version__} (+{settings.contact})"
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            limits=httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency),
            follow_redirects=False,  # by hand: robots.txt and the host limits apply to every hop
            headers={"User-Agent": self.user_agent},
            transport=transport,
        )
        self.robots = RobotsCache(self._get_robots, AGENT_TOKEN, ttl=settings.robots_ttl, retry=settings.backoff,
                                  clock=clock)
        self._hosts: dict[str, _Host] = {}
        self._guard = threading.Lock()
        self.requests = 0  # requests sent, robots.txt included

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def host(self, url: str) -> _Host:
        """The politeness state of the URL's host (created with the delay its robots.txt asks for)."""
        key = host_key(url)
        with self._guard:
            state = self._hosts.get(key)
            if state is None:
                state = self._hosts[key] = _Host(self.settings.per_host, self.settings.host_delay)
        return state

    def _obey_crawl_delay(self, url: str) -> None:
        """Raise the host's delay to its robots.txt Crawl-delay (once per host; at most ``retry_after_max``)."""
        state = self.host(url)
        if not state.delay_checked:
            asked = self.robots.crawl_delay(url)
            if asked is not None:
                state.delay = max(state.delay, min(asked, self.settings.retry_after_max))
            state.delay_checked = True

    def held_back(self, url: str) -> float:
        """Seconds this URL's host is still held back by a Retry-After (0 when it is not)."""
        return max(0.0, self.host(url).blocked_until - self.clock())

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET a URL (conditionally when validators are given), following at most ``max_redirects`` hops."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen, current = {url}, url
        for _ in range(self.settings.max_redirects + 1):
            if not is_web_url(current):
                return Fetched(url, "http_error", final_url=current, error=f"redirected to {current!r}, not a web URL")
            if not self.robots.allowed(current):
                why = f"robots.txt of {host_key(current)} forbids it"
                return Fetched(url, "forbidden", final_url=current, error=why)
            self._obey_crawl_delay(current)
            got = self._get(url, current, headers, self.settings.max_bytes)
            if isinstance(got, Fetched):
                return got
            if got in seen:
                return Fetched(url, "redirects", final_url=current, error=f"redirect loop back to {got}")
            seen.add(got)
            current = got
        return Fetched(url, "redirects", final_url=current,
                       error=f"more than {self.settings.max_redirects} redirects (follow.max_redirects)")

    def _get_robots(self, robots_url: str) -> tuple[int, str]:
        """(status, text) of a robots.txt, following redirects; status 0 when there was no answer."""
        current = robots_url
        for _ in range(self.settings.max_redirects + 1):
            got = self._get(robots_url, current, {}, ROBOTS_MAX_BYTES, truncate=True)
            if isinstance(got, Fetched):
                if got.kind == "ok":
                    return got.status, got.body.decode("utf-8", "replace")
                return (got.status if got.kind == "http_error" else 0), ""
            current = got
        return 0, ""

    def _get(self, url: str, current: str, headers: dict[str, str], cap: int, truncate: bool = False) -> Fetched | str:
        """One polite GET of ``current``: a Fetched, or the next URL of a redirect."""
        host = self.host(current)
        wait = host.blocked_until - self.clock()
        if wait > 0:
            return Fetched(url, "deferred", final_url=current, retry_after=wait,
                           error=f"{host_key(current)} asked to wait {wait:.0f} s more (Retry-After)")
        with host.slots:
            self.sleep(host.reserve(self.clock()))
            self.requests += 1
            try:
                return self._read(url, current, headers, cap, truncate)
            except httpx.TimeoutException:
                return Fetched(url, "network", final_url=current, error="timed out")
            except httpx.HTTPError as exc:
                return Fetched(url, "network", final_url=current, error=f"{type(exc).__name__}: {exc}")

    def _read(self, url: str, current: str, headers: dict[str, str], cap: int, truncate: bool) -> Fetched | str:
        """Send the request and read the response within the size cap and the total time limit."""
        started = self.clock()
        with self.client.stream("GET", current, headers=headers) as resp:
            status = resp.status_code
            if status in REDIRECT_STATUSES and resp.headers.get("location"):
                return urljoin(current, resp.headers["location"])
            found = Fetched(url, "ok", status=status, final_url=current, charset=resp.charset_encoding,
                            etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))
            if status == NOT_MODIFIED:
                found.kind = "not_modified"
                return found
            if status >= FIRST_ERROR:
                found.kind, found.error = "http_error", f"HTTP {status} {resp.reason_phrase}".strip()
                if status in BACK_OFF_STATUSES:
                    found.retry_after = self._retry_after(resp.headers.get("retry-after"))
                    if found.retry_after is not None:
                        self.host(current).block(self.clock() + found.retry_after)
                return found
            length = resp.headers.get("content-length", "")
            if length.isdigit() and int(length) > cap and not truncate:
                return self._too_large(found, cap, f"declares {int(length):,} bytes,")
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > cap:
                    if truncate:
                        break
                    return self._too_large(found, cap, "is")
                if self.clock() - started > self.settings.total_timeout:
                    found.kind = "network"
                    found.error = f"took longer than {self.settings.total_timeout:g} s (follow.total_timeout)"
                    return found
            found.body = bytes(body[:cap])
            return found

    @staticmethod
    def _too_large(found: Fetched, cap: int, what: str) -> Fetched:
        found.kind = "too_large"
        found.error = f"response {what} above the limit of {cap:,} bytes (follow.max_bytes)"
        return found

    def _retry_after(self, value: str | None) -> float | None:
        """Seconds of a Retry-After header (a number or an HTTP date), at most ``retry_after_max``."""
        if not value:
            return None
        value = value.strip()
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError, IndexError):
                return None
        return min(max(seconds, 0.0), self.settings.retry_after_max)
