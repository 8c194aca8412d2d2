"""The claims stage: where the outlets of a story agree and where they conflict.

Each story's figures are read in context and compared (:mod:`.agreement`); its brief's sentences become key
claims counted by independent outlets. Runs after the brief, whose sentences it counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Citation, Story
from .agreement import SINGLE_ROWS, claims, claims_of, figure_claims, summary_claims
from .facts import from_json, read_article, to_json
from .reading import value_range

if TYPE_CHECKING:
    from ..context import RunContext
    from ..model import Claim

# The store's name for the claims stage's per-article facts (:mod:`.facts`).
FACTS = "claims"

__all__ = ["SINGLE_ROWS", "claims", "claims_of", "figure_claims", "run", "summary_claims", "value_range"]


def run(ctx: RunContext) -> None:
    """Pipeline stage: the claims of each touched story (all when none)."""
    store = ctx.store
    if ctx.touched_stories:
        ids = sorted(ctx.touched_stories)
    elif ctx.touched_storylines:
        return  # a storyline-only change leaves every story's claims as they were
    else:
        ids = store.all_story_ids()
    # a story's claims are read from its articles and its brief only
    parts = store.get_story_parts(ids, ("articles", "summary"))
    todo = [
        Story(id=sid, articles=p["articles"], summary=[Citation.from_dict(c) for c in p["summary"]])
        for sid in ids
        if (p := parts.get(sid)) is not None
    ]
    weights = [len(s.articles) for s in todo]
    read: dict[str, str] = {}
    for story, (found, new) in zip(todo, ctx.map_stories(_claims_batch, todo, sum(weights), weights), strict=True):
        story.claims = found
        read.update(new)
    with store.transaction():
        store.put_facts(FACTS, read)
        store.set_story_parts({s.id: {"claims": [c.to_dict() for c in s.claims]} for s in todo})


def _claims_batch(ctx: RunContext, stories: list[Story]) -> list[tuple[list[Claim], dict[str, str]]]:
    """The claims of each story from its articles' kept facts, with the facts of the articles read and parsed for
    it (those the store kept none of) to keep (per-story work, run by
    :meth:`storyline.context.RunContext.map_stories` here or on a worker)."""
    out = []
    for story in stories:
        kept = ctx.store.get_facts(FACTS, story.articles)
        arts = ctx.articles(aid for aid in story.articles if aid not in kept)
        # the parse names a figure's subject, a date's event and an outcome's person; without it, text rules
        docs = ctx.docs(a.id for a in arts)
        new = {a.id: read_article(a, docs.get(a.id)) for a in arts}
        facts = [
            new[aid] if aid in new else from_json(kept[aid]) for aid in story.articles if aid in new or aid in kept
        ]
        out.append((claims_of(story, facts), {aid: to_json(f) for aid, f in new.items()}))
    return out
