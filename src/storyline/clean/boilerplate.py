"""Paragraph-level tests for boilerplate that survives extraction, and for captions and subhead questions.

Each test looks at one paragraph (and, where said, the headline or a neighbour) and answers yes or no;
:mod:`storyline.clean` decides what to do with the answer (remove the paragraph or flag it). The tests use
general shapes of page furniture rather than a list fitted to known pages: short lines made mostly of
interface words ("Adjust Comment Print", "Sign up"), photo-credit markers ("Getty Images", "(AP Photo/...)"),
link-list prefixes ("RELATED:", "More:"), lines with no sentence end, title-cased labels, and the fixed
labels of standard page widgets (word lists in ``text/lexicons/``: interface_words.txt, boilerplate_lines.txt).

Example:
    >>> is_ui_line("Adjust Comment Print")
    True
    >>> is_credit_line("(AP Photo/Jane Doe)")
    True
    >>> repeats_title("• Council backs new bridge", "Council backs new bridge")
    True
    >>> is_subhead_question("What happens to the grant money now?")
    True
"""

from __future__ import annotations

import re
import unicodedata

from ..text.datelines import DATELINE
from ..text.lexicon import load
from ..text.words import STOP_WORDS


def _wordset(text: str) -> frozenset[str]:
    """The set of white-space separated words of a literal word list."""
    return frozenset(text.split())


_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_CONTENT_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A paragraph of prose ends with one of these (quotes and brackets close a sentence too).
_SENTENCE_END_CHARS = frozenset(".!?…\"”’')]")
_BULLET = re.compile(r"^[\s•·●▪■◦*>\-–—|]+")

# Words of page furniture: sharing, subscribing, navigation, comments, players, ads. A short line made
# mostly of them is interface text, not prose ("Adjust Comment Print", "Share on Facebook", "Jump to");
# text/lexicons/interface_words.txt says where they come from.
UI_WORDS = load("interface_words")
# Words that never decide whether a line is interface text: the function words (text.words.STOP_WORDS) that
# are not interface words themselves ("more" and "here" are), plus "us" ("Follow us") and "article".
_NEUTRAL = (STOP_WORDS - UI_WORDS) | {"us", "article"}
# A line is interface text when at least this share of its words are UI words (neutral words left out):
# "Adjust Comment Print" is 3/3, "Sign up for our newsletter" 3/3, a headline like "Read my lips, says
# Bush" 1/4.
UI_SHARE = 0.6
# A line ending with a full stop reads as a sentence: it needs more ("The app lets users share photos." is 3/5).
UI_SHARE_SENTENCE = 0.75
# ... and it is short: interface lines run 1-8 words; a 12-word sentence that mentions "email" is prose.
UI_MAX_WORDS = 12

# Well-known boilerplate, matched against the whole line (lower case, punctuation and bullets stripped): the
# fixed labels of standard page widgets, text/lexicons/boilerplate_lines.txt.
BOILERPLATE_LINES = load("boilerplate_lines")
# A short line pointing at a media element above or below it ("Can't see the video below?", "Watch the clip
# above") is page furniture: extraction keeps the line and drops the element it points at.
_MEDIA_POINTER = re.compile(
    r"\b(?:videos?|clips?|player|galler(?:y|ies)|slideshows?|photos?|pictures?|images?|graphics?|maps?|charts?|polls?)"
    r"\s+(?:below|above)\b",
    re.IGNORECASE,
)
# Prefixes of link lists and teasers: "RELATED: ...", "More: ...", "SEE ALSO ...", "Read more here: ...".
_LINK_PREFIX = re.compile(
    r"^\W*(related|read more|more|see more|see also|also read|also see|read also|recommended|watch|"
    r"more news|more from|more on|latest|trending|click here|listen|video|photos?|gallery)\b\s*(:|[-–—|]|here\b)",
    re.IGNORECASE,
)
# A video teaser ends with the clip's length: "The mayor on the bridge vote (1:09)".
_DURATION_END = re.compile(r"\(\d{1,2}:\d{2}\)\s*$")
# Link-list lines are short; a long paragraph starting with "More:" is text.
LINK_MAX_WORDS = 25
# Legal, comment-system and wire-credit notices. Phrases that prose also uses ("terms of service",
# "reporting by The Times", "originally published in 2016") count only where notices put them: at the
# start of the line, or in a short line.
_LEGAL = re.compile(
    r"all rights reserved|(this )?material may not be|may not be (re)?published,? (broadcast|rewritten|redistributed)|"
    r"this site uses akismet|your comment data is processed|(this|our) (site|website) uses cookies|we use cookies|"
    r"by continuing to (use|browse) (this|our)|©|\(c\) \d{4}|\bcopyright \d{4}|"
    r"^\W*(this (article|story) (was )?)?originally (published|appeared) (by|on|in|at)\b|"
    r"^\W*this (article|story) (was|has been) (updated|corrected)\b|"
    r"^\W*\(?(additional )?(reporting|writing|editing) by \w|contributed to this (report|story|article)|"
    r"^\W*this (story|article|report) was (provided|written|produced|supplied) by",
    re.IGNORECASE,
)
LEGAL_MAX_WORDS = 60
# Terms and privacy notices speak as the site ("our terms", "our privacy policy"); prose about another
# company's terms of service does not.
_LEGAL_SITE = re.compile(
    r"\b(our|this site's|the site's) (terms of (use|service)|terms and conditions|privacy (policy|notice|statement)|"
    r"user agreement|cookie policy)|\buse is subject to\b",
    re.IGNORECASE,
)
# Cheap substring test before the regular expressions (most paragraphs hold none of these).
_LEGAL_TRIGGERS = ("reserved", "material may", "may not be", "akismet", "comment data", "cookies", "continuing to",
                   "©", "(c)", "copyright", "originally", "updated", "corrected", "reporting by", "writing by",
                   "editing by", "contributed to this", "was provided by", "was written by", "was produced by",
                   "was supplied by", "our ", "site's", "subject to")
