"""The bundled demo corpus as code sees it: the builder is deterministic, and ingest reads every labelled article.

The labels and files themselves (counts, copies, noise, references, shipped = built) are checked by
bench/check_data.py; see tests/test_eval_corpus.py.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from storyline.config import Settings
from storyline.ingest import Read, read_inputs

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"
LABELS = REPO / "bench" / "data" / "demo_labeled.jsonl"


def _load_builder() -> ModuleType:
    """Import examples/build_demo.py by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_demo", REPO / "examples" / "build_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def labels() -> list[dict[str, Any]]:
    """The shipped labels, one dict per article."""
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]


def test_build_is_reproducible(tmp_path: Path) -> None:
    """Two builds give the same bytes, including the gzipped WARC (fixed dates and record ids)."""
    first, second = tmp_path / "one", tmp_path / "two"
    written = _load_builder().build(first)
    _load_builder().build(second)
    assert any(p.name.endswith(".warc.gz") for p in written) and (first / "bench" / "data").exists()
    for path in written:
        again = second / path.relative_to(first)
        assert path.read_bytes() == again.read_bytes(), path.name


def test_ingest_reads_every_demo_article(labels: list[dict[str, Any]]) -> None:
    """The ingest stage reads all labelled articles from examples/demo and rejects nothing."""
    results = list(read_inputs([str(DEMO)], Settings.load()))
    rejected = [str(r) for r in results if not isinstance(r, Read)]
    assert rejected == []
    reads = [r for r in results if isinstance(r, Read)]
    assert reads and len(reads) == len(labels)
    assert Counter(r.format for r in reads)["warc"] == sum(a["format"] == "warc" for a in labels)
    by_title = {a["title"]: a for a in labels}
    assert {r.article.title for r in reads} == set(by_title)
    for read in reads:
        label = by_title[read.article.title]
        got = [p.text for p in read.article.paragraphs]
        # Every labelled paragraph arrives intact (encodings repaired, markup stripped); what else arrives is
        # the page's boilerplate or, in text files, the byline/date line that the cleaner parses.
        assert [p for p in label["text"].split("\n\n") if p not in got] == [], label["id"]
        extra = [p for p in got if p not in label["text"].split("\n\n") and p not in label["boilerplate"]]
        assert [p for p in extra if not p.startswith("By ")] == [], label["id"]
        if read.format != "txt":
            assert read.article.published == label["published"], label["id"]
            assert read.article.outlet == label["outlet"], label["id"]
