"""Entities: named mentions from the one spaCy pass, repaired, then merged across a story's articles.

Per article, :func:`find_mentions` reads the doc's entities and fixes the small model's systematic errors on
news: titles split off into :attr:`Mention.role` ("Attorney General Jeff Sessions"), a verb or a date glued to a
name ("Said Emanuel", "Alfonso Serrano Jan 25"), a headline fragment typed as a person, a known person's
surname typed as a place or nationality ("Sessions" as NORP), and later bare-surname mentions the model missed.

Across articles, :func:`merge_entities` builds one :class:`Entity` per person, organisation or place: a surname
joins the full name it belongs to (also when misspelt by one or two letters), "Justice Department" joins
"Department of Justice", and an acronym joins the name it abbreviates (from the initials, or from a definition
in the text such as "Immigration and Customs Enforcement (ICE)").

Example:
    >>> from storyline.model import Article, Mention, Span
    >>> a = Article(id="a", mentions=[Mention(Span(0, 13), "Jeff Sessions", "PERSON"),
    ...                               Mention(Span(20, 28), "Sessions", "NORP")])
    >>> [(e.name, e.type, e.mentions) for e in merge_entities([a])]
    [('Jeff Sessions', 'PERSON', 2)]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..model import Article, Entity, Mention, Span
from ..text.lexicon import load
from ..text.verbs import inflected_forms
from .dates import MONTHS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

# Thresholds of the repair and merge rules.
MIN_FULL_NAME_WORDS = 2  # "Jeff Sessions"; one word is a surname, a given name or a single name
MIN_SURNAME_LETTERS = 3  # a shorter surname ("Li", "Xi") found bare in a text is too often another word
ONE_TYPO_FROM, TWO_TYPOS_FROM = 5, 9  # letters from which a misspelt name may differ by one letter, by two
MAX_ROLE_WORDS = 5  # "Cook County Board President": a title before a name runs to five words
MAX_APPOSITIVE_ROLE_WORDS = 6  # "the acting director of ICE"; a longer apposition is a clause, not a role
HEADLINE_WORD_LETTERS = 3  # words longer than this are capitalised in a headline ("of", "the", "and" are not)
MIN_HEADLINE_WORDS = 4  # fewer long words say too little about a line's case style
HEADLINE_CAPS = 0.75  # news prose rarely has 3 in 4 long words capitalised; headlines do
MIN_ACRONYM_LETTERS = 2  # the initials of a name of two words or more
MIN_ACRONYM = 3  # two-letter initials are too ambiguous ("CT" is a state and a newspaper) unless defined in the text
MIN_SURNAME_OF_OTHER = 4  # a word the model typed otherwise is taken for a known surname from four letters on
# A name is not a person's when the model typed it otherwise more than this many times beyond typing it a person
# ("Amazon", "Whole Foods"); a surname typed NORP once or twice ("Sessions") still is.
PERSON_TYPING_SLACK = 2
MAX_NAME_TYPOS = 2  # the most letters a misspelt name may differ by (allowed_typos of a name of 9 letters or more)


LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
# Formal titles before a name (text/lexicons/person_titles.txt: "Mayor", "Sen.", "Dr."); kept as the mention's
# role, never as part of the name. A title alone makes a name a person's.
PERSON_TITLES = load("person_titles")
# Words that join a title but are none on their own ("Vice", "former", "U.S.", "White House"; text/lexicons/
# title_qualifiers.txt): they also open names of places and bodies, so they do not make a name a person's.
TITLE_QUALIFIERS = load("title_qualifiers")
TITLE_WORDS = PERSON_TITLES | TITLE_QUALIFIERS
# Head words of organisation names: a title word in front of these ("Justice Department") is not a title.
ORG_HEADS = load("organisation_heads")  # text/lexicons/organisation_heads.txt says where they come from
# Verbs that introduce speech (text/lexicons/speech_verbs.txt says where they come from), matched against the
# parse's lemma of a verb token.
SPEECH_VERBS = load("speech_verbs")
# Their past and present forms, for a capitalised verb the tagger takes for part of a name ("Said Emanuel").
SPEECH_FORMS = inflected_forms(SPEECH_VERBS, ("past", "present"))
# Words that attribute without being a verb: "according (to)", the "by" of a byline.
ATTRIBUTION_WORDS = frozenset({"according", "by"})
MONTH_WORDS = frozenset(MONTHS)  # month names and their abbreviations: a date glued to a name
# Common name forms of a few places, so "U.S." and "United States" are one entity.
PLACE_KEYS = {
    "u.s.": "united states", "us": "united states", "usa": "united states", "u.s.a.": "united states",
    "america": "united states", "united states of america": "united states",
    "u.k.": "united kingdom", "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
}  # fmt: skip
_ORG_PREFIX = re.compile(r"^(?:the\s+)?(?:u\.s\.|us|united states|federal)\s+", re.IGNORECASE)
_SMALL = {"of", "and", "for", "the", "on", "in", "&", "at", "to"}


def is_attribution(tok: Token) -> bool:
    """True for a speech verb in any form ("said", "Told", "Says") or an attribution word ("according", "by")."""
    low = tok.lower_
    return (
        low in SPEECH_FORMS
        or low in ATTRIBUTION_WORDS
        or (tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in SPEECH_VERBS)
    )


# -- per article ---------------------------------------------------------------------------------------
def _clean_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a mention to the name: no leading "the", no possessive, no trailing punctuation or line break."""
    seg = text[start:end]
    nl = seg.find("\n")
    if nl >= 0:
        end = start + nl
    m = re.match(r"(?:the|The|THE)\s+", text[start:end])
    if m and end - start > m.end():
        start += m.end()
    while end > start and text[end - 1] in " ,.;:!?\"'\u2019\u201d)-\u2014":
        if text[end - 1] == "." and re.search(r"\b[A-Z]\.[A-Z]\.$|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St)\.$", text[start:end]):
            break
        end -= 1
    m = re.search(r"['\u2019]s$", text[start:end])
    if m:
        end -= 2
    return start, end


