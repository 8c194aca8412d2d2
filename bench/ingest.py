"""Ingest bench: articles per second and peak memory for reading alone and for ingest + clean + store.

The demo corpus (``examples/demo``) is copied again and again, each copy varied so that every article gets a
new id, until the input holds about 5,000 articles in the demo's mix of formats. Without a demo corpus a small
generated one in every format (text, HTML, JSON lines, RSS, WARC) stands in. Two runs over the same input:

* read only: ``ingest.read_inputs`` (the baseline);
* full: ``pipeline.ingest_paths``, i.e. read, ``clean.clean_article`` and ``Store.add_articles`` into a
  temporary SQLite file, in the pipeline's batches.

Each run is timed without tracing, then repeated under tracemalloc for the peak of Python allocations;
ru_maxrss is the process's peak resident memory so far. With the real inputs at hand it also checks that the
five samples and the 84 dev-corpus pages read without a rejection.

Usage:
    python bench/ingest.py [--demo examples/demo] [--n 5000] [--dev-corpus ../shared/dev-corpus/articles.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import resource
import shutil
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import pipeline
from storyline.config import Settings
from storyline.ingest import Read, format_of, read_inputs
from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent

# Words for generated articles when there is no demo corpus: enough variety for distinct, readable text.
_SUBJECTS = [
    "The city council",
    "Mayor José Ruiz",
    "The port authority",
    "A county judge",
    "The school board",
    "State officials",
    "The transit agency",
    "Local farmers",
    "The health department",
]
_VERBS = ["approved", "rejected", "delayed", "questioned", "announced", "defended", "reviewed", "expanded"]
_OBJECTS = [
    "a plan for a new bridge",
    "the budget for next year",
    "a rule on water use",
    "the ferry timetable",
    "a contract for road repairs",
    "new limits on building height",
    "a grant for the library",
]
_TAILS = [
    "after a long debate on Tuesday",
    "and called it “a fair deal” for the town",
    "despite protests outside the hall",
    "in a vote of seven to two",
    "and said more hearings would follow",
    "citing the cost to taxpayers",
    "as residents watched online",
]


def _sentence(i: int, j: int) -> str:
    """A generated sentence, different for each (article, position)."""
    return (
        f"{_SUBJECTS[(i + j) % len(_SUBJECTS)]} {_VERBS[(i * 3 + j) % len(_VERBS)]} "
        f"{_OBJECTS[(i + 2 * j) % len(_OBJECTS)]} {_TAILS[(i * 5 + j) % len(_TAILS)]}."
    )


def _paragraphs(i: int) -> list[str]:
    """Four generated paragraphs of three sentences."""
    return [" ".join(_sentence(i, 3 * p + s) for s in range(3)) for p in range(4)]


def _html(title: str, paras: list[str], date: str) -> str:
    """A small news page with navigation and footer boilerplate around the article."""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<html><head><title>{title} | Bench Herald</title><meta property='og:site_name' content='Bench Herald'>"
        f"<meta property='article:published_time' content='{date}'></head><body><nav>Home News Sport</nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Subscribe today.</footer></body></html>"
    )


def generate_corpus(root: Path, per_format: int = 8) -> None:
    """A stand-in demo corpus: a few articles in every input format."""
    root.mkdir(parents=True, exist_ok=True)
    n = 0
    for _ in range(per_format):
        paras = _paragraphs(n)
        (root / f"gen{n:03d}.txt").write_text(f"Bench story {n}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        n += 1
    for _ in range(per_format):
        (root / f"gen{n:03d}.html").write_text(
            _html(f"Bench story {n}", _paragraphs(n), "2018-01-24"), encoding="utf-8"
        )
        n += 1
    with (root / "gen.jsonl").open("w", encoding="utf-8") as f:
        for _ in range(per_format):
            f.write(
                json.dumps(
                    {
                        "id": f"gen-{n}",
                        "title": f"Bench story {n}",
                        "text": "\n\n".join(_paragraphs(n)),
                        "published": "2018-01-25",
                        "outlet": "Bench Wire",
                    }
                )
                + "\n"
            )
            n += 1
    items = []
    for _ in range(per_format):
        desc = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in _paragraphs(n))
        items.append(
            f"<item><title>Bench story {n}</title><link>http://bench.example/{n}</link>"
            f"<pubDate>Fri, 26 Jan 2018 10:00:00 GMT</pubDate><description>{desc}</description></item>"
        )
        n += 1
    (root / "gen.rss").write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench Feed</title>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    pages = []
    for _ in range(per_format):
        pages.append((f"http://bench.example/w{n}", _html(f"Bench story {n}", _paragraphs(n), "2018-01-27").encode()))
        n += 1
    (root / "gen.warc.gz").write_bytes(_warc(pages))


def _warc(pages: list[tuple[str, bytes]] | list[tuple[str, bytes, str, str | None]]) -> bytes:
    """A gzipped WARC with one response per (url, body[, content type, WARC-Date])."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for page in pages:
        url, body = page[0], page[1]
        ctype = page[2] if len(page) > 2 else "text/html; charset=utf-8"  # type: ignore[misc]
        date = page[3] if len(page) > 3 else None  # type: ignore[misc]
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        extra = {"WARC-Date": date} if date else None
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=headers,
                warc_headers_dict=extra,
            )
        )
    return buf.getvalue()


