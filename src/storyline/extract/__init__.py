"""Extract: entities merged across articles, quotes with speakers, figures, and dates on a calendar.

Every step reads the one NLP pass (:mod:`storyline.text.parser`); nothing parses the same text twice. Spans are
character offsets into ``article.text``; sentences of flagged paragraphs (off-topic, captions, ...) are skipped.

The batch functions work without a store: :func:`extract_article` fills one article from its doc,
:func:`merge_story` merges a story's articles into its entities, quotes and figures. The stage function
:func:`run` applies them to what a pipeline run changed; :func:`corpus_entities` and :func:`all_quotes` serve
the CLI (``storyline entities``, ``storyline quotes --speaker NAME``).

Example:
    >>> nlp = NLP()                                                              # doctest: +SKIP
    >>> art = extract_article(article, nlp.parse([article])[0])                  # doctest: +SKIP
    >>> [(q.speaker, q.text[:20]) for q in art.quotes]                           # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..config import Settings
from ..model import Article, DateMention, Entity, Quote, Story, Storyline
from ..text.parser import sentences_of
from .dates import doubts_published, find_dates, parse_iso, resolve_date
from .entities import find_mentions, is_role_noun
from .figures import find_figures, parse_money, parse_number
from .merge import (
    EntityTable,
    add_story_mentions,
    drop_ordinary_words,
    known_of,
    lower_words,
    merge_entities,
    votes_of,
)
from .quotegroups import attributed, story_quotes
from .quotes import find_quotes, speaker_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..context import RunContext
    from ..store import Store
    from ..text.parser import NLP

__all__ = [
    "all_quotes", "corpus_entities", "extract_article", "merge_entities", "merge_story", "parse_money",
    "parse_number", "resolve_date", "run",
]  # fmt: skip

CHUNK = 200  # articles loaded, extracted and written back per transaction
# A run merging a few stories reads each story's articles once, for the corpus name counts and the merge: up to
# this many articles (more than the largest stories of a 20k-article test store hold) are held between the
# two; the articles of further stories are read again for their merge (bounded memory on a large run).
KEPT_ARTICLES = 5000
DATELINE_CHARS = 400  # a byline/date line sits in the first few lines of a page
DATELINE_WORDS = 15  # and is short: a full date inside a longer sentence is usually history ("the 1985 quake")


def analysed_ranges(article: Article, doc: Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(sentence ranges, paragraph ranges) of the paragraphs later stages read (unflagged ones)."""
    bounds = article.paragraph_spans()
    paragraphs = [(b.start, b.end) for b, p in zip(bounds, article.paragraphs, strict=True) if p.analysed]
    sents = article.sentences or sentences_of(article, doc)
    sentences = [
        (s.span.start, s.span.end)
        for s in sents
        if s.paragraph < len(article.paragraphs) and article.paragraphs[s.paragraph].analysed
    ]
    return sentences, paragraphs


def quote_ranges(
    article: Article, sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], tuple[int, int] | None]:
    """(sentence ranges, paragraph ranges, the cut paragraph's range) quotes are read in: the analysed ones and
    the page's last paragraph when only its cut end flags it ('"We won," Okafor said after the ...'): a quote
    closed before the cut is whole."""
    bounds = article.paragraph_spans()
    cut = next((k for k, p in enumerate(article.paragraphs) if p.flags == ["truncated"]), None)
    if cut is None:
        return sentences, paragraphs, None
    b = bounds[cut]
    more = [(s.span.start, s.span.end) for s in article.sentences if s.paragraph == cut]
    return sorted(sentences + more), sorted([*paragraphs, (b.start, b.end)]), (b.start, b.end)


def _whole_quotes(quotes: list[Quote], text: str, cut: tuple[int, int] | None) -> list[Quote]:
    """The quotes without those of a cut paragraph that may be cut too: there, only a quote in marks (it ends
    before the paragraph does) whose speaker is a name that does not run into the cut is kept ('said the
    captain of the' is cut, and so may be 'said Jo')."""
    if cut is None:
        return quotes
    start, end = cut
    rest = text[start:end].rstrip(" .,;:")

    def whole(q: Quote) -> bool:
        name = q.speaker_name or ""
        return q.kind == "direct" and name[:1].isupper() and q.span.end < end and not rest.endswith(name)

    return [q for q in quotes if not start <= q.span.start < end or whole(q)]


