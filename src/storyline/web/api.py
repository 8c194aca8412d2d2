"""The JSON API under ``/api/``: stories (with the filters of the stories page), one story, article, entity,
storyline, search, and ``POST /api/articles`` to ingest JSON articles. Records have the fields of stories.json.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from .. import pipeline
from ..model import SCHEMA
from ..report import article_json
from ..store import Store
from . import views
from .query import MAX_PER_PAGE, PER_PAGE, Sort, bad_request, story_filter
from .reads import one_snapshot

router = APIRouter(prefix="/api", tags=["api"])
# Articles one POST may carry: a bigger batch belongs to `storyline ingest`.
MAX_POST_ARTICLES = 1000


def _web(request: Request) -> Any:
    return request.app.state.web


@router.get("/stories", summary="Stories, filtered and paged like the stories page")
@one_snapshot
async def list_stories(
    request: Request,
    q: str | None = Query(None, description="words every matching story's articles contain (title or text)"),
    entity: str | None = Query(None, description="an entity id, e.g. person:dana-whitcombe"),
    outlet: str | None = Query(None, description="an outlet name, exactly as stored"),
    storyline: str | None = Query(None, description="a storyline id"),
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD: stories active on or after"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD: stories begun on or before"),
    sort: Annotated[Sort, Query(description="recent: newest report first; size: most articles first")] = "recent",
    page: int = Query(1, ge=1),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
) -> dict[str, Any]:
    """Stories with every field of stories.json, ``total`` matching, one page of them."""
    where = story_filter(q, entity, outlet, storyline, date_from, date_to, sort)
    store = _web(request).store
    ids, total = store.find_stories(where, limit=per_page, offset=(page - 1) * per_page)
    found = store.story_data(ids)
    return {"schema": SCHEMA, "total": total, "page": page, "per_page": per_page,
            "stories": [found[i] for i in ids if i in found]}


@router.get("/stories/{story_id}", summary="One story")
@one_snapshot
async def get_story(request: Request, story_id: str) -> dict[str, Any]:
    """Every field of the story as in stories.json."""
    return _web(request).store.get_story(story_id).to_dict()  # type: ignore[no-any-return]


@router.get("/articles/{article_id}", summary="One article")
@one_snapshot
async def get_article(request: Request, article_id: str) -> dict[str, Any]:
    """The article as in stories.json: metadata, flags, story, duplicate group, paragraphs."""
    return article_json(_web(request).store.get_article(article_id))


@router.get("/articles/{article_id}/passage", summary="A cited passage of an article, in its paragraph")
@one_snapshot
async def get_passage(
    request: Request,
    article_id: str,
    start: int | None = Query(None, ge=0, description="character offset of the passage in the clean text"),
    end: int | None = Query(None, ge=1),
    text: str | None = Query(None, max_length=2000, description="without start/end: the words to find verbatim"),
) -> dict[str, Any]:
    """``before``, ``passage`` and ``after`` texts with the article's outlet, date and (http/https) link."""
    if (start is None) != (end is None):
        raise bad_request("give both start and end, or text")
    if start is None and not text:
        raise bad_request("give start and end, or text")
    found = views.passage(_web(request).store.get_article(article_id), start, end, text)
    if found is None:
        raise HTTPException(404, f"passage not found in article {article_id!r}")
    return found


@router.get("/entities/{entity_id}", summary="One entity across stories")
@one_snapshot
async def get_entity(request: Request, entity_id: str) -> dict[str, Any]:
    """Name, type, aliases, roles, the stories naming it (newest first) and its quotes."""
    web = _web(request)
    rows = web.store.entity_stories(entity_id)
    if not rows:
        raise HTTPException(404, f"no entity with id {entity_id!r}")
    page = views.entity_page(web.store, entity_id, rows)
    keys = ("story", "title", "first_date", "last_date", "name", "mentions")
    stories = [{k: s[k] for k in keys} for s in page["stories"]]
    return {"id": entity_id, "name": page["name"], "type": page["type"], "aliases": page["aliases"],
            "roles": page["roles"], "stories": stories, "quotes": page["quotes"]}


