"""Extract: entities merged across articles, quotes with speakers, figures, and dates on a calendar.

Every step reads the one NLP pass (:mod:`storyline.extract.nlp`); nothing parses the same text twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import RunContext


def run(ctx: RunContext) -> None:
    """Pipeline stage: extract mentions, quotes, figures and dates per article; merge entities per story."""
    # Filled in by the extract issue.
    return None
