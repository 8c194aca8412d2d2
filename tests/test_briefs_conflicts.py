"""Conflicts only where real (issue 13): no conflict between a part and the whole or one group's share and the
result, no junk figure (a model name, a score, a list count); dates and outcomes of the main event that outlets
disagree on are shown."""

from __future__ import annotations

import pytest

from storyline.claims.agreement import claims, figure_claims
from storyline.claims.reading import junk_reason
from storyline.extract import extract_article
from storyline.model import Article, Claim, Figure, Paragraph, Span, Story
from storyline.text.parser import NLP


def make(aid: str, text: str, nlp: NLP, published: str = "2025-11-22") -> tuple[Article, object]:
    """An article of the given text, parsed and extracted like the pipeline does, and its parse."""
    art = Article(id=aid, paragraphs=[Paragraph(p) for p in text.split("\n\n")], published=published, outlet=aid)
    (doc,) = nlp.parse([art])
    return extract_article(art, doc), doc


def figure_rows(texts: list[str], nlp: NLP) -> list[Claim]:
    """The figure rows of one story whose articles are these texts (one outlet each)."""
    made = [make(f"a{i}", t, nlp) for i, t in enumerate(texts)]
    return figure_claims([a for a, _ in made], docs={a.id: d for a, d in made})  # type: ignore[misc]


def test_one_groups_share_of_a_vote_is_no_conflict_with_the_result(nlp: NLP) -> None:
    """62 percent of Republicans voting for a measure does not dispute the 51 percent it passed with."""
    rows = figure_rows([
        "In Alden, 62 percent of Republicans voted for the tax measure on Tuesday, exit polls showed.",
        "In Alden, 51 percent of voters voted for the tax measure on Tuesday, official results showed.",
    ], nlp)  # fmt: skip
    assert rows and not [c for c in rows if c.status == "conflict"]


def test_a_subset_count_is_no_conflict_with_the_total(nlp: NLP) -> None:
    """"Twenty of the countries" signing is a part of the 27 at the summit, not another count of them."""
    rows = figure_rows([
        "Twenty of the countries at the summit signed the climate accord on Tuesday, officials said.",
        "The 27 countries at the summit signed the climate accord on Tuesday, officials said.",
    ], nlp)  # fmt: skip
    assert rows and not [c for c in rows if c.status == "conflict"]


def _figure(aid: str, sentence: str, number: str, value: float, unit: str) -> Article:
    """An article of one sentence with one figure as the figure reader may report it."""
    at = sentence.index(number)
    art = Article(id=aid, paragraphs=[Paragraph(sentence)], published="2025-09-25")
    art.figures = [Figure(aid, Span(at, at + len(number)), number, value, unit, measure=unit,
                          sentence=Span(0, len(sentence)))]  # fmt: skip
    return art


# (sentence, the number as written, its value, the counted noun the figure reader gave, why it is junk)
JUNK = [
    ("The grocer ranked #28 on the magazine's list of admired companies this spring.", "28", 28, "USD", "rank"),
    ("The grocer ranked #31 on the magazine's list of admired companies last spring.", "31", 31, "USD", "rank"),
    ("Apple cut the price of the iPhone 8 Plus on Tuesday, the company said.", "8", 8, "Plus", "name"),
    ("Stores sold out of the iPhone 9 Plus on Tuesday, the company said.", "9", 9, "Plus", "name"),
    ("The court ruled 5-4 on Monday that the county map broke the law.", "5", 5, "to-4", "score"),
    ("The court ruled 6-3 on Monday that the county map broke the law.", "6", 6, "to-3", "score"),
    ("The mayor said two things stood out in the audit of the city budget.", "two", 2, "things", "list"),
    ("The mayor said three things stood out in the audit of the city budget.", "three", 3, "things", "list"),
]


