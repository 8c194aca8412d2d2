"""Bench the details a reader checks line by line on real pages: timeline dates, junk lines, quote speakers.

Runs the whole pipeline (``storyline run``) over the development pages (``../shared/dev-corpus/articles.jsonl``)
twice in this run: once with the code of this tree and once with the code of a baseline revision (default
``HEAD``, i.e. the code before an uncommitted change; a temporary git worktree), then scores both
``stories.json`` files with the annotators' scorer (``../shared/dev-corpus/details/score_details.py``) against
the annotations of every dated sentence and every quotation.

The annotations come in two chunks: ``dev-1`` is the **tune** half (choose constants on it) and ``dev-2`` the
**check** half (report it); each half holds pages of every story. Each half is scored on its own (the scorer
is run on a copy of the details folder holding only that chunk), so quote recall counts only that half's
quotations.

Printed for each half and each code: timeline accuracy (date right at its precision, of the dated lines shown
that match an annotated sentence), junk rate (lines the annotation calls no event or page furniture), quote
speaker accuracy (of the quotes shown that are real quotations), quote recall (annotated attributed quotations
that are shown), and the counts behind them. Targets (issue 12): timeline >= 0.95, junk <= 0.02, speakers >= 0.90,
recall >= 0.80.

Usage:
    python bench/details.py [--baseline REV] [--corpus ARTICLES.jsonl] [--details DIR] [--examples] [--show tune]

``--show tune`` lists, for the tune half only, every shown quote the scorer matches (its verdict, the speaker
shown and the annotated one) and every attributed quotation that is not shown: the lines to look at when tuning
the quote rules. The check half is never listed, so nobody tunes on it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "dev-corpus"
HALVES = (("tune", "dev-1"), ("check", "dev-2"))
FIGURES = (
    ("timeline_accuracy", "timeline accuracy", ">= 0.95"),
    ("timeline_junk_rate", "junk rate", "<= 0.02"),
    ("quote_accuracy", "quote speaker accuracy", ">= 0.90"),
    ("quote_recall", "quote recall", ">= 0.80"),
)
COUNTS = ("timeline_lines", "timeline_matched", "timeline_wrong", "timeline_junk", "quotes_shown", "quote_matched",
          "quote_wrong", "quote_missing", "quote_not_quote")


def run_pipeline(src: Path, corpus: Path, out: Path) -> tuple[Path, float]:
    """``storyline run`` with the package at ``src`` on a fresh store; the stories.json path and the seconds."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "storyline.cli", "--quiet", "--db", str(out / "storyline.db"), "run", str(corpus),
           "--out", str(out)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # 1: some inputs failed, the rest ran
        raise SystemExit(f"storyline run failed with {src}:\n{done.stderr[-2000:]}")
    return out / "stories.json", time.perf_counter() - started


def score_half(
    details: Path, chunk: str, stories: Path, work: Path, examples: bool, show: bool = False
) -> dict[str, object]:
    """The scorer's figures for one chunk: it runs on a copy of the details folder holding only that chunk."""
    half = work / f"details-{chunk}"
    (half / "chunks").mkdir(parents=True, exist_ok=True)
    (half / "out").mkdir(parents=True, exist_ok=True)
    shutil.copy(details / "score_details.py", half)
    shutil.copy(details / "chunks" / f"{chunk}.json", half / "chunks" / "dev-0.json")
    shutil.copy(details / "out" / f"{chunk}.jsonl", half / "out" / "dev-0.jsonl")
    cmd = [sys.executable, str(half / "score_details.py"), str(stories), "dev", "--json"]
    got = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    if show and chunk == HALVES[0][1]:
        got["_quotes"] = quote_lines(half, stories)
    if examples:
        shown = subprocess.run(cmd[:-1] + ["--examples"], capture_output=True, text=True, check=True).stdout
        got["_examples"] = [line for line in shown.splitlines() if line.startswith(("junk", "wrong"))]
    return dict(got)


