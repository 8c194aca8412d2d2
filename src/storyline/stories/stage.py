"""The stories stage: which articles report the same real-world event, and how events chain into storylines.

Needs: stored articles with their spaCy docs (the ``nlp`` stage) and ``duplicate_of`` (the ``dedupe`` stage).
Adds: ``article.story``, :class:`Story` and :class:`Storyline` records, and the clusterer's learned state:
state rows ``feat:<article>`` (features), ``story:<id>`` (centroid and members), ``span:<id>`` (its dates
and size, read first to skip stories too far in time), ``of:<article>`` (its story), ``list:<article>`` (what
its story's record shows of it: :class:`Listing`) and ``n``; document
frequencies (``store.get_counts``); postings (``store.get_postings``) for the candidate index (``k:<term>``
-> stories), storyline candidates (``e:<entity>`` -> stories) and storyline links (``l:<story>`` -> related
stories). A stream run reads and writes only the rows its articles reach.

* Stream (default): the run's new articles (``ctx.new_ids``), in time order, are assigned to stored stories
  or open new ones (:class:`storyline.stories.cluster.StoryClusterer`), then the stories they touched get a
  repair pass (merge with similar stories, split off drifted members). Nothing else is re-clustered; stored
  articles that were never placed (a store filled before this stage existed) wait for ``recluster``.
  The stored candidate index keeps a member's keys as they were when it joined (as the batch run's index
  does within the run); a story merged away or emptied loses its rows and postings. Storylines are
  re-linked around the changed stories only (see :mod:`storyline.stories.storylines`).
  The ``list:`` rows are stamped (state row ``listed``: the code digest, :func:`storyline.store.facts.code_digest`):
  the first stream run under other code lists every placed article again (2.6 s CPU on a 20k store). The
  ``feat:`` rows and the stories' centroids are not: they stay those of the code that placed each article until
  ``recluster``, which featurises every article again (re-featurising on each code change would cost ~4.5 ms
  CPU an article, 90 s on a 20k store, and new features beside centroids made of the old would match neither).
* Full (``ctx.full``, ``storyline recluster``): :func:`recluster` forgets the state and clusters every
  article in one batch: single pass in time order with the corpus' final IDF, then merge, split, one
  reassignment sweep and a last merge.

Features and similarity are in :mod:`storyline.stories.features`; storylines in :mod:`storyline.stories.storylines`.

Identity (:mod:`storyline.stories.identity`): a stream run records the merges and splits of stories a reader
can have seen (stored before the run) with their reasons; a story merged away becomes an alias of its keeper
(the larger story) and a split-off part gets ``split_from``; storylines rebuilt around changed stories keep the
id of the stored storyline they overlap most. ``recluster`` keeps story and storyline ids by best overlap
with those stored before it. Records carry ``aliases``, ``split_from`` and ``history`` (store tables
``aliases`` and ``identity_events``).

Articles that cannot be compared (flagged ``non_english``, no paragraphs, or no stored doc) each get a
story of their own, so they still appear in ``stories.json``. Duplicates join their canonical article's
story and do not move its centroid.

Example:
    >>> from storyline.context import RunContext                                # doctest: +SKIP
    >>> run(RunContext(store, settings, new_ids=["a1", "a2"]))                  # doctest: +SKIP
    >>> [s.title for s in filter_stories(list(store.iter_stories()), search="quake")]   # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..config import Settings
from ..model import Article, Story, Storyline
from ..store import Store
from ..store import facts as store_facts
from ..text.unionfind import UnionFind
from .cluster import StoryClusterer, StorySpan, StoryState, story_id
from .dates import own_date
from .embed import embed_articles, embeddings_mode, get_embedder
from .features import ArticleFeatures, Profile, Vocabulary, article_day, featurise, signals
from .identity import Event, annotate, keep_ids, lasting_events
from .storylines import central_entities, components, link_keys, related_pairs, related_to, storyline_id

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..context import RunContext
    from ..text.parser import NLP

STAGE = "stories"
# How a per-article batch function is run over (article, extra) items: RunContext.map_articles.
MapArticles = Callable[..., Iterator[Any]]
# Articles whose docs are loaded and featurised at once (bounded memory on a 20k-article store).
CHUNK = 200
# A headline tail after one of these separators is the site's name when it is this short ("| Reuters").
_SITE_TAIL = re.compile(r"\s+[|\-–—:»]\s+([^|\-–—:»]{1,40})$")
_SITE_TAIL_WORDS = 4
# ... and only when what is left is a headline of its own (a short title is the whole name: "Reuters - Sport").
_MIN_TITLE_CHARS = 15
# Words of an article's first paragraph that title a story when no member has a headline.
_LEAD_WORDS = 12


# -- helpers --------------------------------------------------------------------------------------------
def _clusterer(settings: Settings) -> StoryClusterer:
    """A clusterer with the stage's settings."""
    s = settings.stories
    # "off" also ignores vectors stored by an earlier run with the extra installed
    dense_weight = s.dense_weight if embeddings_mode(settings) != "off" else 0.0
    return StoryClusterer(s.threshold, s.merge_threshold, s.time_scale_days, dense_weight)


