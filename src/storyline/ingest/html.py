"""HTML reader: main text and metadata by trafilatura, the date by htmldate when trafilatura finds none.

Example:
    >>> page = "<html><head><title>Bridge vote</title></head><body><article>" + "<p>%s</p>" * 3 % (
    ...     "The city council voted on Tuesday to fund a new bridge across the river after two years.",
    ...     "Mayor Ana Ruiz said the bridge would open in 2021 and cost about forty million dollars.",
    ...     "Opponents said the money should go to schools and vowed to fight the plan at the election.",
    ... ) + "</article></body></html>"
    >>> article_from_html(page).paragraphs[0].text[:22]
    'The city council voted'
"""

from __future__ import annotations

import logging
import re
from typing import Any

import htmldate
import lxml.html
import trafilatura
from lxml import etree

from ..errors import EmptyInputError, InputError
from ..model import Article
from .article import drop_repeated_title, iso_date, split_paragraphs
from .decode import fix_text
from .limits import scrub, shrink_attributes, time_limit

# trafilatura and htmldate log every page they find thin at WARNING; the reason reaches the user as a
# Rejected instead, so their loggers are kept quiet.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# Dates from the page's markup and URL only: htmldate's extensive search also takes any year in the body
# ("open in the autumn of 2021") as the publication date, which is worse than no date.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")
_WS = re.compile(r"[ \t\u00a0]+")
# Characters lxml refuses in text (C0 controls other than tab, newline, carriage return; U+FFFE, U+FFFF).
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _extract(html: str, url: str | None, recall: bool) -> dict[str, Any] | None:
    """trafilatura's main text and metadata as a dict, or None when it finds no main text."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,  # reader comments are not the article
        include_tables=True,
        favor_recall=recall,
        deduplicate=False,
        date_extraction_params=DATE_PARAMS,
    )
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return data if (data.get("text") or "").strip() else None


def article_from_html(
    html: str,
    url: str | None = None,
    fallback_date: str | None = None,
    path: str = "<html>",
    seconds: float = 0.0,
) -> Article:
    """An article from an HTML page; raises EmptyInputError when the page holds no main text.

    ``seconds`` (``ingest.extract_seconds``) bounds the extraction; 0 is no limit. Attribute values too long
    for the parser (inlined images) are emptied first, so they cannot hide the page's text.
    """
    html = shrink_attributes(html)
    if not html.strip():
        raise EmptyInputError(path, "empty HTML page")
    try:
        # Precision first (boilerplate stays out); pages with little text get a second, recall-oriented pass.
        with time_limit(seconds, path):
            data = _extract(html, url, recall=False) or _extract(html, url, recall=True)
            published = iso_date(data.get("date")) if data is not None else None
            if data is not None and published is None:
                published = _htmldate(html, url) or iso_date(fallback_date)
    except (ValueError, etree.LxmlError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(path, f"HTML could not be parsed: {exc}") from exc
    if data is None:
        raise EmptyInputError(path, "no article text found in the HTML page")
    title = fix_text(data.get("title") or "")
    paragraphs = drop_repeated_title(split_paragraphs(fix_text(data["text"]), lines_are_blocks=True), title)
    if not paragraphs:
        raise EmptyInputError(path, "no article text found in the HTML page (only a headline)")
    return Article(
        id="",
        title=title,
        paragraphs=paragraphs,
        url=url or data.get("url") or None,
        outlet=fix_text(data.get("sitename") or "") or None,
        byline=fix_text(data.get("author") or "") or None,
        published=published,
        metadata={k: data[k] for k in ("description", "categories", "tags") if data.get(k)},
    )


def _htmldate(html: str, url: str | None) -> str | None:
    """The publication date htmldate finds in the page's markup (not the crawl date), or None."""
    try:
        found = htmldate.find_date(html, url=url, original_date=True, extensive_search=False)
    except (ValueError, etree.LxmlError):
        return None
    return iso_date(found)


def html_fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), one line per block element; never raises."""
    fragment = _XML_UNSAFE.sub("", scrub(fragment))
    if "<" not in fragment:
        return fix_text(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        for bad in root.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        for el in root.iter(*_BLOCK_TAGS):
            el.tail = "\n\n" + (el.tail or "")
        text = root.text_content()
    except (ValueError, AssertionError, etree.LxmlError):  # lxml asserts and refuses on some odd fragments
        text = re.sub(r"<[^>]+>", " ", fragment)
    return fix_text("\n".join(_WS.sub(" ", line).strip() for line in text.split("\n")))
