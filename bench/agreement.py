"""Bench the agreement/conflict table: conflict precision and recall against known truth, false conflicts,
updates told from conflicts, and how many rows a reader gets, for the current ``storyline.claims.agreement`` and the
committed one (``git show HEAD:src/storyline/claims/agreement.py``), measured in the same run on the same articles.

Truth: the five designed conflicts of the demo corpus (``CONFLICTS`` in examples/demo_source.py) and a small
hand-made list for bench/data/labeled.jsonl (:data:`LABELED_TRUTH`, read from the articles by hand: the quake
magnitude differs between agencies; the quake toll and the measles count grow over days, which are updates).

On the real dev pages (``--dev``, by default ``../shared/dev-corpus/articles.jsonl``) the truth is a labelled set of
figure pairs (bench/data/dev_conflict_pairs.jsonl, see bench/data/README.md): conflict precision and recall and
agreement precision and recall are printed for its tune half (stories amazon, mexico, sanctuary-briefing and
half the distractors, as bench/stories.py splits them) and its check half (cubs, sanctuary-29); constants are
chosen on the tune half only.

Runs the real stages (clean, nlp, captions, dedupe, extract, the brief's summary) on an in-memory store, with the TRUE
story labels as stories, so it measures agreement only.

Usage:
    .venv/bin/python bench/agreement.py [--show] [--dev PATH]
"""

# ruff: noqa: E402 - storyline is imported below the sys.path line that puts this tree's src first
from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))  # this tree's storyline, not the installed one

from storyline import brief as brief_stage
from storyline import dedupe
from storyline import nlp as nlp_stage
from storyline.config import Settings
from storyline.context import RunContext
from storyline.model import Article, Claim, Paragraph, Story
from storyline.store import Store

# (story, what, values, kind): kind "conflict" = outlets disagree at the same time, "updated" = a tally that
# changes over days. My own reading of bench/data/labeled.jsonl.
LABELED_TRUTH: list[tuple[str, str, set[float], str]] = [
    ("peru-arequipa-earthquake", "magnitude", {6.8, 6.9}, "conflict"),
    ("peru-arequipa-earthquake", "people killed", {9, 14}, "updated"),
    ("tallis-county-measles-outbreak", "measles cases", {23, 27, 29, 31}, "updated"),
]


