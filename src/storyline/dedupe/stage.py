"""The dedupe stage: group near-copies around a canonical article, then trace reused passages.

Only the articles this stage has not seen (``ctx.new_ids``, plus any stored article a run skipped it for; or
everything when ``ctx.full``) are signed, in ingest order; each is checked against the stored signatures
through the LSH indexes, and only the stored articles it matches are re-read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..config import DedupeSettings
from ..model import Article
from ..store import Store
from ..text.fingerprint import content_hash
from .index import STAGE, DedupeIndex, Entry
from .leads import (
    is_reedited_copy,
    is_version,
    later_of,
    leads_match,
    match_paragraphs,
    same_headline,
    same_outlet,
)
from .lookup import LazyDict
from .passages import Unit, is_stitched, paragraph_words, passage_units, provenance
from .shingles import jaccard, overlap, unique_sorted

if TYPE_CHECKING:
    from ..context import RunContext

# Flags this stage owns: recomputed on every article it touches.
OWN_FLAGS = ("syndicated", "exact_duplicate", "stitched")
# Articles signed per pass. A pass holds its articles, shingle sets and passage units in memory (~0.8 GB for
# 20k articles, bench/dedupe.py); successive passes give the same result as successive incremental runs, so
# larger full runs stay bounded. Each extra pass re-joins all passage keys and re-reads the stored articles
# it touches (5k passes: 20k articles in 38 s CPU / 0.5 GB instead of 27 s / 0.8 GB), hence one pass up to 20k.
PASS_SIZE = 20_000
# A run adding fewer than LARGE_RUN articles, or fewer than 1/STREAM_SHARE of the store's, is a stream run: it
# reads by key what its articles meet (:mod:`.lookup`). A larger one loads the whole index, which then costs
# less than its own work, and writes no lookups unless the store has them (bench/dedupe.py's corpus: writing them
# costs a first batch run of 5k articles 6.3 -> 7.4 s CPU; under LARGE_RUN articles it is a few hundredths of a
# second). STREAM_SHARE is the share of ``bands.FEW_WANTED``; at 5k stored, 100 new articles cost 0.57 s CPU
# loaded and 0.67 s looked up, one new article into a 20k store 0.50 s loaded and 0.02 s looked up.
LARGE_RUN = 500
STREAM_SHARE = 8
# Finds, for each wanted id, the ids sharing a key with it among (key, id) rows: an engine's shuffle
# (``engines.ray``: groupby key, map_groups) in place of the LSH queries of this process.
Collide = Callable[[Iterable[tuple[str, str]], set[str]], dict[str, set[str]]]


class _Features:
    """Shingle sets of articles, computed once per run (from the batch or read back from the store)."""

    def __init__(self, store: Store, index: DedupeIndex, params: DedupeSettings) -> None:
        self.store, self.index, self.params = store, index, params
        self.articles: dict[str, Article] = {}
        self._shingles: dict[str, np.ndarray] = {}
        self._units: dict[str, list[Unit]] = {}
        self._paragraphs: dict[str, list[tuple[int, np.ndarray]]] = {}  # word hashes, until units are made
        self.n_words: dict[str, int] = {}
        self.before: dict[str, tuple[Any, ...]] = {}
        # LSH neighbours of the new articles' passages: (article, unit) -> [(other article, unit)]
        self.hits: dict[tuple[str, int], list[tuple[str, int]]] = {}

    def article(self, aid: str) -> Article:
        """The article (read from the store on first use)."""
        art = self.articles.get(aid)
        if art is None:
            art = self.add(self.store.get_article(aid))
        return art

    def add(self, art: Article) -> Article:
        """Keep an article read elsewhere, and remember what this stage's fields were, to write only changes."""
        self.articles[art.id] = art
        self.before[art.id] = _own_fields(art)
        return art

    def changed(self) -> list[Article]:
        """Articles whose dedupe fields differ from when they were read."""
        return [art for aid, art in self.articles.items() if _own_fields(art) != self.before[aid]]

    def _tokenise(self, aid: str) -> list[tuple[int, np.ndarray]]:
        """Word hashes of the analysed paragraphs; fills in the article's shingle set and word count."""
        art = self.article(aid)
        paragraphs = paragraph_words(art, self.index.hasher)
        self._paragraphs[aid] = paragraphs
        hashes = np.concatenate([h for _, h in paragraphs]) if paragraphs else np.empty(0, dtype=np.uint64)
        self.n_words[aid] = len(hashes)
        self._shingles[aid] = unique_sorted(self.index.hasher.shingle_hashes(hashes, self.index.shingle))
        return paragraphs

    def shingles(self, aid: str) -> np.ndarray:
        """Shingle set of the article's analysed text."""
        if aid not in self._shingles:
            self._tokenise(aid)
        return self._shingles[aid]

    def forget_shingles(self) -> None:
        """Free the article shingle sets once grouping is done (the passage units stay)."""
        self._shingles.clear()

    def units(self, aid: str) -> list[Unit]:
        """Passage units of the article."""
        units = self._units.get(aid)
        if units is None:
            paragraphs = self._paragraphs.pop(aid, None)
            if paragraphs is None:
                paragraphs = self._tokenise(aid)
                self._paragraphs.pop(aid, None)
            units = passage_units(self.article(aid), self.index.passage_hasher, self.params, paragraphs)
            self._units[aid] = units
        return units


