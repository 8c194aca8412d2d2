"""Schema checks for the labeled evaluation corpus in bench/data (what the clustering and brief benches score against)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from storyline.model import Article, Paragraph

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"
KEYS = {
    "id",
    "story",
    "storyline",
    "url",
    "outlet",
    "title",
    "text",
    "published",
    "event_date",
    "flags",
    "duplicate_of",
}
FLAGS = {
    "related_hard_negative",
    "paraphrase",
    "wire_copy",
    "syndicated_copy",
    "noisy",
    "late_followup",
    "suspect_published_date",
}
# Coverage of one event runs from the day itself to a late follow-up about three weeks on.
MAX_LAG_DAYS = 21
# A reference is a short wire-style summary; the brief bench compares it with a 120-word budget.
REF_WORDS = (60, 110)
# Ten-word runs shared with an article would mean a copied lead, not a summary in the editor's own words.
COPY_RUN = 10


def load(name: str) -> list[dict[str, Any]]:
    """Read one JSONL file of the corpus, failing with the line number on a bad line."""
    rows = []
    for n, line in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - message only
            pytest.fail(f"{name} line {n} is not JSON: {exc}")
    return rows


ARTICLES = load("labeled.jsonl")
REFERENCES = load("references.jsonl")
BY_ID = {a["id"]: a for a in ARTICLES}
BY_STORY: dict[str, list[dict[str, Any]]] = defaultdict(list)
for _a in ARTICLES:
    BY_STORY[_a["story"]].append(_a)
STORIES = sorted(s for s in BY_STORY if not s.startswith("distractor"))
DISTRACTORS = sorted(s for s in BY_STORY if s.startswith("distractor"))


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return re.findall(r"[a-z0-9$%.,'-]+", text.lower())


def runs(text: str, n: int) -> set[tuple[str, ...]]:
    """Every run of n consecutive words."""
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def test_every_article_has_the_schema_keys_and_types() -> None:
    for a in ARTICLES:
        assert KEYS <= set(a), (a.get("id"), KEYS - set(a))
        assert re.fullmatch(r"ev-\d{3}", a["id"]), a["id"]
        assert a["url"].startswith("https://") and a["outlet"] and a["title"], a["id"]
        assert isinstance(a["flags"], list) and set(a["flags"]) <= FLAGS, (a["id"], a["flags"])


def test_ids_are_unique_and_in_stream_order() -> None:
    ids = [a["id"] for a in ARTICLES]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    arrival = [a["published"] or a["event_date"] for a in ARTICLES]
    assert arrival == sorted(arrival), "ids should follow the order in which articles appeared"


def test_corpus_size_and_story_counts() -> None:
    assert 90 <= len(ARTICLES) <= 120
    assert len(STORIES) >= 12 and len(DISTRACTORS) >= 10
    small = {s: len(BY_STORY[s]) for s in STORIES if len(BY_STORY[s]) < 3}
    assert not small, f"stories need >= 3 articles: {small}"
    assert all(len(BY_STORY[d]) == 1 for d in DISTRACTORS), "each distractor is its own one-article story"
    multi_outlet = [s for s in STORIES if len({a["outlet"] for a in BY_STORY[s]}) >= 3]
    assert multi_outlet == STORIES, "every story is told by at least three outlets"


def test_dates_parse_and_hang_together() -> None:
    for a in ARTICLES:
        event = date.fromisoformat(a["event_date"])
        if a["published"] is not None and "suspect_published_date" not in a["flags"]:
            published = date.fromisoformat(a["published"])
            assert 0 <= (published - event).days <= MAX_LAG_DAYS, a["id"]
    for s in STORIES:
        assert len({a["event_date"] for a in BY_STORY[s]}) == 1, f"{s}: one event date per story"
    nulls = sum(a["published"] is None for a in ARTICLES)
    assert 3 <= nulls <= 10
    span = [date.fromisoformat(a["event_date"]) for a in ARTICLES]
    assert (max(span) - min(span)).days >= 150, "the corpus spreads over about six months"


@pytest.mark.parametrize("a", ARTICLES, ids=lambda a: a["id"])
def test_text_is_clean_paragraphs_without_the_headline(a: dict[str, Any]) -> None:
    text = a["text"]
    paras = text.split("\n\n")
    assert all(p.strip() == p and p for p in paras), "paragraphs are separated by exactly one blank line"
    assert a["title"] not in text
    assert 100 <= len(text.split()) <= 250
    art = Article(id=a["id"], title=a["title"], paragraphs=[Paragraph(p) for p in paras], outlet=a["outlet"])
    assert art.text == text


def test_duplicates_point_to_an_original_in_the_same_story() -> None:
    copies = [a for a in ARTICLES if a["duplicate_of"] is not None]
    assert len(copies) >= 3
    for a in copies:
        original = BY_ID.get(a["duplicate_of"])
        assert original is not None, a["id"]
        assert original["story"] == a["story"] and original["id"] != a["id"]
        assert original["duplicate_of"] is None, "copies point at the original, not at another copy"
        assert "syndicated_copy" in a["flags"] and "wire_copy" in original["flags"]
        shared = runs(a["text"], 5) & runs(original["text"], 5)
        assert len(shared) / len(runs(original["text"], 5)) > 0.5, f"{a['id']} is not a near-verbatim copy"


def test_hard_cases_are_present() -> None:
    flagged = Counter(f for a in ARTICLES for f in a["flags"])
    assert flagged["noisy"] >= 1 and flagged["paraphrase"] >= 30
    hard_stories = {a["story"] for a in ARTICLES if "related_hard_negative" in a["flags"]}
    assert len(hard_stories & set(STORIES)) >= 8, "at least four related-but-different pairs"
    assert len(hard_stories & set(DISTRACTORS)) >= 5


def test_hard_pairs_are_labelled_as_one_storyline_of_two_stories() -> None:
    storyline_of = {a["story"]: a["storyline"] for a in ARTICLES}
    assert all(storyline_of[a["story"]] == a["storyline"] for a in ARTICLES), "one storyline per story"
    chains = Counter(storyline_of.values())
    linked = [line for line, n in chains.items() if n > 1]
    assert len(linked) >= 4
    for line in linked:
        members = [s for s, sl in storyline_of.items() if sl == line]
        assert not any(s.startswith("distractor") for s in members), line
        dates = sorted({a["event_date"] for a in ARTICLES if a["storyline"] == line})
        assert len(dates) == len(members), f"{line}: its stories are different events on different days"


def test_every_story_has_one_reference_written_in_new_words() -> None:
    refs = {r["story"]: r["summary"] for r in REFERENCES}
    assert len(refs) == len(REFERENCES), "one reference per story"
    assert sorted(refs) == STORIES
    for story, summary in refs.items():
        n = len(summary.split())
        assert REF_WORDS[0] <= n <= REF_WORDS[1], (story, n)
        copied = set().union(*(runs(a["text"], COPY_RUN) for a in BY_STORY[story])) & runs(summary, COPY_RUN)
        assert not copied, (story, sorted(copied)[:2])
