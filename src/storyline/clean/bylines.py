"""Bylines and date lines: "By Jane Doe Jan 25, 2018", "Posted Sep 19, 2017", "Updated 4:39 AM ET".

Web extraction often leaves the page's byline and date as body lines. :func:`parse_byline` and
:func:`parse_dateline` recognise such a line (the whole paragraph, not a sentence that happens to start
with "By") and return what it gives, so the cleaner can fill ``article.byline`` / ``article.published``
when no metadata did and take the line out of the body. :func:`find_date` reads one calendar date from
text without guessing: only a full day, month and year count.

Example:
    >>> parse_byline("By Jane Doe Jan 25, 2018")
    Byline(name='Jane Doe', date='2018-01-25')
    >>> parse_byline("By Friday, the city had spent its grant.") is None
    True
    >>> parse_dateline("Posted Sep 19, 2017")
    '2017-09-19'
    >>> find_date("Updated 4:39 AM ET, Thu November 3, 2016")
    '2016-11-03'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_WEEKDAYS = {
    "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday",
    "fri", "friday", "sat", "saturday", "sun", "sunday",
}
_MONTH_RE = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b" + _MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(?P<y>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\b"),  # US order: 1/25/2018
)
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:[ECMP][SD]?T|GMT|UTC|BST|CET|IST|HKT|AEST)\b)?"
    r"|\b\d{1,2}\s*[ap]\.?m\.?(?=\W|$)(?:\s*(?:[ECMP][SD]?T|GMT|UTC)\b)?",
    re.IGNORECASE,
)
# Words that may stand around a date on a date line: "Posted on", "Last Updated:", "Published at".
_DATELINE_WORDS = {
    "posted", "published", "updated", "last", "first", "modified", "date", "dated", "on", "at", "|", "-",
    "et", "pt", "ct", "edt", "est", "gmt", "utc", "am", "pm", "a.m.", "p.m.", "time", "created",
} | _WEEKDAYS
# Publication years outside this range are misread numbers ("3011 Main Street"), not dates of a news page.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# A date line is short: "AFP | Last Updated: Friday, June 16, 2017 - 18:46" is 11 words.
DATELINE_MAX_WORDS = 14
_DATELINE_PREFIX = re.compile(r"^\W*(posted|published|updated|last updated|first published|date)\b", re.IGNORECASE)
# Leftover words a date line may carry that are not date words: an agency tag like "AFP" in "AFP| Updated ...".
DATELINE_MAX_OTHER_WORDS = 1
# A byline line is short: name, affiliation, maybe a date and a one-line bio ("... are New York Times writers").
BYLINE_MAX_WORDS = 25
# A name is 2-6 tokens ("Jill Martin", "Rebecca R. Ruiz", "Alberto Montes de Oca"); more is prose.
NAME_MIN_TOKENS, NAME_MAX_TOKENS = 2, 6
# After the name a byline carries at most this many words (affiliation, bio) once dates are taken out.
BYLINE_MAX_REST_WORDS = 8
_BY = re.compile(r"^[\s\-–—•*|]*(?:(?:posted|written|story|reported|words|text)\s+)?by\b[:\s]*", re.IGNORECASE)
_NAME_CONNECTORS = {"and", "&", "de", "del", "da", "van", "von", "der", "den", "la", "le", "di", "bin", "al"}
# Lower-case words that may follow a name in a byline: a bio or an affiliation, not the rest of a sentence.
_BYLINE_REST_OK = {
    "is", "are", "was", "staff", "reporter", "reporters", "writer", "writers", "correspondent", "editor",
    "contributor", "and", "for", "at", "of", "in", "on", "updated", "published", "posted", "with", "via",
}
_TOKEN = re.compile(r"[^\s,;|]+|[,;|]")


@dataclass(frozen=True)
class Byline:
    """What a byline line gives: the author's name and, when present, the ISO date."""

    name: str | None
    date: str | None


def find_date(text: str) -> str | None:
    """The first full calendar date (day, month, year) in ``text`` as ISO, or None."""
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            iso = _to_iso(match)
            if iso and (best is None or match.start() < best[0]):
                best = (match.start(), iso)
            if iso:
                break
    return best[1] if best else None


