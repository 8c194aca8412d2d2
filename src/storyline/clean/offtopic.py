"""Off-topic paragraphs: a paragraph about something other than the rest of its article.

Pages stitched by content farms and sidebars that survive extraction put foreign paragraphs inside an
article: a football item in a politics story, a tennis result in a business story. :class:`TopicScorer`
finds them with two cheap, general tests over bags of words (no model, no parse):

- **vocabulary**: almost none of the paragraph's topic words occur anywhere else in the article, and it
  names people, places or organisations the rest never mentions (and none that it does);
- **domain shift**: the paragraph is dense in the vocabulary of a news section (sport, entertainment,
  weather) that the rest of the article does not use at all.

Example:
    >>> from storyline.config import Settings
    >>> paras = ["The city council voted to fund the new bridge over the Avon River on Tuesday night.",
    ...          "Council members said the bridge would cut traffic on the river road by half.",
    ...          "The bridge vote followed a year of council hearings on river traffic and costs.",
    ...          "In football, Rovers beat United 3-1 as their striker scored twice in the league match.",
    ...          "Work on the river bridge starts in May, the council said, and ends in two years."]
    >>> TopicScorer(Settings.load()).off_topic("Council funds river bridge", paras)
    [3]
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from ..config import Settings
from ..text.lexicon import load
from ..text.words import STOP_WORDS, singular

__all__ = ["DOMAINS", "TopicScorer", "name_stems", "topic_stems", "topic_terms"]


# Words that carry no topic: the function words of English (text.words.STOP_WORDS) and the words every news
# report uses whatever its subject (reporting verbs, the commonest verbs, calendar words: news_generic_words.txt).
TOPICLESS_WORDS = STOP_WORDS | load("news_generic_words")

# Vocabulary of the news sections whose items most often end up pasted into other stories (sports
# results, entertainment and weather teasers): text/lexicons/section_NAME.txt. Words only: names of teams or
# stars would date and bias it.
# A paragraph needs DOMAIN_MIN_TERMS distinct words of one section, so one metaphor ("a political game",
# "a storm of criticism") never decides.
DOMAINS: dict[str, frozenset[str]] = {name: load(f"section_{name}") for name in ("sport", "entertainment", "weather")}
# Distinct words of one section a paragraph needs to count as that section's item.
DOMAIN_MIN_TERMS = 3
# The rest of the article (and its headline) may hold at most this many distinct words of that section.
DOMAIN_MAX_REST = 0

# Terms are cut to their first STEM_CHARS letters so that forms of one word meet ("immigrant",
# "immigration" -> "immigr"; "deported", "deportation" -> "deport"); 6 keeps "police" apart from "policy".
STEM_CHARS = 6
# Tokens shorter than this carry no topic ("mr", "us", initials); plurals fold by text.words.singular.
MIN_TERM_CHARS = 3
# A paragraph holding more than this share of the article's words is its main body, never off-topic.
MAIN_SHARE = 0.34
# A neighbour of an off-topic paragraph goes with it only when it has at least this many distinct stems: a
# one- or two-word line has too few to judge by.
NEIGHBOUR_MIN_TERMS = 3
_TOKEN = re.compile(r"[a-z][a-z'\-]+")
_NAME = re.compile(r"\b[A-Z][A-Za-z'’\-]+")


def topic_terms(text: str) -> list[str]:
    """Topic-bearing terms of a text: lower-cased words, stopwords out, possessives and plurals folded."""
    return _terms_of(_TOKEN.findall(text.lower().replace("’", "'")))


def _terms_of(tokens: list[str]) -> list[str]:
    """Topic terms of lower-case tokens."""
    out = []
    for tok in tokens:
        term = _term(tok)
        if term:
            out.append(term)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _term(tok: str) -> str:
    """The topic term of one lower-case token, or "" for a topicless word (pure, so cached: words repeat).

    Only the plural is folded here ("cities" -> "city", "ferries" -> "ferry"), then STEM_CHARS cuts the rest:
    the shared :func:`storyline.text.words.stem` also strips "-ed" and "-ing", which lets unrelated words meet
    across paragraphs (a pasted football item shared 0.17 of its stems with a politics story instead of 0.08)
    and lost half the off-topic flags bench/clean.py finds.
    """
    tok = tok.removesuffix("'s")
    tok = tok.strip("'-")
    if len(tok) < MIN_TERM_CHARS or tok in TOPICLESS_WORDS:
        return ""
    return singular(tok)


def topic_stems(text: str) -> set[str]:
    """Distinct stems of a text's topic terms."""
    return {t[:STEM_CHARS] for t in topic_terms(text)}


def name_stems(text: str) -> set[str]:
    """Stems of capitalised words that are not the first word of a sentence or quote: the text's names."""
    out: set[str] = set()
    for match in _NAME.finditer(text):
        before = text[: match.start()].rstrip()
        if not before or before[-1] in ".!?:;\"“‘'(—–-":
            continue  # sentence-initial: capitalised anyway
        out.update(t[:STEM_CHARS] for t in topic_terms(match.group()))
    return out


def domain_terms(text: str) -> dict[str, set[str]]:
    """For each section of :data:`DOMAINS`, the distinct words of that section in the text."""
    return _domains_of(set(_TOKEN.findall(text.lower().replace("’", "'"))))


def _domains_of(words: set[str]) -> dict[str, set[str]]:
    """For each section of :data:`DOMAINS`, the words of ``words`` in it."""
    return {name: words & vocab for name, vocab in DOMAINS.items()}


