"""Entities: named mentions of one article from the one spaCy pass, repaired (:mod:`.merge` merges them).

:func:`find_mentions` reads the doc's entities and fixes the small model's systematic errors on
news: titles split off into :attr:`Mention.role` ("Attorney General Dana Whitcombe"; a courtesy title is no
role), a verb or a date glued to a name ("Said Okafor", "Marta Ruiz Jan 25"), a headline fragment typed as a
person, a known person's surname typed as a place or nationality ("Whitcombe" as NORP), and later bare-surname
mentions the model missed. The parse checks each type (:func:`_retype`): a programme or law named after
someone ("the Harlan Youth program") is no person, nor is a name with a digit or an acronym in it; a name where a
place goes ("in Carrow", "the state of Carrow") is a place; a one-word speaker that goes on with "it" ("Lumora
said it ...") is an organisation; a party or role noun ("Plaintiff"), a code after a clock time ("10:30 GMT"),
an ordinary word capitalised only at a sentence's head, and headlines run together are no entities. The merge
(:mod:`.merge`) then gives each name the type most of its mentions have across the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Article, Mention, Span
from ..text.lexicon import load
from ..text.verbs import inflected_forms
from ..text.words import singular
from .dates import MONTHS
from .names import GIVEN_NAMES, MIN_FULL_NAME_WORDS, acronyms_of, fuzzy_surname, surname

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

# Thresholds of the repair and merge rules.
MIN_SURNAME_LETTERS = 3  # a shorter surname ("Li", "Xi") found bare in a text is too often another word
MAX_ROLE_WORDS = 5  # "Cook County Board President": a title before a name runs to five words
MAX_APPOSITIVE_ROLE_WORDS = 6  # "the acting director of ICE"; a longer apposition is a clause, not a role
HEADLINE_WORD_LETTERS = 3  # words longer than this are capitalised in a headline ("of", "the", "and" are not)
MIN_HEADLINE_WORDS = 4  # fewer long words say too little about a line's case style
HEADLINE_CAPS = 0.75  # news prose rarely has 3 in 4 long words capitalised; headlines do


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
# Their past and present forms, for a capitalised verb the tagger takes for part of a name ("Said Okafor").
SPEECH_FORMS = inflected_forms(SPEECH_VERBS, ("past", "present"))
# Words that attribute without being a verb: "according (to)", the "by" of a byline.
ATTRIBUTION_WORDS = frozenset({"according", "by"})
MONTH_WORDS = frozenset(MONTHS)  # month names and their abbreviations: a date glued to a name


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
    m = re.search(r"(?:\s+(?:and|or|of|the|for|on|in|&))+$", text[start:end])
    if m and m.start() > 0:
        end = start + m.start()  # "Harwick Foods and": a name never ends in a joining word
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


MAX_TITLED_NAME_WORDS = 3  # "AG Whitcombe", "Gov. Anna Brandt": a title before more words is an organisation's name
MAX_GIVEN_NAMES = 2  # untagged given names taken in front of a person's tagged name ("Ruth" of "Ruth Okafor")


def _split_lead(toks: list[Token], label: str) -> tuple[list[Token], str, str | None]:
    """Split leading speech verbs and titles off an entity ("Said Okafor", "Attorney General Dana Whitcombe"):
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
        label = "PERSON"  # "AG Whitcombe" typed as ORG: a title in front makes it a person
    role = inner_role if label == "PERSON" else None
    if label == "PERSON" or any(is_attribution(t) for t in toks[:lead]):
        toks = toks[lead:]
    return toks, label, role


# Nouns of what a person does (text/lexicons/person_roles.txt, speaker_nouns.txt): before a full name a
# description, not a given name or a title ("Coach Ines Varga", "Paramedic Ada Lind").
OCCUPATIONS = load("person_roles") | load("speaker_nouns")


