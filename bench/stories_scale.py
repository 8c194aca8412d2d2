"""CPU of the stories stage alone at growing corpus sizes, from article features already computed.

The whole pipeline on 20,000 articles takes about 25 minutes; the stories stage's share of it can be measured
alone. A store built by ``storyline run`` (default: the 20k store of ``bench/throughput.py``'s generator,
``/tmp/s5/store20k/store.db``) holds every article and the features the stage computed from its parse (state
rows ``feat:<id>``). The store is copied once (it is never written to), its articles and features are read
into a work folder, and for each size N a fresh process:

* makes a new store holding the first N articles (``--order time``: by the stage's own time order, so a
  larger size is a longer stretch of the same daily flow; ``--order ingest``: the first N read, which are the
  throughput bench's N-article corpus);
* runs ``stories.run`` over them as the first ``storyline run`` does (a stream run into an empty stage state),
  with featurisation replaced by the stored features, and times it with ``time.process_time`` (optionally
  under cProfile, whose top list is printed).

Each size runs once with this tree's code and, with ``--baseline REV``, once with that revision's (a
temporary git worktree), in the same sitting. Printed: CPU per article at each size, the ratio of the largest
to the smallest size (target, issue 17: within 1.15x), and a digest of the stories made (which articles go
together), so that two codes can be checked to cluster the same corpus the same way.

Usage:
    python bench/stories_scale.py [--sizes 1000 5000 20000] [--baseline REV] [--order time|ingest]
                                  [--profile] [--store STORE.db] [--work DIR] [--against SRC] [--src SRC]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_STORE = Path("/tmp/s5/store20k/store.db")
PROFILE_LINES = 25  # top entries of a profile printed (by own time), enough to see every hot spot
SORT = "tottime"


def prepare(store_path: Path, work: Path) -> Path:
    """Read the articles and stored features of ``store_path`` (through a copy) into ``work``; the data file."""
    data = work / "data.jsonl"
    if data.exists():
        return data
    from storyline.store import Store

    copy = work / "copy.db"
    shutil.copyfile(store_path, copy)  # opening a store may migrate it: never the original
    wal = store_path.with_name(store_path.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    store = Store(copy)
    feats = {k[len("feat:"):]: json.loads(v) for k, v in store.get_state("stories", prefix="feat:").items()}
    tmp = data.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for art in store.iter_articles():
            art.story = None
            fh.write(json.dumps({"article": art.to_dict(), "features": feats.get(art.id)}) + "\n")
    store.close()
    copy.unlink()
    tmp.rename(data)
    return data


def child(data: Path, size: int, order: str, profile: bool, db: Path) -> dict[str, Any]:
    """Time the stories stage over the first ``size`` articles in a new store (runs in its own process)."""
    from storyline.config import Settings
    from storyline.context import RunContext
    from storyline.model import Article
    from storyline.store import Store
    from storyline.stories import stage
    from storyline.stories.features import ArticleFeatures

    rows = [json.loads(line) for line in data.open(encoding="utf-8")]
    articles = [Article.from_dict(r["article"]) for r in rows]
    if order == "time":
        seq = {a.id: i for i, a in enumerate(articles)}
        chosen = {a.id for a in sorted(articles, key=lambda a: stage._time_key(a, seq[a.id]))[:size]}
        articles = [a for a in articles if a.id in chosen]  # stored in ingest order, as read
    else:
        articles = articles[:size]
    feats = {r["article"]["id"]: ArticleFeatures.from_dict(r["features"]) for r in rows if r["features"]}
    store = Store(db)
    store.add_articles(articles)

    def stored_features(map_articles: Any, store: Any, todo: Any, settings: Any) -> dict[str, Any]:
        return {a.id: feats[a.id] for a in todo if a.id in feats}

    stage._featurise_all = stored_features  # type: ignore[assignment]  # the parse's work is not measured here
    ctx = RunContext(store, Settings.load(), new_ids=[a.id for a in articles], workers=1)
    prof = cProfile.Profile() if profile else None
    start = time.process_time()
    if prof is not None:
        prof.enable()
    stage.run(ctx)
    if prof is not None:
        prof.disable()
    cpu = time.process_time() - start
    groups = sorted(sorted(s.articles) for s in store.iter_stories())
    digest = hashlib.sha1(json.dumps(groups).encode()).hexdigest()[:12]
    out: dict[str, Any] = {"size": len(articles), "cpu": cpu, "stories": len(groups), "digest": digest}
    if prof is not None:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(SORT).print_stats(PROFILE_LINES)
        out["profile"] = buf.getvalue()
    store.close()
    return out


def run_child(src: Path, data: Path, size: int, order: str, profile: bool, work: Path) -> dict[str, Any]:
    """One measurement in a fresh process with the code of ``src``."""
    db = work / f"run-{size}.db"
    for p in work.glob(f"run-{size}.db*"):
        p.unlink()
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--child", str(size), "--data", str(data), "--order", order, "--db", str(db)]
    if profile:
        cmd.append("--profile")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    for p in work.glob(f"run-{size}.db*"):
        p.unlink()
    if done.returncode:
        raise SystemExit(f"child failed ({src}, {size}):\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    """Prepare the data, measure each code at each size, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--baseline", help="git revision to measure too, in the same sitting")
    ap.add_argument("--against", help="a src folder of other code to measure too (instead of --baseline)")
    ap.add_argument("--src", default=str(REPO / "src"), help="the code measured as 'now' (default this tree's)")
    ap.add_argument("--order", choices=["time", "ingest"], default="time")
    ap.add_argument("--profile", action="store_true", help="run under cProfile and print its top list")
    ap.add_argument("--store", default=str(DEFAULT_STORE))
    ap.add_argument("--work", help="folder for the extracted data (kept between runs); default a temporary one")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.data), args.child, args.order, args.profile, Path(args.db))))
        return
    work = Path(args.work or tempfile.mkdtemp(prefix="storyline-stories-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    data = prepare(Path(args.store), work)
    codes = [("now", Path(args.src))]
    tree = work / "baseline"
    if args.baseline:
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), args.baseline], cwd=REPO,
                       check=True)
        codes.insert(0, (f"before ({args.baseline})", tree / "src"))
    elif args.against:
        codes.insert(0, ("before", Path(args.against)))
    try:
        results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in codes}
        for size in args.sizes:  # the codes take turns at each size: a change of load hits both alike
            for name, src in codes:
                got = run_child(src, data, size, args.order, args.profile, work)
                results[name].append(got)
                ms = 1000 * got["cpu"] / got["size"]
                print(f"{name:<22} {got['size']:>6} articles  stories CPU {got['cpu']:8.1f} s  {ms:6.2f} ms/article  "
                      f"{got['stories']:>6} stories  digest {got['digest']}", flush=True)
                if args.profile:
                    print(got["profile"])
        print()
        for name, rows in results.items():
            per = [1000 * r["cpu"] / r["size"] for r in rows]
            ratio = per[-1] / per[0] if per[0] else float("nan")
            print(f"{name:<22} ms/article " + " -> ".join(f"{p:.2f}" for p in per)
                  + f"   ratio {rows[-1]['size']}/{rows[0]['size']}: {ratio:.2f}x (target <= 1.15x)")
        if len(codes) > 1:
            same = [a["digest"] == b["digest"] for a, b in zip(*results.values(), strict=True)]
            print("same stories as the baseline at each size: " + ", ".join(map(str, same)))
    finally:
        if args.baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=False)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