def is_title_case(text: str) -> bool:
    """True for a headline-style line: most longer words capitalised."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\u2019]+", text) if len(w) > HEADLINE_WORD_LETTERS]
    if len(words) < MIN_HEADLINE_WORDS:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= HEADLINE_CAPS


def _role_before(doc: Doc, tok_start: int) -> tuple[str | None, int]:
    """Title words right before a name ("Chicago Mayor", "Attorney General"): (role, first token index)."""
    i = tok_start - 1
    words: list[int] = []
    while i >= 0 and tok_start - i <= MAX_ROLE_WORDS:
        t = doc[i]
        low = t.lower_
        if low in TITLE_WORDS and (t.text[0].isupper() or low in ("u.s.",)):
            words.append(i)
            i -= 1
            continue
        # a place in front of a title: "Chicago Mayor", "Cook County Board President"
        if words and t.ent_type_ in ("GPE", "NORP", "ORG") and t.text[0].isupper():
            words.append(i)
            i -= 1
            continue
        break
    if not words or not any(doc[j].lower_ in PERSON_TITLES for j in words):
        return None, tok_start
    first = min(words)
    return doc[first:tok_start].text, first


MAX_TITLED_NAME_WORDS = 3  # "AG Sessions", "Gov. Jerry Brown": a title before more words is an organisation's name
MAX_GIVEN_NAMES = 2  # untagged given names taken in front of a person's tagged name ("Rahm" of "Rahm Emanuel")


def _split_lead(toks: list[Token], label: str) -> tuple[list[Token], str, str | None]:
    """Split leading speech verbs and titles off an entity ("Said Emanuel", "Attorney General Jeff Sessions"):
    (the name's tokens, its label, the title as its role)."""
    lead = 0
    while lead < len(toks) - 1 and (
        is_attribution(toks[lead]) or toks[lead].lower_ in TITLE_WORDS or toks[lead].lower_ == "the"
    ):
        lead += 1
    if any(t.lower_ in ORG_HEADS for t in toks[lead:]) and not any(is_attribution(t) for t in toks[:lead]):
        lead = 0  # "Justice Department", "U.S. Department of Justice": an organisation's own name
    if not (lead and label in ("PERSON", "ORG", "NORP", "GPE") and toks[lead].pos_ == "PROPN"):
        return toks, label, None
    inner_role = " ".join(t.text for t in toks[:lead] if not is_attribution(t) and t.lower_ != "the") or None
    person_title = any(t.lower_ in PERSON_TITLES for t in toks[:lead])
    name_like = all(t.text[:1].isupper() for t in toks[lead:])
    if label != "PERSON" and inner_role and person_title and name_like and len(toks) - lead <= MAX_TITLED_NAME_WORDS:
        label = "PERSON"  # "AG Sessions" typed as ORG: a title in front makes it a person
    role = inner_role if label == "PERSON" else None
    if label == "PERSON" or any(is_attribution(t) for t in toks[:lead]):
        toks = toks[lead:]
    return toks, label, role


def _cut_glued_date(toks: list[Token]) -> list[Token]:
    """A person's name without a date glued to it ("Alfonso Serrano Jan 25")."""
    for k, t in enumerate(toks):
        if k and (t.lower_.rstrip(".") in MONTH_WORDS or t.like_num):
            return toks[:k]
    return toks


def _person_extent(doc: Doc, toks: list[Token]) -> list[Token]:
    """A person's name with the untagged given names in front ("Rahm" of "Rahm Emanuel"): capitalised proper
    nouns, not titles or speech verbs."""
    first = toks[0].i
    while first > 0 and first > toks[0].i - MAX_GIVEN_NAMES:
        t = doc[first - 1]
        given = t.pos_ == "PROPN" and t.text[:1].isupper() and not t.ent_type_ and t.is_alpha
        if not given or t.lower_ in TITLE_WORDS or is_attribution(t):
            break
        first -= 1
    return list(doc[first : toks[-1].i + 1])


def _name_extent(doc: Doc, toks: list[Token]) -> list[Token]:
    """An organisation's or place's name the model cut short ("Norfolk" of "Norfolk Southern": a proper-noun
    compound of its head, left untagged), without leading lowercase modifiers ("state Department of ...")."""
    first, last = toks[0].i, toks[-1].i
    while first > 0:
        t = doc[first - 1]
        compound = t.dep_ == "compound" and first <= t.head.i <= last and t.pos_ == "PROPN"
        if not compound or not t.text[:1].isupper() or t.ent_type_ or t.lower_ in TITLE_WORDS:
            break
        first -= 1
    while first < last and doc[first].text[:1].islower():
        first += 1
    return list(doc[first : last + 1])


def _mention_of(ent: DocSpan, doc: Doc, text: str) -> Mention | None:
    """The repaired mention of one of the model's entities, or None when nothing of a name is left."""
    toks, label, role = _split_lead(list(ent), ent.label_)
    if label == "PERSON":
        toks = _cut_glued_date(toks)
    if not toks:
        return None
    toks = _person_extent(doc, toks) if label == "PERSON" else _name_extent(doc, toks)
    start, end = _clean_bounds(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))
    if end <= start:
        return None
    if label == "PERSON" and role is None:
        role, _ = _role_before(doc, toks[0].i)
    if label == "PERSON" and role is None:
        role = _appositive_role(toks[-1])
    return Mention(Span(start, end), text[start:end], label, role=role)


