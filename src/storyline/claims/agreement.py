"""Agreement and conflict between outlets: which figures and claims of a story are reported by how many
independent sources, where outlets give different values for the same thing, and where a later report
updates a growing tally.

A figure is keyed by WHAT it counts: the event its sentence attaches it to (injured, killed, evacuated,
recalled... from a small lexicon of news predicates, see :data:`EVENTS`) and a coarse class of the counted noun
(person nouns -> "people", money, percent, others by their stem). "14 workers were injured" and "Sixteen people
were hurt" are then the same measure; "He has scored 19 goals" and "Pryce, who has scored 16 goals" are not
the same claim because they name different holders. A count of people restricted to a named place ("55 people
died in Morelos") is another measure than the whole toll; a reading on a scale ("magnitude 6.8") is its own
measure, disputed only by a close reading (:data:`SCALE_SPREAD`); a figure set in a past year or "days before"
disputes only figures of the same time frame.

A syndicated copy (``duplicate_of`` set) is one source with the article it copies: it is listed among the
sources of a value but never makes a claim look better supported than it is.

Example:
    >>> from storyline.model import Article, Figure, Paragraph, Span
    >>> def report(aid, n, noun, verb):
    ...     text = f"Police said {n} {noun} were {verb} in the blast."
    ...     art = Article(id=aid, paragraphs=[Paragraph(text)], published="2025-09-25")
    ...     art.figures = [Figure(aid, Span(12, 14), str(n), n, noun, measure=noun, sentence=Span(0, len(text)))]
    ...     return art
    >>> [(c.status, [v["sources"] for v in c.values]) for c in figure_claims([report("a", 14, "workers", "injured"),
    ...                                                                       report("b", 16, "people", "hurt")])]
    [('conflict', [['a'], ['b']])]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..model import Article, Citation, Claim, Figure, Story
from ..text.lexicon import load
from ..text.similarity import cosine
from ..text.unionfind import UnionFind
from ..text.words import NUMBER_WORDS, STOP_WORDS, stem, terms
from .contradictions import date_conflicts, outcome_conflicts

if TYPE_CHECKING:
    from spacy.tokens import Doc

Status = Literal["agree", "conflict", "updated", "single_source"]

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
# Two readings on one scale are estimates of one event only when they lie this close. Agencies' magnitudes of one
# quake rarely differ by more than 0.3 (different station networks), while the largest aftershock is on average
# 1.2 below its main shock (Bath's law) and a story's other quakes (a past disaster, a recent one elsewhere) differ
# more still; 0.5 keeps agencies' estimates together and other quakes apart. On a whole-step scale (a hurricane's
# category) it means readings never conflict: a storm's category changes as it strengthens or weakens.
SCALE_SPREAD = 0.5
# Years mentioned in a figure's sentence before its article's year place it in a past event ("a magnitude 8.0
# quake killed nearly 10,000 people in 1985"); a figure only disputes one of the same time frame.
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# A sentence set before the story's own time by a relative phrase is about an earlier event. "days after" is left
# out: follow-up reports say "two days after the quake, the toll rose to 14".
_EARLIER = re.compile(
    r"\b(?:days|weeks|months|years) (?:before|earlier|ago)\b|\b(?:last|previous) (?:week|month|year)\b"
    r"|\bearlier this (?:week|month|year)\b",
    re.IGNORECASE,
)
# Words the figure reader may leave as the "counted noun" that only scale the number.
_SCALE_NOUNS = {"dozen", "hundred", "thousand", "million", "billion", "trillion", "percent", "score"}

# How close two values must be to agree. Exact figures agree only when equal. "about/roughly X" claims X to the
# precision it is written at: "about 2,300" covers 2,250-2,350, so "roughly 2,500" differs and "about 42,000"
# does not cover 41,200 (a flat 15% tolerance hid three of the five designed conflicts of the demo corpus).
# "nearly/almost/up to X" covers the 15% below X (15%: "nearly two dozen" covers 23), "more than/over/at least X"
# covers up to the next step of its precision or 25% above, whichever is more ("more than 200" covers 220).
BELOW_SHARE = 0.15
ABOVE_SHARE = 0.25
_BELOW = re.compile(
    r"\b(nearly|almost|up to|as many as|less than|fewer than|under|just under|close to)\b", re.IGNORECASE
)
_ABOVE = re.compile(r"\b(more than|over|at least|upwards of|just over|in excess of)\b", re.IGNORECASE)
_VAGUE = re.compile(r"\b(dozens|scores|hundreds|thousands|millions|billions|tens)\b", re.IGNORECASE)
# Two outlets disagreeing on one count rarely differ by more than this factor; a value below half the other is
# usually a part of it ("two of the 14 injured", "four of the 31 ships"), not another report of it.
MAX_RATIO = 2.0
# Two values of one measure are a conflict only when the sentences giving them say the same kind of thing:
# cosine of their content words (numbers left out). With a known event and a compatible holder the event has
# already said what is counted, so a little shared context suffices (0.1: "injured 14 workers" in a long lead
# and "Sixteen people were hurt" share only the blast and the place); without an event, or when neither sentence
# names a holder for a holder-bound measure (goals, fines), the sentences must say alike (0.35).
# People counted in an event in two differently named places ("in southwest Kansas" / "Tallis County") may be one
# count named at two scales, or two places' counts: the sentences must share more (0.25, the threshold that
# separated "three states" from "nearly two dozen states and cities" on the team's sets).
CONTEXT_KNOWN = 0.1
CONTEXT_PLACES = 0.25
CONTEXT_UNKNOWN = 0.35
# A measure of more than three words ("money for the new bridge") is a clause, not a label a table row can show.
MEASURE_WORDS = 3
# A measure opening with a determiner names one thing ("the bridge's cost"), not a kind of amount (closed class).
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that"})
# When a story has few agreed or disputed figures, this many single-source figures are still shown, by salience.
SINGLE_ROWS = 8
_PRONOUN = re.compile(r"\b(he|she|his|her)\b", re.IGNORECASE)
_HOLDER_LABELS = ("PERSON", "ORG", "GPE")
# A place restricting a count follows it in the same clause: "died in Port Lindell", "were killed in coastal
# Morelos" (40 characters: the counted noun, a predicate and "in"); a comma or "while" starts another clause.
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


@dataclass
class _Reading:
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
    locus: str = ""  # people counted "in" a named place right after the count ("55 people died in Morelos")
    subject: str = ""  # last word of the named subject of the figure's verb ("the Indians scored 3 runs"), or ""
    past: frozenset[str] = frozenset()  # years named in the sentence before the article's own year
    pos: int = 0  # order of the article in the story (sources are listed in this order)
    qualifier: str = ""  # what the figure is a share or part of ("of republicans", "part"), "" for a whole

    @property
    def group(self) -> str:
        """The independent source of this reading."""
        return _group_of(self.art)


def _group_of(article: Article) -> str:
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
    if _VAGUE.search(fig.text):
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
        _last_word(q.speaker_name)
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
        last = _last_word(m.text)
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


def _read(fig: Figure, art: Article, doc: Doc | None = None) -> _Reading | None:
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
    return _Reading(
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
    )


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
    Morelos state" -> "morelos"), or "" (a count with no such place may be the whole toll)."""
    if fig.sentence is None:
        return ""
    for m in sorted(art.mentions, key=lambda m: m.span.start):
        if m.label not in _PLACE_LABELS or m.span.start < fig.span.end or m.span.end > fig.sentence.end:
            continue
        between = art.text[fig.span.end : m.span.start]
        if len(between) <= LOCUS_WINDOW and _LOCUS_BEFORE.search(between):
            return _last_word(m.text)
    return ""


