"""The captions step of the clean stage: the photo captions only a parse tells apart.

A one-sentence paragraph in which a named person does something in the simple present ("Rovers captain Ana
Lind lifts the cup in front of the fans ...") is the caption convention; the cleaner's shape tests cannot see it, the
parse can. This step runs right after the nlp stage and before dedupe, so clean's flags are final when dedupe
hashes and signs the analysed text; it only flags paragraphs (``caption``), so the text, the stored parse and
every span into it stay as they are.

Stage ``captions`` (:func:`run`) checks every article with a stored parse that it has not checked yet (all of
them on a full run) and remembers which it checked in the store (state ``captions``).

Example:
    >>> from storyline.config import Settings
    >>> from storyline.model import Article, Paragraph
    >>> from storyline.text.parser import NLP
    >>> art = Article(id="a", title="Ferry hit", paragraphs=[Paragraph(
    ...     "Mayor Daniel Pruitt inspects the damaged ferry at the Gull Island pier on Tuesday.")])
    >>> flag_parsed_captions(art, NLP(Settings.load()).parse([art])[0])                # doctest: +SKIP
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Article
from ..text.lexicon import load

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from ..context import RunContext
    from ..text.parser import NLP

__all__ = ["STAGE", "flag_parsed_captions", "run"]

# The store's state key of this step: the ids of the articles it has checked.
STAGE = "captions"
# Articles read, checked and written back per transaction.
CHUNK = 256
# A caption is one sentence of at most this many tokens ...
PARSED_CAPTION_MAX_TOKENS = 50
# ... whose main verb is in the simple present (VBZ "celebrates", VBP) with no auxiliary, and whose subject is a
# named person: the photo-caption convention ("Finance Minister Ana Ruiz testifies before ..."). News prose
# tells of people in the past tense; the present tense of reporting and state verbs ("says", "is", "remains",
# text/lexicons/non_caption_verbs.txt) never makes a caption. The rule is the captioning convention, with no
# constant fitted to a corpus; bench/clean.py lists what it flags so each flag can be read by eye.
_PRESENT_TAGS = frozenset({"VBZ", "VBP"})
_NOT_CAPTION_VERBS = load("non_caption_verbs")
_AUXILIARIES = frozenset({"aux", "auxpass"})
_QUOTE_MARKS = "\"\u201c'\u2018"


def run(ctx: RunContext) -> None:
    """Pipeline step: flag the parse-aware captions of every parsed article not checked yet (all on a full run)."""
    store = ctx.store
    if ctx.full:
        store.clear_state(STAGE)
    checked = store.get_state(STAGE)
    parsed = store.doc_ids()
    todo = [aid for aid in store.article_ids() if aid in parsed and aid not in checked]

    def items() -> Iterator[tuple[Article, None]]:
        for start in range(0, len(todo), CHUNK):
            yield from ((art, None) for art in list(store.iter_articles(todo[start : start + CHUNK])))

    changed: list[Article] = []
    checked_ids: list[str] = []
    # every article of todo has a parse: one result each, in order (on every core for a large run)
    for aid, art in zip(todo, ctx.map_articles(_flag_batch, items(), len(todo)), strict=True):
        checked_ids.append(aid)
        if art is not None:
            changed.append(art)
        if len(checked_ids) >= CHUNK:
            _write(ctx, changed, checked_ids)
    _write(ctx, changed, checked_ids)


def _write(ctx: RunContext, changed: list[Article], checked_ids: list[str]) -> None:
    """Store the flagged articles and remember the checked ids, then forget both."""
    ctx.store.update_articles(changed)
    ctx.store.put_state(STAGE, dict.fromkeys(checked_ids, ""))
    changed.clear()
    checked_ids.clear()


def _flag_batch(nlp: NLP, batch: list[tuple[Article, Doc, None]]) -> list[Article | None]:
    """Each article flagged by :func:`flag_parsed_captions`, or None when it has no caption: the step's
    per-article work, run by :meth:`storyline.context.RunContext.map_articles` here or on a worker."""
    return [art if flag_parsed_captions(art, doc) else None for art, doc, _ in batch]


def flag_parsed_captions(article: Article, doc: Doc) -> bool:
    """Flag ``caption`` the analysed one-sentence paragraphs that read as photo captions; True when any was."""
    changed = False
    sents = [s for s in doc.sents if s.text.strip()]
    for span, para in zip(article.paragraph_spans(), article.paragraphs, strict=True):
        if not para.analysed:
            continue
        inside = [s for s in sents if span.start <= s.start_char < span.end]
        if len(inside) == 1 and _reads_as_caption(inside[0]):
            para.flags.append("caption")
            changed = True
    return changed


def _reads_as_caption(sent: Span) -> bool:
    """True for a short sentence whose root is a simple-present action verb with a named person as subject."""
    if len(sent) > PARSED_CAPTION_MAX_TOKENS or sent.text.lstrip()[:1] in _QUOTE_MARKS:
        return False  # too long for a caption, or a quotation
    root = sent.root
    if root.tag_ not in _PRESENT_TAGS or root.lemma_.lower() in _NOT_CAPTION_VERBS:
        return False
    if any(c.dep_ in _AUXILIARIES for c in root.children):
        return False
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    return subject is not None and subject.ent_type_ == "PERSON"
