"""Quotes: direct quotes in every quote-mark style and reported speech, each with its speaker when the text says.

Direct quotes are found by a scanner over the analysed paragraphs that tells opening marks from closing ones by
their neighbours (so straight quotes nest: ``"So-called "safe harbour" policies..."``), pairs them with a stack per
family (double, single), and carries a quote over a paragraph break when the next paragraph reopens it (the
news convention for a quote that runs over several paragraphs). The speaker comes from the dependency parse of
the quote's sentence: the subject of a speech verb ("X said", "said X", "X told Channel 4"), the object of
"according to"; the verb that governs the quoted words decides over a nearer one ('Ruiz warned of "a hole in
the budget," the Courier reported' quotes Ruiz), and when its subject names no one the quote is left
unattributed. A pronoun is the one person in view, of two the one the article genders alike ("Ms.", "his
officers") or the one person of the sentence before; "it said" is the organisation named last. A description is
the person the article named with it ("the attorney general", "the manager") or the organisation whose name has
its head noun ("the authority said"); a subject that names no one ("the plan said") is no speaker. A quote with no
cue that directly follows an attributed quote in the same paragraph continues it, and one opening its paragraph
takes the speaker the paragraph before ends with ('..., Ruiz said.', 'Ruiz said in a statement:'). One opening its
sentence with no cue is the person whose clause ends in a colon before it ('Ruiz was blunt: "..."'), or the one
person of the sentence before when its paragraph names no other. Names in quotes ('so-called "..."', 'a show titled
"..."', a title in capitals) are not quotes. Anything else is left unattributed: never a guess. The same quote
across a story's articles is grouped in :mod:`.quotegroups`.

Example:
    >>> find_quote_marks('He said "we will win" and left.', [(0, 31)])
    [(9, 20)]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Article, Mention, Quote, Span
from ..text.lexicon import load
from ..text.words import singular
from .entities import HEADLINE_WORD_LETTERS, ORG_HEADS, SPEECH_FORMS, SPEECH_VERBS, TITLE_WORDS, person_named
from .names import MIN_FULL_NAME_WORDS, fuzzy_surname, org_key, surname

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PRONOUNS = {"he", "she"}
SPOKESPERSON_NOUNS = load("spokesperson_nouns")  # text/lexicons/spokesperson_nouns.txt says where they come from
# A word's grammatical gender ("his" -> "m", "Mrs." -> "f"): text/lexicons/gendered_words.txt says where they come from
GENDER = dict(entry.split() for entry in load("gendered_words"))
# One person named by what they do ("the lawyer", "the manager"): the role and speaker nouns, singular only
PERSON_NOUNS = load("person_roles") | load("speaker_nouns")
# Head nouns of a described speaker ("a senior official", "the city", "his lawyer"): the titles, roles, people
# nouns, spokespeople and kinds of organisation of the house lexicons, text/lexicons/speaker_nouns.txt and
# text/lexicons/speaking_bodies.txt
SPEAKER_HEADS = (
    TITLE_WORDS | SPOKESPERSON_NOUNS | ORG_HEADS | PERSON_NOUNS | load("people_nouns") | load("speaking_bodies")
)
# Words after a description's head noun ("the mayor of Lakeport", "a lawyer for the city", "the coach at ...")
_HEAD_ENDS = {"of", "for", "at", "with", "in", "from", "on"}
# English compounds naming a person by their last element ("congresswoman", "businessmen", "salespeople")
_PERSON_ENDINGS = ("man", "woman", "men", "women", "person", "people")
# Words that introduce a name or title, never someone's words, whatever the quote's length ("a film titled ...").
_NAME_BEFORE = re.compile(
    r"\b(?:so-called|so called|dubbed|titled|entitled|known as|nicknamed)\s*$",
    re.IGNORECASE,
)
# Dependencies a name after a speech verb gets when the parser misreads an inverted attribution ("said James").
_INVERTED_DEPS = {"dobj", "attr", "npadvmod", "oprd", "dep", "appos", "nsubj", "advmod"}
# Words that introduce a term rather than someone's words: the quotes after them are scare quotes or names.
_TERM_BEFORE = re.compile(
    r"\b(?:so-called|so called|called|dubbed|termed|labell?ed|branded|known as|nicknamed|titled|entitled|named"
    r"|the words?|the terms?|the phrase)\s*$",
    re.IGNORECASE,
)
TERM_REACH = 20  # characters before a quote searched for a term's introduction ("so-called ")
INVERTED_REACH = 6  # tokens after "said" searched for the speaker's name: a description of up to five words
GENDER_REACH = 120  # characters after a name searched for its pronoun ("Lee said his officers ..."): a clause
TITLE_REACH = 40  # characters before a name searched for its title ("Sen. Patrick Leahy, D-Vt.")
PARAGRAPH_GAP = 2  # characters between two paragraphs of one quote (the line break between them)
MAX_DESCRIPTION_WORDS = 10  # a speaker described at more length is cut to its head noun ("a senior official ...")
MIN_REPORT_CHARS = 15  # less before "according to X" is a lead-in ("But,"), so the report is what follows X
MAX_NAME_WORDS = 4  # a speaker's name runs to four words ("Bill de Blasio Jr."); more is a description
MIN_TITLE_CAPITALS = 2  # a title names its subject in two capitalised words at least ("Songs of the Sea")
MIN_WORDS = 3  # shorter quoted strings are scare quotes or titles ("reckless", "safe harbour towns"), not quotes
_DOUBLE_OPEN, _DOUBLE_CLOSE = "\u201c\u00ab\u201e", "\u201d\u00bb"
# An inverted attribution opening a sentence: a capitalised word (a speech verb's form: "Said", "Added") and a name.
_SAID_X = re.compile(r"([A-Z][a-z]+)\s+((?:[A-Z][\w.'\u2019-]*\s?){1,4})")
_MARKS = re.compile('["\u201c\u201d\u00ab\u00bb\u201e\u2018\u2019]')


def _mark_kind(text: str, i: int, start: int, end: int) -> str | None:
    """Classify the character at i: 'open'/'close' + family ('d' or 's'), or None when not a quote mark."""
    ch = text[i]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    if ch in _DOUBLE_OPEN:
        return "open-d"
    if ch in _DOUBLE_CLOSE:
        return "close-d"
    if ch == '"':
        if prev.isspace() or prev in "([{\u2014\u2013-:":
            return "open-d"
        if nxt.isspace() or nxt in ".,;:!?)]}\u2014\u2013-":
            return "close-d"
        return "ambiguous-d"
    if ch == "\u2018":
        return "open-s" if not prev.isalnum() else None
    if ch == "\u2019":
        return "close-s" if not nxt.isalnum() and not prev.isspace() else None
    return None


def find_quote_marks(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the quoted words (inside the marks) of every outermost quote in the given paragraph ranges."""
    out: list[tuple[int, int]] = []
    carry: int | None = None  # start of a quote left open at the end of the previous paragraph
    for k, (ps, pe) in enumerate(paragraphs):
        stack: list[tuple[str, int]] = []
        if carry is not None:
            first = text[ps:pe].lstrip()[:1]
            if first and _mark_kind(text, ps + len(text[ps:pe]) - len(text[ps:pe].lstrip()), ps, pe) == "open-d":
                stack.append(("d", carry))
                skip = ps + len(text[ps:pe]) - len(text[ps:pe].lstrip())
            else:
                skip = -1
            carry = None
        else:
            skip = -1
        for mk in _MARKS.finditer(text, ps, pe):
            i = mk.start()
            if i == skip:
                continue
            kind = _mark_kind(text, i, ps, pe)
            if kind is None:
                continue
            fam = kind[-1]
            if kind.startswith("ambiguous"):
                kind = "close-d" if any(f == "d" for f, _ in stack) else "open-d"
            if kind.startswith("open"):
                stack.append((fam, i + 1))
                continue
            # a closer pops to the nearest open of its family; a stray closer (an apostrophe) is ignored
            for j in range(len(stack) - 1, -1, -1):
                if stack[j][0] == fam:
                    if j == 0:
                        out.append((stack[0][1], i))
                    del stack[j:]
                    break
        if stack and stack[0][0] == "d":
            nxt = paragraphs[k + 1] if k + 1 < len(paragraphs) else None
            if nxt is not None and nxt[0] - pe <= PARAGRAPH_GAP:
                carry = stack[0][1]
    return out


