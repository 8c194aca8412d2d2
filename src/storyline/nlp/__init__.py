"""The nlp stage: one spaCy pass per article, stored, so every later stage reads the same parse.

It parses each stored article that has no doc yet (all of them on a full run) with the run's
:class:`storyline.text.parser.NLP`, and stores the serialised docs and each article's sentence spans. It
changes neither the text nor the flags: it runs right after ingest and clean, before the clean stage's
``captions`` step reads the parse and before dedupe hashes and signs the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text.parser import sentences_of

if TYPE_CHECKING:
    from ..context import RunContext

# Articles parsed, stored and written back per transaction (spaCy batches within it by its own batch_size).
CHUNK = 256


def run(ctx: RunContext) -> None:
    """Pipeline stage: parse every stored article that has no doc yet (or all of them on a full run)."""
    store = ctx.store
    parsed = set() if ctx.full else store.doc_ids()
    ids = [aid for aid in store.article_ids() if aid not in parsed]  # ids only: a stream run reads just its own
    todo = [a for a in store.iter_articles(ids) if "non_english" not in a.flags and a.paragraphs]
    if not todo:
        return
    nlp = ctx.nlp
    for i in range(0, len(todo), CHUNK):
        chunk = todo[i : i + CHUNK]
        docs = nlp.parse(chunk)
        for art, doc in zip(chunk, docs, strict=True):
            art.sentences = sentences_of(art, doc)
        store.put_docs({a.id: nlp.to_bytes(d) for a, d in zip(chunk, docs, strict=True)})
        store.update_articles(chunk)
