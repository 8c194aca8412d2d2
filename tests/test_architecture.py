"""The house rules, checked on the source: no import circle, stages import only the shared modules, no file
past 800 lines. The checker is scripts/import_graph.py; the first tests show it catches what it must."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "storyline"
MAX_LINES = 800  # the house limit: past it a file holds more than one concept (STYLE.md)


@pytest.fixture(scope="module")
def checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", REPO / "scripts" / "import_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    return module


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checker_finds_a_circle_and_a_stage_importing_another(tmp_path: Path, checker: ModuleType) -> None:
    root = _package(tmp_path / "storyline", {
        "__init__.py": "",
        "model.py": "",
        "clean/__init__.py": "from .cleaner import tidy\n",
        "clean/cleaner.py": "from ..model import Article\ndef tidy(): ...\n",
        "brief/__init__.py": "def f():\n    from ..claims import claims\n",
        "claims/__init__.py": "from ..brief import f\n",
    })  # fmt: skip
    edges = checker.graph(root)
    assert checker.circles(edges) == [["storyline.brief", "storyline.claims"]]
    breaks = checker.rule_breaks(edges)
    assert any("storyline.claims imports storyline.brief" in b for b in breaks)
    assert not any("clean" in b for b in breaks)  # a stage's own modules and the shared ones are fine


def test_no_import_circle_and_stages_import_only_shared_modules(
    checker: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    status = checker.main([str(SRC)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert " 0 problems" in out


def test_no_source_file_past_the_house_limit() -> None:
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines()) for p in SRC.rglob("*.py")}
    long = {path: n for path, n in sizes.items() if n > MAX_LINES}
    assert not long, f"files past {MAX_LINES} lines: {long}"
