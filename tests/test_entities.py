"""Entities a reader can trust: types checked against the parse and the other mentions, and the merges of names.

Hand-written mini articles (invented people, firms and towns); each test asserts what the story's entity list
shows a reader.
"""

from __future__ import annotations

import pytest

from storyline.extract import extract_article, merge_story
from storyline.extract.merge import merge_entities, type_votes
from storyline.extract.names import same_given_name
from storyline.model import Article, Entity, Mention, Paragraph, Span, Story
from storyline.text.parser import NLP


def story_of(nlp: NLP, texts: list[list[str]]) -> list[Entity]:
    """The entities of one story made of these articles (one list of paragraphs each)."""
    arts = [Article(id=f"t{i}", paragraphs=[Paragraph(p) for p in ps], published="2018-10-10", story="s")
            for i, ps in enumerate(texts)]
    for art, doc in zip(arts, nlp.parse(arts), strict=True):
        extract_article(art, doc, resolve=False)
    return merge_story(Story(id="s", articles=[a.id for a in arts]), arts).entities


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    """Each entity under every name it is shown with."""
    return {n: e for e in entities for n in [e.name, *e.aliases]}


def test_a_company_that_says_it_is_no_person(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Twitter said it would remove the posts.", "Okafor wrote on Twitter that he "
                                   "disagreed with the decision."], ["Twitter declined to comment on Monday."]]))
    assert ents["Twitter"].type == "ORG"
    assert ents["Okafor"].type == "PERSON"


def test_parties_of_a_case_are_no_entities(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Plaintiff asked the court to halt the order.",
                                   "Defendants said the rule was lawful, and Judge Mara Quell agreed."]]))
    assert "Plaintiff" not in ents and "Defendants" not in ents
    assert ents["Mara Quell"].type == "PERSON"


def test_a_time_zone_after_a_clock_time_is_no_organisation(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["The quake struck at 10:30 GMT near Tolven, the Harbour Authority said."]]))
    assert "GMT" not in ents


def test_a_name_written_with_an_article_or_an_acronym_is_no_person(nlp: NLP) -> None:
    ents = story_of(nlp, [["Cities could lose money from the Edwin Marlow Memorial program this year.",
                           "Police chiefs said the Marlow JAG money pays for overtime."]])
    people = [e.name for e in ents if e.type == "PERSON"]
    assert not [p for p in people if "Marlow" in p]


def test_a_place_the_model_took_for_a_person_is_one_place(nlp: NLP) -> None:
    ents = [e for e in story_of(nlp, [["Rescuers searched collapsed homes in Carrow on Tuesday.",
                                       "Carrow lost power overnight, officials in Carrow said."]])
            if e.name == "Carrow"]
    assert [e.type for e in ents] == ["GPE"]  # one entity, a place, not a person and a place


def test_the_corpus_vote_gives_one_name_one_type() -> None:
    arts = [Article(id="v1", mentions=[Mention(Span(0, 6), "Tolven", "PERSON")]),
            Article(id="v2", mentions=[Mention(Span(0, 6), "Tolven", "GPE"), Mention(Span(9, 15), "Tolven", "GPE")])]
    [one] = merge_entities(arts[:1], votes=type_votes(arts))
    assert (one.name, one.type) == ("Tolven", "GPE")


def test_a_courtesy_title_is_no_role(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Mr. Okafor told reporters the plant would reopen."]]))
    assert ents["Okafor"].type == "PERSON"
    assert ents["Okafor"].roles == []  # "Mr." was shown as his role


def test_a_pet_form_of_a_given_name_is_the_same_person(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Rep. Jerrold Nadler of New York said the hearing would go ahead."],
                                  ["Jerry Nadler has led the committee since January, his office said."]]))
    assert ents["Jerry Nadler"].id == ents["Jerrold Nadler"].id


@pytest.mark.parametrize(("a", "b", "same"), [("jerry", "jerrold", True), ("danny", "daniel", True),
                                               ("bob", "robert", True), ("jerry", "jersey", False),
                                               ("kenny", "kenneth", True), ("john", "jane", False)])
def test_given_names_and_their_pet_forms(a: str, b: str, same: bool) -> None:
    assert same_given_name(a, b) is same


def test_a_country_and_its_official_name_are_one_place(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Russia denied the report on Monday.",
                                   "Officials in Russia declined to comment."],
                                  ["The Russian Federation said its forces had left the border."]]))
    assert ents["Russia"].id == ents["Russian Federation"].id
    assert ents["Russia"].type == "GPE"


def test_a_plural_name_joins_the_singular_but_a_surname_never_joins_a_given_name() -> None:
    text = "Lumaphone sales rose; Lumaphones sold out. Ann Williams said William was there. Williams smiled."
    spans = {"Lumaphone": "ORG", "Lumaphones": "ORG", "Ann Williams": "PERSON", "William": "PERSON"}
    mentions = [Mention(Span(text.index(w), text.index(w) + len(w)), w, lab) for w, lab in spans.items()]
    at = text.rindex("Williams")
    mentions.append(Mention(Span(at, at + 8), "Williams", "PERSON"))
    art = Article(id="p", paragraphs=[Paragraph(text)], mentions=sorted(mentions, key=lambda m: m.span.start))
    ents = by_name(merge_entities([art]))
    assert ents["Lumaphone"].id == ents["Lumaphones"].id
    assert ents["Williams"].id == ents["Ann Williams"].id
    assert ents["William"].id != ents["Ann Williams"].id


