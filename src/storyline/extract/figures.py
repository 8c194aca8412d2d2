"""Figures: money, counts and percentages with their value normalised, what they count, and whose they are.

Reads the one spaCy pass: MONEY, PERCENT, CARDINAL and QUANTITY entities plus number-like tokens the model
left untagged; the counted noun comes from the dependency parse ("23 jurisdictions", "hundreds of immigrants").

Example:
    >>> parse_number("nearly two dozen")
    (24.0, True)
    >>> parse_money("$1.5 million")
    (1500000.0, 'USD')
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from ..model import Article, Figure, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "dozen": 12, "score": 20,
}  # fmt: skip
# Vague plurals ("dozens of", "hundreds of") stand for their smallest plausible value, marked approximate.
VAGUE = {"tens": 20, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2e6, "billions": 2e9}
APPROX = re.compile(
    r"\b(nearly|almost|about|around|roughly|approximately|some|over|more than|less than|fewer than|at least|"
    r"up to|as many as|close to|an estimated|estimated|upwards of|under|just over|just under)\b",
    re.IGNORECASE,
)
CURRENCIES = [
    ("US$", "USD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"),
    ("dollars", "USD"), ("dollar", "USD"), ("euros", "EUR"), ("euro", "EUR"), ("pounds", "GBP"),
    ("yen", "JPY"), ("pesos", "MXN"), ("usd", "USD"), ("eur", "EUR"), ("gbp", "GBP"),
]  # fmt: skip
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century", "inning", "season"}
_SCALE_AFTER = re.compile(r"\s?(?:bn|mn|m|k|tn)\b|\s(?:million|billion|trillion)\b")
_NUMERIC = re.compile(r"\d[\d,]*(?:\.\d+)?")
_PERCENT = re.compile(r"(percent|per cent|%|percentage points?)", re.IGNORECASE)


def parse_number(text: str) -> tuple[float | None, bool]:
    """The value of a number phrase and whether it is approximate: "23" -> 23, "nearly two dozen" -> 24 (about)."""
    low = text.lower().replace("-", " ").replace("\u2013", " ")
    approx = bool(APPROX.search(low))
    low = APPROX.sub(" ", low)
    words = re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", low)
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in VAGUE:
            # "tens of thousands" = 20 x 1000, "hundreds of millions" = 200 x 10^6: at least that many
            value = float(VAGUE[w]) * (current or 1)
            for later in words[words.index(w) + 1 :]:
                if later in VAGUE and later != w:
                    value *= VAGUE[later] / 2
                elif later.rstrip("s") in SCALES and later.rstrip("s") in ("thousand", "million", "billion"):
                    value *= SCALES[later.rstrip("s")]
            return value, True
        if w[0].isdigit():
            current += float(w.replace(",", ""))
            seen = True
        elif w in WORD_NUMBERS:
            current += WORD_NUMBERS[w]
            seen = True
        elif w in SCALES and (seen or w in ("dozen", "hundred", "thousand", "million", "billion")):
            scale = SCALES[w]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0.0
            seen = True
        elif w in ("and", "of"):
            continue
    if not seen:
        return None, approx
    return total + current, approx


def parse_money(text: str) -> tuple[float | None, str]:
    """The amount and ISO currency of a money phrase: "$1.5 million" -> (1500000.0, "USD"), "€2bn" -> 2e9 EUR."""
    low = text.lower()
    unit = "USD"
    for mark, code in CURRENCIES:
        if mark.lower() in low:
            unit = code
            break
    cleaned = re.sub(r"(\d)(bn|m|mn|k|tn)\b", r"\1 \2", low)
    for mark, _ in CURRENCIES:
        cleaned = cleaned.replace(mark.lower(), " ")
    value, _ = parse_number(cleaned)
    return value, unit


def _counted_noun(tok: Token) -> Token | None:
    """The noun a number token counts: its head for "23 jurisdictions", the object of "of" for "hundreds of X"."""
    head = tok.head
    for _ in range(3):
        if head.pos_ == "NOUN" and head.i > tok.i and head.dep_ not in ("compound",):
            # a common noun after the number: "23 jurisdictions", "ten innings" (not "Section 1373", "8 U.S.C.")
            return head
        if head.head.i == head.i:
            break
        if head.tag_ == "CD" or head.dep_ in ("quantmod", "compound", "nummod"):
            head = head.head
            continue
        break
    # "hundreds of immigrants", "two dozen of the cities"
    for child in list(tok.children) + list(tok.head.children if tok.head.tag_ == "CD" else []):
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                    return obj
    return None


def _measure_of(span_tokens: list[Token], kind: str) -> tuple[str | None, str | None]:
    """What a figure measures and whose it is, from the parse: (measure, subject)."""
    if not span_tokens:
        return None, None
    root = min(span_tokens, key=lambda t: len(list(t.ancestors)))
    measure = None
    if kind in ("count", "quantity"):
        for t in span_tokens:
            noun = _counted_noun(t)
            if noun is not None:
                measure = noun.lemma_.lower() if noun.tag_ == "NNS" and kind == "quantity" else noun.text.lower()
                break
    verb = root.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    subject = None
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            sub = [t for t in child.subtree if t.dep_ not in ("relcl",)]
            phrase = child.doc[min(t.i for t in sub) : max(t.i for t in sub) + 1]
            if len(phrase) <= 8 and child.pos_ != "PRON" and not any(t.i in {x.i for x in span_tokens} for t in phrase):
                subject = phrase.text
                if kind == "money" and measure is None and child.pos_ == "NOUN":
                    measure = phrase.text
            break
    if kind == "money" and measure is None:
        # "$39 million in grants", "$1 billion in Byrne JAG money"
        for t in span_tokens[-1].doc[span_tokens[-1].i + 1 : span_tokens[-1].i + 2]:
            if t.lower_ in ("in", "for", "of"):
                objs = [c for c in t.children if c.dep_ == "pobj"]
                if objs and not objs[0].ent_type_ in ("DATE", "TIME"):
                    obj = objs[0]
                    words = [c for c in obj.subtree if c.i <= obj.i]
                    measure = obj.doc[words[0].i : obj.i + 1].text
    return measure, subject


def find_figures(article: Article, doc: Doc, sentences: list[tuple[int, int]]) -> list[Figure]:
    """Money, counts and percentages in the analysed sentences (char ranges) of one parsed article."""
    text = article.text
    out: list[Figure] = []
    taken: set[int] = set()

    starts = [a for a, _ in sentences]

    def sentence_of(pos: int) -> tuple[int, int] | None:
        k = bisect.bisect_right(starts, pos) - 1
        return sentences[k] if k >= 0 and sentences[k][0] <= pos < sentences[k][1] else None

    def add(start: int, end: int, tokens: list[Token], label: str) -> None:
        sent = sentence_of(start)
        if sent is None:
            return
        phrase = text[start:end]
        # widen over an approximation word just before ("nearly two dozen") the model left out
        before = text[max(sent[0], start - 20) : start]
        m = re.search(r"(nearly|almost|about|around|roughly|approximately|more than|fewer than|less than|at least|some|over|up to|as many as)\s+$", before, re.IGNORECASE)
        if m:
            start -= len(before) - m.start()
            phrase = text[start:end]
        suffix = _SCALE_AFTER.match(text, end)
        if suffix and label in ("MONEY", "CARDINAL"):  # "€45m": the model's entity stops before the multiplier
            end = suffix.end()
            phrase = text[start:end]
        if start > 0 and text[start - 1] in "$\u20ac\u00a3\u00a5":  # a currency sign the model left out
            start -= 1
            phrase = text[start:end]
            label = "MONEY"
        if label == "MONEY":
            value, unit = parse_money(phrase)
            kind = "money"
            approx = bool(APPROX.search(phrase))
        elif label == "PERCENT" or _PERCENT.search(phrase):
            value, approx = parse_number(_PERCENT.sub(" ", phrase))
            unit, kind = "percent", "percent"
        else:
            value, approx = parse_number(phrase)
            kind, unit = "count", ""
        if value is None:
            return
        value = round(value, 4)  # "4.1 billion" is 4100000000, not 4099999999.9999995
        measure, subject = _measure_of(tokens, kind)
        if kind == "count":
            if measure is None or (value != int(value) and not approx):
                return  # a bare number ("Section 1373") or a decimal ("12.30 kickoff") is not a count
            if value < 2 and not approx:
                return  # "one federal judge" is an article, not a figure
            unit = measure
        out.append(Figure(article.id, Span(start, end), phrase, float(value), unit, kind, approx, measure, subject, Span(*sent)))  # type: ignore[arg-type]
        taken.update(t.i for t in tokens)

    for ent in doc.ents:
        if ent.label_ in ("MONEY", "PERCENT", "CARDINAL", "QUANTITY"):
            if ent.label_ == "CARDINAL" and re.fullmatch(r"(19|20)\d\d", ent.text.strip()):
                continue  # a year typed as a number
            start, end = ent.start_char, ent.end_char
            while end > start and text[end - 1] in " ,.;:\n":
                end -= 1
            add(start, end, list(ent), ent.label_)
    # number tokens the model left untagged: "23 jurisdictions", "hundreds of immigrants"
    for tok in doc:
        if tok.i in taken or tok.ent_type_ in ("TIME", "ORDINAL", "MONEY", "PERCENT", "CARDINAL", "QUANTITY"):
            continue
        if tok.ent_type_ == "DATE":
            # a duration is a count of time units ("for 22 years"); "two years ago" is a date, not a figure
            nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
            after = tok.doc[tok.i + 2] if tok.i + 2 < len(tok.doc) else None
            if nxt is None or nxt.lemma_.lower() not in _TIME_UNITS or nxt.tag_ != "NNS" or (after is not None and after.lower_ in ("ago", "old", "earlier", "later")):
                continue
        if (tok.like_num and tok.dep_ == "nummod") or tok.lower_ in VAGUE:
            if tok.lower_ in VAGUE and not any(c.lower_ == "of" for c in tok.children):
                continue
            add(tok.idx, tok.idx + len(tok.text), [tok], "CARDINAL")
    out.sort(key=lambda f: f.span.start)
    return out
