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


# -- firms, shops and occupations the model typed as people ---------------------------------------------------------
@pytest.mark.parametrize("text, firm", [
    ("Tolvane Brightwater slid on Tuesday after it said its chief executive would step down.",
     "Tolvane Brightwater"),
    ("Harlow Quince Marlowe closed two mills last year after it said orders had dried up.", "Harlow Quince Marlowe"),
])  # fmt: skip
def test_a_firm_whose_clause_goes_on_with_it_said_is_no_person(nlp: NLP, text: str, firm: str) -> None:
    ents = by_name(story_of(nlp, [[text, "The town council met on Wednesday."]]))
    assert ents[firm].type == "ORG"


def test_a_person_whose_clause_goes_on_with_it_said_stays_a_person(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Lena Ortiz resigned on Monday after it said profits fell.",
                                   "The firm said Ortiz had left."]]))
    assert ents["Lena Ortiz"].type == "PERSON" and ents["Ortiz"] is ents["Lena Ortiz"]


@pytest.mark.parametrize("text, shop", [
    ("Families shopped at Corvane\u2019s on Sunday before the storm.", "Corvane"),
    ("The bakery competes with rivals such as Harwick Bread and Uncle Tam\u2019s.", "Uncle Tam"),
])  # fmt: skip
def test_a_shop_named_by_a_possessive_that_owns_nothing_is_no_person(nlp: NLP, text: str, shop: str) -> None:
    ents = by_name(story_of(nlp, [[text, "Prices rose by a tenth over the year."]]))
    assert ents[shop].type == "ORG"


@pytest.mark.parametrize("given", ["Marcus", "Idris"])  # a given name of the nicknames data, and one it lacks
@pytest.mark.parametrize("text", [
    "The final decision was {} Webb\u2019s, aides said.",
    "{} Webb\u2019s and Ana Kelly\u2019s offices did not reply.",
    "\u201c{} Webb\u2019s been the best hitter all year,\u201d the manager said.",
])  # fmt: skip
def test_a_possessive_that_is_a_verb_or_owns_before_and_is_a_person(nlp: NLP, text: str, given: str) -> None:
    ents = by_name(story_of(nlp, [[text.format(given), "The club did not comment on Monday."]]))
    assert ents[f"{given} Webb"].type == "PERSON"


def test_a_group_noun_or_an_adjective_at_the_head_of_a_line_is_no_name(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["A shipping line bought the ferry operator for $2 billion.",
                                   "Economists say the sale could raise fares on the island routes."],
                                  ["The garden centre sells:", "Potted herbs, such as basil and mint",
                                   "Potted roses and young hedges"]]))
    assert "Economists" not in ents and "Potted" not in ents


@pytest.mark.parametrize("text, person, role", [
    ("Paramedic Rosa Lind said two drivers were treated for the cold.", "Rosa Lind", "Paramedic"),
    ("Nurse Ada Voss said the ward stayed open all night.", "Ada Voss", "Nurse"),
])  # fmt: skip
def test_an_occupation_before_a_name_is_a_role_not_a_given_name(nlp: NLP, text: str, person: str, role: str) -> None:
    ents = by_name(story_of(nlp, [["Volunteers cleared the flooded road by dawn.", text,
                                   f"Francisco {person.split()[-1]}, the fire chief, said the road would reopen."]]))
    assert ents[person].roles == [role]
    assert ents[person] is not ents[f"Francisco {person.split()[-1]}"]


def test_an_occupation_before_a_firm_s_name_makes_no_person(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Pilot Flying J said on Monday it would open ten new stores.",
                                   "The chain is based in Knoxville."]]))
    assert "Flying J" not in ents


def test_long_given_names_are_one_person_only_a_letter_apart() -> None:
    names = ["Frederick Lind", "Francisca Lind", "Jonathon Marsh", "Jonathan Marsh"]
    mentions, pos = [], 0
    for n in names:
        mentions.append(Mention(Span(pos, pos + len(n)), n, "PERSON"))
        pos += len(n) + 2
    shown = sorted(sorted(e.aliases) for e in merge_entities([Article(id="a", mentions=mentions)]))
    assert shown == [["Francisca Lind"], ["Frederick Lind"], ["Jonathan Marsh", "Jonathon Marsh"]]


@pytest.mark.parametrize("text, places", [
    ("Roads were shut in the provinces of Pereira and Quintero after the snow.", ["Pereira", "Quintero"]),
    ("Power was cut across the districts of Okafor and Brandt on Sunday.", ["Okafor", "Brandt"]),
])  # fmt: skip
def test_names_joined_after_the_states_of_are_places(nlp: NLP, text: str, places: list[str]) -> None:
    ents = by_name(story_of(nlp, [["Heavy snow fell across the north on Friday.", text]]))
    assert [ents[p].type for p in places] == ["GPE", "GPE"]


@pytest.mark.parametrize("text, body", [
    ("Investors worried about the state of the Democratic Party on Monday.", "Democratic Party"),
    ("Members argued about the state of the Carrow Dockers Union at the meeting.", "Carrow Dockers Union"),
])  # fmt: skip
def test_a_body_after_the_state_of_is_no_place(nlp: NLP, text: str, body: str) -> None:
    ents = by_name(story_of(nlp, [[text, "Its leaders met again on Friday."]]))
    assert ents[body].type == "ORG"


@pytest.mark.parametrize("lead", ["The club won the league on Sunday.", "The Harbour City side won the cup on Sunday."])
def test_an_occupation_noun_before_a_name_is_no_part_of_it(nlp: NLP, lead: str) -> None:
    arts = [Article(id="c", paragraphs=[Paragraph(lead), Paragraph(
        "Coach Mara Ostrova said the players had earned a rest. \u201cThis team never gave up,\u201d Ostrova said.")])]
    extract_article(arts[0], nlp.parse(arts)[0])
    assert {q.speaker_name for q in arts[0].quotes} == {"Mara Ostrova", "Ostrova"}
    assert [e.name for e in merge_entities(arts) if e.type == "PERSON"] == ["Mara Ostrova"]


def test_a_name_ending_in_a_legal_form_is_a_company(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Investors sold shares of Marlow Pike LLC on Monday, and Tom Hendry Ltd. "
                                   "fell too.", "Analysts at Harlan Vey & Co said the sell-off would pass."]]))
    assert ents["Tom Hendry Ltd."].type == "ORG"
    assert ents["Harlan Vey & Co"].type == "ORG"


def test_a_surname_that_is_also_a_legal_form_is_a_person(nlp: NLP) -> None:
    ents = by_name(story_of(nlp, [["Lawmakers met Zaldy Co on Monday.", "Co said the budget was fair."]]))
    assert ents["Zaldy Co"].type == "PERSON"
