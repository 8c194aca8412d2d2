"""The run loop: an interrupted ingest keeps its committed batches and a re-run resumes without duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import pipeline
from storyline.config import Settings
from storyline.store import Store

BODY = (
    "The county water board voted on Monday to raise rates by {n} percent next year, saying the aging pipes under "
    "the old town centre need urgent repair. Board chair Lena Ortiz said the increase was the smallest that would "
    "keep the system safe, and residents will be able to comment at a hearing next month."
)


def write_inputs(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        text = f"Water rates to rise {i + 3} percent\n\n{BODY.format(n=i + 3)}\n"
        (folder / f"water{i}.txt").write_text(text, encoding="utf-8")


def test_interrupted_ingest_keeps_committed_batches_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_inputs(tmp_path / "in", 5)
    monkeypatch.setattr(pipeline, "INGEST_BATCH", 2)
    settings = Settings.load()
    db = tmp_path / "s.db"
    seen = 0

    def interrupt_after_three(_: int) -> None:
        nonlocal seen
        seen += 1
        if seen == 3:
            raise KeyboardInterrupt

    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        pipeline.ingest_paths([str(tmp_path / "in")], store, settings, progress=interrupt_after_three)
    with Store(db) as store:
        assert store.count_articles() == 2  # the first batch was committed before the interruption
        report = pipeline.ingest_paths([str(tmp_path / "in")], store, settings)
        assert (len(report.new), len(report.existing), report.failed) == (3, 2, 0)
        assert store.count_articles() == 5
        assert len(set(store.article_ids())) == 5


def test_analyse_runs_every_stage_in_order(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", 3)
    settings = Settings.load()
    names: list[str] = []
    with Store(":memory:") as store:
        report = pipeline.ingest_paths([str(tmp_path / "in")], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new), on_stage=names.append)
        assert names == ["nlp", "captions", "dedupe", "stories", "extract", "timeline", "brief", "claims"]
        stories = list(store.iter_stories())
        assert len(stories) == 1 and len(stories[0].articles) == 3
        assert stories[0].summary and all(c.sources for c in stories[0].summary)
