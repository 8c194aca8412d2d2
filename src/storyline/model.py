"""The records that flow between stages.

One owner of text: an :class:`Article` owns its clean text (its paragraphs joined by a blank line, see
:attr:`Article.text`); everything later stages find in it (sentences, mentions, quotes, figures, dates,
summary citations) is a character :class:`Span` into that text, so every statement can be traced back to
the exact passage it came from.

Every record turns into plain JSON with ``to_dict()`` and back with ``from_dict()``; the JSON form is
documented by ``schema/stories.schema.json`` and versioned by :data:`SCHEMA`.

Example:
    >>> art = Article(id="a1", title="Judge blocks grant rule", paragraphs=[Paragraph("First."), Paragraph("Second.")])
    >>> art.text
    'First.\\n\\nSecond.'
    >>> art.paragraph_spans()[1]
    Span(start=8, end=15)
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin, get_type_hints

SCHEMA = "storyline/stories@1"

# Flags an article can carry. Kept as strings in JSON so other tools can read them without this module.
ArticleFlag = Literal[
    "syndicated",  # a near-copy of another article (see duplicate_of)
    "stitched",  # most paragraphs come from other articles
    "exact_duplicate",  # byte-for-byte the same clean text as another article
    "non_english",  # language is not English: stored, left out of analysis
    "too_short",  # too little text to judge
    "no_date",  # no publication date known
    "date_from_text",  # publication date parsed from the text (byline/date line)
    "suspect_date",  # publication date disagrees with dates in the text
]
# Flags a paragraph can carry: flagged paragraphs stay in the text but are left out of analysis.
ParagraphFlag = Literal["off_topic", "boilerplate", "caption", "question", "truncated", "quote_block"]

Granularity = Literal["day", "month", "season", "year", "decade"]


T = TypeVar("T", bound="Record")


class Record:
    """Mixin: JSON round-trip for dataclasses (nested records, lists, dicts and optionals)."""

    # per class: the function reading its from_dict form, and the names to_dict writes; built once a class from its
    # type hints, so a record is read and written without type reflection per value
    _loaders: ClassVar[dict[type, Callable[[dict[str, Any]], Any]]] = {}
    _dumped: ClassVar[dict[type, tuple[str, ...]]] = {}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of this record."""
        return _dump_fields(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> typing.Self:
        """Build the record from its ``to_dict()`` form; unknown keys are ignored."""
        load = Record._loaders.get(cls) or _loader(cls)
        return load(data)  # type: ignore[no-any-return]


def _loader(cls: type) -> Callable[[dict[str, Any]], Any]:
    """The function building a ``cls`` from its dict form, written once a class as Python source (as
    :mod:`dataclasses` writes ``__init__``): a dict holding every field (what ``to_dict`` writes) is read in one
    call with each field's converter inlined; one missing some takes the dataclass defaults for those. A nested
    record is read by its class's own loader (or its own ``from_dict`` where the class defines one)."""
    Record._loaders[cls] = lambda data: Record._loaders[cls](data)  # a class nesting itself reads through this
    try:
        every = get_type_hints(cls)
    except Exception:
        del Record._loaders[cls]
        raise
    fields = [f for f in dataclasses.fields(cls) if f.init]
    env: dict[str, Any] = {"cls": cls, "keys": frozenset(f.name for f in fields)}
    whole, some = [], []
    for k, f in enumerate(fields):
        convert = _converter(every[f.name])
        value = f"data[{f.name!r}]"
        if convert is not None:
            env[f"c{k}"] = convert
            value = f"(None if (v := {value}) is None else c{k}(v))"
        whole.append(f"{f.name}={value}")
        some.append(f"    if {f.name!r} in data:\n        kw[{f.name!r}] = {value}\n")
    source = (
        "def load(data):\n"
        "    if data.keys() >= keys:\n"
        f"        return cls({', '.join(whole)})\n"
        "    kw = {}\n"
        f"{''.join(some)}"
        "    return cls(**kw)\n"
    )
    exec(source, env)  # noqa: S102 - source built above from the dataclass's own field names
    load: Callable[[dict[str, Any]], Any] = env["load"]
    Record._loaders[cls] = load
    return load


def _dump_fields(value: Any) -> dict[str, Any]:
    kind = type(value)
    names = Record._dumped.get(kind)
    if names is None:
        fields = dataclasses.fields(value)
        names = Record._dumped[kind] = tuple(f.name for f in fields if not f.metadata.get("transient"))
    return {name: _dump(getattr(value, name)) for name in names}


def _dump(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return value
    if isinstance(value, Record):
        return value.to_dict()  # a nested record may extend its own form (a vector packed as text)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _dump_fields(value)
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


# Value types JSON gives back as they are: a list or dict of them is copied, not converted value by value
# (a stored story centroid of 700 terms: from_dict 0.51 ms -> 0.02 ms, against 0.5 ms for json.loads).
_PLAIN = (str, int, float, bool, Any)


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    """The function turning a JSON value (never None) into a field of type ``hint``; None: the value as it is."""
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        return _converter(args[0]) if len(args) == 1 else None
    if origin is list:
        (inner,) = get_args(hint)
        if inner in _PLAIN:
            return list
        item = _converter(inner)
        if item is None:
            return list
        return lambda value: [None if v is None else item(v) for v in value]
    if origin is dict:
        _, inner = get_args(hint)
        if inner in _PLAIN:
            return dict
        each = _converter(inner)
        if each is None:
            return dict
        return lambda value: {k: None if v is None else each(v) for k, v in value.items()}
    if isinstance(hint, type) and issubclass(hint, Record):
        if hint.from_dict.__func__ is not Record.from_dict.__func__:  # type: ignore[attr-defined]
            return hint.from_dict  # the class reads its own form
        return Record._loaders.get(hint) or _loader(hint)
    return None


@dataclass(frozen=True)
class Span(Record):
    """A character range ``[start, end)`` into an article's clean text."""

    start: int
    end: int


@dataclass
class Paragraph(Record):
    """One paragraph of an article's clean text, with the flags the cleaner and dedupe gave it."""

    text: str
    flags: list[str] = field(default_factory=list)
    # Earliest known sources of this passage: [{"article": id, "paragraph": index}], or a note that the
    # dates do not allow saying which came first: [{"article": id, "paragraph": i, "order": "unknown"}].
    reused_from: list[dict[str, Any]] = field(default_factory=list)

    @property
    def analysed(self) -> bool:
        """True when later stages should read this paragraph (not off-topic, caption, ...)."""
        return not self.flags


@dataclass
class Source(Record):
    """Where an article came from: the input file, its format, and the line or record within it."""

    path: str
    format: str
    line: int | None = None
    record: str | None = None


@dataclass
class Sentence(Record):
    """A sentence of the clean text, as found by the NLP pass."""

    span: Span
    paragraph: int


@dataclass
class Mention(Record):
    """A named-entity mention in one article; ``entity`` is the merged entity id once merged."""

    span: Span
    text: str
    label: str  # PERSON, ORG, GPE, NORP, LOC, ...
    entity: str | None = None
    role: str | None = None  # a title or role in front of the name: "Attorney General"


@dataclass
class Quote(Record):
    """A direct quote or reported speech, with its speaker when the text says who it is."""

    article: str
    span: Span  # the quoted words (direct) or the reported clause
    text: str
    kind: Literal["direct", "reported"] = "direct"
    speaker: str | None = None  # canonical entity id, or None when unattributed
    speaker_name: str | None = None  # the speaker as written ("a senior Justice Department official")
    cue: str | None = None  # the verb or phrase that attributes it: "said", "according to", "told"
    sentence: Span | None = None


@dataclass
class QuoteGroup(Record):
    """One quote of a story as a reader sees it: the same words in every article carrying them, shown once."""

    text: str  # as its first appearance words it
    kind: Literal["direct", "reported"] = "direct"
    speaker: str | None = None  # the entity id most of its articles give
    speaker_name: str | None = None
    first: str = ""  # the article that carried it first (earliest published)
    span: Span | None = None  # its place in that article
    sentence: Span | None = None
    sources: list[str] = field(default_factory=list)  # every article carrying it, earliest first


@dataclass
class Figure(Record):
    """A reported number: money, count or percentage, normalised."""

    article: str
    span: Span
    text: str  # as written: "$1.5 million", "nearly two dozen"
    value: float
    unit: str  # "USD", "percent", or the counted noun ("districts")
    kind: Literal["money", "count", "percent", "quantity"] = "count"
    approximate: bool = False  # "nearly", "about", "more than", "dozens"
    measure: str | None = None  # what it measures: "districts", "grant money"
    subject: str | None = None  # whose it is: "Chicago", "the Justice Department"
    sentence: Span | None = None


@dataclass
class DateMention(Record):
    """A temporal expression resolved on the calendar against the article's publication date."""

    article: str
    span: Span
    text: str  # "on Wednesday (January 24)", "last fall"
    value: str | None  # ISO date of the start of the period, or None when it cannot be placed
    granularity: Granularity = "day"
    anchor: Literal["published", "text", "story", "absolute", "none"] = "published"
    sentence: Span | None = None


@dataclass
class Article(Record):
    """A news article: metadata, clean paragraphs, and what later stages found in it.

    Example:
        >>> a = Article(id="x", title="Headline", paragraphs=[Paragraph("Body text.")], outlet="Daily Planet")
        >>> Article.from_dict(a.to_dict()) == a
        True
    """

    id: str
    title: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or None
    language: str | None = None
    flags: list[str] = field(default_factory=list)
    source: Source | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # input keys the model has no field for
    # the earlier version this article updates: a followed page fetched again with new content (set at ingest),
    # or the same outlet's story re-edited (found by dedupe)
    updates: str | None = None
    # dedupe
    duplicate_of: str | None = None
    content_hash: str | None = None
    # stories
    story: str | None = None
    # when the tool stored it (ISO 8601 UTC), not when it was published; not part of what the article says
    added: str | None = field(default=None, compare=False)
    # NLP pass and extraction (spans into self.text)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The clean text: paragraphs joined by a blank line. Spans index into this string."""
        return "\n\n".join(p.text for p in self.paragraphs)

    def paragraph_spans(self) -> list[Span]:
        """The span of each paragraph in :attr:`text`."""
        spans, pos = [], 0
        for p in self.paragraphs:
            spans.append(Span(pos, pos + len(p.text)))
            pos += len(p.text) + 2
        return spans

    def cut(self, span: Span) -> str:
        """The text under a span."""
        return self.text[span.start : span.end]

    @property
    def analysed_text(self) -> str:
        """Paragraphs later stages read (unflagged), joined by a blank line; for features, not spans."""
        return "\n\n".join(p.text for p in self.paragraphs if p.analysed)

    @property
    def is_duplicate(self) -> bool:
        """True when this article is a copy of another (counted once through its canonical article)."""
        return self.duplicate_of is not None


@dataclass
class Citation(Record):
    """A sentence shown to the user, taken from ``article`` at ``span``, stated by every article in ``sources`` and
    reported (in part, in other words) by every article in ``reported_by``."""

    text: str
    sources: list[str]
    article: str | None = None
    span: Span | None = None
    date: str | None = None
    granularity: Granularity = "day"  # of ``date``: a "month" date is shown as "2017-08", a "year" one as "2017"
    # every article reporting what the sentence says, in its own words or in part: the ``sources`` and those whose
    # sentence says nothing the cited one does not (same figures); "reported by N independent sources"
    reported_by: list[str] = field(default_factory=list)


@dataclass
class TimelineEntry(Record):
    """One dated event of a story, merged across the outlets that report it."""

    date: str
    text: str
    sources: list[str]
    granularity: Granularity = "day"
    article: str | None = None
    span: Span | None = None
    # report time beside event time: the earliest and latest publication dates of the sources telling it
    first_reported: str | None = None
    last_reported: str | None = None


@dataclass
class IdentityEvent(Record):
    """A merge or split of stories (or storylines): when, which ids, and why, in words a reader can check."""

    at: str  # when the tool recorded it (ISO 8601 UTC)
    event: Literal["merge", "split"]
    story: str  # the id that lives on: the keeper of a merge, the origin of a split
    other: str  # the id merged away (now an alias of ``story``), or the new part of a split
    reason: str
    run: int | None = None


@dataclass
class Entity(Record):
    """A person, organisation or place merged across articles."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    mentions: int = 0
    articles: list[str] = field(default_factory=list)


@dataclass
class Claim(Record):
    """A figure or key claim with the independent outlets reporting it, and any conflicting values."""

    subject: str
    values: list[dict[str, Any]]  # [{"value", "text", "sources": [ids], "outlets": [names]}]
    kind: Literal["figure", "date", "claim"] = "figure"
    status: Literal["agree", "conflict", "updated", "single_source"] = "agree"  # updated: a tally revised over days
    predicate: str | None = None  # what happens to what is counted: "injured", "evacuated", "recalled"


@dataclass
class Story(Record):
    """One real-world event or development as covered by many outlets."""

    id: str
    title: str = ""
    articles: list[str] = field(default_factory=list)  # ordered by time
    first_date: str | None = None
    last_date: str | None = None
    outlets: list[str] = field(default_factory=list)
    storyline: str | None = None
    summary: list[Citation] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quote_groups: list[QuoteGroup] = field(default_factory=list)  # the quotes once each, with all their sources
    figures: list[Figure] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # identity: ids merged into this one (they still resolve), the story it split from, merges and splits
    aliases: list[str] = field(default_factory=list)
    split_from: str | None = None
    history: list[IdentityEvent] = field(default_factory=list)


@dataclass
class Storyline(Record):
    """A chain of related stories over weeks or months, ordered in time."""

    id: str
    title: str = ""
    stories: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    first_date: str | None = None
    last_date: str | None = None
    summary: list[Citation] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    split_from: str | None = None
    history: list[IdentityEvent] = field(default_factory=list)


@dataclass
class Rejected(Record):
    """An input or article a stage could not process: recorded, reported, and the run goes on."""

    source: str  # file path (or article id)
    stage: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"
