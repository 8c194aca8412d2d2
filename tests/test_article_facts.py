"""Per-article facts: the timeline and the claims of a story are merged from what was read once of each article,
and equal what reading every article and its parse again gives; a stream run reads only its new articles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from storyline import claims as claims_stage
from storyline import pipeline, timeline
from storyline.claims import facts as claim_facts
from storyline.claims.agreement import claims, claims_of
from storyline.config import Settings
from storyline.context import RunContext
from storyline.errors import StoreError
from storyline.extract import extract_article
from storyline.model import Article, DateMention, Paragraph, Span, Story
from storyline.store import Store
from storyline.store import facts as store_facts
from storyline.text.parser import NLP

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Three outlets on one invented ferry accident: a toll that differs, a date that differs, an outcome that differs.
FERRY = [
    ("Wire", "2024-05-07", "The ferry Marlow ran aground off Penhallow on May 6, and 12 passengers were injured, "
     "the coast guard said. Captain Ilse Varga was fired on Tuesday by the ferry company."),
    ("Herald", "2024-05-07", "Fifteen people were hurt when the ferry Marlow ran aground off Penhallow on May 6. "
     "Captain Ilse Varga resigned on Tuesday, the ferry company said."),
    ("Post", "2024-05-08", "The ferry Marlow ran aground off Penhallow on May 5, the harbour office said, and 12 "
     "passengers were injured."),
]


def _ferry(nlp: NLP) -> tuple[list[Article], dict[str, Doc]]:
    """The three ferry reports, extracted, with their parses by id."""
    arts = [Article(id=f"f{k}", outlet=outlet, published=day, paragraphs=[Paragraph(text)])
            for k, (outlet, day, text) in enumerate(FERRY)]  # fmt: skip
    docs = nlp.parse(arts)
    for a, d in zip(arts, docs, strict=True):
        extract_article(a, d)
    return arts, {a.id: d for a, d in zip(arts, docs, strict=True)}


def test_claims_from_kept_facts_equal_claims_read_from_the_articles(nlp: NLP) -> None:
    arts, docs = _ferry(nlp)
    story = Story(id="s", articles=[a.id for a in arts])
    fresh = claims(story, arts, docs)
    assert {c.kind for c in fresh if c.status == "conflict"} >= {"figure", "date"}, "the story shows its conflicts"
    kept = [claim_facts.from_json(claim_facts.to_json(claim_facts.read_article(a, docs[a.id]))) for a in arts]
    assert [c.to_dict() for c in claims_of(story, kept)] == [c.to_dict() for c in fresh]


def test_a_timeline_from_kept_facts_equals_one_read_from_the_articles(nlp: NLP) -> None:
    arts, docs = _ferry(nlp)
    fresh = timeline.story_timeline(arts, docs)
    assert fresh, "the reports date the grounding"
    latest = timeline.latest_report(a.published for a in arts)
    kept = [timeline.ArticleEvents.from_json(timeline.article_events(a, docs[a.id], latest).to_json()) for a in arts]
    assert [e.to_dict() for e in timeline.timeline_of(kept)] == [e.to_dict() for e in fresh]


def test_an_undated_reports_events_are_read_again_when_its_story_moves_to_another_year(
    store: Store, settings: Settings
) -> None:
    """An undated report is read against its story's latest report: an anniversary of a past year's event is no
    event of the story once a dated report says the story is in another year."""
    text = "Divers recovered the bell of the steamer Alder on the anniversary of its sinking on March 3, 1990."
    undated = Article(id="u", title="Bell", paragraphs=[Paragraph(text)], story="s")
    start = text.index("March")
    undated.dates = [DateMention("u", Span(start, start + 13), "March 3, 1990", "1990-03-03", "day", "absolute",
                                 sentence=Span(0, len(text)))]  # fmt: skip
    store.add_articles([undated])
    store.put_stories([Story(id="s", articles=["u"])])
    timeline.run(RunContext(store, settings, touched_stories={"s"}))
    alone = store.get_story("s").timeline
    assert [e.sources for e in alone] == [["u"]], "with no year to compare, the sinking's date is the event's"
    assert timeline.ArticleEvents.from_json(store.get_facts("timeline", ["u"])["u"]).story_year is None
    dated = Article(id="d", title="Museum", published="2024-03-04", story="s",
                    paragraphs=[Paragraph("The museum will show the bell.")])  # fmt: skip
    store.add_articles([dated])
    store.put_stories([Story(id="s", articles=["u", "d"])])
    timeline.run(RunContext(store, settings, touched_stories={"s"}))
    assert store.get_story("s").timeline == timeline.story_timeline([undated, dated]) == []
    kept = timeline.ArticleEvents.from_json(store.get_facts("timeline", ["u"])["u"])
    assert kept.story_year == "2024" and kept.events == [], "read again and kept against the story's new year"


def test_kept_facts_stay_while_the_article_is_unchanged_and_go_when_it_or_its_parse_changes(store: Store) -> None:
    a = Article(id="a", title="A", paragraphs=[Paragraph("Twelve passengers were hurt.")])
    store.add_articles([a, Article(id="b", title="B")])
    store.put_facts("timeline", {"a": "[1]", "b": "[2]", "gone": "[3]"})
    assert store.get_facts("timeline", ["a", "b", "gone"]) == {"a": "[1]", "b": "[2]"}
    a = store.get_article("a")
    store.update_articles([a])  # written back as it was read
    assert set(store.get_facts("timeline", ["a", "b"])) == {"a", "b"}
    a.outlet = "Wire"
    store.update_articles([a])
    assert set(store.get_facts("timeline", ["a", "b"])) == {"b"}
    store.put_docs({"b": b"parse"})
    assert store.get_facts("timeline", ["a", "b"]) == {}


def test_facts_read_by_other_code_are_not_read(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_articles([Article(id="a", title="A")])
    store.put_facts("claims", {"a": "[1]"})
    assert store.get_facts("claims", ["a"]) == {"a": "[1]"}
    monkeypatch.setattr(store_facts, "code_digest", lambda: "another version of the code")
    assert store.get_facts("claims", ["a"]) == {}


def test_facts_read_under_another_spacy_or_pipeline_version_are_not_read(store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_articles([Article(id="a", title="A")])
    store.put_facts("claims", {"a": "[1]"})
    installed = store_facts.runtime_versions()
    assert set(installed) == {"spacy", store_facts.PARSER_MODEL}
    for name in installed:
        monkeypatch.setattr(store_facts, "runtime_versions", lambda name=name: {**installed, name: "0.0.1"})
        store_facts.code_digest.cache_clear()
        try:
            assert store.get_facts("claims", ["a"]) == {}, name
        finally:
            monkeypatch.undo()
            store_facts.code_digest.cache_clear()
    assert store.get_facts("claims", ["a"]) == {"a": "[1]"}  # the same versions again: read as kept


def test_a_digest_of_no_source_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "defaults.toml").write_text("[x]\n")
    (tmp_path / "core.cpython-312.pyc").write_bytes(b"compiled")
    with pytest.raises(StoreError, match=r"no \.py file"):
        store_facts.package_digest(tmp_path, {"spacy": "3.8.0"})
    (tmp_path / "core.py").write_text("X = 1\n")
    assert store_facts.package_digest(tmp_path, {"spacy": "3.8.0"}) != store_facts.package_digest(
        tmp_path, {"spacy": "3.9.0"})


FIRE = [
    "A fire destroyed the Corlow mill on Tuesday night, and 30 firefighters fought it for four hours.",
    "The Corlow mill burned down on Tuesday night; 30 firefighters needed four hours to put the fire out.",
    "Fire crews fought a blaze at the Corlow mill on Tuesday night, and 32 firefighters needed four hours.",
    "The Corlow mill was destroyed by a fire on Tuesday night that 30 firefighters fought for four hours.",
]


def _records(ks: range) -> list[dict[str, object]]:
    return [{"id": f"m{k}", "title": f"Corlow mill fire, report {k}", "outlet": f"Outlet {k}",
             "published": "2024-06-05", "text": FIRE[k]} for k in ks]  # fmt: skip


def _run(store: Store, settings: Settings, records: list[dict[str, object]]) -> None:
    report = pipeline.ingest_records(records, store, settings)
    pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))


def test_a_stream_run_reads_only_its_new_article_and_gives_the_batch_timeline_and_claims(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    events, readings = timeline.article_events, claim_facts.read_article

    def counted_events(article: Article, doc: object = None, story_date: str | None = None) -> timeline.ArticleEvents:
        read.append(article.id)
        return events(article, doc, story_date)  # type: ignore[arg-type]

    def counted_readings(article: Article, doc: object = None) -> claim_facts.ArticleFacts:
        read.append(article.id)
        return readings(article, doc)  # type: ignore[arg-type]

    monkeypatch.setattr(timeline, "article_events", counted_events)
    monkeypatch.setattr(claims_stage, "read_article", counted_readings)
    with Store(tmp_path / "stream.db") as store:
        _run(store, settings, _records(range(3)))
        assert sorted(read) == ["m0", "m0", "m1", "m1", "m2", "m2"]
        read.clear()
        _run(store, settings, _records(range(3, 4)))
        [story] = list(store.iter_stories())
        assert len(story.articles) == 4
        assert read == ["m3", "m3"], "timeline and claims read the new article only"
    with Store(tmp_path / "batch.db") as batch:
        _run(batch, settings, _records(range(4)))
        [whole] = list(batch.iter_stories())
    assert [e.to_dict() for e in story.timeline] == [e.to_dict() for e in whole.timeline]
    assert [c.to_dict() for c in story.claims] == [c.to_dict() for c in whole.claims]
    assert any(c.status == "conflict" for c in story.claims)
