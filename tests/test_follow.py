"""The follower against a real HTTP server on 127.0.0.1: feeds, sitemaps, politeness, failures, resume.

Every server here binds loopback only; every request loop is bounded by the follower's own limits, which the
tests set small (no per-host delay, short timeouts, tiny back-off) to keep the module fast.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from storyline import cli, pipeline
from storyline.config import Settings
from storyline.follow import Fetcher, Follower, SourceSpec, changes, normal_url, parse_sources
from storyline.store import Store

SRC = Path(__file__).resolve().parent.parent / "src"

# -- hand-written mini articles: two stories, two outlets ------------------------------------------------------
BRIDGE_GAZETTE = ("Millbrook council approves River Street bridge", "2024-03-05", "Millbrook Gazette", [
    "The Millbrook city council voted 7-2 on Tuesday to fund the new River Street bridge, ending two years of "
    "debate over the crossing.",
    "Mayor Ana Ruiz said the bridge would cost about 40 million dollars and open to traffic in 2026.",
    "Council member Tom Baker, who voted against the plan, said the money should have gone to repairing schools.",
    "Construction on the Millbrook bridge is expected to begin in the autumn, the city engineering office said.",
])
BRIDGE_COURIER = ("Millbrook backs River Street bridge in 7-2 vote", "2024-03-05", "Valley Courier", [
    "Millbrook's council approved funding for the River Street bridge on Tuesday in a 7-2 vote after a long debate.",
    "The bridge will cost roughly 40 million dollars, Mayor Ana Ruiz told reporters after the council vote.",
    "Opponents led by council member Tom Baker argued that Millbrook schools needed the money more urgently.",
    "Work on the River Street bridge is due to start this autumn and to finish in 2026, the mayor said.",
])
BRIDGE_PETITION = ("Bridge opponents in Millbrook start a petition", "2024-03-06", "Millbrook Gazette", [
    "Opponents of the River Street bridge in Millbrook began collecting signatures on Wednesday for a petition "
    "against the council vote.",
    "Council member Tom Baker said the petition asks the council to spend the 40 million dollars on schools.",
    "Mayor Ana Ruiz said the bridge vote was final and that construction would begin in the autumn as planned.",
])
FIRE_GAZETTE = ("Fire destroys Hartley paint factory", "2024-03-05", "Millbrook Gazette", [
    "A fire destroyed the Hartley paint factory in the industrial district on Monday night, the county fire "
    "service said.",
    "Chief Maria Lopez said about 60 firefighters fought the blaze for six hours before it was under control.",
    "No one was hurt, but nearby homes were evacuated as a precaution because of the thick black smoke.",
    "Investigators have not yet said what caused the fire at the Hartley plant, which employed 120 people.",
])
FIRE_COURIER = ("Blaze guts Hartley paint plant overnight", "2024-03-05", "Valley Courier", [
    "Firefighters spent six hours on Monday night battling a blaze that gutted the Hartley paint plant.",
    "About 60 firefighters were sent to the industrial district, county fire chief Maria Lopez said on Tuesday.",
    "Residents of nearby homes were evacuated because of thick smoke, and no injuries were reported.",
    "The cause of the fire at the Hartley factory, where 120 people worked, is under investigation.",
])


def page(article: tuple[str, str, str, list[str]], canonical: str | None = None, extra: str = "") -> bytes:
    """An HTML page of a mini article, with its headline, date, site name and (optionally) canonical link."""
    title, date, site, paragraphs = article
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + extra
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{link}'
            f'<meta property="og:site_name" content="{site}"><meta name="date" content="{date}">'
            f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Contact us</footer></body></html>").encode()


def rss(items: list[tuple[str, str, str]], title: str = "Gazette") -> bytes:
    """An RSS feed of (title, link, pubDate-or-updated ISO date) items."""
    xml = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>{d}</pubDate></item>"
                  for t, link, d in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{xml}</channel></rss>').encode()


def atom(entries: list[tuple[str, str, str]]) -> bytes:
    """An Atom feed of (title, link, updated) entries."""
    xml = "".join(f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id><updated>{u}</updated></entry>'
                  for t, link, u in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title>'
            f"<id>urn:courier</id><updated>2024-03-06T00:00:00Z</updated>{xml}</feed>").encode()


# -- the local server -------------------------------------------------------------------------------------------
@dataclass
class Reply:
    """What the server answers: a status, headers, a body; ``delay`` before answering; ``length=False`` sends
    the body without Content-Length (read until the connection closes)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    length: bool = True


