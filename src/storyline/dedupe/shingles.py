"""Text to sets: normalised words, word shingles and their MinHash signatures.

Every hash here is stable across processes and machines (no use of Python's salted ``hash``), because
signatures are stored and compared with signatures computed in later runs.

Example:
    >>> hasher = MinHasher(num_perm=16)
    >>> ws = words("The mayor said: the budget passes Tuesday, and the council agrees.")
    >>> sig = hasher.signatures([hasher.shingles(ws, 5)])
    >>> sig.shape
    (1, 16)
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..text.fingerprint import hash_words

# Sets signed per numpy batch: bounds the temporary (sets x num_perm) arrays (2,048 x 128 x 8 B = 2 MB each).
_BATCH = 2048
# Offset per bin of distance when an empty bin borrows a neighbour's value (an odd constant, so borrowed
# values do not collide with the neighbour's own).
_ROTATE = np.uint64(0x9E3779B1)
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
# Position multipliers drawn per hasher: a shingle of up to this many words gives each position its own.
MAX_SHINGLE = 16
# Fixed seed of the permutation family: signatures stored by one run must match those of the next.
SEED = 20_171_115


def words(text: str) -> list[str]:
    """Lower-cased words of a text, punctuation stripped (the words the content hash sees)."""
    return hash_words(text)


class MinHasher:
    """Word shingles as 64-bit hashes, and their MinHash signatures (``num_perm`` uint32 values each).

    Signatures use one-permutation hashing with rotation densification (Shrivastava & Li, ICML 2014): each
    shingle hash falls in one of ``num_perm`` bins and a bin keeps its smallest value; an empty bin borrows
    the value of the next filled bin to its right, offset by the distance. Two sets agree in a position with
    probability equal to their Jaccard similarity, as with ``num_perm`` independent permutations, but the
    cost is one hash per shingle instead of ``num_perm``. Signatures are plain ``uint32`` arrays; the
    LSH indexes band them, and every match is then confirmed on the exact shingle sets.

    Example:
        >>> h = MinHasher(num_perm=64)
        >>> a = h.shingles(words("one two three four five six seven eight nine ten"), 5)
        >>> b = h.shingles(words("One two three four five six seven eight nine eleven"), 5)
        >>> round(jaccard(a, b), 2)
        0.71
        >>> h.signatures([a, a]).shape
        (2, 64)
    """

    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        rng = np.random.RandomState(SEED)
        # Position multipliers that combine the word hashes of one shingle (odd, so no information is lost).
        odd = rng.randint(1, 2**62, size=MAX_SHINGLE, dtype=np.int64).astype(np.uint64) * np.uint64(2) + np.uint64(1)
        self.pos_ = odd
        self._vocab: dict[str, int] = {}

    def word_hashes(self, ws: list[str]) -> np.ndarray:
        """Stable 64-bit hashes of words (memoised on this object)."""
        hs = list(map(self._vocab.get, ws))
        if None in hs:
            for i, h in enumerate(hs):
                if h is None:
                    word = ws[i]
                    h = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
                    hs[i] = self._vocab[word] = h
        return np.array(hs, dtype=np.uint64)

    def shingles(self, ws: list[str], k: int) -> np.ndarray:
        """Sorted unique 64-bit hashes of the ``k``-word shingles of a word list (empty when too short)."""
        return unique_sorted(self.shingle_hashes(self.word_hashes(ws), k))

    def shingle_hashes(self, w: np.ndarray, k: int) -> np.ndarray:
        """Hashes of the ``k``-word shingles of a word-hash array, in text order (may repeat)."""
        if len(w) < k:
            return np.empty(0, dtype=np.uint64)
        n = len(w) - k + 1
        h = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k):
                h += w[j : j + n] * self.pos_[j % len(self.pos_)]
            h ^= h >> np.uint64(31)  # mix high bits into low ones: bins use the low half, values the high half
            h *= np.uint64(0x9E3779B97F4A7C15)
        return h

    def signatures(self, sets: list[np.ndarray]) -> np.ndarray:
        """MinHash signatures of non-empty shingle sets: a ``(len(sets), num_perm)`` uint32 matrix."""
        if len(sets) <= _BATCH:
            return self._signatures(sets)
        return np.concatenate([self._signatures(sets[i : i + _BATCH]) for i in range(0, len(sets), _BATCH)])

    def _signatures(self, sets: list[np.ndarray]) -> np.ndarray:
        """Signatures of one batch of sets."""
        n, p = len(sets), self.num_perm
        if n == 0:
            return np.empty((0, p), dtype=np.uint32)
        lens = np.fromiter((len(s) for s in sets), dtype=np.int64, count=n)
        cat = np.concatenate(sets)
        with np.errstate(over="ignore"):
            bins = (((cat & _MASK32) * np.uint64(p)) >> _SHIFT).astype(np.int64)  # low half -> bin
        keys = np.repeat(np.arange(n, dtype=np.int64) * p, lens) + bins
        flat = np.full(n * p, 0xFFFFFFFF, dtype=np.uint32)
        np.minimum.at(flat, keys, (cat >> _SHIFT).astype(np.uint32))  # high half -> value
        seen = np.zeros(n * p, dtype=bool)
        seen[keys] = True
        sig, filled = flat.reshape(n, p), seen.reshape(n, p)
        if filled.all():
            return sig
        cols = np.arange(p)
        pos = np.concatenate([np.where(filled, cols, 2 * p), np.where(filled, cols + p, 2 * p)], axis=1)
        nxt = np.minimum.accumulate(pos[:, ::-1], axis=1)[:, ::-1][:, :p]  # next filled bin, circularly
        borrowed = sig[np.arange(n)[:, None], nxt % p].astype(np.uint64)
        with np.errstate(over="ignore"):
            borrowed = (borrowed + (nxt - cols).astype(np.uint64) * _ROTATE) & _MASK32
        return np.where(filled, sig, borrowed.astype(np.uint32))


def unique_sorted(h: np.ndarray) -> np.ndarray:
    """Sorted unique values of a hash array (a plain sort: faster than ``np.unique`` on small arrays)."""
    if len(h) < 2:  # noqa: PLR2004 - zero or one value is sorted and unique already
        return h.copy()
    a = np.sort(h)
    return a[np.r_[True, a[1:] != a[:-1]]]


def _intersection(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted unique arrays."""
    if len(a) > len(b):
        a, b = b, a
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = 0
    return int(np.count_nonzero(b[idx] == a))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    inter = _intersection(a, b)
    return inter / (len(a) + len(b) - inter)


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment of the smaller set in the larger) of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    inter = _intersection(a, b)
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))
