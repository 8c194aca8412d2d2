"""Bench the extract stage against hand-annotated news prose, and its speed against the bare spaCy pass.

Usage: python bench/extract.py [--data bench/data/extract_annotations.jsonl] [--dev ../shared/dev-corpus/articles.jsonl]

Prints precision/recall per kind (entity mentions, quotes, figures, dates), date accuracy (value and
granularity right, over all annotated expressions), quote attribution accuracy (over annotated quotes that were
found), entity-merge pairwise F1 (within each story), and sentences per second of the extraction step against
the spaCy pass over the same text, measured in the same run. Targets: dates >= 0.95, attribution >= 0.9,
merge F1 >= 0.9, extraction <= 30% of the spaCy time.

Data: ``extract_annotations.jsonl`` (13 short articles, 81 sentences, the set the rules were tuned on; the last two,
scores, scale readings, crowds and future weekdays, were added with the figures/dates fixes) and
``extract_holdout.jsonl`` (4 articles, 23 sentences, written later as a check: ``--data`` it to score it).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from storyline.extract import extract_article, merge_story
from storyline.model import Article, Paragraph, Story
from storyline.text.parser import NLP, sentences_of

REPO = Path(__file__).resolve().parent.parent
QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"


def load(path: Path) -> list[dict]:  # type: ignore[type-arg]
    """Annotated articles, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def to_article(row: dict) -> Article:  # type: ignore[type-arg]
    """The model article of an annotated row."""
    return Article(
        id=row["id"],
        paragraphs=[Paragraph(p) for p in row["paragraphs"]],
        published=row.get("published"),
        story=row.get("story"),
    )


def prf(tp: int, n_sys: int, n_gold: int) -> str:
    """Precision / recall / F1 as text."""
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P={p:.3f} R={r:.3f} F1={f:.3f}"


def norm(text: str) -> str:
    """Lowercase, quote marks and outer punctuation removed, for matching."""
    return text.lower().strip(QUOTE_CHARS + " ,.")


def best_match(gold: str, found: list, used: set[int]) -> object | None:  # type: ignore[type-arg]
    """The unused found item whose text matches the gold text: equal first, then one containing the other."""
    g = norm(gold)
    for item in found:
        if id(item) not in used and norm(item.text) == g:
            used.add(id(item))
            return item
    for item in found:
        t = norm(item.text)
        if id(item) not in used and (f" {g} " in f" {t} " or f" {t} " in f" {g} "):
            used.add(id(item))
            return item
    return None


def score_quotes(row: dict, art: Article, names: dict[str, str], n: Counter[str], misses: list[str]) -> set[int]:  # type: ignore[type-arg]
    """Count found and attributed quotes of one article; the ids of the quotes matched."""
    n["q_sys"] += len(art.quotes)
    n["q_gold"] += len(row["quotes"])
    used: set[int] = set()
    for gq in row["quotes"]:
        hit = next((q for q in art.quotes if norm(gq["start"]) in norm(q.text) and id(q) not in used), None)
        if hit is None:
            misses.append(f"{art.id} quote missed: {gq['start']}")
            continue
        used.add(id(hit))
        n["q_tp"] += 1
        n["q_found"] += 1
        said = names.get(hit.speaker) if hit.speaker else None
        if said == gq["speaker"] or (said is None and gq["speaker"] is None):
            n["q_attr"] += 1
        else:
            misses.append(
                f"{art.id} quote '{gq['start']}' speaker {said!r} ({hit.speaker_name!r}) != {gq['speaker']!r}"
            )
    misses += [f"{art.id} extra quote: {q.text[:40]!r} ({q.kind})" for q in art.quotes if id(q) not in used]
    return used


def score_figures(row: dict, art: Article, used: set[int], n: Counter[str], misses: list[str]) -> None:  # type: ignore[type-arg]
    """Count found figures of one article and those with the right value and unit."""
    n["f_sys"] += len(art.figures)
    n["f_gold"] += len(row["figures"])
    for gf in row["figures"]:
        hit = best_match(gf["text"], art.figures, used)
        if hit is None:
            misses.append(f"{art.id} figure missed: {gf['text']}")
            continue
        n["f_tp"] += 1
        if abs(hit.value - gf["value"]) <= 0.01 * abs(gf["value"]) and hit.unit.lower() == gf["unit"].lower():
            n["f_val"] += 1
        else:
            misses.append(f"{art.id} figure {gf['text']}: {hit.value} {hit.unit} != {gf['value']} {gf['unit']}")


def score_dates(row: dict, art: Article, used: set[int], n: Counter[str], misses: list[str]) -> None:  # type: ignore[type-arg]
    """Count found dates of one article and those with the right value and granularity."""
    n["d_sys"] += len(art.dates)
    n["d_gold"] += len(row["dates"])
    for gd in row["dates"]:
        hit = best_match(gd["text"], art.dates, used)
        if hit is None:
            misses.append(f"{art.id} date missed: {gd['text']}")
            continue
        n["d_tp"] += 1
        if hit.value == gd["value"] and hit.granularity == gd["granularity"]:
            n["d_ok"] += 1
        else:
            misses.append(
                f"{art.id} date {gd['text']}: {hit.value} {hit.granularity} != {gd['value']} {gd['granularity']}"
            )


