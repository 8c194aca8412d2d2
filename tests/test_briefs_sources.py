"""The brief's source weight: one short article more or less must not change which report the brief is built on."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from storyline import brief
from storyline.config import Settings
from storyline.extract import extract_article
from storyline.model import Article, Paragraph, Story
from storyline.text.parser import NLP, sentences_of

# One long first report with details no one else gives, a short recap of it, and two short pieces on a side angle
# that say the same thing to each other.
MAIN = ("main", "2025-06-01",
        "A fire broke out on the Wexmoor ferry Saltwind on Sunday evening, forcing 212 passengers to leave the ship at "
        "the north pier.\n\nThe blaze started in the engine room shortly after 7 p.m., the harbour master said.\n\n"
        "Two crew members were treated for smoke inhalation at Wexmoor General Hospital.\n\nThe ferry line suspended "
        "its evening crossings to Tarn Island until further notice.\n\nInvestigators from the maritime safety board "
        "will inspect the ship on Tuesday.\n\nThe Saltwind was built in 1998 and was refitted with new engines two "
        "years ago.")
RECAP = ("recap", "2025-06-02",
         "The ferry Saltwind caught fire on Sunday evening in Wexmoor, and its 212 passengers left the ship at the "
         "north pier.\n\nThe fire began in the engine room just after 7 p.m.\n\nTwo crew members were treated for "
         "smoke inhalation.\n\nThe ferry line suspended its crossings to Tarn Island.\n\nInvestigators of the "
         "maritime safety board will inspect the ship.")
SIDE = [("side1", "2025-06-02", "Passengers of the Saltwind praised the crew for a calm evacuation at the north pier "
                                "on Sunday.\n\nMany said life jackets were handed out within minutes."),
        ("side2", "2025-06-02", "Passengers praised the Saltwind crew for a calm and quick evacuation on Sunday "
                                "evening.\n\nSeveral said life jackets were handed out within minutes of the alarm.")]


def make(aid: str, published: str, text: str, nlp: NLP) -> tuple[Article, Doc]:
    """An article of the given text, parsed and extracted like the pipeline does, and its parse."""
    art = Article(id=aid, outlet=aid, published=published, paragraphs=[Paragraph(p) for p in text.split("\n\n")])
    (doc,) = nlp.parse([art])
    art.sentences = sentences_of(art, doc)
    return extract_article(art, doc), doc


def sources_of_brief(rows: list[tuple[str, str, str]], nlp: NLP, settings: Settings) -> list[str | None]:
    """The article each sentence of the brief of these articles comes from, in reading order."""
    made = [make(*row, nlp=nlp) for row in rows]
    arts = [a for a, _ in made]
    docs = {a.id: d for a, d in made}
    cites = brief.summarise(Story(id="s", articles=[a.id for a in arts]), arts, settings, docs=docs)
    return [c.article for c in cites]


def test_with_the_recap_the_brief_is_built_on_the_main_report(nlp: NLP, settings: Settings) -> None:
    """The recap carries most of the first report: the brief opens with its lead and gives its details."""
    shown = sources_of_brief([MAIN, RECAP, *SIDE], nlp, settings)
    assert shown[0] == "main"
    assert shown.count("main") >= 3  # noqa: PLR2004 - the lead and the details after it


@pytest.mark.xfail(strict=True, reason="issue 13: the source weight is a mean over a source's sentences, so a long "
                   "first report that only a recap corroborates is capped to one sentence when the recap is left out; "
                   "no robust weight tried helped the tune sets (see the rouge2 report)")
def test_without_the_recap_the_main_report_is_not_cut_to_one_sentence(nlp: NLP, settings: Settings) -> None:
    """Leaving the short recap out does not cut the long first report, the one that tells the news, to its lead."""
    shown = sources_of_brief([MAIN, *SIDE], nlp, settings)
    assert shown[0] == "main"
    assert shown.count("main") >= 3  # noqa: PLR2004 - the lead and the details after it
