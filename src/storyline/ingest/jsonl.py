"""JSON reader: JSON lines, a JSON array of records, or one record.

A record needs ``text`` or ``html``; ``id``, ``url``, ``title``, ``published``, ``outlet`` (and ``byline`` or
``author``) fill the article's fields, and every other key is kept in ``article.metadata``. A line that is
not valid JSON, or a record without text, is rejected with its line number and the others are still read.

Example:
    >>> items = list(iter_records(['{"id": "a1", "text": "Body."}', '{oops', '']))
    >>> items[0]
    (1, {'id': 'a1', 'text': 'Body.'})
    >>> str(items[1])
    '<json>:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import EmptyInputError, InputError
from ..model import Article, Rejected
from .article import DATE_PREFIX, drop_repeated_title, iso_date, split_paragraphs
from .decode import fix_text
from .limits import LimitError, json_depth

# A file whose first this-many non-blank lines all fail to parse is not JSON lines: stop after one note
# instead of one rejection per line of a large file.
GIVE_UP_AFTER = 20
FIELDS = ("id", "url", "title", "text", "html", "published", "outlet", "byline", "author")
# Fields read as text: any other JSON type there is refused with the field's name (an id may also be an integer).
STRING_FIELDS = ("url", "title", "published", "outlet", "byline", "author")
# Some scrapers put the page date in front of the text: " date 2017-06-16 Council backs ...". It is taken
# off the text and used as the publication date when the record gives none (DATE_PREFIX, ingest.article).
# Without a title, a first paragraph of at most this many words is taken as the headline (headlines run
# 5-20 words; a longer first paragraph is body text).
HEADLINE_MAX_WORDS = 25


def iter_records(
    lines: Iterable[str | None], path: str = "<json>", max_line: int | None = None, max_depth: int | None = None
) -> Iterator[tuple[int, dict[str, Any]] | Rejected]:
    """Yield (line number, record) for each JSON object of JSON lines, or a Rejected per bad line.

    A line given as None was too long to read (above ``max_line`` bytes); longer lines and records nested
    deeper than ``max_depth`` are refused one by one, naming their setting.
    """
    good = bad = 0
    for number, line in enumerate(lines, start=1):
        if line is None or (max_line is not None and len(line) > max_line):
            limit = f" of {max_line:,} bytes" if max_line is not None else ""
            yield Rejected(path, "ingest", f"line is above the limit{limit} (ingest.max_line_bytes)", line=number)
            continue
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            value = json.loads(line)
            _check_depth(value, path, max_depth)
        except (LimitError, RecursionError) as exc:  # Python's parser recurses: very deep nesting overflows it
            problem = exc.problem if isinstance(exc, LimitError) else _too_deep(max_depth)
            yield Rejected(path, "ingest", problem, line=number)
            good += 1
            continue
        except json.JSONDecodeError as exc:
            yield Rejected(path, "ingest", f"invalid JSON: {exc.msg} (column {exc.colno})", line=number)
            bad += 1
            if not good and bad >= GIVE_UP_AFTER:
                yield Rejected(
                    path, "ingest", f"stopped reading: the first {bad} lines are not JSON (not a JSON lines file?)"
                )
                return
            continue
        good += 1
        if not isinstance(value, dict):
            yield Rejected(path, "ingest", f"expected a JSON object, got {type(value).__name__}", line=number)
            continue
        yield number, value


def iter_document(
    text: str, path: str = "<json>", max_depth: int | None = None
) -> Iterator[tuple[int, dict[str, Any]] | Rejected]:
    """Records of a .json file: one array or object; a file that is not one JSON value is read as JSON lines."""
    try:
        value = json.loads(text)
    except RecursionError:
        yield Rejected(path, "ingest", _too_deep(max_depth))
        return
    except json.JSONDecodeError as exc:
        first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
        if first.startswith("{") and _parses(first):  # JSON lines in a .json file
            yield from iter_records(text.split("\n"), path, max_depth=max_depth)
        else:  # one JSON document, broken: its parser knows where
            yield Rejected(path, "ingest", f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)
        return
    items = value if isinstance(value, list) else [value]
    if not items:
        yield Rejected(path, "ingest", "empty JSON array: no records")
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict) and max_depth is not None and json_depth(item, max_depth) > max_depth:
            yield Rejected(path, "ingest", f"record {index}: {_too_deep(max_depth)}")
        elif isinstance(item, dict):
            yield index, item
        else:
            yield Rejected(path, "ingest", f"record {index}: expected a JSON object, got {type(item).__name__}")


def article_from_record(
    record: dict[str, Any],
    path: str = "<json>",
    line: int | None = None,
    max_bytes: int | None = None,
    seconds: float = 0.0,
) -> Article:
    """An article from one JSON record; raises InputError naming what is missing or wrong."""
    _check_types(record, path, line)
    text, html = record.get("text"), record.get("html")
    if not _nonblank(text) and not _nonblank(html):
        keys = ", ".join(sorted(record)) or "none"
        raise EmptyInputError(path, f"record has no 'text' or 'html' string with content (keys: {keys})", line)
    size = len(text) if _nonblank(text) else len(html)  # type: ignore[arg-type]
    if max_bytes is not None and size > max_bytes:
        field = "text" if _nonblank(text) else "html"
        raise LimitError(
            path, f"record {field!r} is {size:,} characters, above the limit of {max_bytes:,} (ingest.max_bytes)", line
        )
    title = fix_text(str(record.get("title") or "")).strip()
    published = record.get("published")
    if _nonblank(text):
        body = fix_text(str(text))
        match = DATE_PREFIX.match(body)
        if match:
            body = body[match.end() :]
            published = published or match.group(1)
        paragraphs = drop_repeated_title(split_paragraphs(body), title)
        if not paragraphs:
            raise EmptyInputError(path, "record text holds only its headline", line)
        if not title and len(paragraphs) > 1 and len(paragraphs[0].text.split()) <= HEADLINE_MAX_WORDS:
            title, paragraphs = paragraphs[0].text, paragraphs[1:]  # no title given: a short first line is the headline
        art = Article(id="", title=title, paragraphs=paragraphs)
    else:
        from .html import article_from_html  # trafilatura loads only when a record holds HTML

        html = str(html)
        art = article_from_html(html, url=record.get("url") or None, path=path, seconds=seconds)
        if title:
            art.title = title
            art.paragraphs = drop_repeated_title(art.paragraphs, title) or art.paragraphs
    art.url = str(record["url"]) if record.get("url") else art.url
    art.outlet = fix_text(str(record["outlet"])) if record.get("outlet") else art.outlet
    byline = record.get("byline") or record.get("author")
    art.byline = fix_text(str(byline)) if byline else art.byline
    art.published = iso_date(published) or art.published
    art.metadata.update({k: v for k, v in record.items() if k not in FIELDS})
    return art


def _too_deep(max_depth: int | None) -> str:
    """The refusal of a record nested too deeply."""
    limit = f" of {max_depth} levels" if max_depth is not None else ""
    return f"JSON nested deeper than the limit{limit} (ingest.max_json_depth)"


def _check_depth(value: object, path: str, max_depth: int | None) -> None:
    """Raise LimitError when a parsed value nests deeper than ``max_depth``."""
    if max_depth is not None and json_depth(value, max_depth) > max_depth:
        raise LimitError(path, _too_deep(max_depth))


def _check_types(record: dict[str, Any], path: str, line: int | None) -> None:
    """Raise InputError naming a known field whose value is not text (an id may also be an integer)."""
    for key in ("id", *STRING_FIELDS):
        value = record.get(key)
        if value is None or isinstance(value, str) or (key == "id" and type(value) is int):
            continue
        also = " (or an integer)" if key == "id" else ""
        raise InputError(path, f"record field {key!r} must be a string{also}, got {type(value).__name__}", line)


def _parses(line: str) -> bool:
    """True when the line is valid JSON on its own."""
    try:
        json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _nonblank(value: object) -> bool:
    """True for a string with something other than white space."""
    return isinstance(value, str) and bool(value.strip())