def _text_anchor(article: Article, sentences: list[tuple[int, int]]) -> dt.date | None:
    """A full date written in the article itself (a date line), to anchor relative dates when none is known."""
    probe = Article(id=article.id, paragraphs=article.paragraphs)
    # only a date line near the top stands for the publication date; full dates further down are history
    text = article.text
    top = [(s, e) for s, e in sentences if s < DATELINE_CHARS and len(text[s:e].split()) <= DATELINE_WORDS]
    days = [
        dm.value
        for dm in find_dates(probe, _NoDoc(), top, None, "none")
        if dm.anchor == "absolute" and dm.granularity == "day" and dm.value
    ]
    return parse_iso(max(days)) if days else None


class _NoDoc:
    """A stand-in doc with no entities: date patterns only."""

    ents: tuple[()] = ()


def extract_article(
    article: Article,
    doc: Doc,
    settings: Settings | None = None,
    story_date: str | None = None,
    resolve: bool = True,
    storyline_date: str | None = None,
    story_span: tuple[str | None, str | None] | None = None,
    others_last: str | None = None,
) -> Article:
    """Fill ``mentions``, ``quotes``, ``figures`` and ``dates`` of one article from its parsed doc (returns it).

    Relative dates are resolved against ``article.published``; without one, against a full date written in
    the text, else ``story_date`` (the last date of the article's story), else ``storyline_date`` (the latest
    date of the storyline its undated story belongs to: it places only month names and month-days, recorded as
    "story"); each DateMention's ``anchor`` says which. ``story_span`` (the story's first and last dates) moves
    a bare weekday that falls in the week before the story into it (:func:`dates.fit_to_story`).
    ``others_last`` (the last date of the other stories of the article's storyline) lets a page date far after
    them, which the text does not confirm, be doubted (:func:`dates.doubts_published`): the article is then
    read as undated, anchored on that date as a storyline's (month names and month-days only). With
    ``resolve`` the article's own entities are merged to set mention and speaker ids; the stage skips it for
    articles of a story,
    whose merge (:func:`merge_story`) sets them across the story.
    """
    sentences, paragraphs = analysed_ranges(article, doc)
    if not article.sentences:
        article.sentences = sentences_of(article, doc)
    mentions = find_mentions(article, doc, sentences)
    q_sentences, q_paragraphs, cut = quote_ranges(article, sentences, paragraphs)
    quotes = _whole_quotes(find_quotes(article, doc, q_sentences, q_paragraphs, mentions), article.text, cut)
    speakers = [m for m in speaker_mentions(article, quotes, mentions) if not is_role_noun(m.text)]
    mentions = sorted(mentions + speakers, key=lambda m: m.span.start)
    article.mentions = mentions
    article.quotes = quotes
    anchor, kind = parse_iso(article.published), "published"
    if anchor is not None and doubts_published(article.published, others_last, article.text):
        anchor, kind = parse_iso(others_last), "storyline"
    if anchor is None:
        anchor, kind = _text_anchor(article, sentences), "text"
    if anchor is None and story_date:
        anchor, kind = parse_iso(story_date), "story"
    if anchor is None and storyline_date:
        anchor, kind = parse_iso(storyline_date), "storyline"
    if anchor is None:
        kind = "none"
    first, last = (parse_iso(d) for d in story_span or (None, None))
    window = (first, last) if first and last else None
    article.dates = find_dates(article, doc, sentences, anchor, kind, window)
    article.figures = find_figures(article, doc, sentences)
    if resolve:
        resolve_speakers([article], merge_entities([article]))
    return article


def _others_last(
    store: Store, lines: Sequence[Storyline], wanted: set[str], story_of: Callable[[str], Story | None]
) -> dict[str, str]:
    """For each story of ``wanted`` (the stories of the articles extracted) of one outlet in a storyline: the
    last date of the storyline's other stories. Those dates come from the stories' columns
    (:meth:`storyline.store.Store.story_heads`), not their records; ``story_of`` reads a wanted story."""
    heads = store.story_heads({sid for line in lines if len(line.stories) > 1 for sid in line.stories})
    out = {}
    for line in lines:
        for sid in line.stories:
            if sid not in wanted or sid not in heads:
                continue
            dates = [d for x in line.stories if x != sid and (d := (heads.get(x) or {}).get("last_date"))]
            story = story_of(sid) if dates else None
            if story is not None and len(story.outlets) <= 1:
                out[sid] = max(dates)
    return out


# What the stage knows of an article beyond it: settings, story date, resolve, storyline date, story span, the
# last date of the storyline's other stories.
_Known = tuple[Settings, str | None, bool, str | None, tuple[str | None, str | None], str | None]


def _extract_batch(nlp: NLP, batch: list[tuple[Article, Doc, _Known]]) -> list[Article]:
    """:func:`extract_article` of each (article, doc, what the stage knows of it): the stage's per-article work,
    run by :meth:`storyline.context.RunContext.map_articles` here or on a worker."""
    return [extract_article(art, doc, *known) for art, doc, known in batch]


