"""Features and similarity of the stories stage: what an article looks like to the clusterer.

Each article becomes an :class:`ArticleFeatures`: sublinear term counts of its content lemmas over the
analysed paragraphs (``body``), of its headline and lead sentences (``head``, the words an outlet chooses to
say what happened), of its normalised named entities (``ents``), any numbers it reports (folded into ``body``,
"14 counties" and "6.4" are strong evidence of one event), and its day. Lemmas, parts of speech and
entities come from the stored spaCy parse of the text; the headline, which is not part of that text, is
tagged by the same pipeline when the article is featurised; stop words are the house list
(:data:`storyline.text.words.STOP_WORDS`). A :class:`Profile` is the sum of
its members' unit vectors, so a story's centroid never has to be recomputed from its articles; IDF weights
are applied at comparison time from a document-frequency table (:class:`Vocabulary`), so a stored centroid
stays valid while the table grows.

The similarity of an article (or story) to a story combines four signals, in the manner of Miranda et al.
(EMNLP 2018), whose stream clusterer scores an article against each cluster with several TF-IDF cosines and
a time feature:

* ``body`` cosine, ``head`` cosine and entity cosine, each on IDF-weighted vectors; mixed with the weights
  :data:`WEIGHTS` (fitted by logistic regression on article-to-story decisions of the tune sets);
* times a time decay: ``1 / (1 + max(0, gap - GRACE_DAYS) / time_scale_days)``, where ``gap`` is the distance
  in days from the article to the story's date range. Articles a few days apart are not penalised (outlets
  follow up for days); with the default scale of 3 days, eleven days apart the same text evidence counts a
  quarter as much, a month apart a tenth. The decay is hyperbolic rather than exponential: a follow-up
  two weeks on that retells the event still joins, while an exponential decay cut it off on the labelled
  corpora (recall 0.91 against 0.92 at the same precision). An article with
  no date (or a date flagged ``suspect_date``) is not penalised: a missing date is no evidence of distance.

Optional dense signal (the ``[embed]`` extra, :mod:`storyline.stories.embed`): an article may carry an
L2-normalised sentence embedding of its headline and lead (``dense``), and a profile the sum of its members'
vectors. When both sides of a comparison have one, the text score becomes ``(1 - w) * combined + w * max(0,
cosine - DENSE_FLOOR)`` with ``w`` the setting ``stories.dense_weight``, before the time decay; when either
side has none, the score is exactly the one above.

Example:
    >>> f = ArticleFeatures("a1", day=0, body={"quake": 1.0}, head={"quake": 1.0}, ents={"mexico": 1.0})
    >>> vocab = Vocabulary().add(f)
    >>> p = Profile().add(f)
    >>> round(similarity(f, p, vocab, time_scale_days=7.0, dense_weight=0.2), 2)
    1.0
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeVar

import numpy as np

from ..model import Article, Record
from ..text.words import STOP_WORDS
from .dates import own_date

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Entity labels that name who and where an event is about (dates, money and counts are not entities here).
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "PRODUCT", "LAW", "WORK_OF_ART"}
# Entities that say where, not who: two stories in the same places are not therefore one storyline.
PLACE_LABELS = {"GPE", "LOC", "NORP"}
# Parts of speech that carry the topic of an article.
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
# Sentences of the first analysed paragraphs counted as the lead (the who/what/when of a news article).
LEAD_SENTENCES = 2
# Weights of the body, head and entity cosines, fitted on tune data only (``bench/fit_stories.py``, which
# refits and prints them): a logistic regression on the 3,685 article-to-story decisions of the dev corpus's
# tune half and the team's corpus (each article against every gold story's centroid, time-decayed signals)
# gave body 6.2, head 5.8, entities 6.6, normalised to sum to 1 so the combined score stays in [0, 1] (to three
# places, as the script prints them). The dev tune half alone gives nearly the same (0.32, 0.34, 0.34). Every
# subset of fewer signals scored lower on the tune sets at its best threshold (best mean B-cubed F1: body
# 0.964, body+head 0.960, head+ents 0.967, all three 0.972). No signal dominates: entities alone cannot merge
# two related events, and new wording alone cannot split one.
WEIGHTS = {"body": 0.334, "head": 0.31, "ents": 0.356}
# The vectors of a profile whose IDF-weighted form is kept and updated as members join (the three signals).
WEIGHTED_KINDS = ("body", "head", "ents")
# A leave-one-out rest whose squared weighted norm is below this share of the whole story's is empty: what
# is left is the rounding of subtracting the member's own entries (about 1e-16 of the whole), while a rest
# holding any other member keeps at least that member's own weight, many orders of magnitude above this.
EMPTY_REST = 1e-12
# Days of distance that cost nothing: coverage of one event runs over a few days (the event, the reactions).
GRACE_DAYS = 2.0
# The gap assumed when a date is unknown: a missing date is no evidence of distance, but no evidence of
# closeness either, so the text must be a little stronger than for two articles of the same week.
UNDATED_GAP_DAYS = 3.0
# Longest-kept terms of a story profile: enough for its vocabulary, small enough for 20k-article stores.
PROFILE_TERMS = 400
# Embedding cosine that counts as no evidence: MiniLM gives unrelated English news leads cosines of about
# 0.05-0.1 (median of different-story pairs on the labelled corpora) and a shared topic adds more, so only
# the part above 0.25 counts. With it the join threshold keeps its text-only value: B-cubed F1 was the same
# for floors 0.2-0.3 at weights 0.2-0.25, while without a floor the same weights needed a threshold of 0.22.
DENSE_FLOOR = 0.25

# Words in more than this share of the articles (and more than COMMON_DF of them) are too common to find a
# candidate story or a related one by: a word in one article of twenty is no sign of a shared event, and on a
# large store it would make every story a candidate of every article (see :meth:`Vocabulary.common_limit`).
COMMON_SHARE = 0.05
COMMON_DF = 50
# Shortest term or entity key kept: a single letter is an initial or a stray character, not a topic.
MIN_TERM_CHARS = 2
# Longest number kept as a term: longer digit strings are phone numbers, ids and codes, not reported figures.
MAX_NUMBER_CHARS = 12
# An entity is a place of the article when it is tagged a place (GPE, LOC, NORP) at least this share of the
# times it is named: spaCy tags one name differently in different sentences ("Georgia" the state or a person).
PLACE_SHARE = 0.5

T = TypeVar("T")

_ENT_PREFIX = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$")


class _Derived:
    """Values derived from a vector owner (weighted vectors, index keys), kept on it with the stamp they were
    computed under: a changed vocabulary or owner gives a new stamp, and the kept value is computed again."""

    _cache: dict[str, Any]

    def cached(self, name: str, stamp: object) -> Any:
        """The value kept under ``name`` if it was computed under ``stamp``, else None."""
        hit = self._cache.get(name)
        return hit[1] if hit is not None and hit[0] == stamp else None

    def keep(self, name: str, stamp: object, value: T) -> T:
        """Keep ``value`` under ``name`` for ``stamp``; returns it."""
        self._cache[name] = (stamp, value)
        return value


@dataclass
class ArticleFeatures(Record, _Derived):
    """What the clusterer knows about one article; plain data, stored as JSON in the stage state.

    Example:
        >>> f = ArticleFeatures("a1", day=736000, body={"quake": 1.0})
        >>> ArticleFeatures.from_dict(f.to_dict()).body
        {'quake': 1.0}
    """

    id: str
    day: int | None = None  # proleptic ordinal of its publication date
    body: dict[str, float] = field(default_factory=dict)
    head: dict[str, float] = field(default_factory=dict)
    ents: dict[str, float] = field(default_factory=dict)
    # unit embedding of headline + lead; stored packed by to_dict, not as a list of numbers
    dense: np.ndarray | None = field(default=None, repr=False, compare=False, metadata={"transient": True})
    places: list[str] = field(default_factory=list)  # the entity keys that name places (GPE, LOC, NORP)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, metadata={"transient": True})

    @property
    def actors(self) -> dict[str, float]:
        """The entities that are not places: the people and organisations an article is about."""
        places = set(self.places)
        return {k: v for k, v in self.ents.items() if k not in places}

    def to_dict(self) -> dict[str, Any]:
        """The record's JSON form, with ``dense`` as base64 float16 only when there is one."""
        out = super().to_dict()
        if self.dense is not None:
            out["dense"] = _pack(self.dense, np.float16)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Read back :meth:`to_dict`."""
        f = super().from_dict(data)
        f.dense = _unpack(data["dense"], np.float16) if data.get("dense") else None
        return f


def _pack(vec: np.ndarray, dtype: type[np.floating[Any]]) -> str:
    """A vector as base64 of its little-endian ``dtype`` bytes (float16: 768 bytes for 384 dimensions)."""
    return base64.b64encode(np.asarray(vec, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()).decode("ascii")


def _unpack(text: str, dtype: type[np.floating[Any]]) -> np.ndarray:
    """Read back :func:`_pack` (as float32 for arithmetic)."""
    return np.frombuffer(base64.b64decode(text), dtype=np.dtype(dtype).newbyteorder("<")).astype(np.float32)


def _sublinear(counts: Counter[str]) -> dict[str, float]:
    """1 + log(count): the fifth mention of a word says less than the first."""
    return {t: 1.0 + math.log(c) for t, c in counts.items() if c > 0}


def entity_key(text: str) -> str:
    """Normalised entity text: lower case, no leading article or possessive, single spaces."""
    key = " ".join(text.replace("\n", " ").split()).strip(" .,;:\"'“”‘’()")
    key = _POSSESSIVE.sub("", _ENT_PREFIX.sub("", key))
    return key.lower()


def article_day(article: Article) -> int | None:
    """The article's day by its own date evidence (:func:`storyline.stories.dates.own_date`); None when unknown.

    That is its publication date unless a date stamp or a dated dateline opening the text gives an earlier day
    (a repost, or a late reprint of a wire report). Other dates written in the text are not used:
    a full date in an article is as often a past event ("the March 3, 1978 flood") as today's. An
    article without a trustworthy date is not penalised.
    """
    day = own_date(article)
    return None if day is None else dt.date.fromisoformat(day).toordinal()


class _Analysed:
    """The character ranges of an article's analysed paragraphs (all its text when none is analysed)."""

    def __init__(self, article: Article) -> None:
        spans = article.paragraph_spans()
        ranges = [(s.start, s.end) for s, p in zip(spans, article.paragraphs, strict=True) if p.analysed]
        self.ranges = ranges or [(0, len(article.text))]

    def __contains__(self, i: int) -> bool:
        """True when character ``i`` lies in an analysed paragraph."""
        return any(a <= i < b for a, b in self.ranges)