Route = Reply | Callable[[dict[str, str]], Reply]


class Site:
    """A small web site on a loopback address: a path -> reply table that tests change between polls."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[float, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                headers = {k.lower(): v for k, v in self.headers.items()}
                with site.lock:
                    site.log.append((time.monotonic(), self.path, headers))
                route = site.routes.get(self.path)
                reply = route(headers) if callable(route) else route
                if reply is None:
                    reply = Reply(404, b"not found")
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    for i in range(0, len(reply.body), 16_384):
                        self.wfile.write(reply.body[i : i + 16_384])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (size cap, timeout): what these tests want

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def requests(self, path: str | None = None) -> list[str]:
        """Paths requested so far (only those equal to ``path`` when given)."""
        with self.lock:
            return [p for _, p, _ in self.log if path is None or p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


@pytest.fixture
def fast() -> Settings:
    """Follow settings for tests: no per-host delay, short timeouts, a tiny back-off, a small size cap."""
    return Settings.load().replace(follow={
        "host_delay": 0.0, "connect_timeout": 2.0, "read_timeout": 0.5, "total_timeout": 3.0, "max_bytes": 100_000,
        "backoff": 0.05, "backoff_max": 1.0, "retries": 3, "interval": 0.01, "robots_ttl": 60.0,
    })


def html_reply(article: tuple[str, str, str, list[str]], **kw: str) -> Reply:
    return Reply(200, page(article, **kw), {"Content-Type": "text/html; charset=utf-8"})


def follower(store: Store, settings: Settings, analyse: bool = False) -> Follower:
    return Follower(store, settings, analyse=analyse)


def stored_titles(store: Store) -> list[str]:
    return sorted(a.title for a in store.iter_articles())


# -- new entries, conditional polls, nothing twice ---------------------------------------------------------------
def test_feed_entries_arrive_in_their_stories_and_an_unchanged_feed_costs_one_304(site: Site, fast: Settings) -> None:
    feed = rss([("Bridge", "/news/bridge", "Tue, 05 Mar 2024 10:00:00 GMT"),
                ("Fire", "/news/fire", "Tue, 05 Mar 2024 09:00:00 GMT"),
                ("Bridge 2", "/courier/bridge?utm_source=rss", "Tue, 05 Mar 2024 11:00:00 GMT"),
                ("Fire 2", "/courier/fire", "Tue, 05 Mar 2024 12:00:00 GMT")])
    fresh = Reply(200, feed, {"ETag": '"v1"', "Content-Type": "application/rss+xml"})
    site.routes["/feed.xml"] = lambda h: Reply(304) if h.get("if-none-match") == '"v1"' else fresh
    for path, art in (("/news/bridge", BRIDGE_GAZETTE), ("/news/fire", FIRE_GAZETTE),
                      ("/courier/bridge", BRIDGE_COURIER), ("/courier/fire", FIRE_COURIER)):
        site.routes[path] = html_reply(art)
    with Store(":memory:") as store:
        f = follower(store, fast, analyse=True)
        f.add_source(SourceSpec(site.url + "/feed.xml", "feed", 0.01))
        first = f.run_round()
        assert len(first.new) == 4 and first.analysed == 4
        stories = {frozenset(store.get_article(a).title for a in s.articles) for s in store.iter_stories()}
        assert frozenset({BRIDGE_GAZETTE[0], BRIDGE_COURIER[0]}) in stories
        assert frozenset({FIRE_GAZETTE[0], FIRE_COURIER[0]}) in stories
        before = len(site.requests())
        time.sleep(0.02)
        second = f.run_round()
        assert (second.polled, second.unchanged, second.fetched) == (1, 1, 0)
        assert site.requests()[before:] == ["/feed.xml"]  # one conditional request, answered 304
        # each page once, the tracking parameter dropped
        assert all(len(site.requests(p)) == 1 for p in ("/news/bridge", "/courier/bridge"))
        [source] = store.sources()
        assert (source["status"], source["new_articles"], source["failures"]) == ("unchanged", 4, 0)


def test_news_sitemap_and_index_fill_what_the_page_lacks(site: Site, fast: Settings) -> None:
    bare = page(("", "", "", BRIDGE_GAZETTE[3]))  # no headline, date or site name in the page itself
    site.routes["/bare"] = Reply(200, bare.replace(b"<title></title>", b""))
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>/bare</loc>'
              b"<news:news><news:title>Bridge work to start in autumn</news:title>"
              b"<news:publication_date>2024-03-07T08:00:00Z</news:publication_date></news:news></url></urlset>")
    site.routes["/news.xml.gz"] = Reply(200, gzip.compress(urlset))
    site.routes["/sitemap.xml"] = Reply(200, (f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                              f"<sitemap><loc>{site.url}/news.xml.gz</loc></sitemap></sitemapindex>").encode())
    with Store(":memory:") as store:
        f = follower(store, fast)
        f.add_source(SourceSpec(site.url + "/sitemap.xml", "sitemap", 60))
        report = f.run_round()
        [art] = list(store.iter_articles())
        assert len(report.new) == 1
        assert (art.title, art.published) == ("Bridge work to start in autumn", "2024-03-07")
        assert art.url == site.url + "/bare"


# -- same as a batch ingest -------------------------------------------------------------------------------------
def test_follow_rounds_leave_the_store_as_a_batch_ingest_of_the_final_pages(
    site: Site, fast: Settings, tmp_path: Path
) -> None:
    items = [("Bridge", "/news/bridge", "Tue, 05 Mar 2024 10:00:00 GMT"),
             ("Fire", "/news/fire", "Tue, 05 Mar 2024 09:00:00 GMT")]
    version = {"n": 1}
    site.routes["/feed.xml"] = lambda h: Reply(200, rss(items), {"ETag": f'"{version["n"]}"'})
    bridge = ("Bridge", f"{site.url}/courier/bridge", "2024-03-05T11:00:00Z")
    fire = ("Fire", f"{site.url}/courier/fire", "2024-03-05T12:00:00Z")
    site.routes["/atom.xml"] = lambda h: Reply(200, atom([bridge] * (version["n"] > 1) + [fire]))
    pages = {"/news/bridge": BRIDGE_GAZETTE, "/news/fire": FIRE_GAZETTE, "/courier/bridge": BRIDGE_COURIER,
             "/courier/fire": FIRE_COURIER, "/news/petition": BRIDGE_PETITION}
    for path, art in pages.items():
        site.routes[path] = html_reply(art, canonical=site.url + path)
    # the same article under a second address (an AMP page whose canonical link names the first)
    site.routes["/amp/news/bridge"] = html_reply(BRIDGE_GAZETTE, canonical=site.url + "/news/bridge")
    with Store(tmp_path / "follow.db") as store:
        f = follower(store, fast, analyse=True)
        f.add_source(SourceSpec(site.url + "/feed.xml", "feed", 0.01))
        f.add_source(SourceSpec(site.url + "/atom.xml", "feed", 0.01))
        f.run_round()
        version["n"] = 2
        items.append(("Petition", "/news/petition", "Wed, 06 Mar 2024 10:00:00 GMT"))
        time.sleep(0.02)
        f.run_round()
        items.append(("Bridge (AMP)", "/amp/news/bridge?utm_medium=social", "Tue, 05 Mar 2024 10:00:00 GMT"))
        time.sleep(0.02)
        third = f.run_round()
        assert third.new == []  # the AMP copy is the stored article under another URL
        followed = _snapshot(store)
        order = [a.url for a in store.iter_articles() if a.url]
    batch_file = tmp_path / "pages.jsonl"
    by_url = {site.url + p: page(a, canonical=site.url + p).decode() for p, a in pages.items()}
    batch_file.write_text("".join(json.dumps({"url": u, "html": by_url[u]}) + "\n" for u in order))
    with Store(tmp_path / "batch.db") as batch:
        report = pipeline.ingest_paths([str(batch_file)], batch, fast)
        pipeline.analyse(pipeline.RunContext(batch, fast, new_ids=report.new))
        assert _snapshot(batch) == followed
    assert len(followed[0]) == 5 and len(followed[1]) == 2


Snapshot = tuple[dict[str, tuple[str | None, ...]], set[frozenset[str]], dict[frozenset[str], list[str]]]


def _page(store: Store, url: str) -> dict[str, Any]:
    """The fetch state of a page URL the test listed."""
    row = store.page(url)
    assert row is not None, f"{url} was never listed"
    return row


def _snapshot(store: Store) -> Snapshot:
    """Articles (what a reader sees of each), stories as sets of article ids, and each story's brief."""
    arts: dict[str, tuple[str | None, ...]] = {
        a.id: (a.title, a.text, a.url, a.outlet, a.published, a.duplicate_of) for a in store.iter_articles()
    }
    stories = list(store.iter_stories())
    return (arts, {frozenset(s.articles) for s in stories},
            {frozenset(s.articles): [c.text for c in s.summary] for s in stories})