def _named_subject(fig: Figure, sentence: str, doc: Doc | None) -> str:
    """Last word of the figure's verb's subject when it is a name ("the Indians" -> "indians"), else "".

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
    return _last_word(root.text) if root.pos_ == "PROPN" or root.ent_type_ in _HOLDER_LABELS else ""


def _past_years(art: Article, sentence: str) -> frozenset[str]:
    """Years a sentence names before its article's year (the latest year the article names when undated)."""
    now = (art.published or "")[:4]
    if not now.isdigit():
        now = max(_YEAR.findall(art.text), default="")
    past = {y for y in _YEAR.findall(sentence) if now and y < now}
    if _EARLIER.search(sentence):
        past.add("earlier")  # "Just days before, another quake killed 35 people"
    return frozenset(past)


def _same_value(a: _Reading, b: _Reading) -> bool:
    """True when two readings give the same value: one's value lies in what the other's wording allows."""
    va, vb = a.fig.value, b.fig.value
    return va == vb or a.low <= vb <= a.high or b.low <= va <= b.high


def _last_word(name: str) -> str:
    """The last word of a name, lower case: how two mentions of one holder are matched ("Jamal Pryce", "Pryce")."""
    words = re.findall(r"[A-Za-z][A-Za-z-]*", re.sub(r"['\u2019]s\b", "", name))
    return words[-1].lower() if words else ""