def quote_lines(half: Path, stories: Path) -> list[str]:
    """Per-quote lines of one half, matched as the scorer matches them (its own functions, loaded from ``half``):
    ``ok``/``wrong``/``missing``/``not-quote`` for each matched quote shown, ``unseen`` for each attributed
    quotation that is not shown."""
    spec = importlib.util.spec_from_file_location("score_half", half / "score_details.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    _, gold = scorer.load_gold("dev")
    data = json.loads(stories.read_text(encoding="utf-8"))
    stories_q = [q for s in data.get("stories", []) for q in s.get("quotes") or []]
    shown = {(q.get("article"), (q.get("text") or "")[:80]): q for q in stories_q}  # the scorer's key
    lines, found = [], set()
    for (aid, _), q in shown.items():
        words = scorer.toks(q.get("text"))
        best, score = None, 0.0
        for k, (gt, ann, _sent) in enumerate(gold.get(str(aid), [])):
            o = scorer.overlap(words, gt)
            if o > score:
                best, score = (k, ann), o
        if best is None or score < 0.8:  # the scorer's own match floor
            continue
        k, ann = best
        speaker = q.get("speaker_name") or ""
        if ann.get("kind") != "quote":
            verdict = "not-quote"
        else:
            found.add((aid, k))
            gold_name = ann.get("speaker") or ""
            if not gold_name:
                verdict = "ok" if not speaker else "wrong"
            elif not speaker:
                verdict = "missing"
            else:
                verdict = "ok" if scorer.name_match(gold_name, speaker) else "wrong"
        lines.append(f"{verdict:<9} {aid}  shown={speaker!r} gold={ann.get('speaker')!r} ({ann.get('kind')})"
                     f"  cue={q.get('cue')!r}  \"{(q.get('text') or '')[:90]}\"")
    for aid, quotes in gold.items():
        for k, (_, ann, _s) in enumerate(quotes):
            if ann.get("kind") == "quote" and ann.get("speaker") and (aid, k) not in found:
                lines.append(f"unseen    {aid}  gold={ann['speaker']!r}  \"{ann.get('text', '')[:90]}\"")
    return sorted(lines)


def baseline_tree(rev: str, work: Path) -> Path:
    """A temporary worktree of ``rev``; its ``src`` folder."""
    tree = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), rev], cwd=REPO, check=True)
    return tree / "src"


def fmt(value: object) -> str:
    """A figure as printed: three decimals, or '-' when the scorer had nothing to count."""
    return "-" if value is None else f"{float(value):.3f}"  # type: ignore[arg-type]


def main() -> None:
    """Run both codes, score both halves, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="HEAD", help="git revision of the code to compare with (default HEAD)")
    ap.add_argument("--no-baseline", action="store_true", help="score this tree only")
    ap.add_argument("--corpus", default=str(SHARED / "articles.jsonl"))
    ap.add_argument("--details", default=str(SHARED / "details"))
    ap.add_argument("--examples", action="store_true", help="list the wrong and junk lines of this tree")
    ap.add_argument("--show", choices=["tune"], help="list the tune half's quotes (shown and unseen) of this tree")
    args = ap.parse_args()
    corpus, details = Path(args.corpus), Path(args.details)
    if not corpus.exists() or not (details / "score_details.py").exists():
        raise SystemExit(f"need {corpus} and {details}/score_details.py (the shared development pages)")
    work = Path(tempfile.mkdtemp(prefix="storyline-details-"))
    try:
        codes = [("now", REPO / "src")]
        if not args.no_baseline:
            codes.insert(0, ("before", baseline_tree(args.baseline, work)))
            print(f"before = the code of {args.baseline}; now = this tree")
        scores: dict[str, dict[str, dict[str, object]]] = {}
        for name, src in codes:
            stories, seconds = run_pipeline(src, corpus, work / name.replace(" ", "-"))
            print(f"{name}: storyline run over {corpus.name} in {seconds:.1f} s")
            mine = name == "now"
            scores[name] = {half: score_half(details, chunk, stories, work, args.examples and mine,
                                             bool(args.show) and mine) for half, chunk in HALVES}
        print()
        head = f"{'figure':<33}" + "".join(f"{n + ' ' + h:>14}" for n, _ in codes for h, _ in HALVES)
        print(head)
        for key, label, target in FIGURES:
            row = "".join(f"{fmt(scores[n][h].get(key)):>14}" for n, _ in codes for h, _ in HALVES)
            print(f"{label + ' (' + target + ')':<33}{row}")
        for key in COUNTS:
            row = "".join(f"{scores[n][h].get(key, 0)!s:>14}" for n, _ in codes for h, _ in HALVES)
            print(f"{key:<33}{row}")
        if args.examples:
            for half, _ in HALVES:
                print(f"\n{half} half, this tree: wrong and junk lines")
                for line in scores["now"][half].get("_examples", []):  # type: ignore[union-attr]
                    print("  " + str(line))
        if args.show:
            print("\ntune half, this tree: quotes shown (matched) and attributed quotations unseen")
            for line in scores["now"]["tune"].get("_quotes", []):  # type: ignore[union-attr]
                print("  " + str(line))
    finally:
        if not args.no_baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(work / "baseline")], cwd=REPO, check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