def resolve_speakers(articles: Sequence[Article], entities: Sequence[Entity]) -> None:
    """Set ``quote.speaker`` to the entity id its written speaker refers to (None when unknown or ambiguous)."""
    table = EntityTable(entities)
    for art in articles:
        for q in art.quotes:
            name = q.speaker_name
            q.speaker = table.lookup(name) if name and any(c.isupper() for c in name) else None


def merge_story(
    story: Story,
    articles: Sequence[Article],
    known: dict[str, str] | None = None,
    votes: Mapping[str, Counter[str]] | None = None,
    prepared: bool = False,
) -> Story:
    """Merge a story's articles: Story.entities, mention entity ids, quote speakers, Story.quotes (with
    Story.quote_groups: each quote once, with every article carrying it) and figures.

    Duplicate articles (``duplicate_of`` set) are counted once, through the article they copy. ``known`` (the
    corpus's :func:`merge.known_surnames`) names a person the story mentions only by surname; ``votes`` (the
    corpus's :func:`merge.type_votes`) types a name as most of its mentions in the corpus are typed.
    ``prepared``: :func:`prepare_mentions` was already applied to these articles (the stage reads them once).
    """
    if not prepared:
        prepare_mentions(articles)
    entities = merge_entities(articles, known, votes)
    resolve_speakers(articles, entities)
    entities.sort(key=lambda e: (-len(e.articles), -e.mentions, e.name))
    story.entities = entities
    canon = [a for a in articles if not a.is_duplicate]
    # copies carry a borrowed speaker: the articles' own quotes stay as their texts give them
    story.quotes, story.quote_groups = story_quotes([q for a in canon for q in a.quotes], canon)
    story.quotes, story.quote_groups = attributed(story.quotes, story.quote_groups)
    story.figures = [f for a in canon for f in a.figures]
    return story


def prepare_mentions(articles: Sequence[Article]) -> None:
    """A story's mentions as merging counts them: ordinary words dropped, surnames the story missed added."""
    words = [lower_words(a.text) for a in articles]  # the text is the same before and after the drop
    drop_ordinary_words(articles, words)
    add_story_mentions(articles, words)


def run(ctx: RunContext) -> None:
    """Pipeline stage: extract per article (new ones, or all on a full run), then merge per touched story."""
    store = ctx.store
    ids = store.article_ids() if ctx.full else list(ctx.new_ids)
    spans: dict[str, tuple[str | None, str | None]] = {}
    every = ctx.full or not ctx.touched_stories
    # the stories read for the new articles' dates, kept for their merge on a stream run (read once)
    read: dict[str, Story | None] = {}

    def story_of(story_id: str) -> Story | None:
        if story_id not in read:
            try:
                read[story_id] = store.get_story(story_id)
            except KeyError:
                read[story_id] = None
        story = read[story_id]
        if every:
            read.pop(story_id)
        return story

    # the storylines of these articles' stories only (a stream run does not read every storyline)
    wanted = store.story_ids_of(ids)
    lines = store.storylines_holding(wanted)
    line_dates = {sid: line.last_date for line in lines for sid in line.stories}
    others = _others_last(store, lines, wanted, story_of)

    def story_span(art: Article) -> tuple[str | None, str | None]:
        if art.story and art.story not in spans:
            story = story_of(art.story)
            spans[art.story] = (story.first_date, story.last_date) if story is not None else (None, None)
        return spans[art.story] if art.story else (None, None)

    def items() -> Iterator[tuple[Article, _Known]]:
        for i in range(0, len(ids), CHUNK):
            arts = [a for a in store.iter_articles(ids[i : i + CHUNK]) if a.paragraphs and "non_english" not in a.flags]
            for art in arts:
                span = story_span(art)
                # an undated report is anchored on its story's last date: it is no earlier than the story's first
                # report, and past weekdays ("on Wednesday") resolve back from the anchor into the story's span
                sdate = span[1] if not art.published else None
                ldate = line_dates.get(art.story) if not art.published and art.story and not sdate else None
                last = others.get(art.story) if art.story else None
                yield art, (ctx.settings, sdate, not art.story, ldate, span, last)

    done: list[Article] = []
    for art in ctx.map_articles(_extract_batch, items(), len(ids)):  # on every core for a large run
        done.append(art)
        if len(done) >= CHUNK:
            store.update_articles(done)
            done = []
    store.update_articles(done)
    story_ids = sorted(ctx.touched_stories) if ctx.touched_stories else [s.id for s in store.iter_stories()]
    # the one full name the whole store knows for a surname (a story that says only "Whitcombe" means her), and
    # how the whole store types each name, from the store's name counts as the articles stand before any merge
    kept: dict[str, _Read] = {}  # stories read and prepared for the name counts, merged as they are
    known, votes = _corpus_names(store, story_ids, every, kept, read) if story_ids else ({}, {})
    stories = []
    for sid in story_ids:
        story, arts, before = kept.pop(sid) if sid in kept else _read_story(store, sid, read)
        merge_story(story, arts, known, votes, prepared=True)
        # only what the merge changed is written back (a new article rewrites few of its story's others)
        store.update_articles([a for a, seen in zip(arts, before, strict=True) if _merged_state(a) != seen])
        stories.append(story)
    if stories:
        store.put_stories(stories)