def find_mentions(article: Article, doc: Doc, sentences: list[tuple[int, int]]) -> list[Mention]:
    """Named mentions in the analysed sentences (char ranges) of one parsed article, with the repair rules."""
    text = article.text
    titled = [is_title_case(text[s:e]) for s, e in sentences]
    out: list[tuple[Mention, bool]] = []  # (mention, found in a headline-style sentence)
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        idx = next((k for k, (s, e) in enumerate(sentences) if s <= ent.start_char < e), None)
        mention = _mention_of(ent, doc, text) if idx is not None else None
        if mention is not None and idx is not None:
            out.append((mention, titled[idx]))
    mentions = _repair(article, [m for m, _ in out], [t for _, t in out], sentences)
    return _acronym_mentions(article, mentions, sentences)


_DEFINITION = re.compile(r"((?:[A-Z][\w'\u2019&.-]*\s+(?:(?:of|and|for|the|on|&)\s+)*){1,7})\(([A-Z]{2,6})\)")


def _acronym_mentions(article: Article, mentions: list[Mention], sentences: list[tuple[int, int]]) -> list[Mention]:
    """Organisations the model missed: "Immigration and Customs Enforcement (ICE)" and each later "ICE"."""
    text = article.text
    known = {m.text for m in mentions if m.label == "ORG" and m.text.isupper()}
    added: list[Mention] = []

    def free(s: int, e: int) -> bool:
        return not any(m.span.start < e and s < m.span.end for m in mentions + added)

    for s, e in sentences:
        for d in _DEFINITION.finditer(text, s, e):
            long, short = d.group(1).strip(), d.group(2)
            words = long.split()
            # keep the shortest tail of the capitalised run whose initials give the acronym
            for k in range(len(words)):
                cand = " ".join(words[k:])
                if short.lower() in acronyms_of(cand):
                    ls = d.start(1) + len(" ".join(words[:k])) + (1 if k else 0)
                    if free(ls, ls + len(cand)):
                        added.append(Mention(Span(ls, ls + len(cand)), cand, "ORG"))
                    known.add(short)
                    break
    for short in known:
        for m in re.finditer(r"(?<![\w-])" + re.escape(short) + r"(?![\w-])", text):
            if free(m.start(), m.end()) and any(a <= m.start() < b for a, b in sentences):
                added.append(Mention(Span(m.start(), m.end()), short, "ORG"))
    return sorted(mentions + added, key=lambda m: m.span.start)