def _disputes(a: _Reading, b: _Reading) -> str:
    """How two readings from different sources relate: "same" when they give their values for one thing,
    "places" when they may be one count named at two places' scales (an update at most), "" when unrelated."""
    if a.group == b.group or _same_value(a, b) or a.past != b.past or a.qualifier != b.qualifier:
        return ""  # a part or one group's share is another measure than the whole ("62% of Republicans")
    if _VAGUE.search(a.fig.text) or _VAGUE.search(b.fig.text):
        return ""  # "scores of people" bounds a count too loosely to dispute "22 people"
    if a.cls.startswith("scale:"):
        # one event rated by two sources: close readings on the same scale (the scale names what is rated)
        return "same" if abs(a.fig.value - b.fig.value) <= SCALE_SPREAD else ""
    if a.cls != "people" and a.subject and b.subject and a.subject != b.subject:
        return ""  # "the Hawks scored two runs" vs "the Rovers scored 3 runs": two named holders
    lo, hi = sorted((abs(a.fig.value), abs(b.fig.value)))
    if lo == 0 or hi / lo > MAX_RATIO:
        return ""
    if a.role and b.role and a.role != b.role:
        return ""
    if (a.pronoun and b.holders) or (b.pronoun and a.holders):
        return ""  # "he has scored 19" vs "Pryce, who has scored 16": cannot tell they are one person
    shared = bool(a.holders & b.holders)
    clash = bool(a.holders and b.holders and not shared)
    if a.cls == "people":
        if not a.event:
            need = CONTEXT_UNKNOWN
        else:
            need = CONTEXT_PLACES if clash else CONTEXT_KNOWN
    elif a.cls.startswith("money") or a.cls == "percent":
        # amounts and shares abound in one story ("$13.7 billion", "$500 million"): only the same holder's
        # amount for the same event is one thing
        subject = _last_word(a.holder_name)
        if not (a.event and subject and subject == _last_word(b.holder_name)):
            return ""
        need = CONTEXT_KNOWN
    elif shared:
        need = CONTEXT_KNOWN if a.event else CONTEXT_UNKNOWN
    elif a.holders or b.holders:
        return ""  # a holder-bound count (goals, runs, votes) named for one side only, or for different holders
    else:
        need = CONTEXT_UNKNOWN
    if cosine(a.context, b.context) < need:
        return ""
    return "places" if clash else "same"


def _value_clusters(readings: list[_Reading]) -> list[list[_Reading]]:
    """Readings of one measure split into groups that give the same value.

    The most precise readings anchor the groups; a vague one ("more than a dozen") joins the one group whose
    anchor it agrees with, and stays apart when it agrees with several (it supports both, bridges neither)."""
    clusters: list[list[_Reading]] = []
    for r in sorted(readings, key=lambda r: (r.high - r.low, r.fig.value)):
        fits = [cl for cl in clusters if _same_value(r, cl[0])]
        if len(fits) == 1:
            fits[0].append(r)
        else:
            clusters.append([r])
    clusters.sort(key=lambda cl: cl[0].fig.value)
    return clusters


def _value_record(cluster: list[_Reading]) -> dict[str, Any]:
    """One reported value: the value most sources give, its wording, its sources, outlets and earliest date."""
    cluster = sorted(cluster, key=lambda r: r.pos)
    values = Counter(r.fig.value for r in cluster)
    texts = Counter(r.fig.text for r in cluster)
    dates = sorted(r.art.published for r in cluster if r.art.published)
    return {
        "value": values.most_common(1)[0][0],
        "text": texts.most_common(1)[0][0],
        "sources": list(dict.fromkeys(r.art.id for r in cluster)),
        "outlets": list(dict.fromkeys(r.art.outlet or r.art.id for r in cluster)),
        "independent": len({r.group for r in cluster}),
        "as_of": dates[0] if dates else None,
    }


