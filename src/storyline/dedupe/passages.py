"""Passage reuse: which other articles carry a paragraph (or a long sentence of it) near-verbatim, and who had it first.

A *passage unit* is an analysed paragraph of at least ``passage_min_words`` words, plus, inside a paragraph
of several sentences, each sentence of at least ``passage_sentence_words`` words (content farms re-cut
paragraphs, so a sentence can be all that survives intact). Sentences are those the nlp stage stored
(``article.sentences``, spaCy's boundaries); an article without a parse (not English) has paragraph units
only. Units are compared by MinHash LSH of their
``passage_shingle``-word shingles and confirmed by exact Jaccard >= ``passage_threshold``.

Provenance rule (never guessing): a reused paragraph points at the holders published on the earliest date
strictly before its own article's date; when no holder is known to be earlier and some holder's date is
missing or equal, every such holder is listed with ``"order": "unknown"``; when every holder is known to be
later, the paragraph is the earliest known source and ``reused_from`` stays empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import DedupeSettings
from ..model import Article
from .shingles import MinHasher, unique_sorted, words

# At most this many sources are listed per paragraph: a wire paragraph carried by fifty sites would
# otherwise bury the article under its own provenance; the earliest (then first seen) are kept.
MAX_SOURCES = 8
# A paragraph of at least this many sentences gets a unit per long sentence besides its own.
MIN_SENTENCES = 2
# A stitched page reuses at least this many paragraphs: one shared paragraph (a quoted statement, a wire lede)
# does not make a page stitched.
STITCHED_MIN_PARAGRAPHS = 2


@dataclass
class Unit:
    """One passage unit: the paragraph it belongs to and its shingle hashes (in text order)."""

    paragraph: int
    hashes: np.ndarray
    _set: np.ndarray | None = None

    @property
    def shingles(self) -> np.ndarray:
        """The shingle set (sorted, unique), computed on first use: only matched units need it."""
        if self._set is None:
            self._set = unique_sorted(self.hashes)
        return self._set


def paragraph_words(article: Article, hasher: MinHasher) -> list[tuple[int, np.ndarray]]:
    """(paragraph index, word hashes) of each analysed paragraph: one tokenising pass for all of dedupe."""
    return [(i, hasher.word_hashes(words(p.text))) for i, p in enumerate(article.paragraphs) if p.analysed]


def passage_units(
    article: Article, hasher: MinHasher, params: DedupeSettings, paragraphs: list[tuple[int, np.ndarray]] | None = None
) -> list[Unit]:
    """The passage units of an article's analysed paragraphs (see the module docstring).

    ``paragraphs`` is :func:`paragraph_words` of the article when the caller has it already.
    """
    k = params.passage_shingle
    min_words = params.passage_min_words
    sentence_words = params.passage_sentence_words
    units = []
    sentences = _sentences_by_paragraph(article)
    for i, hashes in paragraphs if paragraphs is not None else paragraph_words(article, hasher):
        if len(hashes) < max(min_words, k):
            continue
        units.append(Unit(i, hasher.shingle_hashes(hashes, k)))
        if len(hashes) * params.passage_threshold <= sentence_words or len(sentences.get(i, ())) < MIN_SENTENCES:
            continue  # any long sentence is most of the paragraph: matched through the paragraph unit
        for at, n in sentences[i]:
            if n >= max(sentence_words, k):
                units.append(Unit(i, hasher.shingle_hashes(hashes[at : at + n], k)))
    return units


def _sentences_by_paragraph(article: Article) -> dict[int, list[tuple[int, int]]]:
    """(first word, word count) of each sentence the nlp stage stored, by paragraph; empty without a parse."""
    out: dict[int, list[tuple[int, int]]] = {}
    bounds = article.paragraph_spans()
    text = article.text
    for sent in article.sentences:
        if sent.paragraph >= len(bounds):
            continue
        start = bounds[sent.paragraph].start
        at = len(words(text[start : sent.span.start]))
        out.setdefault(sent.paragraph, []).append((at, len(words(text[sent.span.start : sent.span.end]))))
    return out


def provenance(
    own_date: str | None,
    holders: dict[tuple[str, int], str | None],
    rank: Callable[[str], tuple[Any, ...]],
) -> list[dict[str, Any]]:
    """``reused_from`` of one paragraph, given the other (article, paragraph) holders and their dates.

    Example:
        >>> provenance("2017-03-28", {("a", 0): "2017-03-27", ("b", 2): None}, rank=lambda a: (a,))
        [{'article': 'a', 'paragraph': 0}]
        >>> provenance(None, {("a", 0): "2017-03-27"}, rank=lambda a: (a,))
        [{'article': 'a', 'paragraph': 0, 'order': 'unknown'}]
        >>> provenance("2017-03-26", {("a", 0): "2017-03-27"}, rank=lambda a: (a,))
        []
    """
    keyed = sorted(holders.items(), key=lambda kv: (rank(kv[0][0]), kv[0][1]))
    if own_date:
        earlier = [(key, d) for key, d in keyed if d and d < own_date]
        if earlier:
            first = min(d for _, d in earlier)
            return [{"article": a, "paragraph": p} for (a, p), d in earlier if d == first][:MAX_SOURCES]
    unknown = [key for key, d in keyed if not (own_date and d and d > own_date)]
    return [{"article": a, "paragraph": p, "order": "unknown"} for a, p in unknown][:MAX_SOURCES]


def is_stitched(reused_from: list[list[dict[str, Any]]], trackable: int, share: float) -> bool:
    """True when at least ``share`` of the trackable paragraphs (and at least two) come from other articles."""
    reused = sum(1 for sources in reused_from if sources)
    return trackable > 0 and reused >= STITCHED_MIN_PARAGRAPHS and reused / trackable >= share