def merge_counts(rows: list[dict], stories: dict[str, Story]) -> tuple[int, int, int]:  # type: ignore[type-arg]
    """Entity merge, pairwise over (story, alias) items: (true positive pairs, system pairs, gold pairs)."""
    tp = n_sys = n_gold = 0
    by_story: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        for e in row["entities"]:
            for a in e["aliases"]:
                by_story[row["story"]][norm(a)] = e["name"]
    for sid, gold_map in by_story.items():
        alias_to_sys = {}
        for e in stories[sid].entities:
            for a in e.aliases:
                alias_to_sys.setdefault(norm(a), e.id)
        items = sorted(gold_map)
        for a, b in combinations(items, 2):
            g = gold_map[a] == gold_map[b]
            sa, sb = alias_to_sys.get(a), alias_to_sys.get(b)
            s = sa is not None and sa == sb
            tp += g and s
            n_gold += g
            n_sys += s
    return tp, n_sys, n_gold


def evaluate(rows: list[dict], arts: list[Article], stories: dict[str, Story]) -> None:  # type: ignore[type-arg]
    """Print the scores."""
    n: Counter[str] = Counter()
    misses: list[str] = []
    for row, art in zip(rows, arts, strict=True):
        names = {e.id: e.name for e in stories[row["story"]].entities}
        # entity mentions (distinct surface forms)
        gold = {norm(a) for e in row["entities"] for a in e["aliases"]}
        sys_m = {norm(m.text) for m in art.mentions if m.label in ("PERSON", "ORG", "GPE", "LOC", "FAC")}
        n["ent_tp"] += len(gold & sys_m)
        n["ent_sys"] += len(sys_m)
        n["ent_gold"] += len(gold)
        misses += [f"{art.id} entity missed: {g}" for g in gold - sys_m]
        used = score_quotes(row, art, names, n, misses)
        score_figures(row, art, used, n, misses)
        score_dates(row, art, used, n, misses)
    tp, n_sys, n_gold = merge_counts(rows, stories)
    attribution = f"attribution accuracy={n['q_attr'] / max(1, n['q_found']):.3f} ({n['q_attr']}/{n['q_found']})"
    values = f"value+unit accuracy={n['f_val'] / max(1, n['f_gold']):.3f} ({n['f_val']}/{n['f_gold']})"
    print(f"entity mentions   {prf(n['ent_tp'], n['ent_sys'], n['ent_gold'])}  (distinct surface forms)")
    print(f"entity merge      {prf(tp, n_sys, n_gold)}  (pairwise over aliases within a story)")
    print(f"quotes            {prf(n['q_tp'], n['q_sys'], n['q_gold'])}  {attribution}")
    print(f"figures           {prf(n['f_tp'], n['f_sys'], n['f_gold'])}  {values}")
    dates = f"accuracy={n['d_ok'] / max(1, n['d_gold']):.3f} ({n['d_ok']}/{n['d_gold']})"
    print(f"dates             {prf(n['d_tp'], n['d_sys'], n['d_gold'])}  {dates}")
    if misses:
        print("\nmisses:")
        for m in misses:
            print("  " + m)


def speed(nlp: NLP, arts: list[Article], label: str, repeat: int = 3) -> None:
    """Time the bare spaCy pass and the extraction step over the same articles; print rates and the ratio."""
    t_parse = t_extract = 0.0
    n_sent = 0
    for _ in range(repeat):
        fresh = [Article(id=a.id, paragraphs=a.paragraphs, published=a.published, story=a.story) for a in arts]
        t0 = time.perf_counter()
        docs = nlp.parse(fresh)
        for a, d in zip(fresh, docs, strict=True):
            a.sentences = sentences_of(a, d)  # part of the nlp stage, stored with the doc
        t1 = time.perf_counter()
        for a, d in zip(fresh, docs, strict=True):
            extract_article(a, d, resolve=False)  # as the stage does: the story merge sets the ids
        groups: dict[str, list[Article]] = defaultdict(list)
        for a in fresh:
            groups[a.story or a.id].append(a)
        for sid, members in groups.items():
            merge_story(Story(id=sid), members)
        t2 = time.perf_counter()
        t_parse += t1 - t0
        t_extract += t2 - t1
        n_sent = sum(len(a.sentences) for a in fresh)
    sps_parse = n_sent * repeat / t_parse
    sps_all = n_sent * repeat / (t_parse + t_extract)
    print(
        f"[{label}] {len(arts)} articles, {n_sent} sentences: spaCy pass {sps_parse:.0f} sent/s; "
        f"spaCy + extraction {sps_all:.0f} sent/s; extraction adds {100 * t_extract / t_parse:.1f}% to the spaCy time"
    )


def main() -> None:
    """Run the bench."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / "bench" / "data" / "extract_annotations.jsonl")
    ap.add_argument("--dev", type=Path, default=REPO.parent / "shared" / "dev-corpus" / "articles.jsonl")
    args = ap.parse_args()
    nlp = NLP()
    rows = load(args.data)
    arts = [to_article(r) for r in rows]
    print(f"annotated: {len(rows)} articles, {sum(len(r['paragraphs']) for r in rows)} paragraphs")
    for a, d in zip(arts, nlp.parse(arts), strict=True):
        a.sentences = sentences_of(a, d)
        extract_article(a, d)
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in arts:
        groups[a.story or a.id].append(a)
    stories = {sid: merge_story(Story(id=sid), members) for sid, members in groups.items()}
    print(f"sentences: {sum(len(a.sentences) for a in arts)}")
    evaluate(rows, arts, stories)
    print()
    speed(nlp, arts, "annotated")
    if args.dev.exists():
        dev = []
        for line in args.dev.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                paras = [p.strip() for p in r["text"].split("\n\n") if p.strip()] or [r["text"]]
                dev.append(
                    Article(
                        id=r["id"],
                        paragraphs=[Paragraph(p) for p in paras],
                        published=r.get("published"),
                        story=r.get("story"),
                    )
                )
        speed(nlp, dev, "dev corpus")
    # resource, not tracemalloc: tracing allocations slows Python code far more than spaCy's C code
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
