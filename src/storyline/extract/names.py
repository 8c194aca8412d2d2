"""Names as the merge compares them: surnames, misspellings, organisation keys, acronyms, slugs.

Pure functions over strings, shared by the per-article repair (:mod:`.entities`), the quotes and the merge
(:mod:`.merge`).

Example:
    >>> surname("Martin Luther King Jr."), fuzzy_surname("whitcommbe", ["whitcombe"])
    ('king', 'whitcombe')
    >>> org_key("the U.S. Department of Justice"), sorted(acronyms_of("Department of Justice"))
    ('justice department', ['dj', 'doj'])
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from ..text.lexicon import load

MIN_FULL_NAME_WORDS = 2  # "Dana Whitcombe"; one word is a surname, a given name or a single name
ONE_TYPO_FROM, TWO_TYPOS_FROM = 5, 9  # letters from which a misspelt name may differ by one letter, by two
MIN_ACRONYM_LETTERS = 2  # the initials of a name of two words or more
MAX_SPELT_LETTERS = 3  # "US", "EU", "UAE" in a name are read letter by letter in its acronym; "NASA" is a word
# Names met again and again while merging (every mention, every lookup of a speaker) go through pure functions
# that are cached: this many entries, about the distinct (form, label) pairs of the 20k-article test store (50k).
NAME_CACHE = 1 << 16
MAX_NAME_TYPOS = 2  # the most letters a misspelt name may differ by (allowed_typos of a name of 9 letters or more)
_ORG_PREFIX = re.compile(r"^(?:the\s+)?(?:u\.s\.|us|united states|federal)\s+", re.IGNORECASE)
_SMALL = {"of", "and", "for", "the", "on", "in", "&", "at", "to"}


def _nickname_pairs() -> frozenset[tuple[str, str]]:
    """(given name, nickname) pairs of text/lexicons/nicknames.txt, both ways round."""
    pairs = [tuple(line.split()) for line in load("nicknames")]
    return frozenset((a, b) for a, b in pairs) | frozenset((b, a) for a, b in pairs)


NICKNAMES = _nickname_pairs()
GIVEN_NAMES = frozenset(name for pair in NICKNAMES for name in pair)  # every given name and nickname of that data


# A pet form built on the start of a given name with "-y" or "-ie" ("Terry" of "Terrence", "Kenny" of "Kenneth"):
# the nicknames data lists the common pairs, not every name such a form is made from. The stem must keep three
# letters, so "Al" + "-ie" or "Ed" + "-y" are not read into any name starting "Al" or "Ed".
DIMINUTIVE_ENDINGS = ("ie", "y")
MIN_DIMINUTIVE_STEM = 3


def _diminutive_of(pet: str, name: str) -> bool:
    """True when ``pet`` is a "-y"/"-ie" pet form of ``name`` ("terry", "terrence"; "danny", "daniel")."""
    for end in DIMINUTIVE_ENDINGS:
        stem = pet.removesuffix(end)
        if stem == pet or len(stem) < MIN_DIMINUTIVE_STEM or len(name) <= len(stem):
            continue
        undoubled = stem[:-1] if stem[-1] == stem[-2] else stem  # "danny" is built on "dan"
        if name.startswith(stem) or (len(undoubled) >= MIN_DIMINUTIVE_STEM and name.startswith(undoubled)):
            return not name.endswith(end)  # "Kelly" and "Kelsey" are two names, both ending the same way
    return False


def same_given_name(a: str, b: str) -> bool:
    """Whether two lowercased given names may be one person's: equal, a name and its nickname ("bob",
    "robert"; text/lexicons/nicknames.txt), or a "-y" pet form of it ("terry", "terrence")."""
    return a == b or (a, b) in NICKNAMES or _diminutive_of(a, b) or _diminutive_of(b, a)


def plural_pair(a: str, b: str) -> bool:
    """True when one word is the other plus "s" ("williams", "william"): two names, never one name misspelt."""
    return a + "s" == b or b + "s" == a


@lru_cache(maxsize=NAME_CACHE)
def fold_accents(text: str) -> str:
    """The text without diacritics ("Zoë" -> "Zoe"), for comparing names written with and without."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _country_keys() -> dict[str, str]:
    """Every name of a country (text/lexicons/country_names.txt) -> its first name there, lowercased."""
    out: dict[str, str] = {}
    for line in load("country_names"):
        names = [n.strip() for n in line.split("|")]
        for n in names:
            out.setdefault(n, names[0])
    return out