# -- updates ----------------------------------------------------------------------------------------------------
def test_an_updated_page_is_stored_as_a_new_version_and_the_change_is_shown(site: Site, fast: Settings) -> None:
    mark = {"updated": "2024-03-05T10:00:00Z"}
    site.routes["/atom.xml"] = lambda h: Reply(200, atom([("Bridge", f"{site.url}/news/bridge", mark["updated"])]))
    current = {"page": page(BRIDGE_GAZETTE)}
    site.routes["/news/bridge"] = lambda h: Reply(200, current["page"], {"ETag": str(hash(current["page"]))})
    with Store(":memory:") as store:
        f = follower(store, fast)
        f.add_source(SourceSpec(site.url + "/atom.xml", "feed", 0.01))
        [old] = f.run_round().new
        time.sleep(0.02)
        assert f.run_round().fetched == 0  # listed again, not updated: not fetched again
        corrected = (BRIDGE_GAZETTE[0], *BRIDGE_GAZETTE[1:3], [*BRIDGE_GAZETTE[3],
                     "Correction: the vote was 6-3, not 7-2 as first reported."])
        current["page"] = page(corrected)
        mark["updated"] = "2024-03-05T18:00:00Z"
        time.sleep(0.02)
        third = f.run_round()
        assert third.updated == third.new and len(third.new) == 1
        new = store.get_article(third.new[0])
        assert new.updates == old
        assert len(site.requests("/news/bridge")) == 2
        assert site.log[-1][2].get("if-none-match")  # the re-fetch was conditional
        [change] = changes(store)
        assert (change.old, change.new) == (old, new.id)
        assert change.added == ["Correction: the vote was 6-3, not 7-2 as first reported."] and change.removed == []
        assert [v["version"] for v in store.versions(site.url + "/news/bridge")] == [1, 2]


