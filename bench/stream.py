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

Usage:
    python bench/stream.py --store /tmp/s5/store20k/store.db [--counts 1 10] [--new FILE ...] [--repeat 2]
                           [--warm 1]
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
        for count in args.counts:
            records = given[:count] if given else _new_articles(store, count, args.offset)
            inp = Path(tmp) / f"new{count}.jsonl"
            inp.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            best: tuple[float, float] | None = None
            for _ in range(args.repeat):
                copy = Path(tmp) / "store.db"
                for suffix in ("", "-wal"):  # a store left open elsewhere may hold recent writes in its log
                    if Path(f"{store}{suffix}").exists():
                        shutil.copyfile(f"{store}{suffix}", f"{copy}{suffix}")
                if warm:
                    _timed([str(STORYLINE), "ingest", "--quiet", "--db", str(copy), str(warm_file)])
                got = _timed([str(STORYLINE), "ingest", "--quiet", "--db", str(copy), str(inp)])
                best = got if best is None or got[0] < best[0] else best
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{copy}{suffix}").unlink(missing_ok=True)
            assert best is not None
            print(f"  {len(records):>3} new article(s) into {size}:  {best[0]:6.2f} s wall  {best[1]:6.2f} s CPU"
                  f"   beyond start-up: {best[0] - startup[0]:6.2f} s wall  {best[1] - startup[1]:6.2f} s CPU"
                  f"  ({(best[1] - startup[1]) / max(len(records), 1):.2f} s CPU each)")
    print(f"  load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