def _split_description(toks: list[Token], label: str, role: str | None) -> tuple[list[Token], str, str | None]:
    """A person's name without the description the model tagged into it, which becomes the role: leading words
    the tagger reads as an adjective or a common noun ("Paramedic Ada Lind": an occupation, not a given name), or
    an occupation noun (AP's "astronaut John Glenn": "Coach Ines Varga", which the model may type ORG), before
    two proper nouns or more. (name's tokens, label, role)."""
    lead = 0
    if label == "PERSON":  # not a given name the tagger reads as a word ("Frank", "Rose", "Bill")
        while lead < len(toks) and toks[lead].pos_ in ("ADJ", "NOUN") and toks[lead].lower_ not in GIVEN_NAMES:
            lead += 1
    if not lead and toks and (toks[0].lower_ in OCCUPATIONS or singular(toks[0].lower_) in OCCUPATIONS):
        lead = 1
    rest = toks[lead:]
    # the name after it: capitalised words, read as proper nouns after an adjective (the tagger reads a run of
    # rare words either way, so after an occupation noun the case is enough)
    named = all(t.text[:1].isupper() and (t.pos_ == "PROPN" or toks[0].pos_ == "PROPN") for t in rest)
    if not lead or len(rest) < MIN_FULL_NAME_WORDS or not named:
        return toks, label, role
    if any(t.lower_ in ORG_HEADS or t.lower_ in NAME_MODIFIER_HEADS for t in rest):
        return toks, label, role  # "Partner Harwick Group", "Head Harlan Youth Program": a body's or a thing's name
    if label != "PERSON" and (label not in ("ORG", "NORP", "GPE") or toks[0].lower_ not in OCCUPATIONS):
        return toks, label, role  # what the model typed otherwise turns a person only after one person's job
    if label != "PERSON" and not person_named(rest):
        return toks, label, role  # "Pilot Harwick J": a firm's name that opens with a job, no one's name
    said = " ".join(t.text for t in toks[:lead])
    return rest, "PERSON", f"{role} {said}" if role else said


def person_named(toks: Sequence[Token]) -> bool:
    """True when words after an occupation noun read as a person's name: a given name of the nicknames data
    first ("Ada Lind"), or the last word written alone elsewhere in the text, as a reporter names a person by
    surname after the full name ("Lind said ..."); a firm's name that opens with a job ("Pilot Harwick J") has
    neither."""
    if toks[0].lower_ in GIVEN_NAMES:
        return True
    text, rest = toks[0].doc.text, " ".join(t.text for t in toks)
    alone = len(re.findall(r"(?<![\w-])" + re.escape(toks[-1].text) + r"(?![\w-])", text))
    return alone > len(re.findall(r"(?<![\w-])" + re.escape(rest) + r"(?![\w-])", text))


def _cut_glued_date(toks: list[Token]) -> list[Token]:
    """A person's name without a date glued to it ("Marta Ruiz Jan 25")."""
    for k, t in enumerate(toks):
        if k and (t.lower_.rstrip(".") in MONTH_WORDS or t.like_num):
            return toks[:k]
    return toks


def _person_extent(doc: Doc, toks: list[Token]) -> list[Token]:
    """A person's name with the untagged given names in front ("Ruth" of "Ruth Okafor"): capitalised proper
    nouns, not titles or speech verbs."""
    first = toks[0].i
    while first > 0 and first > toks[0].i - MAX_GIVEN_NAMES:
        t = doc[first - 1]
        given = t.pos_ == "PROPN" and t.text[:1].isupper() and not t.ent_type_ and t.is_alpha
        if not given or t.lower_ in TITLE_WORDS or t.lower_ in OCCUPATIONS or is_attribution(t):
            break  # "Coach" of "Coach Mara Ostrova" says what she does, it is no given name
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