@pytest.mark.parametrize("kind", ["rank", "name", "score", "list"])
def test_junk_numbers_are_not_figures(kind: str) -> None:
    """A rank ("#28"), a model name ("iPhone 8 Plus"), a score ("5-4") and a count of "things" never make a
    figure row, so two outlets giving two of them show no conflict."""
    arts = []
    for k, (sentence, number, value, unit, reason) in enumerate(j for j in JUNK if j[4] == kind):
        art = _figure(f"a{k}", sentence, number, value, unit)
        fig = art.figures[0]
        assert junk_reason(fig, sentence, fig.span.start, fig.span.end) == reason
        arts.append(art)
    assert len(arts) == 2 and figure_claims(arts) == []  # noqa: PLR2004 - two outlets


def test_a_real_count_is_still_a_figure() -> None:
    """A plain count of people is no junk, even after a capitalised word that opens the sentence."""
    art = _figure("a", "Sixteen workers were hurt in the blast at the Eastfield depot.", "Sixteen", 16, "workers")
    fig = art.figures[0]
    assert junk_reason(fig, art.text, fig.span.start, fig.span.end) == ""


def _claims(texts: list[str], nlp: NLP) -> list[Claim]:
    """Every claim of one story whose articles are these texts (one outlet each), read with their parses."""
    made = [make(f"a{i}", t, nlp) for i, t in enumerate(texts)]
    arts = [a for a, _ in made]
    return claims(Story(id="s", articles=[a.id for a in arts]), arts, {a.id: d for a, d in made})  # type: ignore[misc]


def test_a_ruling_dated_nov_20_by_most_and_nov_21_by_one_is_shown(nlp: NLP) -> None:
    """Outlets dating one ruling to different days: one date row, the majority's date first."""
    rows = _claims([
        "The state Supreme Court ruled on Nov. 20 that the county map was unconstitutional.",
        "The state Supreme Court ruled on Nov. 20 that the county's voting map broke the constitution.",
        "The state Supreme Court ruled on Nov. 21 that the county map was unconstitutional, lawyers said.",
    ], nlp)  # fmt: skip
    dates = [c for c in rows if c.kind == "date"]
    assert len(dates) == 1 and dates[0].status == "conflict"
    assert [(v["value"], v["sources"]) for v in dates[0].values] == [
        ("2025-11-20", ["a0", "a1"]), ("2025-11-21", ["a2"])
    ]


def test_the_same_date_everywhere_is_no_conflict(nlp: NLP) -> None:
    """All outlets giving Nov. 20 show no date row."""
    rows = _claims([
        "The state Supreme Court ruled on Nov. 20 that the county map was unconstitutional.",
        "The state Supreme Court ruled on Nov. 20 that the county's voting map broke the constitution.",
    ], nlp)  # fmt: skip
    assert not [c for c in rows if c.kind == "date"]


def test_fired_against_resigned_is_shown(nlp: NLP) -> None:
    """One outlet says the director was fired, another that she resigned: a conflict on the main event."""
    rows = _claims([
        "Anna Kovacs, the director of the city museum, was fired on Monday after an audit of its accounts.",
        "Museum director Anna Kovacs resigned on Monday after an audit of the museum's accounts.",
    ], nlp)  # fmt: skip
    outcome = [c for c in rows if c.kind == "claim" and c.status == "conflict"]
    assert len(outcome) == 1
    assert {v["value"]: v["sources"] for v in outcome[0].values} == {"dismissed": ["a0"], "left": ["a1"]}


def test_forced_to_resign_is_no_contradiction_of_fired(nlp: NLP) -> None:
    """"was forced to resign" reports the pressure, not a free resignation: no conflict with "fired"."""
    rows = _claims([
        "Anna Kovacs, the director of the city museum, was fired on Monday after an audit of its accounts.",
        "The board forced museum director Anna Kovacs to resign on Monday after an audit of the accounts.",
    ], nlp)  # fmt: skip
    assert not [c for c in rows if c.kind == "claim" and c.status == "conflict"]


def test_a_date_in_a_line_without_a_verb_is_read_and_left_alone(nlp: NLP) -> None:
    """A dated line with no verb ("Supreme Court ruling, Nov. 20") names no event to compare: no date row."""
    rows = _claims([
        "Supreme Court ruling on the county map, Nov. 20, 2025.",
        "The state Supreme Court ruled on Nov. 21 that the county map was unconstitutional.",
    ], nlp)  # fmt: skip
    assert not [c for c in rows if c.kind == "date"]