def _vary_html(html: str, k: int) -> str:
    """An HTML page with one extra sentence in its article, so its content (and id) differ."""
    note = f"<p>Bench copy {k} of this page.</p>"
    for tag in ("</article>", "</main>", "</body>"):
        if tag in html:
            return html.replace(tag, note + tag, 1)
    return html + note


def vary(src: Path, dst: Path, k: int) -> None:
    """Write copy number k of an input file, changed so that each article in it gets a new id."""
    fmt = format_of(src)
    if fmt == "warc":
        opener = gzip.open if src.name.endswith(".gz") else open
        pages: list[tuple[str, bytes, str, str | None]] = []
        with opener(src, "rb") as stream:  # type: ignore[operator]
            for rec in ArchiveIterator(stream):
                if rec.rec_type == "response" and rec.http_headers is not None:
                    ctype = rec.http_headers.get_header("Content-Type") or "application/octet-stream"
                    body = rec.content_stream().read()
                    if "html" in ctype:  # an ASCII note, so the page's own charset still applies
                        body = _vary_html(body.decode("latin-1"), k).encode("latin-1")
                    pages.append(
                        (
                            rec.rec_headers.get_header("WARC-Target-URI") or "",
                            body,
                            ctype,
                            rec.rec_headers.get_header("WARC-Date"),
                        )
                    )
        dst.write_bytes(_warc(pages))
        return
    text = src.read_bytes().decode("utf-8", "replace")
    if fmt in ("jsonl", "json"):

        def one(rec: dict[str, object]) -> dict[str, object]:
            """The record with a new id and title."""
            rec = dict(rec)
            if "id" in rec:
                rec["id"] = f"{rec['id']}~{k}"
            rec["title"] = f"{rec.get('title') or ''} ({k})"
            return rec

        if fmt == "json" and text.lstrip().startswith("["):
            dst.write_text(json.dumps([one(r) for r in json.loads(text)]), encoding="utf-8")
        else:
            out = [json.dumps(one(json.loads(line))) for line in text.splitlines() if line.strip()]
            dst.write_text("\n".join(out) + "\n", encoding="utf-8")
    elif fmt == "html":
        dst.write_text(_vary_html(text, k), encoding="utf-8")
    elif fmt == "feed":
        dst.write_text(re.sub(r"</title>", f" ({k})</title>", text), encoding="utf-8")
    else:  # plain text: the headline changes
        first, _, rest = text.partition("\n")
        dst.write_text(f"{first} ({k})\n{rest}", encoding="utf-8")


