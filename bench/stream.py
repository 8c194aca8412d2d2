"""Stream ingest: what one and ten new articles cost when they arrive into a store of N analysed articles.

A stream run must cost what its own articles need (issue 17: one article into a 20k store in < 1 s beyond the
process start-up), not what the store holds. This bench copies a store (made by ``storyline run``, e.g. with the
articles of ``bench/throughput.py``'s generator), ingests new articles into the copy with ``storyline ingest``
in a fresh process, and prints for 1 and 10 new articles the wall seconds, the CPU seconds of that process, and
the same less the start-up (``storyline --version``, measured alone). The new articles are the generator's
next copies after the store's own (``--offset``, default the store's article count), or the files given.

The first run of a new release on an older store also pays one-time work (migrations, a stage keeping state it
did not keep before, the brief fitting the stories it has no kept parts of). ``--warm N`` ingests N other
generated articles into each copy first, untimed, so the figures are those of a store already in use.

``--in-process`` also measures what ``storyline serve`` and ``follow`` pay, which keep the pipeline loaded: in one
process, after the model load, the same ingest of each count, with the CPU of every stage.

Usage:
    python bench/stream.py --store /tmp/s5/store20k/store.db [--counts 1 10] [--new FILE ...] [--repeat 2]
                           [--warm 1] [--in-process]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from throughput import base_articles, varied  # noqa: E402 - the bench's own generator

STORYLINE = Path(sys.executable).with_name("storyline")  # the console script of this interpreter's install
WARM_OFFSET = 1000  # warm-up articles are generator copies this far past the store's size: never a measured one


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one command in a fresh process; exits on failure."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _new_articles(store: Path, count: int, offset: int | None) -> list[dict[str, object]]:
    """The generator's copies number ``offset`` .. ``offset + count`` (default offset: the store's size)."""
    if offset is None:
        with sqlite3.connect(store) as db:
            offset = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    return varied(base_articles(), offset + count)[offset:]


def _copy(store: Path, copy: Path) -> None:
    for suffix in ("", "-wal"):  # a store left open elsewhere may hold recent writes in its log
        if Path(f"{store}{suffix}").exists():
            shutil.copyfile(f"{store}{suffix}", f"{copy}{suffix}")


def _drop(copy: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)


def _in_process(store: Path, batches: list[list[dict[str, object]]], warm: list[dict[str, object]], tmp: Path) -> None:
    """Each batch ingested into a fresh copy in this process, the pipeline loaded once: CPU per stage."""
    sys.path.insert(0, str(REPO / "src"))
    from storyline import pipeline
    from storyline.config import Settings
    from storyline.context import RunContext
    from storyline.store import Store

    settings = Settings.load()
    started = time.process_time()
    nlp = RunContext(Store(":memory:"), settings).nlp
    nlp.parse_texts(["Warm the pipeline once."])  # the model loads on first use
    print(f"  in one process (serve, follow): model load {time.process_time() - started:.2f} s CPU")
    for records in batches:
        copy = tmp / "inproc.db"
        _copy(store, copy)
        db = Store(str(copy))
        if warm:
            done = pipeline.ingest_records(warm, db, settings)
            pipeline.analyse(RunContext(db, settings, new_ids=done.new, _nlp=nlp))
        stages: dict[str, float] = {}
        current: list[object] = [None, 0.0]

        def on_stage(name: str, stages: dict[str, float] = stages, current: list[object] = current) -> None:
            now = time.process_time()
            if current[0] is not None:
                stages[str(current[0])] = now - float(current[1])  # type: ignore[arg-type]
            current[0], current[1] = name, now

        first = time.process_time()
        done = pipeline.ingest_records(records, db, settings)
        ctx = RunContext(db, settings, new_ids=done.new, _nlp=nlp)
        pipeline.analyse(ctx, on_stage=on_stage)
        last = time.process_time()
        if current[0] is not None:
            stages[str(current[0])] = last - float(current[1])  # type: ignore[arg-type]
        db.close()
        _drop(copy)
        each = "  ".join(f"{name} {cpu:.2f}" for name, cpu in stages.items())
        print(f"  {len(records):>3} new article(s), in process: {last - first:6.2f} s CPU"
              f" ({(last - first) / max(len(records), 1):.2f} s each); by stage: {each}")


def main() -> None:
    """Measure the start-up, then each count of new articles into a fresh copy of the store."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="an analysed store (it is copied, never written)")
    ap.add_argument("--counts", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--new", nargs="*", help="JSON or JSONL files of new articles (default: generated)")
    ap.add_argument("--offset", type=int, help="first generator copy to use (default: the store's article count)")
    ap.add_argument("--repeat", type=int, default=1, help="measurements of each count (the fastest is printed)")
    ap.add_argument("--warm", type=int, default=0,
                    help="other generated articles ingested into each copy first, untimed (a store in use)")
    ap.add_argument("--in-process", action="store_true",
                    help="also ingest each count in this process after the model load (what serve and follow pay)")
    args = ap.parse_args()
    store = Path(args.store)
    with sqlite3.connect(store) as db:
        size = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    load = os.getloadavg()[0]
    print(f"store {store} ({size} articles); load average {load:.1f} on {os.cpu_count()} cores at the start")
    startup = min(_timed([str(STORYLINE), "--version"]) for _ in range(3))
    print(f"  start-up (storyline --version)         {startup[0]:6.2f} s wall  {startup[1]:6.2f} s CPU")
    given: list[dict[str, object]] = []
    for path in args.new or []:
        text = Path(path).read_text(encoding="utf-8")
        given += [json.loads(line) for line in text.splitlines() if line.strip()] if path.endswith(".jsonl") \
            else [json.loads(text)]
    # warm-up articles: generator copies far past the store's own and the measured ones
    warm = varied(base_articles(), size + WARM_OFFSET + args.warm)[size + WARM_OFFSET :] if args.warm else []
    if warm:
        print(f"  each copy first ingests {len(warm)} other article(s), untimed")
    with tempfile.TemporaryDirectory() as tmp:
        warm_file = Path(tmp) / "warm.jsonl"
        warm_file.write_text("".join(json.dumps(r) + "\n" for r in warm), encoding="utf-8")
        batches = []
        for count in args.counts:
            records = given[:count] if given else _new_articles(store, count, args.offset)
            batches.append(records)
            inp = Path(tmp) / f"new{count}.jsonl"
            inp.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            best: tuple[float, float] | None = None
            for _ in range(args.repeat):
                copy = Path(tmp) / "store.db"
                _copy(store, copy)
                if warm:
                    _timed([str(STORYLINE), "ingest", "--quiet", "--db", str(copy), str(warm_file)])
                got = _timed([str(STORYLINE), "ingest", "--quiet", "--db", str(copy), str(inp)])
                best = got if best is None or got[0] < best[0] else best
                _drop(copy)
            assert best is not None
            print(f"  {len(records):>3} new article(s) into {size}:  {best[0]:6.2f} s wall  {best[1]:6.2f} s CPU"
                  f"   beyond start-up: {best[0] - startup[0]:6.2f} s wall  {best[1] - startup[1]:6.2f} s CPU"
                  f"  ({(best[1] - startup[1]) / max(len(records), 1):.2f} s CPU each)")
        if args.in_process:
            _in_process(store, batches, warm, Path(tmp))
    print(f"  load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
