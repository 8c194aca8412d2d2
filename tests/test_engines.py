"""Engines: the parse on worker processes gives the same docs, and the Ray engine the same stories as the local one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clock import without_clock

from storyline import nlp as nlp_stage
from storyline import report
from storyline.cli import main
from storyline.config import Settings
from storyline.context import RunContext
from storyline.engines import engine_for
from storyline.engines.local import LocalEngine
from storyline.model import Article, Paragraph
from storyline.store import Store
from storyline.text import parser

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"

ARTICLES = [
    Article(id="rates", title="Water rates to rise", paragraphs=[
        Paragraph("The county water board voted on Monday to raise rates by 4 percent next year."),
        Paragraph("Board chair Lena Ortiz said the increase was the smallest that would keep the pipes safe."),
    ]),
    Article(id="bridge", title="Bridge closed", paragraphs=[
        Paragraph("The Harbor Street bridge will close for repairs from March 3, the city said on Tuesday."),
        Paragraph('"We have no choice," said engineer Tom Becker. Ferries will run every twenty minutes.'),
    ]),
    Article(id="market", title="Market reopens", paragraphs=[
        Paragraph("The old fish market reopened on Saturday after a fire in January destroyed its roof."),
    ]),
]


def test_parse_on_two_worker_processes_gives_the_docs_and_sentences_of_one(nlp: parser.NLP) -> None:
    one = list(nlp.parse_serialised(ARTICLES, workers=1))
    try:
        two = list(nlp.parse_serialised(ARTICLES * 20, workers=2))  # more articles than one task: both parse
    finally:
        nlp.close_pool()
    assert two == one * 20
    bridge = one[1][1]
    assert ARTICLES[1].cut(bridge[0].span) == ARTICLES[1].paragraphs[0].text
    assert (bridge[0].paragraph, bridge[-1].paragraph) == (0, 1)
    assert ARTICLES[1].cut(bridge[-1].span).endswith("every twenty minutes.")


def test_nlp_stage_stores_docs_and_sentences_of_every_article(store: Store, settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_articles([Article.from_dict(a.to_dict()) for a in ARTICLES])
    monkeypatch.setattr(nlp_stage, "CHUNK", 2)  # chunks smaller than the corpus: every chunk is written
    nlp_stage.run(RunContext(store, settings, new_ids=store.article_ids(), workers=2))
    assert store.doc_ids() == {"rates", "bridge", "market"}
    market = store.get_article("market")
    assert [market.cut(s.span) for s in market.sentences] == [ARTICLES[2].paragraphs[0].text]


def test_engine_names_are_checked() -> None:
    with pytest.raises(ValueError, match="choose one of local, ray"):
        engine_for("spark")
    with pytest.raises(ValueError, match="for --engine ray only"):
        engine_for("local", address="auto")
    assert isinstance(engine_for("local", workers=1), LocalEngine)


def test_cli_rejects_a_negative_worker_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", str(tmp_path / "s.db"), "run", str(DEMO), "--out", str(tmp_path / "out"), "--workers", "-1"])
    assert code == 2
    assert "--workers -1" in capsys.readouterr().err


# -- the Ray engine against the local one on the demo corpus -------------------------------------------------
# Keys that say when the tool did something (made the file, stored an article, merged two stories), not what
# the articles say: two runs differ in them whatever engine ran.
def _stories(store: Store) -> dict[str, Any]:
    """stories.json as a user reads it, without the times the tool did things."""
    return dict(without_clock(report.stories_json(store)))


@pytest.fixture(scope="module")
def ray_session() -> Iterator[Any]:
    """A local Ray of two CPUs for this module (skipped when the extra is not installed)."""
    ray = pytest.importorskip("ray", reason="the Ray engine needs the extra: pip install 'storyline[ray]'")
    pytest.importorskip("ray.data", reason="the Ray engine needs Ray Data: pip install 'storyline[ray]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_engine_writes_the_stories_duplicates_and_briefs_of_the_local_engine(
    ray_session: Any, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.engines.ray import RayMapper, write_parquet

    on_actors: list[bool] = []
    run_stories = RayMapper.run_stories

    def noted(self: RayMapper, jobs: list[Any]) -> list[list[Any]] | None:
        done = run_stories(self, jobs)
        on_actors.append(done is not None)
        return done

    monkeypatch.setattr(RayMapper, "run_stories", noted)

    with Store(":memory:") as local_store:
        local = engine_for("local", workers=1).run([str(DEMO)], local_store, settings)
        expected = _stories(local_store)
    with Store(str(tmp_path / "ray.db")) as ray_store:  # a file: the actors read the stories' articles from it
        got = engine_for("ray", workers=1).run([str(DEMO)], ray_store, settings)
        stories = _stories(ray_store)
        paths = write_parquet(ray_store, tmp_path / "parquet")
        dups = {a.id: a.duplicate_of for a in ray_store.iter_articles()}
    assert (got.read, len(got.new), got.failed) == (local.read, len(local.new), local.failed)
    assert on_actors == [True, True, True]  # timeline, brief and claims ran on the actors
    assert any(dups.values()), "the demo corpus has copies: the comparison covers duplicates"
    assert [s["summary"] for s in stories["stories"]] == [s["summary"] for s in expected["stories"]]
    assert json.dumps(stories, sort_keys=True) == json.dumps(expected, sort_keys=True)

    import pyarrow.parquet as pq

    tables = {p.stem: pq.read_table(p) for p in paths}
    assert tables["articles"].num_rows == local.read
    assert tables["stories"].num_rows == len(expected["stories"])
    kinds = set(tables["facts"].column("kind").to_pylist())
    assert kinds <= {"quote", "figure", "date"} and "quote" in kinds
