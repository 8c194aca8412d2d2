"""WARC reader (warcio): every HTML ``response`` record goes to the HTML reader.

The URL comes from ``WARC-Target-URI``; ``WARC-Date`` (the crawl date) is the date of last resort. A damaged
or truncated archive keeps the records read before the damage and ends with one Rejected naming the problem.

Example:
    >>> import io
    >>> list(read_warc(io.BytesIO(b""), "empty.warc", max_bytes=1000))
    []
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from ..config import IngestSettings
from ..errors import InputError
from ..model import Article, Rejected
from .decode import decode_bytes
from .html import article_from_html
from .limits import LimitError, check_inflation

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# zlib window bits for the gzip container (16 + the 15-bit window).
GZIP_WBITS = 31
# Compressed bytes read, and inflated bytes produced, per step of the streamed gzip check: memory stays
# bounded by these whatever the file holds.
READ_STEP = 1 << 16
INFLATE_STEP = 1 << 20
# Errors warcio, gzip and zlib raise on a cut or corrupt archive.
_DAMAGE = (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError)


def read_warc(
    stream: IO[bytes], path: str, max_bytes: int, limits: IngestSettings | None = None
) -> Iterator[tuple[int, Article, str, str] | Rejected]:
    """Yield (record number, article, HTML, record id) per HTML response, or a Rejected per failed record.

    A damaged archive ends the iteration with a Rejected that says after how many records it broke. With
    ``limits``, a gzip stream that inflates past ``max_decompressed_bytes`` or at a bomb's ratio is refused
    whole, before any record is read, and each extraction is bounded by ``extract_seconds``.
    """
    done = 0
    seconds = limits.extract_seconds if limits is not None else 0.0
    try:
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
        damage = _gzip_damage(stream, path, max_bytes, limits)
        stream.seek(0)
        archive = ArchiveIterator(stream)
        for record in archive:
            item = _read_record(record, done + 1, path, max_bytes, seconds)
            archive.read_to_end()
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
                damage = damage or f"record {done + 1} is cut short"
                break
            done += 1
            if item is not None:
                yield item
        if damage is None and archive.offset < size and stream.read().strip():
            damage = f"unreadable bytes after offset {archive.offset:,}"
    except LimitError as exc:
        yield Rejected(path, "ingest", exc.problem)
        return
    except _DAMAGE as exc:
        damage = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001  warcio fails on malformed headers with assorted errors
        damage = f"malformed record: {type(exc).__name__}: {exc}"
    if damage is not None:
        yield Rejected(path, "ingest", f"truncated or damaged WARC ({damage}); kept the {done} record(s) before it")


def _read_record(
    record: ArcWarcRecord, number: int, path: str, max_bytes: int, seconds: float = 0.0
) -> tuple[int, Article, str, str] | Rejected | None:
    """The article of one HTML response record, a Rejected, or None for any other record."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    ctype = record.http_headers.get_header("Content-Type") or ""
    if "html" not in ctype.lower():
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or f"record {number}"
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return Rejected(path, "ingest", f"WARC record {number} ({uri}): HTML above the limit of {max_bytes:,} bytes "
                                        "(ingest.max_bytes)")
    match = _CHARSET.search(ctype)
    try:
        html = decode_bytes(data, declared=match.group(1) if match else None, path=path, repair=False)
        article = article_from_html(html, url=uri, fallback_date=record.rec_headers.get_header("WARC-Date"), path=path,
                                    seconds=seconds)
    except InputError as exc:
        return Rejected(path, "ingest", f"WARC record {number} ({uri}): {exc.problem}")
    except Exception as exc:  # noqa: BLE001  a parser bug on one page must not lose the rest of the archive
        return Rejected(path, "ingest", f"WARC record {number} ({uri}): {type(exc).__name__}: {exc}")
    return number, article, html, record_id


def _gzip_damage(stream: IO[bytes], path: str, max_bytes: int, limits: IngestSettings | None = None) -> str | None:
    """What is wrong with a gzip stream (a member cut short, bad data), or None when intact or not gzip.

    warcio stops quietly at a cut gzip member, so the compression is checked on its own; decompressing
    costs far less than the HTML extraction that follows. The stream is inflated a bounded step at a time
    and its inflated size checked against ``limits`` as it goes (raises LimitError): a bomb is never
    inflated whole.
    """
    if stream.read(2) != b"\x1f\x8b":
        return None
    stream.seek(0)
    inflater, fed = zlib.decompressobj(GZIP_WBITS), False
    read = inflated = 0
    while chunk := stream.read(READ_STEP):
        read += len(chunk)
        while chunk:
            try:
                inflated += len(inflater.decompress(chunk, INFLATE_STEP))
            except zlib.error as exc:
                return f"corrupt gzip data: {exc}"
            if limits is not None:
                check_inflation(inflated, read, path, max_bytes, limits.max_decompressed_bytes,
                                limits.max_inflation_ratio)
            fed = True
            chunk = inflater.unconsumed_tail
            if inflater.eof:  # the next member starts (WARC files are one gzip member per record)
                chunk = inflater.unused_data.lstrip(b"\x00")
                inflater, fed = zlib.decompressobj(GZIP_WBITS), False
    if fed and not inflater.eof:
        return "gzip data ends in the middle of a record"
    return None
