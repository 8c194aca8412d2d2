"""The web app in a real browser: Debian's Chromium driven by Playwright against `storyline serve`'s app on a free
local port, over the demo corpus with one planted XSS article. Screenshots go to out/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline import pipeline
from storyline.config import Settings
from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"
CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = Path(os.environ.get("STORYLINE_SCREENSHOTS", REPO / "out" / "screenshots"))
START_TIMEOUT = 20.0  # seconds the server gets to start listening
# An article whose title, text and URL try to run script: each would set document.title to "pwned".
PAYLOAD = {
    "id": "xss-probe",
    "title": "Ridgeway plant <script>document.title='pwned'</script> explosion update",
    "text": (
        "Ridgeway plant explosion: fire officials said on Friday that the Tessmer Polymers plant in Ridgeway stays "
        "shut "
        "while inspectors look for the cause of the blast. <img src=x onerror=\"document.title='pwned'\"> Workers "
        "injured in the explosion were recovering, the plant's owner said.\n\nThe fire chief said the investigation "
        "could take weeks. <svg onload=\"document.title='pwned'\"></svg>"
    ),
    "url": "javascript:document.title='pwned'",
    "outlet": "Probe <b onmouseover=\"document.title='pwned'\">Gazette</b>",
    "published": "2025-09-27",
}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (`make test` installs it as root)")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus through the whole pipeline, plus the XSS probe article, in a store file."""
    db = tmp_path_factory.mktemp("web") / "demo.db"
    settings = Settings.load()
    with Store(db) as store:
        report = pipeline.ingest_paths([str(DEMO)], store, settings)
        report.new += pipeline.ingest_records([PAYLOAD], store, settings).new
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    """The app under uvicorn in a thread on a free 127.0.0.1 port; yields its base URL."""
    import uvicorn

    from storyline.web import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(demo_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh page that records every request leaving the server and every script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = context.new_page()
    pg.outside = []  # requests to anywhere but the server
    pg.errors = []
    pg.on("request", lambda r: None if r.url.startswith(server) else pg.outside.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_browse_search_filter_story_citation_entity_storyline(page: Any, demo_db: Path) -> None:
    page.goto("/")
    assert page.locator(".card").count() >= 5
    assert "independent source" in page.inner_text(".card >> nth=0")
    _shot(page, "stories.png")

    # search from the header box
    page.fill("header input[name=q]", "explosion")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=explosion")
    assert page.locator(".hits mark").count() > 0
    assert "Ridgeway" in page.inner_text(".cards")

    # filter by an entity chip of a card: every card left names it, and the filter shows
    page.goto("/")
    chip = page.locator(".card .chips a").first
    name = chip.inner_text()
    chip.click()
    page.wait_for_url("**/?entity=*")
    assert f"naming {name}" in page.inner_text(".active")
    with Store(demo_db, readonly=True) as store:
        biggest = max(store.iter_stories(), key=lambda s: len(s.articles))
        lined = next(s for s in store.iter_stories() if s.storyline)
        line = store.get_storyline(lined.storyline or "")

    # open the biggest story from the list sorted by size
    page.goto("/?sort=size")
    page.click(f"a[href='/stories/{biggest.id}']")
    page.wait_for_url(f"**/stories/{biggest.id}")
    assert page.locator("h1").inner_text() == biggest.title
    _shot(page, "story.png")

    # a citation of the brief opens its passage in place, highlighted, with outlet and link
    first = biggest.summary[0]
    cite = page.locator("#brief a.cite[data-start]").first
    cite.click()
    mark = page.locator("#brief .passage mark").first
    mark.wait_for(state="visible")
    assert mark.inner_text().strip() in first.text or first.text in mark.inner_text()
    assert page.url.endswith(f"/stories/{biggest.id}")  # opened in place, not followed
    _shot(page, "story-citation.png")

    # follow an entity to its page
    link = page.locator("#entities tbody a[href^='/entities/']").first
    ent_name = link.inner_text()
    link.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith(ent_name)
    assert page.locator(".chart svg rect").count() >= 1
    _shot(page, "entity.png")

    # a storyline: its stories in order and one timeline
    page.goto(f"/stories/{lined.id}")
    page.click(f"#storyline a[href='/storylines/{line.id}']")
    page.wait_for_url(f"**/storylines/{line.id}")
    assert page.locator(".chain > li").count() == len(line.stories)
    _shot(page, "storyline.png")
    assert not page.outside, f"pages asked the network for {page.outside}"
    assert not page.errors, page.errors


def test_planted_script_does_not_run(page: Any, demo_db: Path) -> None:
    with Store(demo_db, readonly=True) as store:
        probe = store.get_article("xss-probe")
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    for path in (f"/articles/{probe.id}", f"/stories/{probe.story}", "/search?q=pwned", "/?q=Ridgeway"):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.title() != "pwned", path  # the payload sets the whole title; the escaped title only shows it
    page.goto(f"/articles/{probe.id}")
    assert "<script>document.title='pwned'</script>" in page.inner_text("h1")
    assert page.locator("a[href^='javascript:']").count() == 0  # the source URL is not made a link
    page.locator("text=Gazette").first.hover()
    assert page.title() != "pwned"
    assert not page.errors, page.errors


def test_new_since_last_visit_is_marked(page: Any, demo_db: Path) -> None:
    with Store(demo_db, readonly=True) as store:
        story = max(store.iter_stories(), key=lambda s: len(s.articles))
        seqs = store.article_seqs(story.articles)
    newest = max(seqs.values())
    page.goto(f"/stories/{story.id}")
    assert page.locator(".is-new").count() == 0  # a first visit marks nothing
    # as if the last visit was before the newest article of the story was stored
    page.evaluate(f"localStorage.setItem('storyline:seen:{story.id}', '{newest - 1}')")
    page.reload()
    marked = page.locator(".is-new")
    assert marked.count() >= 1
    assert "new since your last visit" in page.inner_text(".news-note")
    page.reload()  # this visit saw everything
    assert page.locator(".is-new").count() == 0
