"""Verb forms made from lemmas, for words the parse cannot lemmatise as verbs.

spaCy lemmatises a verb only where it tags one: a capitalised "Said" glued to a name ("Said Okafor") is tagged
a proper noun and keeps "Said" as its lemma. :func:`inflected_forms` gives the written forms of a lexicon's verb
lemmas instead: the regular ones by the spelling rules of English inflection (-s/-es, -ed/-d, -ing; y to ie;
a doubled final consonant, made for every short closed syllable: a form that is no word never matches text), the
irregular ones from ``lexicons/irregular_verbs.txt``.

Example:
    >>> sorted(inflected_forms(["say", "deny"], ("past", "present")))
    ['denied', 'denies', 'said', 'says']
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Literal

from .lexicon import load

__all__ = ["Form", "inflected_forms"]

Form = Literal["past", "present"]  # said/told (past tense and participle); says/tells (third person)
_VOWELS = "aeiou"


@functools.cache
def _irregular() -> dict[str, dict[str, frozenset[str]]]:
    """lemma -> {"past": its past tense and participle forms} (one "lemma past [participle]" a line)."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    for line in load("irregular_verbs"):
        lemma, *forms = line.split()
        out[lemma] = {"past": frozenset(forms)}
    return out


def _third_person(lemma: str) -> str:
    """says, denies, wishes."""
    if lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        return lemma[:-1] + "ies"
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    return lemma + "s"


def _stems(lemma: str) -> set[str]:
    """The stem a vowel ending is added to: "note" -> "not", "deny" -> "deni", "quip" -> "quip" and "quipp"."""
    if lemma.endswith("e"):
        return {lemma[:-1]}
    if lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        return {lemma[:-1] + "i"}
    stems = {lemma}
    before = lemma[-3:-2] if lemma[-4:-2] != "qu" else "q"  # the "u" of "qu" is no vowel: "quip", "quipped"
    closed = len(lemma) >= len("cvc") and lemma[-1] not in _VOWELS + "wxy"
    closed = closed and lemma[-2] in _VOWELS and before not in _VOWELS
    if closed:
        stems.add(lemma + lemma[-1])  # quipped, admitted (and "visitted", which no text holds)
    return stems


def _forms(lemma: str, form: Form) -> set[str]:
    """The written forms of one verb lemma."""
    if form == "present":
        return {_third_person(lemma)}
    irregular = _irregular().get(lemma)
    if form == "past" and irregular is not None:
        return set(irregular["past"])
    return {stem + "ed" for stem in _stems(lemma)}


def inflected_forms(lemmas: Iterable[str], forms: Iterable[Form]) -> frozenset[str]:
    """Every written form of the given kinds of the given verb lemmas, lowercased."""
    kinds = tuple(forms)
    return frozenset(f for lemma in lemmas for kind in kinds for f in _forms(lemma.lower(), kind))
