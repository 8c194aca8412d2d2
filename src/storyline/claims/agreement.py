"""Agreement and conflict between outlets: which figures and claims of a story are reported by how many
independent sources, where outlets give different values for the same thing, and where a later report
updates a growing tally.

A figure is keyed by WHAT it counts, as :mod:`.reading` reads it: the event its sentence attaches it to
(injured, killed, evacuated, recalled... see :data:`.reading.EVENTS`) and a coarse class of the counted noun
(person nouns -> "people", money, percent, others by their stem). "14 workers were injured" and "Sixteen people
were hurt" are then the same measure; "He has scored 19 goals" and "Pryce, who has scored 16 goals" are not
the same claim because they name different holders. A count of people restricted to a named place ("55 people
died in Brenmoor") is another measure than the whole toll; a reading on a scale ("magnitude 6.8") is its own
measure, disputed only by a close reading (:data:`SCALE_SPREAD`); a figure set in a past year or "days before"
disputes only figures of the same time frame.

A syndicated copy (``duplicate_of`` set) is one source with the article it copies: it is listed among the
sources of a value but never makes a claim look better supported than it is.

Example:
    >>> from storyline.model import Article, Figure, Paragraph, Span
    >>> def report(aid, n, noun, verb):
    ...     text = f"Police said {n} {noun} were {verb} in the blast."
    ...     art = Article(id=aid, paragraphs=[Paragraph(text)], published="2025-09-25")
    ...     art.figures = [Figure(aid, Span(12, 14), str(n), n, noun, measure=noun, sentence=Span(0, len(text)))]
    ...     return art
    >>> [(c.status, [v["sources"] for v in c.values]) for c in figure_claims([report("a", 14, "workers", "injured"),
    ...                                                                       report("b", 16, "people", "hurt")])]
    [('conflict', [['a'], ['b']])]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ..model import Article, Citation, Claim, Story
from ..text.similarity import cosine
from ..text.unionfind import UnionFind
from ..text.words import stem
from .contradictions import date_conflicts_of, outcome_conflicts_of
from .facts import ArticleFacts, read_article
from .reading import EARLIER_MARK, VAGUE, Reading, article_readings, is_vague, owners_differ
from .sources import source_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

Status = Literal["agree", "conflict", "updated", "single_source"]

# Two readings on one scale are estimates of one event only when they lie this close. Agencies' magnitudes of one
# quake rarely differ by more than 0.3 (different station networks), while the largest aftershock is on average
# 1.2 below its main shock (Bath's law) and a story's other quakes (a past disaster, a recent one elsewhere) differ
# more still; 0.5 keeps agencies' estimates together and other quakes apart. On a whole-step scale (a hurricane's
# category) it means readings never conflict: a storm's category changes as it strengthens or weakens.
SCALE_SPREAD = 0.5

# Two outlets disagreeing on one count rarely differ by more than this factor; a value below half the other is
# usually a part of it ("two of the 14 injured", "four of the 31 ships"), not another report of it.
MAX_RATIO = 2.0
# Two values of one measure are a conflict only when the sentences giving them say the same kind of thing:
# cosine of their content words (numbers left out). With a known event and a compatible holder the event has
# already said what is counted, so a little shared context suffices (0.1: "injured 14 workers" in a long lead
# and "Sixteen people were hurt" share only the blast and the place); without an event, or when neither sentence
# names a holder for a holder-bound measure (goals, fines), the sentences must say alike (0.35).
# People counted in an event in two differently named places ("in southwest Kansas" / "Tallis County") may be one
# count named at two scales, or two places' counts: the sentences must share more (0.25, the threshold that
# separated "three states" from "nearly two dozen states and cities" on the team's sets).
CONTEXT_KNOWN = 0.1
CONTEXT_PLACES = 0.25
CONTEXT_UNKNOWN = 0.35
# Two rows of one exact value are one figure written in other words when their sentences share this much (cosine
# of content words, as CONTEXT_UNKNOWN for readings with no event); a count below MIN_DISTINCT ("two runs", "three
# games") recurs for different things in one story and is never merged so.
CONTEXT_SAME_FIGURE = 0.35
MIN_DISTINCT = 10
# A measure of more than three words ("money for the new bridge") is a clause, not a label a table row can show.
MEASURE_WORDS = 3
# A measure opening with a determiner names one thing ("the bridge's cost"), not a kind of amount (closed class).
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that"})
# When a story has few agreed or disputed figures, this many single-source figures are still shown, by salience.
SINGLE_ROWS = 8


def _same_value(a: Reading, b: Reading) -> bool:
    """True when two readings give the same value: one's value lies in what the other's wording allows."""
    va, vb = a.fig.value, b.fig.value
    return va == vb or a.low <= vb <= a.high or b.low <= va <= b.high


def _disputes(a: Reading, b: Reading) -> str:
    """How two readings from different sources relate: "same" when they give their values for one thing,
    "places" when they may be one count named at two places' scales (an update at most), "" when unrelated."""
    if a.group == b.group or _same_value(a, b) or a.past != b.past or a.qualifier != b.qualifier:
        return ""  # a part or one group's share is another measure than the whole ("62% of Republicans")
    if VAGUE.search(a.fig.text) or VAGUE.search(b.fig.text):
        return ""  # "scores of people" bounds a count too loosely to dispute "22 people"
    if a.cls.startswith("scale:"):
        # one event rated by two sources: close readings on the same scale (the scale names what is rated)
        return "same" if abs(a.fig.value - b.fig.value) <= SCALE_SPREAD else ""
    if a.cls != "people" and (owners_differ(a, b) or (a.subject and b.subject and a.subject != b.subject)):
        return ""  # "the Hawks scored two runs" vs "the Rovers scored 3 runs": two named holders
    lo, hi = sorted((abs(a.fig.value), abs(b.fig.value)))
    if lo == 0 or hi / lo > MAX_RATIO:
        return ""
    if a.role and b.role and a.role != b.role:
        return ""
    if (a.pronoun and b.holders) or (b.pronoun and a.holders):
        return ""  # "he has scored 19" vs "Pryce, who has scored 16": cannot tell they are one person
    shared = bool(a.holders & b.holders)
    clash = bool(a.holders and b.holders and not shared)
    if a.cls == "people":
        if not a.event:
            need = CONTEXT_UNKNOWN
        else:
            need = CONTEXT_PLACES if clash else CONTEXT_KNOWN
    elif a.cls.startswith("money") or a.cls == "percent":
        # amounts and shares abound in one story ("$13.7 billion", "$500 million"): only the same holder's
        # amount for the same event is one thing
        if not (a.event and a.owner & b.owner):
            return ""
        need = CONTEXT_KNOWN
    elif shared:
        need = CONTEXT_KNOWN if a.event else CONTEXT_UNKNOWN
    elif a.holders or b.holders:
        return ""  # a holder-bound count (goals, runs, votes) named for one side only, or for different holders
    else:
        need = CONTEXT_UNKNOWN
    if cosine(a.context, b.context) < need:
        return ""
    return "places" if clash else "same"


