"""Dates on a calendar: find temporal expressions and resolve them against the publication date.

``resolve_date`` is a pure function over a string and an anchor date; ``find_dates`` reads the one spaCy pass
(its DATE entities) plus a few patterns the small model often misses (a bare weekday, "last fall"), and keeps
only expressions that name a point or period on the calendar (durations like "48 hours" are left out).

Example:
    >>> import datetime as dt
    >>> resolve_date("on Wednesday (January 24)", dt.date(2018, 1, 25))
    ('2018-01-24', 'day')
    >>> resolve_date("last fall", dt.date(2018, 1, 25))
    ('2017-09-01', 'season')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model import Article, DateMention, Granularity, Span
from ..text.attachment import continues_apposition
from ..text.lexicon import load
from ..text.words import NUMBER_VALUES

if TYPE_CHECKING:
    from spacy.tokens import Doc

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
CENTURY = 100
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
# Meteorological seasons (northern hemisphere): the month each one starts in.
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
# How many units a count of time names ("two weeks ago", "a few years ago"): the number words
# (text.words.NUMBER_VALUES), the indefinite article as one, and the vague counts at their smallest usual value.
NUMBERS = {**NUMBER_VALUES, "a": 1, "an": 1, "several": 3, "a few": 3, "a couple of": 2}

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_COUNT = "|".join(sorted(NUMBERS, key=len, reverse=True))  # longest first: "a few" before "a"
_NUM = r"(?P<n>\d+|" + _COUNT + ")"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")),
    ("slash", re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)?\d\d)\b")),
    (
        "month_day_year",
        re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE),
    ),
    (
        "day_month_year",
        re.compile(
            r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE
        ),
    ),
    (
        "month_day",
        re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*,?\s*(?:19|20)\d\d)", re.IGNORECASE),
    ),
    (
        "day_month",
        re.compile(
            r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?!\s*,?\s*(?:19|20)\d\d)", re.IGNORECASE
        ),
    ),
    ("month_year", re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)),
    ("fiscal", re.compile(r"\b(?:fiscal(?:\s+year)?|FY)\s*'?(?P<y>(?:19|20)?\d\d)\b", re.IGNORECASE)),
    (
        "season_year",
        re.compile(r"\b(?P<season>spring|summer|fall|autumn|winter)\s+(?:of\s+)?(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE),
    ),
    ("decade", re.compile(r"\b(?:the\s+)?(?P<y>(?:19|20)\d0)'?s\b", re.IGNORECASE)),
    ("year", re.compile(r"(?<![\d$.,])\b(?P<y>(?:19|20)\d\d)\b(?![\d%])")),
    ("ago", re.compile(r"\b" + _NUM + r"\s+" + _UNIT + r"\s+ago\b", re.IGNORECASE)),
    (
        "rel_unit",
        re.compile(
            r"\b(?P<rel>last|this|next|past|earlier this|later this|early this|late last|earlier last|late this"
            r"|early last)\s+(?P<unit>week|month|year)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "rel_season",
        re.compile(r"\b(?P<rel>last|this|next|past)\s+(?P<season>spring|summer|fall|autumn|winter)\b", re.IGNORECASE),
    ),
    (
        "rel_weekday",
        re.compile(
            r"\b(?P<rel>last|this|next|past)\s+(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            re.IGNORECASE,
        ),
    ),
    # no letter after the month: "next decade" is no "next Dec."
    ("rel_month", re.compile(r"\b(?P<rel>last|this|next|past)\s+" + _MONTH + r"(?![a-z])(?!\s+\d)", re.IGNORECASE)),
    (
        "day_word",
        re.compile(
            r"\b(?P<word>yesterday|today|tonight|tomorrow|this morning|this afternoon|this evening|last night)\b",
            re.IGNORECASE,
        ),
    ),
    ("weekday", re.compile(r"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)),
    ("month", re.compile(r"\b" + _MONTH + r"\b(?!\s*\d)", re.IGNORECASE)),
    ("season", re.compile(r"\b(?P<season>spring|summer|fall|autumn|winter)\b", re.IGNORECASE)),
]
# Kinds whose value does not depend on an anchor date.
ABSOLUTE = {"iso", "slash", "month_day_year", "day_month_year", "month_year", "fiscal", "season_year", "decade", "year"}
# Extra patterns used to spot expressions the small model leaves untagged (searched in the whole text).
_DETECT = re.compile(
    r"\b(?:(?:on|last|this|next|since|by|until)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s*\((?:[a-z]+\.?\s+\d{1,2})\))?"
    r"|\b(?:last|this|next|past)\s+(?:spring|summer|fall|autumn|winter|week|month|year)\b"
    r"|\b(?:earlier|later)\s+this\s+(?:week|month|year)\b"
    r"|\b(?:yesterday|today)\b"
    r"|\b(?:jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d\d)?\b"
    r"|\b(?:" + _COUNT + r"|\d+)\s+(?:day|week|month|year)s?\s+ago\b"
    r"|\bfiscal\s+(?:year\s+)?(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_JOINER = re.compile(r"\s+(?:that|when|and|as|after|before|while)\s+", re.IGNORECASE)
_UNTIL = re.compile(r"(?:through|until|till|by)\b", re.IGNORECASE)
_PREP_BEFORE = re.compile(r"\b(?:in|on|since|by|until|through|from|early|late|mid)[ -](?=\S*$)", re.IGNORECASE)
# "May" and "march" are also ordinary words: as bare months they need a preposition before them.
_AMBIGUOUS_MONTHS = {"may", "mar", "march"}


def parse_iso(value: str | None) -> dt.date | None:
    """An ISO date string (or its year/month prefix) as a date, or None."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value[:10].split("-")]
    except ValueError:
        return None
    try:
        year, month, day = [*parts, 1, 1][:3]  # a year alone is its January 1st, a month its first day
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(text: str, anchor: dt.date | None) -> int:
    """A two- or four-digit year as four digits."""
    y = int(text)
    if y < CENTURY:  # "fiscal '16": the century of the anchor
        century = (anchor.year // CENTURY) * CENTURY if anchor else 2000
        y += century
    return y


def _month_start(year: int, month: int, shift: int = 0) -> dt.date:
    """First day of the month ``shift`` months after (year, month)."""
    idx = year * 12 + (month - 1) + shift
    return dt.date(idx // 12, idx % 12 + 1, 1)


def _season_start(anchor: dt.date) -> dt.date:
    """Start of the (meteorological) season the anchor falls in."""
    month = {12: 12, 1: 12, 2: 12, 3: 3, 4: 3, 5: 3, 6: 6, 7: 6, 8: 6, 9: 9, 10: 9, 11: 9}[anchor.month]
    year = anchor.year - 1 if anchor.month in (1, 2) else anchor.year
    return dt.date(year, month, 1)


def _recent_month(month: int, anchor: dt.date) -> dt.date:
    """The most recent occurrence of ``month`` on or before the anchor (news reports mostly the past)."""
    year = anchor.year if month <= anchor.month else anchor.year - 1
    return dt.date(year, month, 1)


def _near_day(month: int, day: int, anchor: dt.date) -> dt.date | None:
    """Month and day without a year: the occurrence nearest the anchor (within half a year)."""
    best = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - anchor).days) < abs((best - anchor).days):
            best = cand
    return best