def _phrase(tok: Token) -> tuple[int, int]:
    """Token range of a name: the token with its compound/flat modifiers ("Ruth Okafor", "Anna de Vries")."""
    lo = hi = tok.i
    for c in tok.children:
        if c.dep_ in ("compound", "flat", "amod", "nmod") and c.pos_ == "PROPN" and c.i < tok.i:
            lo = min(lo, c.i)
    return lo, hi


class Speaker:
    """A resolved speaker: the name as written, and the mention (if any) it is."""

    def __init__(self, name: str, span: Span | None, person: bool) -> None:
        self.name, self.span, self.person = name, span, person
        self.at: int | None = None  # where the text names the speaker (the subject of the speech verb), if known


def _subject(verb: Token, mentions: list[Mention], text: str) -> Token | None:
    """The subject of a speech verb, or the object of "according to"."""
    if verb.lower_ == "according":
        for c in verb.children:
            if c.lower_ == "to":
                objs = [o for o in c.children if o.dep_ == "pobj"]
                return objs[0] if objs else None
        return None
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and not c.is_punct]
    if subjects:
        # two subjects are a description and the name it describes ("Vice President at Acme, Jo Lee said"):
        # the person, else the one nearest the verb
        return min(subjects, key=lambda c: (c.ent_type_ != "PERSON", abs(verb.i - c.i)))
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        for c in verb.head.children:
            if c.dep_ == "nsubj":
                return c
    # an inverted attribution the parser reads as an object ('"...," said James, whose ...'; "said Warriors
    # forward Draymond Green"): the first name after the verb that is not a date ("said Tuesday")
    for c in verb.children:
        if c.i > verb.i and c.pos_ == "PROPN" and c.dep_ in _INVERTED_DEPS and c.ent_type_ not in ("DATE", "TIME"):
            return c
    # or hangs the name on a later verb ('said James, whose explosions helped ...'): a person named right after
    # the verb, its description before it ("said Warriors power forward Draymond Green")
    doc = verb.doc
    for tok in doc[verb.i + 1 : min(len(doc), verb.i + 1 + INVERTED_REACH)]:
        if tok.is_punct:
            break
        if tok.ent_type_ == "PERSON":
            while tok.i + 1 < len(doc) and doc[tok.i + 1].ent_type_ == "PERSON" and doc[tok.i + 1].ent_iob_ == "I":
                tok = doc[tok.i + 1]
            return tok
    return None


