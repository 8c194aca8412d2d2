"""Stream runs cost what their own articles need: the store's name counts answer what a scan of every article would."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from storyline import pipeline
from storyline.config import Settings
from storyline.extract.merge import known_of, known_surnames, type_votes, votes_of
from storyline.model import Article, Mention, Span
from storyline.store import MIGRATIONS, Store


def _article(aid: str, *names: tuple[str, str]) -> Article:
    """An article whose mentions are these (written name, label) pairs, one after another."""
    mentions, at = [], 0
    for text, label in names:
        mentions.append(Mention(Span(at, at + len(text)), text, label))
        at += len(text) + 1
    return Article(id=aid, title=aid, mentions=mentions)


# "Corvane" is typed three ways (a tie in a vote goes to the label met first, so the order counts too), and two
# forms of Dana Whitcombe's name are written equally often (the one met first names her).
ARTICLES = [
    _article("a1", ("Corvane", "ORG"), ("Dana Whitcombe", "PERSON"), ("Whitcombe", "NORP")),
    _article("a2", ("Corvane", "GPE"), ("Dana M. Whitcombe", "PERSON"), ("Ivo Marsh", "PERSON")),
    _article("a3", ("Corvane", "PERSON"), ("Ann Marsh", "PERSON"), ("corvane", "ORG"), ("Tolva", "GPE")),
]


def _ordered(votes: dict[str, object]) -> list[tuple[str, list[tuple[str, int]]]]:
    """Votes with the order of their names and labels (a tie goes to the label met first)."""
    return [(name, list(counts.items())) for name, counts in votes.items()]  # type: ignore[attr-defined]


def test_store_name_counts_answer_as_a_scan_of_every_article(store: Store) -> None:
    store.add_articles(ARTICLES)
    assert _ordered(votes_of(store.mention_forms())) == _ordered(type_votes(ARTICLES))
    asked = {"corvane", "tolva"}
    scan = {n: c for n, c in type_votes(ARTICLES).items() if n in asked}
    assert _ordered(votes_of(store.mention_forms(asked))) == _ordered(scan)
    assert votes_of(store.mention_forms({"corvane"}))["corvane"] == {"ORG": 2, "GPE": 1, "PERSON": 1}
    # "marsh" is borne by two people: no full name for it; "whitcombe" by one, named as first written
    assert known_of(store.person_forms({"whitcombe", "marsh"})) == known_surnames(ARTICLES) == {
        "whitcombe": "Dana Whitcombe"
    }


def test_rewritten_mentions_update_the_counts_and_unchanged_ones_keep_them(store: Store) -> None:
    store.add_articles(ARTICLES)
    [a3] = store.iter_articles(["a3"])
    a3.mentions[0].label = "ORG"  # a merge retyped "Corvane" in this article
    store.update_articles([a3])
    assert votes_of(store.mention_forms({"corvane"}))["corvane"] == {"ORG": 3, "GPE": 1}
    a3.title = "Retitled"  # a later stage writes the article back with the same mentions
    store.update_articles([a3])
    assert votes_of(store.mention_forms({"corvane"}))["corvane"] == {"ORG": 3, "GPE": 1}
    a3.mentions = []
    store.update_articles([a3])
    assert votes_of(store.mention_forms({"corvane", "tolva"})) == {"corvane": {"ORG": 1, "GPE": 1}}


def test_an_older_store_gets_the_counts_of_its_stored_mentions_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied REAL)")
    for name, apply in MIGRATIONS[:6]:  # a store written before the name counts existed
        apply(db)
        db.execute("INSERT INTO _migrations VALUES (?, 0)", (name,))
    for seq, art in enumerate(ARTICLES, 1):
        db.execute("INSERT INTO articles (id, seq, data) VALUES (?, ?, ?)", (art.id, seq, json.dumps(art.to_dict())))
    db.close()
    with Store(path) as store:
        assert _ordered(votes_of(store.mention_forms())) == _ordered(type_votes(ARTICLES))
        assert known_of(store.person_forms({"whitcombe"})) == {"whitcombe": "Dana Whitcombe"}


REPORT = (
    "Harbour pilots in Tolvik walked off the job on {day}, halting cargo ships at the port for a {n} day. "
    "{name} said the pilots would stay out until the port authority restored the night shift it cut. "
    "The port authority said talks with the pilots' union would resume next week."
)


def test_a_streamed_article_naming_only_a_surname_joins_the_person_its_story_knows(tmp_path: Path) -> None:
    settings = Settings.load()
    folder = tmp_path / "in"
    folder.mkdir()
    for i, day in enumerate(("Monday", "Tuesday", "Wednesday")):
        text = f"Tolvik harbour pilots strike, day {i + 1}\n\n" + REPORT.format(day=day, n=i + 1, name="Mara Quillon")
        (folder / f"pilots{i}.txt").write_text(text, encoding="utf-8")
    late = tmp_path / "late.txt"
    late.write_text("Tolvik pilots strike goes on\n\n" + REPORT.format(day="Thursday", n=4, name="Quillon"),
                    encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        first = pipeline.ingest_paths([str(folder)], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=first.new))
        more = pipeline.ingest_paths([str(late)], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=more.new))
        [story] = list(store.iter_stories())
        assert len(story.articles) == len(first.new) + 1
        [person] = [e for e in story.entities if e.type == "PERSON"]
        assert person.name == "Mara Quillon" and "Quillon" in person.aliases
        [streamed] = store.iter_articles(more.new)
        assert [m.entity for m in streamed.mentions if m.text == "Quillon"] == [person.id]