def _appositive_role(tok: object) -> str | None:
    """A role given in apposition: "Thomas Homan, the acting director of ICE" -> "acting director of ICE"."""
    for child in tok.children:  # type: ignore[attr-defined]
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.lower_ in TITLE_WORDS:
            words = [t for t in child.subtree if t.dep_ not in ("det", "punct") or t.i > child.i]
            while words and words[-1].is_punct:
                words.pop()
            if 1 <= len(words) <= MAX_APPOSITIVE_ROLE_WORDS:
                return " ".join(t.text for t in words)
    return None


def surname(name: str) -> str:
    """The last name word of a person's name, lowercased (suffixes like "Jr." skipped)."""
    words = [w for w in name.replace(",", " ").split() if w.lower().rstrip(".") not in ("jr", "sr", "ii", "iii")]
    return words[-1].lower() if words else name.lower()


def _repair(
    article: Article, mentions: list[Mention], titled: list[bool], sentences: list[tuple[int, int]]
) -> list[Mention]:
    """Article-level repair rules over the raw mentions (see the module docstring)."""
    text = article.text
    other_typed = {m.text.lower() for m in mentions if m.label != "PERSON"}
    # full names the model typed as a person and never as something else ("Whole Foods" is both: not a name)
    full_names = {
        m.text for m, t in zip(mentions, titled, strict=True)
        if m.label == "PERSON" and len(m.text.split()) >= MIN_FULL_NAME_WORDS and not t
        and m.text.lower() not in other_typed
    }  # fmt: skip
    surnames = {surname(n): n for n in full_names}
    prose_persons = {m.text.lower() for m, t in zip(mentions, titled, strict=True) if m.label == "PERSON" and not t}
    kept: list[Mention] = []
    for m, t in zip(mentions, titled, strict=True):
        low = m.text.lower()
        if m.label == "PERSON" and t and low not in prose_persons and surname(m.text) not in surnames:
            continue  # a headline fragment typed as a person ("Threatens Jurisdictions")
        if m.label in ("GPE", "NORP", "ORG", "LOC") and " " not in m.text and fuzzy_surname(low, surnames) is not None:
            m.label = "PERSON"  # a known person's surname typed as a place or nationality
        elif m.label != "PERSON" and " " in m.text and any(n.lower().endswith(" " + low) for n in full_names):
            m.label = "PERSON"  # a compound surname typed as an organisation ("Pena Nieto")
        kept.append(m)
    # bare-surname mentions of a known person the model left untagged
    covered = [(m.span.start, m.span.end) for m in kept]
    for sur, full in surnames.items():
        if len(sur) < MIN_SURNAME_LETTERS:
            continue
        word = full.split()[-1]
        for mm in re.finditer(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text):
            s, e = mm.start(), mm.end()
            if any(a <= s < b or a < e <= b for a, b in covered):
                continue
            if not any(a <= s < b for a, b in sentences):
                continue
            if _preceded_by_given_name(text, s, full):
                continue  # the full name the model typed otherwise or missed, not a bare surname
            kept.append(Mention(Span(s, e), text[s:e], "PERSON"))
            covered.append((s, e))
    kept.sort(key=lambda m: m.span.start)
    return kept


