"""The claims stage: where the outlets of a story agree and where they conflict.

Each story's figures are read in context and compared (:mod:`.agreement`); its brief's sentences become key
claims counted by independent outlets. Runs after the brief, whose sentences it counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .agreement import SINGLE_ROWS, claims, figure_claims, summary_claims
from .reading import value_range

if TYPE_CHECKING:
    from ..context import RunContext
    from ..model import Claim, Story

__all__ = ["SINGLE_ROWS", "claims", "figure_claims", "run", "summary_claims", "value_range"]


def run(ctx: RunContext) -> None:
    """Pipeline stage: the claims of each touched story (all when none)."""
    store = ctx.store
    if ctx.touched_stories:
        stories = store.get_stories(ctx.touched_stories)
        todo = [stories[s] for s in sorted(ctx.touched_stories) if s in stories]
    elif ctx.touched_storylines:
        return  # a storyline-only change leaves every story's claims as they were
    else:
        todo = list(store.iter_stories())
    weights = [len(s.articles) for s in todo]
    for story, found in zip(todo, ctx.map_stories(_claims_batch, todo, sum(weights), weights), strict=True):
        story.claims = found
    if todo:
        store.put_stories(todo, [])


def _claims_batch(ctx: RunContext, stories: list[Story]) -> list[list[Claim]]:
    """The claims of each story, from its stored articles (per-story work, run by
    :meth:`storyline.context.RunContext.map_stories` here or on a worker)."""
    out = []
    for story in stories:
        arts = ctx.articles(story.articles)
        # the parse names a figure's subject, a date's event and an outcome's person; without it, text rules
        out.append(claims(story, arts, ctx.docs(a.id for a in arts)))
    return out
