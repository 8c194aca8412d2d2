"""The brief stage: a cited, extractive multi-source summary of each story and of each storyline.

The work is done by :class:`Summariser` (:mod:`.summary`) over the candidate sentences of :mod:`.sentences`;
:func:`summarise` briefs one story; :func:`story_title` (:mod:`.titles`) titles it after its most representative news
headline.
"""

from .sentences import MIN_WORDS, Candidate, candidates, sentence_problem
from .stage import run
from .summary import Summariser, order_articles, story_when, storyline_summary, summarise
from .titles import story_title

__all__ = [
    "MIN_WORDS",
    "Candidate",
    "Summariser",
    "candidates",
    "order_articles",
    "run",
    "sentence_problem",
    "story_title",
    "story_when",
    "storyline_summary",
    "summarise",
]
