"""Contradictions of a story's main event that are not figures: outlets dating one event to different days, and
outlets saying the same person met exclusive outcomes ("fired" against "resigned", "convicted" against
"acquitted").

Both are read from the parse: the verb a date phrase or an outcome verb hangs on, and that verb's subject, say
what the date or the outcome is about; two outlets disagree only about the same verb of the same subject. A
syndicated copy is one source with the article it copies.

Example:
    >>> from storyline.model import Article, Paragraph
    >>> def art(aid, text):
    ...     return Article(id=aid, paragraphs=[Paragraph(text)], published="2025-11-22")
    >>> date_conflicts([art("a", "No parse, no reading.")], {})
    []
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..model import Article, Claim
from ..text.lexicon import load
from .sources import source_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# A date is compared only when written as a calendar date (a month and a day: "Nov. 20", "November 20, 2025"):
# a weekday or "yesterday" is resolved against each outlet's own publication day, which can differ for one event.
_CALENDAR = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2} (Jan|Feb|Mar|Apr|May|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b"
)
# Two outlets dating one event a few days apart disagree about it; dates further apart on the same verb are
# usually two events (a ruling and the appeal of it, a filing and a hearing). A week: the spread of the
# reporting of one news event (most outlets report it within days).
MAX_DATE_GAP_DAYS = 7
# Outcome verbs by lemma (text/lexicons/exclusive_outcomes.txt: "lemma | outcome").
OUTCOMES: dict[str, str] = {
    verb.strip(): outcome.strip()
    for verb, outcome in (entry.split("|", 1) for entry in load("exclusive_outcomes") if "|" in entry)
}
# An outcome verb under one of these is not the outcome reported ("was forced to resign", "refused to quit",
# "asked him to step down", "threatened to fire"): the pressure or refusal is.
_GOVERNED = frozenset({"force", "ask", "urge", "pressure", "refuse", "threaten", "call", "demand", "decline", "want"})
_SUBJECTS = ("nsubj", "nsubjpass", "nsubj:pass")
# An outcome verb with an infinitive marker or a modal ("to resign", "will step down", "could be fired") tells
# of an intended, asked or possible outcome, not of the one that happened.
_UNREAL = frozenset({"to", "will", "would", "may", "might", "could", "should", "must", "can"})


def _verb_of(tok: Token) -> Token | None:
    """The verb a token hangs on (itself when it is one)."""
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:  # spaCy makes a new Token each access
        tok = tok.head
    return tok if tok.pos_ in ("VERB", "AUX") else None


def _subject(verb: Token) -> str:
    """The last word of a verb's subject, lower case ("The Supreme Court ruled" -> "court"), or ""."""
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return child.text.lower()
    return ""


def _record(value: str, texts: list[str], arts: list[Article], src: Mapping[str, str]) -> dict[str, Any]:
    """One reported value: its wording, sources, outlets and independent count."""
    return {
        "value": value,
        "text": max(set(texts), key=texts.count),
        "sources": list(dict.fromkeys(a.id for a in arts)),
        "outlets": list(dict.fromkeys(a.outlet or a.id for a in arts)),
        "independent": len({src[a.id] for a in arts}),
        "as_of": min((a.published for a in arts if a.published), default=None),
    }


# A parse's answer for one calendar date of an article: (verb lemma, the verb's subject, ISO date, date as written).
DateKey = tuple[str, str, str, str]
# An outcome verb of a parse: (person, outcome, verb as written).
Outcome = tuple[str, str, str]


def date_keys(art: Article, doc: Doc) -> list[DateKey]:
    """The calendar dates of one parsed article with the verb and subject each dates, in the article's order."""
    out = []
    for d in art.dates:
        if d.granularity != "day" or not d.value or not _CALENDAR.search(d.text):
            continue
        span = doc.char_span(d.span.start, d.span.end, "expand")
        verb = _verb_of(span.root) if span is not None and len(span) else None
        if verb is None or not _subject(verb):
            continue
        out.append((str(verb.lemma_).lower(), _subject(verb), d.value, d.text))
    return out


def date_conflicts(articles: Sequence[Article], docs: Mapping[str, Doc]) -> list[Claim]:
    """The story's events dated to different days by different independent outlets, one row each."""
    keys = [date_keys(art, doc) if (doc := docs.get(art.id)) is not None else [] for art in articles]
    return date_conflicts_of(articles, keys)


