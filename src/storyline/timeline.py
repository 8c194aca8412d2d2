"""Timeline: the dated events of a story and of a storyline, merged across the outlets that report them.

An event is a sentence that states what happened on a resolved date (from the extract stage's DateMentions):
dates of day, month or season granularity, in a sentence that reads as an event (a past-tense or event verb,
not a question, not mostly a direct quote). The same event reported by several outlets (same date, similar
sentence) becomes one :class:`TimelineEntry` citing all of them; duplicates (``duplicate_of`` set) count once.

Example:
    >>> from storyline.model import Article, DateMention, Paragraph, Span
    >>> a = Article(id="a", published="2018-01-25", paragraphs=[Paragraph("The judge blocked the grant rule on Wednesday.")])
    >>> a.dates = [DateMention("a", Span(36, 45), "Wednesday", "2018-01-24", "day", sentence=Span(0, 46))]
    >>> [(e.date, e.sources) for e in story_timeline([a])]
    [('2018-01-24', ['a'])]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .model import Article, DateMention, Span, Story, TimelineEntry

if TYPE_CHECKING:
    from .pipeline import RunContext

GRAN_RANK = {"day": 0, "month": 1, "season": 2, "year": 3, "decade": 4}
EVENT_GRANULARITIES = {"day", "month", "season"}  # a year is too coarse to place an event on a timeline
SIMILARITY = 0.3  # word-overlap (Dice) of two event sentences on the same date above which they are one event
MAX_PER_DATE = 3  # entries kept per date: the most widely reported events of that day
MIN_WORDS, MAX_WORDS = 6, 70  # shorter sentences are fragments (date lines), longer ones run-ons
_STOP = {
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "and", "or", "but", "that", "this",
    "these", "those", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its", "he", "she",
    "they", "his", "her", "their", "said", "says", "will", "would", "could", "from", "as", "after", "before",
    "about", "over", "than", "which", "who",
}  # fmt: skip
_PAST = re.compile(r"\b\w+ed\b|\b(?:said|told|won|lost|sent|began|took|gave|made|met|led|ran|hit|struck|"
                   r"fell|rose|sold|bought|paid|went|came|left|held|found|brought|sued|issued|signed|ruled|"
                   r"announced|agreed|killed|became|threatened|blocked)\b", re.IGNORECASE)  # fmt: skip


def _words(text: str) -> set[str]:
    """Content words of a sentence, lowercased."""
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


def similarity(a: str, b: str) -> float:
    """Dice overlap of the content words of two sentences."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def _quoted_share(art: Article, start: int, end: int) -> float:
    """Share of a sentence inside direct quotes."""
    inside = sum(max(0, min(end, q.span.end) - max(start, q.span.start)) for q in art.quotes if q.kind == "direct")
    return inside / max(1, end - start)


def _line_of(text: str, sentence: Span, date: Span) -> Span:
    """The line of a sentence that holds the date: a "sentence" running over a line break (a date line glued
    to the lead) is cut to its own line."""
    start = text.rfind("\n", sentence.start, date.start) + 1 or sentence.start
    end = text.find("\n", date.end, sentence.end)
    return Span(max(start, sentence.start), end if end != -1 else sentence.end)


