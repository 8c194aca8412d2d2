"""Every read of a page or API call in one snapshot of the store, so a page never shows a half-written story.

A page reads the store in several queries (the story, its articles' metadata, its storyline); an ingest that
commits between two of them would show a story with members that are gone, or a count that does not match its
cards. :func:`one_snapshot` runs the handler inside one read transaction of the app's read-only connection
(WAL: the writer neither waits for the reader nor shows it part of its work). The read handlers do not await
between their queries, so no other request's reads run inside the snapshot's middle.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from fastapi import Request

P = ParamSpec("P")
R = TypeVar("R")


def one_snapshot(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """The handler, reading the store in one snapshot (FastAPI passes its ``request`` by keyword)."""

    @functools.wraps(handler)
    async def read(*args: P.args, **kwargs: P.kwargs) -> R:
        request: Any = kwargs["request"]
        assert isinstance(request, Request)
        with request.app.state.web.store.snapshot():
            return await handler(*args, **kwargs)

    return read
