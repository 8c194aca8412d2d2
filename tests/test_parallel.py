"""Per-article stages on worker processes: the same stories, facts and flags as one process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from clock import without_clock

from storyline import pipeline, report
from storyline.config import Settings
from storyline.context import RunContext, StoryJob, story_task
from storyline.engines import engine_for
from storyline.model import Article, Paragraph, Sentence, Story
from storyline.store import Store
from storyline.text import parser

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"
def _run_demo(settings: Settings, workers: int, path: str = ":memory:") -> tuple[str, dict[str, Any], dict[str, Any]]:
    """stories.json (without times) of the demo corpus, and every article's facts and the brief's kept storyline
    picks, run with ``workers`` into a store at ``path``."""
    with Store(path) as store:
        engine_for("local", workers=workers).run([str(DEMO)], store, settings)
        facts = {a.id: [a.flags, [p.flags for p in a.paragraphs], [q.to_dict() for q in a.quotes],
                        [d.to_dict() for d in a.dates], [f.to_dict() for f in a.figures], len(a.mentions)]
                 for a in store.iter_articles()}
        parts = store.get_state("brief", prefix="part:")
        return json.dumps(without_clock(report.stories_json(store)), sort_keys=True), facts, parts


def test_two_workers_write_the_stories_json_of_one(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    one, one_facts, one_parts = _run_demo(settings, workers=1, path=str(tmp_path / "one.db"))
    sent: list[str] = []
    imap, run_all = parser.WorkerPool.imap, parser.WorkerPool.run_all

    def recording(self: parser.WorkerPool, func: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        def noted() -> Iterator[Any]:
            for task in tasks:
                sent.append(task[0].__name__ if func is parser._map_task else func.__name__)
                yield task
        return imap(self, func, noted())

    def recording_all(self: parser.WorkerPool, func: Callable[[Any], Any], tasks: list[Any]) -> list[Any]:
        sent.extend(task[0].__name__ for task in tasks)  # a story task: (batch function, settings, store, stories)
        return run_all(self, func, tasks)

    monkeypatch.setattr(parser.WorkerPool, "imap", recording)
    monkeypatch.setattr(parser.WorkerPool, "run_all", recording_all)
    monkeypatch.setattr(parser, "POOL_MIN_ARTICLES", 1)  # the demo corpus is small: use the pool all the same
    two, two_facts, two_parts = _run_demo(settings, workers=2, path=str(tmp_path / "two.db"))
    # the per-article work of the parse, captions, stories and extract left this process, and so did the
    # per-story work of the timeline, the brief and the claims
    assert {"_parse_task", "_flag_batch", "_featurise_batch", "_extract_batch"} <= set(sent)
    assert {"_timeline_batch", "_brief_batch", "_claims_batch"} <= set(sent)
    assert two_facts == one_facts
    assert any(quotes for _, _, quotes, *_ in one_facts.values())
    assert one_parts and two_parts == one_parts  # the demo corpus has storylines: their stories' picks were kept
    assert two == one
    stories = json.loads(one)["stories"]
    # what the workers made is there to compare: briefs, timelines and claims of most demo stories
    for field in ("summary", "timeline", "claims"):
        assert sum(1 for s in stories if s[field]) > len(stories) // 2, field


def _bare(aid: str, text: str) -> Article:
    return Article(id=aid, title=aid, paragraphs=[Paragraph(text)])


def _count_ents(nlp: parser.NLP, batch: list[tuple[Article, Any, int]]) -> list[tuple[str, int, int]]:
    """A per-article batch function: each article's id, its entity count and the number it came with."""
    return [(art.id, len(doc.ents), extra) for art, doc, extra in batch]


