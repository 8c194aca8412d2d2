"""Figures: money, counts and percentages with their value normalised, what they count, and whose they are.

Reads the one spaCy pass: MONEY, PERCENT, CARDINAL and QUANTITY entities plus number-like tokens the model
left untagged; the counted noun comes from the dependency parse ("23 counties", "hundreds of residents").

Example:
    >>> parse_number("nearly two dozen")
    (24.0, True)
    >>> parse_money("$1.5 million")
    (1500000.0, 'USD')
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Literal

from ..model import Article, Figure, Span
from ..text.words import NUMBER_VALUES

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

Kind = Literal["money", "count", "percent", "quantity"]  # as Figure.kind
# Numbers written as words (text.words.NUMBER_VALUES), and the indefinite article, which counts one in "a dozen",
# "a million", "a hundred".
WORD_NUMBERS = {**NUMBER_VALUES, "a": 1, "an": 1}
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
# Scales named before or after their number: "a magnitude 6.8 earthquake", "magnitude-7.1", "a 6.8-magnitude
# quake", "a Category 4 hurricane". The number is a reading on that scale (kind "quantity"), not a count.
_SCALE_WORDS = r"magnitude|category"
_SCALE_READING = re.compile(
    r"\b(?P<w1>" + _SCALE_WORDS + r")[\s-]+(?P<n1>\d+(?:\.\d+)?)\b(?![-\d])"
    r"|(?<![\d.])(?P<n2>\d+(?:\.\d+)?)[\s-]+(?P<w2>" + _SCALE_WORDS + r")\b",
    re.IGNORECASE,
)
# A score or vote tally ("a 2-1 win", "won 8-7", "a 7-4 vote"): two small numbers joined by a dash, not followed
# by a plural noun (which makes it a range: "10-15 people"). Neither number is a count of anything.
_SCORE = re.compile(r"(?<![\d,./-])\b\d{1,3}\s?[-\u2013]\s?\d{1,3}\b(?![-\u2013\d%]|\s*(?:percent|per cent))")
# A money range: "between $14 million and $19 million", "$14 million to $19 million".
_MONEY_RANGE = re.compile(
    r"(?:between\s+)?(?P<a>\S*\d[^ ]*(?:\s+(?:million|billion|trillion|thousand))?)\s+(?:and|to)\s+(?P<b>\S*\d.*)",
    re.IGNORECASE,
)
# Nouns a bare number is the size of when it follows "of" or a copula: "an attendance of 41,200",
# "a crowd of 41,200", "the death toll was 16". Time units and ages are left out: "the age of 23" is no figure.
_NOT_SIZE = _TIME_UNITS | {"age", "section", "article", "chapter", "page", "number", "part", "game", "round", "class"}
# An approximation word right before a number the model left out of its entity ("nearly two dozen"), searched
# in the few characters before it.
_APPROX_BEFORE = re.compile(
    r"(nearly|almost|about|around|roughly|approximately|more than|fewer than|less than|at least|some|over|up to|"
    r"as many as)\s+$",
    re.IGNORECASE,
)
GROUP_SCALE = 1e3  # "thousand" and up close a group: "two million three hundred thousand" adds the groups
APPROX_REACH = 20  # characters: the longest approximation ("approximately") and its spaces
_YEAR = re.compile(r"(19|20)\d\d")  # a number that reads as a year of news ("the 2017 season")
MAX_SUBJECT_WORDS = 8  # a longer subject is a clause, not the name of whose figure it is
MIN_COUNT = 2  # "one federal judge" is an article, not a figure (unless approximate: "about one in five")
# A number right after one of these is a label, not a count: "No. 9 bus", "Game 7", "Route 66", "Section 1373".
_LABEL_BEFORE = {"no", "no.", "#", "number", "nos", "nos."}


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
            if scale >= GROUP_SCALE:
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
    if (
        value is not None
        and re.search(r"\bcents?\b", low)
        and not re.search(r"[$\u20ac\u00a3\u00a5]|dollar|euro|pound", low)
    ):
        value /= 100  # "94 cents" is 0.94 USD
    return value, unit


def _counted_noun(tok: Token) -> Token | None:
    """The noun a number token counts: its head for "23 counties", the object of "of" for "hundreds of X"."""
    head = tok.head
    for _ in range(3):
        if head.pos_ == "NOUN" and head.i > tok.i and head.dep_ not in ("compound",) and head.lower_ not in SCALES:
            # a common noun after the number: "23 counties", "ten innings" (not "Section 1373", "8 U.S.C.")
            return head
        if head.head.i == head.i:
            break
        if head.tag_ == "CD" or head.dep_ in ("quantmod", "compound", "nummod") or head.lower_ in SCALES:
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


def _is_label(tokens: list[Token]) -> bool:
    """True when a number names something rather than counting it: "No. 9 bus", "Game 7", "Route 66"."""
    first = tokens[0]
    if first.i == 0:
        return False
    prev = first.doc[first.i - 1]
    if prev.lower_ in _LABEL_BEFORE or (prev.text == "." and prev.i > 0 and first.doc[prev.i - 1].lower_ == "no"):
        return True
    # a capitalised name right before the number, inside the sentence ("Game 7", "Section 1373", "Flight 370")
    return (
        prev.pos_ == "PROPN"
        and prev.is_title
        and not prev.is_sent_start
        and first.like_num
        and first.text[:1].isdigit()
    )


def _sized_noun(tok: Token) -> Token | None:
    """The noun a bare number is the size of: "an attendance of 41,200", "the death toll was 16" (else None)."""
    noun: Token | None = None
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN":
        noun = tok.head.head
    elif tok.dep_ in ("attr", "acomp") and tok.head.lemma_ == "be":
        noun = next((c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if noun is None or noun.pos_ != "NOUN":
            return None
    else:
        return None
    return None if noun.lemma_.lower() in _NOT_SIZE or noun.lower_ in SCALES else noun


def _counted_measure(span_tokens: list[Token], kind: str) -> str | None:
    """What a count or quantity counts: its counted noun ("23 counties"), else what it is the size of."""
    for t in span_tokens:
        noun = _counted_noun(t)
        if noun is not None:
            return noun.lemma_.lower() if noun.tag_ == "NNS" and kind == "quantity" else noun.text.lower()
    for t in span_tokens:
        noun = _sized_noun(t)
        if noun is not None:
            # keep a compound before it: "death toll", not "toll"
            first = min([c.i for c in noun.children if c.dep_ == "compound" and c.i < noun.i], default=noun.i)
            return noun.doc[first : noun.i + 1].text.lower()
    return None


def _subject_of(root: Token, span_tokens: list[Token]) -> Token | None:
    """The subject of the verb governing a figure ("Harwick stands to lose $2 million"), when short and named."""
    verb = root.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    child = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if child is None or child.pos_ == "PRON":
        return None
    phrase = _phrase_of(child)
    inside = {x.i for x in span_tokens}
    return child if len(phrase) <= MAX_SUBJECT_WORDS and not any(t.i in inside for t in phrase) else None


def _phrase_of(tok: Token) -> DocSpan:
    """A token's subtree without its relative clauses, as one span of the doc."""
    sub = [t for t in tok.subtree if t.dep_ not in ("relcl",)]
    return tok.doc[min(t.i for t in sub) : max(t.i for t in sub) + 1]