def _speaker_of(subj: Token, mentions: list[Mention], text: str) -> Speaker | None:
    """Turn a subject token into a speaker: a mention it overlaps, a proper-noun name, or the noun phrase."""
    if subj.lower_ in PRONOUNS:
        return Speaker(subj.text, None, True)
    if subj.lower_ == "it":  # "It said ...", not "It was reported that ..."
        return _organisation_before(subj, mentions) if subj.dep_ == "nsubj" else None
    if subj.pos_ == "PRON":
        return None
    sub = list(subj.subtree)
    lo, hi = sub[0].idx, sub[-1].idx + len(sub[-1].text)
    # a named mention inside the subject, preferring one at the head ("the mayor, Ruth Okafor")
    inside = [
        m for m in mentions if lo <= m.span.start and m.span.end <= hi and m.label in ("PERSON", "ORG", "GPE", "NORP")
    ]
    head_m = [m for m in inside if m.span.start <= subj.idx < m.span.end]
    persons = [m for m in inside if m.label == "PERSON"]
    if persons and head_m and head_m[0].label in ("GPE", "LOC", "NORP"):
        head_m = []  # "LAKEPORT (KLPT) -- Mayor Dana Whitcombe said": a dateline is no speaker
    pick = head_m[0] if head_m else (persons[0] if persons else None)
    if pick is not None and (pick.label == "PERSON" or subj.pos_ == "PROPN"):
        if pick.label == "PERSON":
            return _untitled(pick)
        return Speaker(pick.text, pick.span, False)
    if subj.pos_ == "PROPN":
        a, b = _phrase(subj)
        words = [t for t in subj.doc[a : b + 1] if t.lower_ not in TITLE_WORDS]
        named = len(words) > 1 and person_named(words[1:])  # "Coach Ada Varga"; not "Pilot Harwick J", a firm
        while named and len(words) > 1 and words[0].lower_ in PERSON_NOUNS:
            words = words[1:]  # "Coach Ines Varga" untagged: the name without what she does
        if words:
            s, e = words[0].idx, words[-1].idx + len(words[-1].text)
            return Speaker(text[s:e], Span(s, e), True)
    if not _names_someone(subj):
        # "the department's letter said": the words of its owner; "the plan said", "the effort continued": no one's
        owner = next((c for c in subj.children if c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN")), None)
        found = _speaker_of(owner, mentions, text) if owner is not None else None
        if found is not None:
            found.name = re.sub(r"\s*['\u2019]s?$", "", found.name)  # "the department's" -> "the department"
        return found
    # a description ("a senior Justice Department official"): named as written, not an entity
    words = sub
    if len(words) > MAX_DESCRIPTION_WORDS:  # a long description: up to its head noun
        words = [t for t in sub if t.i <= subj.i]
    s, e = words[0].idx, words[-1].idx + len(words[-1].text)
    return Speaker(text[s:e].strip(" ,"), None, False)


def _untitled(mention: Mention) -> Speaker:
    """A person speaker without the title the model tagged into the name ("Coach Ines Varga" -> "Ines Varga")."""
    words = mention.text.split()
    k = 0
    while len(words) - k > 1 and (words[k].lower() in TITLE_WORDS or words[k].lower() in PERSON_NOUNS):
        k += 1
    if not k:
        return Speaker(mention.text, mention.span, True)
    start = mention.span.start + mention.text.index(words[k])
    return Speaker(mention.text[start - mention.span.start :], Span(start, mention.span.end), True)


def _organisation_before(pronoun: Token, mentions: list[Mention]) -> Speaker | None:
    """An "it said": the organisation named last before it, in this sentence or the one before ("The Harbour
    Authority closed the pier. It said ..."); None when the name nearest before it is no organisation's."""
    doc, sent = pronoun.doc, pronoun.sent
    start = doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
    quoted = find_quote_marks(doc.text, [(start, sent.end_char)])  # names inside quotes are not in view
    for tok in reversed(doc.char_span(start, pronoun.idx, alignment_mode="contract") or []):
        if any(a <= tok.idx < b for a, b in quoted) or not (tok.pos_ == "PROPN" or tok.ent_type_):
            continue
        if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
            continue
        org = next((m for m in mentions if m.label == "ORG" and m.span.start <= tok.idx < m.span.end), None)
        return Speaker(org.text, org.span, False) if org is not None else None
    return None


def _names_someone(head: Token) -> bool:
    """Whether a described speaker's head noun names a person, a group of people or an organisation."""
    low, lemma = head.lower_, head.lemma_.lower()
    if head.text[:1].isupper():
        return True  # a name the parser took for a noun ("Ruiz said in a statement:")
    return low in SPEAKER_HEADS or lemma in SPEAKER_HEADS or (low.endswith(_PERSON_ENDINGS) and head.pos_ == "NOUN")


def _resolve_pronoun(
    pos: int,
    pronoun: str,
    mentions: list[Mention],
    paragraphs: list[tuple[int, int]],
    last: Speaker | None,
    doc: Doc,
    sentences: list[tuple[int, int]],
) -> Speaker | None:
    """A "he"/"she" speaker: the one person named in the current and previous paragraph, else None.

    People the article genders otherwise are not in view ("she" is not "Mr. Lee", nor "Lee ... his officers");
    of two people in view, the one the article genders as the pronoun, else the one person of the previous
    sentence.
    """
    k = next((i for i, (s, e) in enumerate(paragraphs) if s <= pos <= e), 0)
    before = [m for m in mentions if m.label == "PERSON" and m.span.start < pos]
    want = GENDER.get(pronoun.lower())
    gender: dict[str, str | None] = {}

    def agrees(name: str) -> bool:
        sur = surname(name)
        if sur not in gender:
            gender[sur] = _gender_of(sur, mentions, doc)
        return gender[sur] in (None, want)

    if not before and last is None:
        # nobody named in the article's mentions: a full name the parser saw that the mention filters dropped
        # (a dateline-style opening line read as a headline)
        window = paragraphs[max(0, k - 1)][0] if paragraphs else 0
        before = [
            Mention(Span(e.start_char, e.end_char), e.text, "PERSON")
            for e in doc.ents
            if e.label_ == "PERSON" and window <= e.start_char < pos and len(e.text.split()) >= MIN_FULL_NAME_WORDS
        ]
    before = [m for m in before if agrees(m.text)]
    # the people named earlier in this paragraph ("Dana Whitcombe is invited to the podium. She adds: ..."), else
    # in this and the previous one
    people = [m for m in before if paragraphs[k][0] <= m.span.start] if paragraphs else []
    if not people:
        people = [m for m in before if paragraphs[max(0, k - 1)][0] <= m.span.start] if paragraphs else before
    names: set[str] = set()
    for m in people:  # a misspelt surname ("Ivvers") is the same person
        names.add(fuzzy_surname(surname(m.text), names) or surname(m.text))
    if last is not None and (not last.person or not agrees(last.name)):
        last = None
    if not names and last is not None:
        return last
    if last is not None and fuzzy_surname(surname(last.name), names):
        return last  # "he said" after a paragraph quoting one of the people named: the one quoted last
    if len(names) > 1:
        known = [m for m in people if gender.get(surname(m.text)) == want]
        if len({surname(m.text) for m in known}) == 1:
            people = known  # the one the article genders alike
        else:
            people = _in_previous_sentence(pos, people, sentences)
            if len({surname(m.text) for m in people}) != 1:
                return None  # two people in view and nothing tells which: "she" is a guess
    if not people:
        people = before[-1:]  # no one in view: the person the article last named
    if not people:
        return None
    m = people[-1]
    full = max((p for p in before if surname(p.text) == surname(m.text)), key=lambda p: len(p.text))
    return Speaker(full.text, m.span, True)


def _in_previous_sentence(pos: int, people: list[Mention], sentences: list[tuple[int, int]]) -> list[Mention]:
    """The people (of ``people``) named in the sentence before the one at ``pos``."""
    k = next((i for i, (s, e) in enumerate(sentences) if s <= pos < e), None)
    if not k:
        return []
    s, e = sentences[k - 1]
    return [m for m in people if s <= m.span.start < e]


def _gender_of(sur: str, mentions: list[Mention], doc: Doc) -> str | None:
    """The grammatical gender the article gives a person (by surname), "m", "f" or None when it tells none.

    Evidence: a courtesy or gendered title before a name or in its role ("Mrs. Ruiz", "chairwoman"), and the
    pronoun that follows a mention before anyone else is named ("Lee said his officers ...").
    """
    text = doc.text
    people = sorted((m for m in mentions if m.label == "PERSON"), key=lambda m: m.span.start)
    votes: dict[str, int] = {}
    for n, m in enumerate(people):
        if surname(m.text) != sur:
            continue
        words = text[max(0, m.span.start - TITLE_REACH) : m.span.start].lower().split()[-2:]
        words += m.text.lower().split()[:-1] + (m.role or "").lower().split()
        told = [GENDER.get(w) or _compound_gender(w) for w in words]
        stop = min(m.span.end + GENDER_REACH, people[n + 1].span.start if n + 1 < len(people) else len(text))
        after = doc.char_span(m.span.end, stop, alignment_mode="contract")
        if after is not None:
            pron = next((t for t in after if t.pos_ == "PRON" and GENDER.get(t.lower_)), None)
            told.append(GENDER.get(pron.lower_) if pron is not None else None)
        for g in told:
            if g:
                votes[g] = votes.get(g, 0) + 1
    if len(votes) != 1:
        return None  # none told, or told both ways: unknown
    return next(iter(votes))


def _compound_gender(word: str) -> str | None:
    """The gender of an English compound by its last element: "chairwoman" -> "f", "congressman" -> "m"."""
    word = word.strip(".,")
    if word.endswith(("woman", "women")):
        return "f"
    if word.endswith(("man", "men")) and len(word) > len("man"):
        return "m"
    return None


def _named_by_title(
    speaker: Speaker, mentions: list[Mention], text: str, pos: int, sentence: tuple[int, int] | None = None
) -> Speaker:
    """A speaker described by a title ("the president said", "the newly elected senator said"): the person the
    article last named with that title ("President Donald Trump", "Sen. Patrick Leahy", "Leahy, a senator");
    the description as written when no one was."""
    words = speaker.name.lower().split()
    # a determiner or an owner opens a description: "the mayor", "a senator", "the city's mayor"
    if speaker.person or not words or not (words[0] in ("the", "a", "an") or words[0].endswith(("'s", "\u2019s"))):
        return speaker
    cut = next((i for i, w in enumerate(words) if i and w in _HEAD_ENDS), len(words))
    head = words[cut - 1].strip(".,")  # "the mayor of Lakeport" -> "mayor"
    if head in SPOKESPERSON_NOUNS and sentence is not None:
        # "business as usual at the Justice Department, a spokeswoman said": the organisation's words
        orgs = [m for m in mentions if m.label == "ORG" and sentence[0] <= m.span.start < sentence[1]]
        if len({org_key(m.text) for m in orgs}) == 1:
            return Speaker(orgs[0].text, orgs[0].span, False)
        return speaker
    if head in ORG_HEADS or singular(head) in ORG_HEADS:
        org = _named_org(head, mentions, pos)  # "the authority said": the Harbour Authority named before
        if org is not None:
            return org
    forms = {head} | {t for t in TITLE_WORDS if t.endswith(".") and head.startswith(t[:-1])}
    if head not in TITLE_WORDS and head not in PERSON_NOUNS:
        return speaker  # "the officials", "the crowd": no one person
    for m in sorted((m for m in mentions if m.label == "PERSON" and m.span.end <= pos), key=lambda m: -m.span.start):
        near = text[max(0, m.span.start - TITLE_REACH) : m.span.start].lower().split()[-3:]
        after = text[m.span.end : m.span.end + TITLE_REACH].lower().split()[:4]
        own = m.text.lower().split()[:-1] + (m.role or "").lower().split()  # "President Halvorsen" tagged whole
        apposed = text[m.span.end : m.span.end + 1] == "," and forms & set(after)  # "Leahy, the senator"
        if forms & {w.strip(",") for w in near + own} or apposed:
            return Speaker(m.text, m.span, True)
    return speaker


def _named_org(head: str, mentions: list[Mention], pos: int) -> Speaker | None:
    """The organisation last named before ``pos`` whose name has the head noun ("Harbour Authority" for "the
    authority", "Department of Transportation" for "the department"), or None."""
    forms = {head, singular(head)}
    for m in sorted((m for m in mentions if m.label == "ORG" and m.span.end <= pos), key=lambda m: -m.span.start):
        if forms & {w.strip(".,").lower() for w in m.text.split()}:
            return Speaker(m.text, m.span, False)
    return None


def _cue(tokens: list[Token], quoted: list[tuple[int, int]]) -> list[Token]:
    """Speech verbs (and "according") among the tokens, outside the quoted words."""
    out = []
    for t in tokens:
        if any(s <= t.idx < e for s, e in quoted):
            continue
        if (t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX")) or (
            t.lower_ == "according" and t.nbor(1).lower_ == "to" if t.i + 1 < len(t.doc) else False
        ):
            out.append(t)
    return out


def find_quotes(
    article: Article,
    doc: Doc,
    sentences: list[tuple[int, int]],
    paragraphs: list[tuple[int, int]],
    mentions: list[Mention],
) -> list[Quote]:
    """Direct quotes and reported speech of the analysed text; ``Quote.speaker`` is left for the entity merge."""
    text = article.text
    found = find_quote_marks(text, paragraphs)
    short = {(s, e) for s, e in found if len(text[s:e].split()) < MIN_WORDS and _may_be_partial(text, s, e)}
    marks = [(s, e) for s, e in found if len(text[s:e].split()) >= MIN_WORDS or (s, e) in short]
    reported = _reported(article, doc, sentences, paragraphs, mentions, marks)
    mentions = sorted(mentions + speaker_mentions(article, reported, mentions), key=lambda m: m.span.start)
    quotes: list[Quote] = []
    speakers: list[Speaker | None] = []
    last: Speaker | None = None
    prev_end = -1
    for qs, qe in marks:
        sents = [(a, b) for a, b in sentences if a < qe + 1 and qs - 1 < b]
        if not sents:
            continue
        lo, hi = sents[0][0], sents[-1][1]
        span_doc = doc.char_span(lo, hi, alignment_mode="expand")
        tokens = list(span_doc) if span_doc is not None else []
        # the nearest cue outside any quote of this region
        inside = [(s - 1, e + 1) for s, e in marks if s < hi and lo < e]
        speaker, cue = _attribution(tokens, inside, mentions, text, (qs, qe))
        if speaker is not None:  # a title names someone named before the title, not before the quote
            at = qs if speaker.at is None else min(qs, speaker.at)  # a subject at offset 0 is known
            speaker = _named_by_title(speaker, mentions, text, at, (lo, hi))
        if speaker is not None and speaker.name.lower() in PRONOUNS:
            latest = _quoted_last(qs, last, prev_end, reported, mentions)
            speaker = _resolve_pronoun(qs, speaker.name, mentions, paragraphs, latest, doc, sentences)
        elif (
            speaker is not None
            and speaker.person
            and speaker.span is not None
            and not any(m.span.start < speaker.span.end and speaker.span.start < m.span.end for m in mentions)
        ):
            mentions = sorted([*mentions, Mention(speaker.span, speaker.name, "PERSON")], key=lambda m: m.span.start)
        if (qs, qe) in short and (speaker is None or cue is None):
            continue  # a word or two in quotes no one in the sentence is said to have said: a scare quote
        if speaker is None and cue is None and quotes and speakers[-1] is not None:
            # a quote continuing the previous one: same paragraph, nothing between them but the end of the
            # previous quote's own sentence (its attribution)
            prev = quotes[-1]
            same_par = any(ps <= prev_end < pe and ps <= qs < pe for ps, pe in paragraphs)
            tail = prev.sentence.end if prev.sentence else prev_end
            between = text[max(prev_end + 1, tail) : qs - 1]
            if same_par and qs - 1 >= tail - 1 and not re.search(r"[A-Za-z]", between):
                speaker, cue = speakers[-1], prev.cue
        if speaker is None and cue is None:
            said = [(q.sentence, w, q.cue) for q, w in zip(quotes, speakers, strict=True) if w and q.sentence]
            said += [(q.sentence, Speaker(q.speaker_name, None, q.speaker_name[:1].isupper()), q.cue)
                     for q in reported if q.speaker_name and q.sentence]  # fmt: skip
            speaker, cue = _said_before(qs, doc, sentences, paragraphs, mentions, said, last)
        if speaker is None and cue is None:
            speaker = _introduced((qs, qe), tokens, lo, mentions, sentences, paragraphs)
        if speaker is None and cue is None and _names_a_work(text, qs, qe):
            continue  # a title in quotes ("Songs of the Sea") no one is said to have said
        if _NAME_BEFORE.search(text[max(0, qs - TERM_REACH) : max(0, qs - 1)]):
            continue  # a name introduced as such ('so-called "safe harbour cities"', 'a show titled "..."')
        q = Quote(
            article.id, Span(qs, qe), text[qs:qe], "direct", None, speaker.name if speaker else None, cue, Span(lo, hi)
        )
        quotes.append(q)
        speakers.append(speaker)
        if speaker is not None:
            last = speaker
        prev_end = qe
    quotes.extend(reported)
    quotes.extend(_block_quotes(article, doc, sentences, mentions, marks))
    quotes.sort(key=lambda q: q.span.start)
    return quotes


def _introduced(near: tuple[int, int], tokens: list[Token], lo: int, mentions: list[Mention],
                sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]]) -> Speaker | None:  # fmt: skip
    """A quote no cue attributes, opening its sentence: the person subject of the clause that introduces it with a
    colon ('Ana Ruiz was blunt: "..."'), else the one person the sentence before it names when the quote's
    paragraph names no one else."""
    (qs, qe), text = near, tokens[0].doc.text if tokens else ""
    lead = text[lo : max(lo, qs - 1)].rstrip()
    if lead.endswith(":"):
        subj = next((t for t in tokens if t.idx < qs - 1 and t.dep_ in ("nsubj", "nsubjpass")), None)
        verb = subj.head if subj is not None else None
        # a thing the clause points at may be what the words are ('Bell pointed at the banner: "..."')
        things = [t for t in tokens if t.pos_ in ("NOUN", "PROPN") and t.idx < qs - 1 and verb is not None
                  and (t.dep_ == "dobj" and t.head == verb or t.dep_ == "pobj" and t.head.head == verb)]  # fmt: skip
        who = _speaker_of(subj, mentions, text) if subj is not None and not things else None
        return who if who is not None and who.person and who.span is not None else None
    par = next(((s, e) for s, e in paragraphs if s <= qs - 1 < e), None)
    if lead or par is None:
        return None
    people = [m for m in mentions if m.label == "PERSON" and not qs <= m.span.start < qe]
    before = _in_previous_sentence(lo, people, sentences)
    others = {surname(m.text) for m in people if par[0] <= m.span.start < par[1]}
    names = {surname(m.text) for m in before}
    ok = len(names) == 1 and not others - names and (par[0] <= before[0].span.start or lo == par[0])
    return _untitled(max(before, key=lambda m: len(m.text))) if ok else None