def _preceded_by_given_name(text: str, start: int, full: str) -> bool:
    """True when the word before ``start`` is the word before the surname in ``full`` ("Whole" of "Whole Foods")."""
    words = full.split()
    if len(words) < MIN_FULL_NAME_WORDS:
        return False
    before = text[max(0, start - len(words[-2]) - 2) : start].strip()
    return before.endswith(words[-2])


# -- merging -------------------------------------------------------------------------------------------
def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def allowed_typos(word: str) -> int:
    """Edit distance tolerated for a misspelt name: none for short names, 1 from 5 letters, 2 from 9."""
    return 0 if len(word) < ONE_TYPO_FROM else 1 if len(word) < TWO_TYPOS_FROM else MAX_NAME_TYPOS


def fuzzy_surname(word: str, surnames: Iterable[str], memo: dict[str, str | None] | None = None) -> str | None:
    """The known surname ``word`` equals or misspells (unique best match), or None; ``memo`` caches answers."""
    word = word.lower()
    if word in surnames:
        return word
    if allowed_typos(word) == 0:
        return None
    if memo is not None:
        if word not in memo:
            memo[word] = fuzzy_surname(word, surnames)
        return memo[word]
    best = [
        (edit_distance(word, s, MAX_NAME_TYPOS), s)
        for s in surnames
        if word[:1] == s[:1] and abs(len(word) - len(s)) <= MAX_NAME_TYPOS
    ]
    best = [(d, s) for d, s in best if d <= min(allowed_typos(word), allowed_typos(s))]
    if not best:
        return None
    best.sort()
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None  # two names equally close: no guess
    return best[0][1]


def org_key(name: str) -> str:
    """Normalised key of an organisation name: "the U.S. Department of Justice" -> "justice department"."""
    low = name.lower().strip()
    if low.startswith("the "):
        low = low[4:].lstrip()
    if _DOTTED.fullmatch(low):
        return low.replace(".", "")  # "d.o.j." -> "doj"
    low = _ORG_PREFIX.sub("", low)
    low = low.replace("dept.", "department").replace("&", "and")
    m = _DEPARTMENT_OF.fullmatch(low)
    if m:
        low = f"{m.group(2)} {m.group(1)}"
    low = _LEGAL_SUFFIX.sub("", low)  # "Amazon.com Inc." is "Amazon"
    return " ".join(low.split())


_LEGAL_SUFFIX = re.compile(r"(?:\.com)?(?:,?\s+(?:inc|corp|co|ltd|llc|plc|s\.a|ag|n\.v)\.?)*$")
_DOTTED = re.compile(r"(?:[a-z]\.){2,}")
_DEPARTMENT_OF = re.compile(r"(department|ministry|office|bureau) of (?:the )?(.+)")


def acronyms_of(name: str) -> set[str]:
    """Acronyms a multi-word name can be written as: initials with and without the small words."""
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", name)
    words = [w for w in words if w.lower() not in ("the",)]
    if len(words) < MIN_FULL_NAME_WORDS:  # a one-word name is its own acronym ("NASA")
        return set()
    all_init = "".join(w[0] for w in words).lower()
    content = "".join(w[0] for w in words if w.lower() not in _SMALL).lower()
    out = {all_init, content}
    m = re.fullmatch(r"(.+) (department|ministry|office|bureau)", org_key(name))
    if m:  # "Justice Department" is also written DOJ (Department Of Justice)
        out.add((m.group(2)[0] + "o" + "".join(w[0] for w in m.group(1).split())).lower())
    return {a for a in out if len(a) >= MIN_ACRONYM_LETTERS}


def _defined_acronyms(article: Article) -> dict[str, str]:
    """Acronyms the text defines: "Immigration and Customs Enforcement (ICE)", "..., or ICE," -> {ice: name}."""
    out = {}
    text = article.text
    for m in article.mentions:
        if m.label not in ("ORG", "GPE", "LOC", "FAC", "NORP") or " " not in m.text:
            continue
        after = text[m.span.end : m.span.end + 24]
        d = re.match(r"(?:['\u2019]s)?\s*(?:\(|,\s+or\s+)([A-Z][A-Za-z.&]{1,9})(?:\)|,|\.|\s)", after)
        if d:
            out[org_key(d.group(1))] = org_key(m.text)
    return out


