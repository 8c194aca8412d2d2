"""Briefs a reader can write from (issue 13): no restated lead, no dateline or caption, no reference to something
the brief never introduced, a news headline as the title."""

from __future__ import annotations

from collections import Counter

import pytest
from spacy.tokens import Doc

from storyline import brief
from storyline.brief.sentences import sentence_problem
from storyline.config import Settings
from storyline.extract import extract_article
from storyline.model import Article, Paragraph, Story
from storyline.text.parser import NLP, sentences_of
from storyline.text.similarity import cosine
from storyline.text.words import terms

# Three outlets report one library closure; the third restates the lead in other words.
CLOSURE = [
    ("wire", "2025-03-03", "CHICAGO \u2014 The Alden city council voted 7-2 on Monday to close the riverside library "
                           "at the end of June to save money.\n\nThe library has served the east bank since 1962 "
                           "and lends about 90,000 books a year, the city said."),
    ("tv", "2025-03-03", "(CBS SF) \u2014 Alden's riverside library will shut its doors in June after the city "
                         "council voted 7-2 on Monday to close it.\n\nParents said the branch is the only place "
                         "near the east bank where children can study after school."),
    ("paper", "2025-03-04", "Council members in Alden decided on Monday, by seven votes to two, that the riverside "
                            "library will close in June.\n\nThat decision angered parents who rely on the branch "
                            "for homework help every afternoon."),
]  # fmt: skip


def make(aid: str, text: str, nlp: NLP, published: str = "2025-11-22", **kw: str) -> tuple[Article, Doc]:
    """An article of the given text, parsed and extracted like the pipeline does, and its parse."""
    art = Article(id=aid, paragraphs=[Paragraph(p) for p in text.split("\n\n")], published=published,
                  outlet=kw.get("outlet", aid), title=kw.get("title", ""), url=kw.get("url"))  # fmt: skip
    (doc,) = nlp.parse([art])
    art.sentences = sentences_of(art, doc)
    return extract_article(art, doc), doc


def brief_of(rows: list[tuple[str, str, str]], nlp: NLP, settings: Settings) -> list[str]:
    """The brief a reader sees of these articles (read with their parses, as the brief stage does)."""
    made = [make(aid, text, nlp, published) for aid, published, text in rows]
    arts = [a for a, _ in made]
    docs = {a.id: d for a, d in made}
    return [c.text for c in brief.summarise(Story(id="s", articles=[a.id for a in arts]), arts, settings, docs=docs)]


def test_the_lead_is_not_restated(nlp: NLP, settings: Settings) -> None:
    """The council's vote is said once: no two sentences of the brief share most of their words."""
    sents = brief_of(CLOSURE, nlp, settings)
    assert len(sents) >= 2  # noqa: PLR2004 - a lead and more
    bags = [Counter(terms(s)) for s in sents]
    assert max(cosine(a, b) for i, a in enumerate(bags) for b in bags[i + 1 :]) < 0.5  # noqa: PLR2004


def test_datelines_are_left_out(nlp: NLP, settings: Settings) -> None:
    """Neither "CHICAGO \u2014" nor "(CBS SF) \u2014" opens a sentence of the brief."""
    sents = brief_of(CLOSURE, nlp, settings)
    assert sents and not any(s.startswith(("CHICAGO", "(CBS")) for s in sents)
    assert any(s.startswith(("The Alden city council", "Alden's riverside library")) for s in sents)


# The closure again, with parents' reactions: one points at "that decision" (the brief never says "decision"), the
# other says it plainly; and a librarian named by her surname alone (her full name is in a fragment the brief
# cannot show).
VOTE = ("a", "2025-03-03", "The Alden city council voted 7-2 on Monday to close the riverside library at the end of "
                           "June.\n\nThe east bank branch lends about 90,000 books a year, the city said.")
PARENTS = ("c", "2025-03-04", "Parents on the east bank said the riverside library is where their children study "
                              "after school.")


def test_that_decision_without_its_antecedent_is_skipped(nlp: NLP, settings: Settings) -> None:
    """"were angered by that decision" is not shown when the brief never names the decision; the plain report of
    the parents' reaction is shown instead."""
    rows = [VOTE, ("b", "2025-03-03", "Parents on the east bank were angered by that decision, saying the riverside "
                                      "library is where their children study after school."), PARENTS]  # fmt: skip
    sents = brief_of(rows, nlp, settings)
    assert not any("that decision" in s for s in sents)
    assert PARENTS[2] in sents


def test_that_decision_is_shown_when_the_brief_names_the_decision(nlp: NLP, settings: Settings) -> None:
    """Once the brief names the decision, the sentence about it may follow."""
    rows = [("a", "2025-03-03", "The Alden council made its decision on Monday to close the riverside library in "
                                "June.\n\nThat decision angered parents who rely on the branch for homework help."),
            ("b", "2025-03-03", "Parents in Alden were angry after the council decision on Monday to close the "
                                "riverside library in June, which many rely on for homework help.")]  # fmt: skip
    sents = brief_of(rows, nlp, settings)
    assert sents[0].startswith("The Alden council")
    assert any(s.startswith("That decision") for s in sents)


def test_a_person_never_introduced_is_not_shown(nlp: NLP, settings: Settings) -> None:
    """"Kovacs said ..." is left out when the brief never names Anna Kovacs."""
    rows = [VOTE, ("b", "2025-03-03", "The head librarian was in tears on Monday after the vote.\n\nKovacs said "
                                      "parents on the east bank rely on the riverside library because their children "
                                      "study there after school.\n\nAnna Kovacs runs it."), PARENTS]  # fmt: skip
    sents = brief_of(rows, nlp, settings)
    assert sents[0].startswith("The Alden city council")
    assert not any(s.startswith("Kovacs said") for s in sents)


