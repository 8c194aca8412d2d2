"""Re-edited copies and same-outlet versions: containment of the lead and of runs of paragraphs.

Whole-text measures (shingle Jaccard, containment of the shorter text) miss a wire story re-edited by a
member paper: the same lead, some paragraphs cut, some local ones added, so neither text holds most of the
other. Such a pair shares at least one passage (:mod:`storyline.dedupe.passages`), which makes it a
candidate; its passage units are then compared all against all at ``run_threshold`` (3-word shingle
Jaccard, lower than the passage threshold: member papers re-word a paragraph here and there).

- A **re-edited copy**: the two leads (first trackable paragraphs) match, and at least ``lead_share`` of the
  trackable paragraphs of the article with fewer of them are matched in the other (the lead plus a run).
- A **version** (the same outlet updating its story during the day): same outlet, the same headline or
  the same lead, and at least ``version_share`` of the paragraphs matched; the later one ``updates`` the
  earlier.

Either needs at least :data:`MIN_PARAGRAPHS` matched paragraphs, so one shared paragraph (a boilerplate
footer, a quoted statement, a wire lede quoted in a commentary) never makes two articles one story.

Example:
    >>> m = ParagraphMatch(lead=True, matched=3, trackable=(4, 6))
    >>> m.share, is_reedited_copy(m, lead_share=0.5)
    (0.75, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .passages import Unit
from .shingles import jaccard, words

# Paragraphs two articles must share before the lead or version rules apply: the lead and at least one more
# (a single shared paragraph is a quotation or a boilerplate block, not a copy).
MIN_PARAGRAPHS = 2


@dataclass(frozen=True)
class ParagraphMatch:
    """How two articles' trackable paragraphs match: leads, matched paragraphs and each side's trackable count."""

    lead: bool
    matched: int
    trackable: tuple[int, int]

    @property
    def share(self) -> float:
        """Matched paragraphs over the trackable paragraphs of the article that has fewer."""
        fewer = min(self.trackable)
        return self.matched / fewer if fewer else 0.0


def match_paragraphs(mine: list[Unit], theirs: list[Unit], threshold: float) -> ParagraphMatch:
    """Match two articles' passage units on exact shingle Jaccard >= ``threshold`` and count paragraphs.

    Every unit pair is compared (only articles already sharing a passage get here), so a paragraph lightly
    re-worded by the other outlet, below the passage threshold, still counts. A paragraph counts once however
    many of its units (paragraph, long sentences) match; the count is the smaller of the two sides' matched
    paragraphs (one paragraph split in two by the other outlet is one).
    """
    lead_a = min((u.paragraph for u in mine), default=-1)
    lead_b = min((u.paragraph for u in theirs), default=-1)
    got_a: set[int] = set()
    got_b: set[int] = set()
    lead = False
    for a in mine:
        for b in theirs:
            if (a.paragraph in got_a and b.paragraph in got_b) or jaccard(a.shingles, b.shingles) < threshold:
                continue
            got_a.add(a.paragraph)
            got_b.add(b.paragraph)
            lead = lead or (a.paragraph == lead_a and b.paragraph == lead_b)
    trackable = (len({u.paragraph for u in mine}), len({u.paragraph for u in theirs}))
    return ParagraphMatch(lead=lead, matched=min(len(got_a), len(got_b)), trackable=trackable)


def leads_match(mine: list[Unit], theirs: list[Unit], threshold: float) -> bool:
    """The first trackable paragraphs of both articles match (any unit of one lead against any of the other):
    one comparison that rules out most candidate pairs before their paragraphs are compared all against all."""
    lead_a = min((u.paragraph for u in mine), default=-1)
    lead_b = min((u.paragraph for u in theirs), default=-1)
    return any(
        jaccard(a.shingles, b.shingles) >= threshold
        for a in mine if a.paragraph == lead_a
        for b in theirs if b.paragraph == lead_b
    )


def is_reedited_copy(match: ParagraphMatch, lead_share: float) -> bool:
    """Same lead and a run of the shorter article's paragraphs (see the module docstring); 0 turns it off."""
    return lead_share > 0 and match.lead and match.matched >= MIN_PARAGRAPHS and match.share >= lead_share


def is_version(match: ParagraphMatch, same_headline: bool, version_share: float) -> bool:
    """Of one outlet: same headline or lead, and enough paragraphs kept (the caller checks the outlet)."""
    return (
        version_share > 0
        and (same_headline or match.lead)
        and match.matched >= MIN_PARAGRAPHS
        and match.share >= version_share
    )


def same_headline(a: str, b: str) -> bool:
    """Headlines with the same words (case and punctuation aside); an empty headline matches nothing."""
    wa = words(a)
    return bool(wa) and wa == words(b)


def same_outlet(a: str | None, b: str | None) -> bool:
    """Both articles name the same outlet (case aside); an unknown outlet matches nothing."""
    if a is None or b is None or not a.strip():
        return False
    return a.strip().lower() == b.strip().lower()


def later_of(a: str, b: str, rank: Callable[[str], tuple[object, ...]]) -> tuple[str, str]:
    """(later, earlier) of two versions by the canonical rank (date, then ingest order)."""
    return (a, b) if rank(a) > rank(b) else (b, a)
