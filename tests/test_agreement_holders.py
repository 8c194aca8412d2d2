"""Like with like (issue 13): two owners' amounts are neither an agreement nor a conflict, one figure written in
other words by several outlets is one row with all its sources (counted as outlets), a figure of an earlier event
disputes no figure of this one, and a real disagreement is still shown."""

from __future__ import annotations

from storyline.claims.agreement import figure_claims
from storyline.claims.sources import source_of
from storyline.extract import extract_article
from storyline.model import Article, Claim, Paragraph
from storyline.text.parser import NLP

GRANT_ALDEN = "Alden will receive a $5 million grant from the state transport fund, the governor said on Monday."
GRANT_DOVER = "Dover will receive a $5 million grant from the state transport fund, the governor said on Monday."
SHARES_WIRE = (
    "Tallis Mills dropped 14 percent on Friday after the merger news, while Harlan Foods sank 12 percent, "
    "traders said."
)
SHARES_TV = "Tallis Mills fell 15 percent on Friday after the merger news, traders said."
LETTERS = [
    "The agency sent letters to 29 jurisdictions on Wednesday, warning them that their grants were at risk.",
    "On Wednesday the agency warned 29 cities in letters that their grants were at risk.",
    "Letters the agency sent on Wednesday told 29 counties and states that their grants were at risk.",
]
QUAKE_NOW = "More than 90 people were killed when the quake struck the coast on Tuesday, officials said."
QUAKE_THEN = "The quake struck the coast on Tuesday, just weeks after a stronger one killed 61 people, officials said."


def make(aid: str, text: str, outlet: str | None = None, duplicate_of: str | None = None) -> Article:
    """An article of one outlet with the given text (published the same day as the others)."""
    return Article(
        id=aid,
        paragraphs=[Paragraph(p) for p in text.split("\n\n")],
        published="2025-10-03",
        outlet=outlet or f"Outlet {aid}",
        duplicate_of=duplicate_of,
    )


def rows(arts: list[Article], nlp: NLP) -> list[Claim]:
    """The figure rows a reader sees for these articles, extracted and read with their parses."""
    docs = dict(zip([a.id for a in arts], nlp.parse(arts), strict=True))
    arts = [extract_article(a, docs[a.id]) for a in arts]
    return figure_claims(arts, docs=docs)


def values_of(claim: Claim) -> set[float]:
    """The values a row gives."""
    return {v["value"] for v in claim.values}


def test_two_cities_grants_of_one_amount_are_no_agreement(nlp: NLP) -> None:
    """Alden's $5 million grant and Dover's $5 million grant are two grants: no row says two outlets agree."""
    found = rows([make("a", GRANT_ALDEN), make("b", GRANT_DOVER)], nlp)
    assert found
    assert not [c for c in found if c.status in ("agree", "conflict")]


def test_one_companys_fall_is_disputed_and_the_others_is_not_mixed_in(nlp: NLP) -> None:
    """14 against 15 percent for one company is a conflict, named for that company; the other company's 12
    percent, named in the same sentence, is in no row with them."""
    found = rows([make("wire", SHARES_WIRE), make("tv", SHARES_TV)], nlp)
    (conflict,) = [c for c in found if c.status == "conflict"]
    assert values_of(conflict) == {14, 15}
    assert conflict.subject.startswith("Tallis Mills: ")
    assert not [c for c in found if 12 in values_of(c) and len(c.values) > 1]


def test_one_figure_in_three_outlets_is_one_row_with_three_sources(nlp: NLP) -> None:
    """'29 jurisdictions', '29 cities' and '29 counties and states' sent letters are one figure: one row,
    three articles from three independent sources."""
    found = rows([make(f"o{i}", text) for i, text in enumerate(LETTERS)], nlp)
    (row,) = [c for c in found if 29 in values_of(c)]
    assert row.status == "agree"
    (value,) = row.values
    assert sorted(value["sources"]) == ["o0", "o1", "o2"]
    assert value["independent"] == 3


def test_a_reprint_and_an_update_of_one_outlet_count_once(nlp: NLP) -> None:
    """A reprint of the wire's story and the wire's own update add articles, not independent sources."""
    arts = [
        make("w1", LETTERS[0], outlet="Wire"),
        make("w2", LETTERS[0] + "\n\nThe deadline is December 8.", outlet="Wire"),
        make("copy", LETTERS[0], outlet="Herald", duplicate_of="w1"),
        make("tv", LETTERS[1], outlet="Channel 4"),
    ]
    assert source_of(arts) == {"w1": "Wire", "w2": "Wire", "copy": "Wire", "tv": "Channel 4"}
    (row,) = [c for c in rows(arts, nlp) if 29 in values_of(c)]
    (value,) = row.values
    assert len(value["sources"]) == 4
    assert value["independent"] == 2


def test_a_toll_of_an_earlier_quake_disputes_no_toll_of_this_one(nlp: NLP) -> None:
    """'Weeks after a stronger one killed 61 people' is another quake's toll, not another count of 'more than
    90 people were killed' today."""
    found = rows([make("a", QUAKE_NOW), make("b", QUAKE_THEN)], nlp)
    assert found
    assert not [c for c in found if c.status == "conflict"]


def test_a_real_disagreement_is_still_shown(nlp: NLP) -> None:
    """Two outlets giving 14 and 16 injured in one blast on one day is a conflict with both sources."""
    found = rows(
        [
            make("wire", "A blast at a depot in Eastfield on Monday injured 14 workers, the company said."),
            make("tv", "Sixteen people were hurt on Monday when an explosion ripped through the Eastfield depot."),
        ],
        nlp,
    )
    (conflict,) = [c for c in found if c.status == "conflict"]
    assert [v["sources"] for v in conflict.values] == [["wire"], ["tv"]]
