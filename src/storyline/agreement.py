"""Agreement and conflict between outlets: which figures and claims of a story are reported by how many
independent sources, and where outlets give different values for the same thing.

A syndicated copy (``duplicate_of`` set) is one source with the article it copies: it is listed among the
sources of a value but never makes a claim look better supported than it is.

Example:
    >>> from storyline.model import Article, Figure, Paragraph, Span
    >>> def report(aid, n):
    ...     art = Article(id=aid, paragraphs=[Paragraph(f"Police said {n} people were hurt in the blast.")])
    ...     art.figures = [Figure(aid, Span(12, 14), str(n), n, "people", measure="people", sentence=Span(0, 45))]
    ...     return art
    >>> [(c.status, [v["sources"] for v in c.values]) for c in figure_claims([report("a", 14), report("b", 16)])]
    [('conflict', [['a'], ['b']])]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

from .brief import stem, terms
from .model import Article, Claim, Figure, Story

Status = Literal["agree", "conflict", "single_source"]

# Two approximate figures ("nearly two dozen", "about 25") agree when within this share of each other;
# exact figures agree only when equal. 15% covers "nearly two dozen" (24) vs "23".
APPROX_TOLERANCE = 0.15
# Money and percentages with nothing saying what they measure can only be matched by value (never a conflict:
# "$13.7 billion" and "$500 million" in one story are usually different things).
_UNMEASURED = ("money", "percent", "quantity")
# Two values of one measure are a conflict only when the sentences giving them say the same kind of thing:
# cosine of their content words (numbers left out) at least this. "three states, California, Illinois and
# Oregon" and "nearly two dozen states and cities" share the measure but not the statement (about 0.1);
# "14 people were injured in the blast" and "16 people were hurt in the explosion at the depot" share ~0.3.
CONFLICT_CONTEXT = 0.25


def _norm(text: str | None) -> str:
    """A comparable form of a measure or subject phrase: lower case, no article, stemmed words."""
    if not text:
        return ""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(stem(w) for w in words if w not in ("the", "a", "an", "its", "their", "his", "her"))


def _group_of(article: Article) -> str:
    """The independent source an article belongs to."""
    return article.duplicate_of or article.id


def _same_value(a: Figure, b: Figure) -> bool:
    """True when two figures give the same value (approximately, when either says it is approximate)."""
    if a.value == b.value:
        return True
    if a.approximate or b.approximate:
        return abs(a.value - b.value) <= APPROX_TOLERANCE * max(abs(a.value), abs(b.value))
    return False


def _value_clusters(figs: list[tuple[Figure, Article]]) -> list[list[tuple[Figure, Article]]]:
    """Figures of one measure split into groups that give the same value."""
    clusters: list[list[tuple[Figure, Article]]] = []
    for fig, art in sorted(figs, key=lambda fa: fa[0].value):
        for cl in clusters:
            if any(_same_value(fig, other) for other, _ in cl):
                cl.append((fig, art))
                break
        else:
            clusters.append([(fig, art)])
    return clusters


def _value_record(cluster: list[tuple[Figure, Article]]) -> dict[str, Any]:
    """One reported value: the value most sources give, its wording, its sources and their outlets."""
    values = Counter(f.value for f, _ in cluster)
    texts = Counter(f.text for f, _ in cluster)
    sources = list(dict.fromkeys(a.id for _, a in cluster))
    outlets = list(dict.fromkeys(a.outlet or a.id for _, a in cluster))
    groups = list(dict.fromkeys(_group_of(a) for _, a in cluster))
    return {
        "value": values.most_common(1)[0][0],
        "text": texts.most_common(1)[0][0],
        "sources": sources,
        "outlets": outlets,
        "independent": len(groups),
    }


def _context(fig: Figure, article: Article) -> Counter[str]:
    """Content words of the sentence a figure stands in (numbers left out)."""
    text = article.cut(fig.sentence) if fig.sentence else fig.text
    return Counter(t for t in terms(text) if not t[0].isdigit())


def _same_statement(a: list[tuple[Figure, Article]], b: list[tuple[Figure, Article]]) -> bool:
    """True when some sentence giving one value and some giving the other, in different sources, say alike."""
    for fa, aa in a:
        for fb, ab in b:
            if _group_of(aa) == _group_of(ab):
                continue
            ca, cb = _context(fa, aa), _context(fb, ab)
            dot = sum(ca[t] * cb[t] for t in ca)
            norm = math.sqrt(sum(v * v for v in ca.values()) * sum(v * v for v in cb.values()))
            if norm and dot / norm >= CONFLICT_CONTEXT:
                return True
    return False


def _status(values: list[dict[str, Any]]) -> Status:
    """"conflict" when outlets give different values, "single_source" when one source, else "agree"."""
    if len(values) > 1:
        return "conflict"
    return "single_source" if values[0]["independent"] <= 1 else "agree"


def _subject_label(measure: str, subject: str | None) -> str:
    """How a claim is named in a report: "jurisdictions", "Chicago: grant money"."""
    return f"{subject}: {measure}" if subject else measure


def figure_claims(articles: Sequence[Article]) -> list[Claim]:
    """Claims about the story's figures: one per measure (and subject), with every value reported and its sources."""
    by_key: dict[tuple[str, str, str], list[tuple[Figure, Article]]] = {}
    labels: dict[tuple[str, str, str], str] = {}
    key: tuple[str, str, str]
    for art in articles:
        for fig in art.figures:
            measure = fig.measure or (fig.unit if fig.kind == "count" else None)
            if not measure and fig.kind in _UNMEASURED:
                key = (fig.kind, fig.unit, f"={fig.value:g}")  # matched by value only
                labels.setdefault(key, {"money": "amount", "percent": "share"}.get(fig.kind, fig.kind))
            elif measure:
                key = (fig.kind, fig.unit if fig.kind in _UNMEASURED else "", _norm(measure))
                labels.setdefault(key, measure)
            else:
                continue
            by_key.setdefault(key, []).append((fig, art))
    out: list[Claim] = []
    for key, figs in by_key.items():
        # different named subjects ("Chicago" vs "New York") are different claims; unnamed ones stay together
        subjects = {_norm(f.subject) for f, _ in figs if f.subject}
        parts: dict[str, list[tuple[Figure, Article]]] = {}
        for f, a in figs:
            parts.setdefault(_norm(f.subject) if len(subjects) > 1 and f.subject else "", []).append((f, a))
        for sub, part in parts.items():
            subject = next((f.subject for f, _ in part if f.subject and _norm(f.subject) == sub), None) if sub else None
            if subject is None and len(subjects) == 1:
                subject = next(f.subject for f, _ in figs if f.subject)
            out.extend(_claims_of(part, _subject_label(labels[key], subject)))
    rank = {"conflict": 0, "agree": 1, "single_source": 2}
    out.sort(key=lambda c: (rank[c.status], -max(v["independent"] for v in c.values), c.subject))
    return out


