"""The list of sources to follow: a SOURCES.toml file, read into :class:`SourceSpec` records.

Each ``[[source]]`` table names one feed (``feed = URL``) or sitemap (``sitemap = URL``), with an optional
``name`` and ``interval`` (seconds, or a string such as ``"10m"``, ``"2h"``); ``[defaults]`` may set the
interval of all of them.

Example:
    >>> specs = parse_sources('''
    ... [defaults]
    ... interval = "10m"
    ... [[source]]
    ... name = "Gazette"
    ... feed = "https://gazette.example/rss"
    ... [[source]]
    ... sitemap = "https://post.example/news-sitemap.xml"
    ... interval = 3600
    ... ''', default_interval=900)
    >>> [(s.kind, s.url, s.interval) for s in specs]
    [('feed', 'https://gazette.example/rss', 600.0), ('sitemap', 'https://post.example/news-sitemap.xml', 3600.0)]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError
from .urls import is_web_url

SourceKind = Literal["feed", "sitemap"]
KINDS: tuple[SourceKind, ...] = ("feed", "sitemap")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_KEYS = ("name", "interval", *KINDS)


@dataclass(frozen=True)
class SourceSpec:
    """One source to follow: a feed or a sitemap, how often to poll it, and a name to show."""

    url: str
    kind: SourceKind = "feed"
    interval: float = 900.0
    name: str | None = None


def parse_interval(value: Any, where: str) -> float:
    """Seconds from a number or a duration string ("90", "10m", "2h", "1d"); raises ConfigError."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match and float(match[1]) > 0:
        return float(match[1]) * _UNITS[match[2] or "s"]
    raise ConfigError(f"{where}: interval must be a positive number of seconds or a duration like '10m', got {value!r}")


def parse_sources(text: str, default_interval: float, path: str = "SOURCES.toml") -> list[SourceSpec]:
    """The sources of a SOURCES.toml text; raises ConfigError naming the bad table and key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    unknown = set(data) - {"defaults", "source"}
    if unknown:
        raise ConfigError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}; valid: [defaults], [[source]]")
    defaults = data.get("defaults", {})
    if "interval" in defaults:
        default_interval = parse_interval(defaults["interval"], f"{path} [defaults]")
    out = []
    for number, table in enumerate(data.get("source", []), start=1):
        where = f"{path} [[source]] #{number}"
        bad = set(table) - set(_KEYS)
        if bad:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(bad))}; valid: {', '.join(_KEYS)}")
        kinds = [k for k in KINDS if k in table]
        if len(kinds) != 1:
            raise ConfigError(f"{where}: give exactly one of feed = URL or sitemap = URL")
        url = str(table[kinds[0]]).strip()
        if not is_web_url(url):
            raise ConfigError(f"{where}: {url!r} is not an http(s) URL")
        interval = parse_interval(table["interval"], where) if "interval" in table else default_interval
        out.append(SourceSpec(url, kinds[0], interval, table.get("name")))
    return out


def load_sources(path: str | Path, default_interval: float) -> list[SourceSpec]:
    """The sources of a SOURCES.toml file; raises ConfigError when it cannot be read or is malformed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the sources file: {exc.strerror or exc}") from exc
    return parse_sources(text, default_interval, str(path))


def guess_kind(url: str) -> SourceKind:
    """"sitemap" for a URL that names a sitemap, else "feed"."""
    return "sitemap" if "sitemap" in url.lower() else "feed"