@pytest.mark.parametrize(
    "sentence",
    [
        "Parties COUNTY OF ALDEN, Plaintiff, v. RIVERSIDE WATER DISTRICT, Defendant, filed on March 3.",
        "The County of Alden, Plaintiffs, v. the Riverside Water District and others, Defendants, No. 24-1102.",
    ],
)
def test_court_captions_are_not_brief_sentences(sentence: str) -> None:
    """The caption of a filing is page furniture, never a sentence of the brief."""
    assert sentence_problem(sentence) == "caption"


def test_the_title_is_a_representative_news_headline_not_an_opinion_one() -> None:
    """An opinion page's headline and a loaded one give way to the headline the other outlets' reports share."""
    def art(aid: str, title: str, url: str = "") -> Article:
        return Article(id=aid, title=title, url=url, outlet=aid, paragraphs=[Paragraph(
            "The Alden city council voted on Monday to close the riverside library in June.")])  # fmt: skip

    arts = [
        art("op", "Closing the library is a betrayal of Alden's children", "https://news.example/opinion/library"),
        art("loud", "Shameful! Council guts beloved library"),
        art("wire", "Alden council votes to close riverside library | Lakeside Wire"),
        art("tv", "Council votes to close Alden's riverside library"),
    ]
    assert brief.story_title(arts) == "Alden council votes to close riverside library"


# A weak site reports first, at length, on a side angle; four outlets then carry the lead fact in their own words.
CORROBORATED = [
    ("blog", "2025-03-03", "Tom Reyes, who has sold coffee across from the riverside library in Alden for twenty "
                           "years, fears for his shop after the council vote on Monday.\n\nHis shop fills with "
                           "students every afternoon, and he worries about the winter.\n\nThe shop opened in 2005 "
                           "in a former bakery on Mill Lane.\n\nHe roasts his own beans on Sundays in a small "
                           "machine behind the counter.\n\nRegulars come from as far as Brookfield for his almond "
                           "pastries."),
    ("wire", "2025-03-03", "The Alden city council voted 7-2 on Monday to close the riverside library in June to "
                           "save money.\n\nThe library has served the east bank since 1962, the city said."),
    ("paper", "2025-03-03", "The Alden city council voted 7-2 on Monday to close the riverside library in June "
                            "to save money, ending a months-long debate.\n\nParents said the branch is the only "
                            "quiet place near the east bank where children can study after school."),
    ("tv", "2025-03-04", "Alden's city council voted 7-2 on Monday to close the riverside library in June to save "
                         "money.\n\nThe closure will save the city about 400,000 dollars a year, officials said."),
    ("radio", "2025-03-04", "The city council in Alden voted 7-2 on Monday to close the riverside library in June "
                            "to save money.\n\nLibrarians will be offered jobs at the two other branches, the "
                            "union said."),
]  # fmt: skip


def test_the_lead_is_the_fact_four_outlets_carry_cited_to_all_of_them(nlp: NLP, settings: Settings) -> None:
    """The first, long report of one weak site does not open or fill the brief: the vote all four outlets report
    does, cited to each of them."""
    made = [make(aid, text, nlp, published) for aid, published, text in CORROBORATED]
    arts = [a for a, _ in made]
    docs = {a.id: d for a, d in made}
    cites = brief.summarise(Story(id="s", articles=[a.id for a in arts]), arts, settings, docs=docs)
    assert "voted 7-2 on Monday to close the riverside library" in cites[0].text
    assert {"wire", "paper", "tv", "radio"} <= set(cites[0].sources)
    assert sum(c.article == "blog" for c in cites) <= 1


def test_a_surname_is_not_shown_before_another_outlet_introduces_the_person(nlp: NLP, settings: Settings) -> None:
    """"Kovacs said ..." (no full name in its own article) is shown only after a sentence naming Anna Kovacs, or
    not at all."""
    rows = [VOTE,
            ("b", "2025-03-03", "Kovacs said parents on the east bank rely on the riverside library because their "
                                "children study there after school."),
            ("c", "2025-03-04", "Head librarian Anna Kovacs said the riverside branch has 40 volunteers who will "
                                "lose their place.")]  # fmt: skip
    sents = brief_of(rows, nlp, settings)
    named = [k for k, s in enumerate(sents) if "Kovacs" in s]
    assert sents[0].startswith("The Alden city council")
    assert not named or "Anna Kovacs" in sents[named[0]]


def test_a_pronoun_is_not_taken_without_the_sentence_it_points_back_at(nlp: NLP, settings: Settings) -> None:
    """"She said ..." may be taken only right after the sentence before it in its article: alone, "she" would point
    at whoever the brief named last."""
    made = [make(aid, text, nlp, published) for aid, published, text in [
        VOTE, ("b", "2025-03-03", "Mayor Lena Ortiz spoke to reporters on Monday afternoon.\n\nShe said the "
                                  "library's 90,000 books will move to the north branch.")]]  # fmt: skip
    arts = [a for a, _ in made]
    summariser = brief.Summariser(settings).fit(arts, {a.id: d for a, d in made})
    rows = {c.text[:9]: i for i, c in enumerate(summariser.candidates_)}
    she, mayor, vote = rows["She said "], rows["Mayor Len"], rows["The Alden"]
    assert summariser._dangling(she, [vote])
    assert not summariser._dangling(she, [vote, mayor])