def _value_clusters(readings: list[Reading]) -> list[list[Reading]]:
    """Readings of one measure split into groups that give the same value.

    The most precise readings anchor the groups; a vague one ("more than a dozen") joins the one group whose
    anchor it agrees with, and stays apart when it agrees with several (it supports both, bridges neither). Readings
    naming different owners never share a group: the same amount of two cities' grants is no agreement."""
    clusters: list[list[Reading]] = []
    for r in sorted(readings, key=lambda r: (r.high - r.low, r.fig.value)):
        # two vague words ("hundreds of rescuers", "hundreds of volunteers") bound no value together: no agreement
        # (nor do a reading set in an earlier event and one that is not: "more than 60 dead" now, "weeks after a
        # stronger one killed 61"; a year named in passing, "the first title since 1908", places no figure)
        fits = [
            cl
            for cl in clusters
            if _same_value(r, cl[0])
            and not (is_vague(r) and is_vague(cl[0]))
            and (EARLIER_MARK in r.past) == (EARLIER_MARK in cl[0].past)
        ]
        owned = [cl for cl in fits if not any(owners_differ(r, o) for o in cl)]
        # one value several owners give: a report naming no owner joins the group of most sources
        if owned and len({cl[0].fig.value for cl in fits}) == 1 and (len(owned) == 1 or not r.owner):
            max(owned, key=len).append(r)
        else:
            clusters.append([r])
    clusters.sort(key=lambda cl: cl[0].fig.value)
    return clusters


def _value_record(cluster: list[Reading]) -> dict[str, Any]:
    """One reported value: the value most sources give, its wording, its sources, outlets and earliest date."""
    cluster = sorted(cluster, key=lambda r: r.pos)
    values = Counter(r.fig.value for r in cluster)
    texts = Counter(r.fig.text for r in cluster)
    dates = sorted(r.art.published for r in cluster if r.art.published)
    return {
        "value": values.most_common(1)[0][0],
        "text": texts.most_common(1)[0][0],
        "sources": list(dict.fromkeys(r.art.id for r in cluster)),
        "outlets": list(dict.fromkeys(r.art.outlet or r.art.id for r in cluster)),
        "independent": len({r.group for r in cluster}),
        "as_of": dates[0] if dates else None,
    }