def _quoted_last(
    pos: int, last: Speaker | None, last_end: int, reported: list[Quote], mentions: list[Mention]
) -> Speaker | None:
    """The speaker quoted last before ``pos``: a reported speaker after the last direct quote ("Lee said the
    plan works. 'We are sure,' she said.": she is Lee), else the last direct quote's speaker."""
    told = [q for q in reported if q.speaker_name and last_end < q.span.start and q.span.end <= pos]
    if not told:
        return last
    name = told[-1].speaker_name or ""
    return Speaker(name, None, any(m.label == "PERSON" and m.text == name for m in mentions))


def _attribution(
    tokens: list[Token], inside: list[tuple[int, int]], mentions: list[Mention], text: str, near: tuple[int, int]
) -> tuple[Speaker | None, str | None]:
    """(speaker, cue) of the speech verb that governs the quoted words ``near`` in the parse, else of the one
    nearest them, among the tokens outside the quoted ranges ``inside``.

    The governing verb decides: in 'The council warned about "a rise in fares," the Courier reported' the words
    are the council's, reported by the Courier; when its subject names no one, the quote is nobody's, not the
    Courier's.
    """
    qs, qe = near
    cues = _cue(tokens, inside)
    cues.sort(key=lambda t: min(abs(t.idx - qe), abs(t.idx - qs)))
    ruler = _governor(tokens, cues, near)
    if ruler is not None:
        cues = [ruler]
    for verb in cues:
        subj = _subject(verb, mentions, text)
        if subj is None or any(s <= subj.idx < e for s, e in inside):
            continue
        speaker = _speaker_of(subj, mentions, text)
        if speaker is not None:
            speaker.at = subj.idx
            return speaker, verb.text if verb.lower_ != "according" else "according to"
    return None, None


