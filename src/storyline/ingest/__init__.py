"""Ingest: one reader per input format, all yielding Articles.

:func:`read_inputs` walks files and directories and yields a :class:`Read` per article or a
:class:`storyline.model.Rejected` per input that failed; it never raises for bad input.

Formats, by file name (a file given by name with another extension is sniffed from its first bytes):

=============================  ==============================================================
``.txt``                        first non-empty line the headline, blank lines between paragraphs
``.html`` ``.htm``              trafilatura (main text, title, author, site) + htmldate
``.jsonl`` ``.json``            JSON lines, an array or one object (see :mod:`.jsonl`); ``-`` is stdin
``.rss`` ``.atom`` ``.xml``     RSS/Atom feeds (feedparser), one article per entry
``.warc`` ``.warc.gz``          every HTML response record (warcio)
=============================  ==============================================================

Text and HTML files, feeds and sniffed files above ``settings.ingest.max_bytes`` are refused before being
read. Collections (JSON, JSON lines, WARC) may be larger: there the limit applies to each record, and JSON
lines and WARC files are streamed rather than loaded whole. The other limits of hostile input (inflated
bytes of a ``.warc.gz`` and a bomb's inflation ratio, ``.json`` file size, JSON line length, nesting depth, the
time of one document's extraction) are in ``[ingest]`` and :mod:`.limits`; each refusal names its setting.
Readers per format live in their own modules
(:mod:`.text`, :mod:`.html`, :mod:`.jsonl`, :mod:`.feed`, :mod:`.warc`); bytes become text in :mod:`.decode`;
what all formats share (ids, language, dates, paragraphs) is in :mod:`.article`.

Example:
    >>> from storyline.config import Settings
    >>> [str(r) for r in read_inputs(["no/such/file.txt"], Settings.load())]
    ['no/such/file.txt: no such file or directory']
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from ..config import IngestSettings, Settings
from ..errors import InputError
from ..model import Article, Rejected, Source
from .article import finish_article
from .decode import SNIFF_BYTES, decode_bytes, looks_binary
from .jsonl import article_from_record, iter_document, iter_records
from .limits import scrub
from .pages import Page, read_page
from .records import Read
from .text import article_from_text

__all__ = ["FORMATS", "Page", "Read", "format_of", "read_inputs", "read_page", "read_records"]

# File name endings each reader takes, checked in this order (".warc.gz" before ".gz").
FORMATS: dict[str, tuple[str, ...]] = {
    "warc": (".warc", ".warc.gz", ".arc.gz"),
    "txt": (".txt", ".text"),
    "html": (".html", ".htm", ".xhtml"),
    "jsonl": (".jsonl", ".ndjson"),
    "json": (".json",),
    "feed": (".rss", ".atom", ".xml"),
}
# Formats whose files are read whole: these are refused above max_bytes before reading.
WHOLE_FILE = ("txt", "html", "feed", "sniff")
# A line above max_line_bytes is skipped to its end in reads of this size (memory stays bounded).
LINE_SKIP_STEP = 1 << 20
# Rejection reasons are cut to this length: one line on a terminal, however long the parser's message.
MAX_REASON_CHARS = 200


def format_of(path: Path) -> str | None:
    """The reader for a file name, or None for an extension no reader takes."""
    name = path.name.lower()
    for fmt, endings in FORMATS.items():
        if name.endswith(endings):
            return fmt
    return None


def read_inputs(paths: Sequence[str], settings: Settings) -> Iterator[Read | Rejected]:
    """Yield every article in the given files and directories, and a Rejected per input that failed.

    ``"-"`` reads JSON lines from stdin. Directories are walked recursively in sorted order, skipping
    hidden files and extensions no reader takes.
    """
    for item in _read_paths(paths, settings.ingest):
        if isinstance(item, Rejected):
            item.reason = _one_line(item.reason)
        yield item


def _one_line(reason: str) -> str:
    """A reason on one line of reasonable length (parser messages can quote whole lines of garbage)."""
    reason = " ".join(reason.split())
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 1] + "…"


def _read_paths(paths: Sequence[str], limits: IngestSettings) -> Iterator[Read | Rejected]:
    """The items of every path, in order."""
    for p in paths:
        if p == "-":
            yield from _read_json_lines(sys.stdin, "<stdin>", limits)
            continue
        path = Path(p)
        if path.is_dir():
            yield from _read_directory(path, limits)
        elif path.exists():
            yield from _read_file(path, format_of(path) or "sniff", limits)
        else:
            yield Rejected(p, "ingest", "no such file or directory")


def _read_directory(root: Path, limits: IngestSettings) -> Iterator[Read | Rejected]:
    """Every readable file under a directory; a Rejected for the directory when it gives no article."""
    files, skipped = [], 0
    for f in sorted(root.rglob("*")):
        rel = f.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not f.is_file():
            continue
        if format_of(f) is None:
            skipped += 1
        else:
            files.append(f)
    if not files:
        known = ", ".join(e for endings in FORMATS.values() for e in endings)
        note = f"; {skipped} file(s) with other extensions skipped" if skipped else ""
        yield Rejected(str(root), "ingest", f"directory has no readable files ({known}){note}")
        return
    articles = 0
    for f in files:
        for item in _read_file(f, format_of(f) or "sniff", limits):
            articles += isinstance(item, Read)
            yield item
    if not articles:
        yield Rejected(str(root), "ingest", f"no article could be read from the {len(files)} file(s) in this directory")


def _read_file(path: Path, fmt: str, limits: IngestSettings) -> Iterator[Read | Rejected]:
    """The articles of one file, by format; every failure becomes a Rejected, and a file giving neither an
    article nor a failure (a WARC without HTML responses) gets one: nothing is dropped without a word."""
    silent = True
    for item in _read_one_file(path, fmt, limits):
        silent = False
        yield item
    if silent:
        yield Rejected(str(path), "ingest", f"no article in this file (read as {fmt}: no record with HTML or text)")


def _read_one_file(path: Path, fmt: str, limits: IngestSettings) -> Iterator[Read | Rejected]:
    """The articles of one file, by format; every failure becomes a Rejected."""
    name, max_bytes = str(path), limits.max_bytes
    data = b""
    try:
        size = path.stat().st_size
        if size == 0:
            yield Rejected(name, "ingest", "empty file")
            return
        too_big = _size_refusal(fmt, size, limits)
        if too_big is not None:
            yield Rejected(name, "ingest", too_big)
            return
        if fmt == "jsonl" and not _has_wide_bom(path):
            yield from _stream_json_lines(path, limits)
            return
        if fmt != "warc":
            data = path.read_bytes()
    except OSError as exc:
        yield Rejected(name, "ingest", f"cannot read: {exc.strerror or exc}")
        return
    if fmt != "warc" and looks_binary(data):
        yield Rejected(name, "ingest", "binary file (NUL bytes), not text")
        return
    if fmt == "sniff":
        fmt = _sniff(data)
    try:
        if fmt == "warc":  # streamed from the file; from memory when sniffed
            from .warc import read_warc  # warcio loads only when a WARC file comes
            with io.BytesIO(data) if data else path.open("rb") as stream:
                yield from _reads_of_warc(read_warc(stream, name, max_bytes, limits), name)
            return
        if fmt == "feed":
            yield from _reads_of_feed(data, name)
            return
        text = decode_bytes(data, path=name, repair=fmt == "txt")
        if not text.strip():
            yield Rejected(name, "ingest", "empty file (only white space)")
        elif fmt in ("jsonl", "json"):
            records = (
                iter_records(text.split("\n"), name, limits.max_line_bytes, limits.max_json_depth)
                if fmt == "jsonl"
                else iter_document(text, name, limits.max_json_depth)
            )
            yield from _reads_of_records(records, name, fmt, limits)
        elif fmt == "html":
            from .html import article_from_html  # trafilatura loads only when HTML comes

            yield _finish(article_from_html(text, path=name, seconds=limits.extract_seconds), text, name, "html")
        else:
            yield _finish(article_from_text(text, name), text, name, "txt")
    except InputError as exc:
        yield Rejected(name, "ingest", exc.problem, exc.line)
    except Exception as exc:  # noqa: BLE001  a parser bug on one odd file must not end the run
        yield Rejected(name, "ingest", f"could not read ({fmt}): {type(exc).__name__}: {exc}")


def _size_refusal(fmt: str, size: int, limits: IngestSettings) -> str | None:
    """Why a file of this format and size is refused before it is read, or None."""
    if fmt in WHOLE_FILE and size > limits.max_bytes:
        return f"file is {size:,} bytes, above the limit of {limits.max_bytes:,} (ingest.max_bytes)"
    if fmt == "json" and size > limits.max_json_bytes:
        return (f"JSON file is {size:,} bytes, above the limit of {limits.max_json_bytes:,} (ingest.max_json_bytes; "
                "JSON lines are streamed and have no such limit)")
    return None


def _has_wide_bom(path: Path) -> bool:
    """True when a file starts with a UTF-16/32 byte-order mark (its lines cannot be split as bytes)."""
    with path.open("rb") as f:
        return f.read(4).startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))


def _stream_json_lines(path: Path, limits: IngestSettings) -> Iterator[Read | Rejected]:
    """A JSON lines file read line by line, so a large corpus is never held in memory at once.

    A line is read at most ``max_line_bytes`` at a time: a longer one is skipped to its end and refused.
    """
    name = str(path)
    with path.open("rb") as f:
        if looks_binary(f.read(SNIFF_BYTES)):
            yield Rejected(name, "ingest", "binary file (NUL bytes), not text")
            return
        f.seek(0)
        lines = (None if raw is None else _decode_line(raw, name) for raw in _bounded_lines(f, limits.max_line_bytes))
        empty = True
        records = iter_records(lines, name, limits.max_line_bytes, limits.max_json_depth)
        for item in _reads_of_records(records, name, "jsonl", limits):
            empty = False
            yield item
    if empty:
        yield Rejected(name, "ingest", "empty file (only white space)")


def _bounded_lines(f: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The lines of a binary file, None for each line longer than ``limit`` bytes (never held whole)."""
    while raw := f.readline(limit + 1):
        if len(raw) > limit and not raw.endswith(b"\n"):
            while (rest := f.readline(LINE_SKIP_STEP)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield raw


def _decode_line(raw: bytes, path: str) -> str:
    """One line of a JSON lines file as text (UTF-8, else detected); undecodable lines become invalid JSON."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return decode_bytes(raw, path=path, repair=False)
        except InputError:
            return "\ufffd"  # reported by the JSON parser as an invalid line, with its number


def _sniff(data: bytes) -> str:
    """The format of a file with an unknown extension, from its first bytes."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"warc/"):
        return "warc"
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "feed"
    if head.startswith(b"<") or b"<html" in head:
        return "html"
    return "txt"


def _finish(
    article: Article,
    raw: str,
    path: str,
    fmt: str,
    line: int | None = None,
    record: str | None = None,
    given_id: object = None,
) -> Read:
    """Derive the shared fields and wrap the article with its raw input."""
    article.source = Source(path, fmt, line, record)
    finish_article(article, None if given_id is None else str(given_id))
    return Read(article, scrub(raw), path, fmt)


def _reads_of_records(
    records: Iterable[tuple[int, dict[str, object]] | Rejected], path: str, fmt: str, limits: IngestSettings
) -> Iterator[Read | Rejected]:
    """Articles of JSON records; each bad record is a Rejected with its line."""
    for item in records:
        if isinstance(item, Rejected):
            yield item
            continue
        line, record = item
        try:
            article = article_from_record(record, path, line, limits.max_bytes, limits.extract_seconds)
        except InputError as exc:
            yield Rejected(path, "ingest", exc.problem, line)
            continue
        except Exception as exc:  # noqa: BLE001  a parser bug on one record must not lose the others
            yield Rejected(path, "ingest", f"could not read record: {type(exc).__name__}: {exc}", line)
            continue
        raw = str(record.get("html") or record.get("text") or "")
        given = record.get("id")
        yield _finish(article, raw, path, fmt, line, None if given is None else str(given), given)


def read_records(
    records: Iterable[dict[str, object]], settings: Settings, path: str = "<api>"
) -> Iterator[Read | Rejected]:
    """Articles of JSON records already parsed (the web API's POST body), read like the lines of a JSONL file."""
    numbered = ((n, r) if isinstance(r, dict) else Rejected(path, "ingest", f"record {n}: expected a JSON object", n)
                for n, r in enumerate(records, start=1))
    yield from _reads_of_records(numbered, path, "jsonl", settings.ingest)


def _read_json_lines(stream: Iterable[str], path: str, limits: IngestSettings) -> Iterator[Read | Rejected]:
    """JSON lines from a text stream (stdin)."""
    records = iter_records(stream, path, limits.max_line_bytes, limits.max_json_depth)
    yield from _reads_of_records(records, path, "jsonl", limits)


def _reads_of_feed(data: bytes, path: str) -> Iterator[Read | Rejected]:
    """Articles of a feed file."""
    from .feed import read_feed  # feedparser loads only when a feed comes

    for item in read_feed(data, path):
        if isinstance(item, Rejected):
            yield item
        else:
            number, article, html = item
            yield _finish(article, html, path, "feed", record=article.metadata.get("guid") or f"entry {number}")


def _reads_of_warc(items: Iterable[tuple[int, Article, str, str] | Rejected], path: str) -> Iterator[Read | Rejected]:
    """Articles of a WARC file."""
    for item in items:
        if isinstance(item, Rejected):
            yield item
        else:
            _, article, html, record_id = item
            yield _finish(article, html, path, "warc", record=record_id)
