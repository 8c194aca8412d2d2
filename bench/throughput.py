"""Throughput of the whole pipeline against the floor every run must pay: one spaCy pass over every article.

For each size (default 1,000, 5,000 and 20,000 articles) a corpus is made of varied copies of real-length news
text: the development pages (``../shared/dev-corpus/articles.jsonl``, read at run time, never stored), the team
corpus and the demo corpus (``bench/data/``). Each copy keeps its source's length, sentence shapes and function
words, but about half its content words are swapped for others drawn from the whole corpus's vocabulary (names
for names), and its date moves along the year, so copies are neither duplicates nor one story.

Each measurement runs in a fresh process (so its peak memory is its own):

* **pipeline**: what ``storyline run`` does, through the same library calls (``pipeline.ingest_paths``, then
  ``pipeline.analyse`` over every stage, then the reports), on a store in a temporary file; printed per stage:
  seconds and articles per second; overall articles per second and peak resident memory;
* **floor**: the bare spaCy pass (``nlp.pipe`` of the same pipeline over the same cleaned texts) with one
  process and with every core (``n_process``), model load included as in the pipeline.

The ratio of the whole pipeline to the all-core floor and the time per article against the smallest size are
printed last (targets, issue 17: <= 1.3x the floor at 20k; per-article time at 20k within 1.15x of 1k; peak
memory < 2 GB).

With ``--engine ray`` each size runs the Ray engine with 1 and N parse actors and the local engine with 1 and N
workers (no floor): the Ray speed-up from 1 to N and its overhead against the local engine at the same count.

Usage:
    python bench/throughput.py [--sizes 1000 5000 20000] [--workers N] [--engine local|ray] [--no-floor]
                               [--all-core-floor-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SOURCES = [REPO.parent / "shared" / "dev-corpus" / "articles.jsonl", REPO / "bench" / "data" / "labeled.jsonl",
           REPO / "bench" / "data" / "demo_labeled.jsonl"]
SWAP_SHARE = 0.5  # share of a copy's distinct content words swapped: copies share too little to be near-duplicates
DAYS = 365  # rounds of copies spread over a year
DAY_STEP = 37  # days between rounds (prime to DAYS, so rounds land on distinct days)
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def base_articles() -> list[dict[str, Any]]:
    """The source records: every JSON line of the source files present."""
    out = []
    for path in SOURCES:
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                out += [json.loads(line) for line in fh if line.strip()]
    if not out:
        raise SystemExit("no source articles: need bench/data/labeled.jsonl or the shared dev corpus")
    return out


def varied(records: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """``n`` varied copies of the records (module docstring), as JSON records for the JSONL reader.

    Copy ``k`` is of record ``k % len(records)`` in round ``k // len(records)``. Within a round, the articles of
    one labelled story get the same word swaps and the same date shift, so each round retells every story with
    other names and words on other days: stories of realistic size, not one story per article.
    """
    lower = sorted({w for r in records for w in _WORD.findall(r.get("text") or "") if w.islower()})
    upper = sorted({w for r in records for w in _WORD.findall(r.get("text") or "") if w[0].isupper()})

    def swapped(word: str, key: str) -> str:
        h = zlib.crc32(f"{key}|{word}".encode())
        if h % 1000 >= SWAP_SHARE * 1000:
            return word
        pool = upper if word[0].isupper() else lower
        return pool[(h // 1000) % len(pool)]

    out = []
    for k in range(n):
        src, rnd = records[k % len(records)], k // len(records)
        story = src.get("story") if src.get("story") not in (None, "distractor") else src.get("id")
        key = f"{story}|{rnd}"
        text = _WORD.sub(lambda m, key=key: swapped(m.group(0), key),  # type: ignore[misc]
                         f"{src.get('title') or ''}\n\n{src.get('text') or ''}")
        title, _, body = text.partition("\n\n")
        published = src.get("published")
        if published and rnd:
            day = dt.date.fromisoformat(str(published)[:10]) + dt.timedelta(days=(rnd * DAY_STEP) % DAYS)
            published = day.isoformat()
        out.append({"id": f"v{k:06d}", "title": title, "text": body, "outlet": src.get("outlet") or f"outlet {k % 40}",
                    "url": f"https://news{k % 40}.example/{k}", "published": published})
    return out


def child_pipeline(corpus: Path, engine: str = "local", workers: int = 0) -> dict[str, Any]:
    """In this process: what ``storyline run --engine ENGINE --workers N`` does, timed stage by stage."""
    from storyline import report
    from storyline.config import Settings
    from storyline.store import Store

    try:
        from storyline.engines import engine_for
    except ImportError:  # a revision before the engines: the pipeline's own calls (what `storyline run` did)
        engine_for = None
    settings = Settings.load()
    times: dict[str, float] = {}
    cpu_times: dict[str, float] = {}  # this process only (not the parse workers): the corpus-wide stages' own cost
    started = time.perf_counter()
    marks: list[tuple[str, float, float]] = []

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter(), time.process_time()))

    with tempfile.TemporaryDirectory() as tmp, Store(str(Path(tmp) / "s.db")) as store:
        if engine_for is None:
            from storyline import pipeline

            mark("ingest (read, clean, store)")
            result = pipeline.ingest_paths([str(corpus)], store, settings)
            pipeline.analyse(pipeline.RunContext(store, settings, new_ids=result.new), on_stage=mark)
        else:
            result = engine_for(engine, workers=workers).run([str(corpus)], store, settings, on_stage=mark)
        mark("reports")
        data = report.stories_json(store)
        (Path(tmp) / "stories.json").write_text(json.dumps(data), encoding="utf-8")
        (Path(tmp) / "report.html").write_text(report.render_html(data), encoding="utf-8")
        mark("end")
        for (name, t0, c0), (_, t1, c1) in zip(marks, marks[1:], strict=False):
            label = {"ingest": "ingest (read, clean, store)"}.get(name, name)  # both engines parse in the nlp stage
            times[label] = t1 - t0
            cpu_times[label] = c1 - c0
        stories = len(data["stories"])
    total = time.perf_counter() - started
    return {"n": len(result.new), "stories": stories, "times": times, "total": total, "rss_mb": _peak_mb(),
            "cpu": _cpu_seconds(), "cpu_times": cpu_times}


def child_floor(corpus: Path, workers: int) -> dict[str, Any]:
    """In this process: the bare spaCy pass over the cleaned texts of the corpus, model load included."""
    from storyline import clean, ingest
    from storyline.config import Settings
    from storyline.model import Rejected
    from storyline.text.parser import MODEL

    settings = Settings.load()
    texts = [clean.clean_article(item.article, settings).text for item in ingest.read_inputs([str(corpus)], settings)
             if not isinstance(item, Rejected)]
    import spacy

    started = time.perf_counter()
    nlp = spacy.load(MODEL)
    n = sum(1 for _ in nlp.pipe(texts, batch_size=64, n_process=workers))
    return {"n": n, "total": time.perf_counter() - started, "workers": workers, "rss_mb": _peak_mb(),
            "cpu": _cpu_seconds()}


def _peak_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def _cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished children (the parse workers; not Ray's)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child(kind: str, corpus: Path, workers: int, engine: str = "local") -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return what it printed."""
    cmd = [sys.executable, __file__, "--child", kind, "--corpus", str(corpus), "--workers", str(workers),
           "--engine", engine]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _print_run(title: str, run: dict[str, Any]) -> None:
    """One pipeline run: seconds and articles per second of each stage, overall, and peak memory."""
    print(f"\n{title} ({run['n']} new, {run['stories']} stories)")
    cpu = run.get("cpu_times", {})
    for stage, seconds in run["times"].items():
        rate = run["n"] / seconds if seconds else float("inf")
        own = f"   main CPU {cpu[stage]:7.1f} s ({1000 * cpu[stage] / max(run['n'], 1):5.1f} ms/article)" \
            if stage in cpu else ""
        print(f"  {stage:<36}{seconds:9.1f} s  {rate:9.0f} articles/s{own}")
    print(f"  {'whole pipeline':<36}{run['total']:9.1f} s  {run['n'] / run['total']:9.1f} articles/s"
          f"   peak RSS {run['rss_mb']:.0f} MB")
    if "cpu" in run:  # the machine is shared: CPU seconds say what the run cost whatever else ran beside it
        share = run["cpu"] / run["total"]
        print(f"  {'CPU (this process + parse workers)':<36}{run['cpu']:9.1f} s  ({share:.0%} of one core)")


