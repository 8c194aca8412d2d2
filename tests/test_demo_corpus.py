"""The bundled demo corpus: shipped files match what examples/build_demo.py makes, and the labels are sound."""

from __future__ import annotations

import gzip
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
REFERENCES = REPO / "bench" / "data" / "demo_references.jsonl"
# Every input format the ingest stage reads, by file name ending.
FORMATS = {"txt": ".txt", "html": ".html", "jsonl": ".jsonl", "rss": ".rss", "warc": ".warc.gz"}


def _load_builder() -> ModuleType:
    """Import examples/build_demo.py by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_demo", REPO / "examples" / "build_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _warc_records(path: Path) -> list[tuple[dict[str, str], bytes]]:
    """Decoded WARC records: (record headers, content stream) each."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        return [(dict(rec.rec_headers.headers), rec.content_stream().read()) for rec in ArchiveIterator(fh)]


def _decode(data: bytes) -> str:
    """UTF-8, else the single-byte encoding a few demo pages use on purpose (Latin-1, cp1252)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus rebuilt from examples/demo_source.py into a fresh directory."""
    root = tmp_path_factory.mktemp("demo")
    _load_builder().build(root)
    return root


@pytest.fixture(scope="module")
def labels() -> list[dict[str, Any]]:
    """The shipped labels, one dict per article."""
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]


def test_shipped_files_are_what_the_builder_makes(rebuilt: Path) -> None:
    """Editing a demo file by hand (instead of demo_source.py) is caught."""
    built = sorted(p.name for p in (rebuilt / "examples" / "demo").iterdir())
    shipped = sorted(p.name for p in DEMO.iterdir())
    assert built == shipped
    for name in shipped:
        if name.endswith(".warc.gz"):
            assert _warc_records(DEMO / name) == _warc_records(rebuilt / "examples" / "demo" / name), name
        else:
            assert (DEMO / name).read_bytes() == (rebuilt / "examples" / "demo" / name).read_bytes(), (
                f"{name} differs: run python examples/build_demo.py"
            )
    assert LABELS.read_text(encoding="utf-8") == (rebuilt / "bench" / "data" / "demo_labeled.jsonl").read_text(
        encoding="utf-8"
    )


def test_build_is_reproducible(rebuilt: Path, tmp_path: Path) -> None:
    """Two builds give the same bytes, including the gzipped WARC (fixed dates and record ids)."""
    _load_builder().build(tmp_path)
    for path in (rebuilt / "examples" / "demo").iterdir():
        assert path.read_bytes() == (tmp_path / "examples" / "demo" / path.name).read_bytes(), path.name


def test_demo_folder_holds_only_pipeline_input_in_every_format() -> None:
    """No labels or README inside examples/demo, and each input format is there."""
    names = [p.name for p in DEMO.iterdir()]
    assert not [n for n in names if n.lower().startswith("readme") or "label" in n or "reference" in n]
    for fmt, ending in FORMATS.items():
        assert any(n.endswith(ending) for n in names), f"no {fmt} file in examples/demo"
    warc = next(DEMO.glob("*.warc.gz"))
    with gzip.open(warc) as fh:
        assert fh.read(9) == b"WARC/1.0\r"


def test_counts_of_articles_stories_and_outlets(labels: list[dict[str, Any]]) -> None:
    """About 40 articles in 5-6 stories from several outlets, every article 120-350 words."""
    assert 35 <= len(labels) <= 45
    assert len({a["id"] for a in labels}) == len(labels)
    stories = Counter(a["story"] for a in labels)
    assert 5 <= len(stories) <= 6
    assert min(stories.values()) >= 5
    assert len({a["outlet"] for a in labels}) >= 8
    for art in labels:
        words = len(art["text"].split())
        assert 120 <= words <= 350, (art["id"], words)
    assert {a["format"] for a in labels} == set(FORMATS)