class TopicScorer:
    """Finds paragraphs about something other than the rest of their article.

    Each paragraph is a bag of topic stems (stopwords out, plurals folded, cut to ``STEM_CHARS``); its
    score is the share of its distinct stems found elsewhere in the article, leave-one-out: in another
    paragraph or in the headline. On-topic paragraphs share a good part of their vocabulary with the rest
    (0.15-0.7 on real pages); an item pasted in from another story shares almost nothing. Low overlap
    alone also hits a quote made of everyday words or a paragraph that brings in a new person, so a
    paragraph is flagged only with positive evidence that it is about something else:

    - **vocabulary** (articles with at least ``offtopic_min_paragraphs`` paragraphs of
      ``offtopic_min_words`` words: a short article has too little "rest" to compare with): the score is
      at most ``offtopic_threshold``, the paragraph has at least ``offtopic_min_terms`` distinct stems, and
      it names at least ``offtopic_min_names`` people, places or organisations the rest never mentions and
      none that it does (or shares no stem at all while having twice ``offtopic_min_terms``);
    - **domain shift** (articles with at least ``offtopic_domain_min_paragraphs`` such paragraphs): it
      holds at least ``DOMAIN_MIN_TERMS`` words of one news section (:data:`DOMAINS`) that the rest of the
      article does not use (at most ``DOMAIN_MAX_REST``), and its score is at most twice the threshold.

    A neighbour of an off-topic paragraph (a question-headline and its story, cut in two by extraction) is
    flagged with it when its score is at most the threshold and it names nothing the rest mentions.

    Example:
        >>> from storyline.config import Settings
        >>> scorer = TopicScorer(Settings.load())
        >>> scorer.scores("Bridge vote passed", ["The bridge vote passed.", "Rovers won the cup."])
        [1.0, 0.0]
    """

    def __init__(self, settings: Settings) -> None:
        cfg = settings.clean
        self.threshold = cfg.offtopic_threshold
        self.min_words = cfg.offtopic_min_words
        self.min_terms = cfg.offtopic_min_terms
        self.min_names = cfg.offtopic_min_names
        self.min_paragraphs = cfg.offtopic_min_paragraphs
        self.domain_min_paragraphs = cfg.offtopic_domain_min_paragraphs

    def scores(self, title: str, paragraphs: list[str]) -> list[float]:
        """Share of each paragraph's distinct topic stems found in another paragraph or the headline."""
        stems = [topic_stems(p) for p in paragraphs]
        df = self._df(title, stems)
        return [self._share(s, df) for s in stems]

    @staticmethod
    def _df(title: str, stems: list[set[str]]) -> Counter[str]:
        """How many of the paragraphs (and the headline, counted as one more) hold each stem."""
        df: Counter[str] = Counter()
        for s in stems:
            df.update(s)
        df.update(topic_stems(title))
        return df

    @staticmethod
    def _share(own: set[str], df: Counter[str]) -> float:
        """Share of ``own`` stems that occur in some other paragraph or the headline (1.0 when empty)."""
        return sum(1 for t in own if df[t] > 1) / len(own) if own else 1.0

    def off_topic(self, title: str, paragraphs: list[str]) -> list[int]:
        """Indexes of the paragraphs that are about something other than the rest of the article."""
        sizes = [len(p.split()) for p in paragraphs]
        judged = sum(1 for n in sizes if n >= self.min_words)
        if judged < min(self.min_paragraphs, self.domain_min_paragraphs):
            return []
        tokens = [_TOKEN.findall(p.lower().replace("’", "'")) for p in paragraphs]
        stems = [{t[:STEM_CHARS] for t in _terms_of(toks)} for toks in tokens]
        df = self._df(title, stems)
        shares = [self._share(s, df) for s in stems]

        def names_new_known(i: int) -> tuple[int, int]:
            names = name_stems(paragraphs[i])
            known = sum(1 for t in names if df[t] > 1)
            return len(names) - known, known

        def by_vocabulary(i: int) -> bool:
            own = stems[i]
            if judged < self.min_paragraphs or len(own) < self.min_terms or shares[i] > self.threshold:
                return False
            if shares[i] == 0 and len(own) >= 2 * self.min_terms:
                return True
            new, known = names_new_known(i)
            return known == 0 and new >= self.min_names

        flagged = {i for i, n in enumerate(sizes) if n >= self.min_words and by_vocabulary(i)}
        if judged >= self.domain_min_paragraphs:
            per_para = [_domains_of(set(toks)) for toks in tokens]
            flagged |= self._domain_shift(title, per_para, sizes, shares)
        # The article's main body is not off-topic, whatever it is about: a paragraph holding more than
        # MAIN_SHARE of the words is its content (the rest being sidebars the cleaner left).
        total = sum(sizes) or 1
        flagged = {i for i in flagged if sizes[i] <= MAIN_SHARE * total}
        for i in sorted(flagged):
            for j in (i - 1, i + 1):
                if 0 <= j < len(paragraphs) and j not in flagged and shares[j] <= self.threshold \
                        and len(stems[j]) >= NEIGHBOUR_MIN_TERMS and names_new_known(j)[1] == 0:
                    flagged.add(j)
        return sorted(flagged)

    def _domain_shift(self, title: str, per_para: list[dict[str, set[str]]], sizes: list[int],
                      shares: list[float]) -> set[int]:
        """Paragraphs dense in one news section's words (``per_para``) that the rest and the headline do not use."""
        in_title = domain_terms(title)
        out = set()
        for i, terms in enumerate(per_para):
            if sizes[i] < self.min_words or shares[i] > 2 * self.threshold:
                continue
            for name, words in terms.items():
                if len(words) < DOMAIN_MIN_TERMS:
                    continue
                rest = set(in_title[name])
                for j, other in enumerate(per_para):
                    if j != i:
                        rest |= other[name]
                if len(rest) <= DOMAIN_MAX_REST:
                    out.add(i)
        return out