def _governor(tokens: list[Token], cues: list[Token], near: tuple[int, int]) -> Token | None:
    """The cue of ``cues`` that governs the quoted words ``near``: the first one up the parse from the quote's
    own heads (the words of the quote whose head lies outside it), or None when no cue rules the quote."""
    qs, qe = near
    ids = {c.i for c in cues}
    for tok in tokens:
        if not qs <= tok.idx < qe or qs <= tok.head.idx < qe:
            continue
        up = tok
        while up.head.i != up.i:
            up = up.head
            if up.i in ids:
                return next(c for c in cues if c.i == up.i)
    return None


def _said_before(
    qs: int,
    doc: Doc,
    sentences: list[tuple[int, int]],
    paragraphs: list[tuple[int, int]],
    mentions: list[Mention],
    said: list[tuple[Span, Speaker, str | None]],
    last: Speaker | None,
) -> tuple[Speaker | None, str | None]:
    """A quote opening its paragraph with no cue of its own: the speaker the previous paragraph ends with.

    News attributes a paragraph-long quote in the paragraph before it: that paragraph's last sentence quotes
    or reports someone ('..., Ruiz said.') or introduces the quote ('Ruiz said in a statement:'). ``said`` holds
    the (sentence, speaker, cue) of the quotes attributed so far, direct and reported.
    """
    text = doc.text
    k = next((i for i, (s, e) in enumerate(paragraphs) if s <= qs - 1 < e), None)
    if not k or text[paragraphs[k][0] : qs - 1].strip() or paragraphs[k][0] - paragraphs[k - 1][1] > PARAGRAPH_GAP:
        return None, None
    ps, pe = paragraphs[k - 1]
    ends = [(s, e) for s, e in sentences if ps <= s < pe]
    if not ends:
        return None, None
    lo, hi = ends[-1]
    for sent, who, said_cue in said:
        if lo <= sent.start < hi:
            return who, said_cue
    if not text[lo:hi].rstrip().endswith(":"):
        return None, None
    span = doc.char_span(lo, hi, alignment_mode="expand")
    speaker, cue = _attribution(list(span) if span is not None else [], [], mentions, text, (hi, hi))
    if speaker is None:
        return None, None
    speaker = _named_by_title(speaker, mentions, text, lo, (lo, hi))
    if speaker.name.lower() in PRONOUNS:
        resolved = _resolve_pronoun(lo, speaker.name, mentions, paragraphs, last, doc, sentences)
        return (resolved, cue) if resolved is not None else (None, None)
    return speaker, cue


