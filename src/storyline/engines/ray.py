"""The Ray engine: the per-article stages on Ray, the corpus-wide stages over the gathered results.

Per-article work runs where the cluster has cores: each input file is read (:func:`storyline.ingest.read_inputs`)
in a Ray task and its articles are cleaned (:func:`storyline.clean.clean_article`) in Ray Data ``map_batches``
tasks; the driver gathers the rows in input order into the store, then runs the pipeline's stages over it with
the same code as the local engine. Every per-article step of those stages (the parse, captions, story features,
extract) goes to :class:`RayMapper` (:meth:`storyline.context.RunContext.parse_articles` and
:meth:`~storyline.context.RunContext.map_articles`), and so does the per-story work of timeline, brief and claims
when the actors can read the store's file (:meth:`~storyline.context.RunContext.map_stories`: a local Ray, or a
cluster on a shared disk): one set of actors started
once for the run, each loading the spaCy pipeline once and making the same calls a local worker makes
(:meth:`storyline.text.parser.NLP.parse_task`, :meth:`~storyline.text.parser.NLP.map_task`,
:func:`storyline.context.story_task`), so both engines write the same ``stories.json``. Dedupe's candidate
pairs come from its LSH band keys grouped by Ray's shuffle (:meth:`RayMapper.collide`). :func:`write_parquet`
adds ``articles``, ``stories`` and ``facts`` tables for DuckDB or Spark.

Ray is an optional extra: ``pip install 'storyline[ray]'``. ``address`` None starts a local Ray on this machine
(``workers`` + 1 CPUs); ``"auto"`` or ``"ray://HEAD:10001"`` joins a running cluster (``ray start --head``).

Example:
    >>> RayEngine(workers=2).run(["examples/demo"], store, settings)               # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import clean, ingest, pipeline
from ..config import Settings
from ..context import RunContext, StoryJob, story_task
from ..errors import MissingDependencyError
from ..model import Article, Rejected, Sentence, Span
from ..pipeline import IngestReport
from ..store import Store
from ..text.parser import (
    NLP,
    POOL_TASK,
    POOL_WINDOW,
    ArticleBatchFn,
    MapTask,
    Parsed,
    Task,
    batched,
    default_workers,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["RayEngine", "write_parquet"]

# Articles per clean map_batches call: enough that the batch's Arrow conversion is a small share of its work.
BATCH = 32
# Articles per block after reading: a block is the unit Ray hands to one task, so a single large JSONL file is
# cleaned by every CPU instead of by the task that read it.
BLOCK_ROWS = 128
# Rows stored per store transaction on the driver.
WRITE_BATCH = 256
# Item index bits in a row's order key (file index above them): 2**32 articles per input file.
ORDER_BITS = 32


def _ray() -> Any:
    """Import ray, or say how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401 - the Data library is a separate part of the ray[data] extra
    except ImportError as exc:
        raise MissingDependencyError("the Ray engine needs Ray Data: pip install 'storyline[ray]'") from exc
    return ray


def _schema() -> pa.Schema:
    """The columns of every row between the per-article steps (one input article, or one rejected input)."""
    import pyarrow as pa

    return pa.schema([("order", pa.int64()), ("path", pa.string()), ("format", pa.string()), ("raw", pa.string()),
                      ("article", pa.string()), ("rejected", pa.string())])


def _row(order: int, item: ingest.Read | Rejected) -> dict[str, Any]:
    """One read item as a row (the article and a rejection as JSON of their records)."""
    if isinstance(item, Rejected):
        return {"order": order, "path": item.source, "format": None, "raw": None, "article": None,
                "rejected": json.dumps(item.to_dict())}
    return {"order": order, "path": item.path, "format": item.format, "raw": item.raw,
            "article": json.dumps(item.article.to_dict()), "rejected": None}


def input_files(paths: Sequence[str]) -> list[str]:
    """The files the inputs name, in the order ingest reads them (a directory walked as ingest walks it)."""
    files: list[str] = []
    for p in paths:
        path = Path(p)
        if p != "-" and path.is_dir():
            found = [f for f in sorted(path.rglob("*")) if f.is_file() and ingest.format_of(f) is not None
                     and not any(part.startswith(".") for part in f.relative_to(path).parts)]
            files += [str(f) for f in found] or [p]  # an empty directory: ingest's own rejection says why
        else:
            files.append(p)
    return files