def _own_fields(art: Article) -> tuple[Any, ...]:
    """The fields this stage writes, for change detection."""
    return (art.content_hash, art.duplicate_of, art.updates, tuple(art.flags),
            tuple(str(p.reused_from) for p in art.paragraphs))


def _rank(index: DedupeIndex, aid: str) -> tuple[Any, ...]:
    """Sort key of the canonical choice: earliest published, else first seen, else longest."""
    e = index.entries_[aid]
    return (e.published is None, e.published or "", e.order, -e.words)


def _too_short(art: Article, n_words: int, params: DedupeSettings) -> bool:
    """Too little text to judge: flagged by ingest, or fewer words than ``min_words`` (or one shingle)."""
    return "too_short" in art.flags or n_words < max(params.min_words, params.shingle)


def run(ctx: RunContext) -> None:
    """Pipeline stage: mark syndicated and exact copies, stitched pages, and passage provenance."""
    store, params = ctx.store, ctx.settings.dedupe
    collide = ctx.mapper.collide if ctx.mapper is not None else None
    # a stream run looks the new articles' band keys up in the store instead of loading every signature (an
    # engine's shuffle of band keys needs them all); a large run loads them, and leaves the lookups a stream run
    # reads to the first stream run (bench/dedupe.py: writing them costs a batch run ~18% more CPU)
    stream = len(ctx.new_ids) < LARGE_RUN or len(ctx.new_ids) * STREAM_SHARE < store.max_seq()
    index = DedupeIndex(params).fit(store, lazy=stream and not ctx.full and collide is None)
    full = ctx.full or index.stale_
    if full:
        store.clear_state(STAGE)
        index = DedupeIndex(params).fit(store)
    # ctx.new_ids, and any stored article this stage has not seen yet (ingested by a run that skipped it); a lazy
    # index lists only the articles after those it knows all have an entry
    listed = store.articles_since(index.seen_)
    seen = listed[-1][1] if listed else None
    if full:
        ids = [aid for aid, _ in listed]
    else:
        if isinstance(index.entries_, LazyDict):
            index.entries_.fetch(aid for aid, _ in listed)
        ids = [aid for aid, _ in listed if aid not in index.entries_]
    for start in range(0, len(ids), PASS_SIZE):
        last = start + PASS_SIZE >= len(ids)
        _run_pass(store, index, ids[start : start + PASS_SIZE], full, params, collide, seen if last else None)
    if not ids and seen is not None and index.lookup_ and seen != index.seen_stored_:
        index.save(store, set(), set(), seen)