def _comparable(article: Article) -> bool:
    """True when the article can be compared with others (English, with text)."""
    return "non_english" not in article.flags and bool(article.paragraphs)


def _time_key(article: Article, seq: int) -> tuple[Any, ...]:
    """Stream order: dated articles by day, then undated ones; ties in ingest order."""
    day = article_day(article)
    return (day is None, day or 0, seq)


def _featurise_all(map_articles: MapArticles, store: Store, articles: Sequence[Article], settings: Settings
                   ) -> dict[str, ArticleFeatures]:
    """Features of every comparable article that has a stored doc (embedded here in chunks, featurised by
    ``map_articles``: :meth:`storyline.context.RunContext.map_articles`, on every core for a large run)."""
    todo = [a for a in articles if _comparable(a)]
    embedder = get_embedder(settings) if todo else None  # None: embeddings off or the [embed] extra missing
    parsed_ids = store.doc_ids(a.id for a in todo) if todo else set()

    def items() -> Iterator[tuple[Article, Any]]:
        for i in range(0, len(todo), CHUNK):
            parsed = [a for a in todo[i : i + CHUNK] if a.id in parsed_ids]
            dense = embed_articles(parsed, embedder)
            yield from ((art, dense.get(art.id)) for art in parsed)

    return {f.id: f for f in map_articles(_featurise_batch, items(), len(todo))}


def _featurise_batch(nlp: NLP, batch: list[tuple[Article, Doc, Any]]) -> list[ArticleFeatures]:
    """:func:`featurise` of each (article, doc, its embedding or None), its headline tagged here (headlines are
    not in the stored parse of the text): the stage's per-article work, run here or on a worker."""
    titles = nlp.tag_texts([art.title for art, _, _ in batch])
    return [featurise(art, doc, title, dense) for (art, doc, dense), title in zip(batch, titles, strict=True)]


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
    if m and len(title[: m.start()]) >= _MIN_TITLE_CHARS:
        tail = m.group(1).strip().lower()
        sep = m.group(0).strip()[0]
        out = (outlet or "").strip().lower()
        named = bool(out) and (tail in out or out in tail)
        if named or "." in tail and " " not in tail or sep == "|" and len(tail.split()) <= _SITE_TAIL_WORDS:
            title = title[: m.start()].rstrip()
    return title


class Listing(NamedTuple):
    """What a story record shows of one of its articles; stored (state row ``list:<id>``) with the article's
    features, so a stream run builds the records of the stories it changed without reading their articles."""

    id: str
    day: str | None  # its own date evidence over a page's stray date (:func:`own_date`)
    title: str
    outlet: str | None
    lead: str | None  # the first paragraph's first _LEAD_WORDS words; None when it has no paragraphs

    @classmethod
    def of(cls, art: Article) -> Listing:
        """The listing of an article."""
        lead = " ".join(art.paragraphs[0].text.split()[:_LEAD_WORDS]) if art.paragraphs else None
        return cls(art.id, own_date(art), art.title, art.outlet, lead)