# Nouns that make a name a programme, law, fund or award named after someone (text/lexicons/name_modifier_heads.txt)
NAME_MODIFIER_HEADS = load("name_modifier_heads")
# Nouns naming people by their part or role ("Plaintiff", "Rescuers", "Residents" capitalised at the head of a
# line): no name (text/lexicons/legal_parties.txt, person_roles.txt, people_nouns.txt say where they come from).
ROLE_NOUNS = load("legal_parties") | load("person_roles") | load("people_nouns")
# Courtesy titles ("Mr.", "Ms."; text/lexicons/courtesy_titles.txt): a person's, but no role.
COURTESY_TITLES = load("courtesy_titles")
# Prepositions of place: a name that is their object ("in Carrow", "near Tolven") is where something happens, so
# the model's PERSON there is a place; "from", "at" and "with" also take people and are left out.
PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "inside", "across", "throughout"})
# Class nouns of places (text/lexicons/place_nouns.txt: "state", "city", "province") and the compass points: a
# name after "the state of", "north of" or before "state" is a place's.
PLACE_NOUNS = load("place_nouns")
COMPASS = frozenset(
    a + b
    for a in ("", "north", "south")
    for b in ("", "east", "west", "-east", "-west")
    if a + b not in ("", "-east", "-west")
)
# A name runs to at most this many words ("Immigration and Customs Enforcement and Border Protection" is seven);
# a longer "name" is headlines run together by a page that lost its line breaks. Chosen on the tune half of the
# dev pages: the run-together headlines there are 12 words and more.
MAX_NAME_WORDS = 10
ROMAN_NUMERALS = frozenset({"ii", "iii", "iv", "vi", "vii", "viii"})  # "Conrad Weir III": a person's suffix


def _clock_before(doc: Doc, i: int) -> bool:
    """True when the token before ``i`` ends a clock time ("10:30", "9 a.m."): a capitalised code after it is a
    time zone ("10:30 GMT"), not a name."""
    if i == 0:
        return False
    t = doc[i - 1]
    return bool(re.fullmatch(r"\d{1,2}(?::\d\d)?|[0-2]\d[0-5]\d|[ap]\.?m\.?", t.lower_))  # "9", "10:30", "1814", "p.m."


def _placed(tok: Token, by_noun: bool = False) -> bool:
    """True when the parse puts a name where a place goes: the object of a place preposition ("in Carrow"), of
    "of" after a place noun or a compass point ("the state of Carrow", "south of Carrow", "the states of Tolven
    and Carrow"), or a modifier of a place noun ("Carrow state"); with ``by_noun`` only the last two, which a
    body's name never takes ("in Congress" is)."""
    if tok.lower_ in ORG_HEADS:
        return False  # "the state of the Harwick Party", "the state of the Carrow Union": a body's name
    while tok.dep_ == "conj" and tok.head.i < tok.i:
        tok = tok.head  # "the states of Tolven and Carrow": where the first conjunct is
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in PLACE_PREPOSITIONS and not by_noun:
        return True
    places = PLACE_NOUNS | COMPASS
    if tok.dep_ == "pobj" and head.lower_ == "of" and (head.head.lower_ in places or head.head.lemma_ in places):
        return True
    return tok.dep_ == "compound" and head.lower_ in PLACE_NOUNS


def _owned_by_none(doc: Doc, last: Token) -> bool:
    """True when a name's possessive owns nothing where a place goes: the name is the object of a preposition
    ("shopped at Harlow's on Sunday", "rivals such as Corvane and Harlow's."), a shop or firm named after its
    founder, as a person's possessive comes before what they own ("Harlow's car"). Never for an "'s" the tagger
    reads as "is" or "has" ("Harlow's been ..."), one before "and"/"or" ("Harlow's and Tam's offices") or a verb,
    nor for a name that is what a verb says it is ("The decision was Harlow's")."""
    possessive = ("'s", "\u2019s")
    if last.lower_ in possessive and last.i > 0:  # the model's name took the "'s" in: "Harlow's"
        last = doc[last.i - 1]
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is None or nxt.lower_ not in possessive or last.dep_ == "poss" or nxt.tag_.startswith("VB"):
        return False
    obj = last
    while obj.dep_ == "conj" and obj.head.i < obj.i:
        obj = obj.head  # "such as Corvane and Harlow's": where the first conjunct is
    if obj.dep_ != "pobj":
        return False  # a subject ("Harlow's and Tam's offices ...") or what "was" says ("was Harlow's")
    after = doc[nxt.i + 1] if nxt.i + 1 < len(doc) else None
    if after is not None and (after.dep_ == "cc" or after.pos_ in ("VERB", "AUX")):
        return False
    return after is None or after.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM", "ADV")