def date_conflicts_of(articles: Sequence[Article], keys: Sequence[Sequence[DateKey]]) -> list[Claim]:
    """:func:`date_conflicts` from each article's :func:`date_keys` (empty for an article without a parse)."""
    src = source_of(articles)
    # (verb lemma, subject) -> date -> [(article, text)]
    seen: dict[tuple[str, str], dict[str, list[tuple[Article, str]]]] = {}
    for art, found in zip(articles, keys, strict=True):
        for lemma, subject, value, text in found:
            seen.setdefault((lemma, subject), {}).setdefault(value, []).append((art, text))
    out = []
    for (lemma, subject), by_date in seen.items():
        if len(by_date) < 2:  # noqa: PLR2004 - a conflict needs two dates
            continue
        days = sorted(by_date)
        first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
        groups = [{src[a.id] for a, _ in by_date[day]} for day in days]
        # only outlets that give one date: an article dating the filing and the ruling gives two events
        if (last - first).days > MAX_DATE_GAP_DAYS or any(g & h for i, g in enumerate(groups) for h in groups[i + 1 :]):
            continue
        values = [_record(day, [t for _, t in by_date[day]], [a for a, _ in by_date[day]], src) for day in days]
        values.sort(key=lambda v: -v["independent"])
        out.append(Claim(subject=f"date: {subject} {lemma}", values=values, kind="date", status="conflict",
                         predicate=lemma))  # fmt: skip
    return out


def _outcome_person(verb: Token) -> str:
    """The person an outcome verb befalls: its object ("fired Smith"), passive subject ("Smith was fired") or
    subject ("Smith resigned"), when the parse tags it a person (last word, lower case)."""
    for dep in ("dobj", "obj", "nsubjpass", "nsubj:pass", "nsubj"):
        for child in verb.children:
            if child.dep_ != dep:
                continue
            # the person named in the phrase ("director Anna Kovacs"), not in a clause inside it
            names = [t for t in child.subtree if t.ent_type_ == "PERSON" and (t is child or t.head.pos_ != "VERB")]
            if names:
                return names[-1].text.lower()
    return ""


def outcomes_of(doc: Doc) -> list[Outcome]:
    """(person, outcome, verb as written) for every outcome verb of a parse that reports the outcome itself."""
    out = []
    for tok in doc:
        if tok.pos_ != "VERB":
            continue
        lemma = tok.lemma_.lower()
        particle = next((c.text.lower() for c in tok.children if c.dep_ == "prt"), "")
        name = f"{lemma} {particle}" if f"{lemma} {particle}" in OUTCOMES else lemma
        if name not in OUTCOMES or any(c.dep_ == "neg" for c in tok.children):
            continue
        if tok.head.i != tok.i and tok.head.lemma_.lower() in _GOVERNED:
            continue
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _UNREAL for c in tok.children):
            continue
        person = _outcome_person(tok)
        if person:
            out.append((person, OUTCOMES[name], tok.text))
    return out


def outcome_conflicts(articles: Sequence[Article], docs: Mapping[str, Doc]) -> list[Claim]:
    """A person reported to meet exclusive outcomes by different independent outlets ("fired" / "resigned")."""
    found = [outcomes_of(doc) if (doc := docs.get(art.id)) is not None else [] for art in articles]
    return outcome_conflicts_of(articles, found)


def outcome_conflicts_of(articles: Sequence[Article], outcomes: Sequence[Sequence[Outcome]]) -> list[Claim]:
    """:func:`outcome_conflicts` from each article's outcome verbs (:func:`outcomes_of`; none without a parse)."""
    src = source_of(articles)
    # person -> outcome -> [(article, verb)]
    seen: dict[str, dict[str, list[tuple[Article, str]]]] = {}
    for art, found in zip(articles, outcomes, strict=True):
        for person, outcome, verb in found:
            seen.setdefault(person, {}).setdefault(outcome, []).append((art, verb))
    out = []
    for person, by_outcome in seen.items():
        if len(by_outcome) < 2:  # noqa: PLR2004 - a conflict needs two outcomes
            continue
        groups = {o: {src[a.id] for a, _ in hits} for o, hits in by_outcome.items()}
        # outlets saying only one of them: "resigned after being told he would be fired" says both
        only = {o: g - set().union(*(h for p, h in groups.items() if p != o)) for o, g in groups.items()}
        if sum(1 for g in only.values() if g) < 2:  # noqa: PLR2004 - two sides
            continue
        values = [
            _record(o, [v for a, v in hits if src[a.id] in only[o]], [a for a, _ in hits if src[a.id] in only[o]], src)
            for o, hits in by_outcome.items()
            if only[o]
        ]
        values.sort(key=lambda v: -v["independent"])
        out.append(Claim(subject=f"{person}: outcome", values=values, kind="claim", status="conflict"))
    return out
