"""What every reader shares: paragraphs from text, language, stable ids, outlet and date normalisation.

Each reader builds an :class:`Article` with what its format gives, then :func:`finish_article` fills in
what is derived the same way for all formats: the stable id, the content hash, the language and the
``non_english`` flag, the outlet fallback and an ISO publication date.

Example:
    >>> art = finish_article(Article(id="", title="Council backs new bridge",
    ...     paragraphs=split_paragraphs("The city council voted on Tuesday to fund the bridge.")))
    >>> len(art.id), art.language
    (16, 'en')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
from collections import Counter
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from dateutil import parser as date_parser

from ..model import Article, Paragraph
from ..text.fingerprint import content_hash
from ..text.lexicon import load as load_lexicon
from .limits import scrub

# Function words of a few languages common in news piles (text/lexicons/function_words_XX.txt, each saying
# where its words come from). The share of a text's words found in each list is a cheap, dependency-free
# language signal: English news prose has 30-45% of its words in the English list, while text in another
# language has under 5% (shared words such as "a", "in", "son" keep it above 0).
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl")
_STOPSETS = {lang: load_lexicon(f"function_words_{lang}") for lang in LANGUAGES}
# Below this many words no language is guessed: a headline alone is too little to judge.
LANGUAGE_MIN_WORDS = 12
# An English text has at least this share of its words in the English list (news prose: 0.3-0.45;
# a list of names or a table still reaches ~0.1). Below it, the best-scoring other language is named.
ENGLISH_MIN_SHARE = 0.12
# Letters up to U+024F are Latin (ASCII, Latin-1, Latin Extended A/B); a text with more than half of its
# letters beyond that is in another script and cannot be English.
NON_LATIN_SHARE = 0.5
# The text sampled for language detection: the first ~3,000 characters are plenty and keep it cheap.
LANGUAGE_SAMPLE_CHARS = 3000

# Hard-wrapped text: no line wider than HARD_WRAP_MAX_WIDTH (wire copy wraps at 60-80 columns), a median
# line of at least HARD_WRAP_MIN_WIDTH (a list of short items is not wrapped prose) and at least this share
# of lines ending mid-sentence; a line shorter than HARD_WRAP_SHORT of the widest one ends a paragraph.
HARD_WRAP_MAX_WIDTH = 100
HARD_WRAP_MIN_WIDTH = 40
HARD_WRAP_OPEN_SHARE = 0.5
HARD_WRAP_SHORT = 0.8

# A truncated headline repeated in the body is recognised from this many words on.
TITLE_PREFIX_MIN_WORDS = 4

_WORD = re.compile(r"[^\W\d_]+")
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_SENTENCE_END = re.compile(r"""[.!?…:;"”’')\]]$""")
_WS = re.compile(r"\s+")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f]")  # a letter beyond Latin Extended-B
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# Publication dates are trusted only inside this window: not before the first printed newspaper (the
# Strasbourg "Relation", 1605), not more than two days after today (time zones, an embargoed item dated
# tomorrow). Outside it a date is a placeholder (0001-01-01, 9999-12-31) or a typo, and a reader falls back on
# the page's other evidence (htmldate, the crawl date) or leaves the article undated.
EARLIEST_YEAR = 1605
FUTURE_DAYS = 2
# A scraper's page date in front of the text (" date 2017-06-16 Council backs ..."), as some JSON-lines
# exports carry it: read by the JSON reader as the publication date.
DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*", re.IGNORECASE)


