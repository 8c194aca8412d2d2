"""Bench copies and versions: are the copies of one wire story, and the versions of one outlet's story, one group?

Three labelled sets, each deduped alone in an in-memory store with the default settings:

- ``dev``: the dev corpus (``../shared/dev-corpus/articles.jsonl``; pages split into paragraphs at line
  breaks, as in bench/dedupe.py); truth: its ``duplicate_of`` labels. The check set: no constant was chosen on it.
- ``team``: the team corpus (``bench/data/labeled.jsonl``, paragraphs at blank lines); truth: ``duplicate_of``.
- ``generated``: the team corpus plus copies made at run time from its articles: *re-edited wire copies*
  (same lead, paragraphs cut, local paragraphs added, sometimes a sentence changed, 1,200-2,000 characters,
  each under another outlet's name) and *same-outlet updates* (the same outlet later the same day or the next,
  the same headline or the same lead, a paragraph added and one cut, a sentence changed). Truth: the team labels
  plus each generated family (original, copies, updates) as one group. ``--seed`` picks the copies; the
  constants were chosen with seed 1, and seed 2 is printed as a second draw.

Printed per set, for the code before (``--base``: a tree with the old ``src/``, made by default from
``git archive main``) and after (this tree), in the same run: truth pairs, predicted pairs (same group), pair
recall and precision, predicted pairs across stories (different ``story`` labels: the target is none), and
for the generated set the share of updates whose ``updates`` link points at the version they update; for the
dev corpus, how many articles carrying each copy flag (``wire_copy``: a wire story, its copy in the corpus or
not; ``syndicated_copy``, ``duplicate``) are in a group at all (information, not a score).

Usage: PYTHONPATH=src .venv/bin/python bench/copies.py [--base DIR] [--dev PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Made-up words for the paragraphs a member paper adds (its local angle) and for changed sentences: they share
# nothing with any article, so only the copy's own kept paragraphs can tie it to its wire story.
SYLLABLES = ["ka", "to", "ri", "men", "sa", "lo", "vin", "dar", "pe", "mu", "shi", "gor", "ta", "ne", "bel",
             "ur", "os", "qui", "lan", "ez", "po", "thra", "ci", "dul", "fe", "mo", "ra", "zin", "ap", "el"]
COMMON = ["the", "a", "of", "to", "and", "in", "said", "on", "for", "that", "with", "was", "at", "by", "from"]
# The re-edited wire copies are 1,200-2,000 characters long.
MIN_CHARS, MAX_CHARS = 1200, 2000


# -- labelled rows -------------------------------------------------------------------------------------------------
def read_rows(path: Path, split: str) -> list[dict[str, Any]]:
    """Rows of a labelled JSONL file with ``paragraphs`` (split at line breaks or blank lines)."""
    rows = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        if split == "lines":
            lines = [ln.strip() for ln in re.split(r"\n+", r["text"]) if ln.strip()]
            r["paragraphs"], r["head"] = lines[1:], lines[0] if lines else ""
        else:
            r["paragraphs"] = [p.strip() for p in re.split(r"\n\s*\n", r["text"]) if p.strip()]
            r["head"] = r.get("title") or ""
        rows.append(r)
    return rows


class Copier:
    """Re-edited wire copies and same-outlet updates of an article, reproducible from a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def word(self) -> str:
        """A made-up word, or a common one."""
        if self.rng.random() < 0.3:
            return self.rng.choice(COMMON)
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(1, 4)))

    def sentence(self) -> str:
        """A made-up sentence of 12-25 words."""
        return " ".join(self.word() for _ in range(self.rng.randint(12, 25))).capitalize() + "."

    def paragraph(self) -> str:
        """A made-up paragraph of one to three sentences."""
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))

    def change_sentence(self, paras: list[str]) -> list[str]:
        """Replace one sentence of one non-lead paragraph by a new one."""
        out = list(paras)
        if len(out) < 2:  # noqa: PLR2004 - a lead and at least one more paragraph
            return out
        i = self.rng.randrange(1, len(out))
        sents = re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", out[i])
        sents[self.rng.randrange(len(sents))] = self.sentence()
        out[i] = " ".join(sents)
        return out

    def reedit(self, paras: list[str]) -> list[str]:
        """A member paper's copy: the lead kept, paragraphs cut and added, 1,200-2,000 characters."""
        lead, rest = paras[0], list(paras[1:])
        for _ in range(self.rng.randint(1, max(1, len(rest) // 3))):
            if len(rest) > 1:
                rest.pop(self.rng.randrange(len(rest)))
        for _ in range(self.rng.randint(1, 2)):
            rest.insert(self.rng.randint(0, len(rest)), self.paragraph())
        out = [lead, *rest]
        if self.rng.random() < 0.5:
            out = self.change_sentence(out)
        while len("\n\n".join(out)) < MIN_CHARS:
            out.append(self.paragraph())
        while len("\n\n".join(out)) > MAX_CHARS and len(out) > 2:  # noqa: PLR2004 - keep a lead and a paragraph
            out.pop(-2 if len(out) > 3 else -1)  # noqa: PLR2004 - cut before the kicker when there is one
        return out

    def update(self, paras: list[str], title: str) -> tuple[list[str], str]:
        """The outlet's later version: a new paragraph after the lead, one cut, a sentence changed; the same
        headline with a rewritten lead, or the same lead under a new headline."""
        lead, rest = paras[0], list(paras[1:])
        if len(rest) > 2:  # noqa: PLR2004 - cut one when two stay
            rest.pop(self.rng.randrange(len(rest)))
        rest.insert(0, self.paragraph())
        if self.rng.random() < 0.5:
            lead = self.paragraph()  # rewritten lead under the same headline
        else:
            title = "Update: " + title
        return self.change_sentence([lead, *rest]), title


def generated(rows: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """The team rows plus re-edited wire copies of some and same-outlet updates of others (see the docstring)."""
    cp = Copier(seed)
    out = [dict(r, family=r.get("duplicate_of") or r["id"]) for r in rows]
    bases = [r for r in rows if not r.get("duplicate_of") and len(r["paragraphs"]) >= 3]  # noqa: PLR2004 - lead + 2
    cp.rng.shuffle(bases)
    third = len(bases) // 3
    for r in bases[:third]:
        for k in range(cp.rng.randint(2, 5)):
            out.append({**r, "id": f"{r['id']}-wire{k}", "outlet": f"Member Paper {r['id']}-{k}",
                        "paragraphs": cp.reedit(r["paragraphs"]), "family": r["id"], "duplicate_of": r["id"],
                        "kind": "wire"})
    for r in bases[third : 2 * third]:
        paras, title, day = r["paragraphs"], r["head"], r.get("published")
        for k in range(cp.rng.randint(1, 2)):
            paras, title = cp.update(paras, title)
            day = _next_day(day) if cp.rng.random() < 0.5 else day
            out.append({**r, "id": f"{r['id']}-v{k + 1}", "head": title, "paragraphs": paras, "family": r["id"],
                        "duplicate_of": r["id"], "kind": "update", "published": day,
                        "previous": r["id"] if k == 0 else f"{r['id']}-v{k}"})
    cp.rng.shuffle(out)
    # a later version is ingested after the one it updates (a follower fetches it later)
    for upd in sorted((r for r in out if r.get("kind") == "update"), key=lambda r: r["id"]):
        out.remove(upd)
        after = next(i for i, r in enumerate(out) if r["id"] == upd["previous"])
        out.insert(cp.rng.randint(after + 1, len(out)), upd)
    return out


def _next_day(day: str | None) -> str | None:
    """The ISO date after ``day`` (None stays None)."""
    import datetime as dt

    return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=1)).isoformat() if day else None


# -- one code version ----------------------------------------------------------------------------------------------
def truth_pairs(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Every pair of articles labelled as one group (closure of ``duplicate_of``)."""
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(r.get("family") or r.get("duplicate_of") or r["id"], []).append(r["id"])
    return {tuple(sorted(p)) for ids in groups.values() for p in combinations(ids, 2)}  # type: ignore[misc]


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Dedupe the rows with the importable storyline; pair recall, precision, cross-story pairs, version links."""
    from storyline import dedupe
    from storyline.config import Settings
    from storyline.context import RunContext
    from storyline.model import Article, Paragraph
    from storyline.store import Store

    with Store(":memory:") as store:
        store.add_articles([Article(id=r["id"], title=r["head"], paragraphs=[Paragraph(p) for p in r["paragraphs"]],
                                    published=r.get("published"), outlet=r.get("outlet")) for r in rows])
        dedupe.run(RunContext(store, Settings.load(), new_ids=[r["id"] for r in rows]))
        stored = {a.id: a for a in store.iter_articles()}
    groups: dict[str, list[str]] = {}
    for aid, a in stored.items():
        groups.setdefault(a.duplicate_of or aid, []).append(aid)
    pred = {tuple(sorted(p)) for ids in groups.values() for p in combinations(ids, 2)}
    truth = truth_pairs(rows)
    story = {r["id"]: r.get("story") for r in rows}
    tp = len(pred & truth)
    out: dict[str, Any] = {
        "truth_pairs": len(truth), "pred_pairs": len(pred),
        "recall": round(tp / len(truth), 3) if truth else 1.0,
        "precision": round(tp / len(pred), 3) if pred else 1.0,
        "across_stories": sorted(f"{a}~{b}" for a, b in pred if story[a] != story[b]),
    }
    updates = [r for r in rows if r.get("kind") == "update"]
    if updates:
        wrong = [r["id"] for r in updates if getattr(stored[r["id"]], "updates", None) != r["previous"]]
        out["updates_linked"] = f"{len(updates) - len(wrong)}/{len(updates)}"
        out["updates_unlinked"] = wrong[:6]
    grouped = {aid for ids in groups.values() if len(ids) > 1 for aid in ids}
    for flag in ("wire_copy", "syndicated_copy", "duplicate"):  # the dev corpus's copy flags (no pair labelled)
        flagged = [r["id"] for r in rows if flag in (r.get("flags") or [])]
        if flagged:
            out[f"{flag}_grouped"] = f"{sum(1 for a in flagged if a in grouped)}/{len(flagged)}"
    missed = sorted(f"{a}~{b}" for a, b in truth - pred)
    out["missed"] = missed[:6] + ([f"... {len(missed) - 6} more"] if len(missed) > 6 else [])  # noqa: PLR2004
    return out


def measure(dev: Path, seed: int) -> dict[str, Any]:
    """Every set, scored with the importable storyline."""
    team = read_rows(REPO / "bench" / "data" / "labeled.jsonl", "blank")
    out = {"team": score(team)}
    for s in sorted({seed, seed + 1}):
        out[f"generated seed {s}"] = score(generated(team, s))
    if dev.exists():
        out["dev (check)"] = score(read_rows(dev, "lines"))
    return out


def base_tree(ref: str) -> Path:
    """``src/`` of ``ref`` (git archive) in a temporary directory: the code before, importable."""
    tmp = Path(tempfile.mkdtemp(prefix="copies-base-"))
    blob = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"], check=True, capture_output=True).stdout
    with tempfile.TemporaryFile() as fh:
        fh.write(blob)
        fh.seek(0)
        with tarfile.open(fileobj=fh) as tar:
            tar.extractall(tmp, filter="data")
    return tmp


def main() -> None:
    """Score the code before and after in one run and print one line per set and version."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", help="a tree whose src/ is the code before (default: git archive of --ref)")
    ap.add_argument("--ref", default="main", help="git ref of the code before when --base is not given")
    ap.add_argument("--dev", default=str(REPO.parent / "shared" / "dev-corpus" / "articles.jsonl"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(Path(args.dev), args.seed)))
        return
    base = Path(args.base) if args.base else base_tree(args.ref)
    try:
        results = _before_after(base, args)
    finally:
        if not args.base:
            shutil.rmtree(base, ignore_errors=True)
    for dataset in results["after"]:
        for name in ("before", "after"):
            print(f"{dataset:20} {name:6}", json.dumps(results[name].get(dataset)))


def _before_after(base: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The measurements of the code in ``base/src`` and of this tree, each in its own process."""
    results = {}
    for name, src in (("before", base / "src"), ("after", REPO / "src")):
        env = {**os.environ, "PYTHONPATH": str(src)}
        cmd = [sys.executable, __file__, "--one", "--dev", args.dev, "--seed", str(args.seed)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
        results[name] = json.loads(out.strip().splitlines()[-1])
    return results


if __name__ == "__main__":
    main()
