"""Issue 12: the CLI shows a date at the precision it is known (a month as "2017-08", never an invented day)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.cli import main
from storyline.model import Article, Paragraph, Story, TimelineEntry
from storyline.store import Store


def test_timeline_prints_a_month_and_a_year_at_their_precision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    with Store(str(db)) as store:
        store.add_articles([Article(id="a", published="2017-11-15", paragraphs=[Paragraph("The city sued.")])])
        timeline = [
            TimelineEntry("2016-01-01", "The city adopted its policy in 2016.", ["a"], "year"),
            TimelineEntry("2017-08-01", "The city filed suit in August.", ["a"], "month"),
            TimelineEntry("2017-11-15", "A judge ruled for the city on Wednesday.", ["a"], "day"),
        ]
        store.put_stories([Story(id="s", title="Grant suit", articles=["a"], timeline=timeline)])
    capsys.readouterr()
    assert main(["--db", str(db), "timeline", "s"]) == 0
    out = capsys.readouterr().out
    assert "2017-08  " in out and "2017-08-01" not in out
    assert "2016  " in out and "2016-01-01" not in out
    assert "2017-11-15" in out