# -- politeness -------------------------------------------------------------------------------------------------
def test_robots_txt_is_respected_and_fetched_once(site: Site, fast: Settings) -> None:
    site.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private/\n")
    site.routes["/feed.xml"] = Reply(200, rss([("Secret", "/private/memo", "Tue, 05 Mar 2024 10:00:00 GMT"),
                                               ("Fire", "/news/fire", "Tue, 05 Mar 2024 10:00:00 GMT")]))
    site.routes["/private/memo"] = html_reply(BRIDGE_GAZETTE)
    site.routes["/news/fire"] = html_reply(FIRE_GAZETTE)
    with Store(":memory:") as store:
        f = follower(store, fast)
        f.add_source(SourceSpec(site.url + "/feed.xml", "feed", 0.01))
        report = f.run_round()
        time.sleep(0.02)
        f.run_round()
        assert (len(report.new), report.forbidden) == (1, 1)
        assert site.requests("/private/memo") == []
        assert len(site.requests("/robots.txt")) == 1
        assert _page(store, site.url + "/private/memo")["status"] == "forbidden"
        ua = site.log[0][2]["user-agent"]
        assert ua.startswith("storyline/") and fast.follow.contact in ua


def test_a_429_retry_after_is_honoured(site: Site, fast: Settings) -> None:
    calls = {"n": 0}

    def busy(headers: dict[str, str]) -> Reply:
        calls["n"] += 1
        return Reply(429, b"slow down", {"Retry-After": "1"}) if calls["n"] == 1 else html_reply(FIRE_GAZETTE)

    site.routes["/news/fire"] = busy
    site.routes["/news/z-bridge"] = html_reply(BRIDGE_GAZETTE)  # after the fire page in the queue
    with Store(":memory:") as store:
        f = follower(store, fast.replace(follow={"per_host": 1}))
        f.add_urls([site.url + "/news/fire", site.url + "/news/z-bridge"])
        first = f.run_round()
        assert first.new == [] and first.retrying == 2  # the whole host waits, not only the URL
        assert f.run_round().fetched == 0  # too early: nothing is asked
        time.sleep(1.05)
        assert len(f.run_round().new) == 2
    times = [t for t, p, _ in site.log if p == "/news/fire"]
    assert len(times) == 2 and times[1] - times[0] >= 1.0