def _label(readings: list[Reading]) -> str:
    """How a claim is named in a report: what is counted ("workers", "Pryce: goals", "grant money"); the event
    ("injured") is the claim's ``predicate``."""
    first = readings[0]
    nouns = Counter(r.noun for r in readings if r.noun)
    if first.cls == "people" and len({stem(n.split()[-1]) for n in nouns if n.split()}) > 1:
        noun = "people"
    elif nouns:
        noun = nouns.most_common(1)[0][0]
    else:
        noun = (
            "people" if first.cls == "people" else {"money": "amount", "percent": "share"}.get(first.fig.kind, "number")
        )
    if first.fig.kind in ("money", "percent"):
        noun = next((m for r in readings if (m := _plain_measure(r.fig.measure))), noun)
    label = noun
    common = frozenset.intersection(*(r.holders for r in readings))
    names = Counter(r.holder_name for r in readings if r.holder_name)
    owners = Counter(r.owner_name for r in readings if r.owner_name)
    if owners and not any(owners_differ(a, b) for a in readings for b in readings):
        label = f"{owners.most_common(1)[0][0]}: {label}"  # one owner's amount or share: "Tallis Mills: share"
    elif first.cls != "people" and len(common) == 1 and all(r.holders == common for r in readings) and names:
        label = f"{names.most_common(1)[0][0]}: {label}"
    return label


def _plain_measure(measure: str | None) -> str:
    """A figure's measure when it is a short plain noun phrase ("grant money"), else "" (a clause, a name)."""
    if not measure or re.search(r"\d", measure):
        return ""
    words = measure.split()
    if len(words) > MEASURE_WORDS or words[0].lower() in _DETERMINERS:
        return ""
    return measure if measure[0].islower() else ""


def _claims_of(readings: list[Reading]) -> list[tuple[Claim, list[Reading]]]:
    """The claims of one measure (agreed values, conflicts between outlets, and updates over time), each with the
    readings behind it."""
    clusters = _value_clusters(readings)
    n = len(clusters)
    groups = [{r.group for r in cl} for cl in clusters]
    edges: dict[tuple[int, int], Status] = {}
    for i in range(n):
        for j in range(i + 1, n):
            only_i, only_j = groups[i] - groups[j], groups[j] - groups[i]
            # an article giving both values ("14 injured, 16 counting the driver") reports two things
            if not only_i or not only_j:
                continue
            ri = [r for r in clusters[i] if r.group in only_i]
            rj = [r for r in clusters[j] if r.group in only_j]
            kinds = {_disputes(a, b) for a in ri for b in rj} - {""}
            when = _over_time(ri, rj) if kinds else "conflict"
            # counts named for different places are never a disagreement; at most a later count of the same tally
            if "same" in kinds or (kinds and when == "updated"):
                edges[(i, j)] = when
    # disputed clusters form one claim, closest values first, as long as every value of the claim stays within
    # MAX_RATIO of every other: a chain of pairwise disputes (22 vs 26, 26 vs 42, ... 149 vs 217) would otherwise
    # join counts of different places and parts into one row
    uf = UnionFind(range(n))
    span = {k: (min(r.fig.value for r in cl), max(r.fig.value for r in cl)) for k, cl in enumerate(clusters)}
    for i, j in sorted(edges, key=lambda e: _ratio(clusters[e[0]][0].fig.value, clusters[e[1]][0].fig.value)):
        root_i, root_j = uf.find(i), uf.find(j)
        if root_i == root_j:
            continue
        lo, hi = min(span[root_i][0], span[root_j][0]), max(span[root_i][1], span[root_j][1])
        if _ratio(lo, hi) > MAX_RATIO:
            continue
        uf.union(i, j)
        span[uf.find(i)] = (lo, hi)
    out = []
    for members in uf.groups():
        records = [_value_record(clusters[k]) for k in members]
        label = _label([r for k in members for r in clusters[k]])
        if len(members) == 1:
            status: Status = "single_source" if records[0]["independent"] <= 1 else "agree"
        else:
            kinds = {s for (i, j), s in edges.items() if i in members and j in members}
            status = "conflict" if "conflict" in kinds else "updated"
            if status == "updated":
                records.sort(key=lambda r: (r["as_of"] or "", r["value"]))
        event = next((r.event for k in members for r in clusters[k] if r.event), None)
        claim = Claim(subject=label, values=records, kind="figure", status=status, predicate=event)
        out.append((claim, [r for k in members for r in clusters[k]]))
    return out


