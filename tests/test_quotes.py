"""Quotes and speakers on hand-written mini articles: who said it, what is no quote, and one quote across outlets."""

from __future__ import annotations

import pytest

from storyline.extract import extract_article, merge_story
from storyline.extract.quotegroups import group_quotes, same_quote
from storyline.model import Article, Paragraph, Quote, Span, Story
from storyline.report import render_html, render_markdown, story_json
from storyline.text.parser import NLP


def article(
    aid: str, paragraphs: list[str], published: str | None = "2019-03-04", outlet: str | None = None
) -> Article:
    """A hand-written article."""
    return Article(
        id=aid, title=f"Story {aid}", paragraphs=[Paragraph(p) for p in paragraphs], published=published, outlet=outlet
    )


def direct(nlp: NLP, paragraphs: list[str]) -> dict[str, str | None]:
    """The direct quotes of a hand-written article: their words -> their speaker as shown."""
    art = article("x", paragraphs)
    extract_article(art, nlp.parse([art])[0])
    return {q.text: q.speaker_name for q in art.quotes if q.kind == "direct"}


# -- one quote across outlets ------------------------------------------------------------------------------------
HARBOUR = [
    (
        "h1", "Coast Courier", "2019-03-05",
        ["Harbour master Piet Varga closed the north pier on Monday after the storm.",
         "\u201cThe pier will stay shut until the engineers have checked every pile,\u201d Varga said."],
    ),
    (
        "h2", "Daily Tide", "2019-03-04",
        ["The north pier was closed on Monday.",
         "\"The pier will stay shut until the engineers have checked every pile,\" harbour master Piet Varga said."],
    ),
    (
        "h3", "Bay Radio", None,
        ["Piet Varga, the harbour master, said the pier was closed.",
         "\u201cThe pier will stay shut until the engineers have checked every pile\u201d, he told reporters."
         " \u201cWe will reopen it in spring.\u201d"],
    ),
]  # fmt: skip


@pytest.fixture
def harbour(nlp: NLP) -> tuple[Story, list[Article]]:
    """One story of three outlets quoting the harbour master's same words."""
    arts = [article(aid, paras, day, outlet) for aid, outlet, day, paras in HARBOUR]
    for art, doc in zip(arts, nlp.parse(arts), strict=True):
        extract_article(art, doc, resolve=False)
    story = merge_story(Story(id="harbour", articles=[a.id for a in arts]), arts)
    return story, arts


def test_the_same_quote_in_three_outlets_is_one_quote_with_three_sources(harbour: tuple[Story, list[Article]]) -> None:
    story, _ = harbour
    pier = [g for g in story.quote_groups if "pier will stay shut" in g.text]
    assert len(pier) == 1
    [g] = pier
    assert g.sources == ["h2", "h1", "h3"]  # earliest published first, the undated one last
    assert g.first == "h2" and g.speaker_name == "Piet Varga"
    assert len([q for q in story.quotes if "pier will stay shut" in q.text]) == 3  # every article keeps its own
    only_h3 = [g.text for g in story.quote_groups if g.sources == ["h3"] and g.kind == "direct"]
    assert only_h3 == ["We will reopen it in spring."]


def test_reports_show_a_shared_quote_once_with_its_sources_and_first_appearance(
    harbour: tuple[Story, list[Article]],
) -> None:
    story, arts = harbour
    data = {"articles": [{"id": a.id, "outlet": a.outlet, "published": a.published} for a in arts],
            "stories": [story_json(story)]}  # fmt: skip
    md = render_markdown(data)
    [line] = [x for x in md.splitlines() if "pier will stay shut" in x]
    assert "3 sources" in line and "Daily Tide, 2019-03-04" in line and "Piet Varga" in line
    page = render_html(data)
    assert page.count("pier will stay shut") == 1
    assert "3 sources" in page and "first" in page


def test_a_story_stored_before_quote_groups_shows_each_quote() -> None:
    quote = Quote("a", Span(0, 20), "We will reopen it soon", speaker_name="Ana Ruiz")
    data = {"articles": [{"id": "a", "outlet": "Wire"}], "stories": [story_json(Story(id="s", articles=["a"],
                                                                                         quotes=[quote]))]}
    [line] = [x for x in render_markdown(data).splitlines() if "reopen" in x]
    assert "1 source" in line and "Ana Ruiz" in line


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("\u201cWe will appeal this ruling,\u201d", "we will appeal this ruling", True),
        ("the rules are clear", "The rules are clear and the cities know them.", True),
        ("we will win", "we will win this case", False),  # three words inside a longer quote: a common phrase
        ("the rules are clear", "the rules changed last year", False),
    ],
)
def test_same_quote(a: str, b: str, same: bool) -> None:
    assert same_quote(a, b) is same


def test_a_quote_repeated_in_one_article_is_one_source() -> None:
    art = Article(id="a", published="2019-03-04")
    qs = [Quote("a", Span(0, 20), "We will reopen it soon"), Quote("a", Span(90, 110), "We will reopen it soon")]
    [g] = group_quotes(qs, [art])
    assert g.sources == ["a"] and g.span == Span(0, 20)
