"""The stories stage: which articles report the same real-world event, and how events chain into storylines.

Needs: stored articles with their spaCy docs (the ``nlp`` stage) and ``duplicate_of`` (the ``dedupe`` stage).
Adds: ``article.story``, :class:`Story` and :class:`Storyline` records, and the clusterer's learned state
(``store.put_state("stories", ...)``: document frequencies, story centroids, article features).

* Stream (default): the run's new articles (``ctx.new_ids``), in time order, are assigned to stored stories
  or open new ones (:class:`storyline.story_cluster.StoryClusterer`), then the stories they touched get a
  repair pass (merge with similar stories, split off drifted members). Nothing else is re-clustered; stored
  articles that were never placed (a store filled before this stage existed) wait for ``recluster``.
* Full (``ctx.full``, ``storyline recluster``): :func:`recluster` forgets the state and clusters every
  article in one batch: single pass in time order with the corpus' final IDF, then merge, split, one
  reassignment sweep and a last merge.

Features and similarity are in :mod:`storyline.story_features`; storylines in :mod:`storyline.storylines`.

Articles that cannot be compared (flagged ``non_english``, no paragraphs, or no stored doc) each get a
story of their own, so they still appear in ``stories.json``. Duplicates join their canonical article's
story and do not move its centroid.

Example:
    >>> from storyline.pipeline import RunContext                               # doctest: +SKIP
    >>> run(RunContext(store, settings, new_ids=["a1", "a2"]))                  # doctest: +SKIP
    >>> [s.title for s in filter_stories(list(store.iter_stories()), search="quake")]   # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .config import Settings
from .model import Article, Story, Storyline
from .store import Store
from .story_cluster import StoryClusterer, StoryState
from .story_features import ArticleFeatures, Vocabulary, article_day, featurise, signals
from .storylines import central_entities, link_stories, storyline_id

if TYPE_CHECKING:
    from .extract.nlp import NLP
    from .pipeline import RunContext

STAGE = "stories"
# Articles whose docs are loaded and featurised at once (bounded memory on a 20k-article store).
CHUNK = 200
# A headline tail after one of these separators is the site's name when it is this short ("| Reuters").
_SITE_TAIL = re.compile(r"\s+[|\-–—:»]\s+([^|\-–—:»]{1,40})$")
_SITE_TAIL_WORDS = 4


# -- helpers --------------------------------------------------------------------------------------------
def _clusterer(settings: Settings) -> StoryClusterer:
    """A clusterer with the stage's settings."""
    s = settings.stories
    return StoryClusterer(float(s["threshold"]), float(s["merge_threshold"]), float(s["time_scale_days"]))


def _comparable(article: Article) -> bool:
    """True when the article can be compared with others (English, with text)."""
    return "non_english" not in article.flags and bool(article.paragraphs)


def _time_key(article: Article, seq: int) -> tuple[Any, ...]:
    """Stream order: dated articles by day, then undated ones; ties in ingest order."""
    day = article_day(article)
    return (day is None, day or 0, seq)


def _featurise_all(store: Store, nlp: NLP, articles: Sequence[Article]) -> dict[str, ArticleFeatures]:
    """Features of every comparable article that has a stored doc, in chunks."""
    out: dict[str, ArticleFeatures] = {}
    todo = [a for a in articles if _comparable(a)]
    for i in range(0, len(todo), CHUNK):
        chunk = todo[i : i + CHUNK]
        docs = nlp.load_docs(store.get_docs([a.id for a in chunk]))
        for art in chunk:
            if art.id in docs:
                out[art.id] = featurise(art, docs[art.id])
    return out


