"""Bench the clean stage: what it removes and flags on real pages, and how fast it runs.

Reads the dev corpus (JSON lines, through the real JSON reader) and, when given, the sample text files
(through the real text reader), cleans every article with :func:`storyline.clean.clean_with_log`, and prints:
paragraphs in, removed and flagged by reason, the off-topic paragraphs (the first words of each, to check by
eye), byline and date fields read from the text; then speed over the corpus repeated to ``--repeat`` times
its size (articles per second, CPU and wall time) against a baseline measured in the same run (whitespace
tidying alone, the cheapest thing the cleaner does to every paragraph), and peak memory (tracemalloc).

Usage:
    .venv/bin/python bench/clean.py [DEV.jsonl] [--samples DIR] [--repeat 20]
    (default: ../shared/dev-corpus/articles.jsonl, ../shared/samples)
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))  # this checkout's src/ before an installed storyline (hence E402 below)

from storyline.clean import clean_articles, clean_with_log, tidy  # noqa: E402
from storyline.config import Settings  # noqa: E402
from storyline.ingest.article import finish_article  # noqa: E402
from storyline.ingest.jsonl import article_from_record  # noqa: E402
from storyline.ingest.text import article_from_text  # noqa: E402
from storyline.model import Article  # noqa: E402


def load(dev: Path, samples: Path | None) -> list[tuple[str, Article]]:
    """(source name, article) for every dev-corpus record and sample file, as the readers give them."""
    out = []
    for line in dev.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out.append((str(rec.get("id")), finish_article(article_from_record(rec), rec.get("id"))))
    if samples is not None and samples.is_dir():
        for path in sorted(samples.glob("*.txt")):
            out.append((path.name[:3], finish_article(article_from_text(path.read_text(encoding="utf-8")))))
    return out


def report(corpus: list[tuple[str, Article]], settings: Settings, label: str) -> None:
    """Print what the cleaner removes and flags in one corpus."""
    reasons: Counter[str] = Counter()
    paragraphs = removed = flagged = 0
    off_topic: list[str] = []
    fields: Counter[str] = Counter()
    for name, art in corpus:
        paragraphs += len(art.paragraphs)
        had_byline, had_date = art.byline, art.published
        art, log = clean_with_log(copy.deepcopy(art), settings)
        for reason, text in log:
            if reason.startswith("flag:"):
                flagged += 1
                for flag in reason[5:].split(","):
                    reasons["flag " + flag] += 1
                if "off_topic" in reason:
                    off_topic.append(f"{name}: {' '.join(text.split()[:12])}")
            else:
                removed += 1
                reasons[reason] += 1
        fields["byline from text"] += bool(art.byline and not had_byline)
        fields["date from text"] += bool(art.published and not had_date)
    print(f"== {label}: {len(corpus)} articles, {paragraphs} paragraphs in; removed {removed}, flagged {flagged}")
    print("   " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])))
    print("   " + ", ".join(f"{k} {v}" for k, v in fields.items()))
    print(f"   off-topic paragraphs ({len(off_topic)}):")
    for line in off_topic:
        print("     " + line)


def speed(corpus: list[tuple[str, Article]], settings: Settings, repeat: int) -> None:
    """Print articles per second of the cleaner and of the tidy-only baseline, and peak memory."""
    batch = [copy.deepcopy(art) for _ in range(repeat) for _, art in corpus]
    n = len(batch)
    t0, c0 = time.perf_counter(), time.process_time()
    for art in batch:
        for p in art.paragraphs:
            tidy(p.text)
    base_cpu = time.process_time() - c0
    batch = [copy.deepcopy(art) for _ in range(repeat) for _, art in corpus]
    t0, c0 = time.perf_counter(), time.process_time()
    clean_articles(batch, settings)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    once = [copy.deepcopy(art) for _, art in corpus]  # memory on one pass (tracemalloc slows Python down)
    tracemalloc.start()
    clean_articles(once, settings)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    chars = sum(len(a.text) for _, a in corpus) / max(len(corpus), 1)
    print(f"== speed over {n} articles (~{chars:.0f} characters each)")
    print(f"   clean: {n / cpu:,.0f} articles/s CPU, {n / wall:,.0f} articles/s wall")
    print(f"   baseline (tidy only): {n / base_cpu:,.0f} articles/s CPU")
    print(f"   peak traced memory cleaning {len(once)} articles: {peak / 1e6:.1f} MB")


def main() -> None:
    """Parse arguments, print the report and the speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default=str(REPO.parent / "shared" / "dev-corpus" / "articles.jsonl"))
    parser.add_argument("--samples", default=str(REPO.parent / "shared" / "samples"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings = Settings.load()
    corpus = load(Path(args.dev), Path(args.samples) if args.samples else None)
    dev = [(n, a) for n, a in corpus if not n.isdigit()]
    samples = [(n, a) for n, a in corpus if n.isdigit()]
    report(dev, settings, "dev corpus")
    if samples:
        report(samples, settings, "samples")
    speed(corpus, settings, args.repeat)


if __name__ == "__main__":
    main()
