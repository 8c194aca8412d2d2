"""Refit the story clusterer's constants on tune data only, and print what it chose (issue 13, item 1).

What it chooses, in this order, on the **tune** sets (the dev corpus's tune half, :func:`stories.halves`, and
the team's corpus ``bench/data/labeled.jsonl``):

1. The weights of the text signals (:data:`storyline.stories.features.WEIGHTS`): a logistic regression on
   article-to-story decisions, the decision the clusterer makes. Each canonical article is compared with the
   centroid of every gold story of its set (its own story without it): its time-decayed body, head and entity
   cosines are the inputs, "is its story" the label. Fitted for every subset of the signals; the coefficients
   (negative ones set to 0) normalised to sum 1 are that subset's weights.
2. The subset, by its best join threshold (``stories.threshold``) on a coarse grid: the real stage runs as a
   stream (``STREAM_BATCH`` articles a run, in time order) and as a batch (``recluster``) on each tune set; the
   score is the mean B-cubed F1 of the stream and the batch over the tune sets (a tie goes to fewer signals).
3. The threshold of that subset on a fine grid: the middle of the thresholds scoring within ``PLATEAU`` of the
   best, not the best alone (on a few hundred articles the best of a flat stretch is chance), moved up to the
   next such threshold while the acceptance checks of ``bench/samples.py`` (which must all pass) do not (a
   higher bar only merges less; the samples are not scored for F1, only passed or failed).
4. :data:`storyline.stories.cluster.UNDATED_REHOME_MEMBERS` on a small grid, at the chosen weights and
   threshold, by the same score (a tie keeps the current value: the tune sets then hold no evidence to move it).

With ``--check`` the chosen constants (and the current ones, for comparison) are then scored on the check
sets (the dev check half and the demo); nothing is chosen there.

Usage:
    python bench/fit_stories.py [--check] [--coarse 0.12:0.26:0.02] [--fine 0.12:0.22:0.01]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import itertools
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stories as bench_stories  # noqa: E402  (bench/stories.py: the same preparation and scoring)

from storyline import stories  # noqa: E402
from storyline.config import Settings  # noqa: E402
from storyline.context import RunContext  # noqa: E402
from storyline.store import Store  # noqa: E402
from storyline.stories import cluster, features  # noqa: E402
from storyline.stories.features import ArticleFeatures, Profile, Vocabulary  # noqa: E402
from storyline.stories.stage import _featurise_all  # noqa: E402
from storyline.text.parser import NLP  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared/dev-corpus/articles.jsonl"
TEAM = REPO / "bench/data/labeled.jsonl"
DEMO = REPO / "bench/data/demo_labeled.jsonl"
SIGNALS = ("body", "head", "ents")
# Values of UNDATED_REHOME_MEMBERS tried (a large value means an undated single is never rehomed).
UNDATED_GRID = (2, 3, 4, 5, 1000)
# Mean tune F1 this close to the best counts as tied with it when the threshold is chosen: one article of the
# dev tune half moving story changes the mean by about 0.005.
PLATEAU = 0.005
# Regularisation of the logistic regression (sklearn's default): the inputs are cosines in [0, 1].
LOGIT_C = 1.0


class Labelled:
    """One labelled set, ingested, parsed and deduplicated once; each scoring run works on a copy."""

    def __init__(self, name: str, path: Path, records: list[dict[str, Any]] | None, settings: Settings,
                 nlp: NLP) -> None:
        self.name, self.nlp = name, nlp
        self.store = Store(":memory:")
        self.ids = bench_stories._prepare(self.store, settings, nlp, [str(path)], records)
        self.articles = list(self.store.iter_articles())
        self.gold = bench_stories._gold(self.articles)

    def features(self, settings: Settings) -> dict[str, ArticleFeatures]:
        """Features of the canonical comparable articles (what the clusterer compares)."""
        ctx = RunContext(self.store, settings, new_ids=self.ids, _nlp=self.nlp)
        canonical = [a for a in self.articles if a.duplicate_of is None]
        return _featurise_all(ctx.docs, self.nlp, canonical, settings)

    def score(self, settings: Settings) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """B-cubed (P, R, F1) of the stream and of the batch run of the stage on a copy of the prepared store."""
        with Store(":memory:") as st:
            self.store.db.backup(st.db)
            stream = bench_stories._stream(st, settings, self.nlp, self.ids)
            stories.recluster(st, settings, self.nlp)
            batch = {a.id: a.story or a.id for a in st.iter_articles()}
        return bench_stories.bcubed(stream, self.gold), bench_stories.bcubed(batch, self.gold)


def decisions(data: Labelled, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of article-to-story decisions: decayed body, head, entity cosines to each gold story's centroid."""
    feats = data.features(settings)
    vocab = Vocabulary()
    for f in feats.values():
        vocab.add(f)
    groups: dict[str, list[ArticleFeatures]] = defaultdict(list)
    for aid, f in feats.items():
        groups[data.gold[aid]].append(f)
    xs, ys = [], []
    scale = settings.stories.time_scale_days
    for aid, f in feats.items():
        for story, members in groups.items():
            rest = [m for m in members if m.id != aid]
            if not rest:
                continue
            profile = Profile.of(rest)
            decay = features.time_decay(features.day_gap(f, profile), scale)
            xs.append([s * decay for s in features.signals(f, profile, vocab)])
            ys.append(story == data.gold[aid])
    return np.array(xs), np.array(ys)


