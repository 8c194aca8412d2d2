"""The data check of bench/data and examples/demo (bench/check_data.py) passes on the shipped files and, on a
broken copy, fails the check concerned and names the article or file that broke it.

The shape of the labeled corpora is data, so it is checked by that script (one line per check), not by a test
per line; these tests check the checker, and keep `make test` failing when a data file goes bad.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
DEMO = REPO / "examples" / "demo"


def _checker() -> ModuleType:
    """Import bench/check_data.py by path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("check_data", REPO / "bench" / "check_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while the class is made
    spec.loader.exec_module(module)
    return module


CHECKER = _checker()


def test_the_shipped_data_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert CHECKER.main([]) == 0
    out = capsys.readouterr().out
    n = len(CHECKER.CHECKS)
    assert "FAIL" not in out and f"{n}/{n} checks passed on 112 labeled articles" in out


def _rewrite(path: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """Apply change to the rows of a JSONL file, in place."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    change(rows)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _headline_in_text(rows: list[dict[str, Any]]) -> None:
    rows[2]["text"] = rows[2]["title"] + "\n\n" + rows[2]["text"]


def _copy_of_nothing(rows: list[dict[str, Any]]) -> None:
    next(r for r in rows if r["duplicate_of"])["duplicate_of"] = "ev-999"


def _two_event_dates(rows: list[dict[str, Any]]) -> None:
    rows[1]["event_date"] = "2025-01-01"


@pytest.mark.parametrize(
    ("change", "check", "problem"),
    [
        (_headline_in_text, "labeled: texts are clean paragraphs without the headline",
         "ev-003: the headline is repeated in the text"),
        (_copy_of_nothing, "labeled: copies point at an original of their story",
         "duplicate_of is not another article of its story"),
        (_two_event_dates, "labeled: dates parse and hang together", "stories with more than one event date"),
    ],
    ids=["headline", "copy", "event-date"],
)  # fmt: skip
def test_a_broken_article_fails_its_check_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Callable[[list[dict[str, Any]]], None],
    check: str, problem: str,
) -> None:  # fmt: skip
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    _rewrite(data / "labeled.jsonl", change)
    assert CHECKER.main(["--data", str(data)]) == 1
    lines = capsys.readouterr().out.splitlines()
    failed = [line for line in lines if line.startswith("FAIL")]
    assert failed == [f"FAIL {check}"]
    assert problem in lines[lines.index(failed[0]) + 1]


def test_a_line_that_is_not_json_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    lines = (data / "references.jsonl").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3][:-1]
    (data / "references.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert CHECKER.main(["--data", str(data)]) == 1
    assert "references.jsonl line 4 is not JSON" in capsys.readouterr().out


def test_a_demo_file_edited_by_hand_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    page = sorted(demo.glob("*.html"))[0]
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>edited</p></body>"))
    assert CHECKER.main(["--demo", str(demo)]) == 1
    out = capsys.readouterr().out
    assert "FAIL demo: shipped files are what examples/build_demo.py makes" in out
    assert f"{page.name} differs: run python examples/build_demo.py" in out