def _money_object(last: Token) -> str | None:
    """What money is for, from the phrase after it: "$39 million in grants", "$1 billion in Harlan grant money"."""
    for t in last.doc[last.i + 1 : last.i + 2]:
        if t.lower_ in ("in", "for", "of"):
            objs = [c for c in t.children if c.dep_ == "pobj"]
            if objs and objs[0].ent_type_ not in ("DATE", "TIME"):
                obj = objs[0]
                words = [c for c in obj.subtree if c.i <= obj.i]
                return obj.doc[words[0].i : obj.i + 1].text
    return None


def _measure_of(span_tokens: list[Token], kind: str) -> tuple[str | None, str | None]:
    """What a figure measures and whose it is, from the parse: (measure, subject)."""
    if not span_tokens:
        return None, None
    root = min(span_tokens, key=lambda t: len(list(t.ancestors)))
    measure = _counted_measure(span_tokens, kind) if kind in ("count", "quantity") else None
    subj = _subject_of(root, span_tokens)
    subject = _phrase_of(subj).text if subj is not None else None
    if kind == "money" and measure is None and subj is not None and subj.pos_ == "NOUN":
        measure = subject
    if kind == "money" and measure is None:
        measure = _money_object(span_tokens[-1])
    return measure, subject


class _FigureFinder:
    """The figures of one parsed article, found entity by entity and then among the untagged number tokens."""

    def __init__(self, article: Article, doc: Doc, sentences: list[tuple[int, int]]) -> None:
        self.article, self.doc, self.sentences = article, doc, sentences
        self.text = article.text
        self.starts = [a for a, _ in sentences]
        self.out: list[Figure] = []
        self.taken: set[int] = set()  # token indices already in a figure
        self.blocked: list[tuple[int, int]] = []  # char ranges that are no count (scores, scale readings)

    def sentence_of(self, pos: int) -> tuple[int, int] | None:
        """The analysed sentence holding a char position, or None."""
        k = bisect.bisect_right(self.starts, pos) - 1
        sentences = self.sentences
        return sentences[k] if k >= 0 and sentences[k][0] <= pos < sentences[k][1] else None

    def block_scores_and_readings(self) -> None:
        """Block scores and tallies ("a 2-1 win"); record scale readings ("magnitude 7.1") as quantities."""
        text, article = self.text, self.article
        by_char = {t.idx: t for t in self.doc}
        for s, e in self.sentences:
            for m in _SCORE.finditer(text, s, e):
                nxt = by_char.get(m.end() + 1) if m.end() < len(text) and text[m.end()] == " " else None
                if nxt is None or nxt.tag_ != "NNS":  # "10-15 people" is a range of a count, kept
                    self.blocked.append((m.start(), m.end()))
            for m in _SCALE_READING.finditer(text, s, e):
                word = (m.group("w1") or m.group("w2")).lower()
                num = "n1" if m.group("n1") else "n2"
                self.out.append(Figure(article.id, Span(m.start(), m.end()), m.group(0), float(m.group(num)), word,
                                       "quantity", False, word, None, Span(s, e)))  # fmt: skip
                self.blocked.append((m.start(), m.end()))

    def split_money_range(self, start: int, end: int, tokens: list[Token]) -> bool:
        """A range "between $14 million and $19 million": two figures, each as written (True when one)."""
        rng = _MONEY_RANGE.fullmatch(self.text, start, end)
        if not (rng and rng.group("a") and rng.group("b")):
            return False
        low_end, high_start = rng.end("a"), rng.start("b")
        # "$20 to $30 million": the low end shares the high end's multiplier
        shared = _SCALE_AFTER.search(rng.group("b")) if not _SCALE_AFTER.search(rng.group("a")) else None
        low = [t for t in tokens if t.idx < low_end]
        self.add(rng.start("a"), low_end, low, "MONEY", shared.group(0) if shared else "")
        self.add(high_start, end, [t for t in tokens if t.idx >= high_start], "MONEY")
        return True

    def widen(self, start: int, end: int, label: str, sent: tuple[int, int]) -> tuple[int, int, str]:
        """Take in what the model left out: an approximation word, a multiplier, a currency sign."""
        text = self.text
        before = text[max(sent[0], start - APPROX_REACH) : start]
        m = _APPROX_BEFORE.search(before)
        if m:  # "nearly two dozen"
            start -= len(before) - m.start()
        suffix = _SCALE_AFTER.match(text, end)
        if suffix and label in ("MONEY", "CARDINAL"):  # "€45m": the model's entity stops before the multiplier
            end = suffix.end()
        if start > 0 and text[start - 1] in "$\u20ac\u00a3\u00a5":  # a currency sign the model left out
            start -= 1
            label = "MONEY"
        return start, end, label

    def count_shape(self, tokens: list[Token], start: int, end: int) -> tuple[Kind, str | None, int] | None:
        """A count's (kind, measure of a unit size, end) from the words around it; None when it is no count."""
        doc, last = self.doc, tokens[-1]
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ in ("times", "fold"):
            return None  # "three times the limit" is a multiplier, not a count
        num = next((t for t in tokens if t.like_num), last)
        unit_tok = doc[num.i + 2] if num.i + 2 < len(doc) and doc[num.i + 1].text in ("-", "\u2010") else None
        if unit_tok is not None and unit_tok.tag_ == "NN" and not num.text[:1].isdigit():
            return None  # "a two-dose schedule", "an eleven-member panel", "a one-time fee": a description
        if unit_tok is not None and unit_tok.tag_ == "NN" and unit_tok.lower_ not in SCALES:
            # "100-milligram tablets", "a 40-page report": a size in a unit, not a count of units
            return "quantity", unit_tok.lemma_.lower(), unit_tok.idx + len(unit_tok.text)
        if _YEAR.fullmatch(self.text[start:end]) and (nxt is None or nxt.tag_ != "NNS"):
            return None  # a year ("the 2017 season"), not a count; "2000 people" has a plural noun and stays
        return "count", None, end

    def add(self, start: int, end: int, tokens: list[Token], label: str, scale: str = "") -> None:
        """Record the figure at start:end (the model's entity or a number token) unless it is none."""
        sent = self.sentence_of(start)
        if sent is None or any(a < end and start < b for a, b in self.blocked):
            return
        if label != "MONEY" and tokens and _is_label(tokens):
            return
        if label == "MONEY" and not _names_money(self.text[max(0, start - 1) : end + len(" dollars")]):
            label = "CARDINAL"  # the model's MONEY with no currency ("8 US Code Section 1373") is a number at most
        if label == "MONEY" and self.split_money_range(start, end, tokens):
            return
        start, end, label = self.widen(start, end, label, sent)
        got = _value_of(self.text[start:end], label, scale)
        if got is None:
            return
        value, unit, kind, approx = got
        measure, subject = _measure_of(tokens, kind)
        if kind == "count" and tokens:
            shape = self.count_shape(tokens, start, end)
            if shape is None:
                return
            kind, sized, end = shape
            if sized is not None:
                measure = unit = sized
        if kind == "count" and not _is_count(value, approx, measure):
            return
        if kind == "count":
            unit = measure or ""
        fig = Figure(self.article.id, Span(start, end), self.text[start:end], float(value), unit, kind, approx,
                     measure, subject, Span(*sent))  # fmt: skip
        self.out.append(fig)
        self.taken.update(t.i for t in tokens)

    def from_entities(self) -> None:
        """The model's MONEY, PERCENT, CARDINAL and QUANTITY entities."""
        doc, text = self.doc, self.text
        for ent in doc.ents:
            if ent.label_ not in ("MONEY", "PERCENT", "CARDINAL", "QUANTITY"):
                continue
            year = ent.label_ == "CARDINAL" and _YEAR.fullmatch(ent.text.strip())
            if year and (ent.end >= len(doc) or doc[ent.end].tag_ != "NNS"):
                continue  # a year typed as a number; "2000 people" counts people
            start, end = ent.start_char, ent.end_char
            while end > start and text[end - 1] in " ,.;:\n":
                end -= 1
            self.add(start, end, list(ent), ent.label_)

    def from_tokens(self) -> None:
        """Number tokens the model left untagged: "23 counties", "hundreds of residents"."""
        for tok in self.doc:
            if tok.i in self.taken or tok.ent_type_ in ("TIME", "ORDINAL", "MONEY", "PERCENT", "CARDINAL", "QUANTITY"):
                continue
            if tok.ent_type_ == "DATE":
                sized = tok.like_num and _sized_noun(tok) is not None  # "the death toll was 16" (typed a date)
                if sized:
                    self.add(tok.idx, tok.idx + len(tok.text), [tok], "CARDINAL")
                    continue
                if not _is_duration_count(tok):
                    continue
            if (tok.like_num and tok.dep_ == "nummod") or tok.lower_ in VAGUE:
                if tok.lower_ in VAGUE and not any(c.lower_ == "of" for c in tok.children):
                    continue
                self.add(tok.idx, tok.idx + len(tok.text), [tok], "CARDINAL")


