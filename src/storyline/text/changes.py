"""What changed between two versions of a text: paragraphs added, removed and re-worded, in reading order.

Paragraphs are compared by their words (case and punctuation aside, :func:`storyline.text.fingerprint.hash_words`)
with :class:`difflib.SequenceMatcher`, so a moved comma is no change; inside a replaced run, a new paragraph
keeping most words of an old one in order is reported as *changed* (the old and the new wording), the rest
as removed and added.

Example:
    >>> old, new = ["Lead.", "Old fact.", "End."], ["Lead!", "New fact.", "End.", "More."]
    >>> [(c.kind, c.new) for c in paragraph_changes(old, new)]
    [('changed', 'New fact.'), ('added', 'More.')]
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from .fingerprint import hash_words

ChangeKind = Literal["added", "removed", "changed"]
# Share of two paragraphs' words matched in order (difflib ratio) at which the new one re-words the old one:
# half, so a changed figure or clause is a change and a new paragraph on another point is an addition.
REWORDED = 0.5


@dataclass(frozen=True)
class Change:
    """One changed paragraph: ``old`` the earlier wording (None when added), ``new`` the later (None when removed)."""

    kind: ChangeKind
    old: str | None = None
    new: str | None = None


def paragraph_changes(old: list[str], new: list[str]) -> list[Change]:
    """The paragraphs added, removed or re-worded from ``old`` to ``new`` (see the module docstring)."""
    keys_old = [" ".join(hash_words(p)) for p in old]
    keys_new = [" ".join(hash_words(p)) for p in new]
    out: list[Change] = []
    matcher = difflib.SequenceMatcher(a=keys_old, b=keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.extend(_pair(old[i1:i2], new[j1:j2]))
    return out


def _pair(old: list[str], new: list[str]) -> list[Change]:
    """A replaced run: each new paragraph paired, in order, with the next old one it re-words (else added)."""
    out: list[Change] = []
    i = 0
    for paragraph in new:
        words = hash_words(paragraph)
        k = next((k for k in range(i, len(old)) if _reworded(hash_words(old[k]), words)), None)
        if k is None:
            out.append(Change("added", new=paragraph))
            continue
        out.extend(Change("removed", old=p) for p in old[i:k])
        out.append(Change("changed", old[k], paragraph))
        i = k + 1
    out.extend(Change("removed", old=p) for p in old[i:])
    return out


def _reworded(a: list[str], b: list[str]) -> bool:
    """The same paragraph re-worded: at least REWORDED of the words in order kept (difflib's ratio)."""
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= REWORDED
