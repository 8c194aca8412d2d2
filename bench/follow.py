"""Follow bench: pages per second against a local server with 50 sources, and the CPU share outside extraction.

A child process serves 50 sources on 50 loopback addresses (127.0.0.2 ... 127.0.0.51, one host each): an RSS
feed per host listing ``--pages`` article pages, each an HTML page of the demo corpus (``examples/demo``)
varied per host so that every page is a new article. The follower then runs rounds until every page is stored
(fetch, extract with the HTML reader, clean, store; the analysis stages are left out unless ``--analyse``),
once with the polite limits of ``defaults.toml`` (per-host concurrency and delay, global cap) and once with
the per-host delay at 0 to show what the limits cost.

CPU is this process's (the server runs in the child): the share outside extraction is 1 - (CPU time in the
HTML reader, ``article_from_html``: trafilatura + htmldate) / (CPU time of the whole run). Nothing leaves
loopback.

Usage:
    python bench/follow.py [--sources 50] [--pages 6] [--analyse]
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from storyline import pipeline
from storyline.config import Settings
from storyline.follow import Follower, SourceSpec
from storyline.store import Store

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"
PORT = 8765


def site_pages(host: int, pages: int, templates: list[str]) -> dict[str, bytes]:
    """The routes of one host: its feed, robots.txt and ``pages`` varied demo pages."""
    routes: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nDisallow: /private/\n"}
    items = []
    for i in range(pages):
        tpl = templates[(host * pages + i) % len(templates)]
        marker = f"Bench desk {host}-{i} reported this copy."
        body = tpl.replace("</article>", f"<p>{marker} The note is added so that every copy is a new article.</p>"
                                         "</article>", 1)
        body = re.sub(r"<title>(.*?)</title>", rf"<title>\1 ({host}-{i})</title>", body, count=1)
        path = f"/news/{i}.html"
        # the page's own address as its canonical link (the demo's names the invented outlet's site)
        own = f"http://127.0.0.{host + 2}:{PORT}{path}"
        body = re.sub(r'(rel="canonical" href=|property="og:url" content=)"[^"]*"', rf'\1"{own}"', body)
        routes[path] = body.encode()
        items.append(f"<item><title>Story {host}-{i}</title><link>{path}</link>"
                     f"<pubDate>Tue, 05 Mar 2024 10:{i % 60:02d}:00 GMT</pubDate></item>")
    routes["/feed.xml"] = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Source {host}</title>'
                           f"{''.join(items)}</channel></rss>").encode()
    return routes


def serve(sources: int, pages: int, ready: Any, stop: Any) -> None:
    """Child process: one threaded HTTP server per loopback host until ``stop`` is set."""
    templates = [p.read_text(encoding="utf-8") for p in sorted(DEMO.glob("*.html"))]
    servers = []
    for host in range(sources):
        routes = site_pages(host, pages, templates)

        class Handler(BaseHTTPRequestHandler):
            table = routes

            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                body = self.table.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer((f"127.0.0.{host + 2}", PORT), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    ready.set()
    stop.wait()
    for server in servers:
        server.shutdown()


def run(settings: Settings, sources: int, analyse: bool) -> dict[str, float]:
    """Follow every source until all pages are stored; returns the timings."""
    extract_cpu = [0.0]
    reader = pipeline.article_from_html

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return reader(*args, **kwargs)
        finally:
            extract_cpu[0] += time.thread_time() - start

    pipeline.article_from_html = timed  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "follow.db") as store:
            follower = Follower(store, settings, analyse=analyse)
            for host in range(sources):
                follower.add_source(SourceSpec(f"http://127.0.0.{host + 2}:{PORT}/feed.xml", "feed", 3600))
            wall, cpu = time.perf_counter(), time.process_time()
            rounds = 0
            while rounds < 10:
                report = follower.run_round()
                rounds += 1
                if not store.pages("pending"):
                    break
                time.sleep(max(0.0, min(1.0, (store.next_page_try() or 0) - time.time())))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            stored = len(store.pages("stored"))
            requests = follower.fetcher.requests
            follower.fetcher.close()
    finally:
        pipeline.article_from_html = reader  # type: ignore[assignment]
    del report
    return {"pages": stored, "wall": wall, "cpu": cpu, "extract": extract_cpu[0], "requests": requests,
            "rounds": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--pages", type=int, default=6, help="pages listed by each source's feed")
    parser.add_argument("--analyse", action="store_true", help="run the analysis stages in each round too")
    args = parser.parse_args()
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    child = multiprocessing.Process(target=serve, args=(args.sources, args.pages, ready, stop), daemon=True)
    child.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the local server did not start")
        base = Settings.load()
        f = base.follow
        print(f"{args.sources} sources on {args.sources} loopback hosts, {args.pages} pages each "
              f"({args.sources * args.pages} pages); analysis {'on' if args.analyse else 'off'}")
        for label, settings in (
            (f"polite (per_host={f.per_host}, host_delay={f.host_delay:g} s, concurrency={f.concurrency})", base),
            ("host_delay=0 (limits off)", base.replace(follow={"host_delay": 0.0})),
        ):
            t = run(settings, args.sources, args.analyse)
            outside = 1 - t["extract"] / t["cpu"] if t["cpu"] else 0.0
            print(f"{label}: {t['pages']:.0f} pages in {t['wall']:.1f} s = {t['pages'] / t['wall']:.1f} pages/s; "
                  f"{t['requests']:.0f} requests, {t['rounds']:.0f} round(s); CPU {t['cpu']:.1f} s, "
                  f"extraction {t['extract']:.1f} s, share outside extraction {outside:.0%}")
    finally:
        stop.set()
        child.join(10)


if __name__ == "__main__":
    main()
