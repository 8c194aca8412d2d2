"""Agreement and conflict: figures keyed by what they count, different holders kept apart, updates over time
told from disagreements, approximate wording, syndicated copies counted once, informative rows only."""

from __future__ import annotations

import pytest

from storyline.claims import SINGLE_ROWS, claims, figure_claims, value_range
from storyline.extract import extract_article
from storyline.model import Article, Citation, Claim, Figure, Paragraph, Span, Story
from storyline.text.parser import NLP

BLAST_WIRE = (
    "A blast at a chemical depot in Eastfield on Monday morning injured 14 workers and sent smoke over the river, "
    "the company said.\n\nThe depot makes solvents for paint factories."
)
BLAST_TV = (
    "Sixteen people were hurt on Monday when an explosion ripped through the Eastfield chemical depot, the fire "
    "chief told reporters.\n\nCrews kept the fire away from the storage tanks."
)
GOALS_HOME = (
    "Okafor struck twice after the break to lift Harbour United to a 3-1 win on Saturday. "
    "She has now scored 19 goals in all competitions this season."
)
GOALS_AWAY = (
    "The visitors never found a way through. Their striker Lena Brandt, who has scored 16 goals this season, "
    "was kept quiet by the home defence."
)
TOLL = [
    ("2025-03-03", "North Post", "At least nine people were killed when the storm flattened homes along the coast, "
                                 "officials said."),
    ("2025-03-04", "Coast Radio", "Officials said 12 people were killed by the storm as rescuers searched flattened "
                                  "homes."),
    ("2025-03-05", "Daily Ledger", "The storm killed 15 people along the coast, officials said on Wednesday."),
]  # fmt: skip
EVAC_A = "More than 200 residents were evacuated from the riverside district as the water rose."
EVAC_B = "Police evacuated 220 residents from the riverside district on Friday as the water rose."


def make(
    aid: str,
    text: str,
    nlp: NLP,
    published: str = "2025-09-22",
    outlet: str | None = None,
    duplicate_of: str | None = None,
) -> Article:
    """An article of the given text, parsed and extracted like the pipeline does."""
    art = Article(
        id=aid,
        paragraphs=[Paragraph(p) for p in text.split("\n\n")],
        published=published,
        outlet=outlet or aid,
        duplicate_of=duplicate_of,
    )
    (doc,) = nlp.parse([art])
    return extract_article(art, doc)


def figure_rows(arts: list[Article], nlp: NLP) -> list[Claim]:
    """The figure rows a reader sees for these articles (read with their parses, as the claims stage does)."""
    return figure_claims(arts, docs={a.id: doc for a, doc in zip(arts, nlp.parse(arts), strict=True)})


def test_injured_workers_vs_hurt_people_is_a_conflict_with_both_sources(nlp: NLP) -> None:
    """'injured 14 workers' (wire and its copy) vs 'Sixteen people were hurt' is one disputed count."""
    wire = make("wire", BLAST_WIRE, nlp, outlet="Wire Service")
    copy = make("copy", BLAST_WIRE, nlp, outlet="Copy Daily", duplicate_of="wire")
    tv = make("tv", BLAST_TV, nlp, outlet="Channel 4")
    rows = figure_rows([wire, copy, tv], nlp)
    conflicts = [c for c in rows if c.status == "conflict"]
    assert len(conflicts) == 1
    (claim,) = conflicts
    assert claim.predicate == "injured"
    by_value = {v["value"]: v for v in claim.values}
    assert set(by_value) == {14, 16}
    assert by_value[14]["sources"] == ["wire", "copy"] and by_value[16]["sources"] == ["tv"]
    # the syndicated copy is listed but counted once
    assert by_value[14]["independent"] == 1
    assert by_value[14]["outlets"] == ["Wire Service", "Copy Daily"]


def test_two_players_goal_tallies_are_not_a_conflict(nlp: NLP) -> None:
    """'She has scored 19' and 'Brandt, who has scored 16' are about two players."""
    rows = figure_rows([make("home", GOALS_HOME, nlp), make("away", GOALS_AWAY, nlp)], nlp)
    assert rows and not [c for c in rows if c.status == "conflict"]