def test_labels_are_honest_about_copies_and_noise(labels: list[dict[str, Any]]) -> None:
    """A copy has its original's story; a stitched page's reused paragraphs really are in their sources."""
    by_id = {a["id"]: a for a in labels}
    copies = [a for a in labels if "syndicated_copy" in a["flags"]]
    assert 3 <= len(copies) <= 4
    for copy in copies:
        original = by_id[copy["duplicate_of"]]
        assert copy["story"] == original["story"]
        assert copy["title"] != original["title"]
        assert "wire_original" in original["flags"]
    stitched = [a for a in labels if "stitched" in a["flags"]]
    assert len(stitched) == 1
    page = stitched[0]
    paragraphs = page["text"].split("\n\n")
    sources = {r["article"] for r in page["reused_from"]}
    assert 2 <= len(sources) <= 3 and len(page["reused_from"]) > len(paragraphs) / 2
    for ref in page["reused_from"]:
        source = by_id[ref["article"]]
        assert paragraphs[ref["paragraph"]] == source["text"].split("\n\n")[ref["source_paragraph"]]
        assert source["published"] < page["published"]
    assert [a["id"] for a in labels if a["published"] is None] == [a["id"] for a in labels if "no_date" in a["flags"]]
    assert len([a for a in labels if a["published"] is None]) == 1
    assert [a["language"] for a in labels if "non_english" in a["flags"]] == ["es"]
    off = [a for a in labels if "off_topic_paragraph" in a["flags"]]
    assert len(off) == 1 and "football" in off[0]["text"].split("\n\n")[off[0]["off_topic"][0]]


def test_noise_of_the_real_web_is_in_the_input_files() -> None:
    """Boilerplate, a misspelt name, an acronym and conflicting figures are all there to be dealt with."""
    files = [p.read_bytes() for p in DEMO.iterdir() if not p.name.endswith(".gz")]
    files += [body for warc in DEMO.glob("*.warc.gz") for _, body in _warc_records(warc)]
    text = "\n".join(_decode(data) for data in files)
    for needle in (
        "Related Articles",
        "Advertisement",
        "Share this",
        "(Photo by",
        " ...\n",
        "Dellaney",
        "Council President Marcus Delaney",
        "Metropolitan Transit Authority (MTA)",
        "injured 14",
        "injured 16",
        "1.2 million bottles",
        "1.4 million bottles",
    ):
        assert needle in text, needle
    for mark in ("“", "”", "‘", "’", '"', "«"):
        assert mark in text


def test_references_cover_every_story(labels: list[dict[str, Any]]) -> None:
    """One 60-120 word reference summary per story, for bench/brief.py."""
    refs = [json.loads(line) for line in REFERENCES.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["story"] for r in refs) == sorted({a["story"] for a in labels})
    for ref in refs:
        assert 60 <= len(ref["summary"].split()) <= 120, ref["story"]


def test_ingest_reads_every_demo_article(labels: list[dict[str, Any]]) -> None:
    """The ingest stage reads all labelled articles from examples/demo and rejects nothing."""
    results = list(read_inputs([str(DEMO)], Settings.load()))
    rejected = [str(r) for r in results if not isinstance(r, Read)]
    assert rejected == []
    reads = [r for r in results if isinstance(r, Read)]
    assert len(reads) == len(labels)
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
        assert all(p.startswith("By ") for p in extra), (label["id"], extra)
        if read.format != "txt":
            assert read.article.published == label["published"], label["id"]
            assert read.article.outlet == label["outlet"], label["id"]


def test_conflicting_figures_are_stated_where_the_source_says(labels: list[dict[str, Any]]) -> None:
    """Each listed conflict report is in exactly the articles it names, and each conflict has two values."""
    conflicts = _load_builder().load_source().CONFLICTS
    for conflict in conflicts:
        story = [a for a in labels if a["story"] == conflict["story"]]
        assert len({r["value"] for r in conflict["reports"]}) >= 2, conflict["subject"]
        for report in conflict["reports"]:
            stating = sorted(a["id"] for a in story if report["text"].lower() in a["text"].lower())
            assert stating == sorted(report["articles"]), report["text"]