def _is_a_firm(doc: Doc, toks: list[Token]) -> bool:
    """True when the parse shows a person-typed name is a body's: it takes "which" ("Corvane, which plans ..."),
    or, unless it opens with a given name of the nicknames data or its last word is typed a person alone in the
    article, its verb goes on with "it" saying something ("Harlow Hale fell after it said ...") or its possessive
    owns nothing (:func:`_owned_by_none`)."""
    last = toks[-1]
    for c in last.children:
        if c.dep_ == "relcl" and any(w.lower_ == "which" and w.dep_ in ("nsubj", "nsubjpass") for w in c.children):
            return True
    if _named_as_person(doc, toks):
        return False  # "Lena Ortiz resigned after it said ...": "it" is another subject
    if last.dep_ in ("nsubj", "nsubjpass"):
        for clause in last.head.children:
            if clause.dep_ == "advcl" and is_attribution(clause):
                if any(w.lower_ == "it" and w.dep_ == "nsubj" for w in clause.children):
                    return True
    return _owned_by_none(doc, last)


def _named_as_person(doc: Doc, toks: list[Token]) -> bool:
    """True when a name of several words opens with a given name of the nicknames data ("Lena Ortiz"), or its
    last word is the whole of another PERSON entity of the article ("Ortiz said ...")."""
    if len(toks) < MIN_FULL_NAME_WORDS:
        return False
    if toks[0].lower_ in GIVEN_NAMES:
        return True
    word = toks[-1].text
    return any(e.label_ == "PERSON" and e.text == word and e.start != toks[-1].i for e in doc.ents)


def _speaks_as_it_or_medium(tok: Token) -> bool:
    """True for a one-word name the parse shows is no person: the subject of a speech verb whose clause goes on
    with "it" ("Lumora said it would ..."), or what is written or posted on ("wrote on Lumora")."""
    head = tok.head
    if tok.dep_ in ("nsubj", "nsubjpass") and is_attribution(head):
        subjects = [c for k in head.children if k.dep_ == "ccomp" for c in k.children if c.dep_ == "nsubj"]
        return any(c.lower_ == "it" for c in subjects[:1])
    return tok.dep_ == "pobj" and head.lower_ in ("on", "via") and head.head.pos_ == "VERB"


# Legal forms ending a company's name ("Inc.", "LLC", "Ltd"; text/lexicons/legal_forms.txt, from cleanco)
LEGAL_FORMS = load("legal_forms")
# Nouns of a described speaker (text/lexicons/speaker_nouns.txt): in the plural ("Economists say ...") a group of
# people, never one person's name; in the singular some are surnames too ("Coach", "Friend"), so left alone.
SPEAKER_NOUNS = load("speaker_nouns")


# A legal form this short and written like a word ("Co", "Cio") is also a surname ("Mira Co"): it counts only
# with its dot, in capitals or after "&" ("Co.", "CIC", "& Co"). Four letters ("Corp") and vowel-less forms
# ("Ltd", "Plc") are no one's name.
MAX_AMBIGUOUS_FORM_LETTERS = 3