def _run_pass(store: Store, index: DedupeIndex, ids: list[str], reset: bool, params: DedupeSettings,
              collide: Collide | None = None, seen: int | None = None) -> None:
    """Dedupe one pass of unseen articles against everything indexed so far, and write the results
    (``collide``: the engine's grouping of band keys that proposes the candidates, else the LSH here)."""
    feats = _Features(store, index, params)
    batch = [feats.add(art) for art in store.iter_articles(ids)]
    if reset:
        for art in batch:
            art.duplicate_of = None  # ``updates`` stays: a version link set at ingest (the follower) is a fact
            art.flags = [f for f in art.flags if f not in OWN_FLAGS]
            for para in art.paragraphs:
                para.reused_from = []
    entries = _entries(batch, index.next_order, feats, params)
    shared = _index_passages(batch, entries, index, feats)
    regrouped = _group_articles(batch, entries, shared, index, feats, collide)
    feats.forget_shingles()
    signed = {art.id for art in batch}
    _trace_passages(signed, index, feats, params.stitched_share)
    for aid in regrouped | signed:
        _apply_group(feats.article(aid), index)
    store.update_articles(feats.changed())
    index.save(store, regrouped | signed, signed, seen)


def _entries(batch: list[Article], order: int, feats: _Features, params: DedupeSettings) -> dict[str, Entry]:
    """What dedupe remembers of each new article (also fills in a missing ``content_hash``)."""
    out = {}
    for art in batch:
        if not art.content_hash:
            art.content_hash = content_hash(art)
        feats.shingles(art.id)
        n_words = feats.n_words[art.id]
        published = art.published[:10] if art.published else None
        out[art.id] = Entry(order=order, published=published, words=n_words, hash=art.content_hash,
                            short=_too_short(art, n_words, params))
        order += 1
    return out


def _group_articles(
    batch: list[Article], entries: dict[str, Entry], shared: dict[str, set[str]], index: DedupeIndex, feats: _Features,
    collide: Collide | None = None,
) -> set[str]:
    """Add the batch to the article index in ingest order, joining each to its best match; returns regrouped ids.

    Candidates are the LSH neighbours of the article's signature plus the articles sharing a passage with it
    (which is how a truncated or padded copy, with a low Jaccard but a high containment, and a re-edited copy
    or a same-outlet version, found by its lead and paragraphs, are found).
    """
    signable = [art.id for art in batch if not entries[art.id].short]
    signed = index.hasher.signatures([feats.shingles(a) for a in signable])  # (0, num_perm) when none
    sigs = dict(zip(signable, signed, strict=True))
    proposed = None if collide is None else _collisions(index, sigs, collide)
    regrouped: set[str] = set()
    for art in batch:
        entry = entries[art.id]
        matches: dict[str, tuple[float, float]] = {}
        if not entry.short:
            exact = index.exact(entry.hash) if entry.hash else None
            if exact is not None:
                matches[exact] = (1.0, 1.0)
            else:
                passages = shared.get(art.id, set())
                found = index.candidates(sigs[art.id]) if proposed is None else proposed.get(art.id, ())
                matches = _matches(art, set(found) | passages, passages, index, feats)
        index.add_article(art.id, entry, sigs.get(art.id))
        if matches:
            regrouped |= _join(art.id, matches, index, feats)
            regrouped |= _link_versions(art, matches, index, feats)
    return regrouped


def _collisions(index: DedupeIndex, sigs: dict[str, np.ndarray], collide: Collide) -> dict[str, set[str]]:
    """For each article of ``sigs``, the indexed and batch articles whose signatures share a band key with it
    (what the LSH would propose; :func:`_matches` keeps only those indexed before it, as the LSH holds)."""
    stored = ((aid, sig) for aid, sig in index.sigs_.items() if aid not in sigs)
    rows = ((key, aid) for aid, sig in [*stored, *sigs.items()] for key in index.band_keys(sig))
    return collide(rows, set(sigs))


