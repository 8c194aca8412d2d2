"""Speech verbs as written: the house's speech-verb lemmas and their inflected forms, for matching free text.

A stage with the parse compares a token's lemma with ``lexicon.load("speech_verbs")``; where only text is at hand
(a sentence checked on its own, the few words around a name) :data:`SPEECH_CUE` finds the same verbs in any of
their forms (made from the lemmas by :func:`storyline.text.verbs.inflected_forms`), and the fixed attribution
"according to".

Example:
    >>> bool(SPEECH_CUE.search("the mayor cautioned on Friday"))
    True
    >>> bool(SPEECH_CUE.search("the mayor closed the bridge"))
    False
"""

from __future__ import annotations

import re

from .lexicon import load
from .verbs import inflected_forms

__all__ = ["SPEECH_CUE", "SPEECH_FORMS"]

# Every written form of a speech verb: its lemma ("say") and its inflections ("says", "said").
SPEECH_FORMS: frozenset[str] = load("speech_verbs") | inflected_forms(load("speech_verbs"), ("past", "present"))
# Longest first, so "according to" and "said" win over a shorter prefix.
_LONGEST_FIRST = sorted(map(re.escape, SPEECH_FORMS), key=lambda f: (-len(f), f))
SPEECH_CUE = re.compile(r"\b(?:according to|" + "|".join(_LONGEST_FIRST) + r")\b", re.IGNORECASE)
