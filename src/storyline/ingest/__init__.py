"""Ingest: one reader per input format, all yielding Articles.

:func:`read_inputs` walks files and directories and yields a :class:`Read` per article or a
:class:`storyline.model.Rejected` per input that failed; it never raises for bad input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..model import Article, Paragraph, Rejected, Source


@dataclass
class Read:
    """One article as read, with the raw content it came from (kept in the store)."""

    article: Article
    raw: str
    path: str
    format: str


def read_inputs(paths: Sequence[str], settings: Settings) -> Iterator[Read | Rejected]:
    """Yield every article in the given files and directories (stub: plain text only)."""
    for p in paths:
        path = Path(p)
        files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
        for f in files:
            try:
                raw = f.read_text(encoding="utf-8")
            except OSError as exc:
                yield Rejected(str(f), "ingest", str(exc))
                continue
            blocks = [b.strip() for b in raw.split("\n\n") if b.strip()]
            if not blocks:
                yield Rejected(str(f), "ingest", "empty file")
                continue
            aid = hashlib.sha1(raw.encode()).hexdigest()[:16]
            art = Article(id=aid, title=blocks[0], paragraphs=[Paragraph(b) for b in blocks[1:]],
                          source=Source(str(f), "txt"))
            yield Read(art, raw, str(f), "txt")