# Calls to stay on the page: "Stay with Harbor News 9 for updates", "Follow us for the latest updates!".
_PROMO = re.compile(
    r"\bstay tuned\b|\bstay with (us|[A-Z][\w.]*(?: [A-Z0-9][\w.]*){0,4}) for\b|\bfollow us\b|"
    r"\bfor (the latest|more) updates\b|\b(is|this) a developing story\b|\bas (this|the) story develops\b|"
    r"\bcheck back (later|soon) for\b|"
    r"\bdownload our app\b",
    re.IGNORECASE,
)
PROMO_MAX_WORDS = 20
# Photo credits: agencies and markers that only credit lines carry.
_CREDIT = re.compile(
    r"getty images|/getty\b|shutterstock|\bap photo\b|\(ap\)$|\bafp photo\b|\breuters/|[a-z]/ap\s*\)?$|"
    r"\bphoto(graph)?s?\s*(credit|courtesy|by)\b|\bphoto:|\bphotos?/|\bimage:|\bimage credit|\bcredit:|"
    r"\bcourtesy (of|photo)\b|\[photo|\|\s*(ap|afp|reuters|getty|epa)\b|\bistock(photo)?\b|\bfile photo\b|"
    r"\bphoto illustration\b|\bpool photo\b",
    re.IGNORECASE,
)
_CREDIT_TRIGGERS = ("getty", "shutterstock", "ap photo", "(ap)", "afp", "reuters", "/ap", "photo", "image",
                    "credit", "courtesy", "|", "istock")
# A credit line is short: "Getty Images", "Photo: Jane Doe/Reuters", "(Image credit: Jane Doe/Getty Images)".
CREDIT_MAX_WORDS = 10
# Captions are a sentence or two; a long paragraph that names a photo agency is an article about it.
CAPTION_MAX_WORDS = 60
# Caption markers inside a longer paragraph: "(pictured)", "(left)", "(file photo)".
_CAPTION = re.compile(
    r"\((?:pictured|pictured [^)]{0,30}|left|right|centre|center|top|above|below|file)\)", re.IGNORECASE
)
# A paragraph ending with a parenthesised date is a photo or video caption: "... at the harbour. (Sept. 20, 2017)".
_CAPTION_DATE = re.compile(r"\(\s*[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}\s*\)\s*$")
# Teasers cut with an ellipsis are short; a long paragraph ending in "..." is a quote trailing off.
TEASER_MAX_WORDS = 40
# A teaser of the next paragraph repeats at least this many of its first words before the ellipsis.
TEASER_PREFIX_MIN_WORDS = 4
_ELLIPSIS_END = re.compile(r"[A-Za-z0-9,;]\s?(\.{3}|…)\s*$")
# Subhead questions are short single sentences; a long question is usually part of the argument.
QUESTION_MAX_WORDS = 25
_QUOTE_START = re.compile(r"""^[\s"“”'‘’«»]""")
# Short words left lower case in title-cased headlines and labels: the articles, conjunctions and short
# prepositions that title-case style guides (the Chicago Manual of Style's headline style) leave lower case.
_TITLE_SMALL = _wordset("a an the and or but of in on at to for by with from as vs via nor per is")
# Headlines shorter than this are matched only exactly: "Fire" must not take "Fire crews arrived" with it.
TITLE_MIN_WORDS = 3
# A line cut from the headline, or a variant of it, has at least this many words (fewer are a kicker:
# "Breaking", "Live updates") ...
TITLE_VARIANT_MIN_WORDS = 4
# ... and a variant has at least this share of its words in the headline ("Gov. Ruiz signs ..." for
# "Governor Ruiz signs ..."); a sentence on the same subject shares far less.
TITLE_VARIANT_SHARE = 0.8
# Title-cased labels are short: headlines of other stories, section and author labels (3-14 words).
TITLE_CASE_MIN_WORDS, TITLE_CASE_MAX_WORDS = 2, 14
# Share of capitalised words (small words left out) at which a line is title-cased; a sentence with
# several names reaches about 0.5.
TITLE_CASE_SHARE = 0.85


