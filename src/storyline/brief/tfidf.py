"""The brief's TF-IDF vectors of sentences given as term lists: scikit-learn's ``TfidfVectorizer(analyzer=<the
terms>, sublinear_tf=True)`` with its default smoothed IDF and l2 norm, computed the same way, step by step
(sorted vocabulary, counts, ``1 + log(tf)``, ``idf = log((1 + n) / (1 + df)) + 1``, each row divided by the square
root of its sum of squares, summed in order), so the vectors are bit for bit the same. Importing scikit-learn costs
about 0.7 s of CPU, more than the rest of the brief of a new article: a stream ingest pays it in every process.
``tests/test_brief.py`` checks the equality against scikit-learn.

Example:
    >>> X = tfidf([["rain", "rain", "flood"], ["flood"]], fit_rows=[0, 1])
    >>> X.shape, round(float(X[1, 0]), 3)
    ((2, 2), 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from ..errors import StorylineError


class EmptyVocabulary(StorylineError, ValueError):
    """The fit sentences have no term at all (what scikit-learn raises as a ValueError)."""


def tfidf(terms: Sequence[Sequence[str]], fit_rows: Sequence[int]) -> csr_matrix:
    """The l2-normalised sublinear TF-IDF rows of ``terms``, with the vocabulary and IDF of the rows ``fit_rows``.

    Raises :class:`EmptyVocabulary` when those rows hold no term.
    """
    vocabulary, idf = idf_table(terms, fit_rows)
    return vectors(terms, vocabulary, idf)


def idf_table(terms: Sequence[Sequence[str]], fit_rows: Sequence[int]) -> tuple[dict[str, int], np.ndarray]:
    """The vocabulary (term -> column, in sorted order) and smoothed IDF of the rows ``fit_rows`` of ``terms``."""
    vocabulary = {t: k for k, t in enumerate(sorted({t for i in fit_rows for t in terms[i]}))}
    if not vocabulary:
        raise EmptyVocabulary("empty vocabulary: the sentences hold no content word")
    df = np.zeros(len(vocabulary), dtype=np.float64)
    for i in fit_rows:
        df[[vocabulary[t] for t in set(terms[i])]] += 1.0
    idf = np.full_like(df, fill_value=len(fit_rows) + 1, dtype=np.float64)
    idf /= df + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    return vocabulary, idf


def vectors(terms: Sequence[Sequence[str]], vocabulary: dict[str, int], idf: np.ndarray) -> csr_matrix:
    """The l2-normalised sublinear TF-IDF rows of ``terms`` over a fitted vocabulary (other terms are left out)."""
    indptr, indices, counts = [0], [], []
    for row in terms:
        seen: dict[int, int] = {}
        for t in row:
            k = vocabulary.get(t)
            if k is not None:
                seen[k] = seen.get(k, 0) + 1
        for k in sorted(seen):
            indices.append(k)
            counts.append(seen[k])
        indptr.append(len(indices))
    data = np.asarray(counts, dtype=np.float64)
    cols = np.asarray(indices, dtype=np.int32)
    np.log(data, out=data)
    data += 1.0
    data *= idf[cols]
    values = data.tolist()
    for start, end in zip(indptr[:-1], indptr[1:], strict=True):
        total = 0.0
        for v in values[start:end]:
            total += v * v  # in order, as scikit-learn's row normalisation sums
        if total != 0.0:
            data[start:end] /= math.sqrt(total)
    return csr_matrix((data, cols, np.asarray(indptr, dtype=np.int32)), shape=(len(terms), len(vocabulary)))