def test_accents_do_not_split_a_place() -> None:
    text = "Mexico City shook. México City"
    art = Article(id="m", paragraphs=[Paragraph(text)],
                  mentions=[Mention(Span(0, 11), "Mexico City", "GPE"), Mention(Span(19, 30), "México City", "GPE")])
    [one] = merge_entities([art])
    assert set(one.aliases) == {"Mexico City", "México City"}


def test_a_short_form_joins_the_full_name_it_shortens(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Harwick Foods Market agreed to sell its stores on Friday.",
                                   "Shares of Harwick Foods rose 20 percent after the deal was announced."],
                                  ["Storms hit homes in Tolven on Monday.",
                                   "The Tolven Power Authority cut power to the valley. Crews of the Power Authority "
                                   "worked all night."]]))
    assert ents["Harwick Foods"].id == ents["Harwick Foods Market"].id
    assert ents["Power Authority"].id == ents["Tolven Power Authority"].id


def test_an_acronym_with_a_spelt_country_joins_its_name() -> None:
    text = "The US Geological Survey measured it. The USGS said so."
    art = Article(id="g", paragraphs=[Paragraph(text)],
                  mentions=[Mention(Span(4, 24), "US Geological Survey", "ORG"), Mention(Span(42, 46), "USGS", "ORG")])
    [one] = merge_entities([art])
    assert set(one.aliases) == {"US Geological Survey", "USGS"}


def test_a_name_after_the_state_of_is_a_place(nlp: NLP) -> None:
    ents = [e for e in story_of(nlp, [["The quake hit the state of Arvela on Tuesday, and Arvela state lost power.",
                                       "Schools in Arvela stayed shut, the governor said."]]) if e.name == "Arvela"]
    assert [e.type for e in ents] == ["GPE"]


def test_an_ordinary_word_at_the_head_of_a_sentence_is_no_name(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Turnout was low in the morning. By noon turnout had doubled, Mayor Ines Varga "
                                   "said."]]))
    assert "Turnout" not in ents


# -- firms, shops, teams and occupations the model typed as people or groups ----------------------------------------
def test_a_firm_whose_clause_goes_on_with_it_said_is_no_person(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Defense contractor Marlow Pike Hendry tumbled after it said regulators are "
                                   "reviewing its accounts.", "Other stocks rose on Monday."]]))
    assert ents["Marlow Pike Hendry"].type == "ORG"


def test_a_shop_named_by_a_possessive_that_owns_nothing_is_no_person(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["The chain also faces pressure from rivals such as Aldi and Uncle Wes\u2019s.",
                                   "Shoppers can pick items off the shelves and leave."]]))
    assert ents["Uncle Wes"].type == "ORG"


def test_a_group_noun_or_an_adjective_at_the_head_of_a_line_is_no_name(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["A retailer bought the chain for $10 billion.",
                                   "Analysts say the deal could change how people shop."],
                                  ["The shop sells:", "Frozen foods, such as pizza and burgers",
                                   "Frozen berries and dried fruit"]]))
    assert "Analysts" not in ents and "Frozen" not in ents


def test_an_occupation_before_a_name_is_a_role_not_a_given_name(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Rescuers dug through the rubble all night.",
                                   "Paramedic Rosa Lind said it was unclear whether anyone was still inside.",
                                   "Francisco Lind, the fire chief, said the search would go on."]]))
    assert ents["Rosa Lind"].roles == ["Paramedic"]
    assert ents["Rosa Lind"] is not ents["Francisco Lind"]


def test_long_given_names_are_one_person_only_a_letter_apart() -> None:
    names = ["Frederick Lind", "Francisca Lind", "Jonathon Marsh", "Jonathan Marsh"]
    mentions, pos = [], 0
    for n in names:
        mentions.append(Mention(Span(pos, pos + len(n)), n, "PERSON"))
        pos += len(n) + 2
    shown = sorted(sorted(e.aliases) for e in merge_entities([Article(id="a", mentions=mentions)]))
    assert shown == [["Francisca Lind"], ["Frederick Lind"], ["Jonathan Marsh", "Jonathon Marsh"]]


def test_names_joined_after_the_states_of_are_places(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Rescuers dug through the rubble all night.",
                                   "Schools were closed in the states of Pereira and Quintero."]]))
    assert ents["Pereira"].type == ents["Quintero"].type == "GPE"


def test_a_team_named_by_its_city_and_its_short_form_are_one_organisation(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["The Carrow Indians beat the Tolven Hawks on Sunday in Carrow to win the cup.",
                                   "The Indians scored twice in the second half, and the Hawks never caught up.",
                                   "Fans in Carrow sang until midnight as the Indians lifted the trophy."]]))
    assert ents["Indians"] is ents["Carrow Indians"]
    assert ents["Indians"].type == "ORG"


@pytest.mark.parametrize("lead", ["The club won the league on Sunday.", "The Harbour City side won the cup on Sunday."])
def test_an_occupation_noun_before_a_name_is_no_part_of_it(nlp: NLP, lead: str) -> None:
    arts = [Article(id="c", paragraphs=[Paragraph(lead), Paragraph(
        "Coach Mara Ostrova said the players had earned a rest. \u201cThis team never gave up,\u201d Ostrova said.")])]
    extract_article(arts[0], nlp.parse(arts)[0])
    assert {q.speaker_name for q in arts[0].quotes} == {"Mara Ostrova", "Ostrova"}
    assert [e.name for e in merge_entities(arts) if e.type == "PERSON"] == ["Mara Ostrova"]


def test_a_name_ending_in_a_legal_form_is_a_company(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Investors sold shares of Marlow Pike LLC on Monday, and Tom Hendry Ltd. "
                                   "fell too."]]))
    assert ents["Tom Hendry Ltd."].type == "ORG"
