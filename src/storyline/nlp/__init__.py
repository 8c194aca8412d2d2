"""The nlp stage: one spaCy pass per article, stored, so every later stage reads the same parse.

It parses each stored article that has no doc yet (all of them on a full run) with the run's
:class:`storyline.text.parser.NLP`, and stores the serialised docs and each article's sentence spans. It
changes neither the text nor the flags: it runs right after ingest and clean, before the clean stage's
``captions`` step reads the parse and before dedupe hashes and signs the text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..context import RunContext
    from ..model import Article

# Articles stored and written back per transaction (the parse itself runs in tasks of its own size).
CHUNK = 256


def run(ctx: RunContext) -> None:
    """Pipeline stage: parse every stored article that has no doc yet (or all of them on a full run).

    Articles are read from the store in chunks as the parse goes (memory stays bounded); with more than
    :data:`storyline.text.parser.POOL_MIN_ARTICLES` articles a worker, ``ctx.workers`` processes parse them
    (kept for the run's later per-article stages: :meth:`storyline.context.RunContext.map_articles`), or an
    engine's actors (:meth:`storyline.context.RunContext.parse_articles`).
    """
    store = ctx.store
    parsed = set() if ctx.full else store.doc_ids()
    ids = [aid for aid in store.article_ids() if aid not in parsed]  # ids only: a stream run reads just its own
    if not ids:
        return
    todo: deque[Article] = deque()  # read and sent to the parse, in order

    def articles() -> Iterator[Article]:
        for i in range(0, len(ids), CHUNK):
            for art in store.iter_articles(ids[i : i + CHUNK]):
                if "non_english" not in art.flags and art.paragraphs:
                    todo.append(art)
                    yield art

    docs: dict[str, bytes] = {}
    done: list[Article] = []
    for data, sentences in ctx.parse_articles(articles(), len(ids)):  # the pool stays up for the later stages
        art = todo.popleft()
        art.sentences = sentences
        docs[art.id] = data
        done.append(art)
        if len(done) >= CHUNK:
            _write(ctx, docs, done)
    _write(ctx, docs, done)


def _write(ctx: RunContext, docs: dict[str, bytes], done: list[Article]) -> None:
    """Store the docs and sentences of the parsed articles, then forget them."""
    if done:
        ctx.store.put_docs(docs)
        ctx.forget_docs(docs)
        ctx.store.update_articles(done)
    docs.clear()
    done.clear()
