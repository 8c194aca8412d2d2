"""Timeline: the dated events of a story and of a storyline, merged across the outlets that report them.

An event is a sentence that states what happened on a resolved date (from the extract stage's DateMentions):
dates of day, month or season granularity, in a sentence that reads as an event (a past-tense or event verb,
not a question, not mostly a direct quote). The same event reported by several outlets (same date, similar
sentence) becomes one :class:`TimelineEntry` citing all of them; duplicates (``duplicate_of`` set) count once.

Example:
    >>> from storyline.model import Article, DateMention, Paragraph, Span
    >>> a = Article(id="a", published="2018-01-25",
    ...             paragraphs=[Paragraph("The judge blocked the grant rule on Wednesday.")])
    >>> a.dates = [DateMention("a", Span(36, 45), "Wednesday", "2018-01-24", "day", sentence=Span(0, 46))]
    >>> [(e.date, e.sources) for e in story_timeline([a])]
    [('2018-01-24', ['a'])]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .model import Article, DateMention, Span, Story, TimelineEntry
from .text.attachment import continues_apposition
from .text.datelines import DATED_DATELINE, DATELINE
from .text.lexicon import load
from .text.similarity import dice
from .text.words import STOP_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

    from .context import RunContext
    from .store import Store

GRAN_RANK = {"day": 0, "month": 1, "season": 2, "year": 3, "decade": 4}
EVENT_GRANULARITIES = {"day", "month", "season"}
# A year-dated event ("In 2015 the city passed ...") enters only when nothing finer is said of it: a year is a
# coarse place on a timeline, and "last year" recaps mostly retell what finer-dated entries already say.
YEAR_GRANULARITIES = {"year"}
YEAR_PENALTY = 0.8  # score taken off a year-dated event, so the day's own events rank first
SIMILARITY = 0.3  # word-overlap (Dice) of two event sentences on the same date above which they are one event
MAX_PER_DATE = 3  # entries kept per date: the most widely reported events of that day
MOSTLY_QUOTED = 0.5  # share of a sentence inside direct quotes above which it is mostly a quote
LEADING_CHARS = 3  # a date this close to its sentence's start leads it ("In 2015, ...", a quote mark before)
SENTENCE_ENDS = (".", "!", "\"", "\u201d", "'", "\u2019", ")")  # how a written sentence ends; a headline does not
MIN_WORDS, MAX_WORDS = 6, 70  # shorter sentences are fragments (date lines), longer ones run-ons


def _words(text: str) -> set[str]:
    """Content words of a sentence, lowercased."""
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS and len(w) > 2}  # noqa: PLR2004 - one- and two-letter tokens are initials and contractions


def similarity(a: str, b: str) -> float:
    """Dice overlap of the content words of two sentences."""
    return dice(_words(a), _words(b))


# A year-dated event must say when in so many words ("in 2012", "last year", "earlier this year"); "since 1908",
# "fiscal 2016", "the 2016 Finals" or "all of 2016" name a year without dating an event.
_YEAR_EVENT = re.compile(
    r"^(?:in|In|during|During)\s+(?:early\s+|late\s+)?(?:19|20)\d\d$"
    r"|\b(?:last|this|earlier this|later this) year\b|\byears? ago\b",
    re.IGNORECASE,
)
# A yearly statistic ("accounted for 9 percent of revenue last year", "ridership fell 4% last year") is a recap
# of a number, not an event that happened at some point of that year.
_STAT = re.compile(r"\b(?:percent|per cent|average[ds]?|accounted|totall?ed|amounted)\b|%", re.IGNORECASE)
_FUTURE = re.compile(
    r"\b(?:will|would|expected|expects|plans?|scheduled|set to|due to|could|may|might)\b", re.IGNORECASE
)
# A week named relative to the article ("last week", "this week") has no day: never an event date.
_WEEK = re.compile(r"\bweek(?:end)?\b", re.IGNORECASE)
_STATE = re.compile(r"\bas of\s*$", re.IGNORECASE)  # "shares outstanding as of April 9": a state, not an event
_ANNIVERSARY = re.compile(r"\banniversary\b", re.IGNORECASE)
# A sentence whose main verb reports, plans or states ("officials say", "the vote is set for", "roads remain
# closed") is news prose, not a photo caption: the speech verbs (text/lexicons/speech_verbs.txt) and these.
_NOT_A_SCENE = load("speech_verbs") | {"show", "expect", "schedule", "set", "plan", "due", "remain", "be"}


def is_caption(text: str, doc_sentence: DocSpan | None = None) -> bool:
    """True for a photo caption or list fragment, not a news sentence: a bullet, or a present-tense scene with
    a date ("Rescuers search the rubble Wednesday", "A ladder is raised ... on Sept. 21, 2017")."""
    if text[:1] in "\u2022\u25cf*\u00b7\u25aa>":
        return True
    if doc_sentence is None:
        return False
    root = doc_sentence.root
    aux = {c.lower_ for c in root.children if c.dep_ in ("aux", "auxpass")}
    if root.lemma_.lower() in _NOT_A_SCENE or aux & {
        "will",
        "'ll",
        "\u2019ll",
        "would",
        "can",
        "could",
        "may",
        "might",
        "has",
        "have",
        "had",
        "was",
        "were",
    }:
        return False
    if root.tag_ in ("VBZ", "VBP"):
        return True  # "Customers shop at a store, Monday, Aug. 28, 2017"; "Rizzo celebrates in the dugout"
    if root.tag_ == "VBN" and aux & {"is", "are"}:
        return True  # "A ladder is raised to search ..."
    return root.tag_ == "VBG" and not aux  # "Rescuers searching for survivors Thursday"


def _tells_the_past(sentence: Iterable[Token] | None) -> bool:
    """True when a parsed sentence tells something past: a verb in the past tense (Penn tag VBD: "sued", "was
    arrested") or the present perfect news reports with ("has sued": a participle with "have"). Without a parse,
    nothing is known of its tense."""
    if sentence is None:
        return False
    return any(
        t.tag_ == "VBD" or (t.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in t.children))
        for t in sentence
    )


def _dates_main_clause(doc: Doc | None, date: Span, sent: Span) -> bool:
    """True when a date belongs to the sentence's main verb ("Last year, the city sued"), not to a side clause
    ("an era that began with a title last year"); without a parse, only a date leading the sentence does."""
    if doc is None:
        return date.start - sent.start <= LEADING_CHARS
    span = doc.char_span(date.start, date.end, alignment_mode="expand")
    if span is None or continues_apposition(doc, date.start):
        return False  # "will pay $42, a premium to the closing price on Thursday": it dates the price
    tok = span.root
    for _ in range(8):
        if tok.head.i == tok.i:
            return True
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return _is_main_verb(tok)
    return False


_SPEECH = load("speech_verbs")


def _is_main_verb(verb: Token) -> bool:
    """True for the verb of a sentence's main clause: its root, a verb joined to it ("sued and won"), or the
    clause a root speech verb reports ("The plant closed Thursday, officials said": the news is the closing)."""
    for _ in range(3):
        head = verb.head
        if head.i == verb.i:
            return True
        if verb.dep_ == "conj" or (verb.dep_ in ("ccomp", "parataxis") and head.lemma_.lower() in _SPEECH):
            verb = head
            continue
        return False
    return False


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


def events_of(
    article: Article, doc: Doc | None = None, story_date: str | None = None
) -> list[tuple[TimelineEntry, float]]:
    """Candidate events of one article: (entry with this article as its only source, event score).

    ``doc`` (the article's parse, optional) lets photo captions be told apart by their present tense;
    ``story_date`` (its story's latest report) stands for an undated article's own date when years are compared
    (a past anniversary's date is not this event's).
    """
    out = []
    seen: set[int] = set()
    ref = (
        article.published
        or max((d.value for d in article.dates if d.value and d.anchor != "absolute"), default=None)
        or story_date
    )

    def rank(d: DateMention) -> tuple[int, int]:
        """Most precise first; among equals, the one nearest the article's own date (not a past anniversary)."""
        gap = abs(int((d.value or "0000")[:4]) - int(ref[:4])) if ref else 0
        return GRAN_RANK[d.granularity], gap

    dates = sorted((d for d in article.dates if d.value and d.sentence and d.anchor != "none"), key=rank)
    # a sentence whose main clause is dated by an expression left unplaced ("struck Tuesday" in an undated
    # article) has no known date: a full date in its side clauses ("the 1985 quake") is not its event's
    unplaced = {
        d.sentence.start
        for d in article.dates
        if d.value is None and d.sentence and _dates_main_clause(doc, d.span, d.sentence)
    }
    seen.update(unplaced)
    for d in dates:
        if (
            d.granularity not in EVENT_GRANULARITIES | YEAR_GRANULARITIES
            or d.sentence is None
            or d.sentence.start in seen
        ):
            continue
        if doc is not None and not _dates_main_clause(doc, d.span, d.sentence):
            # "sent a memo giving them until December 8", "a disaster that struck on Sept. 19, 1985": a date in
            # a side clause is mentioned in passing; the sentence reports its main clause's event
            continue
        if _WEEK.search(d.text) or _STATE.search(article.text[max(0, d.span.start - 8) : d.span.start]):
            seen.add(d.sentence.start)  # the sentence's own date has no day: its other dates are not the event's
            continue
        seen.add(d.sentence.start)  # one event per sentence, on its most precise date
        sent = _line_of(article.text, d.sentence, d.span)
        # "SAN JOSE (AP) \u2014 ", "HARWICK, Oct. 14 ": the dateline is not the event
        head = DATELINE.match(article.text, sent.start, sent.end) or DATED_DATELINE.match(
            article.text, sent.start, sent.end
        )
        if head:
            sent = Span(head.end(), sent.end)
        text = article.cut(sent)
        rest = (text[: d.span.start - sent.start] + text[d.span.end - sent.start :]).split()
        if len(rest) < MIN_WORDS or len(text.split()) > MAX_WORDS or text.rstrip().endswith("?"):
            continue
        if not text.rstrip().endswith(SENTENCE_ENDS):
            continue  # a headline or a teaser of another story stitched into the page ("Judge blocks grant rule
            # Tuesday"), not a sentence of this report
        if not text[:1].isupper() and not (text[:1] in "\"\u201c'\u2018" and text[1:2].isupper()):
            continue  # a fragment ("16, 2025-- Corvane ...", a cut-off line), not a sentence
        if text[:1] in "\"\u201c'\u2018" or _quoted_share(article, sent.start, sent.end) > MOSTLY_QUOTED:
            # mostly a quote: kept only when the reporter's own words before it tell the event
            first_quote = min(
                (q.span.start for q in article.quotes if q.kind == "direct" and sent.start <= q.span.start < sent.end),
                default=sent.start,
            )
            lead = article.text[sent.start : first_quote].replace(d.text, " ").split()
            if len(lead) < MIN_WORDS:
                continue
        if _ANNIVERSARY.search(text) and ref and d.value and abs(int(d.value[:4]) - int(ref[:4])) >= 1:
            continue  # "on the anniversary of the September 19, 1985 quake": the date is not this event's
        span_doc = doc.char_span(sent.start, sent.end, alignment_mode="expand") if doc is not None else None
        if is_caption(text, span_doc):
            continue
        past = _tells_the_past(span_doc)
        since = re.search(r"\bsince\b(?:\W+\w+){0,6}\W*$", article.text[sent.start : d.span.start], re.IGNORECASE)
        if d.granularity in YEAR_GRANULARITIES and (
            since
            or not _YEAR_EVENT.search(d.text)
            or not past
            or _FUTURE.search(text)
            or _STAT.search(text)
            or not _dates_main_clause(doc, d.span, sent)
        ):
            continue  # a year without an event verb, or one that does not date the sentence's event: background
        score = 1.0 + (0.5 if past else 0.0) + (0.5 if d.granularity == "day" else 0.0)
        score += 0.3 if d.anchor in ("published", "absolute") else 0.0
        score -= YEAR_PENALTY if d.granularity in YEAR_GRANULARITIES else 0.0
        entry = TimelineEntry(d.value or "", text, [article.id], d.granularity, article.id, sent)
        out.append((entry, score))
    return out


def merge_events(events: Sequence[tuple[TimelineEntry, float]]) -> list[TimelineEntry]:
    """Merge events with the same date and similar sentences; order by date, most cited first on a day."""
    clusters: list[tuple[TimelineEntry, float, set[str]]] = []
    for entry, score in sorted(events, key=lambda x: -x[1]):
        for rep, _, sources in clusters:
            if rep.date == entry.date and similarity(rep.text, entry.text) >= SIMILARITY:
                sources.update(entry.sources)
                break
        else:
            clusters.append((entry, score, set(entry.sources)))
    # a year-dated event enters only when no finer entry of the same year tells it
    finer = [c for c in clusters if c[0].granularity not in YEAR_GRANULARITIES]
    clusters = [
        c for c in clusters
        if c[0].granularity not in YEAR_GRANULARITIES
        or not any(f[0].date[:4] == c[0].date[:4] and similarity(f[0].text, c[0].text) >= SIMILARITY for f in finer)
    ]  # fmt: skip
    by_date: dict[str, list[tuple[TimelineEntry, float, set[str]]]] = {}
    for c in clusters:
        by_date.setdefault(c[0].date, []).append(c)
    out = []
    for date in sorted(by_date):
        ranked = sorted(by_date[date], key=lambda c: (-len(c[2]), -c[1]))[:MAX_PER_DATE]
        for rep, _, sources in ranked:
            out.append(TimelineEntry(rep.date, rep.text, sorted(sources), rep.granularity, rep.article, rep.span))
    return out


@dataclass
class ArticleEvents:
    """What the timeline reads once of one article: its candidate events (:func:`events_of`) and what its story's
    timeline needs of it besides (its dates of publication and report, whether it is a copy).

    An article with no date of its own (``story_bound``) is read against its story's latest report, of which only
    the year counts (:func:`events_of` compares years): ``story_year`` is the year its events were read against,
    and they are read again when the story's latest report falls in another year.
    """

    article: str
    published: str | None
    reported: str | None  # the day it was published, unless that date is suspect
    duplicate: bool
    story_bound: bool
    story_year: str | None
    events: list[tuple[TimelineEntry, float]]

    def to_json(self) -> str:
        """The facts as JSON text, for the store."""
        events = [[e.date, e.text, e.granularity, e.span.start if e.span else None,
                   e.span.end if e.span else None, score] for e, score in self.events]  # fmt: skip
        head = [self.article, self.published, self.reported, self.duplicate, self.story_bound, self.story_year]
        return json.dumps([*head, events])

    @classmethod
    def from_json(cls, text: str) -> ArticleEvents:
        """The facts from :meth:`to_json`."""
        aid, published, reported, duplicate, bound, year, events = json.loads(text)
        return cls(aid, published, reported, duplicate, bound, year, [
            (TimelineEntry(date, sent, [aid], gran, aid, Span(start, end) if start is not None else None), score)
            for date, sent, gran, start, end, score in events
        ])  # fmt: skip


def _year(date: str | None) -> str | None:
    """The year of an ISO date, None without one."""
    return date[:4] if date else None


def article_events(article: Article, doc: Doc | None = None, story_date: str | None = None) -> ArticleEvents:
    """What the timeline reads of one article and its parse (``doc``, optional), an article with no date of its own
    read against ``story_date`` (its story's latest report); a copy has no events of its own."""
    bound = not article.published and not any(d.value and d.anchor != "absolute" for d in article.dates)
    reported = article.published[:10] if article.published and "suspect_date" not in article.flags else None
    events = [] if article.is_duplicate else events_of(article, doc, story_date)
    year = _year(story_date) if bound else None
    return ArticleEvents(article.id, article.published, reported, article.is_duplicate, bound, year, events)


def latest_report(published: Iterable[str | None]) -> str | None:
    """A story's latest report: the latest publication date of its articles."""
    return max((p for p in published if p), default=None)


def story_timeline(articles: Sequence[Article], docs: Mapping[str, Doc] | None = None) -> list[TimelineEntry]:
    """The timeline of one story from its extracted articles (duplicates count once); ``docs`` by article id."""
    docs = docs or {}
    latest = latest_report(a.published for a in articles)
    return timeline_of([article_events(a, docs.get(a.id), latest) for a in articles])


def stale(facts: ArticleEvents, latest: str | None) -> bool:
    """True when an article's facts were read against another year than its story's latest report's (a story-bound
    article's events must be read again)."""
    return facts.story_bound and facts.story_year != _year(latest)


def timeline_of(facts: Sequence[ArticleEvents]) -> list[TimelineEntry]:
    """:func:`story_timeline` from what was read of each article (:func:`article_events`), each read against the
    story's latest report (none :func:`stale`)."""
    events = [ev for f in facts if not f.duplicate for ev in f.events]
    entries = merge_events(events)
    published = {f.article: f.reported for f in facts if f.reported}
    for e in entries:  # report time beside event time
        days = sorted(published[x] for x in e.sources if x in published)
        e.first_reported, e.last_reported = (days[0], days[-1]) if days else (None, None)
    return entries


def storyline_timeline(stories: Sequence[Story]) -> list[TimelineEntry]:
    """A storyline's timeline: its stories' entries, merged again across stories, in date order."""
    events = [(e, float(len(e.sources))) for s in stories for e in s.timeline]
    entries = merge_events(events)
    for e in entries:  # an entry was reported when the story entries merged into it were
        parts = [x for x, _ in events if x.date == e.date and set(x.sources) <= set(e.sources)]
        firsts = [x.first_reported for x in parts if x.first_reported]
        lasts = [x.last_reported for x in parts if x.last_reported]
        e.first_reported, e.last_reported = min(firsts, default=None), max(lasts, default=None)
    return entries


def by_report(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """The entries in the order they were first reported (then by event date); unreported ones last."""
    return sorted(entries, key=lambda e: (e.first_reported is None, e.first_reported or "", e.date))


def run(ctx: RunContext) -> None:
    """Pipeline stage: rebuild the timeline of every touched story (all when none) and of their storylines."""
    store = ctx.store
    everything = not ctx.touched_stories and not ctx.touched_storylines
    ids = store.all_story_ids() if everything else sorted(ctx.touched_stories)
    if not ids and not ctx.touched_storylines:
        return
    stories = _story_parts(store, ids, "articles")  # a story's timeline is read from its articles only
    todo = list(stories.values())
    weights = [len(s.articles) for s in todo]
    read: dict[str, str] = {}
    for story, (timeline, new) in zip(
        todo, ctx.map_stories(_timeline_batch, todo, sum(weights), weights), strict=True
    ):
        story.timeline = timeline
        read.update(new)
    lines = []
    for line in store.storylines_holding(stories, also=ctx.touched_storylines):  # not every storyline
        others = _story_parts(store, [sid for sid in line.stories if sid not in stories], "timeline")
        line.timeline = storyline_timeline([stories[sid] if sid in stories else others[sid] for sid in line.stories])
        lines.append(line)
    with store.transaction():
        store.put_facts(FACTS, read)
        store.set_story_parts({s.id: {"timeline": [e.to_dict() for e in s.timeline]} for s in todo})
        store.put_stories([], lines)


def _story_parts(store: Store, ids: Sequence[str], name: Literal["articles", "timeline"]) -> dict[str, Story]:
    """Stories by id with only their articles or their timeline read (a story stored under another id, merged
    into it, is read whole)."""
    parts = store.get_story_parts(ids, (name,))
    out = {}
    for sid in ids:
        if sid not in parts:
            out[sid] = store.get_story(sid)
        elif name == "articles":
            out[sid] = Story(id=sid, articles=parts[sid]["articles"])
        else:
            out[sid] = Story(id=sid, timeline=[TimelineEntry.from_dict(e) for e in parts[sid]["timeline"]])
    return out


# The store's name for the timeline's per-article facts (:class:`ArticleEvents`).
FACTS = "timeline"


def _timeline_batch(ctx: RunContext, stories: list[Story]) -> list[tuple[list[TimelineEntry], dict[str, str]]]:
    """The timeline of each story from its articles' kept facts, with the facts of the articles read and parsed
    for it (those the store kept none of) to keep (per-story work, run by
    :meth:`storyline.context.RunContext.map_stories` here or on a worker)."""
    out = []
    for story in stories:
        kept = {aid: ArticleEvents.from_json(text) for aid, text in ctx.store.get_facts(FACTS, story.articles).items()}
        arts = {a.id: a for a in ctx.articles(aid for aid in story.articles if aid not in kept)}
        latest = latest_report([*(f.published for f in kept.values()), *(a.published for a in arts.values())])
        # an undated article read against another year than the story's latest report's is read again
        arts.update((a.id, a) for a in ctx.articles(aid for aid, f in kept.items() if stale(f, latest)))
        # the parse tells captions apart, if there is one
        docs = ctx.docs(a.id for a in arts.values() if not a.is_duplicate)
        new = {aid: article_events(a, docs.get(aid), latest) for aid, a in arts.items()}
        facts = [new[aid] if aid in new else kept[aid] for aid in story.articles if aid in new or aid in kept]
        out.append((timeline_of(facts), {aid: f.to_json() for aid, f in new.items()}))
    return out


def shown_date(date: str, granularity: str) -> str:
    """A date as precise as it is known: "2018-01-24", "2017-09" for a month or season, "2017" for a year.

    >>> shown_date("2017-09-01", "month"), shown_date("2017-01-01", "year"), shown_date("2018-01-24", "day")
    ('2017-09', '2017', '2018-01-24')
    """
    if granularity in ("month", "season"):
        return date[:7]
    return date[:4] if granularity in ("year", "decade") else date


def format_timeline(entries: Sequence[TimelineEntry]) -> list[str]:
    """Plain lines for the CLI: "2018-01-24  text  [sources]" (month/season dates shown as such)."""
    return [f"{shown_date(e.date, e.granularity):<10}  {e.text}  [{', '.join(e.sources)}]" for e in entries]


__all__ = [
    "ArticleEvents",
    "article_events",
    "by_report",
    "format_timeline",
    "merge_events",
    "run",
    "shown_date",
    "stale",
    "story_timeline",
    "storyline_timeline",
    "timeline_of",
]
