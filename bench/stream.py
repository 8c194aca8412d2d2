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

``--lazy-check N`` measures what the stories stage's stream shortcuts change where they act (stories of
SPLIT_SETTLED_MEMBERS or more, which no labelled corpus has; issue 13): in one process it stream-ingests the
generator's next N copies one at a time into two copies of the store, one with the shortcuts as shipped
(``split_pass`` / ``reassign_pass`` with ``lazy=True``) and one with them off (``lazy=False``: every changed story
judged in full, every single compared with every candidate), and prints the B-cubed P/R/F1 of the lazy copy's
stories against the other's (over all articles, and over the articles of the stories the runs touched), how many
articles sit in a different story, how often the shortcuts skipped work, and the stories stage's CPU in each.

Usage:
    python bench/stream.py --store /tmp/s5/store20k/store.db [--counts 1 10] [--new FILE ...] [--repeat 2]
                           [--warm 1] [--in-process]
    python bench/stream.py --store /tmp/s7/final-warm0.db --lazy-check 50
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from throughput import base_articles, varied  # noqa: E402 - the bench's own generator

STORYLINE = Path(sys.executable).with_name("storyline")  # the console script of this interpreter's install
WARM_OFFSET = 1000  # warm-up articles are generator copies this far past the store's size: never a measured one
# --lazy-check runs only the stages a story's membership depends on: the later ones (extract .. claims) read the
# stories and write their own records, never the clusterer's state, so they cannot change the comparison
LAZY_STAGES = ("nlp", "captions", "dedupe", "stories")
MAX_SHOWN = 10  # --lazy-check lists at most this many articles placed differently (a short screen)


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


@contextlib.contextmanager
def _eager(cluster: Any) -> Iterator[None]:
    """The stories stage's split and reassignment passes with ``lazy=False`` (what a batch run does) meanwhile."""
    kind = cluster.StoryClusterer
    split, reassign = kind.split_pass, kind.reassign_pass

    def split_pass(self: Any, *args: Any, lazy: bool = False, **kw: Any) -> Any:
        return split(self, *args, **kw)

    def reassign_pass(self: Any, *args: Any, lazy: bool = False, **kw: Any) -> Any:
        return reassign(self, *args, **kw)

    kind.split_pass, kind.reassign_pass = split_pass, reassign_pass
    try:
        yield
    finally:
        kind.split_pass, kind.reassign_pass = split, reassign


def _counting(cluster: Any, skips: dict[str, int]) -> None:
    """Count the work the lazy paths leave out: stories (and their members) not judged, singles not rehomed."""
    settled, may_rehome = cluster.StoryState.settled, cluster.StoryClusterer._may_rehome

    def counted_settled(self: Any) -> bool:
        out = bool(settled(self))
        skips["split: stories left unjudged"] += out
        skips["split: leave-one-outs left out"] += len(self.members) if out else 0
        return out

    def counted_rehome(self: Any, *args: Any) -> bool:
        out = bool(may_rehome(self, *args))
        skips["rehome: singles not compared with every candidate"] += not out
        return out

    cluster.StoryState.settled, cluster.StoryClusterer._may_rehome = counted_settled, counted_rehome


def _counting_changes(cluster: Any, changes: dict[str, int], mode: list[str]) -> None:
    """Count the stories the split and reassignment passes changed, by copy (``mode[0]``): what there was for
    the lazy paths to miss."""
    kind = cluster.StoryClusterer

    def counted(step: str) -> Any:
        run = getattr(kind, f"{step}_pass")

        def passed(self: Any, *args: Any, **kw: Any) -> Any:
            out = run(self, *args, **kw)
            changes[f"{mode[0]} {step}"] += len(out)
            return out
        return passed

    kind.split_pass, kind.reassign_pass = counted("split"), counted("reassign")


def _placements(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Every article's story, and its storyline (its story's id when it has none), read from a store file."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT a.id, COALESCE(a.story, a.id), COALESCE(s.storyline, a.story, a.id) FROM articles a"
                          " LEFT JOIN stories s ON s.id = a.story").fetchall()
    return {a: s for a, s, _ in rows}, {a: line for a, _, line in rows}