def _names_money(phrase: str) -> bool:
    """True when a phrase names a currency: a sign, a code or a currency word ("$4", "€2bn", "50 pesos", "94 cents")."""
    low = phrase.lower()
    return any(mark.lower() in low for mark, _ in CURRENCIES) or bool(re.search(r"\bcents?\b", low))


def _value_of(phrase: str, label: str, scale: str) -> tuple[float, str, Kind, bool] | None:
    """(value, unit, kind, approximate) of a figure's phrase; None when it holds no number."""
    kind: Kind
    if label == "MONEY":
        value, unit = parse_money(phrase + scale)
        kind, approx = "money", bool(APPROX.search(phrase))
    elif label == "PERCENT" or _PERCENT.search(phrase):
        value, approx = parse_number(_PERCENT.sub(" ", phrase))
        unit, kind = "percent", "percent"
    else:
        value, approx = parse_number(phrase)
        kind, unit = "count", ""
    if value is None:
        return None
    return round(value, 4), unit, kind, approx  # "4.1 billion" is 4100000000, not 4099999999.9999995


def _is_count(value: float, approx: bool, measure: str | None) -> bool:
    """A count counts something (a bare "Section 1373" does not), in whole units, and more than one."""
    if measure is None or (value != int(value) and not approx):
        return False  # a bare number ("Section 1373") or a decimal ("12.30 kickoff") is not a count
    return value >= MIN_COUNT or approx  # "one federal judge" is an article, not a figure


def _is_duration_count(tok: Token) -> bool:
    """A number in a DATE entity that counts time units ("for 22 years"), not a date ("two years ago")."""
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    after = doc[tok.i + 2] if tok.i + 2 < len(doc) else None
    if nxt is None or nxt.lemma_.lower() not in _TIME_UNITS or nxt.tag_ != "NNS":
        return False
    return not (after is not None and after.lower_ in ("ago", "old", "earlier", "later"))


def find_figures(article: Article, doc: Doc, sentences: list[tuple[int, int]]) -> list[Figure]:
    """Money, counts and percentages in the analysed sentences (char ranges) of one parsed article."""
    finder = _FigureFinder(article, doc, sentences)
    finder.block_scores_and_readings()
    finder.from_entities()
    finder.from_tokens()
    finder.out.sort(key=lambda f: f.span.start)
    return finder.out