def load_module(name: str, path: Path) -> ModuleType:
    """Import a Python file as a module of the storyline.claims package (so its relative imports work)."""
    spec = importlib.util.spec_from_file_location(f"storyline.claims.{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def head_agreement() -> ModuleType | None:
    """The committed agreement module, or None when git cannot show it."""
    try:
        code = subprocess.run(
            ["git", "show", "HEAD:src/storyline/claims/agreement.py"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    tmp = Path(tempfile.mkdtemp()) / "agreement_head.py"
    tmp.write_text(code, encoding="utf-8")
    try:
        return load_module("agreement_head", tmp)
    except ImportError as exc:  # the committed module needs a name the working tree no longer has
        print(f"HEAD agreement module does not import here ({exc})", file=sys.stderr)
        return None


def demo_truth() -> list[tuple[str, str, set[float], str]]:
    """The demo corpus's designed conflicts, from examples/demo_source.py."""
    src = load_module("demo_source_bench", REPO / "examples" / "demo_source.py")
    return [(c["story"], c["subject"], {float(r["value"]) for r in c["reports"]}, "conflict") for c in src.CONFLICTS]


def prepare(path: Path, settings: Settings) -> tuple[dict[str, list[Article]], dict[str, Any]]:
    """Articles of a labeled JSON-lines file through clean, nlp, captions, dedupe and extract, grouped by true
    story, and their stored parses by article id."""
    from storyline import clean
    from storyline.extract import extract_article

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = {str(r["id"]): r["story"] for r in records}
    arts = []
    for r in records:
        blocks = [b.strip() for b in (r.get("text") or "").split("\n\n") if b.strip()]
        art = Article(
            id=str(r["id"]),
            title=r.get("title") or "",
            paragraphs=[Paragraph(b) for b in blocks],
            url=r.get("url"),
            outlet=r.get("outlet"),
            published=r.get("published"),
            language=r.get("language"),
        )
        arts.append(clean.clean_article(art, settings))
    store = Store(":memory:")
    store.add_articles(arts)
    ctx = RunContext(store, settings, new_ids=[a.id for a in arts], full=True)
    nlp_stage.run(ctx)
    clean.flag_captions(ctx)
    dedupe.run(ctx)
    done = {a.id: a for a in store.iter_articles()}
    docs = ctx.nlp.load_docs(store.get_docs(done))
    for aid, doc in docs.items():
        extract_article(done[aid], doc, settings)
    by_story: dict[str, list[Article]] = defaultdict(list)
    for aid, art in done.items():
        # each distractor page of the dev corpus is a story of its own
        by_story[aid if labels[aid] == "distractor" else labels[aid]].append(art)
    for members in by_story.values():
        members.sort(key=lambda a: (a.published or "9999", a.id))
    return by_story, docs


def claims_of(module: ModuleType, story: Story, members: list[Article], docs: dict[str, Any]) -> list[Claim]:
    """A module's figure claims of one story, with the parses when its ``claims`` takes them."""
    takes_docs = "docs" in inspect.signature(module.claims).parameters
    found = module.claims(story, members, docs) if takes_docs else module.claims(story, members)
    # figures, and the conflicts of dates and outcomes of the main event (key claims of the brief left out)
    return [c for c in found if c.kind in ("figure", "date") or (c.kind == "claim" and c.status == "conflict")]


def _has(claim: Claim, value: float) -> bool:
    """True when one of a claim's values is this value (1% tolerance for rounding)."""
    return any(
        abs(v["value"] - value) <= 0.01 * abs(value) for v in claim.values if isinstance(v["value"], (int, float))
    )


def _matches(claim: Claim, values: set[float]) -> bool:
    """True when a disputed claim gives at least two of the truth's values."""
    return sum(_has(claim, v) for v in values) >= 2


def pair_scores(claims_by_story: dict[str, list[Claim]], pairs: list[dict[str, Any]], half: str) -> str:
    """Scores on the labelled figure pairs of one half (``bench/data/dev_conflict_pairs.jsonl``).

    Conflict precision: of the pairs a system shows in a disputed row (a conflict or an update, one value from
    each article), the share labelled real; conflict recall: of the real pairs, the share shown so. Agreement
    precision: of the pairs a system shows as one value (both articles among the sources of one value of a row),
    the share labelled agree (the same quantity of the same subject at the same time, the same value); agreement
    recall: of the agree pairs, the share shown as one value: one figure, one row."""
    chosen = [p for p in pairs if half in ("all", p["half"])]
    disputed = [p for p in chosen if any(_shows(c, p) for c in claims_by_story.get(p["story"], []))]
    together = [p for p in chosen if any(_together(c, p) for c in claims_by_story.get(p["story"], []))]
    real = [p for p in chosen if p["label"] == "real"]
    agree = [p for p in chosen if p["label"] == "agree"]
    return (
        f"conflict P {_share(sum(p['label'] == 'real' for p in disputed), len(disputed))} "
        f"R {_share(sum(p in disputed for p in real), len(real))}; "
        f"agreement P {_share(sum(p['label'] == 'agree' for p in together), len(together))} "
        f"R {_share(sum(p in together for p in agree), len(agree))}"
    )


def _share(k: int, n: int) -> str:
    """k/n and its share ("-" when n is 0)."""
    return f"{k}/{n}" + (f" = {k / n:.2f}" if n else " = -")


def _has_value(values: list[dict[str, Any]], aid: str, value: Any) -> bool:
    """True when one of these value records gives ``value`` with article ``aid`` among its sources."""
    return any(aid in v["sources"] and (value is None or str(v["value"]) == str(value)) for v in values)


def _shows(claim: Claim, pair: dict[str, Any]) -> bool:
    """True when a disputed row (conflict or update) shows the labelled pair: one value from each article."""
    if claim.status not in ("conflict", "updated") or claim.kind != "figure":
        return False
    a = [v for v in claim.values if _has_value([v], pair["a"], pair.get("a_value"))]
    b = [v for v in claim.values if _has_value([v], pair["b"], pair.get("b_value"))]
    return bool(a and b and any(x is not y for x in a for y in b))


def _together(claim: Claim, pair: dict[str, Any]) -> bool:
    """True when a row gives both figures of the pair as one value (both articles among its sources)."""
    if claim.kind != "figure":
        return False
    return any(
        _has_value([v], pair["a"], pair.get("a_value")) and _has_value([v], pair["b"], pair.get("b_value"))
        for v in claim.values
    )


def score(claims_by_story: dict[str, list[Claim]], truth: list[tuple[str, str, set[float], str]]) -> dict[str, Any]:
    """Conflict precision/recall, updates found, false conflicts and row counts for one system."""
    # every conflict shown counts: figures, dates and outcomes (the truth lists figure conflicts)
    conflicts = [(s, c) for s, cs in claims_by_story.items() for c in cs if c.status == "conflict"]
    true_conf = [t for t in truth if t[3] == "conflict"]
    true_upd = [t for t in truth if t[3] == "updated"]
    found = [t for t in true_conf if any(s == t[0] and _matches(c, t[2]) for s, c in conflicts)]
    good = [(s, c) for s, c in conflicts if any(s == t[0] and _matches(c, t[2]) for t in true_conf)]
    upd_found = [
        t
        for t in true_upd
        if any(
            s == t[0] and c.status == "updated" and _matches(c, t[2]) for s, cs in claims_by_story.items() for c in cs
        )
    ]
    upd_as_conf = [t for t in true_upd if any(s == t[0] and _matches(c, t[2]) for s, c in conflicts)]
    rows = [c for cs in claims_by_story.values() for c in cs if c.kind == "figure"]
    return {
        "predicted": len(conflicts),
        "precision": len(good) / len(conflicts) if conflicts else 1.0,
        "recall": len(found) / len(true_conf) if true_conf else 1.0,
        "missed": [t[1] for t in true_conf if t not in found],
        "false": [(s, c) for s, c in conflicts if (s, c) not in good],
        "updates": f"{len(upd_found)}/{len(true_upd)}",
        "updates_as_conflict": len(upd_as_conf),
        "rows": len(rows),
        "single_rows": sum(c.status == "single_source" for c in rows),
    }


def print_rows(
    systems: dict[str, dict[str, list[Claim]]], truth: list[tuple[str, str, set[float], str]], t_sys: dict[str, float]
) -> None:
    """One table row per system, with its missed and false conflicts."""
    for label, by_story in systems.items():
        if not by_story:
            print(f"{label:8} (HEAD version unavailable)")
            continue
        r = score(by_story, truth)
        if not truth:
            n_upd = sum(c.status == "updated" for cs in by_story.values() for c in cs)
            print(
                f"{label:8} {r['predicted']:9d} {'-':>9} {'-':>7} {n_upd:>8} {'-':>9} {r['rows']:8d} "
                f"{r['single_rows']:6d} {t_sys[label]:5.2f}s"
            )
            continue
        print(
            f"{label:8} {r['predicted']:9d} {r['precision']:9.2f} {r['recall']:7.2f} {r['updates']:>8} "
            f"{r['updates_as_conflict']:9d} {r['rows']:8d} {r['single_rows']:6d} {t_sys[label]:5.2f}s"
        )
        if r["missed"]:
            print(f"         missed: {', '.join(r['missed'])}")
        for sid, c in r["false"]:
            vals = " vs ".join(f"{v['text']} {v['sources']}" for v in c.values)
            print(f"         false conflict [{sid}] {c.subject}: {vals}"[:220])


def print_pairs(systems: dict[str, dict[str, list[Claim]]], pairs: list[dict[str, Any]]) -> None:
    """Each system's scores on the labelled figure pairs, tune half then check half."""
    for label, by_story in systems.items():
        if by_story:
            for half in ("tune", "check"):
                print(f"{label:8} pairs {half:5}: {pair_scores(by_story, pairs, half)}")


def run_set(
    name: str,
    path: Path,
    truth: list[tuple[str, str, set[float], str]],
    modules: dict[str, ModuleType | None],
    settings: Settings,
    show: bool = False,
    pairs: list[dict[str, Any]] | None = None,
) -> None:
    """Prepare one labelled set, run every agreement module on its true stories, print the table (and, with
    labelled figure ``pairs``, each system's conflict precision on them by tune and check half)."""
    t0 = time.time()
    stories, docs = prepare(path, settings)
    t_prep = time.time() - t0
    systems: dict[str, dict[str, list[Claim]]] = {"before": {}, "after": {}}
    t_sys = {"before": 0.0, "after": 0.0}
    for sid, members in stories.items():
        story = Story(id=sid, articles=[a.id for a in members])
        story.summary = brief_stage.summarise(story, members, settings, docs=docs)
        for label, module in modules.items():
            if module is None:
                continue
            ts = time.time()
            systems[label][sid] = claims_of(module, story, members, docs)
            t_sys[label] += time.time() - ts
    print(
        f"\n## {name}: {sum(map(len, stories.values()))} articles, {len(stories)} stories, "
        f"{sum(t[3] == 'conflict' for t in truth)} true conflicts, {sum(t[3] == 'updated' for t in truth)} "
        f"true updates (prep {t_prep:.1f}s)"
    )
    print(
        f"{'system':8} {'conflicts':>9} {'precision':>9} {'recall':>7} {'updates':>8} {'upd->conf':>9} "
        f"{'fig rows':>8} {'single':>6} {'time':>6}"
    )
    print_rows(systems, truth, t_sys)
    if pairs:
        print_pairs(systems, pairs)
    if not truth:
        for label, by_story in systems.items():
            print(f"  {label}:")
            for sid, cs in sorted(by_story.items()):
                for c in cs:
                    if c.status in ("conflict", "updated"):
                        vals = " vs ".join(f"{v['text']}={v['value']} {v['sources']} ({v['as_of']})" for v in c.values)
                        print(f"    {c.status:9} {c.kind} [{sid}] {c.subject} {c.predicate or ''}: {vals}"[:300])
    if show:
        for sid, cs in sorted(systems["after"].items()):
            print(f"  [{sid}]")
            for c in cs:
                vals = "; ".join(f"{v['text']} x{v['independent']} ({v.get('as_of')})" for v in c.values)
                print(f"    {c.status:13} {c.subject}: {vals}"[:200])


def main() -> None:
    """Run the bench and print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true", help="print every figure claim of the new system")
    ap.add_argument(
        "--dev",
        default=str(REPO / "../shared/dev-corpus/articles.jsonl"),
        help="the real dev pages: scored on the labelled figure pairs by tune and check half, and their disputed "
        "and updated rows listed (default: %(default)s; skipped when absent)",
    )
    args = ap.parse_args()
    from storyline.claims import agreement as new

    old = head_agreement()
    settings = Settings.load()
    sets = [
        ("demo", REPO / "bench" / "data" / "demo_labeled.jsonl", demo_truth()),
        ("labeled", REPO / "bench" / "data" / "labeled.jsonl", LABELED_TRUTH),
    ]
    if args.dev and Path(args.dev).exists():
        sets.append(("dev-corpus (real pages, no truth)", Path(args.dev), []))
    pairs_file = REPO / "bench" / "data" / "dev_conflict_pairs.jsonl"
    pairs = [json.loads(x) for x in pairs_file.read_text(encoding="utf-8").splitlines() if x.strip()] if (
        pairs_file.exists()) else []  # fmt: skip
    for name, path, truth in sets:
        run_set(name, path, truth, {"before": old, "after": new}, settings, show=args.show,
                pairs=pairs if not truth else None)  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
