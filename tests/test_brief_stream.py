"""The brief stage in a stream run: a storyline's brief fits only the stories the run touched, also on a store whose
brief state was written before it kept the storyline picks (they are made up once, on its first stream run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import brief
from storyline.brief import summary
from storyline.config import Settings
from storyline.context import RunContext
from storyline.model import Article, Paragraph, Story, Storyline
from storyline.store import Store

# Three stories of one storyline: a dam's spillway cracks, the town is evacuated, the dam is repaired.
REPORTS = {
    "s1": ["Engineers found a crack in the spillway of the Velmor dam on Monday, the water board said.",
           "The Velmor water board said on Monday that engineers had found a crack in the dam's spillway."],
    "s2": ["About 2,400 residents of Lower Velmor left their homes on Tuesday as the reservoir was drained.",
           "Some 2,400 people were evacuated from Lower Velmor on Tuesday while the reservoir was lowered."],
    "s3": ["Repairs to the Velmor dam spillway were finished on Friday and residents began to return home.",
           "Crews finished repairing the Velmor spillway on Friday, and evacuated residents started going back."],
    # and another storyline: a ferry strike and its end
    "s4": ["Crews of the Tarsk island ferries walked out on Wednesday over a pay offer, stranding 900 passengers.",
           "The Tarsk ferry crews went on strike on Wednesday over pay, leaving 900 passengers stranded."],
    "s5": ["The Tarsk ferry strike ended on Sunday after the operator raised its pay offer to 6 percent.",
           "Tarsk ferry crews returned to work on Sunday once the operator offered a 6 percent raise."],
}
LINES = {"line": ["s1", "s2", "s3"], "ferry": ["s4", "s5"]}
DAYS = {"s1": "2024-05-06", "s2": "2024-05-07", "s3": "2024-05-10", "s4": "2024-06-05", "s5": "2024-06-09"}
LATER = {"s1": ["The water board confirmed on Monday that engineers had found a crack in the Velmor dam spillway.",
                "Inspectors of the water board found a crack in the spillway of the Velmor dam on Monday."],
         "s4": ["About 900 passengers were stranded on Wednesday when the Tarsk ferry crews struck over pay."]}


def _article(aid: str, story: str, text: str) -> Article:
    """One report of a story, on the story's day."""
    return Article(id=aid, title=text.split(",")[0], outlet=f"Outlet {aid}", published=DAYS[story], story=story,
                   paragraphs=[Paragraph(text)])


def _store(path: Path) -> Store:
    """A store holding the three stories and their storyline, briefed by a batch run."""
    store = Store(path)
    arts = [_article(f"{sid}-{k}", sid, text) for sid, texts in REPORTS.items() for k, text in enumerate(texts)]
    store.add_articles(arts)
    line_of = {sid: line for line, sids in LINES.items() for sid in sids}
    stories = [Story(id=sid, articles=[f"{sid}-{k}" for k in range(len(texts))], storyline=line_of[sid],
                     first_date=DAYS[sid], last_date=DAYS[sid]) for sid, texts in REPORTS.items()]
    store.put_stories(stories, [Storyline(id=line, stories=sids) for line, sids in LINES.items()])
    brief.run(RunContext(store, Settings.load()))
    return store


def _add(store: Store, sid: str, k: int) -> None:
    """Add the story's k-th later report, as the stories stage of a stream run leaves it, and brief the run."""
    aid = f"{sid}-late{k}"
    store.add_articles([_article(aid, sid, LATER[sid][k])])
    story = store.get_story(sid)
    story.articles.append(aid)
    store.put_stories([story])
    brief.run(RunContext(store, Settings.load(), new_ids=[aid], touched_stories={sid},
                         touched_storylines={story.storyline or ""}))


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The article ids of every brief fit made (appended as they are made)."""
    made: list[list[str]] = []
    real = summary.Summariser.fit

    def counted(self: summary.Summariser, articles: list[Article], docs: object = None) -> summary.Summariser:
        made.append([a.id for a in articles])
        return real(self, articles, docs)  # type: ignore[arg-type]

    monkeypatch.setattr(summary.Summariser, "fit", counted)
    return made


def _lines(store: Store) -> dict[str, list[tuple[str, list[str]]]]:
    """The storylines' briefs as a reader sees them: each sentence and its sources."""
    return {line.id: [(c.text, c.sources) for c in line.summary] for line in store.iter_storylines()}


def _batch_lines(tmp_path: Path, later: dict[str, int]) -> dict[str, list[tuple[str, list[str]]]]:
    """The storyline briefs a batch run gives over the same stories, with these many later reports of each."""
    with _store(tmp_path / f"batch{sorted(later.items())}.db") as store:
        for sid, n in later.items():
            store.add_articles([_article(f"{sid}-late{k}", sid, LATER[sid][k]) for k in range(n)])
            story = store.get_story(sid)
            story.articles += [f"{sid}-late{k}" for k in range(n)]
            store.put_stories([story])
        brief.run(RunContext(store, Settings.load()))
        return _lines(store)


