"""What a brief sentence is made of and what it points back at, from the stored parse: its content lemmas
(:func:`lemma_terms`) and the things it refers to without saying them (:func:`references`: "that decision", a
person's surname alone), which the brief must name before it may show the sentence.

Example:
    >>> from storyline.model import Article, Paragraph, Span
    >>> from storyline.brief.sentences import Candidate
    >>> art = Article(id="a", paragraphs=[Paragraph("Kovacs said the branch will close.")])
    >>> c = Candidate(art, Span(0, 34), art.text, "a", 0, 0, True)
    >>> sorted(references(c, None, {"Kovacs"}))  # without the parse nothing is known
    []
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..text.words import NUMBER_WORDS, STOP_WORDS, terms
from .sentences import QUOTED, Candidate

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# A definite reference ("that decision", "this move") or a person's surname alone ("Kovacs said") points back at a
# sentence that introduced it: such a sentence is taken only when the brief already names what it points at (the
# noun, the person), else it is skipped. Closed-class demonstratives; the noun is the one the parse attaches them
# to (a time word is no reference: "this week").
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
_TIME_NOUNS = frozenset({"week", "weekend", "month", "year", "season", "fall", "spring", "summer", "winter", "time",
                         "morning", "afternoon", "evening", "night", "day", "decade", "century", "quarter"})

def lemma_terms(c: Candidate, doc: Doc | Span | None) -> list[str]:
    """Content terms of a candidate: with the parse, the lemmas of its words (stop words out, numbers as digits),
    else :func:`text.words.terms` of its text."""
    if doc is None:
        return terms(c.text)
    out = []
    for tok in doc:
        if not c.span.start <= tok.idx < c.span.end or tok.is_punct or tok.is_space:
            continue
        low = tok.lower_
        if low in STOP_WORDS:
            continue
        if low[:1].isdigit():
            out.append(low.replace(",", "").rstrip("."))
        elif low in NUMBER_WORDS:
            out.append(NUMBER_WORDS[low])
        elif len(low) > 1 and low[0].isalpha():
            out.append(str(tok.lemma_).lower())
    return out


def references(c: Candidate, doc: Doc | Span | None, surnames: set[str]) -> set[str]:
    """What a sentence points back at (lower case): the noun of a demonstrative outside quotes ("that decision" ->
    "decision"), and a person named by the surname alone whom the story introduces by a full name elsewhere
    (``surnames``: the last words of the story's full person names). Needs the parse (none without it): ``doc`` is
    the article's doc or the sentence's tokens in it."""
    if doc is None:
        return set()
    s, e = c.span.start, c.span.end
    quoted = [m.span() for m in QUOTED.finditer(c.article.text, s, e)]
    out = set()
    for tok in doc:
        if not s <= tok.idx < e or any(a <= tok.idx < b for a, b in quoted):
            continue
        head = tok.head
        if tok.lower_ in _DEMONSTRATIVES and tok.dep_ == "det" and head.pos_ == "NOUN" and head.i > tok.i:
            lemma = head.lemma_.lower()
            if lemma not in _TIME_NOUNS:
                out.add(lemma)
    # a person's surname alone (the recogniser may label it anything, or nothing): a proper noun that is the last
    # word of a full name the story gives, not preceded by a name of its own ("Anna Kovacs", "Dr. Kovacs"), not
    # followed by one (then it names something else) and not given in full earlier in the same sentence
    given = set()
    for tok in doc:
        if not s <= tok.idx < e or tok.text not in surnames or tok.pos_ != "PROPN":
            continue
        whole = tok.doc  # neighbours in the article's parse (``doc`` may be the sentence's tokens alone)
        before = whole[tok.i - 1] if tok.i > 0 else None
        after = whole[tok.i + 1] if tok.i + 1 < len(whole) else None
        if after is not None and after.pos_ == "PROPN":
            continue  # part of a longer name: "Kovacs Hardware", a firm named after the family
        if before is not None and before.idx >= s and before.pos_ == "PROPN":
            given.add(tok.text)
        elif tok.text not in given:
            out.add(tok.text.lower())
    return out


class SentenceTokens:
    """The tokens of a candidate's sentence in its article's parse (None without one), found by bisection on the
    doc's token offsets (kept per doc) instead of a walk over every token of the article for every sentence."""

    def __init__(self, docs: Mapping[str, Doc]) -> None:
        self.docs = docs
        self.starts: dict[str, list[int]] = {}

    def __call__(self, c: Candidate) -> Doc | Span | None:
        doc = self.docs.get(c.article.id)
        if doc is None:
            return None
        starts = self.starts.get(c.article.id)
        if starts is None:
            from spacy.attrs import IDX  # spaCy is loaded by then: the docs are its

            starts = self.starts[c.article.id] = doc.to_array(IDX).tolist()  # tok.idx of each token, read in C
        # the tokens starting inside the sentence, in order: what `s <= tok.idx < e` over the whole doc keeps
        return doc[bisect_left(starts, c.span.start):bisect_left(starts, c.span.end)]
