"""The command line as a user runs it: exit codes, the summary line, errors naming the file, outputs on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.cli import main

FERRY = (
    "Ferry operator halts night crossings after engine fire\n\n"
    "By Maya Lund Mar 4, 2025\n\n"
    "The Harbor Line ferry company suspended all night crossings on Tuesday after an engine fire forced 212 "
    "passengers onto lifeboats near Gull Island.\n\n"
    "Company director Ines Marlow said the fleet would be inspected before service resumed. \"Nobody will sail at "
    "night until every engine has been checked,\" Marlow told reporters.\n"
)

FERRY_AGAIN = (
    "Night ferries stopped after blaze on crossing\n\n"
    "The Harbor Line ferry company has stopped night sailings after a fire broke out in the engine room of one of "
    "its boats near Gull Island on Tuesday.\n\n"
    "All 212 people on board were moved to lifeboats and nobody was hurt, director Ines Marlow said, adding that "
    "the whole fleet would be inspected.\n"
)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ferry1.txt").write_text(FERRY, encoding="utf-8")
    (folder / "ferry2.txt").write_text(FERRY_AGAIN, encoding="utf-8")
    return folder


def run(*argv: str) -> int:
    return main(list(argv))


def test_run_writes_stories_json_and_a_report(tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, out = tmp_path / "s.db", tmp_path / "out"
    assert run("--db", str(db), "run", str(inputs), "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert "read 2 · new 2" in printed and "failed 0" in printed
    assert str(out / "report.html") in printed
    data = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    assert data["schema"] == "storyline/stories@1"
    assert {a["title"] for a in data["articles"]} == {
        "Ferry operator halts night crossings after engine fire",
        "Night ferries stopped after blaze on crossing",
    }
    keys = {"id", "title", "articles", "summary", "timeline", "entities", "quotes", "figures"}
    assert data["stories"] and all(keys <= set(story) for story in data["stories"])
    assert "<html" in (out / "report.html").read_text(encoding="utf-8").lower()


def test_ingesting_the_same_files_twice_adds_nothing(
    tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.db")
    assert run("--db", db, "ingest", str(inputs)) == 0
    capsys.readouterr()
    assert run("--db", db, "ingest", str(inputs)) == 0
    assert "new 0 · already stored 2" in capsys.readouterr().out
    assert run("--db", db, "articles") == 0
    assert "2 articles" in capsys.readouterr().out


def test_a_broken_input_is_reported_and_the_rest_processed(
    tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (inputs / "broken.txt").write_bytes(b"")
    missing = tmp_path / "nowhere.txt"
    db = str(tmp_path / "s.db")
    assert run("--db", db, "ingest", str(inputs), str(missing)) == 1
    captured = capsys.readouterr()
    assert "broken.txt" in captured.err and "nowhere.txt" in captured.err
    assert "Traceback" not in captured.err
    assert "new 2" in captured.out and "failed 2" in captured.out


def test_usage_errors_exit_2_with_a_message(tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    assert run("--db", db, "show", "anything") == 2
    assert "no such store" in capsys.readouterr().err
    run("--db", db, "ingest", str(inputs))
    capsys.readouterr()
    assert run("--db", db, "show", "no-such-id") == 2
    assert "no article with id 'no-such-id'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        run("--db", db, "export", "--format", "pdf")
    assert exit_info.value.code == 2


def test_show_prints_the_article_with_its_parsed_byline(
    tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.db")
    run("--db", db, "ingest", str(inputs))
    capsys.readouterr()
    run("--db", db, "--quiet", "articles")
    listing = capsys.readouterr().out
    first_id = next(line.split()[0] for line in listing.splitlines() if "Ferry operator" in line)
    assert run("--db", db, "show", first_id) == 0
    shown = capsys.readouterr().out
    assert "212 passengers" in shown


def test_export_markdown_and_html(tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    run("--db", db, "ingest", str(inputs))
    capsys.readouterr()
    assert run("--db", db, "export", "--format", "md") == 0
    markdown = capsys.readouterr().out
    assert "# " in markdown and "ferr" in markdown.lower()
    html = tmp_path / "r.html"
    assert run("--db", db, "export", "--format", "html", "-o", str(html)) == 0
    assert "Gull Island" in html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo corpus run once through the whole pipeline."""
    db = tmp_path_factory.mktemp("demo") / "s.db"
    demo = Path(__file__).resolve().parent.parent / "examples" / "demo"
    assert main(["--db", str(db), "--quiet", "ingest", str(demo)]) == 0
    return str(db)


def story_id(db: str, capsys: pytest.CaptureFixture[str], search: str) -> str:
    capsys.readouterr()
    assert run("--db", db, "stories", "--search", search) == 0
    listing = capsys.readouterr().out
    return next(line.split()[0] for line in listing.splitlines() if line.strip().startswith("s-"))


def test_stories_lists_newest_first_and_filters(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("--db", demo_db, "stories") == 0
    listing = capsys.readouterr().out
    lasts = [line.split()[2] for line in listing.splitlines() if line.strip().startswith("s-")]
    assert len(lasts) >= 6 and lasts == sorted(lasts, reverse=True)
    # piped output keeps each story on one line, its whole title after the counts (for grep and cut)
    rows = [line for line in listing.splitlines() if line.strip().startswith("s-")]
    assert rows and all(len(line.split()) > 5 for line in rows)
    assert run("--db", demo_db, "stories", "--entity", "Harriet Lowe", "--since", "2025-10-01") == 0
    filtered = capsys.readouterr().out
    assert "levy" in filtered.lower() and "Dockworkers" not in filtered


def test_duplicates_shows_the_wire_copies_and_the_stitched_page(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run("--db", demo_db, "duplicates") == 0
    shown = capsys.readouterr().out
    assert shown.count("  copy ") == 3
    assert "[stitched]" in shown and "earlier" in shown


def test_entities_quotes_timeline_and_brief(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("--db", demo_db, "entities", "--limit", "60") == 0
    entities = capsys.readouterr().out
    assert "Metropolitan" in entities and "MTA" in entities
    assert run("--db", demo_db, "quotes", "--speaker", "Whitfield") == 0
    quotes = capsys.readouterr().out
    assert "Whitfield" in quotes and "0 quotes" not in quotes
    sid = story_id(demo_db, capsys, "explosion")
    assert run("--db", demo_db, "timeline", sid) == 0
    assert "2025-09-25" in capsys.readouterr().out
    assert run("--db", demo_db, "brief", sid) == 0
    brief = capsys.readouterr().out
    assert "Ridgeway" in brief and "[1]" in brief and "Sources" in brief


def test_a_rebuilt_storyline_gets_its_timeline_and_brief_again(demo_db: str, tmp_path: Path) -> None:
    """A storyline the stories stage rewrote (no story of it touched) is rebuilt by the timeline and brief stages."""
    import shutil

    from storyline import brief, timeline
    from storyline.config import Settings
    from storyline.context import RunContext
    from storyline.store import Store

    db = tmp_path / "copy.db"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        [line, *_] = list(store.iter_storylines())
        before = (line.timeline, line.summary)
        assert before[0] and before[1]
        line.timeline, line.summary = [], []
        store.put_stories([], [line])  # as the stories stage writes a storyline it re-linked
        ctx = RunContext(store, Settings.load(), touched_storylines={line.id})
        timeline.run(ctx)
        brief.run(ctx)
        again = store.get_storylines([line.id])[line.id]
        assert (again.timeline, again.summary) == before