def _ray_table(corpus: Path, size: int, workers: int) -> None:
    """The Ray engine with 1 and ``workers`` parse actors against the local engine at the same worker counts."""
    counts = sorted({1, workers})
    local = {w: _child("pipeline", corpus, w, "local") for w in counts}
    ray = {w: _child("pipeline", corpus, w, "ray") for w in counts}
    for w in counts:
        _print_run(f"{size} articles, local engine, {w} worker(s)", local[w])
        _print_run(f"{size} articles, Ray engine, {w} parse actor(s) (peak RSS: the driver only)", ray[w])
    for w in counts:
        print(f"  {w} worker(s): Ray {ray[w]['total']:.1f} s, local {local[w]['total']:.1f} s: Ray overhead "
              f"{ray[w]['total'] / local[w]['total']:.2f}x")
    if len(counts) > 1:
        print(f"  speed-up 1 -> {workers} workers: Ray {ray[1]['total'] / ray[workers]['total']:.2f}x, "
              f"local {local[1]['total'] / local[workers]['total']:.2f}x")


def main() -> None:
    """Make the corpora, run the measurements, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="processes of the pipeline's parse and of the all-core floor (Ray: parse actors)")
    ap.add_argument("--engine", choices=["local", "ray"], default="local",
                    help="ray: the Ray engine with 1 and N actors against the local engine with 1 and N workers")
    ap.add_argument("--no-floor", action="store_true", help="skip the bare spaCy passes (the pipeline only)")
    ap.add_argument("--all-core-floor-only", action="store_true",
                    help="skip the one-process floor (the ratio needs only the all-core pass; saves time at 20k)")
    ap.add_argument("--child", choices=["pipeline", "floor"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        corpus = Path(args.corpus)
        got = (child_pipeline(corpus, args.engine, args.workers) if args.child == "pipeline"
               else child_floor(corpus, args.workers))
        print(json.dumps(got))
        return
    records = base_articles()
    print(f"{len(records)} source articles; {os.cpu_count()} cores; {args.workers} workers; engine {args.engine}")
    per_article: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            corpus.write_text("".join(json.dumps(r) + "\n" for r in varied(records, size)), encoding="utf-8")
            if args.engine == "ray":
                _ray_table(corpus, size, args.workers)
                continue
            run = _child("pipeline", corpus, args.workers)
            per_article[size] = run["total"] / max(run["n"], 1)
            _print_run(f"{size} articles, {args.workers} worker(s)", run)
            if args.no_floor:
                continue
            one = None if args.all_core_floor_only and args.workers > 1 else _child("floor", corpus, 1)
            every = _child("floor", corpus, args.workers) if args.workers > 1 or one is None else one
            if one is not None:
                print(f"  {'bare spaCy, 1 process':<36}{one['total']:9.1f} s  {one['n'] / one['total']:9.1f} articles/s"
                      f"   CPU {one.get('cpu', 0):.1f} s")
            print(f"  {f'bare spaCy, {args.workers} processes':<36}{every['total']:9.1f} s"
                  f"  {every['n'] / every['total']:9.1f} articles/s   CPU {every.get('cpu', 0):.1f} s")
            tail = f"  (/ one-process floor: {run['total'] / one['total']:.2f}x)" if one is not None else ""
            print(f"  ratio whole / all-core floor: {run['total'] / every['total']:.2f}x{tail}")
    if per_article:
        first = min(per_article)
        for size, cost in per_article.items():
            ratio = cost / per_article[first]
            print(f"time per article at {size}: {cost * 1000:.1f} ms ({ratio:.2f}x that at {first})")


if __name__ == "__main__":
    main()
