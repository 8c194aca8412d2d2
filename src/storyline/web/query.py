"""Query parameters shared by pages and API: the story filters, the page number, a highlighted span.

A bad value is a 400 whose message names the parameter and what it takes.

Example:
    >>> story_filter(q=" levy ", date_from="2025-09-01").q
    'levy'
    >>> parse_span("10-24")
    Span(start=10, end=24)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from urllib.parse import urlencode

from fastapi import HTTPException

from ..model import Span
from ..store import StoryFilter

# Stories on one page of the stories list; the API allows asking for up to MAX_PER_PAGE.
PER_PAGE = 20
MAX_PER_PAGE = 100
# The longest search a user can type (longer is a 400, not a slow query).
MAX_QUERY_CHARS = 500

Sort = Literal["recent", "size"]


def bad_request(message: str) -> HTTPException:
    """A 400 with its message."""
    return HTTPException(status_code=400, detail=message)


def _date(name: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise bad_request(f"{name}={value!r}: expected a date as YYYY-MM-DD") from None


def _text(name: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_QUERY_CHARS:
        raise bad_request(f"{name}: at most {MAX_QUERY_CHARS} characters")
    return value or None


def story_filter(
    q: str | None = None,
    entity: str | None = None,
    outlet: str | None = None,
    storyline: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    sort: Sort = "recent",
) -> StoryFilter:
    """The filter of a stories list from its query parameters (blank ones are ignored)."""
    if sort not in ("recent", "size"):
        raise bad_request(f"sort={sort!r}: expected 'recent' or 'size'")
    start, end = _date("from", date_from), _date("to", date_to)
    if start and end and start > end:
        raise bad_request(f"from={start} is after to={end}")
    return StoryFilter(q=_text("q", q), entity=_text("entity", entity), outlet=_text("outlet", outlet),
                       storyline=_text("storyline", storyline), date_from=start, date_to=end, sort=sort)


def filter_params(where: StoryFilter) -> dict[str, str]:
    """The query parameters that give this filter back (what pagination links keep)."""
    pairs = {"q": where.q, "entity": where.entity, "outlet": where.outlet, "storyline": where.storyline,
             "from": where.date_from, "to": where.date_to, "sort": None if where.sort == "recent" else where.sort}
    return {k: v for k, v in pairs.items() if v}


def url_with(path: str, params: dict[str, str], **changes: str | int | None) -> str:
    """``path?params`` with some parameters changed (None drops one)."""
    merged: dict[str, str | int] = {**params}
    for k, v in changes.items():
        if v is None:
            merged.pop(k, None)
        else:
            merged[k] = v
    return f"{path}?{urlencode(merged)}" if merged else path


def parse_span(value: str | None) -> Span | None:
    """A highlighted span given as ``START-END`` (character offsets into the clean text)."""
    if not value:
        return None
    start, sep, end = value.partition("-")
    if not sep or not start.isdigit() or not end.isdigit() or int(start) >= int(end):
        raise bad_request(f"hl={value!r}: expected START-END, two character offsets with START < END")
    return Span(int(start), int(end))