def _read(row: dict[str, Any], settings: Settings) -> Iterator[dict[str, Any]]:
    """Ray task: every item ingest reads from one input file, as rows."""
    base = int(row["index"]) << ORDER_BITS
    for i, item in enumerate(ingest.read_inputs([row["file"]], settings)):
        yield _row(base + i, item)


def _clean_batch(batch: pa.Table, settings: Settings) -> pa.Table:
    """Ray task: clean the batch's articles (a cleaner failure is a rejected row, as in the local ingest)."""
    import pyarrow as pa

    rows = batch.to_pylist()
    for row in rows:
        if row["article"] is None:
            continue
        try:
            art = clean.clean_article(Article.from_dict(json.loads(row["article"])), settings)
        except Exception as exc:  # noqa: BLE001 - a cleaner bug must not lose the rest of the run
            row["rejected"] = json.dumps(Rejected(row["path"], "clean", f"could not clean: {exc}").to_dict())
            row["article"] = None
            continue
        row["article"] = json.dumps(art.to_dict())
    return pa.Table.from_pylist(rows, schema=_schema())


class _Worker:
    """Ray actor: the spaCy pipeline loaded once for the run; parses and runs the stages' per-article batch
    functions as a local worker process does (:func:`storyline.text.parser._start_worker`: same calls)."""

    def __init__(self, settings: Settings) -> None:
        self.nlp = NLP(settings)
        self.readers: dict[str, RunContext] = {}  # the store file read-only, for the per-story work

    def parse(self, task: Task) -> Parsed:
        """Parse (text, paragraph spans) pairs: each doc serialised, with its sentences."""
        return self.nlp.parse_task(task)

    def map(self, fn: ArticleBatchFn[Any], task: MapTask) -> list[Any]:
        """A stage's batch function over (article, serialised doc, extra) items."""
        return self.nlp.map_task(fn, task)

    def stories(self, job: StoryJob) -> list[Any] | None:
        """A stage's per-story batch function over stories, reading the store file (:func:`story_task`); None
        when this actor's machine has no such file (the driver's store is on another machine's disk)."""
        if not Path(job[2]).is_file():
            return None
        return story_task(job, self.nlp, self.readers)


def _group_pairs(group: pa.Table) -> pa.Table:
    """Ray task: the (id, other) pairs of one key's group, for each wanted id of it."""
    import pyarrow as pa

    ids, wanted = group.column("id").to_pylist(), group.column("wanted").to_pylist()
    pairs = [(a, b) for a, want in zip(ids, wanted, strict=True) if want for b in ids if b != a]
    return pa.table({"id": pa.array([a for a, _ in pairs], pa.string()),
                     "other": pa.array([b for _, b in pairs], pa.string())})