def split_paragraphs(text: str, lines_are_blocks: bool = False) -> list[Paragraph]:
    """Paragraphs of a text: blank lines separate them; inside a block, line breaks are read by :func:`_join_lines`.

    ``lines_are_blocks`` is for text extracted from markup, where every line is a block element already.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[Paragraph] = []
    for block in _BLANK_LINE.split(text):
        lines = [line for line in (_WS.sub(" ", line).strip() for line in block.split("\n")) if line]
        out.extend(Paragraph(para) for para in (lines if lines_are_blocks else _join_lines(lines)))
    return out


def _join_lines(lines: list[str]) -> list[str]:
    """Group the lines of one block into paragraphs.

    Hard-wrapped text (most lines of similar width, many ending mid-sentence: wire copy, e-mail) is joined,
    with a paragraph ending at a short line that ends a sentence. Otherwise each line is a paragraph (web
    text extracted one block per line: headlines, lists, captions), except that a line starting in lower
    case continues the one before.
    """
    if len(lines) <= 1:
        return lines
    widths = sorted(len(line) for line in lines)
    widest, median = widths[-1], widths[len(widths) // 2]
    open_ended = sum(1 for line in lines[:-1] if not _SENTENCE_END.search(line))
    wrapped = HARD_WRAP_MIN_WIDTH <= median and widest <= HARD_WRAP_MAX_WIDTH
    if wrapped and open_ended / (len(lines) - 1) >= HARD_WRAP_OPEN_SHARE:
        paras, current = [], []
        for line in lines:
            current.append(line)
            if _SENTENCE_END.search(line) and len(line) < HARD_WRAP_SHORT * widest:
                paras.append(" ".join(current))
                current = []
        if current:
            paras.append(" ".join(current))
        return paras
    paras = [lines[0]]
    for line in lines[1:]:
        if line[0].islower() and not _SENTENCE_END.search(paras[-1]):
            paras[-1] += " " + line
        else:
            paras.append(line)
    return paras


def normalise(text: str) -> str:
    """Text folded for hashing: NFKC, case-folded, whitespace collapsed."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def stable_id(article: Article) -> str:
    """16 hex digits of sha1 over the normalised title and text: the same content always gets the same id."""
    key = normalise(article.title) + "\n" + normalise(article.text)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def detect_language(text: str) -> str | None:
    """A language code from function-word shares ("en", "es", ...); "und" for a text mostly in another script
    (Cyrillic, Greek, CJK, ...); None when too short or when no list fits (a table, a list of names)."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    raw_words = _WORD.findall(sample)
    if len(raw_words) < LANGUAGE_MIN_WORDS:
        return None
    letters = sum(map(len, raw_words))
    if len(_NON_LATIN.findall(sample)) > NON_LATIN_SHARE * letters:
        return "und"
    counts = Counter(w.casefold() for w in raw_words)
    shares = {lang: sum(counts[w] for w in stops if w in counts) / len(raw_words) for lang, stops in _STOPSETS.items()}
    if shares["en"] >= ENGLISH_MIN_SHARE:
        return "en"
    best = max(shares, key=shares.__getitem__)
    return best if shares[best] >= ENGLISH_MIN_SHARE else None


def plausible_date(day: date, today: date | None = None) -> bool:
    """True when a publication date lies in the trusted window (EARLIEST_YEAR to FUTURE_DAYS after today)."""
    today = today or date.today()
    return day.year >= EARLIEST_YEAR and day <= today + timedelta(days=FUTURE_DAYS)


def iso_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date, datetime or date-like string; None when it is not one, or when it
    lies outside the trusted window (:func:`plausible_date`)."""
    found = _parse_date(value)
    return found if found is None or plausible_date(date.fromisoformat(found)) else None


def _parse_date(value: object) -> str | None:
    """An ISO date from a date, datetime or date-like string, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date().isoformat()  # RFC 2822: "Tue, 16 Jan 2018 10:00:00 GMT"
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        # dateutil comes with htmldate; a default with day 1 avoids borrowing today's day for "March 2017"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # UnknownTimezoneWarning on "EST" and the like: the day is still right
            return date_parser.parse(text, default=datetime(2000, 1, 1)).date().isoformat()
    except (ValueError, OverflowError, TypeError):
        return None


def host_of(url: str | None) -> str | None:
    """The host of a URL without a leading "www.", or None."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def finish_article(article: Article, given_id: str | None = None) -> Article:
    """Fill what every reader derives the same way: id, content hash, language flag, outlet, ISO date.

    NUL characters and lone surrogates are taken out of every text field first (they cannot be stored or shown).
    """
    article.title = _WS.sub(" ", scrub(article.title or "")).strip()
    for para in article.paragraphs:
        para.text = scrub(para.text)
    article.paragraphs = [p for p in article.paragraphs if p.text.strip()]
    article.url, article.outlet, article.byline = (
        scrub(v) if v else v for v in (article.url, article.outlet, article.byline)
    )
    if not article.outlet:
        article.outlet = host_of(article.url)
    article.published = iso_date(article.published)
    article.content_hash = content_hash(article)
    article.id = str(given_id) if given_id not in (None, "") else stable_id(article)
    article.language = detect_language(article.title + "\n" + article.text)
    if article.language not in (None, "en") and "non_english" not in article.flags:
        article.flags.append("non_english")
    return article


def drop_repeated_title(paragraphs: list[Paragraph], title: str) -> list[Paragraph]:
    """Remove leading paragraphs that repeat the headline (in full, or cut short with an ellipsis)."""
    head = normalise(title).rstrip(" .…")
    while paragraphs and head and _repeats_title(normalise(paragraphs[0].text), head):
        paragraphs = paragraphs[1:]
    return paragraphs


def _repeats_title(first: str, head: str) -> bool:
    """True when a normalised first paragraph is the normalised headline, or its start cut with an ellipsis."""
    if first.rstrip(" .…") == head:
        return True
    # The headline cut short ("Council backs new harbour bridge after two…"): at least TITLE_PREFIX_MIN_WORDS
    # words, so that a one-word kicker ("Breaking") is not taken for it.
    stem = first.rstrip(" .…")
    return first.endswith(("…", "...")) and head.startswith(stem) and len(stem.split()) >= TITLE_PREFIX_MIN_WORDS