def build_input(demo: Path, work: Path, n: int, settings: Settings) -> tuple[Path, int, Counter[str]]:
    """Copies of the demo corpus under work/input until about n articles; returns the dir, count and formats."""
    files = [f for f in sorted(demo.rglob("*")) if f.is_file() and format_of(f) and not f.name.startswith(".")]
    per_copy = sum(isinstance(r, Read) for r in read_inputs([str(f) for f in files], settings))
    if per_copy == 0:
        raise SystemExit(f"{demo}: no readable articles")
    copies = -(-n // per_copy)
    root = work / "input"
    for k in range(copies):
        for f in files:
            dst = root / f"copy{k:04d}" / f.relative_to(demo)
            dst.parent.mkdir(parents=True, exist_ok=True)
            vary(f, dst, k)
    formats = Counter(r.format for r in read_inputs([str(demo)], settings) if isinstance(r, Read))
    return root, per_copy * copies, formats


def measure(name: str, fn: Callable[[], int], baseline: float | None = None) -> float:
    """Time fn (untraced), then rerun it under tracemalloc for its peak; print one line; return the rate."""
    start, cpu_start = time.perf_counter(), time.process_time()
    count = fn()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = count / seconds if seconds else float("inf")
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    share = f"  ({rate / baseline:.0%} of read-only rate)" if baseline else ""
    # CPU seconds too: on a shared, loaded machine the wall-clock rate swings with the other processes.
    print(
        f"{name:<28} {count:>6} articles  {seconds:7.2f} s  {rate:8.1f} articles/s  "
        f"(CPU {cpu:6.2f} s, {count / max(cpu, 1e-9):7.1f} articles/CPU-s)  "
        f"tracemalloc peak {peak / 2**20:7.1f} MiB  ru_maxrss {maxrss_mb:7.1f} MiB{share}"
    )
    return rate


def check_real_inputs(samples: Path, dev: Path, settings: Settings) -> None:
    """Read the shared samples and the dev corpus and print how many were read and rejected."""
    for path in (samples, dev):
        if not path.exists():
            print(f"{path}: not found, skipped")
            continue
        items = list(read_inputs([str(path)], settings))
        reads = [r for r in items if isinstance(r, Read)]
        rejected = [str(r) for r in items if not isinstance(r, Read)]
        langs = Counter(r.article.language for r in reads)
        print(f"{path}: {len(reads)} read, {len(rejected)} rejected, languages {dict(langs)}")
        for line in rejected:
            print("   rejected:", line)


def main(argv: list[str] | None = None) -> None:
    """Build the input, run both measurements, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", type=Path, default=REPO / "examples" / "demo")
    parser.add_argument("--n", type=int, default=5000, help="articles to ingest (default 5000)")
    parser.add_argument("--samples", type=Path, default=REPO.parent / "shared" / "samples")
    parser.add_argument("--dev-corpus", type=Path, default=REPO.parent / "shared" / "dev-corpus" / "articles.jsonl")
    args = parser.parse_args(argv)
    settings = Settings.load()
    check_real_inputs(args.samples, args.dev_corpus, settings)

    work = Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    try:
        demo = args.demo
        if not demo.is_dir() or not any(format_of(f) for f in demo.rglob("*") if f.is_file()):
            print(f"{demo}: no demo corpus, using a generated one (8 articles in each of 5 formats)")
            demo = work / "generated"
            generate_corpus(demo)
        root, count, formats = build_input(demo, work, args.n, settings)
        print(f"input: {count} articles from {demo} ({dict(formats)} per copy), in {root}")

        def read_only() -> int:
            """Read every input; the number of articles."""
            return sum(isinstance(r, Read) for r in read_inputs([str(root)], settings))

        def full() -> int:
            """Read, clean and store into a fresh file; the number of new articles."""
            db = work / "bench.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            with Store(db) as store:
                report = pipeline.ingest_paths([str(root)], store, settings)
                if report.rejected:
                    print(f"   {len(report.rejected)} rejected, first: {report.rejected[0]}")
                return len(report.new)

        print(f"load average before the runs: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        # The baseline runs before and after the full run: on a shared machine the spread shows the noise.
        first = measure("read only (baseline)", read_only)
        measure("read + clean + store", full, baseline=first)
        second = measure("read only (baseline, again)", read_only)
        print(f"read + clean + store is measured against read-only rates {first:.1f} and {second:.1f} articles/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
