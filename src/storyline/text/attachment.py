"""Where a phrase hangs in the parse when the parser's attachment is doubtful.

spaCy's small English model attaches a prepositional phrase that ends a long sentence to the main verb even
when it plainly continues the noun phrase right before it: in "The buyer will pay $17 a share, a premium to the
closing price on Thursday", "on Thursday" is hung on "will pay", though it dates the closing price. English
readers resolve such phrases by right association (a phrase joins the nearest phrase it can modify; Kimball
1973, Frazier's late closure): after an apposition, the nearest phrase is the apposition's noun phrase, which
no main-clause adverbial would follow without a comma.

Example:
    >>> from storyline.text.parser import NLP                                      # doctest: +SKIP
    >>> [doc] = NLP().parse_texts(["The firm will pay $17, a premium to the close on Thursday."])  # doctest: +SKIP
    >>> continues_apposition(doc, doc.text.index("on Thursday"))                   # doctest: +SKIP
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["continues_apposition"]


def continues_apposition(doc: Doc | Any, start: int) -> bool:
    """True when the phrase starting at char ``start`` follows, with no punctuation between, the last word of
    an apposition ("..., a premium to the closing price on Thursday"): it modifies that noun phrase, wherever
    the parser hung it."""
    if not hasattr(doc, "char_span"):
        return False
    span = doc.char_span(start, min(start + 1, len(doc.text)), alignment_mode="expand")
    if span is None or len(span) == 0 or span[0].i == 0:
        return False
    first = span[0]
    prev = doc[first.i - 1]
    if prev.is_punct or prev.is_space:
        return False
    # the apposition ends right before the phrase (the parser hung the phrase elsewhere), or holds it
    held = {a.i for a in first.ancestors}
    return any(a.dep_ == "appos" and (a.right_edge.i == prev.i or a.i in held) for a in (prev, *prev.ancestors))