def test_rising_death_toll_over_three_days_is_an_update_not_a_conflict(nlp: NLP) -> None:
    """Nine, then 12, then 15 killed on three days from three outlets: one updated claim, in time order."""
    arts = [make(f"d{k}", text, nlp, published=day, outlet=outlet) for k, (day, outlet, text) in enumerate(TOLL)]
    rows = figure_rows(arts, nlp)
    assert not [c for c in rows if c.status == "conflict"]
    (claim,) = [c for c in rows if c.status == "updated"]
    assert claim.predicate == "killed"
    assert [v["value"] for v in claim.values] == [9, 12, 15]
    assert [v["as_of"] for v in claim.values] == ["2025-03-03", "2025-03-04", "2025-03-05"]


def test_same_day_disagreement_stays_a_conflict(nlp: NLP) -> None:
    """The same two tolls published on the same day are a disagreement, not an update."""
    arts = [
        make(f"d{k}", text, nlp, published="2025-03-04", outlet=outlet) for k, (_, outlet, text) in enumerate(TOLL[:2])
    ]
    assert [c.status for c in figure_rows(arts, nlp) if c.predicate == "killed"] == ["conflict"]


def test_more_than_200_and_220_agree(nlp: NLP) -> None:
    """An approximate 'more than 200' and an exact 220 are the same report: agreed by two outlets."""
    rows = figure_rows([make("a", EVAC_A, nlp), make("b", EVAC_B, nlp)], nlp)
    (claim,) = [c for c in rows if c.predicate == "evacuated"]
    assert claim.status == "agree"
    assert len(claim.values) == 1 and claim.values[0]["independent"] == 2
    assert claim.values[0]["sources"] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "value", "approx", "expected"),
    [
        ("about 2,300", 2300, True, (2250, 2350)),
        ("more than 200", 200, True, (200, 300)),
        ("nearly two dozen", 24, True, (20.4, 24)),
        ("14", 14, False, (14, 14)),
    ],
)
def test_value_range_follows_the_wording(text: str, value: float, approx: bool, expected: tuple[float, float]) -> None:
    """What an approximate figure allows depends on its hedge and on the precision it is written to."""
    fig = Figure("a", Span(0, len(text)), text, value, "people", approximate=approx)
    assert value_range(fig) == pytest.approx(expected)


def test_roughly_2500_and_about_2300_disagree(nlp: NLP) -> None:
    """Two hedged figures written to the hundred differ when neither covers the other (no flat 15% tolerance)."""
    a = make("a", "About 2,300 dockworkers went on strike at the port on Monday, the union said.", nlp)
    b = make("b", "Roughly 2,500 dockworkers walked off the job at the port on Monday, the union said.", nlp)
    assert [c.status for c in figure_rows([a, b], nlp) if c.values[0]["value"] > 1000] == ["conflict"]


def test_single_source_figures_are_capped_and_key_claims_stay_marked(nlp: NLP) -> None:
    """Many one-source numbers do not flood the table; a brief sentence from one outlet is marked single-source."""
    text = "\n\n".join(
        f"The district has {n} buses, {n + 1} depots and {n + 2} drivers on its payroll." for n in (3, 30, 300, 3000)
    )
    art = make("solo", text, nlp)
    story = Story(id="s", articles=["solo"])
    story.summary = [Citation(text="The district has 3 buses.", sources=["solo"], article="solo")]
    out = claims(story, [art])
    figures = [c for c in out if c.kind == "figure"]
    assert figures and len(figures) <= SINGLE_ROWS and all(c.status == "single_source" for c in figures)
    assert [c.status for c in out if c.kind == "claim"] == ["single_source"]


CROWD_A = "A crowd of 38,500 watched Harbour United win the Shield final at Marsh Park on Sunday."
CROWD_B = "About 42,000 fans packed Marsh Park on Sunday to see Harbour United lift the Shield."
QUAKE_A = (
    "A magnitude 6.4 earthquake shook the northern coast on Thursday, killing seven people, the national "
    "seismic agency said."
)
QUAKE_B = (
    "The quake that killed seven people on the northern coast on Thursday measured magnitude 6.6, according to the "
    "regional observatory."
)
QUAKE_HISTORY = "The northern coast was last hit hard in 1990, when a magnitude 7.8 earthquake killed 1,600 people."
RUNS_A = "The Hawks scored 3 runs in the eighth inning, two of them on a homer by Dario Vance."
RUNS_B = "In the tenth inning the Owls scored two runs off Dario Vance to win the series."
TOLL_PLACE = "Officials said 40 people died in Northvale, the town nearest the epicentre."
TOLL_ALL = "The earthquake killed 55 people across the province, officials said on Monday."


