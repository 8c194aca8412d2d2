"""robots.txt, read once per host and cached (standard library ``urllib.robotparser``), as RFC 9309 asks.

A robots.txt that answers 2xx is obeyed; 4xx means no rules (everything allowed); a server error or no answer
means everything is forbidden until it is asked again (RFC 9309 section 2.3.1.4), after ``retry`` seconds
instead of the whole ``ttl``.

Example:
    >>> cache = RobotsCache(lambda url: (200, "User-agent: *\\nDisallow: /private/"), agent="storyline")
    >>> cache.allowed("http://n.example/private/a"), cache.allowed("http://n.example/news/a")
    (False, True)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.robotparser import RobotFileParser

from .urls import host_key

# A robots.txt status at or above this is a server error: nothing may be fetched until it is asked again.
SERVER_ERROR = 500
CLIENT_ERROR = 400
SUCCESS = 200

# (status, body) of GET host/robots.txt; status 0 when there was no answer.
RobotsGetter = Callable[[str], tuple[int, str]]


class RobotsCache:
    """The robots.txt rules of every host, fetched on first use through ``get`` and kept ``ttl`` seconds."""

    def __init__(self, get: RobotsGetter, agent: str, ttl: float = 86_400.0, retry: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.get, self.agent, self.ttl, self.retry, self.clock = get, agent, ttl, retry, clock
        self._rules: dict[str, tuple[RobotFileParser, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def rules(self, url: str) -> RobotFileParser:
        """The parsed robots.txt of the URL's host (fetched when not cached or expired)."""
        host = host_key(url)
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:  # one fetch per host, however many threads ask at once
            cached = self._rules.get(host)
            if cached is not None and cached[1] > self.clock():
                return cached[0]
            status, text = self.get(host + "/robots.txt")
            parser = RobotFileParser(host + "/robots.txt")
            keep = self.ttl
            if SUCCESS <= status < CLIENT_ERROR:
                parser.parse(text.splitlines())
            elif CLIENT_ERROR <= status < SERVER_ERROR:
                parser.parse([])  # no rules: everything allowed
            else:
                parser.parse(["User-agent: *", "Disallow: /"])
                keep = self.retry
            self._rules[host] = (parser, self.clock() + keep)
            return parser

    def allowed(self, url: str) -> bool:
        """True when the host's robots.txt lets this agent fetch the URL."""
        return self.rules(url).can_fetch(self.agent, url)

    def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay the host asks of this agent, in seconds, or None."""
        delay = self.rules(url).crawl_delay(self.agent)
        return float(delay) if delay is not None else None