def _legal_form(doc: Doc, tok: Token) -> bool:
    """True when a capitalised word is a legal form written as one ("Inc.", "LLC", "Ltd", "& Co"), not a surname
    that is also a form ("Mira Co")."""
    bare = tok.lower_.replace(".", "")
    if not tok.text[:1].isupper() or bare not in LEGAL_FORMS:
        return False
    if len(bare) > MAX_AMBIGUOUS_FORM_LETTERS or not set(bare) & set("aeiouy"):
        return True
    after_ampersand = tok.i > 0 and doc[tok.i - 1].text == "&"
    return tok.text.endswith(".") or (tok.text.isupper() and len(bare) > 1) or after_ampersand


def is_role_noun(name: str) -> bool:
    """True for a one-word "name" that is a noun of a party or role ("Plaintiff", "Defendants", "Rescuers",
    "Analysts")."""
    low = name.lower()
    one = singular(low)
    return " " not in low and (low in ROLE_NOUNS or one in ROLE_NOUNS or (one != low and one in SPEAKER_NOUNS))


def _retype(doc: Doc, toks: list[Token], label: str) -> str | None:
    """The type the parse gives a mention whatever the model said, or None when it is no name at all."""
    words = [t for t in toks if not t.is_punct]
    if len(words) > MAX_NAME_WORDS:
        return None
    if len(words) == 1 and is_role_noun(words[0].text):
        return None  # "Plaintiff", "Defendants", "Rescuers"
    if label in ("ORG", "GPE") and toks[0].text.isupper() and len(toks) == 1 and _clock_before(doc, toks[0].i):
        return None  # "10:30 GMT"
    last = toks[-1]
    if label == "PERSON":
        if len(words) == 1 and words[0].pos_ == "ADJ" and words[0].dep_ == "amod":
            return None  # "Potted herbs" at the head of a line: an adjective, not a name
        if any(any(c.isdigit() for c in t.text) for t in toks):
            return None  # "MS-13", "700bn": no person's name has a digit
        caps = [t for t in words if t.is_alpha and t.is_upper and len(t.text) > 1 and t.lower_ not in ROMAN_NUMERALS]
        if caps and len(caps) < len(words):
            return "ORG"  # "Corwin STEP": an acronym in a name makes it a body's or a programme's
        before = doc[toks[0].i - 1] if toks[0].i else None
        if before is not None and before.lower_ in ("the", "a", "an") and before.head in toks:
            return "ORG"  # "the Harlan Youth": a person takes no article
        if _placed(last):
            return "GPE"  # "in Carrow", "the state of Carrow", "north of Carrow", "Carrow state"
        if len(words) == 1 and _speaks_as_it_or_medium(last):
            return "ORG"  # "Lumora said it would ...", "wrote on Lumora"
        if len(words) > 1 and _legal_form(doc, words[-1]):
            return "ORG"  # "Marlow Pike LLC": a legal form ends a company's name
        if _is_a_firm(doc, toks):
            return "ORG"  # "Corvane, which ...", "Harlow Hale fell after it said ...", "at Harlow's"
    if label == "ORG" and _placed(last, by_noun=True):
        return "GPE"  # "Carrow state", "the state of Carrow"
    if label in ("LOC", "FAC") and last.dep_ in ("nsubj", "nsubjpass") and is_attribution(last.head):
        return "ORG"  # "the Palace said": a building or area that speaks is the body in it
    return label


def _names_a_thing(doc: Doc, toks: list[Token]) -> bool:
    """True when a person-typed name is the modifier or the start of a thing's name: its last word, or the
    word right after it, is a class noun of programmes, laws and awards ("Harlan Youth program")."""
    after = doc[toks[-1].i + 1] if toks[-1].i + 1 < len(doc) else None
    words = [toks[-1]] + ([after] if after is not None and not after.is_punct else [])
    return any(w.lower_ in NAME_MODIFIER_HEADS for w in words)


