"""The brief's lead is shown with every independent source that reports it (issue 13, item 4): outlets that say the
lead's main fact in their own words, or only a part of it, count; one that gives another figure does not."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from storyline import brief
from storyline.brief.assertions import Assertion, assertion, reports_assertion
from storyline.brief.sentences import Candidate
from storyline.config import Settings
from storyline.extract import extract_article
from storyline.model import Article, Citation, Paragraph, Span, Story
from storyline.report import _view, render_markdown, reported_line
from storyline.text.parser import NLP, sentences_of

# The wire reports the vote first and in full; two outlets lead on their own angle and then say a part of the vote in
# their own words; a fourth gives another tally (a different figure: it does not report this lead); a blog writes
# about a shop by the library.
VOTE = [
    ("wire", "2025-03-03", "The Alden city council voted 7-2 on Monday to close the riverside library at the end of "
                           "June to save about 400,000 dollars a year.\n\nThe library has served the east bank "
                           "since 1962, the city said."),
    ("paper", "2025-03-03", "Parents on the east bank fear for the only quiet place where their children can study "
                            "after school.\n\nAlden's council voted on Monday to close the riverside library."),
    ("tv", "2025-03-04", "Librarians in Alden will be offered jobs at the two other branches, the union said on "
                         "Tuesday.\n\nThe riverside library will close at the end of June, the council decided on "
                         "Monday."),
    ("radio", "2025-03-04", "The mayor of Alden said on Tuesday that she regretted the closure but that the budget "
                            "left no choice.\n\nThe council voted 6-3 on Monday to close the riverside library."),
    ("blog", "2025-03-04", "A coffee shop across from the riverside library in Alden sells almond pastries to "
                           "students every afternoon.\n\nIts owner opened it in 2005 in a former bakery."),
]  # fmt: skip


def _made(rows: list[tuple[str, str, str]], nlp: NLP) -> tuple[list[Article], dict[str, Doc]]:
    """The articles parsed and extracted like the pipeline does, and their parses by id."""
    arts, docs = [], {}
    for aid, published, text in rows:
        art = Article(id=aid, paragraphs=[Paragraph(p) for p in text.split("\n\n")], published=published,
                      outlet=aid.title())  # fmt: skip
        (doc,) = nlp.parse([art])
        art.sentences = sentences_of(art, doc)
        arts.append(extract_article(art, doc))
        docs[aid] = doc
    return arts, docs


def _brief(rows: list[tuple[str, str, str]], nlp: NLP, settings: Settings) -> tuple[list[Article], list[Citation]]:
    arts, docs = _made(rows, nlp)
    return arts, brief.summarise(Story(id="s", articles=[a.id for a in arts]), arts, settings, docs=docs)


def test_the_lead_is_reported_by_every_outlet_that_says_it_in_its_own_words(nlp: NLP, settings: Settings) -> None:
    """The vote opens the brief; the outlets saying it (or a part of it) in other words report it, the one with
    another tally and the blog do not; the lead is still cited only to what states it whole."""
    _, cites = _brief(VOTE, nlp, settings)
    lead = cites[0]
    assert lead.text.startswith("The Alden city council voted 7-2 on Monday")
    assert {"wire", "paper", "tv"} <= set(lead.reported_by)
    assert "radio" not in lead.reported_by  # 6-3 is not the 7-2 the lead gives
    assert "blog" not in lead.reported_by
    assert lead.sources == ["wire"]  # the others give a part of it: they report it, they do not state all of it


# Sentences with the words of the lead that report no vote: a denial, a preview and a negation.
NO_VOTE = [
    "The mayor denied that the council had voted on Monday to close the riverside library.",
    "The Alden council will vote on Monday on whether to close the riverside library.",
    "The Alden council did not vote on Monday to close the riverside library, officials said.",
    "The Alden council is expected to vote on Monday to close the riverside library.",
    "The Alden council refused to vote on Monday on closing the riverside library.",
]


@pytest.mark.parametrize("sentence", NO_VOTE)
def test_a_denial_a_preview_or_a_negation_does_not_report_the_lead(sentence: str, nlp: NLP, settings: Settings) -> None:
    """An outlet whose only sentence on the vote denies it, says it is to come or says it did not happen is not
    counted among the sources reporting the lead; the outlets that say it still are."""
    rows = [*VOTE[:3], ("other", "2025-03-04", "A new bakery opened on Elm Street in Alden on Tuesday, selling rye "
                                               "bread.\n\n" + sentence)]  # fmt: skip
    _, cites = _brief(rows, nlp, settings)
    lead = cites[0]
    assert lead.text.startswith("The Alden city council voted 7-2 on Monday")
    assert set(lead.reported_by) == {"wire", "paper", "tv"}


def test_the_report_says_how_many_independent_sources_report_the_lead(nlp: NLP, settings: Settings) -> None:
    """The Markdown report tells the reader "reported by 3 independent sources" under the brief."""
    arts, cites = _brief(VOTE, nlp, settings)
    data = {"articles": [a.to_dict() for a in arts],
            "stories": [{"id": "s", "articles": [a.id for a in arts], "summary": [c.to_dict() for c in cites]}]}
    assert "The lead is reported by 3 independent sources." in render_markdown(data)
    assert _view(data)["stories"][0]["summary"][0]["reported"] == "reported by 3 independent sources"


def test_a_copy_reports_as_the_outlet_it_copies() -> None:
    """A reprint of the wire's story is the wire again: two articles, one independent source."""
    articles = {"wire": {"outlet": "Wire"}, "herald": {"outlet": "Herald", "duplicate_of": "wire"},
                "tv": {"outlet": "TV"}}  # fmt: skip
    assert reported_line(["wire", "herald"], articles) == "reported by 1 independent source"
    assert reported_line(["wire", "herald", "tv"], articles) == "reported by 2 independent sources"


