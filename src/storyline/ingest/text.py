"""Plain-text reader: the first non-empty line is the headline, blank lines separate paragraphs.

Example:
    >>> art = article_from_text("Council backs bridge\\n\\nThe council voted on Tuesday.\\n\\nWork starts in May.\\n")
    >>> art.title, [p.text for p in art.paragraphs]
    ('Council backs bridge', ['The council voted on Tuesday.', 'Work starts in May.'])
"""

from __future__ import annotations

from ..errors import EmptyInputError
from ..model import Article
from .article import split_paragraphs


def article_from_text(text: str, path: str = "<text>") -> Article:
    """An article from plain text; raises EmptyInputError when there is no headline or no body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise EmptyInputError(path, "empty file (only white space)")
    title = lines[first].strip()
    paragraphs = split_paragraphs("\n".join(lines[first + 1 :]))
    if not paragraphs:
        raise EmptyInputError(path, "no article text: only a headline line")
    return Article(id="", title=title, paragraphs=paragraphs)