def _story_record(st: StoryState, clusterer: StoryClusterer, listings: dict[str, Listing]) -> Story:
    """The Story record of one clustered story: ordered articles, dates, outlets, representative title."""
    arts = [listings[a] for a in st.articles if a in listings]
    arts.sort(key=lambda a: (a.day is None, a.day or "", a.id))
    dates = sorted(a.day for a in arts if a.day)
    outlets = list(dict.fromkeys(a.outlet for a in arts if a.outlet))
    title = ""
    best = -1.0
    for aid in st.members:  # the canonical headline closest to the centroid
        f = clusterer.features_.get(aid)
        art = listings.get(aid)
        if f is None or art is None or not art.title.strip():
            continue
        body, head, ents = signals(f, st.profile, clusterer.vocab_)
        score = 2 * head + body + ents  # the headline and lead that best say what the whole story says
        if score > best:
            best, title = score, clean_title(art.title, art.outlet)
    if not title:
        first = next((a for a in arts if a.title.strip() or a.lead is not None), None)
        if first is not None:
            title = clean_title(first.title, first.outlet)
            if not title and first.lead is not None:
                title = first.lead
    return Story(id=st.id, title=title, articles=[a.id for a in arts], first_date=dates[0] if dates else None,
                 last_date=dates[-1] if dates else None, outlets=outlets)


def _storyline_record(members: list[str], stories: dict[str, Story], profiles: dict[str, Profile],
                      vocab: Vocabulary) -> Storyline:
    """The Storyline of linked stories: ordered in time, titled after its biggest story, its main entities."""
    members = sorted(members, key=lambda s: (stories[s].first_date or "9999", s))
    line = Storyline(id=storyline_id(members[0]), stories=members)
    big = max(members, key=lambda s: (len(stories[s].articles), s))
    line.title = stories[big].title
    weight: dict[str, float] = {}
    for sid in members:
        for e in central_entities(profiles[sid], vocab):
            weight[e] = weight.get(e, 0.0) + profiles[sid].ents[e]
    line.entities = sorted(weight, key=lambda e: -weight[e])[:5]
    dates = [d for s in members for d in (stories[s].first_date, stories[s].last_date) if d]
    line.first_date, line.last_date = (min(dates), max(dates)) if dates else (None, None)
    return line


def _linkable(clusterer: StoryClusterer) -> dict[str, Profile]:
    """Profiles of the loaded stories that can join a storyline (not solo, with members)."""
    return {sid: st.profile for sid, st in clusterer.stories_.items() if not st.solo and st.members}


def _storylines(clusterer: StoryClusterer, stories: dict[str, Story], settings: Settings,
                links: list[tuple[str, str]]) -> list[Storyline]:
    """Storylines of every story from its related pairs; sets ``story.storyline`` on every given story."""
    profiles = _linkable(clusterer)
    uf = UnionFind(profiles)
    for a, b in links:
        uf.union(a, b)
    out: list[Storyline] = []
    line_of: dict[str, str] = {}
    for group in uf.groups():
        if len(group) > 1:
            out.append(_storyline_record(group, stories, profiles, clusterer.vocab_))
            line_of.update(dict.fromkeys(group, out[-1].id))
    for sid, story in stories.items():
        story.storyline = line_of.get(sid)
    return out


# -- persistence ----------------------------------------------------------------------------------------
# State rows of the stage (``store.get_state``): one per article's features, per story, per placed article.
_FEAT, _STORY, _OF = "feat:", "story:", "of:"
_SPAN = "span:"  # a story's date range, size and solo flag: what candidate filters read before the story
_LIST = "list:"  # an article's Listing (what its story's record shows of it)
# The code digest (store.facts.code_digest) under which every placed article got its listing row: a store of an
# earlier version, or written by other code, gets them all again once (2.6 s CPU on a 20k store, measured).
_LISTED = "listed"
_N = "n"  # how many canonical articles the document frequencies count
_LEGACY = "stories"  # before per-story rows: every story in one JSON value (read once, then converted)
# Posting keys (``store.get_postings``): candidate index (key -> stories), central entity -> stories, and a
# story's storyline links (story -> related stories).
_KEY, _ENT, _LINK = "k:", "e:", "l:"


