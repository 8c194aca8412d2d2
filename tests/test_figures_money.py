"""Money figures name a currency: the model's MONEY entity without one is no amount."""

from __future__ import annotations

import pytest

from storyline.extract import extract_article
from storyline.model import Article, Paragraph
from storyline.text.parser import NLP


def figures_of(text: str, nlp: NLP) -> list[tuple[str, str, float]]:
    """(kind, text, value) of each figure the extract stage finds in a one-paragraph article."""
    art = Article(id="a", paragraphs=[Paragraph(text)], published="2025-11-15")
    (doc,) = nlp.parse([art])
    return [(f.kind, f.text, f.value) for f in extract_article(art, doc).figures]


def test_a_statute_section_is_no_amount(nlp: NLP) -> None:
    """'Section 1373 of Title 8' read as money would dispute the grants of the story."""
    found = figures_of("Compliance with 8 US Code Section 1373 is required before the agency can pay the grants.", nlp)
    assert not [f for f in found if f[0] == "money"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The agency will award $4.1 billion in grants this year.", 4.1e9),
        ("The city stands to lose 13.7 billion dollars in grants.", 13.7e9),
        ("Tickets now cost 94 cents more than last year.", 0.94),
    ],
)
def test_amounts_with_a_currency_stay_money(text: str, value: float, nlp: NLP) -> None:
    """A sign, a currency word or cents keep an amount money, with its value."""
    money = [f for f in figures_of(text, nlp) if f[0] == "money"]
    assert [f[2] for f in money] == [pytest.approx(value)]
