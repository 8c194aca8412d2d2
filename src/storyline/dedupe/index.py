"""The learned state of dedupe: per-article records, MinHash signatures, and the LSH indexes rebuilt from them.

Stored in the store under stage ``"dedupe"``, one row per article and kind, so an incremental run writes only
what it adds or changes:

- ``params``: JSON of the dedupe settings the state was built with; when any changes (``--dup-threshold``,
  another shingle size), the next run recomputes every signature and group (a full run), so stored results
  always match the settings.
- ``m:<id>``: JSON :class:`Entry` (ingest order, date, length, content hash, canonical article).
- ``a:<id>``: the article's MinHash signature, ``num_perm`` little-endian uint32.
- ``p:<id>``: its passage signatures: uint32 count ``n``, ``n`` paragraph indices, ``n x passage_num_perm``
  uint32 values.
- ``bands``: the params JSON once every stored signature's LSH band keys are in the store's postings (stage
  ``"dedupe"``, key :meth:`DedupeIndex.band_keys`, item the article id); ``fit(store, lazy=True)`` then loads no
  article signature and answers :meth:`DedupeIndex.candidates` with one SQL lookup of the query's band keys.
- ``shapes``: JSON of the params and the (bands, rows) both LSH indexes were built with; a load with the same
  params reuses them instead of asking datasketch (whose import is a quarter second of a stream process).
- ``lookup``: the params JSON once the store can answer a stream run's lookups without a load: postings
  ``h:<content hash>`` (the non-short articles of that hash) and ``g:<canonical>`` (the copies of a group), every
  passage signature's band keys in the store's band postings, and the keys ``next`` (the next ingest order
  number) and ``seen`` (every article up to this ingest sequence number has its entry). Written by the first
  run that asks for a lazy load (a stream run: one full load, then kept up by every run); a batch run on a
  store without it writes none of it.

Loading 20k articles' state and rebuilding the article ``MinHashLSH`` and the passage
:class:`~storyline.dedupe.bands.BandIndex` takes seconds (see bench/dedupe.py); a stream run (``lazy``) loads
nothing up front and reads by key only the entries, passage signatures and groups of the articles it meets
(:mod:`storyline.dedupe.lookup`): 0.5 s of CPU of one new article into a 20k store before.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import DedupeSettings
from ..errors import ConfigError
from ..store import Store
from .bands import BandIndex, band_shape
from .lookup import LazyDict, StoredBandIndex, band_rows
from .shingles import MAX_SHINGLE, SEED, MinHasher

if TYPE_CHECKING:
    from datasketch import MinHashLSH

STAGE = "dedupe"
# Bumped when the signature layout or hashing changes: stored state of another version is recomputed.
# 2: dedupe runs after the nlp stage and the captions step (parse-aware captions are no longer signed) and
# cuts sentence units at the parse's sentence boundaries.
# 3: re-edited copies and same-outlet versions (lead and paragraph containment); entries keep ``updates``.
VERSION = 3
# Fewer permutations than this give a MinHash estimate too coarse to band (a 0.7 threshold needs several rows in
# several bands); signatures are only candidates, every match is confirmed on the exact shingle sets.
MIN_NUM_PERM = 16


@dataclass
class Entry:
    """What dedupe remembers of one article between runs."""

    order: int  # ingest order as dedupe saw it (first seen = lowest)
    published: str | None = None  # ISO date (first 10 characters) or None
    words: int = 0  # words of the analysed text
    hash: str | None = None  # normalised-content hash
    short: bool = False  # too short to judge: never in a group, no signature
    dup: str | None = None  # canonical article of its group, None when it is canonical or alone
    sim: float = 1.0  # exact Jaccard with its canonical article (1.0 for the canonical itself)
    updates: str | None = None  # the earlier version of the same outlet's story this one updates


class _Signature:
    """A stored signature as datasketch's LSH reads it: ``hashvalues``, ``len()`` and ``scheme``.

    Lighter than ``datasketch.LeanMinHash`` (which validates and copies its values): the index wraps
    hundreds of thousands of passage signatures on every load.
    """

    __slots__ = ("hashvalues",)
    scheme = "affine32"  # 32-bit values of an affine (multiply-add-shift) family

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


def _lean(sig: np.ndarray) -> _Signature:
    """Wrap a uint32 signature for datasketch's ``MinHashLSH``."""
    return _Signature(sig)


