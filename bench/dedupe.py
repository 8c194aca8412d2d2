"""Bench the dedupe stage on generated corpora with known copies: quality, time, memory, growth.

Corpora of 1k, 5k and 20k articles are built from pseudo-articles (a Zipf vocabulary of made-up words with
a Markov mix of common phrases, so distinct articles share a little, as real news does) plus the demo
corpus when ``examples/demo`` exists. A third of the originals get 1-3 copies, each with one of: light word
edits, added boilerplate paragraphs, reordered paragraphs, truncation; some other articles get one
paragraph spliced in from elsewhere (passage reuse, not a copy). Ingest order is shuffled, dates are set
for most articles.

For each size the stage runs in a fresh process over a file store (full run), then an incremental run of
100 new articles. Printed: time, peak RSS over the baseline, time growth per size step, and precision and
recall of "same group" pairs against brute-force exact Jaccard on a 2k subset (ground truth: Jaccard >=
threshold; and, for the default settings that also accept containment, Jaccard >= threshold or containment
>= containment). A baseline is measured in the same run: exact-hash grouping alone.

Usage: .venv/bin/python bench/dedupe.py [--sizes 1000 5000 20000] [--dev ../shared/dev-corpus/articles.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from storyline import dedupe
from storyline.config import Settings
from storyline.context import RunContext
from storyline.dedupe.index import DedupeIndex
from storyline.dedupe.shingles import MinHasher, words
from storyline.model import Article, Paragraph
from storyline.store import Store
from storyline.text.unionfind import UnionFind

REPO = Path(__file__).resolve().parent.parent
SYLLABLES = ["ka", "to", "ri", "men", "sa", "lo", "vin", "dar", "pe", "mu", "shi", "gor", "ta", "ne", "bel",
             "ur", "os", "qui", "lan", "ez", "po", "thra", "ci", "dul", "fe", "mo", "ra", "zin", "ap", "el"]
PHRASES = ["said on tuesday", "according to the", "the prime minister", "in a statement", "the city council",
           "last year", "more than a", "for the first time", "at the end of", "told reporters"]
BOILERPLATE = [
    "Sign up for our newsletter to get the latest headlines delivered to your inbox every morning of the week.",
    ("Copyright the publisher all rights reserved this material may not be published broadcast rewritten or "
    "redistributed without permission."),
    "Follow us on social media for breaking news photos and videos from around the region and across the world.",
]


# -- corpus -------------------------------------------------------------------------------------------------------
class Generator:
    """Pseudo-articles and their edited copies, reproducible from a seed."""

    def __init__(self, seed: int = 7, vocab: int = 20_000) -> None:
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        made = set()
        while len(made) < vocab:
            made.add("".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(1, 4))))
        self.vocab = sorted(made)
        ranks = np.arange(1, vocab + 1)
        self.p = (1 / ranks) / (1 / ranks).sum()  # Zipf: a few very common words, a long tail

    def sentence(self, topic: np.ndarray) -> str:
        """A sentence: topic words and common words, sometimes a stock phrase."""
        n = int(self.rng.randint(12, 28))
        common = self.np.choice(len(self.vocab), size=n, p=self.p)
        own = self.np.choice(topic, size=n)
        ws = [self.vocab[c if self.rng.random() < 0.5 else o] for c, o in zip(common, own, strict=True)]
        if self.rng.random() < 0.3:
            at = self.rng.randrange(len(ws))
            ws[at:at] = self.rng.choice(PHRASES).split()
        return " ".join(ws).capitalize() + "."

    def article(self) -> list[str]:
        """Paragraphs of a new pseudo-article."""
        topic = self.np.choice(len(self.vocab), size=60)
        return [" ".join(self.sentence(topic) for _ in range(self.rng.randint(1, 3)))
                for _ in range(self.rng.randint(4, 12))]

    def copy(self, paras: list[str], kind: str) -> list[str]:
        """An edited copy of an article."""
        out = list(paras)
        if kind == "edit":  # change about one word in thirty
            out = [" ".join(w if self.rng.random() > 0.033 else self.rng.choice(self.vocab) for w in p.split())
                   for p in out]
        elif kind == "boilerplate":
            out = out + self.rng.sample(BOILERPLATE, 2)
        elif kind == "reorder":
            self.rng.shuffle(out)
        elif kind == "truncate":
            out = out[: max(2, int(len(out) * self.rng.uniform(0.6, 0.85)))]
        return out


def demo_articles() -> list[list[str]]:
    """Analysed paragraphs of each demo-corpus article (read by storyline's ingest), if the demo exists."""
    demo = REPO / "examples" / "demo"
    if not demo.exists():
        return []
    from storyline import ingest

    out = []
    for item in ingest.read_inputs([str(demo)], Settings.load()):
        art = getattr(item, "article", None)
        if art is not None and "non_english" not in art.flags:
            paras = [p.text for p in art.paragraphs if p.analysed]
            if len(paras) > 2:
                out.append(paras)
    return out


def corpus(size: int, seed: int = 7) -> tuple[list[Article], list[list[str]]]:
    """``size`` articles in shuffled ingest order, and the families (original first, then its copies)."""
    gen = Generator(seed)
    seeds = demo_articles()
    families: list[list[tuple[str, list[str]]]] = []
    count = 0
    while count < size:
        base = seeds.pop() if seeds else gen.article()
        fam = [("orig", base)]
        if gen.rng.random() < 0.33:
            for _ in range(gen.rng.randint(1, 3)):
                kind = gen.rng.choice(["edit", "boilerplate", "reorder", "truncate"])
                fam.append((kind, gen.copy(base, kind)))
        families.append(fam[: size - count])
        count += len(families[-1])
    # splice one paragraph of another family's original into 5% of the originals
    for fam in families:
        if gen.rng.random() < 0.05:
            donor = gen.rng.choice(families)[0][1]
            fam[0] = ("orig", fam[0][1] + [gen.rng.choice(donor)])
    arts, ids = [], []
    for f, fam in enumerate(families):
        fam_ids = []
        for c, (kind, paras) in enumerate(fam):
            aid = f"f{f:05d}-{c}-{kind}"
            day = gen.rng.randint(1, 28)
            published = None if gen.rng.random() < 0.2 else f"2024-03-{day:02d}"
            arts.append(Article(id=aid, title=f"Title {aid}", paragraphs=[Paragraph(p) for p in paras],
                                published=published, outlet=f"outlet{gen.rng.randint(1, 300)}"))
            fam_ids.append(aid)
        ids.append(fam_ids)
    gen.rng.shuffle(arts)
    return arts, ids


# -- quality ------------------------------------------------------------------------------------------------------
def true_pairs(arts: list[Article], threshold: float, containment: float, shingle: int) -> tuple[set, set]:
    """Brute force over all pairs: (pairs with Jaccard >= threshold, pairs also counting containment)."""
    from scipy import sparse

    h = MinHasher(16)
    sets = [h.shingles(words(a.analysed_text), shingle) for a in arts]
    vocab: dict[int, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for x in s.tolist():
            rows.append(i)
            cols.append(vocab.setdefault(x, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(arts), len(vocab)))
    inter = (m @ m.T).toarray()
    sizes = np.array([len(s) for s in sets], dtype=np.float32)
    union = sizes[:, None] + sizes[None, :] - inter
    jac = np.where(union > 0, inter / np.maximum(union, 1), 0)
    small = np.minimum(sizes[:, None], sizes[None, :])
    cont = np.where(small > 0, inter / np.maximum(small, 1), 0)
    too_short = sizes < 1
    jac_pairs, any_pairs = set(), set()
    rows, cols = np.triu_indices(len(arts), k=1)
    for i, j in zip(rows, cols, strict=True):
        if too_short[i] or too_short[j]:
            continue
        if jac[i, j] >= threshold - 1e-9:
            jac_pairs.add((arts[i].id, arts[j].id))
        if jac[i, j] >= threshold - 1e-9 or cont[i, j] >= containment - 1e-9:
            any_pairs.add((arts[i].id, arts[j].id))
    return jac_pairs, any_pairs


def closure(pairs: set, ids: list[str]) -> set:
    """Every pair in the same connected component of a pair graph (what a grouping can at best reproduce)."""
    uf = UnionFind(ids)
    for a, b in pairs:
        uf.union(a, b)
    order = {a: i for i, a in enumerate(ids)}
    return {tuple(sorted(p, key=order.get)) for c in uf.groups() for p in combinations(c, 2)}


def group_pairs(arts: list[Article], stored: dict[str, Article]) -> set:
    """Pairs of subset articles that dedupe put in the same group."""
    order = {a.id: i for i, a in enumerate(arts)}
    by_group: dict[str, list[str]] = {}
    for a in arts:
        by_group.setdefault(stored[a.id].duplicate_of or a.id, []).append(a.id)
    out = set()
    for members in by_group.values():
        for x, y in combinations(sorted(members, key=order.get), 2):
            out.add((x, y))
    return out


def pr(pred: set, truth: set) -> tuple[float, float]:
    """Precision and recall of predicted pairs (1.0 when there is nothing to find or nothing predicted)."""
    tp = len(pred & truth)
    return (tp / len(pred) if pred else 1.0), (tp / len(truth) if truth else 1.0)


# -- one size, in a fresh process ---------------------------------------------------------------------------------
def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(size: int, overrides: dict[str, Any]) -> dict[str, Any]:
    """Dedupe one generated corpus; returns the measurements."""
    settings = Settings.load(overrides={"dedupe": overrides} if overrides else None)
    arts, families = corpus(size + 100)
    first, later = arts[:size], arts[size:]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        store.add_articles(first)
        base_rss = rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        dedupe.run(RunContext(store, settings, new_ids=[a.id for a in first]))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = rss_mb() - base_rss
        store.add_articles(later)
        t0 = time.perf_counter()
        dedupe.run(RunContext(store, settings, new_ids=[a.id for a in later]))
        incremental = time.perf_counter() - t0
        stored = {a.id: a for a in store.iter_articles()}
        state_mb = sum(len(v) for v in store.get_state("dedupe").values()) / 2**20
        index = DedupeIndex(settings.dedupe).fit(store)
        store.close()
    # quality on a 2k subset: whole families (an original and its copies), in ingest order
    chosen: set[str] = set()
    for fam in families:
        if len(chosen) + len(fam) > 2000:
            break
        chosen.update(fam)
    subset = [a for a in arts if a.id in chosen and a.id in stored]
    p = settings.dedupe
    jac_truth, any_truth = true_pairs(subset, p.threshold, p.containment or 2.0, p.shingle)
    truth = any_truth if p.containment else jac_truth
    pred = group_pairs(subset, stored)
    ids = [a.id for a in subset]
    found = sum(1 for a, b in jac_truth if a in index.sigs_ and b in index.candidates(index.sigs_[a]))
    lsh_recall = found / len(jac_truth) if jac_truth else 1.0
    # baseline in the same run: exact normalised-hash grouping only
    first_with: dict[str, str] = {}
    base = {a.id: Article(id=a.id, duplicate_of=first_with.setdefault(stored[a.id].content_hash or a.id, a.id))
            for a in subset}
    for art in base.values():
        art.duplicate_of = None if art.duplicate_of == art.id else art.duplicate_of
    return {
        "size": size, "seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "incremental_100_s": round(incremental, 2),
        "peak_rss_mb": round(peak, 1),
        "state_mb": round(state_mb, 1),
        "dups": sum(1 for a in stored.values() if a.duplicate_of),
        "stitched": sum(1 for a in stored.values() if "stitched" in a.flags),
        "reused_paragraphs": sum(1 for a in stored.values() for q in a.paragraphs if q.reused_from),
        "truth_pairs": len(truth), "pred_pairs": len(pred),
        "pairs_pr": [round(v, 4) for v in pr(pred, truth)],
        "closure_pr": [round(v, 4) for v in pr(pred, closure(truth, ids))],
        "lsh_recall": round(lsh_recall, 4),
        "baseline_hash_pairs_pr": [round(v, 4) for v in pr(group_pairs(subset, base), truth)],
    }


def dev_corpus(path: Path) -> dict[str, Any]:
    """Duplicate pairs found on the labelled dev corpus (pages split into paragraphs at line breaks)."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    with Store(":memory:") as store:
        arts = []
        for r in rows:
            lines = [ln.strip() for ln in re.split(r"\n+", r["text"]) if ln.strip()]
            arts.append(Article(id=r["id"], title=lines[0] if lines else "",
                                paragraphs=[Paragraph(x) for x in lines[1:]],
                                published=r.get("published"), outlet=r.get("outlet")))
        store.add_articles(arts)
        dedupe.run(RunContext(store, Settings.load(), new_ids=[a.id for a in arts]))
        got = {(a.id, a.duplicate_of) for a in store.iter_articles() if a.duplicate_of}
        flags = {a.id: a.flags for a in store.iter_articles()}
    want = {(r["id"], r["duplicate_of"]) for r in rows if r.get("duplicate_of")}

    def norm(pairs: set) -> set:
        return {tuple(sorted(p)) for p in pairs}

    p, r = pr(norm(got), norm(want))
    return {"labelled_pairs": len(want), "found_pairs": len(got), "precision": round(p, 3), "recall": round(r, 3),
            "stitched": sorted(k for k, v in flags.items() if "stitched" in v)}


def main() -> None:
    """Run every size in its own process and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--dev", default=str(REPO.parent / "shared" / "dev-corpus" / "articles.jsonl"))
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--set", default="{}", help='dedupe setting overrides as JSON, e.g. \'{"threshold": 0.8}\'')
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, json.loads(args.set))))
        return
    configs = [("default", json.loads(args.set)),
               ("containment off (Jaccard only)", {**json.loads(args.set), "containment": 0.0})]
    for name, overrides in configs:
        print(f"== {name} settings {overrides or ''}")
        prev = None
        for size in args.sizes:
            cmd = [sys.executable, __file__, "--one", str(size), "--set", json.dumps(overrides)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            res = json.loads(out.strip().splitlines()[-1])
            growth = (f"time x{res['seconds'] / prev['seconds']:.2f} (cpu x{res['cpu_s'] / prev['cpu_s']:.2f})"
                      f" for x{size / prev['size']:.0f} articles" if prev else "")
            print(json.dumps(res), growth)
            prev = res
    if Path(args.dev).exists():
        print("== dev corpus", json.dumps(dev_corpus(Path(args.dev))))


if __name__ == "__main__":
    main()
