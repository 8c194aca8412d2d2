"""Quote groups: the same quote carried by several articles of a story is one quote with all its sources.

Outlets quote the same words with different marks, cases and trims ("We will appeal," / "we will appeal this
ruling"), so two quotes are the same when their lower-cased words are equal or the words of one run, in order,
inside the other's (:func:`same_quote`). The groups are the connected components of that relation over a story's
quotes; each group keeps the wording and place of its first appearance (``first``: the earliest published article;
the story's own order, which is by time, breaks ties and places undated articles), the speaker most of its articles
give, and every article carrying it (``sources``, earliest first). An article that left the quote unattributed
is shown with that speaker (:func:`story_quotes`: a copy, marked ``cue=None``; the article's own record keeps what
its text says) when its words are the attributed quote's words, or the article copies the attributed one: four
words inside a longer quote may be a crowd repeating a speaker's slogan, not the speaker.

A story shows a direct quote only when it has a speaker (:func:`attributed`): a quote whose speaker neither its
article nor another outlet resolves is more often one whose speaker the article does give than one nobody said
(on the tune half of the development pages, one of the two such quotes matched to an annotation had a speaker),
so it is left out rather than shown unattributed. Reported speech stays: its words are no one's quotation.

Example:
    >>> from storyline.model import Article, Quote, Span
    >>> a = Article(id="a", published="2018-01-25")
    >>> b = Article(id="b", published="2018-01-24")
    >>> qa = Quote("a", Span(0, 26), "We will appeal this ruling", speaker="p1", speaker_name="Ana Ruiz")
    >>> qb = Quote("b", Span(5, 25), "we will appeal this,", speaker="p1", speaker_name="Ruiz")
    >>> [(g.sources, g.first, g.text, g.speaker_name) for g in group_quotes([qa, qb], [a, b])]
    [(['b', 'a'], 'b', 'we will appeal this,', 'Ana Ruiz')]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from ..model import Article, Quote, QuoteGroup
from ..text.fingerprint import hash_words
from ..text.unionfind import UnionFind

__all__ = ["attributed", "group_quotes", "same_quote", "story_quotes"]

# A quote this short is only the same as another when their words are equal: three words running inside a longer
# quote ("we will win") are as likely a common phrase as the same quote. Four words are the shortest partial
# quote that names a thought of its own; chosen on hand-written cases, the dev pages were not looked at for it.
MIN_CONTAINED_WORDS = 4


def _runs_inside(short: list[str], long: list[str]) -> bool:
    """True when the words of ``short`` appear, in order and next to each other, in ``long``."""
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def same_quote(a: str, b: str) -> bool:
    """Whether two quoted texts are the same quote: equal words, or the one's words running inside the other's.

    >>> same_quote("\u201cWe will appeal this ruling,\u201d", "we will appeal this ruling")
    True
    >>> same_quote("the rules are clear", "The rules are clear and the cities know them.")
    True
    >>> same_quote("we will win", "we will win this case"), same_quote("the rules are clear", "the rules changed")
    (False, False)
    """
    return _same_words(hash_words(a), hash_words(b))


def _same_words(wa: list[str], wb: list[str]) -> bool:
    """:func:`same_quote` on the texts' words."""
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(short) >= MIN_CONTAINED_WORDS and _runs_inside(short, long)


def _who(quote: Quote) -> str:
    """Who a quote is attributed to: its entity id, else its speaker as written ("" when unattributed)."""
    return quote.speaker or quote.speaker_name or ""


def group_quotes(quotes: Sequence[Quote], articles: Sequence[Article]) -> list[QuoteGroup]:
    """One :class:`QuoteGroup` per distinct quote of a story, in the order of first appearance.

    ``articles`` are the story's articles in the story's order (by time); they give the publication dates that
    decide which article carried a quote first, and place an undated one after the dated ones. The quotes are
    not changed.
    """
    return _group(quotes, articles)[0]


def story_quotes(quotes: Sequence[Quote], articles: Sequence[Article]) -> tuple[list[Quote], list[QuoteGroup]]:
    """A story's quotes, each unattributed one that borrows its group's speaker replaced by a copy carrying it,
    and the story's :func:`group_quotes`. The given quotes (the articles' own records) are not changed.

    >>> from storyline.model import Span
    >>> a, b = Article(id="a", published="2018-01-24"), Article(id="b", published="2018-01-25")
    >>> said = Quote("a", Span(0, 26), "We will appeal this ruling", speaker_name="Ana Ruiz", cue="said")
    >>> bare = Quote("b", Span(3, 29), "we will appeal this ruling.")
    >>> [(q.speaker_name, q.cue) for q in story_quotes([said, bare], [a, b])[0]], bare.speaker_name
    ([('Ana Ruiz', 'said'), ('Ana Ruiz', None)], None)
    """
    groups, lent = _group(quotes, articles)
    return [lent.get(i, q) for i, q in enumerate(quotes)], groups


