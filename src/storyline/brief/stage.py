"""The brief stage's run: each touched story's brief (on the run's workers), then its storylines' briefs.

A story's brief is :func:`~storyline.brief.summary.summarise` over its stored articles and parses, one story at a
time (:func:`_brief_batch`, run by :meth:`RunContext.map_stories` here or on a worker). In a stream run a large
story that has only gained a few articles keeps its last fit and cites the new articles where they state a kept
sentence (:mod:`.kept`); the storyline briefs and every store write stay in this process.

A storyline's brief takes each untouched member's picks from the brief state (:mod:`.parts`), so a stream run fits
only the stories it touched. A store written before the state held them gets them once, on its first stream run
(:func:`_backfill`): every storyline story's picks and every large story's fit, as a batch run keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..model import Citation, Story, Storyline
from .kept import REFIT_MIN_ARTICLES, STAGE, KeptFit, StoryFits, extend
from .parts import StoryParts
from .summary import CITE_MIN_RECALL, order_articles, storyline_summary, summarise
from .titles import story_title

if TYPE_CHECKING:
    from ..context import RunContext

__all__ = ["run"]

# State key set once the brief state holds what a batch run keeps (every storyline story's part, every large
# story's fit): a store written by older code gets them on its first stream run (:func:`_backfill`).
BACKFILLED = "backfilled"


def _brief_batch(ctx: RunContext, stories: list[Story]
                 ) -> list[tuple[list[Citation], str, list[Citation] | None, KeptFit | None]]:
    """Each story's brief, its title from its most representative news headline, its share of its storyline's
    brief when the same fit gives it, and the fit a large story keeps for later stream runs (per-story work, run
    by :meth:`RunContext.map_stories` here or on a worker)."""
    kept = StoryParts(ctx.store, ctx.settings)  # never saved here: the stage keeps the parts returned
    fits = StoryFits(ctx.store, ctx.settings)  # likewise: the stage keeps the fits returned
    out = []
    for story in stories:
        arts = ctx.articles(story.articles)  # the brief compares sentences by the lemmas of their stored parses
        summary = summarise(story, arts, ctx.settings, docs=ctx.docs(a.id for a in arts),
                            parts=kept if story.storyline else None, fits=fits)
        out.append((summary, story_title(order_articles(story, arts)), kept.parts.get(story.id),
                    fits.fits.get(story.id)))
    return out


def _keep_batch(ctx: RunContext, stories: list[Story]) -> list[tuple[list[Citation] | None, KeptFit | None]]:
    """Each story's storyline part and, for a large story, its fit, made as a run refitting the story makes them
    (the one-time step of :func:`_backfill`; per-story work, run by :meth:`RunContext.map_stories`)."""
    parts = StoryParts(ctx.store, ctx.settings)  # never saved here: the stage keeps what is returned
    fits = StoryFits(ctx.store, ctx.settings)
    out = []
    for story in stories:
        arts = ctx.articles(story.articles)
        docs = ctx.docs(a.id for a in arts)
        if len(story.articles) >= REFIT_MIN_ARTICLES:
            summarise(story, arts, ctx.settings, docs=docs, parts=parts if story.storyline else None, fits=fits)
        if story.storyline and story.id not in parts.parts:  # the fit of the storyline brief (unreadable articles)
            storyline_summary([story], {a.id: a for a in arts}, ctx.settings, docs, parts)
        out.append((parts.parts.get(story.id), fits.fits.get(story.id)))
    return out


def _backfill(ctx: RunContext, touched: set[str], parts: StoryParts, fits: StoryFits) -> None:
    """Once per store: keep the part of every storyline story and the fit of every large story that the brief state
    lacks (a store written before it kept them), so that a stream run fits only the stories it touched. The
    stories this run touches are left to the run itself."""
    store = ctx.store
    if store.get_states(STAGE, [BACKFILLED]):
        return
    # outlines, what the fits read of a story (not its entities, quotes, ...: a large story's record is ~1 MB)
    outlines = store.story_outlines(sid for sid in store.all_story_ids() if sid not in touched)
    stories = [outlines[sid] for sid in sorted(outlines)]
    parts.load(s for s in stories if s.storyline)
    fits.load(s.id for s in stories if len(s.articles) >= REFIT_MIN_ARTICLES)
    todo = [s for s in stories if (s.storyline and s.id not in parts.parts)
            or (len(s.articles) >= REFIT_MIN_ARTICLES and fits.usable(s) is None)]
    weights = [len(s.articles) for s in todo]
    for story, (part, fit) in zip(todo, ctx.map_stories(_keep_batch, todo, sum(weights), weights), strict=True):
        if part is not None:
            parts.keep(story, part)
        if fit is not None:
            fits.put(story.id, fit)
    parts.save()
    fits.save()
    store.put_state(STAGE, {BACKFILLED: "1"})


def _outlines(ctx: RunContext, ids: Iterable[str]) -> dict[str, Story]:
    """The stored stories of these ids as far as the brief reads them (:meth:`Store.story_outlines`); one without
    a first date is read whole, its timeline dating it in the storyline brief (:func:`.summary.story_when`)."""
    out = ctx.store.story_outlines(ids)
    undated = [sid for sid, story in out.items() if story.first_date is None]
    if undated:
        out.update(ctx.store.get_stories(undated))
    return out


def run(ctx: RunContext) -> None:
    """Pipeline stage: the summary of each touched story (all when none), and their storylines' briefs."""
    store, settings = ctx.store, ctx.settings
    everything = not ctx.touched_stories and not ctx.touched_storylines
    # a stream run reads only the stories it touched (and their storylines' members), not the whole store
    if everything:
        all_stories = {s.id: s for s in store.iter_stories()}
    else:
        all_stories = _outlines(ctx, ctx.touched_stories)
    ids = sorted(all_stories) if everything else sorted(ctx.touched_stories & all_stories.keys())
    parts = StoryParts(store, settings)  # storyline picks: made from the fits below, or kept from earlier runs
    fits = StoryFits(store, settings)  # large stories' fits: a stream run extends them instead of refitting
    incremental = not everything and not ctx.full
    if incremental:
        _backfill(ctx, set(ids), parts, fits)
        fits.load(ids)
    done: list[Story] = []
    refit: list[Story] = []
    for sid in ids:
        story = all_stories[sid]
        kept = fits.usable(story) if incremental else None
        if kept is None:
            refit.append(story)
            continue
        fitted = set(kept.articles)
        new = ctx.articles([a for a in story.articles if a not in fitted])
        kept = extend(kept, story, new, ctx.docs(a.id for a in new), settings, CITE_MIN_RECALL)
        fits.put(sid, kept)
        story.summary = kept.summary
        if story.storyline and kept.part is not None:
            parts.keep(story, kept.part)
        # titled from its articles' headlines and leads alone (a story of hundreds of articles)
        story.title = story_title(order_articles(story, store.article_headlines(story.articles))) or story.title
        done.append(story)
    weights = [len(s.articles) for s in refit]
    for story, (summary, title, part, fit) in zip(
            refit, ctx.map_stories(_brief_batch, refit, sum(weights), weights), strict=True):
        story.summary, story.title = summary, title or story.title  # no news headline: the stories stage's title
        if part is not None:
            parts.keep(story, part)
        if fit is not None:
            fits.put(story.id, fit)
        else:
            fits.drop(story.id)  # refitted under the size that keeps a fit
        done.append(story)
    lines: list[Storyline] = []
    touched = {s.id for s in done}
    for line in store.storylines_holding(touched, also=ctx.touched_storylines):
        missing = [s for s in line.stories if s not in all_stories]
        all_stories.update(_outlines(ctx, missing))
        members = [all_stories[s] for s in line.stories if s in all_stories]
        parts.load(s for s in members if s.id not in touched)  # an untouched story's picks are as they were
        need = [a for s in members if s.id not in parts.parts for a in s.articles]
        articles = {a.id: a for a in store.iter_articles([a for a in dict.fromkeys(need) if store.has_article(a)])}
        line.summary = storyline_summary(members, articles, settings, ctx.docs(articles), parts)
        lines.append(line)
    if everything and (done or lines):
        store.put_stories(done, lines)
    elif done or lines:  # outlines: only the brief's own fields are written
        store.put_briefs(done, lines)
    parts.save()
    fits.save()
    if everything:  # a batch run keeps every part and fit: nothing for a stream run to make up
        store.put_state(STAGE, {BACKFILLED: "1"})
