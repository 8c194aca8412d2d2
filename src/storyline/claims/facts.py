"""What the claims stage reads once of each article: its figures' readings and, from its parse, the verbs its
calendar dates and outcome words hang on. A story's claims are compared from these (:func:`.agreement.claims_of`),
so a story gaining an article reads and parses only that article; the store keeps them per article
(:meth:`storyline.store.Store.put_facts`) and drops them when the article or its parse changes.

Example:
    >>> from storyline.model import Article, Figure, Paragraph, Span
    >>> art = Article(id="a", outlet="Wire", paragraphs=[Paragraph("Police said 14 workers were injured.")])
    >>> art.figures = [Figure("a", Span(12, 14), "14", 14, "workers", sentence=Span(0, 36))]
    >>> facts = from_json(to_json(read_article(art)))
    >>> facts.article.outlet, [(r.cls, r.event, r.fig.value) for r in facts.readings]
    ('Wire', [('people', 'injured', 14)])
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from ..model import Article, Figure
from .contradictions import DateKey, Outcome, date_keys, outcomes_of
from .reading import Reading, article_readings

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Reading fields kept as written, and those that are sets (kept as sorted lists); ``fig`` and ``art`` are records
# of their own, ``pos`` and ``source`` are the story's (set when its claims are compared).
_SETS = ("holders", "past", "owner")
_OWN = ("fig", "art", "context", "pos", "source", *_SETS)
_PLAIN = tuple(f.name for f in fields(Reading) if f.name not in _OWN)


@dataclass
class ArticleFacts:
    """One article as the claims stage compares it: who published it (``article``: its id, outlet, date and the
    article it copies, without its text), its figures' readings, and what its parse said (``parsed``)."""

    article: Article
    readings: list[Reading]
    dates: list[DateKey]
    outcomes: list[Outcome]
    parsed: bool


def _who(art: Article) -> Article:
    """The article's record as claims cite it: id, outlet, publication date and the article it copies."""
    return Article(id=art.id, outlet=art.outlet, published=art.published, duplicate_of=art.duplicate_of)


def read_article(art: Article, doc: Doc | None = None) -> ArticleFacts:
    """What the claims stage reads of one article and its parse (``doc``, optional)."""
    who = _who(art)
    readings = article_readings(art, doc)
    for r in readings:
        r.art = who
    return ArticleFacts(
        who,
        readings,
        date_keys(art, doc) if doc is not None else [],
        outcomes_of(doc) if doc is not None else [],
        doc is not None,
    )


def to_json(facts: ArticleFacts) -> str:
    """An article's facts as JSON text, for the store."""
    art = facts.article
    readings = [
        {
            "fig": r.fig.to_dict(),
            "context": dict(r.context),
            **{k: sorted(getattr(r, k)) for k in _SETS},
            **{k: getattr(r, k) for k in _PLAIN},
        }
        for r in facts.readings
    ]
    return json.dumps(
        {
            "article": [art.id, art.outlet, art.published, art.duplicate_of],
            "readings": readings,
            "dates": facts.dates,
            "outcomes": facts.outcomes,
            "parsed": facts.parsed,
        }
    )


def from_json(text: str) -> ArticleFacts:
    """An article's facts from :func:`to_json`."""
    data = json.loads(text)
    aid, outlet, published, duplicate_of = data["article"]
    who = Article(id=aid, outlet=outlet, published=published, duplicate_of=duplicate_of)
    readings = [_reading(r, who) for r in data["readings"]]
    return ArticleFacts(
        who,
        readings,
        [tuple(d) for d in data["dates"]],  # type: ignore[misc]
        [tuple(o) for o in data["outcomes"]],  # type: ignore[misc]
        data["parsed"],
    )


def _reading(data: dict[str, Any], art: Article) -> Reading:
    """One reading from its JSON form."""
    given: dict[str, Any] = {k: data[k] for k in _PLAIN}
    given.update((k, frozenset(data[k])) for k in _SETS)
    return Reading(fig=Figure.from_dict(data["fig"]), art=art, context=Counter(data["context"]), **given)
