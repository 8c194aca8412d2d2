"""The ASGI app: a FastAPI application over one store, its HTML pages, its JSON API, its static files.

Pages and API read the store through a read-only connection; only ``POST /api/articles`` writes, through the
same pipeline functions as the CLI, and only when the app was given a token that the request carries.

Example:
    >>> from storyline.store import Store
    >>> import tempfile, pathlib
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "s.db"
    >>> Store(db).close()
    >>> from fastapi.testclient import TestClient
    >>> with TestClient(create_app(db)) as client:
    ...     client.get("/api/stories").json()["total"], client.get("/stories/nope").status_code
    (0, 404)
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..config import Settings
from ..errors import NotFoundError, StorylineError
from ..report import counted
from ..store import Store
from ..timeline import shown_date
from . import api, pages

# Every response says: scripts and styles only from this server (no inline script, so a script planted in an
# article's text cannot run even if it escaped escaping), no plugins, no framing, forms post only here.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # a click to a source does not tell it what the analyst was reading
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class WebState:
    """What the handlers share: the read-only store, the templates, and the writer used by POST /api/articles.

    ``token`` None means the write API is off.
    """

    def __init__(self, db: str | Path, token: str | None, settings: Settings) -> None:
        self.db_path = Path(db)
        self.token = token
        self.settings = settings
        self.store = Store(self.db_path, readonly=True)
        self.write_lock = threading.Lock()  # one ingest at a time
        self.nlp: Any = None  # the spaCy pipeline, loaded by the first ingest
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("storyline.web", "templates"),
            autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        )  # fmt: skip
        self.templates.filters["shown_date"] = shown_date
        self.templates.filters["counted"] = counted
        self.templates.filters["number"] = _number
        self.templates.globals["version"] = __version__

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page from its template."""
        return HTMLResponse(self.templates.get_template(template).render(**context), status_code=status)


def _number(value: Any) -> str:
    """A figure value for a table: 23, 1.5, 13700000000 -> '13,700,000,000'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def create_app(db: str | Path, token: str | None = None, settings: Settings | None = None) -> FastAPI:
    """The web app over the store at ``db`` (opened read-only; it must exist and be migrated)."""
    state = WebState(db, token, settings or Settings.load())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        state.store.close()

    app = FastAPI(
        title="storyline", version=__version__, lifespan=lifespan,
        description="Stories from many outlets, every statement cited. The API returns the fields of stories.json.",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",  # the docs pages would load scripts from a CDN
    )  # fmt: skip
    app.state.web = state
    static = resources.files("storyline.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(SecurityHeaders)

    def error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        title = {400: "Bad request", 401: "Not allowed", 403: "Not allowed", 404: "Not found"}.get(status, "Error")
        return state.render("error.html.j2", status=status, title=title, status_code=status, message=message,
                            query="")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if detail == "Not Found":  # Starlette's own 404 of an unknown path
            detail = f"nothing at {request.url.path}"
        return error(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error(request, 400, f"bad request: {problems}")

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return error(request, 404, str(exc))

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        return error(request, 400 if isinstance(exc, ValueError) else 500, str(exc))

    return app
