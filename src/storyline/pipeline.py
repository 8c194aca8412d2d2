"""The ordered stage list and the run loop.

Data flows one way: ingest -> clean -> store, then over the store: nlp -> captions (clean's parse-aware
step) -> dedupe -> stories -> extract -> timeline -> brief -> claims. Each analysis stage is a ``run(ctx)``
function listed in :data:`STAGES` with what it needs and what it adds; stage modules hold the batch
functions that do the work (the same functions a scale-out engine would call) and read and write the store
only through :class:`storyline.store.Store`.

Each article's failure is its own: when a stage raises, the run loop retries it on halves of the run's
articles until the failing ones are found, records each as ``Rejected(article id, stage, reason)``, and goes
on with the rest. The store records which stages each article completed, so any run (and ``storyline
resume``) first finishes what an interrupted one left.

Example:
    >>> from storyline.store import Store
    >>> from storyline.config import Settings
    >>> with Store(":memory:") as store:
    ...     report = ingest_paths(["examples/demo"], store, Settings.load())   # doctest: +SKIP
    ...     analyse(RunContext(store, Settings.load(), new_ids=report.new))    # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import brief, claims, clean, dedupe, extract, ingest, nlp, stories, timeline
from .config import Settings
from .context import RunContext, Stage
from .errors import StoreError
from .model import Article, Rejected, Story, Storyline
from .store import Store

Page = ingest.Page  # what the follower hands over: a fetched page and its feed metadata

__all__ = [
    "INGEST_BATCH", "STAGES", "IngestReport", "Page", "RunContext", "Stage", "analyse", "ingest_pages", "ingest_paths",
    "ingest_records", "resume",
]

# A stage's failure reason is cut to this length (the error's own message can quote a whole article).
MAX_REASON = 300
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


def ingest_pages(pages: Sequence[Page], store: Store, settings: Settings) -> IngestReport:
    """Read fetched pages with the HTML reader, clean and store them like :func:`ingest_paths` (one transaction)."""
    report = IngestReport()
    reads: list[ingest.Read] = []
    for page in pages:
        report.read += 1
        item = ingest.read_page(page, settings.ingest.extract_seconds)
        if isinstance(item, Rejected):
            report.rejected.append(item)
        else:
            reads.append(item)
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
    report.existing.extend(_same_as_stored(store, cleaned, new, old, report.rejected))


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
        if batch:
            _store_reads(batch, store, settings, report)
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


def _same_as_stored(
    store: Store, cleaned: Sequence[Article], new: Sequence[str], old: Sequence[str], rejected: list[Rejected]
) -> list[str]:
    """The ids of ``old`` whose text is the stored one; an id stored with other text is a Rejected, not a no-op."""
    if not old:
        return []
    stored = store.content_hashes(old)
    unclaimed = set(new)
    same = []
    for art in cleaned:
        if art.id in unclaimed:  # the first article of a new id is the one stored
            unclaimed.discard(art.id)
        elif stored.get(art.id) == art.content_hash:
            same.append(art.id)
        else:
            path, line = (art.source.path, art.source.line) if art.source else (art.id, None)
            rejected.append(Rejected(path, "ingest", f"id {art.id!r} is already stored with different text "
                                                     "(not stored; give this record another id)", line))
    return same


def analyse(
    ctx: RunContext,
    stages: Sequence[Stage] = STAGES,
    on_stage: Callable[[str], Any] | None = None,
    resume: bool = True,
) -> RunContext:
    """Run every analysis stage in order over the store (nothing when there is nothing to analyse).

    With ``resume`` (the default), the articles an interrupted run left unfinished are analysed too, whatever
    this run brought. A stage called with no new articles and nothing touched works on the whole store (that
    is how a caller asks for everything); a stream run with nothing to analyse must not, so it stops here. An
    article a stage fails on is rejected (``ctx.rejected``, and in the store) and the others go on.
    """
    started = time.time()
    store = ctx.store
    if resume and not ctx.full:
        ctx.new_ids = list(dict.fromkeys([*store.unfinished_ids(), *ctx.new_ids]))
    if not ctx.full and not ctx.new_ids:
        store.record_run(started, {"new": 0, "stories": 0})
        return ctx
    hidden = set() if ctx.full else store.rejected_ids()
    ctx.new_ids = [aid for aid in ctx.new_ids if aid not in hidden]
    try:
        for stage in stages:
            if on_stage is not None:
                on_stage(stage.name)
            _run_guarded(ctx, stage, hidden)
            done = store.article_ids() if ctx.full else ctx.new_ids
            store.mark_progress(stage.name, done)
            if stage.name == "stories" and not ctx.full:  # resumed articles were placed before: rebuild them
                ctx.touched_stories |= store.story_ids_of(ctx.new_ids)
    finally:
        ctx.close()  # the worker processes the per-article stages shared
    store.mark_complete(store.article_ids() if ctx.full else ctx.new_ids, [s.name for s in STAGES])
    store.record_run(started, {"new": len(ctx.new_ids), "stories": len(ctx.touched_stories)})
    return ctx


def resume(ctx: RunContext, on_stage: Callable[[str], Any] | None = None) -> list[str]:
    """Finish the analysis an interrupted run left (no new input); returns the ids it finished."""
    waiting = ctx.store.unfinished_ids()
    if waiting:
        ctx.new_ids = waiting
        analyse(ctx, on_stage=on_stage)
    return [aid for aid in waiting if aid in set(ctx.new_ids)]


# -- per-article isolation ----------------------------------------------------------------------------------
class _HidingStore(Store):
    """The run's store, with some articles left out of :meth:`article_ids` (those a stage must not see now) and,
    when ``stories`` is given, only those stories (and the storylines holding one) in :meth:`iter_stories` and
    :meth:`iter_storylines`: a stage retried on a few articles falls back to "every story" when they touch
    none, and must then meet only theirs, not fail on another story and have them rejected for it."""

    def __init__(self, base: Store, hidden: set[str], stories: set[str] | None = None) -> None:
        self.__dict__.update(base.__dict__)  # shares the base's connection; opens nothing
        self.hidden = hidden
        self.stories = stories

    def article_ids(self) -> list[str]:
        """All article ids in ingest order, but the hidden ones."""
        return [aid for aid in super().article_ids() if aid not in self.hidden]

    def iter_stories(self) -> Iterator[Story]:
        """Stored stories, newest first (only the visible ones when ``stories`` is set)."""
        return (s for s in super().iter_stories() if self.stories is None or s.id in self.stories)

    def all_story_ids(self) -> list[str]:
        """Every stored story's id (only the visible ones when ``stories`` is set), as :meth:`iter_stories`."""
        return [sid for sid in super().all_story_ids() if self.stories is None or sid in self.stories]

    def iter_storylines(self) -> Iterator[Storyline]:
        """Stored storylines (only those holding a visible story when ``stories`` is set)."""
        visible = self.stories
        return (line for line in super().iter_storylines() if visible is None or visible & set(line.stories))

    def storylines_holding(self, story_ids: Iterable[str], also: Iterable[str] = ()) -> list[Storyline]:
        """The storylines holding one of these stories or named in ``also`` (only those holding a visible story
        when ``stories`` is set, as :meth:`iter_storylines`)."""
        visible = self.stories
        found = super().storylines_holding(story_ids, also)
        return [line for line in found if visible is None or visible & set(line.stories)]

    def close(self) -> None:
        """Nothing: the base store owns the connection."""


