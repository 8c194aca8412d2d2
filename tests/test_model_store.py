"""The data model's JSON round trip and the store's idempotent, transactional writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.config import Settings
from storyline.errors import ConfigError, NotFoundError
from storyline.model import Article, Citation, Figure, Paragraph, Span, Story
from storyline.store import Store


def make(aid: str, *paras: str) -> Article:
    return Article(id=aid, title=f"Title {aid}", paragraphs=[Paragraph(p) for p in paras], outlet="Daily Planet")


def test_article_json_round_trip_keeps_nested_records() -> None:
    art = make("a1", "One.", "Two.")
    art.figures.append(Figure(article="a1", span=Span(0, 4), text="One", value=1.0, unit="count"))
    back = Article.from_dict(art.to_dict())
    assert back == art
    assert back.figures[0].span == Span(0, 4)


def test_from_dict_fills_missing_fields_with_defaults_and_ignores_unknown_keys() -> None:
    art = Article.from_dict({"id": "a2", "paragraphs": [{"text": "Rain fell."}], "wind": "north"})
    assert art == Article(id="a2", paragraphs=[Paragraph("Rain fell.")])
    assert art.flags == [] and art.paragraphs[0].flags == []
    other = Article.from_dict({"id": "a3"})
    other.flags.append("too_short")  # each record gets its own list, as the dataclass default makes it
    assert Article.from_dict({"id": "a4"}).flags == []


def test_from_dict_reads_optional_and_nested_records_of_every_form() -> None:
    fig = Figure(article="a1", span=Span(3, 9), text="two dozen", value=24.0, unit="boats", sentence=None)
    back = Figure.from_dict(fig.to_dict())
    assert back == fig and back.sentence is None and isinstance(back.span, Span)
    story = Story(id="s1", summary=[Citation("Boats sank.", ["a1"], span=Span(0, 11))])
    assert Story.from_dict(story.to_dict()).summary[0].span == Span(0, 11)


def test_spans_index_the_clean_text() -> None:
    art = make("a1", "First paragraph.", "Second one.")
    span = art.paragraph_spans()[1]
    assert art.cut(span) == "Second one."


def test_adding_the_same_article_twice_stores_it_once(store: Store) -> None:
    assert store.add_articles([make("a1", "Body.")]) == (["a1"], [])
    assert store.add_articles([make("a1", "Body changed.")]) == ([], ["a1"])
    assert store.count_articles() == 1
    assert store.get_article("a1").paragraphs[0].text == "Body."


def test_a_failed_batch_leaves_earlier_batches_stored(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.add_articles([make("a1", "Body.")])
        with pytest.raises(RuntimeError), store.transaction():
            store.db.execute("INSERT INTO articles (id, seq, data) VALUES ('a2', 99, '{}')")
            raise RuntimeError("interrupted")
    with Store(path) as store:
        assert store.article_ids() == ["a1"]


def test_unknown_ids_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no article"):
        store.get_article("nope")


def test_stories_round_trip_through_the_store(store: Store) -> None:
    story = Story(id="s1", title="Judge rules", articles=["a1"], summary=[Citation("A judge ruled.", ["a1"])])
    store.put_stories([story])
    assert store.get_story("s1") == story


def test_settings_reject_unknown_keys_with_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid keys"):
        Settings.load(overrides={"dedupe": {"treshold": 0.5}})
    with pytest.raises(ConfigError, match="must be a number"):
        Settings.load(overrides={"dedupe": {"threshold": "high"}})


def test_state_is_read_by_key_list_and_prefix(store: Store) -> None:
    store.put_state("s", {"feat:a": "1", "feat:b": "2", "story:x": "3"})
    assert store.get_state("s", prefix="feat:") == {"feat:a": "1", "feat:b": "2"}
    assert store.get_states("s", ["feat:b", "story:x", "nope"]) == {"feat:b": "2", "story:x": "3"}
    store.delete_state("s", ["feat:a"])
    assert set(store.get_state("s")) == {"feat:b", "story:x"}


def test_counts_and_postings_are_kept_per_stage_and_cleared_with_it(store: Store) -> None:
    store.put_counts("s", {"quake": 2, "@mexico": 1})
    store.put_counts("s", {"quake": 3})
    store.put_counts("other", {"quake": 9})
    assert store.get_counts("s", ["quake", "@mexico", "never"]) == {"quake": 3, "@mexico": 1}
    store.add_postings("s", [("k:quake", "s1"), ("k:quake", "s2"), ("k:tower", "s2"), ("k:quake", "s1")])
    store.add_postings("other", [("k:quake", "s2")])
    assert sorted(store.get_postings("s", keys=["k:quake"])) == [("k:quake", "s1"), ("k:quake", "s2")]
    store.delete_postings("s", items=["s2"])  # a removed story: every posting of it goes
    assert store.get_postings("s") == [("k:quake", "s1")]
    store.delete_postings("s", pairs=[("k:quake", "s1")])
    assert store.get_postings("s") == []
    assert store.get_postings("other") == [("k:quake", "s2")]
    store.clear_state("other")
    assert store.get_postings("other") == [] and store.get_counts("other", ["quake"]) == {}
    assert store.get_counts("s", ["quake"]) == {"quake": 3}


def test_many_ids_are_read_in_chunks(store: Store) -> None:
    ids = [f"a{i}" for i in range(1200)]  # more values than one IN (...) query takes
    store.add_articles([make(a, "Body.") for a in ids])
    assert store.article_seqs([*ids, "nope"]) == {a: i + 1 for i, a in enumerate(ids)}
    store.put_stories([Story(id=a, title=a) for a in ids[:700]])
    assert set(store.get_stories(ids)) == set(ids[:700])


def test_storylines_holding_reads_only_the_storylines_of_the_given_stories() -> None:
    from storyline.model import Storyline

    with Store(":memory:") as store:
        store.put_stories([], [Storyline(id="l1", stories=["s1", "s2"]), Storyline(id="l2", stories=["s3", "s4"]),
                               Storyline(id="l3", stories=["s5", "s6"])])
        assert [line.id for line in store.storylines_holding(["s2"])] == ["l1"]
        assert [line.id for line in store.storylines_holding(["s4", "s1"], also=["l3"])] == ["l1", "l2", "l3"]
        assert store.storylines_holding(["s9"]) == []
