"""Bench the web app: requests per second and p50/p99 latency of the stories, story and search pages.

Two stores: the demo corpus through the whole pipeline, and a generated store of 20,000 made-up articles in
about 4,000 stories (written directly through the Store API: titles and text from a made-up vocabulary,
entities, briefs, timelines, quotes and figure claims that cite real spans; no spaCy pass). For each store the
app runs as `storyline serve` in its own process on a free loopback port; this process is the client.

Per page: first one client in sequence (the time one page takes to render and send: the < 100 ms target), then
20 concurrent clients (keep-alive connections, each sending its next request when the last one is answered):
requests/s and p50/p99 latency. Story and search requests rotate over story ids and query words.

Usage: .venv/bin/python bench/web.py [--demo-db FILE] [--big-db FILE] [--articles 20000] [--requests 400]
(a given --big-db that does not exist is generated there and kept for the next run)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:  # what Starlette itself now uses; the older httpx has the same API
    import httpx2 as httpx
except ImportError:
    import httpx  # type: ignore[no-redef]

from storyline import pipeline
from storyline.config import Settings
from storyline.model import Article, Citation, Claim, Entity, Paragraph, Quote, Story, Storyline, TimelineEntry
from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent
CLIENTS = 20
SEQUENTIAL = 40  # requests a page gets from one client in sequence
STORY_SIZE = (1, 9)  # articles a generated story has (uniform)
OUTLETS = 60
ENTITIES = 800


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo(db: Path) -> None:
    """The demo corpus through the whole pipeline."""
    settings = Settings.load()
    with Store(db) as store:
        report = pipeline.ingest_paths([str(REPO / "examples" / "demo")], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))


def _words(rng: random.Random, n: int) -> list[str]:
    syll = ["ka", "lo", "ren", "ta", "vi", "mor", "sa", "den", "pe", "ul", "bra", "no", "ish", "tor", "me", "gal"]
    return ["".join(rng.choice(syll) for _ in range(rng.randint(1, 3))) for _ in range(n)]


def build_big(db: Path, n_articles: int, seed: int = 0) -> None:
    """A store of made-up articles in stories, with everything a story page shows."""
    rng = random.Random(seed)
    vocab = _words(rng, 3000)
    outlets = [f"{w.title()} {rng.choice(['Times', 'Post', 'Herald', 'News', 'Wire'])}" for w in _words(rng, OUTLETS)]
    ents = [Entity(f"person:{a}-{b}", f"{a.title()} {b.title()}", rng.choice(["PERSON", "ORG", "GPE"]))
            for a, b in zip(_words(rng, ENTITIES), _words(rng, ENTITIES), strict=True)]
    t0 = time.perf_counter()
    articles: list[Article] = []
    stories: list[Story] = []
    lines: list[Storyline] = []
    seq = 0
    while seq < n_articles:
        sid = f"s-{len(stories):05d}"
        size = min(rng.randint(*STORY_SIZE), n_articles - seq)
        day0 = 730 * rng.random()
        cast = rng.sample(ents, 4)
        topic = rng.sample(vocab, 12)
        arts = []
        for _ in range(size):
            date = time.strftime("%Y-%m-%d", time.gmtime(1_640_995_200 + 86400 * int(day0 + rng.random() * 5)))
            paras = []
            for _ in range(rng.randint(6, 12)):
                sent = [rng.choice(topic if rng.random() < 0.3 else vocab) for _ in range(rng.randint(15, 30))]
                sent.insert(rng.randint(0, len(sent)), rng.choice(cast).name)
                paras.append(Paragraph(" ".join(sent).capitalize() + ", officials said."))
            a = Article(id=f"a{seq:06d}", title=" ".join(rng.sample(topic, 6)).capitalize(), paragraphs=paras,
                        outlet=rng.choice(outlets), published=date, url=f"https://news.example/{seq}", story=sid)
            arts.append(a)
            seq += 1
        arts.sort(key=lambda a: a.published or "")
        lead = arts[0]
        spans = lead.paragraph_spans()
        summary = [Citation(lead.paragraphs[i].text, [a.id for a in arts[:3]], lead.id, spans[i], lead.published)
                   for i in range(min(5, len(spans)))]
        timeline = [TimelineEntry(a.published or "", a.paragraphs[0].text, [a.id], "day", a.id, a.paragraph_spans()[0])
                    for a in arts[:6]]
        quotes = [Quote(a.id, a.paragraph_spans()[1], a.paragraphs[1].text[:120], "direct", cast[0].id, cast[0].name,
                        "said") for a in arts]
        claims = [Claim("people", [{"value": float(rng.randint(5, 50)), "text": str(rng.randint(5, 50)),
                                    "sources": [a.id for a in arts[:2]], "outlets": [a.outlet for a in arts[:2]]}],
                        "figure", "agree", "injured")]
        story_ents = [Entity(e.id, e.name, e.type, [e.name], [], rng.randint(1, 20), [a.id for a in arts])
                      for e in cast]
        line_id = f"sl-{len(stories) // 4:05d}" if rng.random() < 0.3 else None  # noqa: PLR2004
        stories.append(Story(sid, lead.title, [a.id for a in arts], arts[0].published, arts[-1].published,
                             list(dict.fromkeys(a.outlet or "" for a in arts)), line_id, summary, timeline, story_ents,
                             quotes, [], claims))
        articles += arts
    by_line: dict[str, list[str]] = {}
    for s in stories:
        if s.storyline:
            by_line.setdefault(s.storyline, []).append(s.id)
    lines = [Storyline(lid, f"Storyline {lid}", ids) for lid, ids in by_line.items()]
    with Store(db) as store:
        for i in range(0, len(articles), 2000):
            store.add_articles(articles[i : i + 2000])
        store.put_stories(stories, lines)
    print(f"generated {len(articles)} articles in {len(stories)} stories, {len(lines)} storylines "
          f"({time.perf_counter() - t0:.0f} s) -> {db}")


def _serve(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "storyline.cli", "--db", str(db), "--quiet", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/stories?per_page=1", timeout=2).status_code == 200:  # noqa: PLR2004
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server on {db} did not start")


async def _load(base: str, paths: list[str], total: int, clients: int) -> tuple[float, list[float]]:
    """``total`` requests over ``clients`` connections; returns (seconds, latencies in ms)."""
    queue = list(reversed([paths[i % len(paths)] for i in range(total)]))
    latencies: list[float] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            path = queue.pop()
            t = time.perf_counter()
            r = await client.get(path)
            latencies.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:  # noqa: PLR2004
                raise SystemExit(f"{path}: HTTP {r.status_code}")

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        return time.perf_counter() - t0, latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_store(name: str, db: Path, requests: int) -> None:
    """Serve one store and measure its pages."""
    with Store(db, readonly=True) as store:
        heads = [s.id for s, _ in zip(store.iter_stories(), range(500), strict=False)]
        words = [w for s in heads[:50] for w in store.get_story(s).title.split()[:2] if len(w) > 3][:40]  # noqa: PLR2004
        n = store.count_articles()
    listing = ["/", "/?sort=size"] + (["/?page=2"] if len(heads) > 20 else [])  # noqa: PLR2004 - a page holds 20
    pages = {"stories": listing, "story": [f"/stories/{s}" for s in heads],
             "search": [f"/search?q={w}" for w in words or ["the"]]}
    proc, base = _serve(db)
    try:
        httpx.get(base + "/")  # warm
        print(f"\n{name}: {n} articles")
        print(f"  {'page':<8} {'1 client p50':>13} {'p99':>7} | {CLIENTS} clients: {'req/s':>7} {'p50':>7} {'p99':>7}")
        for page, paths in pages.items():
            _, seq = asyncio.run(_load(base, paths, SEQUENTIAL, 1))
            secs, lat = asyncio.run(_load(base, paths, requests, CLIENTS))
            print(f"  {page:<8} {statistics.median(seq):>10.1f} ms {_pct(seq, 0.99):>4.1f} ms | "
                  f"{' ' * len(str(CLIENTS))}          {requests / secs:>7.0f} {statistics.median(lat):>4.0f} ms "
                  f"{_pct(lat, 0.99):>4.0f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the stores, then bench each."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--demo-db", type=Path, default=None, help="a demo store to reuse (default: built in a temp dir)")
    ap.add_argument("--big-db", type=Path, default=None, help="the generated store (built there when missing)")
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=400, help="requests per page under load")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    demo = args.demo_db or tmp / "demo.db"
    if not demo.exists():
        build_demo(demo)
    big = args.big_db or tmp / "big.db"
    if not big.exists():
        build_big(big, args.articles)
    print(f"pages: stories (/, page 2, by size), story (rotating ids), search (rotating words); "
          f"{SEQUENTIAL} requests from 1 client, then {args.requests} from {CLIENTS} concurrent clients")
    bench_store("demo", demo, args.requests)
    bench_store(f"generated {args.articles // 1000}k", big, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