def _matches(
    art: Article, cands: set[str], passages: set[str], index: DedupeIndex, feats: _Features
) -> dict[str, tuple[float, float]]:
    """The stored candidates that are copies of ``art``: (Jaccard, containment) of each.

    ``passages`` are the candidates sharing a passage with ``art``.

    A copy by whole text (Jaccard >= threshold, or containment of the shorter); else, for a candidate sharing
    passages, a re-edited copy (same lead and a run of paragraphs) or a version of the same outlet
    (:mod:`storyline.dedupe.leads`).
    """
    params = feats.params
    mine = feats.shingles(art.id)
    matches: dict[str, tuple[float, float]] = {}
    for cand in cands:
        other = index.entries_.get(cand)
        if other is None or other.short or cand == art.id:
            continue  # not seen yet (later in this batch), or too short to judge
        sim = overlap(mine, feats.shingles(cand))
        if sim[0] >= index.threshold or (index.containment > 0 and sim[1] >= index.containment):
            matches[cand] = sim
            continue
        if cand not in passages:
            continue  # shares no passage: neither lead nor paragraphs can match
        units, theirs = (feats.units(art.id), feats.units(cand)), feats.article(cand)
        lead = leads_match(*units, params.run_threshold)
        version = same_outlet(art.outlet, theirs.outlet) and (lead or same_headline(art.title, theirs.title))
        if not (lead or version):
            continue  # neither rule can hold: the paragraphs need not be compared
        found = match_paragraphs(*units, params.run_threshold)
        if is_reedited_copy(found, params.lead_share) or (
            version and is_version(found, same_headline(art.title, theirs.title), params.version_share)
        ):
            matches[cand] = sim
    return matches


def _link_versions(
    art: Article, matches: dict[str, tuple[float, float]], index: DedupeIndex, feats: _Features
) -> set[str]:
    """Link ``art`` and the matched articles of its own outlet with other text: the later ``updates`` the earlier.

    Each version points at the latest earlier one (an update of an update points at the one it changed).
    Returns the articles whose link changed.
    """
    changed: set[str] = set()
    rank = functools.partial(_rank, index)
    mine = index.entries_[art.id]
    for cand in matches:
        theirs = index.entries_[cand]
        if (mine.hash and mine.hash == theirs.hash) or not same_outlet(art.outlet, feats.article(cand).outlet):
            continue  # the same text again is a repost, not an update
        later, earlier = later_of(art.id, cand, rank)
        entry = index.entries_[later]
        if entry.updates is None or rank(entry.updates) < rank(earlier):
            entry.updates = earlier
            changed.add(later)
    return changed


def _join(aid: str, matches: dict[str, tuple[float, float]], index: DedupeIndex, feats: _Features) -> set[str]:
    """Put ``aid`` in the group of its matches (merging their groups: single link), canonical first by rank.

    Returns the articles whose canonical article changed (all of the group when an earlier copy arrives).
    """
    olds = {index.canonical(m) for m in matches}
    group = {aid}
    for old in olds:
        group |= index.group(old)
    new = min(group, key=lambda a: _rank(index, a))
    index.set_group(new, group - {new})
    changed = {aid} if olds == {new} else group
    for member in changed - {new}:
        sim = matches.get(new) if member == aid else None
        index.entries_[member].sim = sim[0] if sim else jaccard(feats.shingles(member), feats.shingles(new))
    return changed


def _apply_group(art: Article, index: DedupeIndex) -> None:
    """Write an article's group membership: ``duplicate_of``, ``updates`` and the syndicated / exact_duplicate flags."""
    entry = index.entries_[art.id]
    art.duplicate_of = entry.dup
    art.updates = entry.updates or art.updates  # dedupe adds version links; one given at ingest is kept
    flags = [f for f in art.flags if f not in ("syndicated", "exact_duplicate")]
    if entry.dup is not None:
        flags.append("syndicated")
        if entry.hash and entry.hash == index.entries_[entry.dup].hash:
            flags.append("exact_duplicate")
    art.flags = flags


def _index_passages(
    batch: list[Article], entries: dict[str, Entry], index: DedupeIndex, feats: _Features
) -> dict[str, set[str]]:
    """Sign and index the passage units of the batch; returns, per new article, the articles sharing a passage."""
    rows: list[str] = []
    sets: list[np.ndarray] = []
    for art in batch:
        if entries[art.id].short:
            continue
        for unit in feats.units(art.id):
            rows.append(art.id)
            sets.append(unit.hashes)
    if not sets:
        return {}
    sigs = index.passage_hasher.signatures(sets)
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end] == rows[start]:
            end += 1
        paragraphs = np.array([u.paragraph for u in feats.units(rows[start])], dtype=np.uint32)
        index.add_units(rows[start], paragraphs, sigs[start:end])
        start = end
    feats.hits = index.passage_neighbours(set(rows))
    shared: dict[str, set[str]] = {}
    for (aid, _), found in feats.hits.items():
        shared.setdefault(aid, set()).update(other for other, _ in found)
    return shared


