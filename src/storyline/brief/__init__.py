"""The brief stage: a cited, extractive multi-source summary of each story and of each storyline.

The work is done by :class:`Summariser` (:mod:`.summary`); :func:`summarise` briefs one story.
"""

from .summary import (
    MIN_WORDS,
    Candidate,
    Summariser,
    candidates,
    order_articles,
    run,
    sentence_problem,
    story_when,
    storyline_summary,
    summarise,
)

__all__ = [
    "MIN_WORDS",
    "Candidate",
    "Summariser",
    "candidates",
    "order_articles",
    "run",
    "sentence_problem",
    "story_when",
    "storyline_summary",
    "summarise",
]
