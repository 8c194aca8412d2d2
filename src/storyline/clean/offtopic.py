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

__all__ = ["DOMAINS", "TopicScorer", "name_stems", "topic_stems", "topic_terms"]


def _wordset(text: str) -> frozenset[str]:
    """The set of white-space separated words of a literal word list."""
    return frozenset(text.split())

# Words that carry no topic: function words and the verbs and nouns every news story uses.
STOPWORDS = _wordset(
    """a about above after again against all almost also although always am among an and another any are
    aren't around as at be because been before being below between both but by can can't cannot could
    couldn't did didn't do does doesn't doing don't down during each either else even ever every few for
    from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
    him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself just last
    least less let's like many may me might more most much must mustn't my myself near neither never no
    nor not now of off often on once one only onto or other others ought our ours ourselves out over own
    per perhaps rather same several shan't she she'd she'll she's should shouldn't since so some still such
    than that that's the their theirs them themselves then there there's therefore these they they'd
    they'll they're they've this those though through thus to too toward towards under until up upon us
    very via was wasn't we we'd we'll we're we've were weren't what what's whatever when when's where
    where's whether which while who who's whom whose why why's will with within without won't would
    wouldn't yet you you'd you'll you're you've your yours yourself yourselves
    said says say saying told tell asked added according reported report reports statement news new
    year years time times day days week weeks month months today yesterday monday tuesday wednesday
    thursday friday saturday sunday first two three four five six seven eight nine ten people get got make
    made going go went come came take took know think want see seen well back way many much also just
    mr mrs ms"""
)

# Vocabulary of the news sections whose items most often end up pasted into other stories (sports
# results, entertainment and weather teasers). Words only: names of teams or stars would date and bias it.
# A paragraph needs DOMAIN_MIN_TERMS distinct words of one section, so one metaphor ("a political game",
# "a storm of criticism") never decides.
DOMAINS: dict[str, frozenset[str]] = {
    "sport": _wordset(
        """football soccer basketball baseball hockey tennis golf cricket rugby olympic olympics league
        leagues kickoff kick-off striker strikers midfielder goalkeeper quarterback touchdown touchdowns
        inning innings pitcher pitchers batter homer homers playoff playoffs championship championships
        tournament semifinal semifinals semi-final semi-finals quarterfinal quarterfinals quarter-final
        quarter-finals stadium halftime half-time overtime referee rivalry routed lineup roster rookie
        podium medal medals nba nfl mlb nhl fifa uefa scored game games"""
    ),
    "entertainment": _wordset(
        """film films movie movies actor actors actress album albums song songs singer concert premiere
        box-office oscar oscars grammy grammys emmy emmys celebrity celebrities starring sequel netflix
        sitcom hollywood rapper red-carpet"""
    ),
    "weather": _wordset(
        """forecast forecasts showers sunny cloudy temperatures humidity thunderstorm thunderstorms
        snowfall gusts drizzle heatwave meteorologist celsius fahrenheit"""
    ),
}
# Distinct words of one section a paragraph needs to count as that section's item.
DOMAIN_MIN_TERMS = 3
# The rest of the article (and its headline) may hold at most this many distinct words of that section.
DOMAIN_MAX_REST = 0

# Terms are cut to their first STEM_CHARS letters so that forms of one word meet ("immigrant",
# "immigration" -> "immigr"; "deported", "deportation" -> "deport"); 6 keeps "police" apart from "policy".
STEM_CHARS = 6
# A paragraph holding more than this share of the article's words is its main body, never off-topic.
MAIN_SHARE = 0.34
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
    """The topic term of one lower-case token, or "" for a stopword (pure, so cached: words repeat)."""
    tok = tok.removesuffix("'s")
    tok = tok.strip("'-")
    if len(tok) < 3 or tok in STOPWORDS:
        return ""
    if tok[-1] == "s":
        if tok.endswith("ies") and len(tok) > 4:
            return tok[:-3] + "y"
        if not tok.endswith(("ss", "us", "is")) and len(tok) > 3:
            return tok[:-1]
    return tok


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
                        and len(stems[j]) >= 3 and names_new_known(j)[1] == 0:
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
