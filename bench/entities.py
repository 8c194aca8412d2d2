"""Bench the entities a reader sees on real pages: their types and which names were merged.

Runs the whole pipeline (``storyline run``) on each half of the development pages
(``../shared/dev-corpus/articles.jsonl``), split by story the way ``bench/stories.py`` splits them (stories in
sorted order alternately to tune and check, the one-article distractors likewise; each half run on its own),
and prints for each half:

- **type accuracy** against ``bench/data/dev_entity_labels.jsonl`` (labels of this bench: a name and the type a
  reader expects, PERSON, ORG, GPE, NORP, LOC, FAC, or ``none`` for a word that is no entity at all such as
  "Plaintiff"): of the entities shown whose name or an alias is labelled, how many have that type (an entity
  labelled ``none`` counts wrong whatever its type);
- **mixed names**: names shown as entities of two types in one half ("Carrow" a PERSON in one story, a GPE in
  another);
- **mention disagreement**: entities whose type is not the label of most of their mentions (the labels each
  article's repair left, before the merge's vote);
- **merges**: the labelled pairs of names (``same``: one entity, ``different``: two), each as merged or apart
  where both names appear in one story of the half, and the pairwise precision and recall over them.

Usage:
    python bench/entities.py [--corpus ARTICLES.jsonl] [--labels LABELS.jsonl] [--list]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from storyline.model import Article, Story
from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "dev-corpus"
LABELS = REPO / "bench" / "data" / "dev_entity_labels.jsonl"


def halves(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The pages split into a tune and a check half by story, as :func:`bench.stories.halves` splits them."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    stories = sorted({str(r["story"]) for r in rows if r.get("story") not in (None, "distractor")})
    distractors = sorted(str(r["id"]) for r in rows if r.get("story") in (None, "distractor"))
    tune = set(stories[0::2]) | set(distractors[0::2])
    out: dict[str, list[dict[str, Any]]] = {"tune": [], "check": []}
    for r in rows:
        key = str(r["story"]) if r.get("story") not in (None, "distractor") else str(r["id"])
        out["tune" if key in tune else "check"].append(r)
    return out


def run_half(rows: list[dict[str, Any]], work: Path) -> tuple[list[Story], list[Article]]:
    """``storyline run`` over one half on a fresh store: its stories and articles."""
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "articles.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, "-m", "storyline.cli", "--quiet", "--db", str(work / "s.db"), "run", str(corpus),
           "--out", str(work)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # 1: some inputs failed, the rest ran
        raise SystemExit(f"storyline run failed:\n{done.stderr[-2000:]}")
    with Store(str(work / "s.db")) as store:
        return list(store.iter_stories()), list(store.iter_articles())


def _digest(name: str) -> str:
    """The key of a label stored by its SHA-1 (a long run-together headline, whose words stay out of the repo)."""
    return "sha1:" + hashlib.sha1(name.encode("utf-8")).hexdigest()


def load_labels(path: Path) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    """(lowercased name -> type, [(name, name, same)]) of the labels file."""
    types: dict[str, str] = {}
    pairs: list[tuple[str, str, bool]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "type" in row:  # a run-together page headline is kept as the SHA-1 of its lowercased text, not its words
            types[row["name"].lower() if "name" in row else "sha1:" + row["name_sha1"]] = row["type"]
        else:
            a, b = row["same"] if "same" in row else row["different"]
            pairs.append((a.lower(), b.lower(), "same" in row))
    return types, pairs


def score(stories: list[Story], articles: list[Article], types: dict[str, str],
          pairs: list[tuple[str, str, bool]]) -> dict[str, Any]:
    """The figures of one half (see the module docstring)."""
    out: dict[str, Any] = {"typed": 0, "type_right": 0, "type_wrong": [], "mixed": [], "disagree": [],
                           "entities": 0, "merged": [], "apart": []}
    labels_of: dict[str, Counter[str]] = defaultdict(Counter)
    for a in articles:
        for m in a.mentions:
            if m.entity:
                labels_of[m.entity][m.label] += 1
    name_types: dict[str, set[str]] = defaultdict(set)
    for s in stories:
        for e in s.entities:
            out["entities"] += 1
            names = [e.name.lower(), *(x.lower() for x in e.aliases)]
            for n in names:
                name_types[n].add(e.type)
            want = next((types[k] for n in names for k in (n, _digest(n)) if k in types), None)
            if want is not None:
                out["typed"] += 1
                if want == e.type:
                    out["type_right"] += 1
                else:
                    out["type_wrong"].append(f"{e.name} ({e.type}, labelled {want})")
            votes = labels_of.get(e.id)
            if votes and votes.most_common(1)[0][1] > votes[e.type]:
                out["disagree"].append(f"{e.name} ({e.type}; mentions {dict(votes)})")
        for a, b, same in pairs:
            where = {}
            for e in s.entities:
                for n in [e.name, *e.aliases]:
                    where.setdefault(n.lower(), e.id)
            if a in where and b in where:
                row = f"{a} / {b} ({'same' if same else 'different'})"
                (out["merged"] if where[a] == where[b] else out["apart"]).append((row, same))
    out["mixed"] = sorted(f"{n} ({', '.join(sorted(t))})" for n, t in name_types.items() if len(t) > 1)
    return out


def main() -> None:
    """Run both halves and print their figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "articles.jsonl"))
    ap.add_argument("--labels", default=str(LABELS))
    ap.add_argument("--list", action="store_true", help="list the wrong types, mixed names and pairs")
    ap.add_argument("--work", help="folder for the two runs' stores (default: a new temporary folder)")
    ap.add_argument("--reuse", action="store_true", help="score the stores already in --work instead of running")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.exists():
        raise SystemExit(f"need {corpus} (the shared development pages)")
    types, pairs = load_labels(Path(args.labels))
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="storyline-entities-"))
    for half, rows in halves(corpus).items():
        if args.reuse:
            with Store(str(work / half / "s.db")) as store:
                stories, articles = list(store.iter_stories()), list(store.iter_articles())
        else:
            stories, articles = run_half(rows, work / half)
        got = score(stories, articles, types, pairs)
        merged_same = sum(1 for _, same in got["merged"] if same)
        apart_same = sum(1 for _, same in got["apart"] if same)
        merged_diff = len(got["merged"]) - merged_same
        acc = got["type_right"] / got["typed"] if got["typed"] else 0.0
        print(f"[{half}] {len(rows)} pages, {len(stories)} stories, {got['entities']} entities shown")
        print(f"  type accuracy on labelled entities  {acc:.3f} ({got['type_right']}/{got['typed']})")
        print(f"  names shown with two types          {len(got['mixed'])}")
        print(f"  type not that of most mentions      {len(got['disagree'])}")
        print(f"  labelled pairs: same merged {merged_same}/{merged_same + apart_same}, "
              f"different merged {merged_diff}/{len(got['merged']) + len(got['apart']) - merged_same - apart_same}")
        if args.list:
            for key in ("type_wrong", "mixed", "disagree"):
                for row in got[key]:
                    print(f"    {key}: {row}")
            for key in ("merged", "apart"):
                for row, _ in got[key]:
                    print(f"    {key}: {row}")


if __name__ == "__main__":
    main()