class _StoredState:
    """The clusterer's view of the store (a :class:`storyline.stories.cluster.StateSource`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _rows(self, prefix: str, ids: Iterable[str]) -> dict[str, Any]:
        """Stored values of ``prefix + id`` by id."""
        rows = self.store.get_states(STAGE, [prefix + i for i in ids])
        return {k[len(prefix):]: v for k, v in rows.items()}

    def stories(self, ids: Iterable[str]) -> dict[str, StoryState]:
        """Stored stories by id."""
        return {sid: StoryState.from_dict(json.loads(v)) for sid, v in self._rows(_STORY, ids).items()}

    def spans(self, ids: Iterable[str]) -> dict[str, StorySpan]:
        """Stored story spans by id."""
        return {sid: StorySpan(*json.loads(v)) for sid, v in self._rows(_SPAN, ids).items()}

    def features(self, ids: Iterable[str]) -> dict[str, ArticleFeatures]:
        """Stored features by article id."""
        return {aid: ArticleFeatures.from_dict(json.loads(v)) for aid, v in self._rows(_FEAT, ids).items()}

    def story_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The story each placed article is in."""
        return {aid: str(v) for aid, v in self._rows(_OF, article_ids).items()}

    def listings(self, article_ids: Iterable[str]) -> dict[str, Listing]:
        """Stored listings by article id."""
        return {aid: Listing(aid, *json.loads(v)) for aid, v in self._rows(_LIST, article_ids).items()}

    def postings(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """Candidate stories by index key."""
        out: dict[str, set[str]] = defaultdict(set)
        for k, sid in self.store.get_postings(STAGE, keys=[_KEY + k for k in keys]):
            out[k[len(_KEY):]].add(sid)
        return out

    def counts(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequencies by term."""
        return self.store.get_counts(STAGE, terms)


def _listing_rows(listings: Iterable[Listing]) -> dict[str, bytes | str]:
    """State rows of article listings."""
    return {_LIST + x.id: json.dumps(x[1:]) for x in listings}


def _save_all(store: Store, clusterer: StoryClusterer, links: list[tuple[str, str]],
              listings: Iterable[Listing] = ()) -> None:
    """Replace the stage's stored state by a clusterer held in memory (after a batch run), its links and the
    articles' listings."""
    store.clear_state(STAGE)
    items: dict[str, bytes | str] = {_N: str(clusterer.vocab_.n_), _LISTED: store_facts.code_digest(),
                                     **_listing_rows(listings)}
    items.update({_FEAT + aid: json.dumps(f.to_dict()) for aid, f in clusterer.features_.items()})
    items.update({_STORY + sid: json.dumps(st.to_dict()) for sid, st in clusterer.stories_.items()})
    items.update({_SPAN + sid: json.dumps(StorySpan.of(st)) for sid, st in clusterer.stories_.items()})
    items.update({_OF + aid: sid for aid, sid in clusterer.story_of_.items() if sid in clusterer.stories_})
    store.put_state(STAGE, items)
    store.put_counts(STAGE, clusterer.vocab_.df_)
    store.add_postings(STAGE, ((_KEY + k, sid) for k, sid in clusterer.index_postings()))
    store.add_postings(STAGE, ((_ENT + e, sid) for sid, p in _linkable(clusterer).items()
                               for e in link_keys(p, clusterer.vocab_)))
    store.add_postings(STAGE, ((_LINK + a, b) for x, y in links for a, b in ((x, y), (y, x))))


def _save_changes(store: Store, clusterer: StoryClusterer, new_features: Iterable[ArticleFeatures],
                  removed: set[str], listings: Iterable[Listing]) -> None:
    """Write what a stream run changed: new features, listings, counts and index entries, changed and removed
    stories."""
    new_features = list(new_features)
    live = {sid for sid in clusterer.dirty_ if sid in clusterer.stories_}
    items: dict[str, bytes | str] = {_N: str(clusterer.vocab_.n_), **_listing_rows(listings)}
    items.update({_FEAT + f.id: json.dumps(f.to_dict()) for f in new_features})
    for sid in clusterer.restamped_ - live:  # unchanged but for when they were last judged
        if sid in clusterer.stories_:
            items[_STORY + sid] = json.dumps(clusterer.stories_[sid].to_dict())
    for sid in live:
        st = clusterer.stories_[sid]
        items[_STORY + sid] = json.dumps(st.to_dict())
        items[_SPAN + sid] = json.dumps(StorySpan.of(st))
        items.update({_OF + aid: sid for aid in st.articles})
    terms = {t for f in new_features for t in (*f.body, *("@" + e for e in f.ents))}
    store.delete_state(STAGE, [p + sid for sid in removed - live for p in (_STORY, _SPAN)])
    store.delete_postings(STAGE, items=removed - live)
    store.put_state(STAGE, items)
    store.put_counts(STAGE, {t: clusterer.vocab_.df_[t] for t in terms})
    store.add_postings(STAGE, [(_KEY + k, sid) for k, sid in clusterer.new_postings_ if sid in clusterer.stories_])


def _load_legacy(store: Store, settings: Settings) -> StoryClusterer | None:
    """The clusterer from state stored in the one-value layout of earlier versions, or None."""
    if not store.get_state(STAGE, _LEGACY):  # one key lookup: the usual case costs nothing
        return None
    state = store.get_state(STAGE)
    feats = [ArticleFeatures.from_dict(json.loads(v)) for k, v in state.items() if k.startswith(_FEAT)]
    stories = [StoryState.from_dict(v) for v in json.loads(state[_LEGACY]).values()]
    vocab = json.loads(state["vocab"])  # {"n": counted articles, "df": term -> document frequency}
    return _clusterer(settings).load(Vocabulary(int(vocab.get("n", 0)), Counter(vocab.get("df", {}))), stories, feats)


def _upgrade(store: Store, settings: Settings) -> None:
    """Convert state of the one-value layout to rows, and list again every placed article of a store whose listing
    rows were written by other code (an earlier version; once each code change); stored stories and storylines
    stay as they are."""
    code = store_facts.code_digest()
    if store.get_state(STAGE, _LISTED).get(_LISTED) != code:
        placed = store.get_state(STAGE, _N) or store.get_state(STAGE, _LEGACY)  # nothing placed: the run lists its own
        rows = _listing_rows(Listing.of(a) for a in store.iter_articles()) if placed else {}
        store.put_state(STAGE, {**rows, _LISTED: code})
    clusterer = _load_legacy(store, settings)
    if clusterer is None:
        return
    s = settings.stories
    links = related_pairs(_linkable(clusterer), clusterer.vocab_, s.storyline_threshold,
                          s.time_scale_days, s.saga_threshold)
    with store.transaction():
        _save_all(store, clusterer, links)


def _relink(store: Store, clusterer: StoryClusterer, fresh: dict[str, Story], removed: set[str],
            settings: Settings) -> tuple[list[Story], list[Storyline], set[str]]:
    """Re-link the changed stories into storylines; (stories whose storyline changed, lines to put, lines to drop).

    The links of the stories in ``fresh`` (records built this run) and of ``removed`` ones are dropped; each
    fresh story is linked again to the stories sharing one of its central entities; every other stored link
    stays. The storylines reached from the changed stories and their former neighbours are then rebuilt.
    Writes the new links and entity postings; ``fresh`` records get their ``storyline``.
    """
    changed = set(fresh) | removed
    drop, former = _old_links(store, changed)
    central, new = _new_links(store, clusterer, fresh, changed, settings)
    store.delete_postings(STAGE, pairs=drop)
    store.add_postings(STAGE, [(_ENT + e, sid) for sid, ents in central.items() for e in ents]
                       + [(_LINK + a, b) for a, bs in new.items() for b in bs])

    def neighbours(ids: Iterable[str]) -> dict[str, set[str]]:
        """Links after the update (the stored ones were just rewritten)."""
        out: dict[str, set[str]] = defaultdict(set)
        for key, item in store.get_postings(STAGE, keys=[_LINK + i for i in ids]):
            out[key[len(_LINK):]].add(item)
        return out

    comps = components((set(fresh) | former | set(new)) - removed, neighbours)
    return _rebuild_lines(store, clusterer, comps, fresh, removed)


def _old_links(store: Store, changed: set[str]) -> tuple[list[tuple[str, str]], set[str]]:
    """The stored link and entity postings of the changed stories (to drop), and the stories they linked to."""
    drop: list[tuple[str, str]] = []
    former: set[str] = set()  # stories linked to a changed one before this run
    for key, item in store.get_postings(STAGE, keys=[_LINK + sid for sid in changed], items=changed):
        if key.startswith(_LINK):
            drop.append((key, item))
            former |= {key[len(_LINK):], item}
        elif key.startswith(_ENT):
            drop.append((key, item))
    return drop, former


def _new_links(store: Store, clusterer: StoryClusterer, fresh: dict[str, Story], changed: set[str],
               settings: Settings) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Link keys of each fresh story, and its related stories among those sharing a key (both ways)."""
    s = settings.stories
    vocab = clusterer.vocab_
    profiles = {sid: p for sid, p in _linkable(clusterer).items() if sid in fresh}
    central = {sid: link_keys(p, vocab) for sid, p in profiles.items()}
    holders: dict[str, set[str]] = defaultdict(set)
    for key, item in store.get_postings(STAGE, keys={_ENT + e for ents in central.values() for e in ents}):
        if item not in changed:
            holders[key[len(_ENT):]].add(item)
    for sid, ents in central.items():
        for e in ents:
            holders[e].add(sid)
    clusterer.load_stories({o for h in holders.values() for o in h})
    others = _linkable(clusterer)
    new: dict[str, set[str]] = defaultdict(set)
    for sid, ents in central.items():
        near = {o: others[o] for e in ents for o in holders[e] if o in others}
        for o in related_to(sid, profiles[sid], near, vocab, s.storyline_threshold, s.time_scale_days,
                            s.saga_threshold):
            new[sid].add(o)
            new[o].add(sid)
    return central, new


def _rebuild_lines(store: Store, clusterer: StoryClusterer, comps: list[list[str]], fresh: dict[str, Story],
                   removed: set[str]) -> tuple[list[Story], list[Storyline], set[str]]:
    """Storylines of the linked components; (stored stories whose storyline changed, lines to put, lines gone)."""
    area = {sid for comp in comps for sid in comp}
    stored = store.get_stories((area | removed) - fresh.keys())  # a fresh story's record was just built: of its
    records = {**stored, **fresh}  # stored one only the storyline is read (a big story's record is large)
    old_lines = {st.storyline for st in stored.values() if st.storyline}
    old_lines |= {line for line in store.story_storylines(area & fresh.keys()).values() if line}
    lines: list[Storyline] = []
    line_of: dict[str, str | None] = dict.fromkeys(a for a in area if a in records)
    for comp in comps:
        comp = [sid for sid in comp if sid in records]  # a link to a story without a record is stale
        if len(comp) > 1:
            clusterer.load_stories(comp)
            lines.append(_storyline_record(comp, records, _linkable(clusterer), clusterer.vocab_))
            line_of.update(dict.fromkeys(comp, lines[-1].id))
    _keep_line_ids(store, lines, old_lines, records, line_of)
    moved = []
    for sid, line in line_of.items():
        story = records[sid]
        if sid in fresh:
            story.storyline = line
        elif story.storyline != line:
            story.storyline = line
            moved.append(story)
    before = store.get_storylines(line.id for line in lines)
    put = [line for line in lines if line.id not in before or _line_fields(before[line.id]) != _line_fields(line)]
    return moved, put, old_lines - {line.id for line in lines}


def _retired(store: Store, kind: str) -> Any:
    """A test for ids no new story (or storyline) may take: the aliases of those merged away."""
    return lambda item: store.resolve_alias(kind, item) != item


def _keep_line_ids(store: Store, lines: list[Storyline], old_lines: set[str], records: dict[str, Story],
                   line_of: dict[str, str | None]) -> None:
    """Give rebuilt storylines the ids of the stored ones they overlap most; record merges and splits of lines.

    Renames ``lines`` in place and follows in ``line_of`` and the story ``records`` (their ``storyline``).
    """
    before = store.get_storylines(old_lines)
    old = {lid: [store.resolve_alias("story", sid) for sid in line.stories] for lid, line in before.items()}
    rename, events = keep_ids(old, {line.id: line.stories for line in lines}, _retired(store, "storyline"),
                              lambda lid: storyline_id(lid), "story")
    for line in lines:
        line.id = rename.get(line.id, line.id)
    for sid, lid in line_of.items():
        line_of[sid] = rename.get(lid, lid) if lid else lid
    for story in records.values():
        if story.storyline in rename:
            story.storyline = rename[story.storyline]
    store.add_identity_events("storyline", events, time.time())
    annotate(store, "storyline", lines)


def _line_fields(line: Storyline) -> tuple[Any, ...]:
    """What the stories stage sets on a storyline (a storyline whose fields are unchanged is not rewritten)."""
    return (line.stories, line.title, line.entities, line.first_date, line.last_date)


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
def recluster(store: Store, settings: Settings, nlp: NLP | None = None, reuse_features: bool = True,
              map_articles: MapArticles | None = None) -> list[Story]:
    """Cluster every stored article from scratch (batch), store stories and storylines; the stories.

    ``map_articles`` (a run's :meth:`storyline.context.RunContext.map_articles`) featurises the articles; without
    it they are featurised in this process.

    With ``reuse_features`` the article features stored by earlier runs are used again (they depend only on
    the article and its parse); only articles without stored features are read from their docs. A full run
    after a re-parse passes False.
    """
    seq = {aid: i for i, aid in enumerate(store.article_ids())}
    articles = sorted(store.iter_articles(), key=lambda a: _time_key(a, seq[a.id]))
    old_stories = {st.id: st.articles for st in store.iter_stories()}
    old_lines = {line.id: line.stories for line in store.iter_storylines()}
    canonical = [a for a in articles if a.duplicate_of is None]
    feats: dict[str, ArticleFeatures] = {}
    if reuse_features:
        for value in store.get_state(STAGE, prefix=_FEAT).values():
            f = ArticleFeatures.from_dict(json.loads(value))
            feats[f.id] = f
        feats = {a.id: feats[a.id] for a in canonical if a.id in feats and _comparable(a)}
    todo = [a for a in canonical if a.id not in feats and _comparable(a)]
    if todo:
        if map_articles is None:  # outside a run (``storyline recluster``): in this process, reading the docs
            from ..context import RunContext

            map_articles = RunContext(store, settings, workers=1, _nlp=nlp).map_articles
        feats.update(_featurise_all(map_articles, store, todo, settings))
    clusterer = _clusterer(settings)
    _place(clusterer, articles, feats)
    dup = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
    clusterer.merge_pass()
    clusterer.split_pass(duplicates=dup)
    clusterer.reassign_pass(dup)
    clusterer.merge_pass()
    clusterer.take_removed()
    # ids by best overlap with the stories stored before (the batch's own merges and splits are not history)
    rename, events = keep_ids(old_stories, {sid: st.articles for sid, st in clusterer.stories_.items()},
                              _retired(store, "story"), story_id, "article")
    clusterer.rename(rename)
    listings = {a.id: Listing.of(a) for a in articles}
    stories = {sid: _story_record(st, clusterer, listings) for sid, st in clusterer.stories_.items()}
    s = settings.stories
    links = related_pairs(_linkable(clusterer), clusterer.vocab_, s.storyline_threshold,
                          s.time_scale_days, s.saga_threshold)
    lines = _storylines(clusterer, stories, settings, links)
    home = {other: keeper for event, keeper, other, _ in events if event == "merge"}
    old_lines = {lid: [home.get(sid, sid) for sid in members] for lid, members in old_lines.items()}
    line_rename, line_events = keep_ids(old_lines, {line.id: line.stories for line in lines},
                                        _retired(store, "storyline"), storyline_id, "story")
    for line in lines:
        line.id = line_rename.get(line.id, line.id)
    for story in stories.values():
        story.storyline = line_rename.get(story.storyline or "", story.storyline)
    with store.transaction():
        _record(store, "story", events, stories.values())
        _record(store, "storyline", line_events, lines)
        _save_all(store, clusterer, links, listings.values())
        store.put_stories(list(stories.values()), lines, replace=True)
        _write_articles(store, articles, clusterer)
    return sorted(stories.values(), key=_newest_first)


def attached(store: Store, settings: Settings) -> StoryClusterer:
    """A clusterer reading the stage's stored state lazily (what a stream run and ``storyline why`` start from)."""
    n = int(store.get_state(STAGE, _N).get(_N, 0))
    clusterer = _clusterer(settings).attach(_StoredState(store), n)
    clusterer.retired = _retired(store, "story")
    return clusterer


def _record(store: Store, kind: str, events: list[Event], records: Iterable[Story] | Iterable[Storyline]) -> None:
    """Store merge and split events (now), make the live ids no aliases, and annotate the records."""
    items: list[Story | Storyline] = list(records)
    store.add_identity_events(kind, events, time.time())
    store.unalias(kind, [r.id for r in items])
    annotate(store, kind, items)


def run(ctx: RunContext) -> None:
    """Pipeline stage: place the run's new articles into stories (stream), or recluster when ``ctx.full``.

    A stream run reads only the stored state its articles reach (see :class:`StoryClusterer`) and writes
    back what changed, in one transaction.
    """
    store, settings = ctx.store, ctx.settings
    if ctx.full:
        if store.count_articles():
            reclustered = recluster(store, settings, ctx.nlp, reuse_features=False, map_articles=ctx.map_articles)
            ctx.touched_stories |= {s.id for s in reclustered}
        return
    _upgrade(store, settings)
    clusterer = attached(store, settings)  # empty on the first run over a store
    source = _StoredState(store)
    seq = store.article_seqs(ctx.new_ids)
    ids = [aid for aid in dict.fromkeys(ctx.new_ids) if aid in seq]
    placed = source.story_of(ids)
    ids = [aid for aid in ids if aid not in placed]
    if not ids:
        return
    articles = sorted(store.iter_articles(ids), key=lambda a: _time_key(a, seq[a.id]))
    feats = _featurise_all(ctx.map_articles, store, [a for a in articles if a.duplicate_of is None], settings)
    clusterer.learn_terms(feats.values())
    touched = _place(clusterer, articles, feats)
    dup = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
    touched |= clusterer.merge_pass(touched)
    touched |= clusterer.split_pass(touched, duplicates=dup, lazy=True)
    touched |= clusterer.reassign_pass(dup, among=clusterer.single_neighbours(touched), lazy=True)
    removed = clusterer.take_removed()
    touched = {s for s in touched | clusterer.dirty_ if s in clusterer.stories_}
    # records: the touched stories in full; the others keep their stored fields, only the storyline may change
    clusterer.load_features(a for sid in touched for a in clusterer.stories_[sid].members)
    wanted = [a for sid in touched for a in clusterer.stories_[sid].articles]
    listings, new_listings = _listings(store, source, articles, wanted)
    fresh = {sid: _story_record(clusterer.stories_[sid], clusterer, listings) for sid in touched}
    placed_now = _moved_articles(store, source, articles, wanted, clusterer)  # before the new placements are saved
    steps = clusterer.events_
    stored = set(source.spans({st.other for st in steps if st.event == "merge"}
                              | {st.story for st in steps if st.event == "split"}))
    with store.transaction():
        _record(store, "story", lasting_events(steps, stored), fresh.values())
        moved, lines, gone_lines = _relink(store, clusterer, fresh, removed, settings)
        _save_changes(store, clusterer, feats.values(), removed, new_listings)
        store.delete_stories(removed - touched, gone_lines)
        store.put_stories([*fresh.values(), *moved], lines)
        _write_articles(store, placed_now, clusterer)
    ctx.touched_stories -= removed
    ctx.touched_stories |= touched
    ctx.touched_storylines |= {line.id for line in lines}  # rebuilt records carry no timeline or brief yet


def _listings(store: Store, source: _StoredState, articles: list[Article], wanted: list[str]
              ) -> tuple[dict[str, Listing], list[Listing]]:
    """Listings of the wanted articles: the run's own from its articles, the others from their stored rows (an
    article placed by a version that stored none is read once); (listings by id, those to store)."""
    out = {a.id: Listing.of(a) for a in articles}
    new = list(out.values())
    stored = source.listings(aid for aid in wanted if aid not in out)
    out.update(stored)
    missing = [aid for aid in wanted if aid not in out]
    if missing:
        new += [Listing.of(a) for a in store.iter_articles(missing)]
        out.update((x.id, x) for x in new)
    return out, new


def _moved_articles(store: Store, source: _StoredState, articles: list[Article], wanted: list[str],
                    clusterer: StoryClusterer) -> list[Article]:
    """The run's articles, and the stored articles of the changed stories that are now in another story than
    their stored one (only those are read)."""
    own = {a.id for a in articles}
    before = source.story_of(aid for aid in wanted if aid not in own)
    moved = [aid for aid, sid in before.items() if clusterer.story_of_.get(aid) != sid]
    moved += [aid for aid in wanted if aid not in own and aid not in before]  # never placed: read to be sure
    return [*articles, *store.iter_articles(moved)]


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