def _claims_of(part: list[tuple[Figure, Article]], label: str) -> list[Claim]:
    """One claim for a measure; a value set only the same sources give together is several figures, not a conflict."""
    clusters = _value_clusters(part)
    records = [_value_record(cl) for cl in clusters]
    if len(records) > 1:
        groups = [{_group_of(a) for _, a in cl} for cl in clusters]
        # a conflict needs a source saying one value and not the other, both ways; an article that gives both
        # values ("14 injured, 16 counting the driver") reports two things, which are listed as agreed figures
        contested = any(
            groups[i] - groups[j] and groups[j] - groups[i] and _same_statement(clusters[i], clusters[j])
            for i in range(len(groups))
            for j in range(i + 1, len(groups))
        )
        if not contested:
            return [Claim(subject=label, values=[r], kind="figure", status=_status([r])) for r in records]
    return [Claim(subject=label, values=records, kind="figure", status=_status(records))]


def summary_claims(story: Story, articles: Sequence[Article]) -> list[Claim]:
    """The brief's sentences as key claims: how many independent outlets state each, single-source ones marked."""
    by_id = {a.id: a for a in articles}
    out = []
    for cit in story.summary:
        arts = [by_id[s] for s in cit.sources if s in by_id]
        groups = {_group_of(a) for a in arts} or set(cit.sources)
        record = {
            "value": None,
            "text": cit.text,
            "sources": list(cit.sources),
            "outlets": list(dict.fromkeys(a.outlet or a.id for a in arts)),
            "independent": len(groups),
        }
        out.append(Claim(subject=cit.text, values=[record], kind="claim", status="agree" if len(groups) > 1 else "single_source"))
    return out


def claims(story: Story, articles: Sequence[Article]) -> list[Claim]:
    """Every claim of a story: its figures (conflicts first), then the key claims of its brief."""
    return figure_claims(articles) + summary_claims(story, articles)