def fit_weights(x: np.ndarray, y: np.ndarray, subset: Sequence[str]) -> tuple[dict[str, float], list[float]]:
    """Normalised weights of a subset of the signals (all of WEIGHTS' keys; 0 for those left out), raw coefs."""
    cols = [SIGNALS.index(s) for s in subset]
    model = LogisticRegression(C=LOGIT_C).fit(x[:, cols], y)
    coef = [float(c) for c in model.coef_[0]]
    pos = [max(c, 0.0) for c in coef]
    total = sum(pos) or 1.0
    weights = dict.fromkeys(SIGNALS, 0.0)
    weights.update({s: round(c / total, 3) for s, c in zip(subset, pos, strict=True)})
    return weights, coef


@contextlib.contextmanager
def constants(weights: dict[str, float] | None = None, undated: int | None = None) -> Iterator[None]:
    """Run with other WEIGHTS and UNDATED_REHOME_MEMBERS (the module constants under study), then restore them."""
    old_w, old_u = dict(features.WEIGHTS), cluster.UNDATED_REHOME_MEMBERS
    try:
        if weights is not None:
            features.WEIGHTS.update(weights)
        if undated is not None:
            cluster.UNDATED_REHOME_MEMBERS = undated
        yield
    finally:
        features.WEIGHTS.update(old_w)
        cluster.UNDATED_REHOME_MEMBERS = old_u


def tune_score(sets: list[Labelled], settings: Settings, show: str = "") -> float:
    """Mean B-cubed F1 of stream and batch over the sets (and one printed line per set when ``show``)."""
    f1s = []
    for data in sets:
        stream, batch = data.score(settings)
        f1s += [stream[2], batch[2]]
        if show:
            print(f"    {show} {data.name:<12} stream P {stream[0]:.3f} R {stream[1]:.3f} F1 {stream[2]:.3f} | "
                  f"batch P {batch[0]:.3f} R {batch[1]:.3f} F1 {batch[2]:.3f}")
    return float(np.mean(f1s))


def _grid(spec: str) -> list[float]:
    """Thresholds from "start:stop:step" (stop included)."""
    start, stop, step = (float(v) for v in spec.split(":"))
    return [round(float(t), 3) for t in np.arange(start, stop + step / 2, step)]


def _pick_subset(scored: dict[tuple[Any, ...], float]) -> tuple[str, ...]:
    """The subset with the best score at any threshold; a tie (within 1e-9) goes to fewer signals."""
    best: dict[tuple[str, ...], float] = {}
    for (subset, _), v in scored.items():
        best[subset] = max(best.get(subset, 0.0), v)
    top = max(best.values())
    return min((s for s, v in best.items() if v >= top - 1e-9), key=len)


