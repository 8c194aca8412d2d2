"""What a brief sentence says beyond its words: the names, figures and dates in it, whether it recaps background,
and the date of the event it reports (from extraction's date mentions, else its text)."""

from __future__ import annotations

import datetime as dt
import re

from ..model import DateMention, Granularity
from ..text.words import numbers
from .sentences import Candidate

# A sentence dated more than two weeks before its article recaps earlier events ("Last fall, two judges
# blocked..."): outlets repeat such background, which makes it look central, but the brief is about the news.
BACKGROUND_DAYS = 14

MONTH = re.compile(
    r"\b(Jan(uary)?|Feb(ruary)?|March|April|May|June|July|Aug(ust)?|Sept?(ember)?|Oct(ober)?|Nov(ember)?|"
    r"Dec(ember)?|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|(19|20)\d\d)\b"
)


# "this week", "next month": resolved to a day by the timeline, but they do not say which day, so they do not
# move a sentence in the reading order.
VAGUE_DAY = re.compile(r"\b(week|weekend|month|year|season|fall|spring|summer|winter)\b", re.IGNORECASE)


# A year ("since 2002") in a sentence dates background; it is not a new figure that makes a restatement news.
YEAR = re.compile(r"(1[89]|20)\d\d")


def names_in(text: str, first: bool = False) -> set[str]:
    """Capitalised words (after the first unless ``first``): the names (people, places, days) a sentence mentions.

    A name is its bare word: "Corvane.com", "Corvane's" and "Corvane" are one name.
    """
    words = text.split() if first else text.split()[1:]
    out = set()
    for w in words:
        if w[:1].isupper():
            bare = re.split(r"[.\u2019']", w.strip(",;:!\"()\u201c\u201d"), maxsplit=1)[0]
            if bare:
                out.add(bare)
    return out


def informativeness(c: Candidate) -> float:
    """How concrete a sentence is: entity mentions, figures and dates in it (from extraction, else the text)."""
    art, s, e = c.article, c.span.start, c.span.end
    inside = [m for m in art.mentions if s <= m.span.start < e]
    figs = [f for f in art.figures if s <= f.span.start < e]
    dates = [d for d in art.dates if s <= d.span.start < e]
    if art.mentions or art.figures or art.dates:
        n_ent, n_fig, n_date = len(inside), len(figs), len(dates)
    else:
        words = c.text.split()
        n_ent = sum(1 for w in words[1:] if w[:1].isupper())
        n_fig = len(numbers(c.text))
        n_date = len(MONTH.findall(c.text))
    # six "units" of content make a fully informative sentence; a figure counts double (it is what readers
    # look for and what outlets disagree on)
    return min(1.0, (n_ent + 2 * n_fig + n_date) / 6.0)


def is_background(c: Candidate, story_date: str | None) -> bool:
    """True when a sentence reports something dated well before its article (a recap, not the news)."""
    anchor = c.article.published or story_date
    if not anchor:
        return False
    try:
        cutoff = (dt.date.fromisoformat(anchor[:10]) - dt.timedelta(days=BACKGROUND_DAYS)).isoformat()
    except ValueError:
        return False
    s, e = c.span.start, c.span.end
    return any(d.value and d.value < cutoff for d in c.article.dates if s <= d.span.start < e)


def dated_lead(c: Candidate, first_day: str | None) -> bool:
    """True when a sentence dates what it reports to the story's first day (or the days just before it)."""
    if first_day is None:
        return False
    try:
        earliest = (dt.date.fromisoformat(first_day) - dt.timedelta(days=BACKGROUND_DAYS)).isoformat()
    except ValueError:
        return False
    s, e = c.span.start, c.span.end
    return any(
        d.value and d.granularity == "day" and not VAGUE_DAY.search(d.text) and earliest <= d.value <= first_day
        for d in c.article.dates
        if s <= d.span.start < e
    )


def date_of(c: Candidate) -> str | None:
    """The resolved date of the event a sentence reports (the first day-precise date in it, else any)."""
    found = dates_in(c)
    return found[0].value if found else None


def granularity_of(c: Candidate) -> Granularity:
    """The granularity of :func:`date_of`'s date ("day" when there is none)."""
    found = dates_in(c)
    return found[0].granularity if found else "day"


def dates_in(c: Candidate) -> list[DateMention]:
    """The resolved dates of a sentence, day-precise ones first, then in text order."""
    s, e = c.span.start, c.span.end
    found = [d for d in c.article.dates if d.value and s <= d.span.start < e]
    found.sort(key=lambda d: (d.granularity != "day", d.span.start))
    return found