def _group(quotes: Sequence[Quote], articles: Sequence[Article]) -> tuple[list[QuoteGroup], dict[int, Quote]]:
    """:func:`group_quotes`, and the borrowed copies of the unattributed quotes (by index in ``quotes``)."""
    root = {a.id: a.duplicate_of or a.id for a in articles}  # an article's duplicate group
    order = {a.id: k for k, a in enumerate(articles)}
    published = {a.id: a.published for a in articles}

    def when(aid: str) -> tuple[bool, str, int]:
        day = published.get(aid)
        return (day is None, day or "", order.get(aid, len(order)))

    words = [hash_words(q.text) for q in quotes]

    def _borrows(i: int, k: int) -> bool:  # quote i may take quote k's speaker: the same words, or from a copy
        ai, ak = quotes[i].article, quotes[k].article
        return words[i] == words[k] or (ai != ak and root.get(ai, ai) == root.get(ak, ak))

    uf = UnionFind(range(len(quotes)))
    # candidates through the quotes' opening words: a quote can only run inside one holding its first words, so
    # each quote's runs of words are looked up among the openings (only the openings are kept: one key a quote)
    opening: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        opening[tuple(w[:MIN_CONTAINED_WORDS])].append(i)
    for j, w in enumerate(words):
        seen = set()
        for k in range(max(1, len(w) - MIN_CONTAINED_WORDS + 1)):
            for i in opening.get(tuple(w[k : k + MIN_CONTAINED_WORDS]), ()):
                if i != j and i not in seen and quotes[i].kind == quotes[j].kind and _same_words(words[i], w):
                    uf.union(i, j)
                seen.add(i)
    groups = []
    lent: dict[int, Quote] = {}
    for members in uf.groups():
        ms = sorted(members, key=lambda i: (when(quotes[i].article), quotes[i].span.start))
        qs = [quotes[i] for i in ms]
        first = qs[0]
        # the speaker most of its articles give (an outlet that left it unattributed is outvoted); ties go to the
        # earliest article that names one
        if len(qs) == 1:  # a quote one article carries (most of them): its own speaker, if any
            named = first if _who(first) else None
        else:
            votes = Counter(_who(q) for q in qs if _who(q))
            top = max(votes.values(), default=0)
            winner = next((_who(q) for q in qs if _who(q) and votes[_who(q)] == top), "")
            voters = [q for q in qs if winner and _who(q) == winner]
            named = max(voters, key=lambda q: len(q.speaker_name or ""), default=None)  # "Ana Ruiz" over "Ruiz"
            for i in (i for i in ms if winner and not _who(quotes[i])):  # the outlet that left it unattributed:
                same = [quotes[k] for k in ms if _who(quotes[k]) == winner and _borrows(i, k)]  # one giving its words
                lender = max(same, key=lambda v: len(v.speaker_name or ""), default=None)  # says who
                if lender is not None:
                    lent[i] = replace(quotes[i], speaker=lender.speaker, speaker_name=lender.speaker_name, cue=None)
        groups.append(
            QuoteGroup(
                text=first.text,
                kind=first.kind,
                speaker=named.speaker if named else None,
                speaker_name=named.speaker_name if named else None,
                first=first.article,
                span=first.span,
                sentence=first.sentence,
                sources=list(dict.fromkeys(q.article for q in qs)),
            )
        )
    groups.sort(key=lambda g: (when(g.first), g.span.start if g.span else 0))
    return groups, lent


def attributed(quotes: Sequence[Quote], groups: Sequence[QuoteGroup]) -> tuple[list[Quote], list[QuoteGroup]]:
    """The quotes and quote groups a story shows: reported speech, and direct quotes with a speaker.

    >>> from storyline.model import Span
    >>> said = Quote("a", Span(0, 9), "We won it", speaker_name="Ana Ruiz")
    >>> nobody = Quote("a", Span(20, 31), "It was cold")
    >>> [q.text for q in attributed([said, nobody], [])[0]]
    ['We won it']
    """
    return (
        [q for q in quotes if q.kind != "direct" or q.speaker_name],
        [g for g in groups if g.kind != "direct" or g.speaker_name],
    )