def test_crowd_and_fans_at_one_final_are_one_disputed_attendance(nlp: NLP) -> None:
    """'A crowd of 38,500' and 'About 42,000 fans packed' the same ground are two values of one attendance."""
    rows = figure_rows([make("a", CROWD_A, nlp), make("b", CROWD_B, nlp)], nlp)
    (claim,) = [c for c in rows if c.status == "conflict"]
    assert {v["value"]: v["sources"] for v in claim.values} == {38500: ["a"], 42000: ["b"]}


def test_two_agencies_magnitudes_are_a_conflict_and_not_a_death_toll(nlp: NLP) -> None:
    """Magnitude 6.4 from one agency and 6.6 from another are shown side by side as magnitudes; the quake's toll
    (seven killed, both agree) is never mixed with them, and a past quake's magnitude stays apart."""
    a = make("a", QUAKE_A, nlp, outlet="Wire")
    b = make("b", QUAKE_B + "\n\n" + QUAKE_HISTORY, nlp, outlet="Coast Radio")
    rows = figure_rows([a, b], nlp)
    (conflict,) = [c for c in rows if c.status == "conflict"]
    assert conflict.subject == "magnitude"
    assert {v["value"]: v["sources"] for v in conflict.values} == {6.4: ["a"], 6.6: ["b"]}
    killed = [c for c in rows if c.predicate == "killed" and any(v["value"] == 7 for v in c.values)]
    assert [(c.status, [v["value"] for v in c.values]) for c in killed] == [("agree", [7])]


def test_main_shock_and_aftershock_magnitudes_are_not_a_conflict(nlp: NLP) -> None:
    """A 6.4 main shock and a 5.1 aftershock reported by two outlets are two quakes, not a disagreement."""
    a = make("a", QUAKE_A, nlp)
    b = make(
        "b", "A magnitude 5.1 aftershock rattled the northern coast on Thursday evening, the observatory said.", nlp
    )
    rows = figure_rows([a, b], nlp)
    assert rows and not [c for c in rows if c.status == "conflict"]


def test_two_teams_run_totals_are_not_a_conflict(nlp: NLP) -> None:
    """'The Hawks scored 3 runs' and 'the Owls scored two runs' name two different teams, though both sentences
    name the same pitcher."""
    rows = figure_rows([make("a", RUNS_A, nlp), make("b", RUNS_B, nlp)], nlp)
    assert rows and not [c for c in rows if c.status == "conflict"]


def test_a_towns_toll_and_the_whole_toll_are_not_a_conflict(nlp: NLP) -> None:
    """'40 people died in Northvale' is a part of 'killed 55 people across the province', not another count of it."""
    rows = figure_rows([make("a", TOLL_PLACE, nlp), make("b", TOLL_ALL, nlp)], nlp)
    assert rows and not [c for c in rows if c.status == "conflict"]


def test_a_company_announcing_its_own_recall_is_still_the_holder_of_the_count(nlp: NLP) -> None:
    """'The recall that Norvell Foods announced covers roughly 380,000 jars' holds Norvell's count as much as
    'Norvell Foods is recalling about 320,000 jars': a name is a figure's source only when it says the words the
    figure is in (the extract stage's quotes and reported speech), not whenever a speech verb follows it."""
    a = make("a", "Norvell Foods is recalling about 320,000 jars of its peanut butter over a salmonella concern.", nlp,
             published="2025-05-07")  # fmt: skip
    b = make("b", "The recall that Norvell Foods announced on Wednesday covers roughly 380,000 jars of peanut butter.",
             nlp, published="2025-05-07")  # fmt: skip
    (claim,) = [c for c in figure_rows([a, b], nlp) if c.status == "conflict"]
    assert {v["value"] for v in claim.values} == {320000, 380000}


@pytest.mark.parametrize("noun", ["steelworkers", "longshoremen", "schoolchildren"])
def test_a_compound_person_noun_counts_people(nlp: NLP, noun: str) -> None:
    """A compound takes the class of its last element: '14 steelworkers' (no list names them) are people, one
    disputed count with 'Sixteen people were hurt'."""
    wire = make("wire", BLAST_WIRE.replace("14 workers", f"14 {noun}"), nlp, outlet="Wire Service")
    tv = make("tv", BLAST_TV, nlp, outlet="Channel 4")
    (claim,) = [c for c in figure_rows([wire, tv], nlp) if c.status == "conflict"]
    assert {v["value"] for v in claim.values} == {14, 16}