Resolved = tuple[dt.date, Granularity]
Groups = dict[str, Any]
DAYS_A_WEEK = 7
YEARS_A_DECADE = 10


def _absolute(kind: str, g: Groups, anchor: dt.date | None) -> Resolved | None:
    """A date written in full (needs no anchor but for a two-digit year); None when not a valid date."""
    try:
        if kind in ("iso", "slash"):
            return dt.date(_year(g["y"], anchor), int(g["m"]), int(g["d"])), "day"
        if kind in ("month_day_year", "day_month_year"):
            return dt.date(int(g["y"]), MONTHS[g["month"].lower()], int(g["d"])), "day"
        if kind == "month_year":
            return dt.date(int(g["y"]), MONTHS[g["month"].lower()], 1), "month"
        if kind == "fiscal":
            return dt.date(_year(g["y"], anchor), 1, 1), "year"
        if kind == "season_year":
            return dt.date(int(g["y"]), SEASONS[g["season"].lower()], 1), "season"
        return dt.date(int(g["y"]), 1, 1), "decade" if kind == "decade" else "year"
    except (ValueError, KeyError):
        return None


def _month_day(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """ "January 24": the last one on or before the anchor when the sentence tells the past ("was issued on
    Jan. 25" in a November article is that January's), the next one when it tells the future, else the nearest."""
    month, day = MONTHS[g["month"].lower()], int(g["d"])
    d = _near_day(month, day, anchor)
    if d is None or future is None:
        return (d, "day") if d else None
    if future is False and d > anchor:
        d = _shift_year(d, -1)
    elif future and d < anchor:
        d = _shift_year(d, 1)
    return d, "day"


def _ago(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """ "two weeks ago", "a year ago"."""
    n = NUMBERS.get(g["n"].lower(), None) if not g["n"].isdigit() else int(g["n"])
    unit = g["unit"].lower()
    if n is None:
        return None
    if unit == "day":
        return anchor - dt.timedelta(days=n), "day"
    if unit == "week":
        return anchor - dt.timedelta(weeks=n), "day"
    if unit == "month":
        return _month_start(anchor.year, anchor.month, -n), "month"
    if unit == "decade":
        return dt.date(anchor.year - YEARS_A_DECADE * n, 1, 1), "year"
    return dt.date(anchor.year - n, 1, 1), "year"


def _rel_unit(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """ "last week" (its Monday), "earlier this month", "next year"."""
    rel, unit = g["rel"].lower(), g["unit"].lower()
    shift = -1 if rel.endswith("last") or rel == "past" else 1 if rel == "next" else 0
    if unit == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday())
        return monday + dt.timedelta(weeks=shift), "day"
    if unit == "month":
        return _month_start(anchor.year, anchor.month, shift), "month"
    return dt.date(anchor.year + shift, 1, 1), "year"


def _season(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """ "last fall", "this summer", "in the spring"."""
    rel = (g.get("rel") or "").lower()
    month = SEASONS[g["season"].lower()]
    current = _season_start(anchor)
    # the season of that name whose start is nearest before (or at) the current season's start
    year = current.year if month <= current.month else current.year - 1
    cand = dt.date(year, month, 1)
    if rel in ("last", "past") and cand == current:
        cand = dt.date(year - 1, month, 1)
    elif rel == "next":
        cand = dt.date(cand.year + 1, month, 1) if cand <= current else cand
    elif rel == "this" and cand < current and month != current.month:
        # "this summer" said in the spring: the coming one of this year
        cand = dt.date(anchor.year, month, 1) if dt.date(anchor.year, month, 1) > current else cand
    return cand, "season"


def _weekday(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """ "Wednesday" (the latest, or the next when ``future``), "last Friday", "next Monday"."""
    rel = (g.get("rel") or "").lower()
    wd = WEEKDAYS[g["wd"].lower()]
    back = (anchor.weekday() - wd) % DAYS_A_WEEK
    if rel == "next":
        ahead = (wd - anchor.weekday()) % DAYS_A_WEEK or DAYS_A_WEEK
        return anchor + dt.timedelta(days=ahead), "day"
    if rel in ("last", "past") and back == 0:
        back = DAYS_A_WEEK
    if future and not rel:
        return anchor + dt.timedelta(days=(wd - anchor.weekday()) % DAYS_A_WEEK), "day"
    return anchor - dt.timedelta(days=back), "day"


def _rel_month(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """ "last March", "next August", "this June"."""
    rel, month = g["rel"].lower(), MONTHS[g["month"].lower()]
    if rel == "next":
        year = anchor.year if month > anchor.month else anchor.year + 1
        return dt.date(year, month, 1), "month"
    if rel in ("last", "past"):
        year = anchor.year if month < anchor.month else anchor.year - 1
        return dt.date(year, month, 1), "month"
    return dt.date(anchor.year, month, 1), "month"


def _day_word(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """ "yesterday", "last night", "tomorrow", "today", "this morning"."""
    word = g["word"].lower()
    if word in ("yesterday", "last night"):
        return anchor - dt.timedelta(days=1), "day"
    if word == "tomorrow":
        return anchor + dt.timedelta(days=1), "day"
    return anchor, "day"


def _month(g: Groups, anchor: dt.date, future: bool | None) -> Resolved | None:
    """A bare month: the latest one, or the next when ``future``."""
    month = MONTHS[g["month"].lower()]
    if future:
        return dt.date(anchor.year if month >= anchor.month else anchor.year + 1, month, 1), "month"
    return _recent_month(month, anchor), "month"


# How each kind of relative expression is placed from the anchor date.
_RELATIVE: dict[str, Callable[[Groups, dt.date, bool | None], Resolved | None]] = {
    "month_day": _month_day, "day_month": _month_day, "ago": _ago, "rel_unit": _rel_unit, "rel_season": _season,
    "season": _season, "rel_weekday": _weekday, "weekday": _weekday, "rel_month": _rel_month, "day_word": _day_word,
    "month": _month,
}  # fmt: skip


def _resolve_match(
    kind: str, m: re.Match[str], anchor: dt.date | None, future: bool | None = None
) -> Resolved | None:
    """Resolve one pattern match; None when it needs an anchor and has none, or is not a valid date."""
    if kind in ABSOLUTE:
        return _absolute(kind, m.groupdict(), anchor)
    place = _RELATIVE.get(kind)
    return place(m.groupdict(), anchor, future) if place is not None and anchor is not None else None


def resolve_date(
    text: str, published: dt.date | str | None, future: bool | None = None
) -> tuple[str | None, Granularity]:
    """Resolve a temporal expression to (ISO start of the period, granularity); value None when it cannot be placed.

    The most specific pattern wins: "Wednesday (January 24)" is the 24th, "fiscal year 2016" is 2016. A bare
    weekday or month is the latest one up to the anchor (news reports the past), or the next one when
    ``future`` (the sentence speaks of what will happen: "will meet in August"). A month and day ("January 24")
    is the last one up to the anchor when ``future`` is False (the sentence tells the past), the next one when
    True, and the nearest when None (the tense is not known).
    """
    value, gran, _ = _resolve(text, published, future)
    return value, gran


# A page's date more than this many days after every other story of its storyline, on a report of one outlet,
# is doubted (a repost or an archive copy re-dated; issue 12): a follow-up a year on names its year, which
# confirms the date (see :func:`doubts_published`). A year, not tuned: the dev pages hold a single such repost,
# on the check half, and their storylines' real follow-ups lie months apart.
REPOST_DAYS = 365


def years_named(text: str) -> set[int]:
    """The years a text writes out in full dates, months, seasons or alone ("Jan. 25, 2017", "in 2016")."""
    years: set[int] = set()
    for kind, pattern in PATTERNS:
        if kind in ABSOLUTE and "y" in pattern.groupindex:
            years.update(_year(m.group("y"), None) for m in pattern.finditer(text))
    return years


def doubts_published(published: str | None, others_last: str | None, text: str) -> bool:
    """True when a page's date lies more than :data:`REPOST_DAYS` after ``others_last`` (the last date of the
    other stories of its storyline) and the text names neither that year nor the one before (which a report of
    that time would, counting back to what it follows up): relative dates are then not counted from it.

    >>> doubts_published("2019-11-21", "2016-11-05", "The team won on Wednesday night, as the 1979 side did.")
    True
    >>> doubts_published("2019-11-21", "2016-11-05", "Three years on, the 2019 team met on Wednesday.")
    False
    """
    day, before = parse_iso(published), parse_iso(others_last)
    if day is None or before is None or (day - before).days <= REPOST_DAYS:
        return False
    return not years_named(text) & {day.year, day.year - 1}


# Anchors an undated article borrows (its story's last date, its storyline's): they may be days or months away
# from when the article was written, so they place no weekday, "today" or "last week" (left as written).
BORROWED_ANCHORS = {"story", "storyline"}
# What a story's or storyline's date may place in an undated article of one of its stories: a month or season name, or a
# month and day ("In July", "on February 1"), whose year is the one thing inferred. A weekday, "yesterday" or
# "a year ago" counted from a date that may be months away from the article's own would be invented precision.
STORYLINE_KINDS = {"month", "month_day", "day_month", "season"}


# Words before a date that make a bare weekday or month point forward ("will visit in August", "through Friday").
FUTURE = re.compile(
    r"\b(will|wo|'ll|\u2019ll|shall|would|expected|expects|plans?|planned|scheduled|slated|set (?:to|for)|going to"
    r"|due|upcoming)\b|\b(through|until|till|by)\s*$",
    re.IGNORECASE,
)


def _resolve(
    text: str, published: dt.date | str | None, future: bool | None = None
) -> tuple[str | None, Granularity, str | None]:
    """Resolve; the third item is the pattern kind that matched (in ABSOLUTE when it needed no anchor)."""
    anchor = parse_iso(published) if isinstance(published, str) else published
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if kind == "month" and m.group("month").lower() in _AMBIGUOUS_MONTHS:
                before = text[: m.start()].rstrip().lower()
                if not re.search(r"\b(in|since|by|until|through|early|late|mid|last|this|next|of|from)$", before):
                    continue
            if kind == "season" and not re.search(
                r"\b(in|the|this|last|next|past|since|by|early|late|mid)\s*$", text[: m.start()].lower()
            ):
                continue
            got = _resolve_match(kind, m, anchor, future)
            if got is not None:
                return got[0].isoformat(), got[1], kind
    return None, "day", None


# Verbs that put what they govern in the future: "scheduled for Tuesday", "expected to vote Tuesday".
_PLAN_VERBS = {"schedule", "set", "plan", "slate", "expect", "due", "postpone", "delay", "reschedule", "move", "push",
               "go", "intend", "aim", "hope", "prepare", "call", "book"}  # fmt: skip
# Speech verbs (text/lexicons/speech_verbs.txt): in the present ("officials say") they do not make their date
# point forward; in the past right before a date ("said on Tuesday") the date is the report's.
_SPEECH_VERBS = load("speech_verbs")
_OBJECT_WORDS = 2  # words of a speech verb's object between it and the date: "told Channel 4 Tuesday"
_FUTURE_AUX = {"will", "wo", "'ll", "\u2019ll", "shall", "would"}
_PAST_AUX = {"has", "have", "had", "did", "was", "were", "'ve", "\u2019ve"}


def _future_from_parse(doc: Doc | Any, start: int, end: int) -> bool | None:
    """Whether the clause governing a date speaks of the future, from the parse: True, False, or None (unknown).

    "will leave on Tuesday", "is scheduled for Tuesday", "a parade for Tuesday" and "expected to vote Tuesday"
    point forward; "won on Saturday", "was arrested Tuesday" and "has said Tuesday" point back.
    """
    if not hasattr(doc, "char_span"):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    for _ in range(6):
        head = tok.head
        if head.i == tok.i:
            break
        if tok.i == span.root.i and tok.dep_ == "pobj" and head.lower_ in ("for", "until", "till", "through"):
            # "a victory parade for Tuesday" (the parser often hangs "for" on the verb: "announced ... for
            # Tuesday"), "talks until Friday": a day something is scheduled for or lasts until
            return True
        tok = head
        if tok.pos_ in ("VERB", "AUX"):
            break
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    if aux & _FUTURE_AUX:
        return True
    lemma = tok.lemma_.lower()
    if "to" in aux and tok.dep_ in ("xcomp", "ccomp", "advcl") and tok.head.lemma_.lower() in _PLAN_VERBS | {"be"}:
        # "is expected to vote on Tuesday", "plans to meet Tuesday", "is going to sign Friday"
        head_aux = {c.lower_ for c in tok.head.children if c.dep_ in ("aux", "auxpass")}
        return not (head_aux & _PAST_AUX - {"was", "were"}) and tok.head.tag_ not in ("VBD",)
    if lemma in _PLAN_VERBS and tok.tag_ == "VBN" and aux & {"is", "are", "be", "'s", "\u2019s"}:
        return True  # "is scheduled for Tuesday", "is set for Tuesday"
    if aux & _PAST_AUX or tok.tag_ == "VBD" or (tok.tag_ == "VBN" and not aux):
        return False  # "won", "was arrested", "has said"; a bare participle as main verb is a past tense too
    if tok.tag_ == "VBG" and aux & {"is", "are", "am", "'s", "\u2019s", "'re", "\u2019re"}:
        return True  # "is meeting on Tuesday"
    if tok.tag_ in ("VBZ", "VBP") and lemma not in _SPEECH_VERBS and lemma != "be":
        return True  # present of an action with a weekday is a plan in news: "the team returns home Tuesday"
    return None


def _dates_the_report(doc: Doc | Any, sent_start: int, start: int) -> bool:
    """True when a date follows a past speech verb or its short object ("said on Tuesday", "told reporters
    Tuesday"): the date is when it was said, whatever the reported clause says of the future."""
    if not hasattr(doc, "char_span"):
        return False
    before = doc.char_span(sent_start, start, alignment_mode="contract")
    words = [t for t in before or () if not t.is_space]
    for back, verb in enumerate(reversed(words[-1 - _OBJECT_WORDS :])):
        if verb.tag_ == "VBD" and verb.lemma_.lower() in _SPEECH_VERBS:
            between = words[len(words) - back :]
            inside = {verb.i} | {w.i for w in between}
            return all(not t.is_punct and t.head.i in inside for t in between)
    return False


def _is_duration(text: str) -> bool:
    """True for durations and frequencies ("48 hours", "five years", "daily"), which are not calendar points."""
    low = text.lower()
    if re.search(r"\b(ago|last|this|next|past|earlier|later|yesterday|today|tomorrow)\b", low):
        return False
    return bool(
        re.search(r"\b(hours?|days|weeks|months|years|decades|daily|weekly|annual(ly)?|age|old)\b", low)
    ) and not re.search(r"(19|20)\d\d", low)


def _shift_year(day: dt.date, years: int) -> dt.date:
    """The same month and day ``years`` later (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def fit_to_story(value: str, window: tuple[dt.date, dt.date]) -> str:
    """A bare past weekday resolved before its story began, moved a week on when that lands inside the story.

    A page's publication date is sometimes that of its first version while the text was updated days later
    ("lowered the death toll early Wednesday" on a page dated the Tuesday of the quake): counted back from
    that date the weekday falls in the week before the story, which no other report covers.

    >>> fit_to_story("2017-09-13", (dt.date(2017, 9, 19), dt.date(2017, 9, 21)))
    '2017-09-20'
    >>> fit_to_story("2017-09-13", (dt.date(2017, 9, 19), dt.date(2017, 9, 19)))
    '2017-09-13'
    """
    day = dt.date.fromisoformat(value)
    first, last = window
    later = day + dt.timedelta(days=7)
    return later.isoformat() if day < first <= later <= last else value


_PAREN_DATE = re.compile(r"\s*\(([A-Za-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?)\)?")  # "Wednesday (January 24)"
_PAREN_REACH = 25  # characters after an expression searched for its parenthetical date
_PREP_REACH = 12  # characters before an expression searched for its preposition ("since", "through")


def _candidates(text: str, doc: Doc | Any, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Char ranges of possible temporal expressions: the model's DATE/TIME entities and the patterns it misses."""
    cands: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME"):
            # the model sometimes joins two expressions ("last month that 2021"): split at clause words
            pos = ent.start_char
            for cut in _JOINER.finditer(ent.text):
                cands.append((pos, ent.start_char + cut.start()))
                pos = ent.start_char + cut.end()
            cands.append((pos, ent.end_char))
    for s, e in sentences:
        for found in _DETECT.finditer(text, s, e):
            cands.append((found.start(), found.end()))
    return cands


def _widen(text: str, s: int, e: int) -> tuple[int, int]:
    """A candidate over its parenthetical date "Wednesday (January 24)" and a leading "on"/"in", trimmed."""
    m = _PAREN_DATE.match(text[e : e + _PAREN_REACH])
    if m and not text[s:e].rstrip().endswith(")"):
        e += m.end()
        if text[e - 1] != ")" and e < len(text) and text[e] == ")":
            e += 1
    e = min(e, len(text))
    while e > s and text[e - 1] in " ,.;:\n":
        e -= 1
    # take in the preposition before it: "in March" (a bare "March" may be the verb), "since 2014"
    p = _PREP_BEFORE.search(text, max(0, s - _PREP_REACH), s)
    return (p.start() if p else s), e


def _merge_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping ranges joined into one (the longest reach wins), in text order."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda x: (x[0], -x[1])):
        if merged and s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
            continue
        merged.append((s, e))
    return merged


def _points_forward(doc: Doc | Any, text: str, sent: tuple[int, int], s: int, e: int) -> bool | None:
    """Whether the date at s:e speaks of the future (a bare weekday or month is then the next one): True, False
    (the parse tells the past: "was issued on Jan. 25"), or None when neither the parse nor a cue word tells."""
    phrase = text[s:e]
    if continues_apposition(doc, s):
        return None  # "will pay $17, a premium to the closing price on Thursday": no verb's tense governs it
    # "said on Tuesday it would close": a date right after a past reporting verb dates the report
    parsed = False if _dates_the_report(doc, sent[0], s) else _future_from_parse(doc, s, e)
    until = _UNTIL.match(phrase)
    if until and (until.group(0).lower() != "by" or parsed is not False):
        return True  # "floods through Friday", "until Friday"; but "had raised $1m by Saturday night" is past
    if parsed is not None:
        return parsed
    return True if FUTURE.search(text[sent[0] : s]) else None  # no verb found: cue words before the date


class _Anchor:
    """What relative dates are counted from: the date, where it came from, and the story's span of dates."""

    def __init__(self, date: dt.date | None, kind: str, window: tuple[dt.date, dt.date] | None) -> None:
        self.date, self.kind, self.window = date, kind, window

    def place(self, phrase: str, future: bool | None) -> tuple[str | None, Granularity, str | None] | None:
        """(value, granularity, anchor recorded) of a phrase, or None when it is no calendar expression."""
        value, gran, matched = _resolve(phrase, self.date, future)
        if matched == "weekday" and value and self.window and not future:
            value = fit_to_story(value, self.window)
        # an undated article counted from its story's or storyline's date: only the year may be inferred
        storyline = self.kind in BORROWED_ANCHORS
        if storyline and self.date and value and matched in ("month_day", "day_month") and not future:
            # the storyline's last date bounds the article's own from above: a past "February 1" is the one on
            # or before it, not the nearest (which may be the next year's)
            day = dt.date.fromisoformat(value)
            if day > self.date:
                value = _shift_year(day, -1).isoformat()
        absolute = matched in ABSOLUTE
        if storyline and not absolute and matched not in STORYLINE_KINDS:
            value, gran = None, "day"  # too fine to count from a storyline's date: left unplaced
        elif value is None and self.date is not None:
            return None  # not a calendar expression we can place ("recent years", "the past")
        if value is None and not _DETECT.search(phrase):
            return None
        if absolute:
            return value, gran, "absolute"
        return value, gran, ("story" if storyline else self.kind) if value is not None else "none"


def find_dates(
    article: Article,
    doc: Doc | Any,
    sentences: list[tuple[int, int]],
    anchor: dt.date | None,
    anchor_kind: str,
    window: tuple[dt.date, dt.date] | None = None,
) -> list[DateMention]:
    """Temporal expressions of the analysed sentences (char ranges), resolved against ``anchor``.

    ``window`` is the span of the article's story (first and last publication dates of its reports): a bare
    past weekday that falls before the story began, while the same weekday a week later lies inside it, is
    taken to be the later one (see :func:`fit_to_story`).

    ``anchor_kind`` says where the anchor came from ("published", "text", "story", "none"); "storyline" (a date
    of the storyline an undated story belongs to) resolves only :data:`STORYLINE_KINDS` and is recorded as
    "story"; the rest stay unplaced.
    """
    text = article.text
    spans = _merge_overlaps([_widen(text, s, e) for s, e in _candidates(text, doc, sentences)])
    counted_from = _Anchor(anchor, anchor_kind, window)
    out = []
    for s, e in spans:
        sent = next(((a, b) for a, b in sentences if a <= s < b), None)
        if sent is None or _is_duration(text[s:e]):
            continue
        placed = counted_from.place(text[s:e], _points_forward(doc, text, sent, s, e))
        if placed is None:
            continue
        value, gran, kind = placed
        out.append(DateMention(article.id, Span(s, e), text[s:e], value, gran, kind, Span(*sent)))  # type: ignore[arg-type]
    return out