def samples_pass(threshold: float) -> bool | None:
    """True when every acceptance check of bench/samples.py passes at this join threshold (None: no samples)."""
    if not (REPO.parent / "shared" / "samples").is_dir():
        return None
    spec = importlib.util.spec_from_file_location("bench_samples", REPO / "bench/samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    load = Settings.load.__func__  # type: ignore[attr-defined]

    def with_threshold(cls: type[Settings], path: Any = None, overrides: dict[str, Any] | None = None) -> Settings:
        """Settings.load with the join threshold under study."""
        merged = dict(overrides or {})
        merged["stories"] = {"threshold": threshold, **merged.get("stories", {})}
        return load(cls, path, merged)  # type: ignore[no-any-return]

    with (mock.patch.object(Settings, "load", classmethod(with_threshold)), mock.patch.object(sys, "argv", ["samples"]),
          contextlib.redirect_stdout(io.StringIO())):
        return bool(module.main() == 0)


def _pick_threshold(by_t: dict[float, float]) -> float:
    """The middle threshold of those scoring within PLATEAU of the best, moved up until the samples pass."""
    top = max(by_t.values())
    near = sorted(t for t, v in by_t.items() if v >= top - PLATEAU)
    for t in near[len(near) // 2:]:
        ok = samples_pass(t)
        print(f"  {t:.2f}: bench/samples.py checks {'all pass' if ok else 'not all pass' if ok is False else 'absent'}")
        if ok is not False:
            return t
    return near[-1]


def main(argv: list[str] | None = None) -> int:
    """Refit and print the constants; with --check also score them on the check sets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="score the chosen constants on the check sets")
    ap.add_argument("--coarse", default="0.12:0.26:0.02", help="thresholds for the subsets, start:stop:step")
    ap.add_argument("--fine", default="0.12:0.22:0.01", help="thresholds for the chosen subset, start:stop:step")
    args = ap.parse_args(argv)
    settings = Settings.load()
    nlp = NLP(settings)
    halves = bench_stories.halves(str(DEV)) if DEV.exists() else {}
    tune = [Labelled("team", TEAM, None, settings, nlp)]
    if halves:
        tune.insert(0, Labelled("dev-tune", DEV, halves["tune"], settings, nlp))
    print(f"current: WEIGHTS {features.WEIGHTS}, threshold {settings.stories.threshold}, "
          f"UNDATED_REHOME_MEMBERS {cluster.UNDATED_REHOME_MEMBERS}")
    xy = [decisions(d, settings) for d in tune]
    x, y = np.vstack([a for a, _ in xy]), np.concatenate([b for _, b in xy])
    print(f"\n1. logistic regression on {len(y)} article-to-story decisions of the tune sets ({int(y.sum())} its own)")
    subsets = [s for k in range(1, len(SIGNALS) + 1) for s in itertools.combinations(SIGNALS, k)]
    fitted = {}
    for subset in subsets:
        weights, coef = fit_weights(x, y, subset)
        fitted[subset] = weights
        print(f"  {'+'.join(subset):<15} coefficients {', '.join(f'{c:.1f}' for c in coef):<18} -> weights {weights}")
    print("\n2. subsets: mean B-cubed F1 of stream and batch over the tune sets at each join threshold")
    scored: dict[tuple[Any, ...], float] = {}
    for subset in subsets:
        row = []
        with constants(fitted[subset]):
            for t in _grid(args.coarse):
                scored[(subset, t)] = tune_score(tune, settings.replace(stories={"threshold": t}))
                row.append(f"{t:.2f}:{scored[(subset, t)]:.3f}")
        print(f"  {'+'.join(subset):<15} " + " ".join(row))
    subset = _pick_subset(scored)
    weights = fitted[subset]
    print(f"  chosen: {'+'.join(subset)} {weights}")
    print(f"\n3. threshold of {'+'.join(subset)} (the middle of those within {PLATEAU} of the best, up until "
          "bench/samples.py passes)")
    by_t = {}
    with constants(weights):
        for t in _grid(args.fine):
            by_t[t] = tune_score(tune, settings.replace(stories={"threshold": t}))
    print("  " + " ".join(f"{t:.2f}:{v:.3f}" for t, v in by_t.items()))
    threshold = _pick_threshold(by_t)
    chosen = settings.replace(stories={"threshold": threshold})
    print(f"  chosen: {threshold} (tune mean F1 {by_t[threshold]:.3f})")
    print("\n4. UNDATED_REHOME_MEMBERS at those weights and threshold")
    by_undated = {}
    with constants(weights):
        for u in UNDATED_GRID:
            with constants(undated=u):
                by_undated[u] = tune_score(tune, chosen)
            print(f"  {u:>5}: tune mean F1 {by_undated[u]:.3f}")
    best = max(by_undated.values())
    tied = [u for u, v in by_undated.items() if v >= best - 1e-9]
    undated = cluster.UNDATED_REHOME_MEMBERS if cluster.UNDATED_REHOME_MEMBERS in tied else min(tied)
    print(f"  chosen: {undated}")
    print(f"\nchosen: WEIGHTS {weights}, threshold {threshold}, UNDATED_REHOME_MEMBERS {undated}")
    with constants(weights, undated):
        tune_score(tune, chosen, show="tune ")
    if args.check:
        check = [Labelled("demo", DEMO, None, settings, nlp)]
        if halves:
            check.insert(0, Labelled("dev-check", DEV, halves["check"], settings, nlp))
        print("\ncheck sets (nothing chosen here)")
        tune_score(check, settings, show="now  ")
        with constants(weights, undated):
            tune_score(check, chosen, show="fit  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
