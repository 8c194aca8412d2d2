"""The HTML pages: stories, search, story, article, entity, storyline. Each reads the store and renders a
template; they work without JavaScript (``static/app.js`` opens citations in place and marks what is new).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from . import views
from .query import PER_PAGE, Sort, filter_params, parse_span, story_filter, url_with
from .reads import one_snapshot

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
# Outlets offered in the stories page's outlet filter (the most prolific; any outlet works in the URL).
OUTLET_CHOICES = 300
# Article hits on one page of search results.
SEARCH_HITS = 20


def _web(request: Request) -> Any:
    return request.app.state.web


@router.get("/")
@one_snapshot
async def stories_page(
    request: Request,
    q: str | None = None,
    entity: str | None = None,
    outlet: str | None = None,
    storyline: str | None = None,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    sort: Sort = "recent",
    page: int = Query(1, ge=1),
) -> HTMLResponse:
    """Stories, newest report first (or largest first), filtered, a page at a time."""
    web = _web(request)
    store = web.store
    where = story_filter(q, entity, outlet, storyline, date_from, date_to, sort)
    ids, total = store.find_stories(where, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        raise HTTPException(404, f"page {page} of {pages}: no such page")
    params = filter_params(where)
    entity_name = None
    if where.entity:
        rows = store.entity_stories(where.entity)
        entity_name = rows[0]["name"] if rows else where.entity
    lines = store.storyline_titles()
    return web.render(  # type: ignore[no-any-return]
        "stories.html.j2", query=where.q or "", where=where, cards=views.story_cards(store, ids), total=total,
        page=page, pages=pages, entity_name=entity_name, outlets=store.outlets()[:OUTLET_CHOICES], storylines=lines,
        storyline_name=dict(lines).get(where.storyline or ""),
        prev_url=url_with("/", params, page=page - 1 if page > 2 else None) if page > 1 else None,  # noqa: PLR2004
        next_url=url_with("/", params, page=page + 1) if page < pages else None,
        sort_urls={s: url_with("/", params, sort=None if s == "recent" else s, page=None) for s in ("recent", "size")},
        drop_urls={k: url_with("/", params, **{k: None, "page": None}) for k in params},
    )  # fmt: skip


@router.get("/search")
@one_snapshot
async def search_page(request: Request, q: str = "", page: int = Query(1, ge=1)) -> HTMLResponse:
    """Stories and articles matching every word typed, with the matching passages."""
    web = _web(request)
    where = story_filter(q=q)
    cards, n_stories, hits, n_hits = [], 0, [], 0
    if where.q:
        ids, n_stories = web.store.find_stories(where, limit=PER_PAGE if page == 1 else 0)
        cards = views.story_cards(web.store, ids)
        found, n_hits = web.store.search_articles(where.q, limit=SEARCH_HITS, offset=(page - 1) * SEARCH_HITS)
        hits = [{**h, "snippet": views.snippet_markup(h["snippet"])} for h in found]
    pages = max(1, -(-n_hits // SEARCH_HITS))
    params = {"q": where.q} if where.q else {}
    return web.render(  # type: ignore[no-any-return]
        "search.html.j2", query=where.q or "", cards=cards, n_stories=n_stories, hits=hits, n_hits=n_hits,
        page=page, pages=pages, stories_url=url_with("/", params),
        prev_url=url_with("/search", params, page=page - 1 if page > 2 else None) if page > 1 else None,  # noqa: PLR2004
        next_url=url_with("/search", params, page=page + 1) if page < pages else None,
    )  # fmt: skip


@router.get("/stories/{story_id}")
@one_snapshot
async def story_page(request: Request, story_id: str) -> HTMLResponse:
    """One story: cited brief, timeline, entities, quotes, figures, coverage, storyline."""
    web = _web(request)
    story = web.store.get_story(story_id)
    return web.render("story.html.j2", query="", **views.story_page(web.store, story))  # type: ignore[no-any-return]


@router.get("/articles/{article_id}")
@one_snapshot
async def article_page(request: Request, article_id: str, hl: str | None = None, removed: int = 0) -> HTMLResponse:
    """One article's clean text; ``hl=START-END`` highlights a passage, ``removed=1`` shows removed paragraphs."""
    web = _web(request)
    article = web.store.get_article(article_id)
    page = views.article_page(web.store, article, parse_span(hl), bool(removed))
    base = {"hl": hl} if hl else {}
    page["toggle_url"] = url_with(f"/articles/{article.id}", base, removed=None if removed else 1)
    return web.render("article.html.j2", query="", **page)  # type: ignore[no-any-return]


@router.get("/entities/{entity_id}")
@one_snapshot
async def entity_page(request: Request, entity_id: str) -> HTMLResponse:
    """One entity: its names and roles, its stories over time, its quotes."""
    web = _web(request)
    rows = web.store.entity_stories(entity_id)
    if not rows:
        raise HTTPException(404, f"no entity with id {entity_id!r}")
    return web.render("entity.html.j2", query="", **views.entity_page(web.store, entity_id, rows))  # type: ignore[no-any-return]


@router.get("/storylines/{storyline_id}")
@one_snapshot
async def storyline_page(request: Request, storyline_id: str) -> HTMLResponse:
    """One storyline: its stories in order with their briefs, one timeline across them."""
    web = _web(request)
    line = web.store.get_storyline(storyline_id)
    return web.render("storyline.html.j2", query="", **views.storyline_page(web.store, line))  # type: ignore[no-any-return]