def _names_a_work(text: str, s: int, e: int) -> bool:
    """Whether quoted words are a title in capitals ("Songs of the Sea", "Light Over the Harbour Walls"): a
    headline-style run that does not end a sentence or clause, as a quote does."""
    words = text[s:e].split()
    capitals = [w for w in words if w[:1].isupper()]
    return (
        len(capitals) >= MIN_TITLE_CAPITALS
        and text[s:e].rstrip()[-1:] not in ".,!?;:"
        and all(w[:1].isupper() or len(w.strip(",.")) <= HEADLINE_WORD_LETTERS for w in words)
    )


def _may_be_partial(text: str, s: int, e: int) -> bool:
    """Whether a word or two in quotes may be a partial quote ('called the rule "shameful"'): not a term
    introduced as such ('so-called "safe harbour"', 'dubbed "Operation X"'), not a title in capitals, not a tag."""
    words = text[s:e].split()
    if not words or not re.search(r"[A-Za-z]", text[s:e]) or text[s:e].lstrip()[:1] in "#@":
        return False
    if len(words) > 1 and all(w[:1].isupper() for w in words):
        return False  # "Morning Desk", "Go Hawks": a title or a name
    return not _TERM_BEFORE.search(text[max(0, s - TERM_REACH) : max(0, s - 1)])