@pytest.mark.parametrize("workers", [1, 2])
def test_map_articles_gives_one_result_per_parsed_article_in_order(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    arts = [_bare(f"a{i}", f"Mayor Ana Ruiz of Tolvey opened bridge number {i} on Monday.") for i in range(40)]
    store.add_articles(arts)
    ctx = RunContext(store, settings, new_ids=[a.id for a in arts], workers=workers)
    monkeypatch.setattr(parser, "POOL_MIN_ARTICLES", 1)
    try:
        pipeline.STAGES[0].run(ctx)  # the nlp stage
        arts.append(_bare("unparsed", "This one has no stored parse."))
        store.add_articles(arts[-1:])
        got = list(ctx.map_articles(_count_ents, ((a, i) for i, a in enumerate(arts)), len(arts)))
        assert (ctx.nlp._pool is not None) == (workers > 1)
    finally:
        ctx.close()
    assert ctx.nlp._pool is None
    assert [(aid, extra) for aid, _, extra in got] == [(f"a{i}", i) for i in range(40)]
    assert all(n >= 2 for _, n, _ in got)  # a person and a place in every sentence


class _HereMapper:
    """An engine's mapper that runs here: the batch functions in this process, the shuffle as a dict by key."""

    def __init__(self, nlp: parser.NLP) -> None:
        self.nlp, self.keys, self.parsed, self.stories = nlp, 0, 0, 0
        self.readers: dict[str, RunContext] = {}

    def parse(self, articles: Iterable[Article]) -> Iterator[tuple[bytes, list[Sentence]]]:
        self.parsed += 1
        return self.nlp.parse_serialised(articles, workers=1)

    def map(self, fn: Any, items: Iterable[tuple[Article, bytes, Any]]) -> Iterator[Any]:
        return self.nlp.map_serialised(fn, items, workers=1)

    def run_stories(self, jobs: list[StoryJob]) -> list[list[Any]] | None:
        self.stories += len(jobs)
        return [story_task(job, self.nlp, self.readers) for job in jobs]

    def collide(self, rows: Iterable[tuple[str, str]], wanted: set[str]) -> dict[str, set[str]]:
        groups: dict[str, list[str]] = {}
        for key, aid in rows:
            groups.setdefault(key, []).append(aid)
            self.keys += 1
        out: dict[str, set[str]] = {}
        for ids in groups.values():
            for a in ids:
                if a in wanted:
                    out.setdefault(a, set()).update(b for b in ids if b != a)
        return out


def test_an_engines_mapper_and_band_key_shuffle_give_the_stories_and_copies_of_the_local_run(
    settings: Settings, nlp: parser.NLP, tmp_path: Path
) -> None:
    one, _, _ = _run_demo(settings, workers=1)
    mapper = _HereMapper(nlp)
    with Store(str(tmp_path / "s.db")) as store:
        got = pipeline.ingest_paths([str(DEMO)], store, settings)
        pipeline.analyse(RunContext(store, settings, new_ids=got.new, workers=1, mapper=mapper, _nlp=nlp))
        copies = {a.id: a.duplicate_of for a in store.iter_articles() if a.duplicate_of}
        here = json.dumps(without_clock(report.stories_json(store)), sort_keys=True)
    for reader in mapper.readers.values():
        reader.store.close()
    assert mapper.parsed == 1  # the nlp stage parsed on the engine's mapper
    assert mapper.stories >= 3  # and so did the timeline, the brief and the claims of its stories (a task each)
    assert mapper.keys > 0  # dedupe's candidates came from the band keys, not the LSH queries
    assert copies  # the demo corpus has copies: the shuffle found them
    assert here == one


def _story_sizes(ctx: RunContext, stories: list[Story]) -> list[tuple[str, int, int]]:
    """A per-story batch function: each story's id, how many of its articles are stored, and their entities."""
    out = []
    for story in stories:
        arts = ctx.articles(story.articles)
        docs = ctx.docs(a.id for a in arts)
        out.append((story.id, len(arts), sum(len(doc.ents) for doc in docs.values())))
    return out


@pytest.mark.parametrize(("workers", "on_disk", "pool_up"), [(1, True, True), (2, True, True), (2, False, True),
                                                           (2, True, False)])
def test_map_stories_gives_one_result_per_story_in_order(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: int, on_disk: bool, pool_up: bool
) -> None:
    arts = [_bare(f"a{i}", f"Mayor Ana Ruiz of Tolvey opened bridge number {i} on Monday.") for i in range(40)]
    # stories of uneven size, and one naming an article that is not stored
    stories = [Story(id=f"s{k}", articles=[f"a{i}" for i in range(k * k, min(40, (k + 1) * (k + 1)))])
               for k in range(6)] + [Story(id="gone", articles=["a0", "nowhere"])]
    monkeypatch.setattr(parser, "POOL_MIN_ARTICLES", 1)
    tasks: list[int] = []
    run_all = parser.WorkerPool.run_all

    def counted(self: parser.WorkerPool, func: Callable[[Any], Any], jobs: list[Any]) -> list[Any]:
        tasks.append(len(jobs))
        return run_all(self, func, jobs)

    monkeypatch.setattr(parser.WorkerPool, "run_all", counted)
    with Store(str(tmp_path / "s.db") if on_disk else ":memory:") as store:
        store.add_articles(arts)
        ctx = RunContext(store, settings, new_ids=[a.id for a in arts], workers=workers)
        try:
            pipeline.STAGES[0].run(ctx)  # the nlp stage
            if not pool_up:
                ctx.close()  # a stream run's parse of a few articles starts no worker
            got = ctx.map_stories(_story_sizes, stories, 41, [len(s.articles) for s in stories])
        finally:
            ctx.close()
    # on the workers in tasks of some 32 articles; a store in memory is this process's alone, and 41 articles are
    # not worth starting workers for: the work stays here
    assert tasks == ([2] if workers > 1 and on_disk and pool_up else [])
    assert [(sid, n) for sid, n, _ in got] == [(s.id, len(s.articles)) for s in stories[:-1]] + [("gone", 1)]
    assert all(ents >= 2 * n for _, n, ents in got)  # a person and a place in every sentence