@dataclass
class RayMapper:
    """The stages' per-article work on one set of Ray actors for the whole run (started on first use, each
    loading the pipeline once, stopped by :meth:`close`): the parse (:meth:`parse`), a stage's batch function
    (:meth:`map`: captions, story features, extract), and dedupe's LSH band keys grouped by Ray's shuffle
    (:meth:`collide`)."""

    ray: Any
    settings: Settings
    actors: int
    shares_disk: bool = True  # the actors can read the store's file (until one of them finds none)
    _workers: list[Any] = field(default_factory=list, repr=False)

    def parse(self, articles: Iterable[Article]) -> Iterator[tuple[bytes, list[Sentence]]]:
        """Each article's serialised doc and sentences, in order, parsed on the actors."""
        tasks = ([(a.text, a.paragraph_spans()) for a in batch] for batch in batched(articles, POOL_TASK))
        for parsed in self._run("parse", ((task,) for task in tasks)):
            yield from parsed

    def map(self, fn: ArticleBatchFn[Any], items: Iterable[tuple[Article, bytes, Any]]) -> Iterator[Any]:
        """``fn``'s result for each (article, serialised doc, extra) item, in order, on the actors."""
        for results in self._run("map", ((fn, task) for task in batched(items, POOL_TASK))):
            yield from results

    def collide(self, rows: Iterable[tuple[str, str]], wanted: set[str]) -> dict[str, set[str]]:
        """For each id of ``wanted``, the ids sharing a key with it: Ray's shuffle groups the (key, id) rows by key
        (``groupby(key).map_groups``), each group gives its pairs, the driver gathers them."""
        items = [{"key": key, "id": aid, "wanted": aid in wanted} for key, aid in rows]
        out: dict[str, set[str]] = {}
        if not items:
            return out
        blocks = max(1, min(self.actors * 4, -(-len(items) // BLOCK_ROWS)))
        # as many shuffle partitions as input blocks (Ray's default, 200, is for datasets far larger than these)
        pairs = (self.ray.data.from_items(items, override_num_blocks=blocks).groupby("key", num_partitions=blocks)
                 .map_groups(_group_pairs, batch_format="pyarrow"))
        for row in pairs.iter_rows():
            out.setdefault(row["id"], set()).add(row["other"])
        return out

    def run_stories(self, jobs: list[StoryJob]) -> list[list[Any]] | None:
        """Each per-story job's results, in order, on the actors reading the store's file; None (the stories run
        in the driver, in this run's later stages too) when an actor finds no such file on its machine."""
        if not self.shares_disk:
            return None
        done = list(self._run("stories", ((job,) for job in jobs)))
        if any(got is None for got in done):
            self.shares_disk = False
            return None
        return done

    def close(self) -> None:
        """Stop the actors (the next call starts new ones)."""
        for actor in self._workers:
            self.ray.kill(actor)
        self._workers = []

    def _run(self, method: str, calls: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        """Each call's result, in order: calls go to the actors in turn, :data:`POOL_WINDOW` in flight an actor
        (an actor runs its calls one after another, so the next is there when one ends)."""
        if not self._workers:
            actor = self.ray.remote(num_cpus=1)(_Worker)
            self._workers = [actor.remote(self.settings) for _ in range(self.actors)]
        pending: deque[Any] = deque()
        for k, args in enumerate(calls):
            pending.append(getattr(self._workers[k % len(self._workers)], method).remote(*args))
            while len(pending) >= len(self._workers) * POOL_WINDOW:
                yield self.ray.get(pending.popleft())
        while pending:
            yield self.ray.get(pending.popleft())


@dataclass
class RayEngine:
    """Ingest and parse on Ray Data, then the corpus-wide stages here (module docstring).

    ``workers`` is the parse actor pool's size, at most the cluster's CPUs less one (kept for the read and clean
    tasks); 0: every CPU of the cluster less one. Without ``address`` the local Ray it starts has ``workers`` + 1
    CPUs (``workers`` 0: this machine's cores).
    A Ray already initialised in this process is used as it is.
    """

    workers: int = 0
    address: str | None = None
    name: str = "ray"

    def run(
        self, paths: Sequence[str], store: Store, settings: Settings, on_stage: Callable[[str], Any] | None = None
    ) -> IngestReport:
        """What ``storyline run`` does, the per-article stages on Ray; returns what was read."""
        ray = _ray()
        started_here = not ray.is_initialized()
        if started_here:
            quiet = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING}
            if self.address:
                ray.init(address=self.address, **quiet)
            else:  # one CPU more than the parse actors: the read and clean tasks must not wait for a free actor
                ray.init(num_cpus=(self.workers or default_workers()) + 1, **quiet)
        try:
            if on_stage is not None:
                on_stage("ingest")
            cpus = int(ray.cluster_resources().get("CPU", 1))
            # the parse actors hold one CPU each; one CPU stays for the read and clean tasks (else they starve)
            actors = max(1, min(self.workers or cpus, cpus - 1))
            report = self._ingest(ray, paths, store, settings, actors)
            # the parse and the per-article part of captions, stories and extract run on one set of actors
            # (RunContext.parse_articles and map_articles through RayMapper), the corpus-wide stages here
            mapper = RayMapper(ray, settings, actors)
            ctx = pipeline.RunContext(store, settings, new_ids=report.new, workers=1, mapper=mapper)
            try:
                pipeline.analyse(ctx, on_stage=on_stage)
            finally:
                mapper.close()
        finally:
            if started_here:
                ray.shutdown()
        return report

    def _ingest(self, ray: Any, paths: Sequence[str], store: Store, settings: Settings, actors: int) -> IngestReport:
        """Read and clean on Ray; store the rows here, in input order, as the local ingest does."""
        data_ctx = ray.data.DataContext.get_current()
        data_ctx.execution_options.preserve_order = True  # rows reach the store in input order, as locally
        data_ctx.enable_progress_bars = False
        data_ctx.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        report = IngestReport()
        files = [f for f in input_files(paths) if f != "-"]
        stdin = [_row(i, item) for i, item in enumerate(ingest.read_inputs(["-"], settings))] if "-" in paths else []
        rows = (ray.data.from_items([{"index": i, "file": f} for i, f in enumerate(files)],
                                    override_num_blocks=max(1, min(len(files), actors * 4)))
                .flat_map(_read, fn_kwargs={"settings": settings}))
        if stdin:
            rows = rows.union(ray.data.from_items(stdin))
        cleaned = (rows.repartition(target_num_rows_per_block=BLOCK_ROWS)
                   .map_batches(_clean_batch, batch_size=BATCH, batch_format="pyarrow",
                                fn_kwargs={"settings": settings}))
        batch: list[dict[str, Any]] = []
        for row in cleaned.iter_rows():
            batch.append(row)
            if len(batch) >= WRITE_BATCH:
                _store_rows(batch, store, report)
        _store_rows(batch, store, report)
        store.add_rejected(report.rejected)
        return report


def _store_rows(rows: list[dict[str, Any]], store: Store, report: IngestReport) -> None:
    """Store a batch of gathered rows: new articles with their raw input; count and record the rest."""
    arts, raw = [], {}
    for row in sorted(rows, key=lambda r: r["order"]):
        if row["rejected"] is not None:
            report.rejected.append(Rejected.from_dict(json.loads(row["rejected"])))
            report.read += row["format"] is not None  # a cleaner rejection was read; a read failure was not
            continue
        report.read += 1
        art = Article.from_dict(json.loads(row["article"]))
        arts.append(art)
        raw[art.id] = (row["path"], row["format"], row["raw"])
    new, old = store.add_articles(arts, raw)
    report.new.extend(new)
    report.existing.extend(old)
    rows.clear()


def write_parquet(store: Store, out_dir: Path) -> list[Path]:
    """Write ``articles``, ``stories`` and ``facts`` (quotes, figures, dates) Parquet files; returns their paths."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependencyError("Parquet output needs pyarrow: pip install 'storyline[ray]'") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    articles: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    for a in store.iter_articles():
        articles.append({"id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url, "published": a.published,
                         "story": a.story, "duplicate_of": a.duplicate_of, "flags": a.flags, "text": a.text,
                         "words": len(a.text.split())})
        facts += [_fact(a, "quote", q.text, q.span, speaker=q.speaker_name) for q in a.quotes]
        facts += [_fact(a, "figure", f.text, f.span, value=f.value, unit=f.unit) for f in a.figures]
        facts += [_fact(a, "date", d.text, d.span, date=d.value) for d in a.dates]
    stories = [{"id": s.id, "title": s.title, "storyline": s.storyline, "first_date": s.first_date,
                "last_date": s.last_date, "articles": s.articles, "outlets": s.outlets,
                "summary": " ".join(c.text for c in s.summary)} for s in store.iter_stories()]
    paths = []
    for name, table in (("articles", articles), ("stories", stories), ("facts", facts)):
        path = out_dir / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist(table), path)
        paths.append(path)
    return paths


def _fact(art: Article, kind: str, text: str, span: Span, **fields: Any) -> dict[str, Any]:
    """One row of the facts table: where it is (article, story, span), what kind, and its kind's fields."""
    row = {"article": art.id, "story": art.story, "kind": kind, "text": text, "start": span.start, "end": span.end,
           "speaker": None, "value": None, "unit": None, "date": None}
    return {**row, **fields}