def _block_quotes(
    article: Article, doc: Doc, sentences: list[tuple[int, int]], mentions: list[Mention], marks: list[tuple[int, int]]
) -> list[Quote]:
    """A paragraph quoted without marks after an introduction ending in a colon ("Said Okafor:")."""
    text = article.text
    bounds = article.paragraph_spans()
    out = []
    for k in range(1, len(article.paragraphs)):
        para, prev = article.paragraphs[k], article.paragraphs[k - 1]
        if not prev.analysed or not (para.analysed or para.flags == ["quote_block"]):
            continue
        if not prev.text.rstrip().endswith(":") or any(bounds[k].start <= s < bounds[k].end for s, _ in marks):
            continue
        intro = [(a, b) for a, b in sentences if bounds[k - 1].start <= a < bounds[k - 1].end]
        if not intro or len(para.text.split()) < MIN_WORDS:
            continue
        span = doc.char_span(intro[-1][0], intro[-1][1], alignment_mode="expand")
        if span is None:
            continue
        b = bounds[k]
        inverted = _SAID_X.match(text, intro[-1][0], intro[-1][1])
        # "Said Okafor, according to the Courier:" quotes Okafor, not the Courier
        if inverted and inverted.group(1).lower() in SPEECH_FORMS:
            name = inverted.group(2).strip()
            out.append(Quote(article.id, b, text[b.start : b.end], "direct", None, name, inverted.group(1).lower(), b))
            continue
        cues = sorted(_cue(list(span), []), key=lambda t: t.lower_ == "according")
        for verb in cues:
            subj = _subject(verb, mentions, text)
            speaker = _speaker_of(subj, mentions, text) if subj is not None else None
            if speaker is None or speaker.name.lower() in PRONOUNS:
                continue
            cue = verb.text if verb.lower_ != "according" else "according to"
            out.append(Quote(article.id, b, text[b.start : b.end], "direct", None, speaker.name, cue, b))
            break
    return out