def norm(text: str) -> str:
    """Text folded for comparing lines: NFKC, lower case, bullets and edge punctuation stripped, spaces collapsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("’", "'")
    text = text.casefold()
    text = _BULLET.sub("", text)
    text = re.sub(r"[^\w'$%&@#]+", " ", text)
    return " ".join(text.split())


def words_of(text: str) -> list[str]:
    """Word tokens of a line (letters, digits and inner apostrophes)."""
    return _CONTENT_WORD.findall(text)


def ends_sentence(text: str) -> bool:
    """True when the paragraph ends like a sentence (. ! ? … or a closing quote or bracket)."""
    return text.rstrip()[-1:] in _SENTENCE_END_CHARS


def is_known_boilerplate(text: str) -> bool:
    """True when the whole line is a well-known boilerplate phrase ("Related Articles", "Leave a Reply")."""
    return norm(text) in BOILERPLATE_LINES


def is_ui_line(text: str) -> bool:
    """True for a short line made mostly of interface words ("Adjust Comment Print", "Share on Facebook")."""
    if text.count(" ") >= 2 * UI_MAX_WORDS:  # cheap pre-check: far too long
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if not words or len(words) > UI_MAX_WORDS:
        return False
    counted = [w for w in words if w not in _NEUTRAL]
    if not counted:
        return False
    share = UI_SHARE_SENTENCE if text.rstrip().endswith(".") else UI_SHARE
    return sum(1 for w in counted if w in UI_WORDS) / len(counted) >= share


def points_at_media(text: str) -> bool:
    """True for a short line that points at a video, gallery or graphic above or below it."""
    return len(text.split()) <= UI_MAX_WORDS and bool(_MEDIA_POINTER.search(text))


def ui_word_count(text: str) -> int:
    """How many interface words a line holds."""
    return sum(1 for w in _WORD.findall(text) if w.lower() in UI_WORDS)


def is_link_line(text: str) -> bool:
    """True for a link-list or video teaser line: "RELATED: ...", "More: ...", "Mayor speaks (1:09)"."""
    if len(text.split()) > LINK_MAX_WORDS:
        return False
    return bool(_LINK_PREFIX.match(text) or _DURATION_END.search(text))


def is_legal_line(text: str) -> bool:
    """True for a copyright, terms, comment-system or wire-credit notice."""
    if len(text.split()) > LEGAL_MAX_WORDS:
        return False
    low = text.lower()
    if not any(t in low for t in _LEGAL_TRIGGERS):
        return False
    if _LEGAL.search(text):
        return True
    return bool(_LEGAL_SITE.search(text))


def is_promo_line(text: str) -> bool:
    """True for a short call to stay, follow or come back ("Stay with us for updates on this developing story.")."""
    return len(text.split()) <= PROMO_MAX_WORDS and bool(_PROMO.search(text))


def has_credit(text: str) -> bool:
    """True when the text carries a photo-credit marker ("Getty Images", "(AP Photo/...)", "Photo: ...")."""
    low = text.lower()
    return any(t in low for t in _CREDIT_TRIGGERS) and bool(_CREDIT.search(text))


def is_credit_line(text: str) -> bool:
    """True for a short line that is only a photo credit."""
    return len(text.split()) <= CREDIT_MAX_WORDS and has_credit(text)


def is_caption(text: str) -> bool:
    """True for a photo or video caption: a "(pictured)" marker, a credit inside, or a trailing "(Sept. 20, 2017)"."""
    if "(" in text and (_CAPTION.search(text) or (text.rstrip().endswith(")") and _CAPTION_DATE.search(text))):
        return True
    return len(text.split()) <= CAPTION_MAX_WORDS and has_credit(text)


def opens_with_dateline(text: str) -> bool:
    """True when a paragraph opens with a wire dateline ("MARLOW -- Rescue workers ..."): the story's lead."""
    return bool(DATELINE.match(text))