def test_per_host_delay_spaces_requests(site: Site, fast: Settings) -> None:
    for i in range(3):
        site.routes[f"/p{i}"] = html_reply(FIRE_GAZETTE if i % 2 else BRIDGE_GAZETTE)
    with Store(":memory:") as store:
        f = follower(store, fast.replace(follow={"host_delay": 0.2, "per_host": 2}))
        f.add_urls([f"{site.url}/p{i}" for i in range(3)])
        f.run_round()
    starts = sorted(t for t, p, _ in site.log if p.startswith("/p"))
    assert len(starts) == 3 and all(b - a >= 0.19 for a, b in zip(starts, starts[1:], strict=False))


def test_a_slow_source_does_not_stall_the_others(fast: Settings) -> None:
    slow, quick = Site("127.0.0.1"), Site("127.0.0.2")
    try:
        for i in range(3):
            slow.routes[f"/s{i}"] = Reply(200, page(BRIDGE_GAZETTE), delay=2.0)  # beyond the read timeout
            update = (f"Fire update {i}", *FIRE_GAZETTE[1:3], [*FIRE_GAZETTE[3], f"Note {i}."])
            quick.routes[f"/q{i}"] = html_reply(update)
        with Store(":memory:") as store:
            f = follower(store, fast.replace(follow={"per_host": 1, "read_timeout": 0.5}))
            f.add_urls([f"{slow.url}/s{i}" for i in range(3)] + [f"{quick.url}/q{i}" for i in range(3)])
            started = time.monotonic()
            report = f.run_round()
            took = time.monotonic() - started
            errors = {row["error"] for row in store.pages("pending")}
        assert len(report.new) == 3 and report.retrying == 3 and took >= 1.5  # three read timeouts in a row
        # the quick host had been asked for everything before the slow one was asked for its last page
        assert max(t for t, _, _ in quick.log) < max(t for t, _, _ in slow.log)
        assert errors == {"timed out"}
    finally:
        slow.close()
        quick.close()