@contextmanager
def _view(ctx: RunContext, hidden: set[str], ids: list[str] | None = None) -> Iterator[None]:
    """Run a stage on ``ids`` only (all of the run's when None), hiding ``hidden`` and the run's other articles
    from the store's article list, and its touched stories and storylines narrowed to those of ``ids`` (which
    are then the only stories and storylines the stage can list)."""
    store, run_ids, touched, lines = ctx.store, ctx.new_ids, ctx.touched_stories, ctx.touched_storylines
    hide = hidden if ids is None else hidden | (set(run_ids) - set(ids))
    own = None if ids is None or ctx.full else store.story_ids_of(ids)
    narrowed = set(touched) if own is None else touched & own
    before, lines_before = set(narrowed), set(lines)
    ctx.new_ids, ctx.touched_stories = (run_ids if ids is None else list(ids)), narrowed
    if own is not None:
        ctx.touched_storylines = {line.id for line in _HidingStore(store, hide, own).iter_storylines()} & lines
        lines_before = set(ctx.touched_storylines)
    if (hide or own is not None) and not ctx.full:
        ctx.store = _HidingStore(store, hide, own)
    try:
        yield
    finally:
        added, removed = ctx.touched_stories - before, before - ctx.touched_stories
        lines_added = ctx.touched_storylines - lines_before
        ctx.store, ctx.new_ids, ctx.touched_stories = store, run_ids, (touched - removed) | added
        ctx.touched_storylines = lines | lines_added


def _run_guarded(ctx: RunContext, stage: Stage, hidden: set[str]) -> None:
    """Run one stage; when it raises, find the articles it fails on by halving, reject them, run the rest."""
    try:
        with _view(ctx, hidden):
            stage.run(ctx)
        return
    except (StoreError, MemoryError):
        raise  # the store or the machine, not an article: nothing to isolate
    except Exception as exc:  # noqa: BLE001 - one article's failure must not end the run
        if ctx.full or not ctx.new_ids:
            raise
        failure: Exception = exc
    rejected = _bisect(ctx, stage, hidden, list(ctx.new_ids), failure)
    for r in rejected:
        ctx.rejected.append(r)
        hidden.add(r.source)
    ctx.new_ids = [aid for aid in ctx.new_ids if aid not in hidden]
    ctx.store.add_rejected(rejected)
    ctx.store.mark_progress(stage.name, [r.source for r in rejected], status="rejected")


def _bisect(ctx: RunContext, stage: Stage, hidden: set[str], ids: list[str], failure: Exception) -> list[Rejected]:
    """The articles of ``ids`` the stage fails on (``failure``: the error on all of them), the others run."""
    if len(ids) == 1:
        return [Rejected(ids[0], stage.name, f"{type(failure).__name__}: {failure}"[:MAX_REASON])]
    rejected: list[Rejected] = []
    middle = len(ids) // 2
    for half in (ids[:middle], ids[middle:]):
        try:
            with _view(ctx, hidden | {r.source for r in rejected}, half):
                stage.run(ctx)
        except (StoreError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - narrowed down further
            rejected += _bisect(ctx, stage, hidden | {r.source for r in rejected}, half, exc)
    return rejected