def _mention_of(ent: DocSpan, doc: Doc, text: str) -> Mention | None:
    """The repaired mention of one of the model's entities, or None when nothing of a name is left."""
    toks, label, role = _split_lead(list(ent), ent.label_)
    toks, label, role = _split_description(_cut_glued_date(toks) if label == "PERSON" else toks, label, role)
    if not toks:
        return None
    toks = _person_extent(doc, toks) if label == "PERSON" else _name_extent(doc, toks)
    start, end = _clean_bounds(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))
    if end <= start:
        return None
    if label == "PERSON" and _names_a_thing(doc, toks):
        label = "ORG"  # "the Harlan Youth program", "the Edith Harlan Memorial": named after a person, not one
    retyped = _retype(doc, toks, label) if role is None else label
    if retyped is None:
        return None
    label = retyped
    if label == "PERSON" and role is None:
        role, _ = _role_before(doc, toks[0].i)
    if label == "PERSON" and role is None:
        role = _appositive_role(toks[-1])
    if role is not None and all(w.lower() in COURTESY_TITLES for w in role.split()):
        role = None  # "Mr." says a person, not what the person is
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
    out = _without_ordinary_words(text, out, sentences, titled)
    mentions = _repair(article, [m for m, _ in out], [t for _, t in out], sentences)
    return _acronym_mentions(article, mentions, sentences)


def _without_ordinary_words(
    text: str, found: list[tuple[Mention, bool]], sentences: list[tuple[int, int]], titled: list[bool]
) -> list[tuple[Mention, bool]]:
    """The mentions without ordinary words the model took for names: one with no capital letter ("navy"), or
    one capitalised only where every word is (a sentence's first word, a headline) that the article also writes
    in lower case and never capitalises inside a sentence of prose ("Analysts said ..." beside "analysts")."""
    starts = set()
    for s, e in sentences:
        lead = re.match(r"[\s\"'\u201c\u2018(\[-]*", text[s:e])
        starts.add(s + (lead.end() if lead else 0))
    headline = [(s, e) for (s, e), t in zip(sentences, titled, strict=True) if t]

    def case_free(pos: int) -> bool:
        return pos in starts or any(s <= pos < e for s, e in headline)

    kept = []
    for m, t in found:
        if not any(c.isupper() for c in m.text):
            continue
        low = m.text.lower()
        if case_free(m.span.start) and low != m.text:
            lower_too = re.search(r"(?<![\w-])" + re.escape(low) + r"(?![\w-])", text) is not None
            written = re.finditer(r"(?<![\w-])" + re.escape(m.text) + r"(?![\w-])", text)
            named = any(not case_free(x.start()) for x in written)
            if lower_too and not named:
                continue
        kept.append((m, t))
    return kept


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


def _appositive_role(tok: Token) -> str | None:
    """A role given in apposition: "Piet Varga, the acting harbour master" -> "acting harbour master"."""
    for child in tok.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.lower_ in TITLE_WORDS:
            words = [t for t in child.subtree if t.dep_ not in ("det", "punct") or t.i > child.i]
            while words and words[-1].is_punct:
                words.pop()
            if 1 <= len(words) <= MAX_APPOSITIVE_ROLE_WORDS:
                return " ".join(t.text for t in words)
    return None


def _repair(
    article: Article, mentions: list[Mention], titled: list[bool], sentences: list[tuple[int, int]]
) -> list[Mention]:
    """Article-level repair rules over the raw mentions (see the module docstring)."""
    text = article.text
    other_typed = {m.text.lower() for m in mentions if m.label != "PERSON"}
    # full names the model typed as a person and never as something else ("Fresh Fields" is both: not a name)
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
    """True when the word before ``start`` is the word before the surname in ``full`` ("Fresh" of "Fresh Fields")."""
    words = full.split()
    if len(words) < MIN_FULL_NAME_WORDS:
        return False
    before = text[max(0, start - len(words[-2]) - 2) : start].strip()
    return before.endswith(words[-2])