# -- what servers do wrong --------------------------------------------------------------------------------------
@pytest.mark.parametrize("reply, reason", [
    (Reply(404, b"gone"), "HTTP 404"),
    (Reply(200, b"x" * 300_000), "declares 300,000 bytes"),
    (Reply(200, b"<p>" + b"word " * 60_000, length=False), "above the limit of 100,000 bytes"),
    (Reply(200, gzip.compress(b"<p>" + b"word " * 60_000), {"Content-Encoding": "gzip"}, length=False),
     "above the limit"),  # a small gzip body that inflates past the cap
])
def test_a_page_that_cannot_be_had_is_reported_once_and_never_retried(
    site: Site, fast: Settings, reply: Reply, reason: str
) -> None:
    site.routes["/p"] = reply
    with Store(":memory:") as store:
        f = follower(store, fast)
        f.add_urls([site.url + "/p"])
        report = f.run_round()
        time.sleep(0.1)
        f.run_round()
        assert len(report.failed) == 1 and reason in report.failed[0].reason
        assert len(site.requests("/p")) == 1
        assert [r.stage for r in store.rejected()] == ["follow"]


def test_a_broken_server_is_retried_with_back_off_then_reported(site: Site, fast: Settings) -> None:
    site.routes["/p"] = Reply(500, b"oops")
    with Store(":memory:") as store:
        f = follower(store, fast.replace(follow={"backoff": 0.2}))
        f.add_urls([site.url + "/p"])
        deadline = time.monotonic() + 5
        while _page(store, site.url + "/p")["status"] == "pending" and time.monotonic() < deadline:
            f.run_round()
            time.sleep(0.02)
        row = _page(store, site.url + "/p")
        f.run_round()
        assert (row["status"], row["attempts"]) == ("failed", 3)
        assert "after 3 attempts" in row["error"]
    times = [t for t, p, _ in site.log if p == "/p"]
    assert len(times) == 3 and times[1] - times[0] >= 0.2 and times[2] - times[1] >= 0.4  # the wait doubles


def test_a_failing_feed_is_marked_and_polled_less_often(site: Site, fast: Settings) -> None:
    site.routes["/feed.xml"] = Reply(503, b"down")
    with Store(":memory:") as store:
        f = follower(store, fast.replace(follow={"fail_after": 2, "backoff": 0.01}))
        f.add_source(SourceSpec(site.url + "/feed.xml", "feed", 0.05))
        for _ in range(4):
            f.run_round()
            time.sleep(0.05)
        [src] = store.sources()
        assert src["status"] == "failing" and src["failures"] >= 2
        assert src["next_poll"] - src["last_poll"] >= 0.1  # the interval doubled at least once
        assert any("source failing" in r.reason for r in store.rejected())


def test_redirects_are_followed_and_a_loop_is_cut(site: Site, fast: Settings) -> None:
    site.routes["/old"] = Reply(301, b"", {"Location": "/new"})
    site.routes["/new"] = html_reply(FIRE_GAZETTE)
    site.routes["/a"] = Reply(302, b"", {"Location": "/b"})
    site.routes["/b"] = Reply(302, b"", {"Location": "/a"})
    with Store(":memory:") as store:
        f = follower(store, fast)
        f.add_urls([site.url + "/old", site.url + "/a"])
        report = f.run_round()
        [art] = list(store.iter_articles())
        assert art.url == site.url + "/new"
        assert len(report.failed) == 1 and "redirect loop" in report.failed[0].reason
        assert site.requests().count("/a") == 1 and site.requests().count("/b") == 1