def _lead_end(doc: Doc, analysed: _Analysed) -> int:
    """Where the lead ends: the end of the LEAD_SENTENCES-th non-empty analysed sentence (-1: no lead)."""
    left, end = LEAD_SENTENCES, -1
    for sent in doc.sents:
        if left and sent.start_char in analysed and sent.text.strip():
            end = sent.end_char
            left -= 1
            if not left:
                break
    return end


def _text_terms(doc: Doc, analysed: _Analysed) -> tuple[Counter[str], Counter[str]]:
    """Term counts of the analysed text (``body``) and of its lead (``head``)."""
    body: Counter[str] = Counter()
    head: Counter[str] = Counter()
    lead_end = _lead_end(doc, analysed)
    for tok in doc:
        if tok.idx not in analysed:
            continue
        term = _term(tok.text, tok.lemma_, tok.pos_, tok.is_alpha)
        if term is None:
            continue
        body[term] += 1
        if tok.idx < lead_end:
            head[term] += 1
    return body, head


def _entities(doc: Doc, analysed: _Analysed) -> tuple[Counter[str], list[str]]:
    """Mention counts of the analysed text's entity keys, and the keys that name places."""
    ents: Counter[str] = Counter()
    place_mentions: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS or ent.start_char not in analysed:
            continue
        key = entity_key(ent.text)
        if len(key) < MIN_TERM_CHARS:
            continue
        ents[key] += 1
        if ent.label_ in PLACE_LABELS:
            place_mentions[key] += 1
        words = key.split()
        if ent.label_ == "PERSON" and len(words) > 1:
            ents[words[-1]] += 1  # "Dana Whitcombe" and a later "Whitcombe" are one person
    places = sorted(k for k, n in place_mentions.items() if n >= PLACE_SHARE * ents[k])
    return ents, places