def events_of(article: Article) -> list[tuple[TimelineEntry, float]]:
    """Candidate events of one article: (entry with this article as its only source, event score)."""
    out = []
    seen: set[int] = set()
    ref = article.published or max((d.value for d in article.dates if d.value and d.anchor != "absolute"), default=None)

    def rank(d: DateMention) -> tuple[int, int]:
        """Most precise first; among equals, the one nearest the article's own date (not a past anniversary)."""
        gap = abs(int((d.value or "0000")[:4]) - int(ref[:4])) if ref else 0
        return GRAN_RANK[d.granularity], gap

    dates = sorted((d for d in article.dates if d.value and d.sentence and d.anchor != "none"), key=rank)
    for d in dates:
        if d.granularity not in EVENT_GRANULARITIES or d.sentence is None or d.sentence.start in seen:
            continue
        seen.add(d.sentence.start)  # one event per sentence, on its most precise date
        sent = _line_of(article.text, d.sentence, d.span)
        text = article.cut(sent)
        rest = (text[: d.span.start - sent.start] + text[d.span.end - sent.start :]).split()
        if len(rest) < MIN_WORDS or len(text.split()) > MAX_WORDS or text.rstrip().endswith("?"):
            continue
        if _quoted_share(article, sent.start, sent.end) > 0.5:
            continue
        score = 1.0 + (0.5 if _PAST.search(text) else 0.0) + (0.5 if d.granularity == "day" else 0.0)
        score += 0.3 if d.anchor in ("published", "absolute") else 0.0
        entry = TimelineEntry(d.value or "", text, [article.id], d.granularity, article.id, sent)
        out.append((entry, score))
    return out


def merge_events(events: Sequence[tuple[TimelineEntry, float]]) -> list[TimelineEntry]:
    """Merge events with the same date and similar sentences; order by date, most cited first on a day."""
    clusters: list[tuple[TimelineEntry, float, set[str]]] = []
    for entry, score in sorted(events, key=lambda x: -x[1]):
        for k, (rep, rscore, sources) in enumerate(clusters):
            if rep.date == entry.date and similarity(rep.text, entry.text) >= SIMILARITY:
                sources.update(entry.sources)
                break
        else:
            clusters.append((entry, score, set(entry.sources)))
    by_date: dict[str, list[tuple[TimelineEntry, float, set[str]]]] = {}
    for c in clusters:
        by_date.setdefault(c[0].date, []).append(c)
    out = []
    for date in sorted(by_date):
        ranked = sorted(by_date[date], key=lambda c: (-len(c[2]), -c[1]))[:MAX_PER_DATE]
        for rep, _, sources in ranked:
            out.append(TimelineEntry(rep.date, rep.text, sorted(sources), rep.granularity, rep.article, rep.span))
    return out


def story_timeline(articles: Sequence[Article]) -> list[TimelineEntry]:
    """The timeline of one story from its extracted articles (duplicates count once)."""
    events = [ev for a in articles if not a.is_duplicate for ev in events_of(a)]
    return merge_events(events)


def storyline_timeline(stories: Sequence[Story]) -> list[TimelineEntry]:
    """A storyline's timeline: its stories' entries, merged again across stories, in date order."""
    events = [(e, float(len(e.sources))) for s in stories for e in s.timeline]
    return merge_events(events)


def run(ctx: RunContext) -> None:
    """Pipeline stage: rebuild the timeline of every touched story (all when none) and of their storylines."""
    store = ctx.store
    ids = sorted(ctx.touched_stories) if ctx.touched_stories else [s.id for s in store.iter_stories()]
    if not ids:
        return
    stories = {}
    for sid in ids:
        story = store.get_story(sid)
        story.timeline = story_timeline(list(store.iter_articles(story.articles)))
        stories[sid] = story
    lines = []
    for line in store.iter_storylines():
        if not any(sid in stories for sid in line.stories):
            continue
        members = [stories[sid] if sid in stories else store.get_story(sid) for sid in line.stories]
        line.timeline = storyline_timeline(members)
        lines.append(line)
    store.put_stories(list(stories.values()), lines)


def format_timeline(entries: Sequence[TimelineEntry]) -> list[str]:
    """Plain lines for the CLI: "2018-01-24  text  [sources]" (month/season dates shown as such)."""
    out = []
    for e in entries:
        date = e.date[:7] if e.granularity in ("month", "season") else e.date[:4] if e.granularity in ("year", "decade") else e.date
        out.append(f"{date:<10}  {e.text}  [{', '.join(e.sources)}]")
    return out


__all__ = ["format_timeline", "merge_events", "run", "story_timeline", "storyline_timeline"]
