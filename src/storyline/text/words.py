"""Words as the stages compare them: content terms, a light stemmer, stop words, numbers written as words.

Written once here and shared by every stage that compares texts without a parse (the brief's and the
claims' similarity, the cleaner before the nlp stage has run).

Example:
    >>> terms("The councils demanded 12 new buses")
    ['council', 'demand', '12', 'new', 'buse']
    >>> sorted(numbers("twelve of the 1,500 seats"))
    ['12', '1500']
"""

from __future__ import annotations

import re

from .lexicon import load

# Function words and the reporting words of news: text/lexicons/stop_words.txt says where they come from.
STOP_WORDS = load("stop_words")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|\d[\d,.]*\d|\d")
NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
}  # fmt: skip
# Every cardinal English writes as one word, with its value: NUMBER_WORDS (the ones texts are compared by as
# digits) and the others ("one" is mostly the pronoun of "one of", and reading the tens as digits too moved the
# demo brief's ROUGE-2 by -0.6, so the comparison keeps to two to twenty).
NUMBER_VALUES = {w: int(v) for w, v in NUMBER_WORDS.items()} | {
    "zero": 0, "one": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip

# Words this short keep their "-ies" ("ties", "lies" are not plurals of "ty", "ly").
MIN_IES_STEM = 5


# A plural keeps its "-s" at this length or shorter ("gas", "bus", "yes").
MIN_PLURAL_CHARS = 3


def singular(word: str) -> str:
    """The singular of a lower-case plural noun: "-ies" -> "-y", a final "s" dropped except after s, u, i.

    The plural fold alone, for comparing topics (the off-topic test): verb endings are left, so "ruled" and
    "rules" stay apart. :func:`stem` also strips "-ed" and "-ing".

    >>> singular("cities"), singular("buses"), singular("glass"), singular("ties")
    ('city', 'buse', 'glass', 'tie')
    """
    if word[-1:] == "s":
        if word.endswith("ies") and len(word) >= MIN_IES_STEM:
            return word[:-3] + "y"
        if not word.endswith(("ss", "us", "is")) and len(word) > MIN_PLURAL_CHARS:
            return word[:-1]
    return word


def stem(word: str) -> str:
    """A crude English stem, enough to match "districts" with "district" and "demanded" with "demand"."""
    w = word.lower().replace("\u2019", "'")
    w = w.removesuffix("'s")
    if len(w) >= MIN_IES_STEM and w.endswith("ies"):
        return w[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix) and not w.endswith("ss"):
            return w[: -len(suffix)]
    return w


def terms(text: str) -> list[str]:
    """Content terms of a text: stemmed words without stop words, numbers as digits."""
    out = []
    for tok in WORD_RE.findall(text):
        low = tok.lower()
        if low in STOP_WORDS:
            continue
        if tok[0].isdigit():
            out.append(tok.replace(",", "").rstrip("."))
        elif low in NUMBER_WORDS:
            out.append(NUMBER_WORDS[low])
        elif len(low) > 1:
            out.append(stem(low))
    return out


def numbers(text: str) -> set[str]:
    """The numbers a text states, normalised ("1,500" -> "1500", "twelve" -> "12")."""
    out = {t.replace(",", "").rstrip(".") for t in re.findall(r"\d[\d,.]*\d|\d", text)}
    out |= {NUMBER_WORDS[w.lower()] for w in re.findall(r"[A-Za-z]+", text) if w.lower() in NUMBER_WORDS}
    return out


def word_count(text: str) -> int:
    """Words as a reader counts them (whitespace-separated)."""
    return len(text.split())




_INITIAL = re.compile(r"[a-z]\.?")
_NAME_SUFFIXES = ("jr", "sr", "ii", "iii")


def person_key(name: str) -> tuple[str, str]:
    """(given name, surname) of a written person name, lowercased, initials and "Jr."-like suffixes dropped:
    "Dana J. Whitcombe Jr." -> ("dana", "whitcombe"). The key entities and the store's name counts share."""
    words = [w for w in name.lower().replace(",", " ").split() if not _INITIAL.fullmatch(w)]
    words = [w for w in words if w.rstrip(".") not in _NAME_SUFFIXES]
    return (words[0] if words else "", words[-1] if words else "")