def _ratio(a: float, b: float) -> float:
    """How many times the larger of two values is the smaller (infinite when one is zero)."""
    lo, hi = sorted((abs(a), abs(b)))
    return hi / lo if lo else math.inf


def _over_time(a: list[Reading], b: list[Reading]) -> Status:
    """Status of two disputed values: "updated" when every report of one is dated before every report of the
    other, else "conflict"."""
    da = [r.art.published or "" for r in a]
    db = [r.art.published or "" for r in b]
    if not all(da) or not all(db):
        return "conflict"  # undated: cannot tell an update from a disagreement
    return "updated" if max(da) < min(db) or max(db) < min(da) else "conflict"


def _salience(claim: Claim, readings: dict[str, list[Reading]], summary: Sequence[Citation]) -> float:
    """How much a single-source figure is worth showing: stated in the brief, in a lead paragraph, with an event."""
    score = 0.0
    for r in readings.get(claim.subject, []):
        if r.art.id not in claim.values[0]["sources"]:
            continue
        if any(c.article == r.art.id and c.span and c.span.start <= r.fig.span.start < c.span.end for c in summary):
            score = max(score, 2.0)
        score = max(score, (1.0 if r.para <= 1 else 0.0) + (0.5 if r.event else 0.0))
    return score


def figure_claims(
    articles: Sequence[Article], summary: Sequence[Citation] = (), docs: Mapping[str, Doc] | None = None
) -> list[Claim]:
    """Claims about the story's figures: disputed and updated ones first, then those several outlets agree on,
    then at most a few salient single-source figures (those in the brief's ``summary`` or in lead paragraphs)."""
    return readings_claims(articles, [article_readings(a, (docs or {}).get(a.id)) for a in articles], summary)


def readings_claims(
    articles: Sequence[Article], readings: Sequence[Sequence[Reading]], summary: Sequence[Citation] = ()
) -> list[Claim]:
    """:func:`figure_claims` from each article's :func:`.reading.article_readings` (read once, kept per article)."""
    by_key: dict[tuple[str, str, str], list[Reading]] = {}
    src = source_of(articles)
    for pos, (art, found) in enumerate(zip(articles, readings, strict=True)):
        for r in found:
            r.pos, r.source = pos, src[art.id]
            by_key.setdefault((r.cls, r.event, r.locus), []).append(r)
    out = _merge_same_figure([row for readings in by_key.values() for row in _claims_of(readings)])
    rank = {"conflict": 0, "updated": 1, "agree": 2, "single_source": 3}
    shown = [c for c in out if c.status != "single_source"]
    singles = [c for c in out if c.status == "single_source"]
    sal = {id(c): _salience(c, _readings_by_claim(c, by_key), summary) for c in singles}
    singles = [c for c in singles if sal[id(c)] > 0]
    singles.sort(key=lambda c: (-sal[id(c)], c.subject))
    shown.sort(key=lambda c: (rank[c.status], -max(v["independent"] for v in c.values), c.subject))
    return shown + singles[: max(0, SINGLE_ROWS - len(shown))]


def _merge_same_figure(rows: list[tuple[Claim, list[Reading]]]) -> list[Claim]:
    """Rows of one value that are one figure, merged into one row with all their sources.

    The figure reader keys a figure by its counted noun and its event, so outlets writing one figure in other
    words ("notices to 14 districts", "warned 14 towns"; "will pay $17 a share", "buy it for $17 a share")
    give several rows. Two single-value rows are one figure when they give the same exact value of the same kind
    (money in one currency, a share, a count), name no different owners, and their sentences say alike."""
    merged: list[tuple[Claim, list[Reading], Counter[str]]] = []
    # the merged rows that may give one figure with another, by their value and kind (:func:`_figure_kind`): only
    # a row of the same value and kind can join one; each with its readings' context words counted together, kept
    # as the row grows
    hosts: dict[tuple[float, str], list[tuple[Claim, list[Reading], Counter[str]]]] = {}
    for claim, readings in rows:
        kind = _figure_kind(readings)
        key = (readings[0].fig.value, kind) if kind else None
        words = _summed(readings) if key else Counter()
        found = hosts.get(key, []) if key and len(claim.values) == 1 else []
        host = next((m for m in found if _one_figure(m[1], readings, m[2], words)), None)
        if host is None:
            merged.append((claim, list(readings), words))
            if key:
                hosts.setdefault(key, []).append(merged[-1])
            continue
        host[1].extend(readings)
        for r in readings:
            host[2].update(r.context)
        record = _value_record(host[1])
        host[0].values = [record]
        host[0].status = "single_source" if record["independent"] <= 1 else "agree"
    return [claim for claim, _, _ in merged]