def test_a_stream_run_refits_only_the_story_it_touched(tmp_path: Path, fits: list[list[str]]) -> None:
    with _store(tmp_path / "s.db") as store:
        fits.clear()
        _add(store, "s1", 0)
        assert fits == [["s1-0", "s1-1", "s1-late0"]], "the untouched members' picks were kept, not refitted"
        assert _lines(store) == _batch_lines(tmp_path, {"s1": 1})


def test_a_store_without_kept_picks_gets_them_once_then_fits_only_touched_stories(
        tmp_path: Path, fits: list[list[str]]) -> None:
    with _store(tmp_path / "s.db") as store:
        store.clear_state("brief")  # a store written before the brief state kept storyline picks
        fits.clear()
        _add(store, "s1", 0)  # every storyline story is fitted once, also those of the other storyline
        every = ["s1-late0", *(f"{sid}-{k}" for sid in REPORTS for k in (0, 1))]
        assert sorted(a for f in fits for a in f) == sorted(every)
        assert _lines(store) == _batch_lines(tmp_path, {"s1": 1})
        fits.clear()
        _add(store, "s1", 1)
        assert fits == [["s1-0", "s1-1", "s1-late0", "s1-late1"]]
        fits.clear()
        _add(store, "s4", 0)  # the other storyline's untouched member was kept by the first run
        assert fits == [["s4-0", "s4-1", "s4-late0"]]
        assert _lines(store) == _batch_lines(tmp_path, {"s1": 2, "s4": 1})


def test_the_one_time_backfill_reads_story_outlines_not_whole_stories(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with _store(tmp_path / "s.db") as store:
        store.clear_state("brief")  # a store written before the brief state kept storyline picks
        read_whole: list[str] = []
        real = Store.get_stories

        def whole(self: Store) -> list[Story]:
            read_whole.append("every story")
            return []

        def some(self: Store, ids: object) -> dict[str, Story]:
            got = real(self, ids)  # type: ignore[arg-type]
            read_whole.extend(got)
            return got

        monkeypatch.setattr(Store, "iter_stories", whole)
        monkeypatch.setattr(Store, "get_stories", some)
        _add(store, "s1", 0)
        assert read_whole == [], "the backfill read whole stories (entities, quotes, timeline) to make outlines"
        monkeypatch.undo()
        assert _lines(store) == _batch_lines(tmp_path, {"s1": 1})


def test_a_stream_brief_writes_only_the_brief_and_keeps_the_rest_of_the_story(tmp_path: Path) -> None:
    from storyline.model import Citation, TimelineEntry

    with _store(tmp_path / "s.db") as store:
        story = store.get_story("s2")
        story.timeline = [TimelineEntry(date="2024-05-07", text="Residents left Lower Velmor.", sources=["s2-0"])]
        store.put_stories([story])
        outline = store.story_outlines(["s2", "gone"])["s2"]
        assert (outline.articles, outline.first_date, outline.storyline) == (["s2-0", "s2-1"], DAYS["s2"], "line")
        outline.title, outline.summary = "Lower Velmor evacuated", [Citation(text="Residents left.", sources=["s2-1"])]
        store.put_briefs([outline])
        again = store.get_story("s2")
        assert again.title == "Lower Velmor evacuated" and again.summary == outline.summary
        assert again.timeline == story.timeline and again.articles == story.articles
        assert store.story_outlines(["s2"])["s2"].title == "Lower Velmor evacuated"


def test_a_story_titled_from_its_headlines_alone_gets_the_title_of_its_whole_articles(tmp_path: Path) -> None:
    from storyline.brief.summary import order_articles
    from storyline.brief.titles import story_title

    with _store(tmp_path / "s.db") as store:
        story = store.get_story("s4")
        heads = store.article_headlines([*story.articles, "gone"])
        assert sorted(a.id for a in heads) == story.articles
        whole = list(store.iter_articles(story.articles))
        assert story_title(order_articles(story, heads)) == story_title(order_articles(story, whole))
        assert [a.paragraphs[0].text for a in order_articles(story, heads)] == REPORTS["s4"]


def test_an_undated_member_is_placed_by_its_timeline_in_a_streamed_storyline_brief(tmp_path: Path) -> None:
    from storyline.model import TimelineEntry

    with _store(tmp_path / "s.db") as store:
        story = store.get_story("s3")  # no first date, a timeline event before the other stories'
        story.first_date = None
        story.timeline = [TimelineEntry(date="2024-05-01", text="The spillway was inspected.", sources=["s3-0"])]
        store.put_stories([story])
        _add(store, "s1", 0)
        line = store.get_storylines(["line"])["line"].summary
        assert line[0].article in story.articles