def test_gzip_and_a_wrong_declared_charset_are_read_right(site: Site, fast: Settings) -> None:
    text = ("Café owners in Millbrook", "2024-03-05", "Millbrook Gazette", [
        "The owners of the Café Noël on River Street said on Tuesday that the bridge works would cost them trade.",
        "“We will lose half of our customers,” said owner Zoë Müller, who has run the café since 2009.",
        "The council said the works would last about eighteen months and that access would be kept open.",
    ])
    site.routes["/cafe"] = Reply(200, gzip.compress(page(text)),
                                 {"Content-Encoding": "gzip", "Content-Type": "text/html; charset=iso-8859-1"})
    with Store(":memory:") as store:
        f = follower(store, fast)
        f.add_urls([site.url + "/cafe"])
        f.run_round()
        [art] = list(store.iter_articles())
        assert "Café Noël" in art.text and "“We will lose half of our customers,”" in art.text
        assert "Ã" not in art.text


# -- stop and resume --------------------------------------------------------------------------------------------
def test_a_stop_finishes_the_page_in_hand_and_the_next_run_resumes(site: Site, fast: Settings) -> None:
    arts = [BRIDGE_GAZETTE, FIRE_GAZETTE, BRIDGE_COURIER, FIRE_COURIER]
    holder: dict[str, Follower] = {}

    def stopping(art: tuple[str, str, str, list[str]]) -> Callable[[dict[str, str]], Reply]:
        def reply(headers: dict[str, str]) -> Reply:
            holder["f"].stop()  # as SIGTERM would, while this page is in flight
            return html_reply(art)
        return reply

    site.routes["/p0"] = html_reply(arts[0])
    site.routes["/p1"] = stopping(arts[1])
    site.routes["/p2"] = html_reply(arts[2])
    site.routes["/p3"] = html_reply(arts[3])
    with Store(":memory:") as store:
        f = holder["f"] = follower(store, fast.replace(follow={"per_host": 1}))
        f.add_urls([f"{site.url}/p{i}" for i in range(4)])
        first = f.run_round()
        assert first.stopped and len(first.new) == 2  # p0, and p1 that was in hand
        again = follower(store, fast)
        second = again.run_round()
        assert len(second.new) == 2
    assert sorted(p for p in site.requests() if p != "/robots.txt") == ["/p0", "/p1", "/p2", "/p3"]


def test_a_killed_follow_resumes_without_loss_or_duplicates(site: Site, fast: Settings, tmp_path: Path) -> None:
    release = threading.Event()
    arts = [BRIDGE_GAZETTE, FIRE_GAZETTE, BRIDGE_COURIER, FIRE_COURIER]
    for i, art in enumerate(arts):
        site.routes[f"/p{i}"] = html_reply(art)
    site.routes["/p2"] = lambda h: (release.wait(10), html_reply(arts[2]))[1]  # hangs until the kill
    site.routes["/feed.xml"] = Reply(200, rss([(a[0], f"/p{i}", "Tue, 05 Mar 2024 10:00:00 GMT")
                                               for i, a in enumerate(arts)]))
    db = tmp_path / "kill.db"
    config = tmp_path / "fast.toml"
    config.write_text("[follow]\nhost_delay = 0.0\nper_host = 1\nread_timeout = 20.0\ninterval = 60.0\n")
    code = ("import sys; from storyline.cli import main; sys.exit(main(sys.argv[1:]))")
    with (tmp_path / "stderr.txt").open("wb") as errors:
        proc = subprocess.Popen([sys.executable, "-c", code, "--db", str(db), "--config", str(config), "-q", "follow",
                                 "--feed", site.url + "/feed.xml", "--once"],
                                env={**os.environ, "PYTHONPATH": str(SRC)}, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            deadline = time.monotonic() + 20
            while "/p2" not in site.requests() and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.02)
            assert "/p2" in site.requests(), (tmp_path / "stderr.txt").read_text()
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            release.set()
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    with Store(db) as store:
        assert store.count_articles() == 2  # p0, p1 stored before the kill
        f = Follower(store, fast, analyse=True)
        report = f.run_round()
        assert len(report.new) == 2 and report.analysed == 4
        assert store.count_articles() == 4 and store.unanalysed() == []
        assert sum(len(s.articles) for s in store.iter_stories()) == 4
    # only the page in flight at the kill is asked twice (and robots.txt, cached per process)
    assert sorted(site.requests()) == ["/feed.xml", "/p0", "/p1", "/p2", "/p2", "/p3", "/robots.txt", "/robots.txt"]


