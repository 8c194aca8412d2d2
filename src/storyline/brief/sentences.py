"""The candidate sentences of a brief: every sentence of a story's analysed paragraphs, as the nlp stage stored
it, and whether it can stand in a brief on its own (:func:`sentence_problem`).

Example:
    >>> sentence_problem("What happens to the tolls now?")
    'question'
    >>> from storyline.model import Article, Paragraph
    >>> [c.text for c in candidates([Article(id="a", paragraphs=[Paragraph("Floodwater closed the Alden bridge.")])])]
    ['Floodwater closed the Alden bridge.']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Article, Span
from ..text.datelines import DATELINE, DATELINE_HEAD
from ..text.speech import SPEECH_CUE
from ..text.words import word_count

# Shorter than this a "sentence" is a heading, a byline or a fragment; longer it is a run-on the parser failed
# to split (or a list), which reads badly in a brief.
MIN_WORDS = 7
MAX_WORDS = 70
# A sentence that ends a statement (possibly inside a closing quote or bracket); anything else was cut off.
_COMPLETE = re.compile(r"[.!][\"'\u201d\u2019)\]]*$")
_TRUNCATED = re.compile(r"(\.\.\.|\u2026)[\"'\u201d\u2019)\]]*$")
# Web furniture that survives extraction: credits, captions, prompts, links, legal lines. General patterns
# only; the cleaner flags whole paragraphs, this catches single sentences inside otherwise good ones.
_BOILERPLATE = re.compile(
    r"getty images|\bphoto(graph)?\s*(:|by\b|credit)|image (copyright|caption|source)|\((ap|afp|reuters) photo|"
    r"\bclick here|\bsubscribe\b|\bsign up\b|\bnewsletter\b|\bread more\b|\brelated articles?\b|"
    r"all rights reserved|\u00a9|\bcopyright\b|\bfollow us\b|\bshare this\b|\badvertisement\b|"
    r"can.t see the video|\bvideo below\b|\bcookies?\b|javascript|https?://|www\.|"
    r"\((pictured|above|below|left|right|center|centre|inset|file)\)",
    re.IGNORECASE,
)
# A wire dateline before the lead ("LIMA (Meridian Wire) - ") is the cleaner's DATELINE; one the sentence splitter
# cut off on its own ("LIMA (Meridian Wire) -") is not the article's lead.
_DATELINE_ALONE = re.compile(DATELINE_HEAD + r" ?(?:[\u2014\u2013]|--?)\s*")
# A dateline that names only the outlet or agency ("(KLPT 7) \u2014 ", "(AP) -- "), at the head of any sentence.
_AGENCY_DATELINE = re.compile(r"\([A-Z][^()]{0,30}\) ?(?:[\u2014\u2013] ?|--? )(?=[A-Z\u201c\"])")
# A court caption or a docket line ("COUNTY OF SANTA CLARA, Plaintiff, v. ..."): the parties' roles of a filing.
_CAPTION = re.compile(
    r"\b(?:plaintiffs?|defendants?|appellants?|appellees?|petitioners?|respondents?|intervenors?)\b,?\s+(?:v\.|vs\.?)\s",
    re.IGNORECASE,
)
# Words in capitals (five letters or more: longer than an acronym) making up this share of a sentence mark a caption,
# a form or a heading set in capitals, not news prose (which capitalises names, not whole words).
CAPS_SHARE = 0.3
CAPS_MIN_LETTERS = 5  # "NATO", "FBI", "USA" are acronyms in prose; "COUNTY", "PLAINTIFF" are set in capitals
# A line opening with a bullet glyph ("\u2022 Fans celebrate after ...").
_BULLET = re.compile(r"[\u2022\u00b7\u25aa\u25cf\u25a0\u2023\u2043]")
# Quoted words, in double or single, straight or curly marks. A quote is only shown with a speech verb
# (text.speech: the house's speech verbs in any form, "according to") and a named speaker.
QUOTED = re.compile(r"[\u201c\"]([^\u201d\"]*)[\u201d\"]|\u2018([^\u2018]*?)\u2019(?!\w)")
# A sentence is mostly quoted speech when its quoted words make up this share of it or more: a third.
QUOTED_SHARE = 0.3
# News narrative is in the third person; "I", "we", "you" outside quote marks means unmarked quoted speech.
_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'd|we|We|we're|We're|us|our|Our|my|My|me|you|You|your|Your)\b")


def sentence_problem(text: str) -> str | None:
    """Why a sentence cannot stand in a brief ("question", "truncated", ...), or None when it can."""
    text = text.strip()
    n = word_count(text)
    if "?" in text:
        return "question"
    if _TRUNCATED.search(text) or not _COMPLETE.search(text):
        return "truncated"
    if n < MIN_WORDS:
        return "fragment"
    if n > MAX_WORDS:
        return "too_long"
    if text[0].islower():
        return "fragment"
    if _BULLET.match(text):
        return "list_item"  # a bulleted line is a list entry or a gallery caption, not the report's narrative
    if _BOILERPLATE.search(text):
        return "boilerplate"
    words = re.findall(r"[A-Za-z]+", text)
    caps = sum(1 for w in words if len(w) >= CAPS_MIN_LETTERS and w.isupper())
    if _CAPTION.search(text) or (words and caps / len(words) >= CAPS_SHARE):
        return "caption"
    quoted = sum(len(m.group(0)) for m in QUOTED.finditer(text))
    outside = QUOTED.sub(" ", text)
    opens = sum(text.count(c) for c in "\u201c\u201d\"")
    if opens % 2 or (text[0] in "\u201c\"\u2018'" and quoted == 0):
        return "partial_quote"  # a quote that runs over sentences: its attribution is elsewhere
    if quoted > QUOTED_SHARE * len(text):
        # shown only with its attribution: a cue verb and a named speaker outside the quote marks
        rest = outside.split(None, 1)[1] if len(outside.split(None, 1)) > 1 else ""
        if not SPEECH_CUE.search(outside) or not re.search(r"\b[A-Z][a-z]", rest + " " + outside[1:]):
            return "unattributed_quote"
    if _FIRST_PERSON.search(outside):
        return "first_person"
    return None


def mostly_quoted(text: str) -> bool:
    """True when quoted speech makes up a third or more of a sentence."""
    return sum(len(m.group(0)) for m in QUOTED.finditer(text)) > QUOTED_SHARE * len(text)


@dataclass
class Candidate:
    """One sentence of one article, with its place in the story."""

    article: Article
    span: Span
    text: str
    group: str  # the independent source it belongs to: the article a syndicated copy copies
    position: int  # index among the article's analysed sentences (0 = lead)
    order: int  # index of the article in the story (time order)
    usable: bool  # may be picked (not only cited)


def _sentence_spans(article: Article) -> list[tuple[Span, int]]:
    """(span, paragraph index) of every sentence, as the nlp stage found them (``article.sentences``); an article
    it has not read counts each paragraph as one sentence."""
    if article.sentences:
        return [(s.span, s.paragraph) for s in article.sentences]
    return [(span, i) for i, span in enumerate(article.paragraph_spans()) if article.cut(span).strip()]


def _without_dateline(text: str, span: Span) -> Span:
    """The span of a sentence without a dateline at its head ("LIMA (Wire) - ", "(KLPT 7) \u2014 "): still an exact
    span of the source."""
    m = DATELINE.match(text, span.start, span.end) or _AGENCY_DATELINE.match(text, span.start, span.end)
    return Span(m.end(), span.end) if m else span


def candidates(story_articles: Sequence[Article]) -> list[Candidate]:
    """Every sentence of the analysed paragraphs of the articles, marked usable when it may be picked."""
    out: list[Candidate] = []
    for order, art in enumerate(story_articles):
        group = art.duplicate_of or art.id
        text = art.text
        position = 0
        paras = art.paragraphs
        for span, p in _sentence_spans(art):
            if p >= len(paras) or not paras[p].analysed:
                continue
            if position == 0 and _DATELINE_ALONE.fullmatch(text, span.start, span.end):
                continue
            # a dateline opens the lead, but a page may put a highlight or a photo line above it
            span = _without_dateline(text, span)
            sent = text[span.start : span.end]
            # a paragraph introduced by a colon ("Said the mayor:") is a block quote
            block = p > 0 and paras[p - 1].text.rstrip().endswith(":")
            usable = not block and sentence_problem(sent) is None
            out.append(Candidate(art, span, sent, group, position, order, usable))
            if _counts_as_sentence(sent):
                position += 1
    return out


# A piece of text with fewer real words than this ("(", "CNN)", "\u2022 Photos") is page furniture the parser cut
# out as a sentence, not a sentence of the report: three words are the shortest clause ("Rescuers found survivors").
SENTENCE_MIN_WORDS = 3


def _counts_as_sentence(text: str) -> bool:
    """True when a sentence takes a place in its article's order: page furniture the splitter cut out ("\u2022",
    "(", "CNN)") or a bulleted highlight above the lead does not push the lead down."""
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= SENTENCE_MIN_WORDS and not _BULLET.match(text.lstrip())