COUNTRY_KEYS = _country_keys()


def surname(name: str) -> str:
    """The last name word of a person's name, lowercased (suffixes like "Jr." skipped)."""
    words = [w for w in name.replace(",", " ").split() if w.lower().rstrip(".") not in ("jr", "sr", "ii", "iii")]
    return words[-1].lower() if words else name.lower()


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance when it is at most ``limit``, else ``limit + 1``.

    Only the cells within ``limit`` of the diagonal are counted (Ukkonen's band: a cheaper edit path never
    leaves it), and the count stops once a whole row exceeds the limit."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    width = len(b)
    prev = [j if j <= limit else over for j in range(width + 1)]
    for i, ca in enumerate(a, 1):
        cur = [over] * (width + 1)
        if i <= limit:
            cur[0] = i
        best = cur[0]
        for j in range(max(1, i - limit), min(width, i + limit) + 1):
            v = prev[j - 1] + (ca != b[j - 1])
            if prev[j] < v:
                v = prev[j] + 1
            if cur[j - 1] < v:
                v = cur[j - 1] + 1
            cur[j] = v if v < over else over
            if v < best:
                best = v
        if best > limit:
            return over
        prev = cur
    return prev[width]


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
    typos = allowed_typos(word)
    best = []
    for s in surnames:
        if word[:1] != s[:1] or abs(len(word) - len(s)) > typos:
            continue
        limit = min(typos, allowed_typos(s))  # the distance is exact up to the limit: no need to count beyond it
        if limit and (d := edit_distance(word, s, limit)) <= limit and not plural_pair(word, s):
            best.append((d, s))
    if not best:
        return None
    best.sort()
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None  # two names equally close: no guess
    return best[0][1]


@lru_cache(maxsize=NAME_CACHE)
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
    low = _LEGAL_SUFFIX.sub("", low)  # "Corvane.com Inc." is "Corvane"
    return " ".join(low.split())


_LEGAL_SUFFIX = re.compile(r"(?:\.com)?(?:,?\s+(?:inc|corp|co|ltd|llc|plc|s\.a|ag|n\.v)\.?)*$")
_DOTTED = re.compile(r"(?:[a-z]\.){2,}")
# "Department of Justice" is "Justice Department", "the State of Tolven" "Tolven State", "County of Arden" "Arden
# County": the class nouns of bodies and places written either side of the name
_DEPARTMENT_OF = re.compile(r"(department|ministry|office|bureau|state|city|county|province|region) of (?:the )?(.+)")


def acronyms_of(name: str) -> set[str]:
    """Acronyms a multi-word name can be written as: initials with and without the small words."""
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", name)
    words = [w for w in words if w.lower() not in ("the",)]
    if len(words) < MIN_FULL_NAME_WORDS:  # a one-word name is its own acronym ("NASA")
        return set()
    # a short capitals word gives all its letters: "US Geological Survey" is USGS, like "U.S. Geological Survey"
    init = [w if w.isupper() and len(w) <= MAX_SPELT_LETTERS else w[0] for w in words]
    all_init = "".join(init).lower()
    content = "".join(i for i, w in zip(init, words, strict=True) if w.lower() not in _SMALL).lower()
    out = {all_init, content}
    m = re.fullmatch(r"(.+) (department|ministry|office|bureau)", org_key(name))
    if m:  # "Justice Department" is also written DOJ (Department Of Justice)
        out.add((m.group(2)[0] + "o" + "".join(w[0] for w in m.group(1).split())).lower())
    return {a for a in out if len(a) >= MIN_ACRONYM_LETTERS}


def slug(text: str) -> str:
    """Lowercase ASCII slug of a name, for stable ids."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