def _lsh_threshold(threshold: float, slack: float) -> float:
    """The LSH candidate threshold: below the decision threshold so near-threshold pairs are not missed."""
    return max(0.05, threshold - slack)


class DedupeIndex:
    """Signatures and LSH indexes of every stored article, loaded from and saved to the store.

    Settings come from ``settings.dedupe``; the learned attributes end in ``_`` and are set by :meth:`fit`.

    Example:
        >>> from storyline.config import Settings
        >>> with Store(":memory:") as store:
        ...     index = DedupeIndex(Settings.load().dedupe).fit(store)
        ...     len(index.entries_)
        0
    """

    def __init__(self, params: DedupeSettings) -> None:
        self.params = asdict(params)
        self.threshold = params.threshold
        self.containment = params.containment
        self.passage_threshold = params.passage_threshold
        self.num_perm = params.num_perm
        self.passage_num_perm = params.passage_num_perm
        self.shingle = params.shingle
        self.lsh_slack = params.lsh_slack
        for name in ("threshold", "passage_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"setting dedupe.{name} must be in (0, 1], got {value!r}")
        if not 0.0 <= self.containment <= 1.0:
            raise ConfigError(
                f"setting dedupe.containment must be in [0, 1] (0 turns it off), got {self.containment!r}"
            )
        for name in ("num_perm", "passage_num_perm"):
            if getattr(self, name) < MIN_NUM_PERM:
                raise ConfigError(f"setting dedupe.{name} must be at least {MIN_NUM_PERM}, got {getattr(self, name)!r}")
        if not 1 <= self.shingle <= MAX_SHINGLE:
            raise ConfigError(
                f"setting dedupe.shingle must be between 1 and {MAX_SHINGLE} words, got {self.shingle!r}"
            )
        self.hasher = MinHasher(self.num_perm)
        self.passage_hasher = MinHasher(self.passage_num_perm)

    # -- load -----------------------------------------------------------------------------------------
    def params_json(self) -> str:
        """The settings the stored state depends on: if any changes, the next run recomputes everything."""
        return json.dumps({"version": VERSION, "seed": SEED, **self.params}, sort_keys=True)

    def fit(self, store: Store, lazy: bool = False) -> DedupeIndex:
        """Load stored state and rebuild both LSH indexes; stale state (other params) loads as empty.

        ``lazy`` (a stream run): when the store holds every signature's band keys and the lookups (``lookup``
        above), nothing is loaded: entries, passage signatures and groups are read by key on first use,
        :meth:`candidates` looks the article band keys up in the store, and the passage index reads the rows of
        the new passages' band keys (the same candidates and neighbours). Without them, a lazy load loads all
        and the next :meth:`save` writes them.
        """
        self.entries_: dict[str, Entry] = {}
        self.sigs_: dict[str, np.ndarray] = {}
        self.units_: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.stale_ = False
        params = self.params_json()
        kept = store.get_states(STAGE, ["params", "bands", "lookup", "next", "seen"])
        stored_params = kept.get("params")
        if stored_params is not None and stored_params != params:
            self.stale_ = True
        self.banded_ = not self.stale_ and kept.get("bands") == params
        self.lookup_ = not self.stale_ and kept.get("lookup") == params  # the store answers lookups by key
        self.want_lookup_ = lazy  # write the lookups at save when the store lacks them
        self.lazy_ = lazy and self.banded_ and self.lookup_
        self.seen_stored_ = int(kept.get("seen", 0))  # every article up to this ingest seq has an entry
        self.seen_ = self.seen_stored_ if self.lazy_ else 0  # where the list of unseen articles starts
        self._store = store if self.lazy_ else None
        self._added_keys: dict[str, list[str]] = {}  # band key -> articles added since the load (lazy only)
        self._stored_dup: dict[str, str | None] = {}  # canonical article of each entry as stored (g: postings)
        if self.lazy_:
            self.entries_ = LazyDict(self._read_entries)
            self.units_ = LazyDict(self._read_units)
        elif not self.stale_:
            for kind in ("m", "p") if self.lazy_ else ("m", "a", "p"):
                for key, value in store.get_state(STAGE, prefix=f"{kind}:").items():
                    aid = key[2:]
                    if kind == "m":
                        self.entries_[aid] = entry = Entry(**json.loads(value))
                        self._stored_dup[aid] = entry.dup
                    elif kind == "a":
                        self.sigs_[aid] = np.frombuffer(value, dtype="<u4")
                    else:
                        self.units_[aid] = self._unpack_units(value)
        shape, passage_shape = self._shapes(store, params)
        self.hashranges_ = [(i * shape[1], (i + 1) * shape[1]) for i in range(shape[0])]
        self.lsh_: MinHashLSH | None = None  # a lazy index asks the store instead
        if not self.lazy_:
            from datasketch import MinHashLSH  # loads scipy.integrate: only a full (batch) load needs it

            self.lsh_ = MinHashLSH(_lsh_threshold(self.threshold, self.lsh_slack), num_perm=self.num_perm,
                                   params=shape)
        passage_threshold = _lsh_threshold(self.passage_threshold, self.lsh_slack)
        self.passages_: BandIndex = (
            StoredBandIndex(passage_threshold, self.passage_num_perm, passage_shape, store, STAGE) if self.lazy_
            else BandIndex(passage_threshold, self.passage_num_perm, shape=passage_shape))
        self.by_hash_: dict[str, str] = {}  # lazy: only the articles added since the load
        self._stored_hash: dict[str, str | None] = {}  # lazy: the stored article of a hash, once looked up
        self.members_: dict[str, set[str]] = LazyDict(self._read_members) if self.lazy_ else {}
        self.next_ = int(kept.get("next", 1)) if self.lazy_ else self._max_order() + 1
        loaded = {} if self.lazy_ else self.entries_  # lazy: nothing read yet (a LazyDict is never iterated)
        for aid, entry in sorted(loaded.items(), key=lambda kv: kv[1].order):
            if entry.hash and not entry.short:
                self.by_hash_.setdefault(entry.hash, aid)
            if entry.dup:
                self.members_.setdefault(entry.dup, set()).add(aid)
        if self.lsh_ is not None:
            with self.lsh_.insertion_session() as session:
                for aid, sig in self.sigs_.items():
                    session.insert(aid, _lean(sig), check_duplication=False)
        for aid, (_, sigs) in ({} if self.lazy_ else self.units_).items():
            self.passages_.add(aid, sigs)
        return self

    def _shapes(self, store: Store, params: str) -> tuple[tuple[int, int], tuple[int, int]]:
        """(bands, rows) of the article and the passage LSH: those kept with the same params, else datasketch's."""
        kept = store.get_state(STAGE, key="shapes").get("shapes")
        if kept is not None:
            got = json.loads(kept)
            if got.get("params") == params:
                (bands, rows), (passage_bands, passage_rows) = got["article"], got["passage"]
                return (int(bands), int(rows)), (int(passage_bands), int(passage_rows))
        return (band_shape(_lsh_threshold(self.threshold, self.lsh_slack), self.num_perm),
                band_shape(_lsh_threshold(self.passage_threshold, self.lsh_slack), self.passage_num_perm))

    def _max_order(self) -> int:
        """The highest ingest order number of the loaded entries (0 when none)."""
        return max((e.order for e in self.entries_.values()), default=0)

    def _read_entries(self, aids: list[str]) -> dict[str, Entry]:
        """Stored entries of some articles (a lazy load)."""
        assert self._store is not None
        out = {}
        for key, value in self._store.get_states(STAGE, [f"m:{aid}" for aid in aids]).items():
            out[key[2:]] = entry = Entry(**json.loads(value))
            self._stored_dup[key[2:]] = entry.dup
        return out

    def _read_units(self, aids: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Stored passage signatures of some articles (a lazy load)."""
        assert self._store is not None
        got = self._store.get_states(STAGE, [f"p:{aid}" for aid in aids])
        return {key[2:]: self._unpack_units(value) for key, value in got.items()}

    def _read_members(self, canonicals: list[str]) -> dict[str, set[str]]:
        """The stored copies of some canonical articles (a lazy load; each entry is read with them)."""
        assert self._store is not None
        out: dict[str, set[str]] = {}
        for key, aid in self._store.get_postings(STAGE, keys=[f"g:{c}" for c in canonicals]):
            out.setdefault(key[2:], set()).add(aid)
        assert isinstance(self.entries_, LazyDict)
        self.entries_.fetch(aid for members in out.values() for aid in members)
        return out

    @property
    def next_order(self) -> int:
        """The ingest order number of the next article seen."""
        return self.next_

    def exact(self, content_hash: str) -> str | None:
        """The first seen (lowest order) indexed article, not too short, with this content hash."""
        if self._store is None:
            return self.by_hash_.get(content_hash)
        if content_hash not in self._stored_hash:  # stored articles come before every one added since
            aids = [aid for _, aid in self._store.get_postings(STAGE, keys=[f"h:{content_hash}"])]
            assert isinstance(self.entries_, LazyDict)
            self.entries_.fetch(aids)
            self._stored_hash[content_hash] = min(aids, key=lambda a: self.entries_[a].order, default=None)
        return self._stored_hash[content_hash] or self.by_hash_.get(content_hash)

    # -- add ------------------------------------------------------------------------------------------
    def add_article(self, aid: str, entry: Entry, sig: np.ndarray | None) -> None:
        """Remember an article (and index its signature unless it is too short)."""
        self.entries_[aid] = entry
        self.next_ = max(self.next_, entry.order + 1)
        if entry.hash and not entry.short:
            self.by_hash_.setdefault(entry.hash, aid)
        if sig is not None:
            self.sigs_[aid] = sig
            if self.lazy_:
                for key in self.band_keys(sig):
                    self._added_keys.setdefault(key, []).append(aid)
            elif self.lsh_ is not None:
                self.lsh_.insert(aid, _lean(sig), check_duplication=False)

    def add_units(self, aid: str, paragraphs: np.ndarray, sigs: np.ndarray) -> None:
        """Index the passage signatures of an article (``paragraphs[u]`` is the paragraph of unit ``u``)."""
        self.units_[aid] = (paragraphs, sigs)
        self.passages_.add(aid, sigs)

    def candidates(self, sig: np.ndarray) -> list[str]:
        """Stored articles whose signatures collide with ``sig`` in the LSH (to verify exactly)."""
        if self.lsh_ is not None:
            return list(self.lsh_.query(_lean(sig)))
        assert self._store is not None  # lazy: no LSH object, the band keys are in the store
        keys = self.band_keys(sig)  # sharing a band key is colliding in the LSH
        found = {aid for _, aid in self._store.get_postings(STAGE, keys=keys)}
        found.update(aid for key in keys for aid in self._added_keys.get(key, ()))
        return list(found)

    def band_keys(self, sig: np.ndarray) -> list[str]:
        """The LSH's band keys of a signature ("band:values"): two signatures are candidates of each other
        (:meth:`candidates`) exactly when they share one, so a shuffle grouping by key finds the same pairs."""
        values = np.asarray(sig, dtype="<u4")
        return [f"{i}:{values[start:end].tobytes().hex()}" for i, (start, end) in enumerate(self.hashranges_)]

    def passage_neighbours(self, ids: set[str]) -> dict[tuple[str, int], list[tuple[str, int]]]:
        """For each passage unit of ``ids`` with LSH collisions, the (article, unit) pairs it collides with."""
        return self.passages_.neighbours(ids)

    def canonical(self, aid: str) -> str:
        """The canonical article of the group ``aid`` belongs to (itself when canonical or alone)."""
        entry = self.entries_.get(aid)
        return entry.dup if entry is not None and entry.dup else aid

    def group(self, canonical: str) -> set[str]:
        """Every article of a group, canonical included."""
        return {canonical} | self.members_.get(canonical, set())

    def set_group(self, canonical: str, members: set[str]) -> None:
        """Record a group: ``canonical`` and the articles that are copies of it."""
        if isinstance(self.members_, LazyDict):  # read what is not read yet in one query each
            self.members_.fetch(members | {canonical})
        for aid in members | {canonical}:
            old = self.entries_[aid].dup
            if old and old in self.members_:
                self.members_[old].discard(aid)
            self.members_.pop(aid, None)
        for aid in members:
            self.entries_[aid].dup = canonical
        self.entries_[canonical].dup = None
        self.entries_[canonical].sim = 1.0
        if members:
            self.members_[canonical] = set(members)

    # -- save -----------------------------------------------------------------------------------------
    def save(self, store: Store, ids: set[str], signatures: set[str], seen: int | None = None) -> None:
        """Write the entries of ``ids`` and the signatures of ``signatures`` (articles newly signed), with their
        band keys; the first save after the band keys were kept writes those of every loaded signature.

        With the lookups kept (or asked for by a lazy load), also their postings, ``next`` and ``seen`` (every
        article up to this ingest sequence number has its entry; None: unchanged), in the same transaction.
        """
        with store.transaction():
            self._save(store, ids, signatures, seen)

    def _save(self, store: Store, ids: set[str], signatures: set[str], seen: int | None) -> None:
        """:meth:`save` inside its transaction."""
        shapes = {"params": self.params_json(), "article": [len(self.hashranges_), self.hashranges_[0][1]],
                  "passage": [self.passages_.bands, self.passages_.rows]}
        items: dict[str, bytes | str] = {"params": self.params_json(), "bands": self.params_json(),
                                         "shapes": json.dumps(shapes, sort_keys=True)}
        banded = signatures if self.banded_ else set(self.sigs_)
        store.add_postings(STAGE, ((key, aid) for aid in banded if aid in self.sigs_
                                   for key in self.band_keys(self.sigs_[aid])))
        self.banded_ = True
        if self.lookup_ or self.want_lookup_:
            self._save_lookups(store, ids, signatures)
            items.update({"lookup": self.params_json(), "next": str(self.next_)})
            if seen is not None:
                items["seen"] = str(seen)
        for aid in ids:
            items[f"m:{aid}"] = json.dumps(asdict(self.entries_[aid]))
        for aid in signatures:
            if aid in self.sigs_:
                items[f"a:{aid}"] = self.sigs_[aid].astype("<u4").tobytes()
            if aid in self.units_:
                items[f"p:{aid}"] = self._pack_units(*self.units_[aid])
        store.put_state(STAGE, items)

    def _save_lookups(self, store: Store, ids: set[str], signatures: set[str]) -> None:
        """Write the hash and group postings and the passage band keys: of what changed when the store has them,
        else of everything loaded (the first save after a lazy load asked for them)."""
        stored = self._stored_dup
        if not self.lookup_:  # the store holds none of them yet
            ids, signatures, stored = set(self.entries_), set(self.entries_), {}
        hashes = [(f"h:{e.hash}", aid) for aid in signatures if (e := self.entries_[aid]).hash and not e.short]
        moved = [(aid, stored.get(aid), self.entries_[aid].dup) for aid in ids]
        store.delete_postings(STAGE, pairs=[(f"g:{old}", aid) for aid, old, new in moved if old and old != new])
        store.add_postings(STAGE, [*hashes, *((f"g:{new}", aid) for aid, old, new in moved if new and old != new)])
        signed = sorted(aid for aid in signatures if aid in self.units_)
        store.add_band_postings(STAGE, band_rows(self.passages_, ((aid, self.units_[aid][1]) for aid in signed)))
        self._stored_dup.update((aid, new) for aid, _, new in moved)
        self.lookup_ = True

    def _pack_units(self, paragraphs: np.ndarray, sigs: np.ndarray) -> bytes:
        """Serialise passage signatures."""
        head = np.array([len(paragraphs)], dtype="<u4").tobytes()
        return head + paragraphs.astype("<u4").tobytes() + sigs.astype("<u4").tobytes()

    def _unpack_units(self, blob: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Read passage signatures written by :meth:`_pack_units`."""
        arr = np.frombuffer(blob, dtype="<u4")
        n = int(arr[0])
        return arr[1 : 1 + n], arr[1 + n :].reshape(n, self.passage_num_perm)
