"""Clean: take page furniture out of an article's paragraphs, flag what later stages should skip, and
read bylines and date lines into fields.

Called once per article right after ingest (see :func:`storyline.pipeline.ingest_paths`); the raw input
stays in the store, so what is removed here is only removed from ``article.paragraphs``. In order:

1. tidy spacing and drop empty paragraphs (a scraper's leading " date 2017-11-03" is read by ingest);
2. remove boilerplate: markup scraps, the headline repeated as body lines, byline and date lines (read into
   ``article.byline`` / ``article.published`` when metadata gave none, flag ``date_from_text``), interface
   and promo lines, link lists, legal notices, photo credits, embedded-post attributions, teasers cut with
   an ellipsis, repeated paragraphs (tests in :mod:`storyline.clean.boilerplate`, :mod:`storyline.clean.bylines`);
3. lines with no sentence end outside a list: removed when they are short labels or title-cased
   headlines, otherwise flagged ``boilerplate``; a last paragraph cut mid-sentence is flagged ``truncated``;
4. flag photo captions (``caption``) and subhead questions (``question``);
5. flag off-topic paragraphs (``off_topic``): the share of each paragraph's topic words found in the
   rest of the article and its headline (leave one out), with evidence from names and from news-section
   vocabulary, see :class:`storyline.clean.offtopic.TopicScorer`;
6. article flags ``too_short`` and ``no_date``; the content hash is recomputed over the clean text.

After the nlp stage, the clean stage's ``captions`` step (:mod:`storyline.clean.captions`) flags the photo
captions only a parse tells apart, before dedupe hashes and signs the text.

Flagged paragraphs stay in the text (``Paragraph.analysed`` is False) so spans and provenance still work.

Example:
    >>> from storyline.config import Settings
    >>> from storyline.model import Article, Paragraph
    >>> art = Article(id="a1", title="Council backs bridge", paragraphs=[Paragraph(t) for t in (
    ...     "Council backs bridge", "By Jane Doe Jan 25, 2018", "The council voted on Tuesday.", "Share this")])
    >>> art = clean_article(art, Settings.load())
    >>> [p.text for p in art.paragraphs], art.byline, art.published
    (['The council voted on Tuesday.'], 'Jane Doe', '2018-01-25')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..model import Article, Paragraph
from ..text.fingerprint import content_hash
from . import boilerplate as bp
from .bylines import DATELINE_MAX_WORDS, find_date, parse_byline, parse_dateline
from .offtopic import TopicScorer

__all__ = ["clean_article", "clean_articles", "clean_with_log", "tidy"]

# No furniture test matches a paragraph longer than this (legal notices, the longest, stop at
# boilerplate.LEGAL_MAX_WORDS): longer paragraphs skip the tests.
FURNITURE_MAX_WORDS = 60
# Byline, date, interface, link, promo, credit and markup tests stop at this many words
# (boilerplate.LINK_MAX_WORDS and bylines.BYLINE_MAX_WORDS are the largest of them).
SHORT_LINE_WORDS = 25
# Date lines are read and removed only near the top (page header) or the bottom (page footer): a date
# on its own line in the middle is a section heading of a timeline and stays.
DATELINE_HEAD, DATELINE_TAIL = 6, 2
# A short paragraph next to removed interface lines is part of the same block ("Cancel or pause at any
# time." under a subscribe box) when it holds at least PROMO_NEIGHBOUR_MIN_UI interface words and at most
# PROMO_NEIGHBOUR_MAX_WORDS words; one such word is not enough ("expect to close the deal").
PROMO_NEIGHBOUR_MAX_WORDS = 15
PROMO_NEIGHBOUR_MIN_UI = 2
# A run of at least this many consecutive short lines is a list (jurisdictions, a box score), kept as is.
LIST_MIN_RUN = 3
LIST_LINE_MAX_WORDS = 8
# Lines with no sentence end: at most this many words is a label or lone name ("CNN —", "Adam Silverman"),
# removed; up to LABEL_MAX_WORDS words is a headline or kicker of something else, flagged boilerplate.
LABEL_REMOVE_MAX_WORDS = 3
LABEL_MAX_WORDS = 15
# A last paragraph cut mid-word or mid-sentence is flagged truncated; a cut scrap shorter than this is removed.
TRUNCATED_MIN_WORDS = 4
# Caption rule: a short paragraph opening with the same words as its longer neighbour repeats it as a caption.
CAPTION_REPEAT_WORDS = 4
CAPTION_REPEAT_MAX_WORDS = 25
# ... and most of its words are in that neighbour: two paragraphs that merely open alike ("The Justice
# Department said ...") share well under this.
CAPTION_REPEAT_SHARE = 0.7
# Page furniture above the lead: when one of the first PRELEDE_MAX_PARAGRAPHS paragraphs opens with a wire
# dateline ("MARLOW -- ..."), the story starts there, and the short paragraphs above it (a photo caption
# such as "A taxi driver reacts as ...", a standfirst, a teaser row) are not its text: flagged caption. A
# paragraph above it longer than bp.CAPTION_MAX_WORDS is left alone (a dateline further down is a second story
# pasted below, or a quoted wire report).
PRELEDE_MAX_PARAGRAPHS = 4

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))  # zero-width characters, soft hyphen
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACED = (" ,", " ;", " :", " !", " ?", " )", " ]", " .", "( ", "[ ")
# "word,word", "August.Read" and "(CNN)The": the space lost after a comma or semicolon between words,
# after a full stop before a capitalised word (three lower-case letters before it, so "U.S.A" and
# "example.com" stay), or after an agency tag in brackets.
# (The punctuation is matched before the look-behinds: the scan then stops only at , ; . and ")".)
_GLUED = re.compile(
    r"[,;](?<=[a-z][,;])(?=[A-Za-z])|\.(?<=[a-z]{3}\.)(?=[A-Z][a-z]{2})|\)(?<=[A-Z]{2}\))(?=[A-Z][a-z])"
)
_TRAILING_READ_MORE = re.compile(
    r"(?<=[.!?\"”’])\s*(?:read more|continue reading)(?=[\s:.A-Z]|$).{0,60}$", re.IGNORECASE
)


def tidy(text: str) -> str:
    """Whitespace collapsed and stray spacing fixed: no space before , . ; : ! ? ) or after (, one after , ;."""
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE)
    text = " ".join(text.split())  # str.split() knows every Unicode space
    if any(c in text for c in _SPACED):
        text = re.sub(r"(?<=\w)([(\[]) ", r" \1", text)  # "again( in May" -> "again (in May"
        text = re.sub(r"([(\[]) ", r"\1", text)
        text = re.sub(r"(?<=\w) ([,;:!?)\]])", r"\1", text)
        text = re.sub(r"(?<=[\w)\]\"”’]) \.(?= |$)", ".", text)
    text = _GLUED.sub(_unglue, text)
    low = text.lower()
    if "read more" in low or "continue reading" in low:
        text = _TRAILING_READ_MORE.sub("", text).strip()
    return text


def _unglue(match: re.Match[str]) -> str:
    """Put the missing space back after a comma, semicolon, full stop or bracket between two words."""
    return match.group() + " "


def clean_articles(batch: Iterable[Article], settings: Settings) -> list[Article]:
    """Clean a batch of articles (the batch form of :func:`clean_article`)."""
    return [clean_article(article, settings) for article in batch]


def clean_article(article: Article, settings: Settings) -> Article:
    """Return the article with boilerplate removed, bylines and dates read, and paragraphs flagged."""
    return _clean(article, settings, None)


def clean_with_log(article: Article, settings: Settings) -> tuple[Article, list[tuple[str, str]]]:
    """Clean an article and say why: (reason, paragraph text) for each removed paragraph ("ui", "title",
    "byline", "dateline", "link", "legal", "credit", "embed", "teaser", "repeat", "markup", "label") and
    ("flag:<flags>", text) for each flagged one."""
    log: list[tuple[str, str]] = []
    return _clean(article, settings, log), log


@dataclass
class _Item:
    """A paragraph during cleaning: its text, flags, and why it was removed (None while kept)."""

    text: str
    flags: list[str]
    removed: str | None = None
    key: str = ""  # boilerplate.norm(text), for comparing lines
    words: int = 0  # word count
    reused_from: list[dict[str, Any]] = field(default_factory=list)  # kept as dedupe left it


def _clean(article: Article, settings: Settings, log: list[tuple[str, str]] | None) -> Article:
    """The cleaning steps; ``log`` (when given) receives (reason, text) for each removed or flagged paragraph."""
    items = [_Item(tidy(p.text), list(p.flags), reused_from=list(p.reused_from)) for p in article.paragraphs]
    items = [it for it in items if it.text]
    for it in items:
        it.key, it.words = bp.norm(it.text), len(it.text.split())
    _remove_furniture(article, items)
    _remove_promo_neighbours(items)
    kept = [it for it in items if it.removed is None]
    _judge_labels(kept)
    kept = [it for it in kept if it.removed is None]
    _flag_captions_and_questions(kept)
    if article.language in (None, "en"):  # the topic words are English; other languages are not judged
        for i in TopicScorer(settings).off_topic(article.title, [it.text for it in kept]):
            _flag(kept[i], "off_topic")
    if log is not None:
        log.extend((it.removed, it.text) for it in items if it.removed)
        log.extend(("flag:" + ",".join(it.flags), it.text) for it in kept if it.flags)
    article.paragraphs = [Paragraph(it.text, it.flags, it.reused_from) for it in kept]
    _article_flags(article, settings)
    article.content_hash = content_hash(article)
    return article


def _set_date(article: Article, iso: str | None) -> None:
    """Use a date read from the text as the publication date when no metadata gave one."""
    if iso and not article.published:
        article.published = iso
        if "date_from_text" not in article.flags:
            article.flags.append("date_from_text")


def _flag(item: _Item, flag: str) -> None:
    """Add a paragraph flag once."""
    if flag not in item.flags:
        item.flags.append(flag)


def _remove_furniture(article: Article, items: list[_Item]) -> None:
    """Mark the paragraphs that are page furniture as removed, reading bylines and date lines on the way."""
    seen: set[str] = set()
    head = bp.norm(article.title)
    for i, it in enumerate(items):
        # long paragraphs are text; only a repeat can still go
        reason = _furniture(article, items, i, head) if it.words <= FURNITURE_MAX_WORDS else None
        if reason is None:
            if it.key in seen:
                reason = "repeat"
            seen.add(it.key)
        it.removed = reason


def _furniture(article: Article, items: list[_Item], i: int, head: str) -> str | None:
    """Why paragraph ``i`` is page furniture, or None: the first test that matches, in this order.

    The byline, date line, markup, interface, link and credit tests stop at SHORT_LINE_WORDS words, so a longer
    paragraph meets only the title, legal, embed and teaser tests.
    """
    it = items[i]
    text, short = it.text, it.words <= SHORT_LINE_WORDS
    if short and bp.is_markup(text):
        return "markup"
    if bp.repeats_title(text, article.title, it.key, head):
        return "title"
    if short and _read_byline(article, text):
        return "byline"
    if short and _read_dateline(article, it, i, len(items)):
        return "dateline"
    if short and (it.key in bp.BOILERPLATE_LINES or bp.is_ui_line(text) or bp.points_at_media(text)):
        return "ui"
    if short and (bp.is_link_line(text) or bp.is_promo_line(text)):
        return "link"
    if bp.is_legal_line(text):
        return "legal"
    if short and bp.is_credit_line(text):
        return "credit"
    if bp.is_embed_attribution(text):
        return "embed"
    if bp.is_teaser(text) or (i + 1 < len(items) and bp.is_prefix_teaser(text, items[i + 1].text)):
        return "teaser"
    return None


def _read_byline(article: Article, text: str) -> bool:
    """True when the line is a byline; the first one gives ``article.byline`` (and a date) when none is set."""
    byline = parse_byline(text)
    if byline is None:
        return False
    if byline.name and not article.byline:
        article.byline = byline.name
    _set_date(article, byline.date)  # bylines count anywhere
    return True


def _read_dateline(article: Article, it: _Item, i: int, n: int) -> bool:
    """True when a short line near the top or the bottom of the page is a date line; its date is read."""
    if not (i < DATELINE_HEAD or i >= n - DATELINE_TAIL) or it.words > DATELINE_MAX_WORDS:
        return False
    found = parse_dateline(it.text)
    if found is False:
        return False
    _set_date(article, found if isinstance(found, str) else None)
    return True


def _remove_promo_neighbours(items: list[_Item]) -> None:
    """Remove short lines with an interface word that sit next to removed interface lines (one promo box)."""
    changed = True
    while changed:
        changed = False
        for i, it in enumerate(items):
            if it.removed or it.words > PROMO_NEIGHBOUR_MAX_WORDS or bp.ui_word_count(it.text) < PROMO_NEIGHBOUR_MIN_UI:
                continue
            near = [items[j].removed for j in (i - 1, i + 1) if 0 <= j < len(items)]
            if any(r in ("ui", "link") for r in near):
                it.removed = "ui"
                changed = True


def _judge_labels(kept: list[_Item]) -> None:
    """Lines without a sentence end, outside lists: remove labels and title-cased lines, flag the rest."""
    short = [it.words <= LIST_LINE_MAX_WORDS and not bp.ends_sentence(it.text) for it in kept]
    in_list = [False] * len(kept)
    i = 0
    while i < len(kept):
        j = i
        while j < len(kept) and short[j]:
            j += 1
        if j - i >= LIST_MIN_RUN:
            in_list[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    last = len(kept) - 1
    for i, it in enumerate(kept):
        text = it.text
        if bp.ends_sentence(text) or in_list[i]:
            continue
        if i == last and i > 0 and re.search(r"[^\W_]$", text) and it.words >= TRUNCATED_MIN_WORDS \
                and not bp.is_title_case(text):
            _flag(it, "truncated")  # the page was cut here: "... fell 3 points, or 0.1 perce"
        elif text.rstrip().endswith(":") and it.words > LABEL_REMOVE_MAX_WORDS:
            continue  # introduces what follows: "Here is the list of the jurisdictions:"
        elif find_date(text):
            continue  # a date heading inside the text ("March 27, 2017"): context for what follows
        elif it.words <= LABEL_REMOVE_MAX_WORDS or bp.is_title_case(text):
            it.removed = "label"
        elif it.words <= LABEL_MAX_WORDS:
            _flag(it, "boilerplate")


def _flag_captions_and_questions(kept: list[_Item]) -> None:
    """Flag photo captions and standalone subhead questions."""
    lead = _dateline_lead(kept)
    for i, it in enumerate(kept):
        if bp.is_caption(it.text) or _repeats_neighbour_opening(kept, i) or i < lead and not it.flags:
            _flag(it, "caption")
        elif bp.is_subhead_question(it.text):
            _flag(it, "question")


def _dateline_lead(kept: list[_Item]) -> int:
    """Index of the paragraph that opens with a wire dateline near the top when only short ones precede it; else 0."""
    for i, it in enumerate(kept[:PRELEDE_MAX_PARAGRAPHS]):
        if bp.opens_with_dateline(it.text):
            return i if all(o.words <= bp.CAPTION_MAX_WORDS for o in kept[:i]) else 0
    return 0


def _repeats_neighbour_opening(kept: list[_Item], i: int) -> bool:
    """True when a short paragraph opens with the same words as a longer neighbour (a caption of it)."""
    it = kept[i]
    if it.words > CAPTION_REPEAT_MAX_WORDS:
        return False
    head = it.key.split()[:CAPTION_REPEAT_WORDS]
    if len(head) < CAPTION_REPEAT_WORDS:
        return False
    own = set(it.key.split())
    for j in (i - 1, i + 1):
        if 0 <= j < len(kept) and kept[j].words > it.words:
            other = kept[j].key.split()
            if other[:CAPTION_REPEAT_WORDS] == head and len(own & set(other)) >= CAPTION_REPEAT_SHARE * len(own):
                return True
    return False


def _article_flags(article: Article, settings: Settings) -> None:
    """Set too_short (few words left in analysed paragraphs) and no_date."""
    words = sum(len(p.text.split()) for p in article.paragraphs if p.analysed)
    if words < settings.ingest.min_words and "too_short" not in article.flags:
        article.flags.append("too_short")
    if not article.published and "no_date" not in article.flags:
        article.flags.append("no_date")
    if article.published and "no_date" in article.flags:
        article.flags.remove("no_date")