def _place(clusterer: StoryClusterer, articles: Sequence[Article], feats: dict[str, ArticleFeatures]) -> set[str]:
    """Assign articles (already in time order) to stories; returns the story ids they went to."""
    touched: set[str] = set()
    for art in articles:
        if art.duplicate_of is None and art.id in feats:
            clusterer.vocab_.add(feats[art.id])
    waiting: list[Article] = []
    for art in articles:
        if art.duplicate_of is not None:
            waiting.append(art)
        elif art.id in feats:
            touched.add(clusterer.assign(feats[art.id], count=False))
        else:
            touched.add(clusterer.assign_solo(art.id))
    for art in waiting:  # copies after every canonical of the batch is placed
        touched.add(clusterer.assign_duplicate(art.id, art.duplicate_of or ""))
    return touched


def clean_title(title: str, outlet: str | None = None) -> str:
    """A headline without the site name tacked on its end ("... | Reuters") and without extra spaces.

    A tail is cut when it names the outlet, looks like a domain, or follows a "|" and is at most
    ``_SITE_TAIL_WORDS`` words; a dash tail that is not the outlet stays ("... - live updates").
    """
    title = " ".join(title.split())
    m = _SITE_TAIL.search(title)
    if m and len(title[: m.start()]) >= 15:
        tail = m.group(1).strip().lower()
        sep = m.group(0).strip()[0]
        out = (outlet or "").strip().lower()
        named = bool(out) and (tail in out or out in tail)
        if named or "." in tail and " " not in tail or sep == "|" and len(tail.split()) <= _SITE_TAIL_WORDS:
            title = title[: m.start()].rstrip()
    return title


def _story_record(st: StoryState, clusterer: StoryClusterer, articles: dict[str, Article]) -> Story:
    """The Story record of one clustered story: ordered articles, dates, outlets, representative title."""
    arts = [articles[a] for a in st.articles if a in articles]
    arts.sort(key=lambda a: (a.published is None or "suspect_date" in a.flags, a.published or "", a.id))
    dates = sorted(a.published[:10] for a in arts if a.published and "suspect_date" not in a.flags)
    outlets = list(dict.fromkeys(a.outlet for a in arts if a.outlet))
    title = ""
    best = -1.0
    for aid in st.members:  # the canonical headline closest to the centroid
        f = clusterer.features_.get(aid)
        art = articles.get(aid)
        if f is None or art is None or not art.title.strip():
            continue
        body, head, ents = signals(f, st.profile, clusterer.vocab_)
        score = 2 * head + body + ents  # the headline and lead that best say what the whole story says
        if score > best:
            best, title = score, clean_title(art.title, art.outlet)
    if not title:
        first = next((a for a in arts if a.title.strip() or a.paragraphs), None)
        if first is not None:
            title = clean_title(first.title, first.outlet)
            if not title and first.paragraphs:
                title = " ".join(first.paragraphs[0].text.split()[:12])
    return Story(id=st.id, title=title, articles=[a.id for a in arts], first_date=dates[0] if dates else None,
                 last_date=dates[-1] if dates else None, outlets=outlets)


def _storylines(clusterer: StoryClusterer, stories: dict[str, Story], settings: Settings) -> list[Storyline]:
    """Link the stories into storylines and set ``story.storyline`` on every given story."""
    profiles = {sid: st.profile for sid, st in clusterer.stories_.items() if not st.solo and st.members}
    groups = link_stories(profiles, clusterer.vocab_, float(settings.stories["storyline_threshold"]),
                          float(settings.stories["time_scale_days"]))
    out: list[Storyline] = []
    line_of: dict[str, str] = {}
    for group in groups:
        members = sorted(group, key=lambda s: (stories[s].first_date or "9999", s))
        line = Storyline(id=storyline_id(members[0]), stories=members)
        big = max(members, key=lambda s: (len(stories[s].articles), s))
        line.title = stories[big].title
        weight: dict[str, float] = {}
        for sid in members:
            for e in central_entities(profiles[sid], clusterer.vocab_):
                weight[e] = weight.get(e, 0.0) + profiles[sid].ents[e]
        line.entities = sorted(weight, key=lambda e: -weight[e])[:5]
        dates = [d for s in members for d in (stories[s].first_date, stories[s].last_date) if d]
        line.first_date, line.last_date = (min(dates), max(dates)) if dates else (None, None)
        out.append(line)
        for sid in members:
            line_of[sid] = line.id
    for sid, story in stories.items():
        story.storyline = line_of.get(sid)
    return out