def _label(readings: list[_Reading]) -> str:
    """How a claim is named in a report: what is counted ("workers", "Pryce: goals", "grant money"); the event
    ("injured") is the claim's ``predicate``."""
    first = readings[0]
    nouns = Counter(r.noun for r in readings if r.noun)
    if first.cls == "people" and len({stem(n.split()[-1]) for n in nouns if n.split()}) > 1:
        noun = "people"
    elif nouns:
        noun = nouns.most_common(1)[0][0]
    else:
        noun = (
            "people" if first.cls == "people" else {"money": "amount", "percent": "share"}.get(first.fig.kind, "number")
        )
    if first.fig.kind in ("money", "percent"):
        noun = next((m for r in readings if (m := _plain_measure(r.fig.measure))), noun)
    label = noun
    common = frozenset.intersection(*(r.holders for r in readings))
    names = Counter(r.holder_name for r in readings if r.holder_name)
    if first.cls != "people" and len(common) == 1 and all(r.holders == common for r in readings) and names:
        label = f"{names.most_common(1)[0][0]}: {label}"
    return label


def _plain_measure(measure: str | None) -> str:
    """A figure's measure when it is a short plain noun phrase ("grant money"), else "" (a clause, a name)."""
    if not measure or re.search(r"\d", measure):
        return ""
    words = measure.split()
    if len(words) > MEASURE_WORDS or words[0].lower() in _DETERMINERS:
        return ""
    return measure if measure[0].islower() else ""


def _claims_of(readings: list[_Reading]) -> list[Claim]:
    """The claims of one measure: agreed values, conflicts between outlets, and updates over time."""
    clusters = _value_clusters(readings)
    n = len(clusters)
    groups = [{r.group for r in cl} for cl in clusters]
    edges: dict[tuple[int, int], Status] = {}
    for i in range(n):
        for j in range(i + 1, n):
            only_i, only_j = groups[i] - groups[j], groups[j] - groups[i]
            # an article giving both values ("14 injured, 16 counting the driver") reports two things
            if not only_i or not only_j:
                continue
            ri = [r for r in clusters[i] if r.group in only_i]
            rj = [r for r in clusters[j] if r.group in only_j]
            kinds = {_disputes(a, b) for a in ri for b in rj} - {""}
            when = _over_time(ri, rj) if kinds else "conflict"
            # counts named for different places are never a disagreement; at most a later count of the same tally
            if "same" in kinds or (kinds and when == "updated"):
                edges[(i, j)] = when
    # disputed clusters form one claim, closest values first, as long as every value of the claim stays within
    # MAX_RATIO of every other: a chain of pairwise disputes (22 vs 26, 26 vs 42, ... 149 vs 217) would otherwise
    # join counts of different places and parts into one row
    uf = UnionFind(range(n))
    span = {k: (min(r.fig.value for r in cl), max(r.fig.value for r in cl)) for k, cl in enumerate(clusters)}
    for i, j in sorted(edges, key=lambda e: _ratio(clusters[e[0]][0].fig.value, clusters[e[1]][0].fig.value)):
        root_i, root_j = uf.find(i), uf.find(j)
        if root_i == root_j:
            continue
        lo, hi = min(span[root_i][0], span[root_j][0]), max(span[root_i][1], span[root_j][1])
        if _ratio(lo, hi) > MAX_RATIO:
            continue
        uf.union(i, j)
        span[uf.find(i)] = (lo, hi)
    out = []
    for members in uf.groups():
        records = [_value_record(clusters[k]) for k in members]
        label = _label([r for k in members for r in clusters[k]])
        if len(members) == 1:
            status: Status = "single_source" if records[0]["independent"] <= 1 else "agree"
        else:
            kinds = {s for (i, j), s in edges.items() if i in members and j in members}
            status = "conflict" if "conflict" in kinds else "updated"
            if status == "updated":
                records.sort(key=lambda r: (r["as_of"] or "", r["value"]))
        event = next((r.event for k in members for r in clusters[k] if r.event), None)
        out.append(Claim(subject=label, values=records, kind="figure", status=status, predicate=event))
    return out


def _ratio(a: float, b: float) -> float:
    """How many times the larger of two values is the smaller (infinite when one is zero)."""
    lo, hi = sorted((abs(a), abs(b)))
    return hi / lo if lo else math.inf