def _to_iso(match: re.Match[str]) -> str | None:
    """ISO date of a date-pattern match; None when the numbers are not a real date or an implausible year."""
    groups = match.groupdict()
    month = _MONTHS[groups["mon"].lower()] if groups.get("mon") else int(groups["m"])
    try:
        year, day = int(groups["y"]), int(groups["d"])
        if not FIRST_YEAR <= year <= LAST_YEAR:  # a number like 3011 is not a publication year
            return None
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _strip_dates(text: str) -> str:
    """The text with dates and times taken out."""
    for pattern in _DATE_PATTERNS:
        text = pattern.sub(" ", text)
    return _TIME.sub(" ", text)


def parse_dateline(text: str) -> str | None | bool:
    """For a line that is only a date/time ("Posted Sep 19, 2017", "3:08 PM ET"): its ISO date, or True
    when it is a date line without a full date; False when the line is something else."""
    if "(@" in text or len(text.split()) > DATELINE_MAX_WORDS:  # "(@handle)": an embedded post's attribution
        return False
    found = find_date(text)
    rest = _strip_dates(text)
    had_time = rest != text and found is None
    words = [w for w in re.split(r"[\s,:|()\[\]]+", rest.lower()) if w and w not in _DATELINE_WORDS]
    words = [w for w in words if not w.strip(".-–—").isdigit() and w.strip(".-–—")]
    prefixed = bool(_DATELINE_PREFIX.match(text))
    if found is None and not (had_time or prefixed):
        return False
    if len(words) > DATELINE_MAX_OTHER_WORDS:
        return False
    return found if found else True


def parse_byline(text: str) -> Byline | None:
    """A :class:`Byline` when the whole line is a byline ("By Jane Doe, Associated Press"), else None."""
    match = _BY.match(text)
    if not match or len(text.split()) > BYLINE_MAX_WORDS:
        return None
    rest = text[match.end():]
    if not rest.strip():
        return Byline(None, None)  # a lone "By": the name was lost in extraction
    name: list[str] = []
    end = 0  # where the name ends in ``rest``
    for tok_match in _TOKEN.finditer(rest):
        tok = tok_match.group()
        low = tok.lower().rstrip(".")
        if low in _MONTHS or low in _WEEKDAYS or tok[0].isdigit():
            break
        if tok in (",", ";", "|"):
            if name and name[-1].lower() != "and":
                break
            continue
        if (low in _NAME_CONNECTORS and name) or _is_name_token(tok):
            name.append(tok)
            end = tok_match.end()
            continue
        break
    while name and name[-1].lower() in _NAME_CONNECTORS:
        name.pop()
    single = _undouble(name)
    if len(single) < len(name):  # the doubled name: the rest starts after both copies
        name = single
    if not NAME_MIN_TOKENS <= len(name) <= NAME_MAX_TOKENS or name[0].lower() in ("the", "a", "an"):
        return None  # "By The Associated Press" is an agency credit, not a person
    tail_words = [w for w in re.split(r"[\s,;|]+", _strip_dates(rest[end:])) if w.strip("-–—.:")]
    if len(tail_words) > BYLINE_MAX_REST_WORDS:
        return None
    if tail_words and tail_words[0][0].islower() and tail_words[0].lower() not in _BYLINE_REST_OK:
        return None  # "By Election Day the city had ...": a sentence, not a byline
    return Byline(_title_name(" ".join(name)), find_date(rest))


def _is_name_token(tok: str) -> bool:
    """True for a capitalised name word or initial ("Jane", "R.", "O'Toole", "DOE"), not a possessive."""
    if tok.endswith(("'s", "’s")) or not tok[0].isupper():
        return False
    return bool(re.fullmatch(r"[A-Z][A-Za-z'’\-]*\.?|[A-Z]\.(?:[A-Z]\.)*", tok))


def _undouble(name: list[str]) -> list[str]:
    """A name written twice in a row ("Ann Lee and Bo Li Ann Lee and Bo Li ...") once; else unchanged."""
    for size in range(NAME_MIN_TOKENS, len(name) // 2 + 1):
        if name[:size] == name[size : 2 * size]:
            return name[:size]
    return name


def _title_name(name: str) -> str:
    """An all-capitals name ("JANE DOE") in title case; any other name unchanged."""
    return name.title() if name.isupper() else name
