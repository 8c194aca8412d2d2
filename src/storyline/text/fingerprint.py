"""The content hash: one definition of which text two copies must share to be the same content.

An article's content hash is the SHA-1 of its clean text (:attr:`storyline.model.Article.text`, every kept
paragraph, flagged or not) as lower-cased Unicode words joined by one space: copies that differ only in case,
spacing, punctuation, quote styles or bullets hash alike. Flags are not part of it, so a flag set after the
hash was taken (a parse-aware caption) never makes it stale. Ingest takes it of the text as read, clean again
of the text it keeps, and dedupe compares it (``exact_duplicate``).

Example:
    >>> from storyline.model import Article, Paragraph
    >>> a = Article(id="a", title="", paragraphs=[Paragraph("The council voted, on Tuesday.")])
    >>> b = Article(id="b", title="", paragraphs=[Paragraph("the Council voted on  Tuesday")])
    >>> content_hash(a) == content_hash(b), len(content_hash(a))
    (True, 40)
"""

from __future__ import annotations

import hashlib
import re

from ..model import Article

__all__ = ["content_hash", "hash_words"]

# Unicode words: punctuation and symbols are dropped, so quote styles, dashes and bullets do not matter.
_WORD = re.compile(r"\w+")


def hash_words(text: str) -> list[str]:
    """Lower-cased Unicode words of a text, punctuation stripped: what the hash (and dedupe's shingles) see."""
    return _WORD.findall(text.lower())


def content_hash(article: Article) -> str:
    """SHA-1 (hex) of the article's clean text as lower-cased words joined by one space."""
    return hashlib.sha1(" ".join(hash_words(article.text)).encode("utf-8")).hexdigest()
