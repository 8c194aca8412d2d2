"""How the claims stage reads one figure: what it counts, whose it is, when, and what values its wording allows.

A figure is read in its sentence: the event its sentence attaches it to (injured, killed, evacuated, recalled...
from a small lexicon of news predicates, see :data:`EVENTS`), a coarse class of the counted noun (person nouns ->
"people", money, percent, others by their stem), the named holders and the owner the parse gives it ("Tallis
Mills' shares fell 3 percent" is Tallis Mills' share), a named place restricting a count, a part or a group's
share ("12 of the 27", "62 percent of voters"), and an earlier time frame ("weeks after another quake killed
61"). Numbers that are no figures (a rank, a model name, a score, a list count) are not read at all
(:func:`junk_reason`). :mod:`.agreement` compares the readings.

Example:
    >>> from storyline.model import Figure, Span
    >>> value_range(Figure("a", Span(0, 11), "about 2,300", 2300, "people", approximate=True))
    (2250.0, 2350.0)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Article, Figure
from ..text.lexicon import load
from ..text.words import NUMBER_WORDS, STOP_WORDS, stem, terms

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# News predicates: canonical event -> patterns (regex, lower case) that state it. General news vocabulary
# (casualties, displacement, law enforcement, labour, business, sport), not fitted to any corpus. A figure takes
# the event nearest to it in its sentence (within EVENT_WINDOW characters).
EVENTS: dict[str, tuple[str, ...]] = {
    "killed": (r"kill(?:ed|ing|s)?", r"dead", r"died", r"dies", r"dying", r"deaths?", r"death toll",
               r"fatalit(?:y|ies)", r"perished", r"lost (?:their|his|her) lives?", r"bodies"),
    "injured": (r"injur(?:ed|ing|ies|y)", r"hurt", r"wounded"),
    "hospitalized": (r"hospitali[sz]ed", r"in (?:the )?hospital", r"in critical condition"),
    "missing": (r"missing", r"unaccounted for"),
    "evacuated": (r"evacuat(?:ed|ing|ion|e)", r"ordered to (?:leave|evacuate)", r"displaced", r"fled", r"forced from",
                  r"left homeless", r"homeless"),
    "rescued": (r"rescued", r"pulled (?:alive )?from"),
    "arrested": (r"arrest(?:ed|s)?", r"detained", r"taken into custody"),
    "charged": (r"charged", r"indicted"),
    "striking": (r"strik(?:e|ing)", r"struck work", r"walk(?:ed)? (?:off|out)", r"walkout", r"picket(?:ed|ing)?"),
    "recalled": (r"recall(?:ed|ing|s)?",),
    "without power": (r"without (?:power|electricity)", r"in the dark", r"outages?", r"lost power"),
    "infected": (r"infect(?:ed|ions?)", r"tested positive", r"sickened", r"fell ill", r"confirmed cases"),
    "attended": (r"attend(?:ed|ance|ing)", r"crowd", r"filled", r"packed", r"sold-out"),
    "watched": (r"watched", r"tuned in", r"audience"),
    "scored": (r"scor(?:ed|es|ing)", r"netted"),
    "fined": (r"fined?", r"penalty", r"civil penalty"),
    "paid": (r"paid", r"pay(?:s|ing)?", r"settle(?:d|ment)", r"compensation"),
    "raised": (r"rais(?:ed|es|ing)",),
    "cost": (r"cost(?:s|ing)?", r"damages?", r"losses"),
    "cut": (r"cut(?:s|ting)?", r"laid off", r"lay(?:ing)? off", r"layoffs?", r"eliminat(?:ed|ing)", r"slash(?:ed|ing)"),
    "hired": (r"hir(?:ed|ing|es)", r"new jobs", r"creat(?:ed|ing|e) \w+ jobs"),
    "voted": (r"vot(?:ed|es|ing)",),
    "sold": (r"sold", r"sell(?:s|ing)?"),
    "bought": (r"bought", r"buy(?:s|ing)?", r"acquir(?:e|ed|ing)", r"acquisition", r"purchas(?:e|ed|ing)", r"deal"),
    "cancelled": (r"cancel(?:l?ed|l?ing|lations?)",),
    "delayed": (r"delay(?:ed|s|ing)?",),
    "fell": (r"fell", r"f[ae]ll(?:en|ing)", r"dropp?(?:ed|ing)", r"declin(?:ed|ing)", r"lost"),
    "rose": (r"rose", r"ris(?:en|ing)", r"climb(?:ed|ing)", r"gain(?:ed|ing)", r"jump(?:ed|ing)", r"surg(?:ed|ing)"),
    "magnitude": (r"magnitude",),
}  # fmt: skip
_EVENT_RE = re.compile(
    "|".join(f"(?P<e{i}>\\b(?:{'|'.join(pats)})\\b)" for i, pats in enumerate(EVENTS.values())), re.IGNORECASE
)
_EVENT_NAMES = list(EVENTS)
# A predicate further than this from the number (in characters) is about something else in a long sentence;
# 80 reaches "About 1,200 residents within half a mile of the plant were ordered to leave".
EVENT_WINDOW = 80
# Counted nouns that name the event themselves: "nine deaths" is "nine people killed".
NOUN_EVENTS = {
    "death": "killed", "fatality": "killed", "dead": "killed", "injury": "injured", "casualty": "injured",
    "arrest": "arrested", "evacuee": "evacuated", "layoff": "cut", "infection": "infected", "case": "infected",
    "crowd": "attended", "attendance": "attended", "turnout": "attended", "gathering": "attended",
    "audience": "watched", "viewership": "watched", "readership": "watched",
}  # fmt: skip
# Households stand for the people in them when the event is displacement or an outage ("900 homes were
# evacuated", "410,000 homes and businesses without power"): same measure in another unit, shown side by side.
POPULATION_EVENTS = {"evacuated", "without power"}
# Events whose count with no counted noun ("more than a dozen were hurt") counts people.
PEOPLE_EVENTS = {
    "killed",
    "injured",
    "hospitalized",
    "missing",
    "evacuated",
    "rescued",
    "arrested",
    "charged",
    "infected",
}
# Person nouns counted as "people" (text/lexicons: people_nouns.txt, person_roles.txt, where their entries come
# from). The generic ones can stand for any group of people, so "14 workers" and "16 people" may be the same
# count; two different specific roles ("firefighters", "officers") are different groups, never a conflict. A
# noun naming an event's people ("deaths", "evacuees") counts people generically too.
GENERIC_PEOPLE = load("people_nouns") | {noun for noun, event in NOUN_EVENTS.items() if event in PEOPLE_EVENTS}
ROLE_PEOPLE = load("person_roles")
PERSON_NOUNS = GENERIC_PEOPLE | ROLE_PEOPLE
HOUSEHOLDS = load("household_nouns")
# Nouns that name the size of a gathering of people: "a crowd of 41,200", "an attendance of 41,200" and "42,000
# fans filled the stadium" are one count of people at one event: the event nouns of attending and watching.
GATHERING_NOUNS = {noun for noun, event in NOUN_EVENTS.items() if event in ("attended", "watched")}
# An English compound takes the class of its last element ("dock|worker", "longshore|man", "fire|fighter"): a noun
# ending in a person noun of at least this many letters after a modifier of at least this many is a person noun.
COMPOUND_PART = 3
# Irregular plural endings of person nouns ("longshoremen", "schoolchildren") and their singulars.
_PLURAL_ENDINGS = (("men", "man"), ("children", "child"), ("people", "person"))
# Scales a figure is a reading on ("a magnitude 6.8 quake", "a Category 4 storm"), as the figure reader names them.
SCALE_UNITS = {"magnitude", "category"}
# Years mentioned in a figure's sentence before its article's year place it in a past event ("a magnitude 8.0
# quake killed nearly 10,000 people in 1985"); a figure only disputes one of the same time frame.
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# A sentence set before the story's own time by a relative phrase is about an earlier event. "days after the quake"
# is left out (follow-up reports say "two days after the quake, the toll rose to 14"), but "weeks after a stronger
# one killed 61" and "less than two weeks after another one" place the figure in an event introduced as another.
_EARLIER = re.compile(
    r"\b(?:days|weeks|months|years) (?:before|earlier|ago)\b|\b(?:last|previous) (?:week|month|year)\b"
    r"|\bearlier this (?:week|month|year)\b|\b(?:days|weeks|months|years) after (?:a|an|another)\b",
    re.IGNORECASE,
)
EARLIER_MARK = "earlier"  # the time frame of a figure placed in an earlier event by a relative phrase
# Words the figure reader may leave as the "counted noun" that only scale the number.
_SCALE_NOUNS = {"dozen", "hundred", "thousand", "million", "billion", "trillion", "percent", "score"}
# How close two values must be to agree. Exact figures agree only when equal. "about/roughly X" claims X to the
# precision it is written at: "about 2,300" covers 2,250-2,350, so "roughly 2,500" differs and "about 42,000"
# does not cover 41,200 (a flat tolerance would let a rounded figure hide a real discrepancy of its own size).
# "nearly/almost/up to X" covers the 15% below X (15%: "nearly two dozen" covers 23), "more than/over/at least X"
# covers up to the next step of its precision or 25% above, whichever is more ("more than 200" covers 220).
BELOW_SHARE = 0.15
ABOVE_SHARE = 0.25
_BELOW = re.compile(
    r"\b(nearly|almost|up to|as many as|less than|fewer than|under|just under|close to)\b", re.IGNORECASE
)
_ABOVE = re.compile(r"\b(more than|over|at least|upwards of|just over|in excess of)\b", re.IGNORECASE)
VAGUE = re.compile(r"\b(dozens|scores|hundreds|thousands|millions|billions|tens)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(he|she|his|her)\b", re.IGNORECASE)
_HOLDER_LABELS = ("PERSON", "ORG", "GPE")
# Legal forms closing a company's name, left out when two names are matched ("Tallis Mills Inc." is "Tallis Mills";
# "Harlan.com" is "Harlan"): the closed class of English company suffixes.
LEGAL_FORMS = frozenset({"inc", "corp", "corporation", "co", "ltd", "llc", "plc", "com", "lp", "llp"})
# A place restricting a count follows it in the same clause: "died in Port Lindell", "were killed in coastal
# Brenmoor" (40 characters: the counted noun, a predicate and "in"); a comma or "while" starts another clause.
LOCUS_WINDOW = 40
# Any named thing after "in" is a place there; the model often tags a state or a campus as an organisation.
_PLACE_LABELS = ("GPE", "LOC", "FAC", "ORG")
_LOCUS_BEFORE = re.compile(r"^[^,;:()]*?\bin\s+(?:the\s+)?(?:[a-z]+\s+)?$")
# Nouns that only number the points of a list ("two things", "three ways"): text/lexicons/general_nouns.txt.
GENERAL_NOUNS = load("general_nouns")
# A number inside a name: "iPhone 8 Plus", "Boeing 737 Max", "Apollo 11": a capitalised word right before it that
# is neither the sentence's first word, a function word ("About 12") nor a day or month ("On Tuesday 12 people").
_NAME_BEFORE = re.compile(r"(?:^|\s)([A-Za-z]*[A-Z][A-Za-z]*)\s$")
_CALENDAR_WORD = re.compile(
    r"(mon|tues|wednes|thurs|fri|satur|sun)day|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|"
    r"february|march|april|june|july|august|september|october|november|december"
)
# A part of a total: "Twelve of the 27 countries", "three of its stores", "two of them" counts a subset, not the
# whole (a partitive: the number followed by "of" and a determiner or pronoun).
_PART_OF = re.compile(r"^\s+of\s+(?:the|its|their|his|her|all|these|those|them|us)\b", re.IGNORECASE)
# What a share or count is of: "62 percent of Republicans", "51 percent of the vote".
_OF_WHAT = re.compile(r"^\s*(?:percent|per cent|%)?\s+of\s+(?:the\s+|all\s+|those\s+)?([A-Za-z][\w-]*)")


# The paragraph index of a figure found in no paragraph: past any lead paragraph.
NO_PARAGRAPH = 99


@dataclass
class Reading:
    """One figure as read for agreement: what it counts, whose it is, the values its wording allows."""

    fig: Figure
    art: Article
    cls: str  # "people", "money:USD", "percent", or the counted noun's stem
    role: str  # specific role of counted people ("firefighter"), "" when generic
    event: str  # canonical predicate, "" when none found
    noun: str  # the counted noun as written, for labels
    holders: frozenset[str]  # named holders in the sentence (last word, lower case), attributions left out
    holder_name: str  # the holder as written when one is named before the number, else ""
    pronoun: bool  # the holder is a pronoun and no name is given before the number
    low: float
    high: float
    context: Counter[str]
    locus: str = ""  # people counted "in" a named place right after the count ("55 people died in Brenmoor")
    subject: str = ""  # last word of the named subject of the figure's verb ("the Hawks scored 3 runs"), or ""
    past: frozenset[str] = frozenset()  # years named in the sentence before the article's own year
    pos: int = 0  # order of the article in the story (sources are listed in this order)
    qualifier: str = ""  # what the figure is a share or part of ("of republicans", "part"), "" for a whole
    source: str = ""  # the independent source (outlet) reporting it, as :func:`.sources.source_of` gives it
    # words of the name whose figure it is ("tallis", "mills" of "Tallis Mills' stock fell")
    owner: frozenset[str] = frozenset()
    owner_name: str = ""  # that name as written ("Tallis Mills")
    para: int = NO_PARAGRAPH  # index of the figure's paragraph in its article

    @property
    def group(self) -> str:
        """The independent source of this reading: its outlet once set, else the article it copies or itself."""
        return self.source or group_of(self.art)


def group_of(article: Article) -> str:
    """The independent source an article belongs to."""
    return article.duplicate_of or article.id


def _precision(fig: Figure) -> float:
    """The step a figure is written to: "2,300" -> 100, "1.2 million" -> 100,000, "Sixteen" -> 1."""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", fig.text)
    if not m:
        return 12.0 if "dozen" in fig.text.lower() else 1.0
    digits = m.group().replace(",", "")
    try:
        written = float(digits)
    except ValueError:
        return 1.0
    scale = fig.value / written if written else 1.0
    if "." in digits:
        return scale * 10.0 ** -len(digits.split(".")[1])
    zeros = len(digits) - len(digits.rstrip("0")) if written else 0
    return scale * 10.0**zeros


def value_range(fig: Figure) -> tuple[float, float]:
    """The values a figure's wording allows: exact -> (v, v); "about 2,300" -> (2250, 2350); "more than 200" ->
    (200, 300)."""
    v = fig.value
    if not fig.approximate:
        return v, v
    step = _precision(fig)
    if VAGUE.search(fig.text):
        return v, v * 5
    if _ABOVE.search(fig.text):
        return v, v + max(step, ABOVE_SHARE * abs(v))
    if _BELOW.search(fig.text):
        return v - BELOW_SHARE * abs(v), v
    return v - step / 2, v + step / 2


def _event_near(sentence: str, start: int, end: int) -> str:
    """The canonical news predicate nearest to the number at [start, end) of the sentence, or ""."""
    best, best_d = "", EVENT_WINDOW + 1
    for m in _EVENT_RE.finditer(sentence):
        if m.start() < end and m.end() > start:
            continue
        d = m.start() - end if m.start() >= end else start - m.end()
        if d < best_d:
            best, best_d = _EVENT_NAMES[int(next(k for k, v in m.groupdict().items() if v)[1:])], d
    return best


def _speakers(art: Article, fig: Figure) -> set[str]:
    """Who says the words a figure is in (last word of each speaker's name, lower case), as the extract stage
    attributed its quotes and reported speech from the parse: they are the figure's sources."""
    return {
        last_word(q.speaker_name)
        for q in art.quotes
        if q.speaker_name and q.span.start <= fig.span.start and fig.span.end <= q.span.end
    }


def _holders(art: Article, fig: Figure, people: bool) -> tuple[frozenset[str], bool, str]:
    """Named holders in a figure's sentence (attributions left out), whether its holder is a pronoun, and the
    name of the holder written before the number ("" when none)."""
    if fig.sentence is None:
        return frozenset(), False, ""
    text = art.text
    names: set[str] = set()
    sources = _speakers(art, fig)
    named_before = False
    name = ""
    for m in art.mentions:
        if not (fig.sentence.start <= m.span.start and m.span.end <= fig.sentence.end) or m.label not in _HOLDER_LABELS:
            continue
        if people and m.label != "GPE":
            continue  # people counted in an event: named people/organisations are its sources, not its holders
        if m.span.start < fig.span.end and m.span.end > fig.span.start:
            continue
        last = last_word(m.text)
        if last in sources:
            continue
        if last:
            names.add(last)
            if m.span.start < fig.span.start:
                named_before = True
                name = name or ("" if re.search(r"\d", m.text) else m.text)
    lead = text[fig.sentence.start : fig.span.start]
    pronoun = not people and not named_before and bool(_PRONOUN.search(lead))
    return frozenset(names), pronoun, name


def read_figure(fig: Figure, art: Article, doc: Doc | None = None) -> Reading | None:
    """A figure read for agreement, or None when it says too little to compare (a bare number). With the article's
    stored parse (``doc``) the counted noun is its lemma, else its stem."""
    sentence = art.cut(fig.sentence) if fig.sentence else fig.text
    offset = fig.sentence.start if fig.sentence else fig.span.start
    start, end = fig.span.start - offset, fig.span.end - offset
    noun = (fig.unit or "").strip()
    scale = fig.kind == "quantity" and noun.lower() in SCALE_UNITS
    if not scale and junk_reason(fig, sentence, start, end):
        return None
    if re.match(r"\s*[-\u2013]\s*\d", sentence[end:]) or re.search(r"\d\s*[-\u2013]\s*$", sentence[:start]):
        return None  # a score or a vote tally ("2-1 win", "7-4 vote"), not a count
    if fig.kind in ("count", "quantity") and noun and not scale:
        last = re.findall(r"[a-z]+", noun.lower())
        noun_stem = stem(last[-1]) if last else ""
        # the counted noun follows the number: look for the predicate past it
        end = (
            max(end, sentence.lower().find(noun.lower(), start) + len(noun))
            if noun.lower() in sentence.lower()
            else end
        )
    else:
        noun_stem = ""
    if noun_stem in _SCALE_NOUNS:
        noun, noun_stem = "", ""
    # a reading on a scale rates the thing the scale names, not the predicate near it ("a magnitude 6.8 quake
    # killed nine": 6.8 is no count of the killed)
    event = "" if scale else _event_near(sentence, start, end)
    event = NOUN_EVENTS.get(noun_stem, "") or event
    role = ""
    if scale:
        cls = f"scale:{noun.lower()}"
    elif fig.kind == "money":
        cls = f"money:{fig.unit}"
    elif fig.kind == "percent":
        cls = "percent"
    else:
        counted = _counted(noun_stem, event, fig.kind)
        if counted is None:
            return None
        cls, role = counted
    holders, pronoun, holder_name = _holders(art, fig, cls == "people")
    low, high = value_range(fig)
    context = Counter(t for t in terms(sentence) if not t[0].isdigit())
    subject = _named_subject(fig, sentence, doc)
    if doc is not None:
        owner, owner_name = _owner(fig, sentence, doc)
    else:
        owner, owner_name = frozenset({last_word(holder_name)} - {""}), holder_name
    return Reading(
        fig,
        art,
        cls,
        role,
        event,
        noun if fig.kind in ("count", "quantity") else "",
        holders,
        holder_name,
        pronoun,
        low,
        high,
        context,
        _locus(art, fig) if cls == "people" else "",
        subject,
        _past_years(art, sentence),
        qualifier=_qualifier(sentence[fig.span.end - offset :], fig.kind == "percent"),
        # an amount or a share is its subject's ("Harlan will pay $42", "Harlan shares fell 3 percent"); a count's
        # subject is often who reports or acts on it ("the agency sent notices to 14 towns"), not whose it is
        owner=owner if cls.startswith("money:") or cls == "percent" else frozenset(),
        owner_name=owner_name if cls.startswith("money:") or cls == "percent" else "",
        para=next(
            (k for k, sp in enumerate(art.paragraph_spans()) if sp.start <= fig.span.start <= sp.end), NO_PARAGRAPH
        ),
    )


def article_readings(art: Article, doc: Doc | None = None) -> list[Reading]:
    """The readings of one article's figures, each figure (by its start) once; none for an article without text."""
    if not art.paragraphs:
        return []
    seen: set[int] = set()
    out = []
    for fig in art.figures:
        if fig.span.start in seen:
            continue
        seen.add(fig.span.start)
        r = read_figure(fig, art, doc)
        if r is not None:
            out.append(r)
    return out


def junk_reason(fig: Figure, sentence: str, start: int, end: int) -> str:
    """Why a number the figure reader found is no figure ("rank", "name", "score", "list"), or "" when it is one.

    ``start``/``end`` place the number in its ``sentence``. A number inside a name ("iPhone 8 Plus"), a score or
    tally ("5-4") and a count of general nouns ("two things") are not quantities an outlet reports."""
    unit = (fig.unit or "").strip()
    if re.search(r"(?:#|\bNo\.\s?)\s*$", sentence[:start]):
        return "rank"  # "ranked #28", "No. 2 on the list": a place in an order, not an amount
    if re.search(r"\d", unit) or re.fullmatch(r"\d+\s*[-\u2013]\s*\d+", fig.text.strip()):
        return "score"
    if fig.kind in ("count", "quantity"):
        before = _NAME_BEFORE.search(sentence[:start])
        word = before.group(1) if before else ""
        calendar = bool(_CALENDAR_WORD.fullmatch(word.lower()))
        if before and before.start(1) > 0 and word.lower() not in STOP_WORDS and not calendar:
            return "name"
        last = re.findall(r"[a-z]+", unit.lower())
        if last and (last[-1] in GENERAL_NOUNS or last[-1].rstrip("s") in GENERAL_NOUNS):
            return "list"
    return ""


def _qualifier(after: str, share: bool) -> str:
    """What a figure counts a part or share of: "part" for "12 of the 27", "of voters" for "62 percent of
    voters" (a ``share``; "jars of peanut butter" says what a count is made of, not whose part it is), else "".
    ``after`` is the sentence after the number."""
    if _PART_OF.match(after):
        return "part"
    if not share:
        return ""
    m = _OF_WHAT.match(after)
    if not m or m.group(1).lower() in STOP_WORDS:
        return ""
    return "of " + stem(m.group(1).lower())


def _person_noun(word: str) -> str:
    """The person noun a counted noun is, in the lexicons' singular ("workers" -> "worker", "longshoremen" ->
    "longshoreman"), or "" when it names no person. A compound ending in a person noun is one ("dockworker")."""
    if word in NUMBER_WORDS:
        return ""  # "fif|teen" is no compound of "teen"
    forms = [word, word.rstrip("s")]
    forms += [word[: -len(plural)] + one for plural, one in _PLURAL_ENDINGS if word.endswith(plural)]
    for form in forms:
        if form in PERSON_NOUNS:
            return form
    for form in forms:
        for k in range(COMPOUND_PART, len(form) - COMPOUND_PART + 1):
            if form[k:] in PERSON_NOUNS:
                return form
    return ""


def _counted(noun_stem: str, event: str, kind: str) -> tuple[str, str] | None:
    """What a count counts: ("people", its role or "" when generic), or (the noun's stem or the figure's kind,
    ""); None when a count with no noun has no event either (a bare number)."""
    person = _person_noun(noun_stem)
    if person:
        return "people", "" if person in GENERIC_PEOPLE else person
    if noun_stem in HOUSEHOLDS and event in POPULATION_EVENTS:
        return "people", ""
    if noun_stem in GATHERING_NOUNS:
        return "people", ""  # "a crowd of 41,200": the people in it
    if not noun_stem and event in PEOPLE_EVENTS:
        return "people", ""  # "more than a dozen were injured"
    if noun_stem:
        return noun_stem, ""
    return (kind, "") if event else None


def _locus(art: Article, fig: Figure) -> str:
    """The named place a count of people is restricted to, in the same clause right after it ("55 people died in
    Brenmoor state" -> "brenmoor"), or "" (a count with no such place may be the whole toll)."""
    if fig.sentence is None:
        return ""
    for m in sorted(art.mentions, key=lambda m: m.span.start):
        if m.label not in _PLACE_LABELS or m.span.start < fig.span.end or m.span.end > fig.sentence.end:
            continue
        between = art.text[fig.span.end : m.span.start]
        if len(between) <= LOCUS_WINDOW and _LOCUS_BEFORE.search(between):
            return last_word(m.text)
    return ""


def _named_subject(fig: Figure, sentence: str, doc: Doc | None) -> str:
    """Last word of the figure's verb's subject when it is a name ("the Hawks" -> "hawks"), else "".

    Only a name tells two holders apart ("the quake" does not). The subject's head is the root of its phrase in
    the stored parse ("The recall that Brightwell announced" -> "recall"), a name when it is a proper noun or in a
    named entity; an article without a parse names no subject."""
    if doc is None or not fig.subject or fig.sentence is None:
        return ""
    at = sentence.find(fig.subject)
    if at < 0:
        return ""
    span = doc.char_span(fig.sentence.start + at, fig.sentence.start + at + len(fig.subject), "expand")
    if span is None or not len(span):
        return ""
    root = span.root
    return last_word(root.text) if root.pos_ == "PROPN" or root.ent_type_ in _HOLDER_LABELS else ""


def _owner(fig: Figure, sentence: str, doc: Doc) -> tuple[frozenset[str], str]:
    """Whose a figure is: the words of the name its verb's subject gives and the name as written, from the parse
    ("Tallis Mills' shares fell 14 percent", "Shares of Tallis Mills fell", "Harlan stock rose" name their
    company), else none.

    The subject's head when it is a name, else a name that owns or qualifies it (a possessive, a compound, "of");
    a person is known by the last word of the name, anything else by its words (legal forms left out)."""
    none: tuple[frozenset[str], str] = (frozenset(), "")
    if not fig.subject or fig.sentence is None:
        return none
    at = sentence.find(fig.subject)
    if at < 0:
        return none
    span = doc.char_span(fig.sentence.start + at, fig.sentence.start + at + len(fig.subject), "expand")
    if span is None or not len(span):
        return none
    root = span.root
    candidates = [root] + [c for c in root.children if c.dep_ in ("poss", "compound", "nmod")]
    candidates += [g for c in root.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                   if g.dep_ == "pobj"]  # fmt: skip
    for tok in candidates:
        if tok.pos_ == "PROPN" or tok.ent_type_ in _HOLDER_LABELS:
            return _name_words(tok)
    return none


def _name_words(tok: Token) -> tuple[frozenset[str], str]:
    """The words a name is matched by, and the name as written: the entity (or proper-noun compound) a token is
    in, from its first letter ("16, 2025-- Harlan" is Harlan); for a person only the last word ("Jamal Pryce" and
    "Pryce" are one), else every word but legal forms ("Tallis Mills Inc." and "Tallis Mills" are one)."""
    doc = tok.doc
    ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None) if tok.ent_type_ else None
    if ent is not None:
        text, label = ent.text, ent.label_
    else:
        first = min([c.i for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"], default=tok.i)
        text, label = doc[first : tok.i + 1].text, ""
    text = re.sub(r"['\u2019]s?$", "", text)  # "Tallis Mills'" and "Harlan's" are Tallis Mills and Harlan
    text = re.sub(r"^[^A-Za-z]+", "", text)
    if label == "PERSON":
        return frozenset({last_word(text)} - {""}), text
    words = re.findall(r"[a-z]+", text.lower())
    return frozenset(w for w in words if w not in STOP_WORDS and w not in LEGAL_FORMS), text


def owners_differ(a: Reading, b: Reading) -> bool:
    """True when two readings name whose they are and the names share no word (Alden's grant, Dover's grant)."""
    return bool(a.owner and b.owner and not (a.owner & b.owner))


def _past_years(art: Article, sentence: str) -> frozenset[str]:
    """Years a sentence names before its article's year (the latest year the article names when undated)."""
    now = (art.published or "")[:4]
    if not now.isdigit():
        now = max(_YEAR.findall(art.text), default="")
    past = {y for y in _YEAR.findall(sentence) if now and y < now}
    if _EARLIER.search(sentence):
        past.add(EARLIER_MARK)  # "Just days before, another quake killed 35 people"
    return frozenset(past)


def last_word(name: str) -> str:
    """The last word of a name, lower case: how two mentions of one holder are matched ("Jamal Pryce", "Pryce")."""
    words = re.findall(r"[A-Za-z][A-Za-z-]*", re.sub(r"['\u2019]s\b", "", name))
    return words[-1].lower() if words else ""


def is_vague(r: Reading) -> bool:
    """True when a reading's number is a vague plural ("dozens", "hundreds of")."""
    return bool(VAGUE.search(r.fig.text))
