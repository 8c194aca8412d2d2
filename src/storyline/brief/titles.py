"""A story's title: the most representative news headline of its independent sources.

Each independent source (a syndicated copy counts with the article it copies) offers its headline; opinion pages
(a section label in the headline or the URL, :data:`OPINION_LABELS`) and headlines written as a question, an
exclamation or in the first person are left out while a plain news headline is left; of the rest the title is
the headline whose content words the other sources' headlines and leads share most (the reading most outlets
give), ties to the earliest. A loaded or partisan headline uses words of its own and so shares less.

Example:
    >>> from storyline.model import Article, Paragraph
    >>> arts = [Article(id="a", title="Opinion: The bridge vote was a disgrace", paragraphs=[Paragraph("x")]),
    ...         Article(id="b", title="Council approves new Alden bridge", paragraphs=[Paragraph("x")]),
    ...         Article(id="c", title="Alden council approves bridge plan", paragraphs=[Paragraph("x")])]
    >>> story_title(arts)
    'Council approves new Alden bridge'
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from urllib.parse import urlparse

from ..model import Article
from ..text.lexicon import load
from ..text.similarity import cosine
from ..text.words import terms

OPINION_LABELS = load("opinion_labels")
# "Opinion: ...", "EDITORIAL | ...", "Analysis - ...": a label before a colon, bar or dash opening the headline.
_LABEL_HEAD = re.compile(r"^\s*([A-Za-z-]+(?: [A-Za-z-]+)?)\s*[:|\u2014\u2013-]\s+")
# A site name tacked on a headline's end ("... | Reuters", "... - The Daily Ledger"): at most this many words.
SITE_TAIL_WORDS = 4
_TAIL = re.compile(r"\s+[|\u2014\u2013-]\s+([^|\u2014\u2013]+)$")
_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|we|We|my|My|our|Our|us)\b")
# Digits a headline's mean cosine is compared to: far coarser than the float noise of summing the sources in
# another order (1e-16), far finer than any real difference between two headlines' agreement.
SHARED_DIGITS = 9


def headline(article: Article) -> str:
    """An article's headline without a site name on its end and without extra spaces."""
    title = " ".join(article.title.split())
    m = _TAIL.search(title)
    if m:
        tail = m.group(1).strip().lower()
        outlet = (article.outlet or "").strip().lower()
        named = bool(outlet) and (tail in outlet or outlet in tail)
        if named or ("." in tail and " " not in tail) or (m.group(0).strip()[0] == "|" and
                                                           len(tail.split()) <= SITE_TAIL_WORDS):
            title = title[: m.start()].rstrip()
    return title


def is_opinion(article: Article) -> bool:
    """True when a page is marked as opinion: a section label heads its headline or names a part of its URL."""
    m = _LABEL_HEAD.match(article.title or "")
    if m and m.group(1).lower() in OPINION_LABELS:
        return True
    path = urlparse(article.url or "").path.lower()
    return any(part in OPINION_LABELS for part in re.split(r"[/_.]", path) if part)


def _plain(title: str) -> bool:
    """True when a headline states news plainly: no question, exclamation or first person."""
    return "?" not in title and "!" not in title and not _FIRST_PERSON.search(title)


def story_title(articles: Sequence[Article]) -> str:
    """The most representative news headline of a story's independent sources ("" when none has one)."""
    seen: set[str] = set()
    offers: list[tuple[Article, str]] = []
    for art in articles:
        group = art.duplicate_of or art.id
        title = headline(art)
        if title and group not in seen:
            seen.add(group)
            offers.append((art, title))
    if not offers:
        return ""
    news = [(a, t) for a, t in offers if not is_opinion(a) and _plain(t)] or offers
    words = {a.id: Counter(terms(t)) for a, t in offers}
    leads = {a.id: Counter(terms(a.paragraphs[0].text)) if a.paragraphs else Counter() for a, _ in offers}

    # The sum of every source's headline and lead as unit vectors: the mean cosine of a headline with the other
    # sources' is its dot product with this sum less its own terms, so a story of n sources costs O(n), not n^2.
    total: dict[str, float] = defaultdict(float)
    for a, _ in offers:
        for bag in (words[a.id], leads[a.id]):
            norm = math.sqrt(sum(v * v for v in bag.values()))
            for t, v in bag.items():
                total[t] += v / norm

    def shared(item: tuple[Article, str]) -> float:
        """How much the other sources' headlines and leads say what this headline says (mean cosine)."""
        own = words[item[0].id]
        norm = math.sqrt(sum(v * v for v in own.values()))
        if len(offers) < 2 or not norm:  # noqa: PLR2004 - one source has no others to agree with
            return 0.0
        with_all = sum(v * total[t] for t, v in own.items()) / norm
        mean = (with_all - 1.0 - cosine(own, leads[item[0].id])) / (len(offers) - 1)  # less its own headline, lead
        # rounded off the summation's last bits, so headlines tied in exact arithmetic (sharing nothing with the
        # others: 0.0) stay tied and the earlier article wins, as when each cosine was summed on its own
        return round(mean, SHARED_DIGITS)

    order = {a.id: k for k, a in enumerate(articles)}
    return max(news, key=lambda item: (shared(item), -order[item[0].id]))[1]
