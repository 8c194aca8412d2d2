"""The nlp stage: one spaCy pass per article, stored, so every later stage reads the same parse.

It parses each stored article that has no doc yet (all of them on a full run) with the run's
:class:`storyline.text.parser.NLP`, stores the serialised docs and each article's sentence spans, and flags
the photo captions only a parse can tell (:func:`storyline.clean.flag_parsed_captions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..clean import flag_parsed_captions
from ..text.parser import sentences_of

if TYPE_CHECKING:
    from ..context import RunContext


def run(ctx: RunContext) -> None:
    """Pipeline stage: parse every stored article that has no doc yet (or all of them on a full run)."""
    store = ctx.store
    parsed = set() if ctx.full else store.doc_ids()
    ids = [aid for aid in store.article_ids() if aid not in parsed]  # ids only: a stream run reads just its own
    todo = [a for a in store.iter_articles(ids) if "non_english" not in a.flags and a.paragraphs]
    if not todo:
        return
    nlp = ctx.nlp
    step = 256
    for i in range(0, len(todo), step):
        chunk = todo[i : i + step]
        docs = nlp.parse(chunk)
        for art, doc in zip(chunk, docs):
            flag_parsed_captions(art, doc)  # flags only: the text and the parse stay as they are
            art.sentences = sentences_of(art, doc)
        store.put_docs({a.id: nlp.to_bytes(d) for a, d in zip(chunk, docs)})
        store.update_articles(chunk)