def _lazy_check(store: Path, records: list[dict[str, object]], tmp: Path) -> None:
    """Each record stream-ingested alone into two copies, stories lazy and not: their difference, their CPU."""
    sys.path.insert(0, str(REPO / "src"))
    from stories import bcubed  # bench/stories.py

    from storyline import pipeline
    from storyline.config import Settings
    from storyline.context import RunContext
    from storyline.store import Store
    from storyline.stories import cluster

    settings = Settings.load()
    nlp = RunContext(Store(":memory:"), settings).nlp
    nlp.parse_texts(["Warm the pipeline once."])  # the model loads on first use
    cpu = {"lazy": 0.0, "full": 0.0}

    def timed(run: Any, name: str) -> Any:
        def stage(ctx: Any) -> None:
            started = time.process_time()
            run(ctx)
            cpu[name] += time.process_time() - started
        return stage

    stages = {name: [dataclasses.replace(s, run=timed(s.run, name)) if s.name == "stories" else s
                     for s in pipeline.STAGES if s.name in LAZY_STAGES] for name in cpu}
    skips: dict[str, int] = dict.fromkeys(["split: stories left unjudged", "split: leave-one-outs left out",
                                           "rehome: singles not compared with every candidate"], 0)
    _counting(cluster, skips)
    changes = {f"{name} {step}": 0 for name in cpu for step in ("split", "reassign")}
    mode = ["lazy"]
    _counting_changes(cluster, changes, mode)
    paths = {name: tmp / f"{name}.db" for name in cpu}
    for path in paths.values():
        _copy(store, path)
    dbs = {name: Store(str(path)) for name, path in paths.items()}
    touched: set[str] = set()
    started = time.perf_counter()
    for record in records:
        for name, db in dbs.items():
            done = pipeline.ingest_records([record], db, settings)
            ctx = RunContext(db, settings, new_ids=done.new, _nlp=nlp)
            mode[0] = name
            with contextlib.nullcontext() if name == "lazy" else _eager(cluster):
                pipeline.analyse(ctx, stages=stages[name], resume=False)
            touched |= ctx.touched_stories
    wall = time.perf_counter() - started
    for db in dbs.values():
        db.close()
    (lazy, lazy_lines), (full, full_lines) = (_placements(paths[name]) for name in cpu)
    for path in paths.values():
        _drop(path)
    near = {a for a in full if full[a] in touched or lazy[a] in touched}
    moved = sum(lazy[a] != full[a] for a in full)
    groups = {name: {frozenset(a for a in got if got[a] == sid) for sid in {got[a] for a in near}}
              for name, got in (("lazy", lazy), ("full", full))}
    print(f"  lazy check: {len(records)} article(s) stream-ingested one at a time into two copies of the store"
          f" ({wall:.0f} s wall), stages {' '.join(LAZY_STAGES)}")
    for label, ids in (("all articles", full), ("articles of touched stories", near)):
        p, r, f = bcubed({a: lazy[a] for a in ids}, {a: full[a] for a in ids})
        lp, lr, lf = bcubed({a: lazy_lines[a] for a in ids}, {a: full_lines[a] for a in ids})
        print(f"    lazy vs full over {len(ids)} {label}: stories B-cubed P {p:.4f} R {r:.4f} F1 {f:.4f};"
              f" storylines P {lp:.4f} R {lr:.4f} F1 {lf:.4f}")
    print(f"    articles in a different story (by id): {moved};  member sets of touched stories found only in lazy:"
          f" {len(groups['lazy'] - groups['full'])}, only in full: {len(groups['full'] - groups['lazy'])}")
    sizes = {name: Counter(got.values()) for name, got in (("lazy", lazy), ("full", full))}
    for a in sorted(a for a in full if lazy[a] != full[a])[:MAX_SHOWN]:
        print(f"      {a}: lazy in a story of {sizes['lazy'][lazy[a]]}, full in one of {sizes['full'][full[a]]}")
    print("    stories changed by the split / reassignment passes: " + ";  ".join(
        f"{name} {changes[name + ' split']} / {changes[name + ' reassign']}" for name in cpu))
    print("    lazy paths skipped: " + ";  ".join(f"{k} {v}" for k, v in skips.items()))
    n = max(len(records), 1)
    print(f"    stories stage CPU: lazy {cpu['lazy']:.2f} s ({cpu['lazy'] / n:.3f} s each)"
          f"  full {cpu['full']:.2f} s ({cpu['full'] / n:.3f} s each)")


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
    ap.add_argument("--lazy-check", type=int, metavar="N",
                    help="only compare N articles' stories with the stories stage's lazy paths on and off")
    args = ap.parse_args()
    store = Path(args.store)
    with sqlite3.connect(store) as db:
        size = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    load = os.getloadavg()[0]
    print(f"store {store} ({size} articles); load average {load:.1f} on {os.cpu_count()} cores at the start")
    if args.lazy_check:
        with tempfile.TemporaryDirectory() as tmp:
            _lazy_check(store, _new_articles(store, args.lazy_check, args.offset), Path(tmp))
        print(f"  load average {os.getloadavg()[0]:.1f} at the end")
        return
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