def _title_terms(title: Doc, lemma_of: dict[str, str]) -> Counter[str]:
    """Term counts of the tagged headline, by the rule of the text's words (:func:`_term`).

    A headline word takes the lemma the article's text gives the same form, tagged there in full sentences
    (headlines are clipped: "Judge Blocks Rule"), else the lemma of the headline's own tagging.
    """
    out: Counter[str] = Counter()
    for tok in title:
        term = _term(tok.text, lemma_of.get(tok.text.lower(), tok.lemma_), tok.pos_, tok.is_alpha)
        if term is not None:
            out[term] += 1
    return out


def featurise(
    article: Article, doc: Doc | None, title: Doc | None = None, dense: np.ndarray | None = None
) -> ArticleFeatures:
    """Features of one article from the stored parse of its text (``doc``) and the tagged headline (``title``).

    Without a doc there are no text terms and no entities; ``dense`` is its embedding, if any.
    """
    body: Counter[str] = Counter()
    head: Counter[str] = Counter()
    ents: Counter[str] = Counter()
    places: list[str] = []
    lemma_of: dict[str, str] = {}
    if doc is not None:
        analysed = _Analysed(article)
        body, head = _text_terms(doc, analysed)
        ents, places = _entities(doc, analysed)
        for tok in doc:
            if tok.is_alpha and tok.lemma_:
                lemma_of.setdefault(tok.text.lower(), tok.lemma_.lower())
    if title is not None:
        head += _title_terms(title, lemma_of)
    vec = None if dense is None else np.asarray(dense, dtype=np.float32)
    return ArticleFeatures(article.id, article_day(article), _sublinear(body), _sublinear(head), _sublinear(ents), vec,
                           places)