# -- sources and the CLI ----------------------------------------------------------------------------------------
def test_sources_toml_is_checked() -> None:
    [spec] = parse_sources('[[source]]\nfeed = "https://g.example/rss"\ninterval = "2h"\n', 900)
    assert (spec.kind, spec.interval) == ("feed", 7200.0)
    with pytest.raises(ValueError, match="exactly one of feed"):
        parse_sources('[[source]]\nname = "x"\n', 900)
    with pytest.raises(ValueError, match="unknown key"):
        parse_sources('[[source]]\nfeed = "https://g.example/rss"\nevery = 5\n', 900)


def test_cli_follow_once_and_sources(site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site.routes["/feed.xml"] = Reply(200, rss([("Fire", "/news/fire", "Tue, 05 Mar 2024 10:00:00 GMT")]))
    site.routes["/news/fire"] = html_reply(FIRE_GAZETTE)
    sources = tmp_path / "SOURCES.toml"
    sources.write_text(f'[[source]]\nname = "Gazette"\nfeed = "{site.url}/feed.xml"\ninterval = "10m"\n')
    config = tmp_path / "fast.toml"
    config.write_text("[follow]\nhost_delay = 0.0\n")
    db = str(tmp_path / "cli.db")
    assert cli.main(["--db", db, "--config", str(config), "follow", str(sources), "--once"]) == 0
    assert "fetched 1 · new 1" in capsys.readouterr().out
    assert cli.main(["--db", db, "sources"]) == 0
    shown = capsys.readouterr().out
    assert "Gazette" in shown and " ok " in shown and "1 sources" in shown
    assert cli.main(["--db", db, "sources", "add", site.url + "/sitemap.xml?utm_source=x"]) == 0
    assert f"added sitemap {site.url}/sitemap.xml" in capsys.readouterr().out
    assert cli.main(["--db", db, "sources", "remove", site.url + "/sitemap.xml"]) == 0
    assert cli.main(["--db", db, "sources", "remove", site.url + "/sitemap.xml"]) == 2
    assert cli.main(["--db", str(tmp_path / "empty.db"), "follow", "--once"]) == 2  # nothing to follow


def test_urls_are_normalised_once() -> None:
    assert normal_url("http://N.example/a?utm_campaign=x&id=2#top") == normal_url("http://n.example/a?id=2")


def test_fetcher_never_leaves_loopback_in_these_tests(fast: Settings) -> None:
    fetcher = Fetcher(fast.follow)
    assert fetcher.user_agent.startswith("storyline/")
    fetcher.close()


def test_follower_keeps_the_pipeline_loaded_between_rounds(pipeline_loads: list[int]) -> None:
    settings = Settings.load()
    with Store(":memory:") as store:
        f = Follower(store, settings)
        for k, town in enumerate(["Brinmoor", "Castlereach"]):
            record = {"id": f"storm-{k}", "title": f"Storm cuts power across {town}", "outlet": "Valley Post",
                      "published": f"2025-11-0{k + 1}",
                      "text": f"A storm cut power to thousands of homes across {town} on Sunday, the utility "
                              "said.\n\nCrews expected to restore most lines by Monday evening."}
            report = pipeline.ingest_records([record], store, settings)
            store.mark_unanalysed(report.new)
            assert f.analyse_stored() == 1
            assert store.get_article(f"storm-{k}").story  # analysed: placed in a story
    assert len(pipeline_loads) == 1  # one spaCy pipeline for every round of the follower