def _trace_passages(new: set[str], index: DedupeIndex, feats: _Features, share: float) -> None:
    """Recompute ``reused_from`` and the stitched flag of the new articles and of the stored ones they share with.

    A new article is traced against every holder of its passages. A stored article only gains the new
    holders: its current ``reused_from`` already is the provenance among stored articles, and the rule of
    :func:`provenance` gives the same answer from (current sources + new holders) as from all holders.
    """
    mine: dict[str, dict[int, list[tuple[str, int]]]] = {}
    back: dict[str, dict[int, list[tuple[str, int]]]] = {}
    for (aid, u), found in feats.hits.items():
        mine.setdefault(aid, {})[u] = found
        for other, v in found:
            if other not in new:
                back.setdefault(other, {}).setdefault(v, []).append((aid, u))
    for aid in new:
        _trace_one(aid, mine.get(aid, {}), False, index, feats, share)
    for aid, units in back.items():
        _trace_one(aid, units, True, index, feats, share)


def _trace_one(
    aid: str, hits: dict[int, list[tuple[str, int]]], keep: bool, index: DedupeIndex, feats: _Features, share: float
) -> None:
    """Provenance of one article from the LSH ``hits`` of its units (plus its current sources when ``keep``)."""
    entry = index.entries_.get(aid)
    if entry is None or entry.short or aid not in index.units_:
        return
    art = feats.article(aid)
    units = feats.units(aid)
    if len(units) != len(index.units_[aid][1]):  # paragraphs changed since they were signed: leave as is
        return
    group = index.canonical(aid)
    holders = _current_holders(art, index) if keep else {}
    for u, found in hits.items():
        unit = units[u]
        for other, v in found:
            if other == aid or index.canonical(other) == group:
                continue  # a copy in the same group is already accounted for by duplicate_of
            other_units = feats.units(other)
            if v < len(other_units) and jaccard(unit.shingles, other_units[v].shingles) >= index.passage_threshold:
                published = index.entries_[other].published
                holders.setdefault(unit.paragraph, {})[(other, other_units[v].paragraph)] = published
    for para in art.paragraphs:
        para.reused_from = []
    for p, found_p in holders.items():
        kept = _one_per_group(found_p, group, index)
        art.paragraphs[p].reused_from = provenance(entry.published, kept, lambda a: _rank(index, a))
    tracked = {u.paragraph for u in units}
    flags = [f for f in art.flags if f != "stitched"]
    if is_stitched([art.paragraphs[p].reused_from for p in tracked], len(tracked), share):
        flags.append("stitched")
    art.flags = flags


def _current_holders(art: Article, index: DedupeIndex) -> dict[int, dict[tuple[str, int], str | None]]:
    """The sources the article's paragraphs already list (still indexed), with their publication dates."""
    holders: dict[int, dict[tuple[str, int], str | None]] = {}
    for p, para in enumerate(art.paragraphs):
        for src in para.reused_from:
            other = index.entries_.get(src["article"])
            if other is not None:
                holders.setdefault(p, {})[(src["article"], int(src["paragraph"]))] = other.published
    return holders


def _one_per_group(
    found: dict[tuple[str, int], str | None], group: str, index: DedupeIndex
) -> dict[tuple[str, int], str | None]:
    """One holder per syndicated group (its best-ranked copy): twenty copies of a wire story are one source."""
    best: dict[str, tuple[str, int]] = {}
    for key in sorted(found, key=lambda k: (_rank(index, k[0]), k[1])):
        if index.canonical(key[0]) != group:
            best.setdefault(index.canonical(key[0]), key)
    return {key: found[key] for key in best.values()}
