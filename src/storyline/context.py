"""What every stage gets: :class:`RunContext` (the store, the settings, what this run changed) and
:class:`Stage` (one stage's name, function and contract).

Stages import this module, never :mod:`storyline.pipeline`: the pipeline imports the stages, so the arrows
point one way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .config import Settings
from .model import Article, Rejected
from .store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .text.parser import NLP, ArticleBatchFn

R = TypeVar("R")

# Parses kept between the stages of one run, so that captions, dedupe's neighbours, stories, extract, timeline,
# brief and claims do not each deserialise the same stored doc again (about 0.7 ms a doc). A doc of a news
# page takes some 100 KB in memory: this many keep a stream run's articles whole and bound a batch run's memory
# (a batch larger than this reads its docs again in each stage, as before).
DOC_CACHE = 1000
# Articles whose docs are read from the store at once by :meth:`RunContext.map_articles` (bounded memory).
MAP_CHUNK = 200


class ArticleMapper(Protocol):
    """Runs the per-article work of the stages somewhere else than this process (a cluster: ``engines.ray``)."""

    def map(self, fn: ArticleBatchFn[R], items: Iterable[tuple[Article, bytes, Any]]) -> Iterator[R]:
        """``fn``'s result for each (article, serialised doc, extra) item, in order."""
        ...

    def collide(self, rows: Iterable[tuple[str, str]], wanted: set[str]) -> dict[str, set[str]]:
        """For each id of ``wanted``, the other ids sharing a key with it among the (key, id) rows (a shuffle by
        key: dedupe's LSH band keys)."""
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