class _Cluster:
    """Mentions gathered into one entity while merging."""

    def __init__(self, label: str) -> None:
        self.labels: Counter[str] = Counter()
        self.forms: Counter[str] = Counter()
        self.roles: Counter[str] = Counter()
        self.mentions: list[tuple[Article, Mention]] = []
        self.person = label == "PERSON"

    def add(self, art: Article, m: Mention) -> None:
        self.labels[m.label] += 1
        self.forms[m.text] += 1
        if m.role:
            self.roles[m.role] += 1
        self.mentions.append((art, m))


def _person_key(name: str) -> tuple[str, str]:
    """(first name, surname) of a full name, initials dropped."""
    words = [w for w in name.lower().replace(",", " ").split() if not re.fullmatch(r"[a-z]\.?", w)]
    words = [w for w in words if w.rstrip(".") not in ("jr", "sr", "ii", "iii")]
    return (words[0] if words else "", words[-1] if words else "")


def _typed_otherwise(counts: Counter[str]) -> bool:
    """True when the model typed a name as something else far more often than as a person."""
    return counts["PERSON"] + PERSON_TYPING_SLACK < sum(counts.values()) - counts["PERSON"]


def _majority_other(counts: Counter[str]) -> str:
    """The model's most frequent label of a name other than PERSON."""
    return next(lab for lab, _ in counts.most_common() if lab != "PERSON")


def _same_name(first: str, last: str, f2: str, l2: str) -> bool:
    """Whether two (first name, surname) keys name one person: same or misspelt surname, same or short first name."""
    if abs(len(l2) - len(last)) > MAX_NAME_TYPOS:
        return False
    same_last = l2 == last or edit_distance(l2, last, MAX_NAME_TYPOS) <= min(allowed_typos(l2), allowed_typos(last))
    if not same_last:
        return False
    return (
        f2 == first
        or f2.startswith(first)
        or first.startswith(f2)
        or edit_distance(f2, first, 1) <= min(allowed_typos(f2), allowed_typos(first))
    )


