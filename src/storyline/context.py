"""What every stage gets: :class:`RunContext` (the store, the settings, what this run changed) and
:class:`Stage` (one stage's name, function and contract).

Stages import this module, never :mod:`storyline.pipeline`: the pipeline imports the stages, so the arrows
point one way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .config import Settings
from .model import Article, Rejected, Sentence
from .store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .text.parser import NLP, ArticleBatchFn

R = TypeVar("R")
T = TypeVar("T")
# A per-story batch function: given a context to read from (the run's own, or a worker's over the same store
# opened read-only) and a list of items (stories, or a story and what the stage knows of it), one result per item.
# It only reads through the context (``articles``, ``docs``, ``settings``, ``nlp``): one story in, its result out.
StoryBatchFn = Callable[["RunContext", list[T]], list[R]]
# One task of RunContext.map_stories: the batch function, the run's settings, the store file, the items.
StoryJob = tuple[StoryBatchFn[Any, Any], Settings, str, list[Any]]

# Parses kept between the stages of one run, so that captions, dedupe's neighbours, stories, extract, timeline,
# brief and claims do not each deserialise the same stored doc again (about 0.7 ms a doc). A doc of a news
# page takes some 100 KB in memory: this many keep a stream run's articles whole and bound a batch run's memory
# (a batch larger than this reads its docs again in each stage, as before).
DOC_CACHE = 1000
# Articles whose docs are read from the store at once by :meth:`RunContext.map_articles` (bounded memory).
MAP_CHUNK = 200
# Articles' worth of stories sent to a worker per task by :meth:`RunContext.map_stories`: as the per-article
# tasks (storyline.text.parser.POOL_TASK), enough that a task's pickling is a small share of its work.
STORY_TASK = 32
# Articles a worker below which :meth:`RunContext.map_stories` does not start worker processes (it uses them when
# the parse left them running): a worker's start (about 2 s of one core, measured on the 1k throughput run) pays
# for the parse of some 60 articles but for a per-story stage's work on some 400-1000 (2-5 ms an article), so a
# stream run that touches a few large stories keeps them here.
STORY_POOL_MIN = 2000


class ArticleMapper(Protocol):
    """Runs the per-article work of the stages somewhere else than this process (a cluster: ``engines.ray``)."""

    def parse(self, articles: Iterable[Article]) -> Iterator[tuple[bytes, list[Sentence]]]:
        """Each article's serialised doc and sentences, in order (:meth:`NLP.parse_serialised`'s results)."""
        ...

    def map(self, fn: ArticleBatchFn[R], items: Iterable[tuple[Article, bytes, Any]]) -> Iterator[R]:
        """``fn``'s result for each (article, serialised doc, extra) item, in order."""
        ...

    def collide(self, rows: Iterable[tuple[str, str]], wanted: set[str]) -> dict[str, set[str]]:
        """For each id of ``wanted``, the other ids sharing a key with it among the (key, id) rows (a shuffle by
        key: dedupe's LSH band keys)."""
        ...

    def run_stories(self, jobs: list[StoryJob]) -> list[list[Any]] | None:
        """Each job's :func:`story_task` results, in order, run where the store's file can be read; None when it
        cannot be there (a cluster without this machine's disk): the stories then run in the driver."""
        ...