# A story read for its merge: the story, its articles (prepared: :func:`prepare_mentions`), and the
# :func:`_merged_state` of each article as stored.
_Read = tuple[Story, list[Article], list[tuple[object, ...]]]


def _merged_state(article: Article) -> tuple[object, ...]:
    """What the merge of a story may change in one of its articles: its mentions (dropped or added by
    :func:`prepare_mentions`, typed and given entity ids by :func:`merge_entities`) and its quotes' speakers."""
    return (
        tuple((m.span, m.text, m.label, m.entity, m.role) for m in article.mentions),
        tuple(q.speaker for q in article.quotes),
    )


def _read_story(store: Store, story_id: str, read: dict[str, Story | None] | None = None) -> _Read:
    """A story and its articles, prepared for the merge, with the stored state of each article; ``read``: stories
    already read by id (the one asked for is taken out of it)."""
    story = (read or {}).pop(story_id, None) or store.get_story(story_id)
    arts = list(store.iter_articles(story.articles))
    before = [_merged_state(a) for a in arts]
    prepare_mentions(arts)
    return story, arts, before


def _corpus_names(store: Store, story_ids: Sequence[str], full: bool, kept: dict[str, _Read],
                  read: dict[str, Story | None] | None = None) -> tuple[dict[str, str], dict[str, Counter[str]]]:
    """(:func:`merge.known_surnames`, :func:`merge.type_votes`) of the whole store, for what merging these
    stories asks: on a full run every name; else the names of the stories' mentions as :func:`merge_story` sees
    them (:func:`prepare_mentions`), read before any story is merged and written back. The stories read, with
    their prepared articles, of the first stories up to :data:`KEPT_ARTICLES` articles in all, are left in
    ``kept`` by story id for the merge; ``read``: stories already read, by id (see :func:`_read_story`)."""
    if full:
        forms = store.mention_forms()
        return known_of(forms), votes_of(forms)
    names: set[str] = set()
    alone: set[str] = set()
    held = 0
    for sid in story_ids:
        got = _read_story(store, sid, read)
        arts = got[1]
        if held + len(arts) <= KEPT_ARTICLES:
            kept[sid] = got
            held += len(arts)
        for m in (m for a in arts for m in a.mentions):
            names.add(m.text.lower())
            if " " not in m.text:
                alone.add(m.text.lower())
    return known_of(store.person_forms(alone)), votes_of(store.mention_forms(names))


def corpus_entities(store: Store) -> list[Entity]:
    """Every entity of the corpus, merged across all stored articles, most widely reported first."""
    arts = [a for a in store.iter_articles() if a.mentions]
    entities = merge_entities(arts)
    entities.sort(key=lambda e: (-len(e.articles), -e.mentions, e.name))
    return entities


def all_quotes(store: Store, speaker: str | None = None) -> list[Quote]:
    """Every quote of the corpus (duplicates counted once), optionally only those of one speaker.

    ``speaker`` is a name as a user types it ("Whitcombe", "Dana Whitcombe") or an entity id.
    """
    arts = [a for a in store.iter_articles() if not a.is_duplicate and a.quotes]
    quotes = [q for a in arts for q in a.quotes]
    if speaker is None:
        return quotes
    want = {speaker.lower()}
    table = EntityTable(merge_entities([a for a in store.iter_articles() if a.mentions]))
    eid = table.lookup(speaker)
    if eid:
        want.add(eid)
    out = []
    for q in quotes:
        ids = {(q.speaker or "").lower()}
        if q.speaker_name:
            found = table.lookup(q.speaker_name)
            if found:
                ids.add(found)
            ids.add(q.speaker_name.lower())
        if ids & want or (eid is None and q.speaker_name and speaker.lower() in q.speaker_name.lower()):
            out.append(q)
    return out


def dates_of(articles: Sequence[Article]) -> list[DateMention]:
    """All resolved date mentions of the given articles, in calendar order."""
    return sorted((d for a in articles for d in a.dates if d.value), key=lambda d: d.value or "")