def _save_state(store: Store, clusterer: StoryClusterer, new_features: Iterable[ArticleFeatures]) -> None:
    """Write the learned state: vocabulary, stories, and the features of newly placed articles."""
    items: dict[str, bytes | str] = {
        "vocab": json.dumps(clusterer.vocab_.to_json()),
        "stories": json.dumps({sid: st.to_json() for sid, st in clusterer.stories_.items()}),
    }
    for f in new_features:
        items["feat:" + f.id] = json.dumps(f.to_json())
    store.put_state(STAGE, items)


def _load_state(store: Store, settings: Settings) -> StoryClusterer | None:
    """The clusterer as the last run left it, or None when nothing is stored."""
    state = store.get_state(STAGE)
    if "stories" not in state:
        return None
    feats = [ArticleFeatures.from_json(json.loads(v)) for k, v in state.items() if k.startswith("feat:")]
    stories = [StoryState.from_json(v) for v in json.loads(state["stories"]).values()]
    return _clusterer(settings).load(Vocabulary.from_json(json.loads(state["vocab"])), stories, feats)


def _write_articles(store: Store, articles: Iterable[Article], clusterer: StoryClusterer) -> None:
    """Set ``article.story`` on the given articles where it changed."""
    changed = []
    for art in articles:
        sid = clusterer.story_of_.get(art.id)
        if sid != art.story:
            art.story = sid
            changed.append(art)
    store.update_articles(changed)


# -- public ---------------------------------------------------------------------------------------------
def recluster(store: Store, settings: Settings, nlp: NLP | None = None, reuse_features: bool = True) -> list[Story]:
    """Cluster every stored article from scratch (batch), store stories and storylines; the stories.

    With ``reuse_features`` the article features stored by earlier runs are used again (they depend only on
    the article and its parse); only articles without stored features are read from their docs. A full run
    after a re-parse passes False.
    """
    seq = {aid: i for i, aid in enumerate(store.article_ids())}
    articles = sorted(store.iter_articles(), key=lambda a: _time_key(a, seq[a.id]))
    canonical = [a for a in articles if a.duplicate_of is None]
    feats: dict[str, ArticleFeatures] = {}
    if reuse_features:
        for key, value in store.get_state(STAGE).items():
            if key.startswith("feat:"):
                f = ArticleFeatures.from_json(json.loads(value))
                feats[f.id] = f
        feats = {a.id: feats[a.id] for a in canonical if a.id in feats and _comparable(a)}
    todo = [a for a in canonical if a.id not in feats and _comparable(a)]
    if todo:
        if nlp is None:
            from .extract.nlp import NLP as _NLP

            nlp = _NLP(settings)
        feats.update(_featurise_all(store, nlp, todo))
    clusterer = _clusterer(settings)
    _place(clusterer, articles, feats)
    dup = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
    clusterer.merge_pass()
    clusterer.split_pass(duplicates=dup)
    clusterer.reassign_pass(dup)
    clusterer.merge_pass()
    clusterer.take_removed()
    by_id = {a.id: a for a in articles}
    stories = {sid: _story_record(st, clusterer, by_id) for sid, st in clusterer.stories_.items()}
    lines = _storylines(clusterer, stories, settings)
    store.clear_state(STAGE)
    _save_state(store, clusterer, clusterer.features_.values())
    store.put_stories(list(stories.values()), lines, replace=True)
    _write_articles(store, articles, clusterer)
    return sorted(stories.values(), key=_newest_first)