@dataclass
class RunContext:
    """What every analysis stage gets: the store, the settings, and what this run changed."""

    store: Store
    settings: Settings
    new_ids: list[str] = field(default_factory=list)  # articles this run added
    full: bool = False  # recompute from scratch (recluster) instead of incrementally
    touched_stories: set[str] = field(default_factory=set)  # stories whose fields must be rebuilt
    touched_storylines: set[str] = field(default_factory=set)  # storylines (re)written whose fields must be rebuilt
    rejected: list[Rejected] = field(default_factory=list)
    workers: int = 0  # processes for the per-article work (parse, extract, ...); 0: every core this process may use
    mapper: ArticleMapper | None = None  # where map_articles runs when not on this machine (the Ray engine's)
    _nlp: NLP | None = None
    _docs: OrderedDict[str, Doc] = field(default_factory=OrderedDict, repr=False)

    def docs(self, ids: Iterable[str]) -> dict[str, Doc]:
        """The stored parses of these articles (those that have one), each deserialised once per run while the
        run's :data:`DOC_CACHE` holds it; the spaCy pipeline is loaded only when there is a doc to read."""
        want = list(dict.fromkeys(ids))
        missing = [aid for aid in want if aid not in self._docs]
        raw = self.store.get_docs(missing) if missing else {}
        if raw:
            self._docs.update(self.nlp.load_docs(raw))
        out = {aid: self._docs[aid] for aid in want if aid in self._docs}
        for aid in out:
            self._docs.move_to_end(aid)
        while len(self._docs) > DOC_CACHE:
            self._docs.popitem(last=False)
        return out

    def forget_docs(self, ids: Iterable[str]) -> None:
        """Drop cached parses of these articles (the nlp stage calls it when it stores new ones)."""
        for aid in ids:
            self._docs.pop(aid, None)

    def pool_workers(self, size: int) -> int:
        """Worker processes for ``size`` articles of per-article work: ``workers`` (0: every core), but one (this
        process) below :data:`storyline.text.parser.POOL_MIN_ARTICLES` articles a worker."""
        from .text import parser

        return max(1, min(self.workers or parser.default_workers(), size // parser.POOL_MIN_ARTICLES))

    def parse_articles(self, articles: Iterable[Article], size: int) -> Iterator[tuple[bytes, list[Sentence]]]:
        """Each article's serialised doc and sentences, in order: on :attr:`mapper` when an engine set one, else on
        the run's worker processes (:meth:`NLP.parse_serialised`, kept for the stages after the parse) when
        ``size`` articles are enough for more than one (:meth:`pool_workers`)."""
        if self.mapper is not None:
            yield from self.mapper.parse(articles)
        else:
            yield from self.nlp.parse_serialised(articles, self.pool_workers(size))

    def map_articles(self, fn: ArticleBatchFn[R], items: Iterable[tuple[Article, Any]], size: int) -> Iterator[R]:
        """``fn``'s result for each (article, extra) item that has a stored parse, in order, on every core.

        ``fn`` is a stage's module-level batch function: given the pipeline and a list of (article, doc, extra)
        it returns one result per item; ``extra`` is what the stage knows of the article beyond it (its story's
        dates, say). ``size`` is how many items come (they are read lazily): below
        :data:`storyline.text.parser.POOL_MIN_ARTICLES` a worker the batches run here on the run's shared docs
        (:meth:`docs`), else on the worker processes of :meth:`NLP.map_serialised` (the parse's, kept for the
        run), or on :attr:`mapper` when an engine set one. Articles without a stored parse are left out. The
        results are the same wherever ``fn`` runs; an article a worker returns is a copy (use the result).
        """
        workers = self.pool_workers(size)
        if self.mapper is None and workers == 1:
            for chunk in _chunks(items, MAP_CHUNK):
                docs = self.docs(art.id for art, _ in chunk)
                batch = [(art, docs[art.id], extra) for art, extra in chunk if art.id in docs]
                yield from fn(self.nlp, batch) if batch else []
            return

        def serialised() -> Iterator[tuple[Article, bytes, Any]]:
            for chunk in _chunks(items, MAP_CHUNK):
                raw = self.store.get_docs(art.id for art, _ in chunk)
                yield from ((art, raw[art.id], extra) for art, extra in chunk if art.id in raw)

        if self.mapper is not None:
            yield from self.mapper.map(fn, serialised())
        else:
            yield from self.nlp.map_serialised(fn, serialised(), workers)

    def articles(self, ids: Iterable[str]) -> list[Article]:
        """The stored articles of these ids, in order (ids not stored are left out)."""
        store = self.store
        return list(store.iter_articles([aid for aid in ids if store.has_article(aid)]))

    def map_stories(self, fn: StoryBatchFn[T, R], items: Sequence[T], size: int,
                    weights: Sequence[int] | None = None) -> list[R]:
        """``fn``'s result for each item (a story, or a story and what the stage knows of it), in order, on every
        core.

        ``fn`` is a stage's module-level per-story batch function (:data:`StoryBatchFn`): it reads the stories'
        articles and parses through the context it is given (:meth:`articles`, :meth:`docs`). ``size`` is how
        many articles the items hold (``weights``: each item's share of them; the largest tasks are sent first).
        The items go in tasks (:func:`story_task`) to workers that each read the same store file read-only, so
        only the items and the results cross: the run's worker processes, or an engine's :attr:`mapper` when its
        workers can read the file. They run here with one item, below
        :data:`storyline.text.parser.POOL_MIN_ARTICLES` articles a worker (:data:`STORY_POOL_MIN` when the parse
        left no worker processes running), or when the store is not a file every process can read (in memory,
        or inside an open transaction). The results are the same wherever ``fn`` runs.
        """
        workers = self.pool_workers(size)
        running = self._nlp.pool_size() if self._nlp is not None else 0
        # the parse's workers whatever their number (a pool of another size would be started again); a start of
        # its own must pay for itself
        workers = running if running and workers > 1 else max(1, min(workers, size // STORY_POOL_MIN))
        path = self.store.path
        shared = path != ":memory:" and not self.store.db.in_transaction
        done = None
        if shared and len(items) > 1 and (workers > 1 or self.mapper is not None):
            tasks = _story_tasks(weights if weights is not None else [1] * len(items))
            jobs = [(fn, self.settings, str(Path(path).resolve()), [items[i] for i in task]) for task in tasks]
            done = (self.mapper.run_stories(jobs) if self.mapper is not None
                    else self.nlp.pool(workers).run_all(story_task, jobs))
        if done is None:
            return fn(self, list(items)) if items else []
        results: list[R] = [None] * len(items)  # type: ignore[list-item]  # every slot is filled below
        for task, got in zip(tasks, done, strict=True):
            for i, r in zip(task, got, strict=True):
                results[i] = r
        return results

    def close(self) -> None:
        """Stop the run's worker processes (the pipeline itself stays loaded for the next run)."""
        if self._nlp is not None:
            self._nlp.close_pool()

    @property
    def nlp(self) -> NLP:
        """The spaCy pipeline, loaded once on first use."""
        if self._nlp is None:
            from .text.parser import NLP

            self._nlp = NLP(self.settings)
        return self._nlp


@dataclass(frozen=True)
class Stage:
    """One analysis stage: its name, its function, and its contract (what it needs, what it adds)."""

    name: str
    run: Callable[[RunContext], None]
    needs: str
    adds: str


def _story_tasks(weights: Sequence[int]) -> list[list[int]]:
    """The item indices of each task of :meth:`RunContext.map_stories` (consecutive items of some
    :data:`STORY_TASK` articles), the heaviest task first so that no large story is left running alone at the end."""
    tasks: list[list[int]] = [[]]
    load = 0
    for i, weight in enumerate(weights):
        tasks[-1].append(i)
        load += max(1, weight)
        if load >= STORY_TASK:
            tasks.append([])
            load = 0
    return sorted((t for t in tasks if t), key=lambda t: -sum(max(1, weights[i]) for i in t))


# The worker side of map_stories: one read-only context a worker process and store file, kept for the run (the
# pool's life), so a story's docs read by one stage are at hand for the next stage sent to the same worker.
_READERS: dict[str, RunContext] = {}


def story_task(job: StoryJob, nlp: NLP | None = None, readers: dict[str, RunContext] | None = None) -> list[Any]:
    """Worker side of :meth:`RunContext.map_stories`: the batch function over a context reading the store file,
    with the pipeline ``nlp`` and the contexts ``readers`` (an engine's worker's; default: this worker process's)."""
    from .text.parser import worker_nlp

    fn, settings, path, items = job
    readers = _READERS if readers is None else readers
    ctx = readers.get(path)
    if ctx is None:
        for old in readers.values():
            old.store.close()
        readers.clear()
        ctx = readers[path] = RunContext(Store(path, readonly=True), settings, workers=1, _nlp=nlp or worker_nlp())
    ctx.settings = settings
    return fn(ctx, items)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