def _family(r: Reading) -> str:
    """The kind of quantity a reading is, as rows of one figure must share it: money in its currency, a share, or
    a count (any counted noun); a reading on a scale is its own."""
    return r.cls if r.cls.startswith(("money:", "scale:")) or r.cls == "percent" else "count"


def _figure_kind(readings: list[Reading]) -> str:
    """The kind (:func:`_family`) of the one exact figure a row's readings give, which another row may give in other
    words; "" when they give none such: several values or kinds, a reading on a scale, an approximate, past,
    partial or placed reading, or a small count (below MIN_DISTINCT, recurring for different things)."""
    values = {r.fig.value for r in readings}
    kinds = {_family(r) for r in readings}
    if len(values) != 1 or len(kinds) != 1:
        return ""
    kind = next(iter(kinds))
    if kind.startswith("scale:") or any(r.fig.approximate or r.past or r.qualifier or r.locus for r in readings):
        return ""
    return "" if kind == "count" and next(iter(values)) < MIN_DISTINCT else kind


def _one_figure(a: list[Reading], b: list[Reading], words_a: Counter[str], words_b: Counter[str]) -> bool:
    """True when two rows of one exact value and kind (:func:`_figure_kind`) give one figure: no two owners, alike
    sentences (``words_a``, ``words_b``: each row's context words counted together, :func:`_summed`)."""
    if any(owners_differ(x, y) for x in a for y in b):
        return False
    return cosine(words_a, words_b) >= CONTEXT_SAME_FIGURE


def _summed(readings: list[Reading]) -> Counter[str]:
    """The readings' context words counted together (one Counter updated in place: ``sum`` of Counters copies
    the growing total at every step, quadratic in a large story's readings; the counts are positive, so the
    total is the same)."""
    total: Counter[str] = Counter()
    for r in readings:
        total.update(r.context)
    return total


def _readings_by_claim(claim: Claim, by_key: dict[tuple[str, str, str], list[Reading]]) -> dict[str, list[Reading]]:
    """The readings behind a claim's values, keyed by the claim's label (for :func:`_salience`)."""
    sources = {s for v in claim.values for s in v["sources"]}
    values = {v["value"] for v in claim.values}
    hits = [r for rs in by_key.values() for r in rs if r.art.id in sources and r.fig.value in values]
    return {claim.subject: hits}


def summary_claims(story: Story, articles: Sequence[Article]) -> list[Claim]:
    """The brief's sentences as key claims: how many independent outlets state each, single-source ones marked."""
    by_id = {a.id: a for a in articles}
    src = source_of(articles)
    out = []
    for cit in story.summary:
        arts = [by_id[s] for s in cit.sources if s in by_id]
        groups = {src[a.id] for a in arts} or set(cit.sources)
        record = {
            "value": None,
            "text": cit.text,
            "sources": list(cit.sources),
            "outlets": list(dict.fromkeys(a.outlet or a.id for a in arts)),
            "independent": len(groups),
        }
        out.append(
            Claim(
                subject=cit.text, values=[record], kind="claim", status="agree" if len(groups) > 1 else "single_source"
            )
        )
    return out


def claims(story: Story, articles: Sequence[Article], docs: Mapping[str, Doc] | None = None) -> list[Claim]:
    """Every claim of a story: its figures (conflicts first), then the key claims of its brief; ``docs`` are the
    articles' stored parses by id (optional)."""
    return claims_of(story, [read_article(a, (docs or {}).get(a.id)) for a in articles])


def claims_of(story: Story, facts: Sequence[ArticleFacts]) -> list[Claim]:
    """:func:`claims` from what was read of each of the story's articles (:func:`.facts.read_article`)."""
    arts = [f.article for f in facts]
    found = readings_claims(arts, [f.readings for f in facts], story.summary)
    if any(f.parsed for f in facts):
        found = (
            date_conflicts_of(arts, [f.dates for f in facts])
            + outcome_conflicts_of(arts, [f.outcomes for f in facts])
            + found
        )
    return found + summary_claims(story, arts)