def run(ctx: RunContext) -> None:
    """Pipeline stage: place the run's new articles into stories (stream), or recluster when ``ctx.full``."""
    store, settings = ctx.store, ctx.settings
    if ctx.full:
        if store.count_articles():
            ctx.touched_stories |= {s.id for s in recluster(store, settings, ctx.nlp, reuse_features=False)}
        return
    clusterer = _load_state(store, settings) or _clusterer(settings)  # empty on the first run over a store
    seq = {aid: i for i, aid in enumerate(store.article_ids())}
    ids = [aid for aid in dict.fromkeys(ctx.new_ids) if aid in seq and aid not in clusterer.story_of_]
    if not ids:
        return
    articles = sorted(store.iter_articles(ids), key=lambda a: _time_key(a, seq[a.id]))
    feats = _featurise_all(store, ctx.nlp, [a for a in articles if a.duplicate_of is None])
    touched = _place(clusterer, articles, feats)
    dup = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
    touched |= clusterer.merge_pass(touched)
    touched |= clusterer.split_pass(touched, duplicates=dup)
    touched |= clusterer.reassign_pass(dup, among=clusterer.single_neighbours(touched))
    removed = clusterer.take_removed()
    touched = {s for s in touched if s in clusterer.stories_}
    # records: the touched stories in full; the others keep their stored fields, only the storyline may change
    member_ids = [a for sid in touched for a in clusterer.stories_[sid].articles]
    by_id = {a.id: a for a in store.iter_articles(member_ids)}
    stories: dict[str, Story] = {}
    for old in store.iter_stories():
        if old.id in clusterer.stories_ and old.id not in touched:
            stories[old.id] = old
    for sid in touched:
        stories[sid] = _story_record(clusterer.stories_[sid], clusterer, by_id)
    before = {sid: s.storyline for sid, s in stories.items()}
    old_lines = {line.id for line in store.iter_storylines()}
    lines = _storylines(clusterer, stories, settings)
    changed = [s for sid, s in stories.items() if sid in touched or s.storyline != before[sid]]
    _save_state(store, clusterer, feats.values())
    store.delete_stories(removed, old_lines - {line.id for line in lines})
    store.put_stories(changed, lines)
    _write_articles(store, by_id.values(), clusterer)
    ctx.touched_stories -= removed
    ctx.touched_stories |= touched


def _newest_first(story: Story) -> tuple[str, str, str]:
    """Sort key: latest last date first (undated last), then latest first date."""
    inv = str.maketrans("0123456789", "9876543210")
    return ((story.last_date or "").translate(inv) or "~", (story.first_date or "").translate(inv) or "~", story.id)


def filter_stories(
    stories: Sequence[Story],
    since: str | None = None,
    entity: str | None = None,
    search: str | None = None,
    store: Store | None = None,
) -> list[Story]:
    """Stories newest first, keeping those that match every given filter.

    ``since``: last date on or after this ISO date. ``entity``: a story entity's name or alias contains it,
    or (with ``store``) an article of the story mentions it. ``search``: the title, summary or (with
    ``store``) an article's title or text contains it. Matching ignores case.
    """
    out = []
    for story in stories:
        if since and (story.last_date or "") < since:
            continue
        if entity and not _mentions_entity(story, entity.lower(), store):
            continue
        if search and not _contains(story, search.lower(), store):
            continue
        out.append(story)
    return sorted(out, key=_newest_first)


def _article_texts(story: Story, store: Store | None) -> Iterable[str]:
    """Titles and texts of the story's articles (nothing without a store)."""
    if store is None:
        return
    for art in store.iter_articles(story.articles):
        yield art.title.lower()
        yield art.text.lower()


def _mentions_entity(story: Story, needle: str, store: Store | None) -> bool:
    """True when a story entity's name or alias, or an article's text, contains the needle."""
    for ent in story.entities:
        if any(needle in name.lower() for name in [ent.name, *ent.aliases]):
            return True
    return needle in story.title.lower() or any(needle in t for t in _article_texts(story, store))


def _contains(story: Story, needle: str, store: Store | None) -> bool:
    """True when the title, a summary sentence, or an article's title or text contains the needle."""
    if needle in story.title.lower() or any(needle in c.text.lower() for c in story.summary):
        return True
    return any(needle in t for t in _article_texts(story, store))