@router.get("/storylines/{storyline_id}", summary="One storyline")
@one_snapshot
async def get_storyline(request: Request, storyline_id: str) -> dict[str, Any]:
    """Every field of the storyline as in stories.json."""
    return _web(request).store.get_storyline(storyline_id).to_dict()  # type: ignore[no-any-return]


@router.get("/search", summary="Full-text search of article titles and texts")
@one_snapshot
async def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=500),
    page: int = Query(1, ge=1),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
) -> dict[str, Any]:
    """Stories whose articles match every word (newest first) and the matching articles (best first)."""
    store = _web(request).store
    where = story_filter(q=q)
    ids, n_stories = store.find_stories(where, limit=per_page, offset=(page - 1) * per_page)
    heads = store.story_heads(ids)
    hits, n_articles = store.search_articles(q, limit=per_page, offset=(page - 1) * per_page)
    return {
        "query": q, "page": page, "per_page": per_page, "total_stories": n_stories, "total_articles": n_articles,
        "stories": [{k: heads[i][k] for k in ("id", "title", "first_date", "last_date", "articles")}
                    for i in ids if i in heads],
        "articles": [{**h, "snippet": views.plain_snippet(h["snippet"])} for h in hits],
    }  # fmt: skip


# The POST body, read by hand (a list or an object), described for the OpenAPI schema.
_ARTICLE = {"type": "object", "required": ["text"], "properties": {
    k: {"type": "string"} for k in ("id", "title", "text", "html", "url", "outlet", "published", "byline")}}
_POST_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    _ARTICLE, {"type": "array", "items": _ARTICLE},
    {"type": "object", "properties": {"articles": {"type": "array", "items": _ARTICLE}}}]}}}}}


@router.post("/articles", summary="Ingest JSON articles (needs the server's --token)", status_code=201,
             openapi_extra=_POST_BODY)
async def post_articles(request: Request, authorization: str | None = Header(None)) -> dict[str, Any]:
    """Clean, store and analyse articles given as JSON (one object, a list, or ``{"articles": [...]}``; the fields
    of a JSONL input line: title, text or html, url, outlet, published, byline, id). New articles join their
    stories at once; the answer says which story each joined. Send ``Authorization: Bearer TOKEN``.
    """
    web = _web(request)
    if web.token is None:
        raise HTTPException(403, "ingest is off: start the server with --token to allow POST /api/articles")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), web.token.encode()):
        raise HTTPException(401, "missing or wrong token (send the header Authorization: Bearer TOKEN)")
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request(f"body is not JSON: {exc}") from None
    records = body.get("articles") if isinstance(body, dict) and "articles" in body else body
    records = [records] if isinstance(records, dict) else records
    if not isinstance(records, list) or not records:
        raise bad_request("expected a JSON article, a list of them, or {\"articles\": [...]}")
    if len(records) > MAX_POST_ARTICLES:
        raise bad_request(f"{len(records)} articles: at most {MAX_POST_ARTICLES} a request (use `storyline ingest`)")
    return await run_in_threadpool(_ingest, web, records)


def _ingest(web: Any, records: list[Any]) -> dict[str, Any]:
    """Run the CLI's pipeline over the records, in one writer at a time."""
    with web.write_lock, Store(web.db_path) as store:
        report = pipeline.ingest_records(records, store, web.settings)
        ctx = pipeline.RunContext(store, web.settings, new_ids=report.new, _nlp=web.nlp)
        pipeline.analyse(ctx)
        web.nlp = ctx._nlp
        rows = store.article_meta(report.new + report.existing)
    story_of = {r["id"]: r["story"] for r in rows}
    return {
        "new": [{"id": a, "story": story_of.get(a)} for a in report.new],
        "existing": [{"id": a, "story": story_of.get(a)} for a in report.existing],
        "rejected": [r.to_dict() for r in report.rejected],
    }