def _reported(
    article: Article,
    doc: Doc,
    sentences: list[tuple[int, int]],
    paragraphs: list[tuple[int, int]],
    mentions: list[Mention],
    marks: list[tuple[int, int]],
) -> list[Quote]:
    """Reported speech: a speech verb with a that-clause ("X said (that) ..."), or "according to X"."""
    text = article.text
    out = []
    for lo, hi in sentences:
        if any(s < hi and lo < e for s, e in marks):
            continue  # sentences with a direct quote are covered above
        span = doc.char_span(lo, hi, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            clause = None
            if t.lemma_.lower() in SPEECH_VERBS and t.pos_ == "VERB":  # with a that-clause, below
                comps = [c for c in t.children if c.dep_ == "ccomp"]
                if not comps:
                    continue
                clause = comps[0]
                cue = t.text
            elif t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
                cue = "according to"
            else:
                continue
            subj = _subject(t, mentions, text)
            if subj is None:
                continue
            speaker = _speaker_of(subj, mentions, text)
            if speaker is None and subj.pos_ != "NOUN":
                continue  # "we said", "they argue": no one the text names
            # a noun naming no one ("according to the new ordinance"): reported, with no speaker
            speaker = _named_by_title(speaker, mentions, text, lo, (lo, hi)) if speaker is not None else None
            if speaker is not None and speaker.name.lower() in PRONOUNS:
                speaker = _resolve_pronoun(lo, speaker.name, mentions, paragraphs, None, doc, sentences) or Speaker(
                    speaker.name, None, True
                )
                if speaker.span is None:
                    speaker = None
            if clause is not None:
                words = [w for w in clause.subtree if not (w.dep_ == "mark" and w.lower_ == "that")]
                s, e = words[0].idx, words[-1].idx + len(words[-1].text)
            else:
                # the sentence without the "according to X" phrase
                s, e = lo, t.idx
                if e - s < MIN_REPORT_CHARS:
                    s, e = subj.right_edge.idx + len(subj.right_edge.text), hi
            seg = text[s:e].strip(" ,;:.")
            if len(seg.split()) < MIN_WORDS:
                continue
            s = s + text[s:e].index(seg)
            e = s + len(seg)
            out.append(
                Quote(
                    article.id, Span(s, e), seg, "reported", None, speaker.name if speaker else None, cue, Span(lo, hi)
                )
            )
            break
    return out


def speaker_mentions(article: Article, quotes: list[Quote], mentions: list[Mention]) -> list[Mention]:
    """Person mentions for named speakers the model left untagged ("Varga told Channel 4")."""
    text = article.text
    extra: list[Mention] = []
    for q in quotes:
        if not q.speaker_name or q.sentence is None:
            continue
        name = q.speaker_name
        if (
            not name[:1].isupper()
            or len(name.split()) > MAX_NAME_WORDS
            or any(w.islower() and w not in ("de", "van", "von", "da", "al") for w in name.split())
        ):
            continue
        for m in re.finditer(re.escape(name), text[q.sentence.start : q.sentence.end]):
            s = q.sentence.start + m.start()
            span = Span(s, s + len(name))
            if not any(x.span.start < span.end and span.start < x.span.end for x in mentions + extra):
                extra.append(Mention(span, name, "PERSON"))
    return extra
