"""The ordered stage list and the run loop.

Data flows one way: ingest -> clean -> store, then over the store: nlp -> captions (clean's parse-aware
step) -> dedupe -> stories -> extract -> timeline -> brief -> claims. Each analysis stage is a ``run(ctx)``
function listed in :data:`STAGES` with what it needs and what it adds; stage modules hold the batch
functions that do the work (the same functions a scale-out engine would call) and read and write the store
only through :class:`storyline.store.Store`.

Example:
    >>> from storyline.store import Store
    >>> from storyline.config import Settings
    >>> with Store(":memory:") as store:
    ...     report = ingest_paths(["examples/demo"], store, Settings.load())   # doctest: +SKIP
    ...     analyse(RunContext(store, Settings.load(), new_ids=report.new))    # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import brief, claims, clean, dedupe, extract, ingest, nlp, stories, timeline
from .config import Settings
from .context import RunContext, Stage
from .model import Rejected
from .store import Store

__all__ = ["INGEST_BATCH", "STAGES", "IngestReport", "RunContext", "Stage", "analyse", "ingest_paths", "ingest_records"]

# Articles are cleaned and stored in batches of this size: one transaction each, so an interrupted
# ingest keeps every finished batch and a re-run skips them.
INGEST_BATCH = 200


STAGES: tuple[Stage, ...] = (
    Stage("nlp", nlp.run, "clean articles", "sentences; serialised spaCy docs in the store"),
    Stage("captions", clean.flag_captions, "clean articles with docs", "paragraph flag caption (parse-aware)"),
    Stage("dedupe", dedupe.run, "clean articles: final flags, sentences",
          "duplicate_of; flags syndicated, exact_duplicate, stitched; reused_from"),
    Stage("stories", stories.run, "articles with docs, duplicate_of", "article.story; stories and storylines"),
    Stage("extract", extract.run, "articles with docs, stories", "mentions, quotes, figures, dates; story entities"),
    Stage("timeline", timeline.run, "stories with dates", "story.timeline, storyline.timeline"),
    Stage("brief", brief.run, "stories with extraction", "story.summary, storyline.summary"),
    Stage("claims", claims.run, "stories with summaries and figures", "story.claims (agreement and conflict)"),
)


@dataclass
class IngestReport:
    """Counts of one ingest: what was read, what was new, what was already stored, what failed."""

    read: int = 0
    new: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """How many inputs failed."""
        return len(self.rejected)


def ingest_paths(
    paths: Sequence[str],
    store: Store,
    settings: Settings,
    progress: Callable[[int], Any] | None = None,
) -> IngestReport:
    """Read every input, clean it and store it in batches; failures are recorded, never raised."""
    return _ingest(ingest.read_inputs(paths, settings), store, settings, progress)


def ingest_records(
    records: Iterable[dict[str, Any]], store: Store, settings: Settings, source: str = "<api>"
) -> IngestReport:
    """Clean and store JSON article records (the fields of a JSONL input line) like :func:`ingest_paths` does."""
    return _ingest(ingest.read_records(records, settings, source), store, settings)


def _ingest(
    items: Iterable[ingest.Read | Rejected],
    store: Store,
    settings: Settings,
    progress: Callable[[int], Any] | None = None,
) -> IngestReport:
    """Clean and store what a reader yields, in batches; failures are recorded, never raised."""
    report = IngestReport()
    batch: list[ingest.Read] = []

    def flush() -> None:
        if not batch:
            return
        cleaned = []
        raw = {}
        for item in batch:
            try:
                art = clean.clean_article(item.article, settings)
            except Exception as exc:  # noqa: BLE001 - a cleaner bug must not lose the rest of the run
                report.rejected.append(Rejected(item.path, "clean", f"could not clean: {exc}"))
                continue
            cleaned.append(art)
            raw[art.id] = (item.path, item.format, item.raw)
        new, old = store.add_articles(cleaned, raw)
        report.new.extend(new)
        report.existing.extend(old)
        batch.clear()

    for item in items:
        if isinstance(item, Rejected):
            report.rejected.append(item)
        else:
            report.read += 1
            batch.append(item)
            if len(batch) >= INGEST_BATCH:
                flush()
        if progress is not None:
            progress(1)
    flush()
    store.add_rejected(report.rejected)
    return report


def analyse(
    ctx: RunContext, stages: Sequence[Stage] = STAGES, on_stage: Callable[[str], Any] | None = None
) -> RunContext:
    """Run every analysis stage in order over the store (nothing when the run brought no new article).

    A stage called with no new articles and nothing touched works on the whole store (that is how a caller asks
    for everything); a stream run that read only known files must not, so it stops here.
    """
    started = time.time()
    if not ctx.full and not ctx.new_ids:
        ctx.store.record_run(started, {"new": 0, "stories": 0})
        return ctx
    for stage in stages:
        if on_stage is not None:
            on_stage(stage.name)
        stage.run(ctx)
    ctx.store.record_run(started, {"new": len(ctx.new_ids), "stories": len(ctx.touched_stories)})
    return ctx