def _term(text: str, lemma: str, pos: str, is_alpha: bool) -> str | None:
    """The feature a token gives: its lemma for content words (not stop words), the number for numbers, else None."""
    if any(c.isdigit() for c in text):
        num = text.strip(".,").replace(",", "")
        return num if num and len(num) <= MAX_NUMBER_CHARS else None
    if not is_alpha or pos not in CONTENT_POS:
        return None
    low = lemma.lower().replace("’", "'")
    if len(low) < MIN_TERM_CHARS or low in STOP_WORDS or text.lower().replace("’", "'") in STOP_WORDS:
        return None
    return low


@dataclass
class Vocabulary:
    """Document frequencies of body terms and entities over the canonical articles seen so far.

    Example:
        >>> v = Vocabulary().add(ArticleFeatures("a", body={"quake": 1.0}))
        >>> v.idf("quake") < v.idf("never-seen")
        True
    """

    n_: int = 0
    df_: Counter[str] = field(default_factory=Counter)
    _idf: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    # bumped by set_counts: a weighted vector kept since then may hold an old IDF (see _Weights)
    counts_read_: int = field(default=0, repr=False, compare=False)

    def add(self, f: ArticleFeatures) -> Vocabulary:
        """Count one article's terms and entities; returns self."""
        self._idf.clear()
        self.n_ += 1
        self.df_.update(f.body.keys())
        self.df_.update("@" + e for e in f.ents)
        return self

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency of a term (entities are looked up with a leading "@")."""
        value = self._idf.get(term)
        if value is None:
            value = self._idf[term] = math.log((self.n_ + 1) / (self.df_.get(term, 0) + 1)) + 1.0
        return value

    def weigh(self, values: Mapping[str, float], prefix: str = "") -> tuple[dict[str, float], float]:
        """``values`` with each entry times the IDF of its term (``prefix`` + key), and the result's squared norm:
        :meth:`idf` inlined, as a story's centroid of hundreds of terms is weighed whenever it is read."""
        cache, df, top = self._idf, self.df_, self.n_ + 1
        out: dict[str, float] = {}
        sumsq = 0.0
        for k, v in values.items():
            term = prefix + k
            idf = cache.get(term)
            if idf is None:
                idf = cache[term] = math.log(top / (df.get(term, 0) + 1)) + 1.0
            out[k] = w = v * idf
            sumsq += w * w
        return out, sumsq

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Take document frequencies read from the store (the IDF cache starts again)."""
        self._idf.clear()
        self.counts_read_ += 1
        for term, n in counts.items():
            self.df_[term] = n

    def common_limit(self) -> float:
        """The document frequency above which a term is too common to find stories by (see COMMON_SHARE)."""
        return max(COMMON_DF, COMMON_SHARE * self.n_)


def _unit(vec: Mapping[str, float]) -> dict[str, float]:
    """The vector scaled to length 1 (raw counts; IDF is applied when comparing)."""
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm else {}


def _add_into(acc: dict[str, float], vec: Mapping[str, float], scale: float = 1.0) -> None:
    """acc += scale * vec, in place."""
    for k, v in vec.items():
        acc[k] = acc.get(k, 0.0) + scale * v


def _prune(vec: dict[str, float], keep: int) -> dict[str, float]:
    """The ``keep`` largest entries of a vector."""
    if len(vec) <= keep:
        return vec
    return dict(sorted(vec.items(), key=lambda kv: -kv[1])[:keep])


@dataclass
class Profile(Record, _Derived):
    """A story's centroid: the sum of its canonical members' unit vectors, its date range and size.

    Example:
        >>> p = Profile().add(ArticleFeatures("a", day=10, body={"x": 2.0}))
        >>> p.n, p.first, p.last, p.body
        (1, 10, 10, {'x': 1.0})
    """

    n: int = 0
    body: dict[str, float] = field(default_factory=dict)
    head: dict[str, float] = field(default_factory=dict)
    ents: dict[str, float] = field(default_factory=dict)
    first: int | None = None
    last: int | None = None
    # sum of members' embeddings; stored packed by to_dict
    dense: np.ndarray | None = field(default=None, repr=False, compare=False, metadata={"transient": True})
    places: dict[str, float] = field(default_factory=dict)  # entity key -> members naming it as a place
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, metadata={"transient": True})
    # IDF-weighted body, head and entity vectors, kept up to date as members join (see _Weights)
    _weights: dict[str, _Weights] = field(default_factory=dict, repr=False, compare=False,
                                          metadata={"transient": True})

    @property
    def actors(self) -> dict[str, float]:
        """The story's entities that are not places."""
        return {k: v for k, v in self.ents.items() if k not in self.places}

    def add(self, f: ArticleFeatures, sign: float = 1.0) -> Profile:
        """Add (or with ``sign=-1`` take out) one article; returns self."""
        self._cache.clear()
        self.n += 1 if sign > 0 else -1
        for kind in WEIGHTED_KINDS:
            unit = _unit(getattr(f, kind))
            _add_into(getattr(self, kind), unit, sign)
            self._reweigh(kind, unit, sign > 0)
        _add_into(self.places, dict.fromkeys(f.places, 1.0), sign)
        if f.dense is not None:
            self.dense = _dense_sum(self.dense, f.dense, sign)
        if sign > 0 and f.day is not None:
            self.first = f.day if self.first is None else min(self.first, f.day)
            self.last = f.day if self.last is None else max(self.last, f.day)
        return self

    def merge(self, other: Profile) -> Profile:
        """Add another profile into this one; returns self."""
        self._cache.clear()
        self.n += other.n
        for kind in WEIGHTED_KINDS:
            _add_into(getattr(self, kind), getattr(other, kind))
            self._reweigh(kind, getattr(other, kind), True)
        _add_into(self.places, other.places)
        if other.dense is not None:
            self.dense = _dense_sum(self.dense, other.dense)
        days = [d for d in (self.first, self.last, other.first, other.last) if d is not None]
        self.first, self.last = (min(days), max(days)) if days else (None, None)
        return self

    def _reweigh(self, kind: str, changed: Mapping[str, float], added: bool) -> None:
        """Bring the kept weighted vector of ``kind`` up to date after the entries ``changed`` were added to; a
        removal, or a vocabulary that changed since, drops it (it is computed afresh when next needed)."""
        kept = self._weights.get(kind)
        if kept is None:
            return
        if not added or not kept.current(kept.vocab):
            del self._weights[kind]
            return
        kept.update(getattr(self, kind), changed)

    def pruned(self) -> Profile:
        """This profile with only its strongest terms (what is stored)."""
        ents = _prune(self.ents, PROFILE_TERMS // 4)
        return Profile(self.n, _prune(self.body, PROFILE_TERMS), _prune(self.head, PROFILE_TERMS // 2), ents,
                       self.first, self.last, self.dense, {k: v for k, v in self.places.items() if k in ents})

    def copy(self) -> Profile:
        """An independent copy (a leave-one-out profile is this minus one member)."""
        dense = None if self.dense is None else self.dense.copy()
        return Profile(self.n, dict(self.body), dict(self.head), dict(self.ents), self.first, self.last, dense,
                       dict(self.places))

    def to_dict(self) -> dict[str, Any]:
        """The record's JSON form, pruned, with ``dense`` as base64 float32 only when there is one."""
        p = self.pruned()
        out = super(Profile, p).to_dict()
        if p.dense is not None:
            out["dense"] = _pack(p.dense, np.float32)  # a sum of many vectors: float16 would lose the small ones
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Read back :meth:`to_dict`."""
        p = super().from_dict(data)
        p.dense = _unpack(data["dense"], np.float32) if data.get("dense") else None
        return p

    @classmethod
    def of(cls, features: Iterable[ArticleFeatures]) -> Profile:
        """The profile of a group of articles."""
        p = cls()
        for f in features:
            p.add(f)
        return p


def _dense_sum(acc: np.ndarray | None, vec: np.ndarray, sign: float = 1.0) -> np.ndarray:
    """acc + sign * vec as a new float32 array (a missing acc counts as zeros)."""
    vec = np.asarray(vec, dtype=np.float32)
    return sign * vec if acc is None else acc + sign * vec


class _Weights:
    """A profile's IDF-weighted vector of one kind with its squared norm, under the vocabulary it was computed
    with. When a member joins, only the entries of its terms are weighed again and the squared norm is
    corrected by their change: a join costs the article's terms, not the story's (a story of a few hundred
    reports holds thousands of terms, and weighing them all again at every join made placing an article cost
    as much as its story was large). The vector is dropped, and computed afresh, when the vocabulary counts
    another article, reads stored counts (``Vocabulary.set_counts``), or a member leaves.
    """

    __slots__ = ("counts_read", "n_docs", "norm", "prefix", "sumsq", "vec", "vocab")

    def __init__(self, values: Mapping[str, float], prefix: str, vocab: Vocabulary) -> None:
        self.vocab, self.n_docs, self.counts_read, self.prefix = vocab, vocab.n_, vocab.counts_read_, prefix
        self.vec, self.sumsq = vocab.weigh(values, prefix)
        self.norm = math.sqrt(self.sumsq)

    def valid(self, vocab: Vocabulary) -> bool:
        """True when this vector may be used with ``vocab`` (the same one, counting the same articles)."""
        return vocab is self.vocab and vocab.n_ == self.n_docs

    def current(self, vocab: Vocabulary) -> bool:
        """True when it is valid and no stored counts were read since (so its IDFs are today's)."""
        return self.valid(vocab) and vocab.counts_read_ == self.counts_read

    def update(self, values: Mapping[str, float], changed: Iterable[str]) -> None:
        """Weigh the ``changed`` entries of ``values`` (the profile's vector of this kind) again."""
        vec, idf, prefix, sumsq = self.vec, self.vocab.idf, self.prefix, self.sumsq
        for k in changed:
            new = values[k] * idf(prefix + k)
            old = vec.get(k, 0.0)
            sumsq += new * new - old * old
            vec[k] = new
        self.sumsq = sumsq
        self.norm = math.sqrt(max(sumsq, 0.0))


def _profile_weights(p: Profile, kind: str, vocab: Vocabulary) -> _Weights:
    """The kept weighted vector of a profile's body, head or entities (computed when missing or outdated)."""
    kept = p._weights.get(kind)
    if kept is None or not kept.valid(vocab):
        kept = p._weights[kind] = _Weights(getattr(p, kind), "@" if kind == "ents" else "", vocab)
    return kept


def _weighted(owner: ArticleFeatures | Profile, kind: str, vocab: Vocabulary) -> tuple[dict[str, float], float]:
    """An IDF-weighted vector of ``owner`` and its norm, cached on the owner until it or the vocabulary changes."""
    if isinstance(owner, Profile) and kind in WEIGHTED_KINDS:
        kept = _profile_weights(owner, kind, vocab)
        return kept.vec, kept.norm
    stamp = (id(vocab), vocab.n_, owner.n if isinstance(owner, Profile) else 0)
    hit: tuple[dict[str, float], float] | None = owner.cached(kind, stamp)
    if hit is not None:
        return hit
    prefix = "@" if kind in ("ents", "actors") else ""
    vec, sumsq = vocab.weigh(getattr(owner, kind), prefix)
    return owner.keep(kind, stamp, (vec, math.sqrt(sumsq)))


def idf_cosine(a: ArticleFeatures | Profile, b: ArticleFeatures | Profile, kind: str, vocab: Vocabulary) -> float:
    """Cosine of two IDF-weighted count vectors (``kind``: body, head, ents or actors).

    Not :func:`storyline.text.similarity.cosine`: that one sums both norms on every call, while here a
    story's weighted vector and its norm are cached (a centroid is compared with every candidate article),
    so the dot product over the shorter side is the only work per pair: 18 us against 144 us for a 100-term
    article and a 1,900-term centroid (same value).
    """
    va, na = _weighted(a, kind, vocab)
    vb, nb = _weighted(b, kind, vocab)
    if not na or not nb:
        return 0.0
    if len(va) > len(vb):
        va, vb = vb, va
    dot = sum(v * vb[k] for k, v in va.items() if k in vb)
    return dot / (na * nb) if dot > 0 else 0.0


def signals(a: ArticleFeatures | Profile, b: Profile, vocab: Vocabulary) -> tuple[float, float, float]:
    """The three text signals: body cosine, head cosine, entity cosine."""
    return (idf_cosine(a, b, "body", vocab), idf_cosine(a, b, "head", vocab), idf_cosine(a, b, "ents", vocab))


def day_gap(a: ArticleFeatures | Profile, b: Profile) -> float:
    """Days between two date ranges (0 when they overlap; UNDATED_GAP_DAYS when either has no date)."""
    a_first, a_last = (a.day, a.day) if isinstance(a, ArticleFeatures) else (a.first, a.last)
    if a_first is None or a_last is None or b.first is None or b.last is None:
        return UNDATED_GAP_DAYS
    return float(max(0, b.first - a_last, a_first - b.last))


def time_decay(gap: float, time_scale_days: float) -> float:
    """How much of the text evidence counts across ``gap`` days (1 within GRACE_DAYS)."""
    return 1.0 / (1.0 + max(0.0, gap - GRACE_DAYS) / max(time_scale_days, 1e-6))


def reach_days(bar: float, time_scale_days: float) -> float:
    """The largest gap in days at which :func:`time_decay` still reaches ``bar`` (inf for a bar of 0 or less):
    farther apart, even identical text cannot score ``bar``."""
    if bar <= 0:
        return math.inf
    return GRACE_DAYS + max(time_scale_days, 1e-6) * (1.0 / bar - 1.0)


def combine(body: float, head: float, ents: float) -> float:
    """The weighted mix of the text signals (see :data:`WEIGHTS`)."""
    return WEIGHTS["body"] * body + WEIGHTS["head"] * head + WEIGHTS["ents"] * ents


def dense_cosine(a: ArticleFeatures | Profile, b: ArticleFeatures | Profile) -> float | None:
    """Cosine of the two sides' embeddings (clipped at 0); None when either has none."""
    if a.dense is None or b.dense is None:
        return None
    na, nb = float(np.linalg.norm(a.dense)), float(np.linalg.norm(b.dense))
    if not na or not nb:
        return None
    return max(0.0, float(np.dot(a.dense, b.dense)) / (na * nb))


def _cosine_without(f: ArticleFeatures, p: Profile, kind: str, vocab: Vocabulary) -> float:
    """:func:`idf_cosine` of a member and its story's profile without it, in the member's terms only.

    The rest's weighted entries are the story's minus the member's, and its squared norm the story's
    corrected by those entries; nothing of the story is copied.
    """
    fw, fn = _weighted(f, kind, vocab)
    kept = _profile_weights(p, kind, vocab)
    if not fn:
        return 0.0
    pw, prefix, sumsq = kept.vec, kept.prefix, kept.sumsq
    dot, rest = 0.0, sumsq
    for k, u in _unit(getattr(f, kind)).items():
        old = pw.get(k, 0.0)
        new = old - u * vocab.idf(prefix + k)
        rest += new * new - old * old
        dot += fw[k] * new
    if rest <= EMPTY_REST * sumsq:
        return 0.0
    return dot / (fn * math.sqrt(rest)) if dot > 0 else 0.0


def similarity_without(f: ArticleFeatures, p: Profile, first: int | None, last: int | None, vocab: Vocabulary,
                       time_scale_days: float, dense_weight: float) -> float:
    """:func:`similarity` of a member ``f`` to its story's profile ``p`` without it (the rest's date range is
    ``first`` to ``last``): the same value as comparing it with a copy of ``p`` that ``f`` was taken out of, at
    the cost of the member's own terms (a member of a story of hundreds no longer copies the story)."""
    score = combine(*(_cosine_without(f, p, kind, vocab) for kind in WEIGHTED_KINDS))
    if dense_weight:
        rest = p.dense if f.dense is None else _dense_sum(p.dense, f.dense, -1.0)
        dense = dense_cosine(f, Profile(dense=rest))
        if dense is not None:
            score = (1.0 - dense_weight) * score + dense_weight * max(0.0, dense - DENSE_FLOOR)
    return score * time_decay(day_gap(f, Profile(first=first, last=last)), time_scale_days)


def similarity(
    a: ArticleFeatures | Profile, b: Profile, vocab: Vocabulary, time_scale_days: float, dense_weight: float
) -> float:
    """Time-decayed combined similarity of an article (or story profile) to a story profile.

    The dense cosine (the part above :data:`DENSE_FLOOR`) is mixed in with ``dense_weight`` (the setting
    ``stories.dense_weight``) only when both sides carry an embedding; otherwise the score is the text score.
    """
    score = combine(*signals(a, b, vocab))
    if dense_weight:
        dense = dense_cosine(a, b)
        if dense is not None:
            score = (1.0 - dense_weight) * score + dense_weight * max(0.0, dense - DENSE_FLOOR)
    return score * time_decay(day_gap(a, b), time_scale_days)