def is_subhead_question(text: str) -> bool:
    """True for a standalone question used as a subhead ("What's the administration's response?")."""
    text = text.strip()
    if not text.endswith("?") or _QUOTE_START.match(text) or len(text.split()) > QUESTION_MAX_WORDS:
        return False
    # One sentence only: no sentence end before the final question mark.
    return not re.search(r"[.!?][\"”’']?\s+[A-Z]", text[:-1])


def is_teaser(text: str) -> bool:
    """True for a short paragraph cut off with an ellipsis ("... in the face of threats from Pre...")."""
    if not text.rstrip().endswith(("...", "…")) or len(text.split()) > TEASER_MAX_WORDS \
            or not _ELLIPSIS_END.search(text):
        return False
    body = re.sub(r"(\.{3}|…)\s*$", "", text)
    return not re.search(r"[.!?][\"”’']?\s+[A-Z]", body)  # one sentence, cut: several sentences are text


def is_prefix_teaser(text: str, other: str) -> bool:
    """True when ``text`` ends in an ellipsis and is the start of ``other`` (a teaser of the next paragraph)."""
    if not text.rstrip().endswith(("...", "…")):
        return False
    stem = re.sub(r"\s*(\.{3}|…)\s*$", "", text)
    if len(stem.split()) < TEASER_PREFIX_MIN_WORDS:
        return False
    return norm(other).startswith(norm(stem)) and len(other) > len(stem)


def repeats_title(text: str, title: str, line: str | None = None, head: str | None = None) -> bool:
    """True when the paragraph is the headline again: whole, with a bullet or a few extra words, or cut short.

    ``line`` and ``head`` are :func:`norm` of the text and title when the caller already has them.
    """
    line = norm(text) if line is None else line
    head = norm(title) if head is None else head
    if not line or not head:
        return False
    if line == head:
        return True
    line_words, head_words = line.split(), head.split()
    if len(line_words) > len(head_words) + 3 or len(head_words) < TITLE_MIN_WORDS:
        return False  # a one- or two-word headline ("Fire") is only repeated when repeated exactly
    if f" {head} " in f" {line} ":  # "• Headline", "Transcript for Headline", "close Headline"
        return True
    cut_short = re.search(r"(\.{3}|…|[-–—:])\s*$", text)
    if len(line_words) >= TITLE_VARIANT_MIN_WORDS and head.startswith(line) and cut_short:
        return True  # the headline cut short: "Council backs new harbour bridge after two…"
    # A variant of the headline: almost every word of the line is a headline word ("Gov. Ruiz signs ...").
    head_set = set(head_words)
    shared = sum(1 for w in line_words if w in head_set)
    return len(line_words) >= TITLE_VARIANT_MIN_WORDS and not ends_sentence(text.rstrip(":–— ")) \
        and shared / len(line_words) >= TITLE_VARIANT_SHARE


def is_title_case(text: str) -> bool:
    """True for a short title-cased line with no sentence end: a headline, section or author label."""
    words = _WORD.findall(text)
    if not TITLE_CASE_MIN_WORDS <= len(words) <= TITLE_CASE_MAX_WORDS or ends_sentence(text):
        return False
    counted = [w for w in words if w.lower() not in _TITLE_SMALL or w == words[0]]
    if len(counted) < TITLE_CASE_MIN_WORDS:
        return False
    return sum(1 for w in counted if w[0].isupper()) / len(counted) >= TITLE_CASE_SHARE


def has_letters(text: str) -> bool:
    """True when the text holds at least one word of two letters or more."""
    return bool(re.search(r"[^\W\d_]{2}", text))


# Markup scraps and shortcodes are short; a longer line is judged by its letters only.
MARKUP_MAX_CHARS = 40


def is_markup(text: str) -> bool:
    """True for left-over markup or a shortcode: "[wpaicg_chatgpt]", "<", "* * *", "502"."""
    stripped = text.strip()
    if len(stripped) <= MARKUP_MAX_CHARS and re.fullmatch(r"\[[^\]]*\]|<[^>]*>?|[<>|*#=~_\-–—•·\s\d]+", stripped):
        return True
    return not has_letters(stripped)


def is_embed_attribution(text: str) -> bool:
    """True for the attribution line of an embedded social post: "— Name (@handle) April 15, 2019"."""
    if "(@" not in text and "pic.twitter" not in text:
        return False
    return bool(re.match(r"^\s*[—–-]\s*.{0,60}\(@\w+\)", text)) or bool(re.search(r"pic\.twitter\.com/\w+\s*$", text))
