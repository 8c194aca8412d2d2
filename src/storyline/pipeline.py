"""The ordered stage list and the run loop.

Data flows one way: ingest -> clean -> store, then over the store: dedupe -> nlp -> stories -> extract ->
timeline -> brief. Each analysis stage is a ``run(ctx)`` function listed in :data:`STAGES` with what it needs
and what it adds; stage modules hold the batch functions that do the work (the same functions a scale-out
engine would call) and read and write the store only through :class:`storyline.store.Store`.

Example:
    >>> from storyline.store import Store
    >>> from storyline.config import Settings
    >>> with Store(":memory:") as store:
    ...     report = ingest_paths(["examples/demo"], store, Settings.load())   # doctest: +SKIP
    ...     analyse(RunContext(store, Settings.load(), new_ids=report.new))    # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import brief, claims, clean, dedupe, extract, ingest, nlp, stories, timeline
from .config import Settings
from .context import RunContext, Stage
from .errors import InputError
from .ingest.article import finish_article
from .ingest.decode import decode_bytes
from .ingest.html import article_from_html
from .model import Rejected, Source
from .store import Store

__all__ = [
    "INGEST_BATCH", "STAGES", "IngestReport", "Page", "RunContext", "Stage", "analyse", "ingest_pages", "ingest_paths",
]

# Articles are cleaned and stored in batches of this size: one transaction each, so an interrupted
# ingest keeps every finished batch and a re-run skips them.
INGEST_BATCH = 200


STAGES: tuple[Stage, ...] = (
    Stage("dedupe", dedupe.run, "clean articles", "content_hash, duplicate_of, flags syndicated/stitched, reused_from"),
    Stage("nlp", nlp.run, "clean articles", "sentences; serialised spaCy docs in the store"),
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


@dataclass
class Page:
    """A fetched web page: its bytes, where it is, and what the feed or sitemap that listed it says of it."""

    html: bytes
    url: str
    charset: str | None = None  # the charset the server declared (the page's own and the bytes are checked too)
    title: str | None = None  # feed metadata: each fills what the page itself lacks
    published: str | None = None
    byline: str | None = None
    guid: str | None = None
    updates: str | None = None  # the id of the article an earlier version of this page was stored as


def ingest_pages(pages: Sequence[Page], store: Store, settings: Settings) -> IngestReport:
    """Read fetched pages with the HTML reader, clean and store them like :func:`ingest_paths` (one transaction)."""
    report = IngestReport()
    reads: list[ingest.Read] = []
    for page in pages:
        report.read += 1
        try:
            text = decode_bytes(page.html, declared=page.charset, path=page.url, repair=False)
            art = article_from_html(text, url=page.url, fallback_date=page.published, path=page.url)
        except InputError as exc:
            report.rejected.append(Rejected(page.url, "ingest", exc.problem))
            continue
        art.title = art.title or page.title or ""
        art.byline = art.byline or page.byline
        art.source = Source(page.url, "html", record=page.guid)
        art.updates = page.updates
        reads.append(ingest.Read(finish_article(art), text, page.url, "html"))
    with store.transaction():
        _store_reads(reads, store, settings, report)
        store.add_rejected(report.rejected)
    return report


def _store_reads(reads: Sequence[ingest.Read], store: Store, settings: Settings, report: IngestReport) -> None:
    """Clean the articles read and store them in one transaction, counting new, stored and failed ones."""
    cleaned = []
    raw = {}
    for item in reads:
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


def ingest_paths(
    paths: Sequence[str],
    store: Store,
    settings: Settings,
    progress: Callable[[int], Any] | None = None,
) -> IngestReport:
    """Read every input, clean it and store it in batches; failures are recorded, never raised."""
    report = IngestReport()
    batch: list[ingest.Read] = []

    def flush() -> None:
        if batch:
            _store_reads(batch, store, settings, report)
            batch.clear()

    for item in ingest.read_inputs(paths, settings):
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


def analyse(ctx: RunContext, stages: Sequence[Stage] = STAGES, on_stage: Callable[[str], Any] | None = None) -> RunContext:
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
