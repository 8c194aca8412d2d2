"""The dates of a brief sentence: the event it reports (:func:`date_of`), whether it recaps earlier events
(:func:`is_background`) and whether a lead dates its event to the story's first day (:func:`dated_lead`).

Example:
    >>> from storyline.model import Article, DateMention, Paragraph, Span
    >>> from storyline.brief.sentences import Candidate
    >>> art = Article(id="a", published="2024-03-09", paragraphs=[Paragraph("The bridge closed on Monday.")],
    ...               dates=[DateMention(article="a", text="Monday", span=Span(20, 26), value="2024-03-04")])
    >>> c = Candidate(art, Span(0, 28), art.text, "a", 0, 0, True)
    >>> date_of(c), is_background(c, None), dated_lead(c, "2024-03-04")
    ('2024-03-04', False, True)
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import DateMention, Granularity
from .sentences import Candidate

# A sentence dated more than two weeks before its article recaps earlier events; a lead dated up to that long before
# the story's first day still dates the event.
BACKGROUND_DAYS = 14
# "this week", "next month": resolved to a day by the timeline, but they do not say which day, so they do not
# move a sentence in the reading order.
VAGUE_DAY = re.compile(r"\b(week|weekend|month|year|season|fall|spring|summer|winter)\b", re.IGNORECASE)


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
