"""The merge of mentions across a story's articles into entities, and the lookup of a name among them.

:func:`merge_entities` builds one :class:`Entity` per person, organisation or place: a surname joins the full
name it belongs to (also when misspelt by one or two letters), "Justice Department" joins "Department of
Justice", and an acronym joins the name it abbreviates (from the initials, or from a definition in the text such
as "Immigration and Customs Enforcement (ICE)"), a short form joins the full name it shortens ("Harwick Foods"
of "Harwick Foods Market"), a plural its singular, and a country's names are one place ("Russia", "the Russian
Federation": text/lexicons/country_names.txt). Each name gets one type, the one most of its mentions have across
the corpus (:func:`type_votes`). :func:`add_story_mentions` adds the bare surnames of a story's known people the
model missed; :class:`EntityTable` finds the entity a written name refers to.

Example:
    >>> from storyline.model import Article, Mention, Span
    >>> a = Article(id="a", mentions=[Mention(Span(0, 14), "Dana Whitcombe", "PERSON"),
    ...                               Mention(Span(20, 29), "Whitcombe", "NORP")])
    >>> [(e.name, e.type, e.mentions) for e in merge_entities([a])]
    [('Dana Whitcombe', 'PERSON', 2)]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ..model import Article, Entity, Mention, Span
from ..text.datelines import DATED_DATELINE, DATELINE
from ..text.words import person_key, singular
from .entities import MIN_SURNAME_LETTERS, ORG_HEADS, TITLE_WORDS
from .names import (
    COUNTRY_KEYS,
    MAX_NAME_TYPOS,
    MIN_FULL_NAME_WORDS,
    acronyms_of,
    allowed_typos,
    edit_distance,
    fold_accents,
    fuzzy_surname,
    org_key,
    plural_pair,
    same_given_name,
    slug,
    surname,
)  # fmt: skip

# A given name may be misspelt by one letter ("Jonathon"/"Jonathan"), never two ("Francisca" is not "Frederick",
# though a long surname may have two typos): the distance is cut off above this, so the bound is this too.
GIVEN_NAME_TYPOS = 1
MIN_ACRONYM = 3  # two-letter initials are too ambiguous ("CT" is a state and a newspaper) unless defined in the text
MIN_SURNAME_OF_OTHER = 4  # a word the model typed otherwise is taken for a known surname from four letters on
# A name is not a person's when the model typed it otherwise more than this many times beyond typing it a person
# ("Corvane", "Fieldmart"); a surname typed NORP once or twice ("Whitcombe") still is.
PERSON_TYPING_SLACK = 2
# Common name forms of a few places, so "U.S." and "United States" are one entity.
PLACE_KEYS = {
    "u.s.": "united states", "us": "united states", "usa": "united states", "u.s.a.": "united states",
    "america": "united states", "united states of america": "united states",
    "u.k.": "united kingdom", "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
}  # fmt: skip


def _defined_acronyms(article: Article) -> dict[str, str]:
    """Acronyms the text defines: "Immigration and Customs Enforcement (ICE)", "..., or ICE," -> {ice: name}."""
    out = {}
    text = article.text
    # "SAN FRANCISCO (AP) — ...": the agency in a dateline is a wire credit, not the place's acronym
    credits = [
        (h.start(), h.end())
        for b in article.paragraph_spans()
        if (h := DATELINE.match(text, b.start, b.end) or DATED_DATELINE.match(text, b.start, b.end))
    ]
    for m in article.mentions:
        if m.label not in ("ORG", "GPE", "LOC", "FAC", "NORP") or " " not in m.text:
            continue
        if any(s <= m.span.start < e for s, e in credits):
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


def _typed_otherwise(counts: Counter[str]) -> bool:
    """True when the model typed a name as something else far more often than as a person."""
    return counts["PERSON"] + PERSON_TYPING_SLACK < sum(counts.values()) - counts["PERSON"]


def _vote(counts: Counter[str], label: str) -> str:
    """The type most mentions of a name have across the corpus (the parse's evidence is in the labels), else
    ``label``: one name is one type, not a person here and a place there. A tie between PERSON and another type
    goes to the other: the small model types almost any unknown capitalised word a person (seen on the tune
    half of the dev pages: a film title, a shop, a one-word headline), so its PERSON is the weaker vote."""
    if not counts:
        return label
    top = max(counts, key=lambda lab: (counts[lab], lab != "PERSON", lab == label))
    return top if counts[top] >= counts[label] else label


def type_votes(articles: Iterable[Article]) -> dict[str, Counter[str]]:
    """Lowercased name -> how many of its mentions have each type, over these articles (duplicates too: a copy
    is another outlet printing the name)."""
    return votes_of((m.text, m.label, 1) for a in articles for m in a.mentions)


def votes_of(forms: Iterable[tuple[str, str, int]]) -> dict[str, Counter[str]]:
    """:func:`type_votes` from (written form, label, mentions) counts in the order the corpus first meets them
    (what :meth:`storyline.store.Store.mention_forms` answers): the same counts, in the same order."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for form, label, n in forms:
        votes[form.lower()][label] += n
    return dict(votes)


def _comes_after(short: _Cluster, full: _Cluster) -> bool:
    """True when some article names ``full`` first and ``short`` later."""
    first_full: dict[str, int] = {}
    for art, m in full.mentions:
        first_full[art.id] = min(first_full.get(art.id, m.span.start), m.span.start)
    return any(art.id in first_full and m.span.start > first_full[art.id] for art, m in short.mentions)


def _majority_other(counts: Counter[str]) -> str:
    """The model's most frequent label of a name other than PERSON."""
    return next(lab for lab, _ in counts.most_common() if lab != "PERSON")


def _same_name(first: str, last: str, f2: str, l2: str) -> bool:
    """Whether two (first name, surname) keys name one person: same or misspelt surname, same or short first name."""
    if abs(len(l2) - len(last)) > MAX_NAME_TYPOS:
        return False
    same_last = l2 == last or edit_distance(l2, last, MAX_NAME_TYPOS) <= min(allowed_typos(l2), allowed_typos(last))
    if not same_last or plural_pair(l2, last):  # "Ann Williams" and "Ann William" are two people
        return False
    return (
        same_given_name(f2.rstrip("."), first.rstrip("."))  # "Bob Harlow" is "Robert Harlow"
        or f2.startswith(first)
        or first.startswith(f2)
        or (
            edit_distance(f2, first, GIVEN_NAME_TYPOS)
            <= min(allowed_typos(f2), allowed_typos(first), GIVEN_NAME_TYPOS)
            and not plural_pair(f2, first)
        )
    )


class _Merger:
    """The merge of several articles' mentions: full person names first, then single words, then acronyms."""

    def __init__(self, articles: Sequence[Article], votes: Mapping[str, Counter[str]] | None = None) -> None:
        self.articles = articles
        self.items = [(a, m) for a in articles for m in a.mentions]
        # how each name was typed across the corpus (``votes``), or else across these articles
        local = type_votes(articles)
        corpus = votes or {}
        self.typed: dict[str, Counter[str]] = defaultdict(Counter, {n: corpus.get(n) or c for n, c in local.items()})
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
            first, last = person_key(m.text)
            cluster = self._known_person(m.text, first, last)
            if cluster is None:
                cluster = _Cluster("PERSON")
                self.persons.append(cluster)
                self.by_surname[last].append(cluster)
            self.by_full[(first, last)] = cluster
            self.by_letter[last[:1]][(first, last)] = cluster
            cluster.add(art, m)

    def add_known(self, known: Mapping[str, str]) -> None:
        """1b. A surname said alone with no full name in these articles, but the one full name the corpus knows
        for it ("Whitcombe" -> "Dana Whitcombe"): an empty cluster under that name the surname then joins."""
        alone = {m.text.lower() for _, m in self.items if " " not in m.text}
        for low, full in known.items():
            first, last = person_key(full)
            if low not in alone or self.by_surname.get(last):
                continue
            cluster = _Cluster("PERSON")
            cluster.forms[full] = 0  # named by the corpus, mentioned here only by surname
            self.persons.append(cluster)
            self.by_surname[last].append(cluster)
            self.by_full[(first, last)] = cluster
            self.by_letter[last[:1]][(first, last)] = cluster

    def _add_single(self, art: Article, m: Mention) -> None:
        """A one-word mention: a surname of a known person (whatever label the model gave), else its own."""
        plausible = True
        counts = self.typed[m.text.lower()]
        if " " not in m.text:
            # a word mostly typed as an organisation or place ("Corvane") is not taken for a person's surname:
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
        person = self.by_full.get(person_key(m.text)) if " " in m.text else None
        if person is not None and m.text in person.forms and counts["PERSON"] >= counts[m.label]:
            m.label = "PERSON"  # a full name typed a person as often as otherwise: the person's
            person.add(art, m)
            return
        m.label = _vote(counts, m.label)
        if m.label == "PERSON":
            key = m.text.lower()
            if " " not in m.text and m.text[:1].isupper():
                key = fuzzy_surname(m.text, self.singles) or key
            self.singles.setdefault(key, _Cluster("PERSON")).add(art, m)
            return
        low = fold_accents(m.text).lower()
        key = org_key(low)
        if m.label in ("GPE", "LOC"):
            key = PLACE_KEYS.get(low) or COUNTRY_KEYS.get(low) or key
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
                for a in {x for f in c.forms for x in acronyms_of(f)}:
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

    def join_short_forms(self) -> None:
        """5. The short form of an organisation's name joins the full name it shortens: the same name without
        its last words or without a place in front ("Harwick Foods Market" -> "Harwick Foods", "Tolven Power
        Authority" -> "Power Authority"), or written without its spaces and hyphens ("Lum-Air" / "LumAir"). As a
        reporter names a body in full first and shortly after, the short form must come later than the full
        name in an article that has both, and the full name must be the only one it shortens; one word is the
        short form only of itself and head nouns ("Harwick Group"), never of "Harwick Air"."""
        others = self.others
        places = {k for k, c in others.items() if c.labels.keys() & {"GPE", "LOC"}}
        compact: dict[str, list[str]] = defaultdict(list)
        for key in others:
            compact[re.sub(r"[\s-]+", "", key)].append(key)
        longer: dict[str, set[str]] = defaultdict(set)
        for key, c in others.items():
            words = key.split()
            if "ORG" not in c.labels:
                continue
            for k in range(1, len(words)):
                if k > 1 or all(w in ORG_HEADS for w in words[k:]):  # "Harwick" of "Harwick Group", not "Harwick Air"
                    longer[" ".join(words[:k])].add(key)  # without its last words
                if " ".join(words[:k]) in places:
                    longer[" ".join(words[k:])].add(key)  # without a place in front
        for short in list(longer):
            fulls = longer[short]
            if len(fulls) != 1 or short not in others or "ORG" not in others[short].labels:
                continue
            full = next(iter(fulls))
            if full in others and full != short and _comes_after(others[short], others[full]):
                for art, m in others.pop(short).mentions:
                    others[full].add(art, m)
        for group in compact.values():
            alive = sorted((k for k in group if k in others), key=lambda k: -len(others[k].mentions))
            for key in alive[1:]:  # spelt with and without its spaces or hyphens: one name, whichever comes first
                for art, m in others.pop(key).mentions:
                    others[alive[0]].add(art, m)

    def join_plurals(self) -> None:
        """4. A name in the plural joins the same name in the singular ("Lumaphones" -> "Lumaphone"); persons are
        never folded ("Williams" is not "William")."""
        others = self.others
        for key in list(others):
            words = key.split()
            if not words or not words[-1].isalpha():
                continue
            one = " ".join([*words[:-1], singular(words[-1])])
            if one != key and one in others and others[one].labels.keys() & others[key].labels.keys():
                for art, m in others.pop(key).mentions:
                    others[one].add(art, m)

    def entities(self) -> list[Entity]:
        """The entity records, in the order their clusters were made."""
        clusters = self.persons + list(self.singles.values()) + list(self.others.values())
        return [_entity(c) for c in clusters if c.mentions]


def merge_entities(
    articles: Sequence[Article],
    known: Mapping[str, str] | None = None,
    votes: Mapping[str, Counter[str]] | None = None,
) -> list[Entity]:
    """Merge the mentions of several articles into entities; sets ``mention.entity`` on every article.

    Duplicate articles (``duplicate_of`` set) get entity ids but do not add to mention or article counts.
    ``known`` maps a lowercased surname to the one full name the corpus knows for it (:func:`known_surnames`):
    a surname said alone where no full name of it appears joins that name. ``votes`` (:func:`type_votes` of the
    corpus) gives each name the type most of its mentions have in the corpus, else in these articles.
    """
    merger = _Merger(articles, votes)
    merger.add_full_names()
    if known:
        merger.add_known(known)
    defined = merger.defined_acronyms()
    merger.add_the_rest()
    merger.join_acronyms(defined)
    merger.join_plurals()
    merger.join_short_forms()
    return merger.entities()


def known_surnames(articles: Iterable[Article]) -> dict[str, str]:
    """Lowercased surname -> full person name, for surnames only one person of these articles bears (the most
    written form of that name); a surname two people share ("Williams") is left out."""
    return known_of((m.text, m.label, 1) for a in articles for m in a.mentions)


def known_of(forms: Iterable[tuple[str, str, int]]) -> dict[str, str]:
    """:func:`known_surnames` from (written form, label, mentions) counts in the order the corpus first meets
    them (what :meth:`storyline.store.Store.person_forms` answers for the surnames asked about)."""
    names: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    forms_of: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for form, label, n in forms:
        if label == "PERSON" and len(form.split()) >= MIN_FULL_NAME_WORDS and form[:1].isupper():
            key = person_key(form)
            names[key[1]][key] += n
            forms_of[key][form] += n
    out = {}
    for last, people in names.items():
        best = max(people, key=people.__getitem__)
        # "Jeff" and "Jefferson" are one man (one first name starts the other); "John" and "Jane" are two
        one = all(f.startswith(best[0]) or best[0].startswith(f) or same_given_name(f, best[0]) for f, _ in people)
        if one and len(last) >= MIN_SURNAME_LETTERS:
            out[last] = forms_of[best].most_common(1)[0][0]
    return out


def drop_ordinary_words(articles: Sequence[Article], words: Sequence[set[str]] | None = None) -> None:
    """Drop one-word mentions that are ordinary words of the story: written in lower case in its articles and
    capitalised only where any word is (a sentence's or line's head: "Turnout was ...", "Economists say ..."),
    never after a lower-case word or a comma. A word of a longer name of the story ("Marsh" of "Ada
    Marsh") is kept. ``words``: :func:`lower_words` of each article, when the caller has them."""
    texts = [a.text for a in articles]
    lower = set().union(*(words if words is not None else (lower_words(t) for t in texts)))
    in_names = {w.lower() for a in articles for m in a.mentions if " " in m.text for w in m.text.split()}
    # every whole word written after a lower-case word, a comma or a semicolon (and not before a hyphen)
    mid = {w for t in texts for w in _MID_WORD.findall(t)}

    def ordinary(word: str) -> bool:
        low = word.lower()
        return low in lower and low not in in_names and word not in mid

    for a in articles:
        a.mentions = [m for m in a.mentions if " " in m.text or not m.text.isalpha() or not ordinary(m.text)]


def lower_words(text: str) -> set[str]:
    """The words of a text written in lower case (two letters or more)."""
    return set(_LOWER_WORD.findall(text))


def add_story_mentions(articles: Sequence[Article], words: Sequence[set[str]] | None = None) -> None:
    """Add mentions of a story's known people the model missed in some article: a bare surname ("Ivers"), also
    misspelt ("Ivvers"), when the capitalised word is not an ordinary word of the text. ``words``:
    :func:`lower_words` of each article, when the caller has them."""
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
    for k, art in enumerate(articles):
        text = art.text
        ranges = [
            (x.span.start, x.span.end)
            for x in art.sentences
            if x.paragraph < len(art.paragraphs) and art.paragraphs[x.paragraph].analysed
        ]
        covered = [(m.span.start, m.span.end) for m in art.mentions]
        lowers = words[k] if words is not None else lower_words(text)
        added = []
        for w in _CAP_WORD.finditer(text):
            word, s, e = w.group(0), w.start(), w.end()
            low = word.lower()
            exact = low in surnames
            if not exact and (low in lowers or fuzzy_surname(low, surnames, memo) is None):
                continue
            before = text[max(0, s - 3) : s].strip()
            sentence_start = not before or before[-1] in '.!?"\u201c\u2018'
            if exact and sentence_start and low in lowers:
                continue  # "Rivers rose overnight..." is the ordinary word
            if any(a < e and s < b for a, b in covered) or not any(a <= s < b for a, b in ranges):
                continue
            added.append(Mention(Span(s, e), word, "PERSON"))
            covered.append((s, e))
        if added:
            art.mentions = sorted(art.mentions + added, key=lambda m: m.span.start)


_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")
# a whole word after a lower-case word, a comma or a semicolon and a space: \w+ cannot stop inside a word, as
# the lookahead refuses a word character, nor before a hyphen ("mid-Tolva" is a compound)
_MID_WORD = re.compile(r"(?<=[a-z,;] )\w+(?![\w-])")
_CAP_WORD = re.compile(r"(?<![\w-])[A-Z][a-z]{2,}(?![\w-])")


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
        >>> t = EntityTable([Entity("person:dana-whitcombe", "Dana Whitcombe", "PERSON", ["Dana Whitcombe"])])
        >>> t.lookup("Attorney General Whitcombe")
        'person:dana-whitcombe'
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