def _over_time(a: list[_Reading], b: list[_Reading]) -> Status:
    """Status of two disputed values: "updated" when every report of one is dated before every report of the
    other, else "conflict"."""
    da = [r.art.published or "" for r in a]
    db = [r.art.published or "" for r in b]
    if not all(da) or not all(db):
        return "conflict"  # undated: cannot tell an update from a disagreement
    return "updated" if max(da) < min(db) or max(db) < min(da) else "conflict"


def _salience(claim: Claim, readings: dict[str, list[_Reading]], summary: Sequence[Citation]) -> float:
    """How much a single-source figure is worth showing: stated in the brief, in a lead paragraph, with an event."""
    score = 0.0
    for r in readings.get(claim.subject, []):
        if r.art.id not in claim.values[0]["sources"]:
            continue
        if any(c.article == r.art.id and c.span and c.span.start <= r.fig.span.start < c.span.end for c in summary):
            score = max(score, 2.0)
        para = next((k for k, sp in enumerate(r.art.paragraph_spans()) if sp.start <= r.fig.span.start <= sp.end), 99)
        score = max(score, (1.0 if para <= 1 else 0.0) + (0.5 if r.event else 0.0))
    return score


def figure_claims(
    articles: Sequence[Article], summary: Sequence[Citation] = (), docs: Mapping[str, Doc] | None = None
) -> list[Claim]:
    """Claims about the story's figures: disputed and updated ones first, then those several outlets agree on,
    then at most a few salient single-source figures (those in the brief's ``summary`` or in lead paragraphs)."""
    by_key: dict[tuple[str, str, str], list[_Reading]] = {}
    seen: set[tuple[str, int]] = set()
    for pos, art in enumerate(articles):
        for fig in art.figures:
            if (art.id, fig.span.start) in seen or not art.paragraphs:
                continue
            seen.add((art.id, fig.span.start))
            r = _read(fig, art, (docs or {}).get(art.id))
            if r is not None:
                r.pos = pos
                by_key.setdefault((r.cls, r.event, r.locus), []).append(r)
    out = [claim for readings in by_key.values() for claim in _claims_of(readings)]
    rank = {"conflict": 0, "updated": 1, "agree": 2, "single_source": 3}
    shown = [c for c in out if c.status != "single_source"]
    singles = [c for c in out if c.status == "single_source"]
    sal = {id(c): _salience(c, _readings_by_claim(c, by_key), summary) for c in singles}
    singles = [c for c in singles if sal[id(c)] > 0]
    singles.sort(key=lambda c: (-sal[id(c)], c.subject))
    shown.sort(key=lambda c: (rank[c.status], -max(v["independent"] for v in c.values), c.subject))
    return shown + singles[: max(0, SINGLE_ROWS - len(shown))]


def _readings_by_claim(claim: Claim, by_key: dict[tuple[str, str, str], list[_Reading]]) -> dict[str, list[_Reading]]:
    """The readings behind a claim's values, keyed by the claim's label (for :func:`_salience`)."""
    sources = {s for v in claim.values for s in v["sources"]}
    values = {v["value"] for v in claim.values}
    hits = [r for rs in by_key.values() for r in rs if r.art.id in sources and r.fig.value in values]
    return {claim.subject: hits}


def summary_claims(story: Story, articles: Sequence[Article]) -> list[Claim]:
    """The brief's sentences as key claims: how many independent outlets state each, single-source ones marked."""
    by_id = {a.id: a for a in articles}
    out = []
    for cit in story.summary:
        arts = [by_id[s] for s in cit.sources if s in by_id]
        groups = {_group_of(a) for a in arts} or set(cit.sources)
        record = {
            "value": None,
            "text": cit.text,
            "sources": list(cit.sources),
            "outlets": list(dict.fromkeys(a.outlet or a.id for a in arts)),
            "independent": len(groups),
        }
        out.append(
            Claim(
                subject=cit.text, values=[record], kind="claim", status="agree" if len(groups) > 1 else "single_source"
            )
        )
    return out


def claims(story: Story, articles: Sequence[Article], docs: Mapping[str, Doc] | None = None) -> list[Claim]:
    """Every claim of a story: its figures (conflicts first), then the key claims of its brief; ``docs`` are the
    articles' stored parses by id (optional)."""
    found = figure_claims(articles, story.summary, docs)
    if docs:
        found = date_conflicts(articles, docs) + outcome_conflicts(articles, docs) + found
    return found + summary_claims(story, articles)