class _Merger:
    """The merge of several articles' mentions: full person names first, then single words, then acronyms."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles
        self.items = [(a, m) for a in articles for m in a.mentions]
        # how the model typed each name across the story
        self.typed: dict[str, Counter[str]] = defaultdict(Counter)
        for _, m in self.items:
            self.typed[m.text.lower()][m.label] += 1
        self.persons: list[_Cluster] = []
        self.by_full: dict[tuple[str, str], _Cluster] = {}
        self.by_surname: dict[str, list[_Cluster]] = defaultdict(list)
        self.by_letter: dict[str, dict[tuple[str, str], _Cluster]] = defaultdict(dict)
        self.singles: dict[str, _Cluster] = {}
        self.others: dict[str, _Cluster] = {}
        self.memo: dict[str, str | None] = {}

    def _known_person(self, text: str, first: str, last: str) -> _Cluster | None:
        """The cluster of a person already seen under this full name or a variant of it."""
        cluster = self.by_full.get((first, last))
        if cluster is not None:
            return cluster
        low = text.lower()
        # only names whose surname starts with the same letter can be the same person (keeps this linear)
        for (f2, l2), c in list(self.by_letter[last[:1]].items()):
            # a compound surname written without the given name: "Pena Nieto" of "Enrique Pena Nieto"
            if any(f.lower().endswith(" " + low) or low.endswith(" " + f.lower()) for f in c.forms):
                return c
            if _same_name(first, last, f2, l2):
                return c
        return None

    def add_full_names(self) -> None:
        """1. Full person names, joined when they are variants of one name."""
        for art, m in self.items:
            if m.label != "PERSON" or len(m.text.split()) < MIN_FULL_NAME_WORDS:
                continue
            counts = self.typed[m.text.lower()]
            if _typed_otherwise(counts):
                m.label = _majority_other(counts)
                continue
            first, last = _person_key(m.text)
            cluster = self._known_person(m.text, first, last)
            if cluster is None:
                cluster = _Cluster("PERSON")
                self.persons.append(cluster)
                self.by_surname[last].append(cluster)
            self.by_full[(first, last)] = cluster
            self.by_letter[last[:1]][(first, last)] = cluster
            cluster.add(art, m)

    def _add_single(self, art: Article, m: Mention) -> None:
        """A one-word mention: a surname of a known person (whatever label the model gave), else its own."""
        plausible = True
        if " " not in m.text:
            counts = self.typed[m.text.lower()]
            # a word mostly typed as an organisation or place ("Amazon") is not taken for a person's surname:
            # the model's majority label is kept
            plausible = not _typed_otherwise(counts)
            if not plausible and m.label == "PERSON":
                m.label = _majority_other(counts)
        if " " not in m.text and m.text[:1].isupper() and (m.label == "PERSON" or not m.text.isupper()):
            maybe = plausible and (m.label == "PERSON" or len(m.text) >= MIN_SURNAME_OF_OTHER)
            sur = fuzzy_surname(m.text, self.by_surname, self.memo) if maybe else None
            if sur is not None:
                group = self.by_surname[sur]
                cluster = max(group, key=lambda c: len(c.mentions))  # the best-known person of that surname
                m.label = "PERSON"
                cluster.add(art, m)
                return
            if m.label == "PERSON":
                key = fuzzy_surname(m.text, self.singles) or m.text.lower()
                self.singles.setdefault(key, _Cluster("PERSON")).add(art, m)
                return
        if m.label == "PERSON":
            self.singles.setdefault(m.text.lower(), _Cluster("PERSON")).add(art, m)
            return
        low = m.text.lower()
        key = PLACE_KEYS.get(low, org_key(m.text)) if m.label in ("GPE", "LOC") else org_key(m.text)
        self.others.setdefault(key, _Cluster(m.label)).add(art, m)

    def add_the_rest(self) -> None:
        """2. Every mention that is not a full person name."""
        for art, m in self.items:
            if m.label == "PERSON" and len(m.text.split()) >= MIN_FULL_NAME_WORDS:
                continue
            self._add_single(art, m)

    def defined_acronyms(self) -> dict[str, str]:
        """The acronyms the articles define, read with the labels as the full names left them."""
        defined: dict[str, str] = {}
        for art in self.articles:
            defined.update(_defined_acronyms(art))
        return defined

    def join_acronyms(self, defined: dict[str, str]) -> None:
        """3. Acronyms join the name they stand for (a definition in the text first, then initials)."""
        others = self.others
        initials: dict[str, set[str]] = defaultdict(set)
        for key, c in others.items():
            if " " in key:
                for a in acronyms_of(max(c.forms, key=c.forms.__getitem__)):
                    initials[a].add(key)
        for key in list(others):
            if " " in key or key not in others:
                continue
            target = defined.get(key)
            if target is None and len(key) >= MIN_ACRONYM and len(initials.get(key, ())) == 1:
                target = next(iter(initials[key]))
            if target and target in others and target != key:
                for art, m in others.pop(key).mentions:
                    others[target].add(art, m)

    def entities(self) -> list[Entity]:
        """The entity records, in the order their clusters were made."""
        clusters = self.persons + list(self.singles.values()) + list(self.others.values())
        return [_entity(c) for c in clusters if c.mentions]


def merge_entities(articles: Sequence[Article]) -> list[Entity]:
    """Merge the mentions of several articles into entities; sets ``mention.entity`` on every article.

    Duplicate articles (``duplicate_of`` set) get entity ids but do not add to mention or article counts.
    """
    merger = _Merger(articles)
    merger.add_full_names()
    defined = merger.defined_acronyms()
    merger.add_the_rest()
    merger.join_acronyms(defined)
    return merger.entities()


def add_story_mentions(articles: Sequence[Article]) -> None:
    """Add mentions of a story's known people the model missed in some article: a bare surname ("Ivers"), also
    misspelt ("Sesssions"), when the capitalised word is not an ordinary word of the text."""
    typed: dict[str, Counter[str]] = defaultdict(Counter)
    for a in articles:
        for m in a.mentions:
            typed[m.text.lower()][m.label] += 1
    fulls = {
        m.text for a in articles for m in a.mentions
        if m.label == "PERSON" and len(m.text.split()) >= MIN_FULL_NAME_WORDS
        and typed[m.text.lower()]["PERSON"] * 2 > sum(typed[m.text.lower()].values())  # mostly typed a person
    }  # fmt: skip
    surnames = {surname(n) for n in fulls if len(surname(n)) >= MIN_SURNAME_LETTERS}
    if not surnames:
        return
    memo: dict[str, str | None] = {}
    for art in articles:
        text = art.text
        ranges = [
            (x.span.start, x.span.end)
            for x in art.sentences
            if x.paragraph < len(art.paragraphs) and art.paragraphs[x.paragraph].analysed
        ]
        covered = [(m.span.start, m.span.end) for m in art.mentions]
        lower_words = set(_LOWER_WORD.findall(text))
        added = []
        for w in _CAP_WORD.finditer(text):
            word, s, e = w.group(0), w.start(), w.end()
            low = word.lower()
            exact = low in surnames
            if not exact and (low in lower_words or fuzzy_surname(low, surnames, memo) is None):
                continue
            before = text[max(0, s - 3) : s].strip()
            sentence_start = not before or before[-1] in '.!?"\u201c\u2018'
            if exact and sentence_start and low in lower_words:
                continue  # "Sessions of the council began..." is the ordinary word
            if any(a < e and s < b for a, b in covered) or not any(a <= s < b for a, b in ranges):
                continue
            added.append(Mention(Span(s, e), word, "PERSON"))
            covered.append((s, e))
        if added:
            art.mentions = sorted(art.mentions + added, key=lambda m: m.span.start)


_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")
_CAP_WORD = re.compile(r"(?<![\w-])[A-Z][a-z]{2,}(?![\w-])")


def slug(text: str) -> str:
    """Lowercase ASCII slug of a name, for stable ids."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _entity(c: _Cluster) -> Entity:
    """Build the entity record of a finished cluster and write its id onto the mentions."""
    label = "PERSON" if c.person or c.labels["PERSON"] * 2 >= sum(c.labels.values()) else c.labels.most_common(1)[0][0]
    if label == "PERSON":
        full = {f: n for f, n in c.forms.items() if len(f.split()) >= MIN_FULL_NAME_WORDS}
        pool = full or dict(c.forms)
    else:
        long = {f: n for f, n in c.forms.items() if not f.isupper() and " " in f}
        pool = long or dict(c.forms)
    name = max(pool, key=lambda f: (pool[f], len(f)))
    eid = f"{label.lower()}:{slug(name)}"
    counted = [(a, m) for a, m in c.mentions if not a.is_duplicate]
    articles: list[str] = []
    for a, m in c.mentions:
        m.entity = eid
        if not a.is_duplicate and a.id not in articles:
            articles.append(a.id)
    roles = [r for r, _ in c.roles.most_common()]
    return Entity(eid, name, label, sorted(c.forms, key=lambda f: -c.forms[f]), roles, len(counted), articles)