def test_a_report_in_reported_speech_reports_the_lead(nlp: NLP, settings: Settings) -> None:
    """ "Officials said the council voted ..." states the vote: the outlet reports the lead."""
    rows = [*VOTE[:3], ("other", "2025-03-04", "A new bakery opened on Elm Street in Alden on Tuesday, selling rye "
                                               "bread.\n\nOfficials said the council voted on Monday to close the "
                                               "riverside library.")]  # fmt: skip
    _, cites = _brief(rows, nlp, settings)
    assert set(cites[0].reported_by) == {"wire", "paper", "tv", "other"}


def _asserted(text: str, nlp: NLP) -> Assertion | None:
    """The assertion of a one-sentence article, from its parse."""
    art = Article(id="a", paragraphs=[Paragraph(text)])
    (doc,) = nlp.parse([art])
    return assertion(Candidate(art, Span(0, len(art.text)), art.text, "a", 0, 0, True), doc)


@pytest.mark.parametrize(("lead", "other", "reports"), [
    # a deal the lead tells in the present ("is buying") may be reported as still to come
    ("Tolvex is buying the Harwick ferry line for 40 million pounds, the company said on Friday.",
     "Tolvex will buy the Harwick ferry line, the company said.", True),
    # a done deal is not reported by a sentence that says it is still to come, nor by one that denies it
    ("Tolvex bought the Harwick ferry line for 40 million pounds on Friday.",
     "Tolvex will buy the Harwick ferry line, the company said.", False),
    ("Tolvex bought the Harwick ferry line for 40 million pounds on Friday.",
     "Tolvex denied that it had bought the Harwick ferry line.", False),
    # another event of the same parties is no report of the lead's
    ("Tolvex bought the Harwick ferry line for 40 million pounds on Friday.",
     "Tolvex sold the Harwick ferry line to its crew.", False),
])  # fmt: skip
def test_a_report_asserts_the_leads_event_as_the_lead_does(lead: str, other: str, reports: bool, nlp: NLP) -> None:
    assert reports_assertion(_asserted(other, nlp), _asserted(lead, nlp)) is reports