class EntityTable:
    """Look up the entity a name refers to, by alias, surname (also misspelt) or acronym.

    Example:
        >>> t = EntityTable([Entity("person:jeff-sessions", "Jeff Sessions", "PERSON", ["Jeff Sessions"])])
        >>> t.lookup("Attorney General Sessions")
        'person:jeff-sessions'
    """

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = list(entities)
        self.alias: dict[str, str] = {}
        self.surnames: dict[str, list[Entity]] = defaultdict(list)
        for e in self.entities:
            for a in [e.name, *e.aliases]:
                self.alias.setdefault(a.lower(), e.id)
                self.alias.setdefault(org_key(a), e.id)
            if e.type == "PERSON" and " " in e.name:
                self.surnames[surname(e.name)].append(e)

    def lookup(self, name: str) -> str | None:
        """The entity id a name refers to, or None when unknown or ambiguous."""
        for key in (name.lower().strip(" ,."), org_key(name)):
            if key in self.alias:
                return self.alias[key]
        words = name.split()
        while len(words) > 1 and (words[0].lower() in TITLE_WORDS or words[0].lower() == "the"):
            words = words[1:]
        clean = re.sub(r"['\u2019]s?$", "", " ".join(words)).strip(" ,.")
        for key in (clean.lower(), org_key(clean)):
            if key in self.alias:
                return self.alias[key]
        sur = fuzzy_surname(surname(clean), self.surnames)
        if sur is not None:
            group = self.surnames[sur]
            if len(group) == 1 or " " not in clean:
                return max(group, key=lambda e: e.mentions).id
        return None


def mention_at(mentions: Sequence[Mention], span: Span) -> Mention | None:
    """The mention overlapping a span, or None."""
    for m in mentions:
        if m.span.start < span.end and span.start < m.span.end:
            return m
    return None
