"""Dedupe stage: copies, stitched pages, passage provenance, incremental runs (hand-written mini articles)."""

from __future__ import annotations

import numpy as np
import pytest

from storyline import dedupe, report
from storyline.config import Settings
from storyline.context import RunContext
from storyline.dedupe.shingles import MinHasher
from storyline.model import Article, Paragraph, Story
from storyline.store import Store

BRIDGE = [
    ("The city council voted on Tuesday to close the old harbour bridge for two years of repairs, after "
    "engineers found cracks in three of its steel supports during an inspection last spring."),
    ("Commuters will be sent over the northern ring road, which the transport office expects to add about "
    "twenty minutes to a morning trip from the port district to the centre."),
    ("Mayor Ilse Verbeek said the decision was painful but that no council could keep a bridge open once its "
    "own engineers had written that the supports might fail under heavy lorries."),
    ("The repairs are expected to cost forty million euros, most of it from a regional fund, and work should "
    "begin in September once the last tenders have been signed."),
]
ORCHARD = [
    ("A late frost in April destroyed nearly half of the apple blossom in the valley orchards, growers said, "
    "leaving many farms facing their smallest harvest in more than a decade."),
    ("Pickers who usually arrive from the south in August have been told that there will be work for only "
    "a few weeks this year, and some cooperatives have cancelled their contracts."),
    ("The farmers' union asked the agriculture ministry for emergency loans and for a delay on the repayment "
    "of older debts taken on after the drought three summers ago."),
    ("Cider makers, who buy the smaller and damaged fruit, warned that prices for their drinks would rise "
    "next year because they would have to import apples from abroad."),
]
LIBRARY = [
    ("The national library reopened its reading room on Monday after a renovation that replaced the leaking "
    "glass roof and added shelves for another two hundred thousand volumes."),
    ("Visitors queued from early morning, and staff handed out numbered tickets so that readers could keep "
    "their places while the old card catalogue was being moved downstairs."),
    ("The director said the building would now stay open until ten in the evening on weekdays, a change that "
    "students had demanded for years in letters to the culture ministry."),
    ("A small exhibition in the entrance hall shows photographs of the roof works together with the oldest "
    "maps in the collection, some of them printed in the sixteenth century."),
]
OWN_STITCH = (
    "Readers of this site will find more regional news below, collected from several local newspapers and "
    "radio stations across the province this week."
)

SHORT = ["Police closed the road for an hour on Sunday."]


def art(
    aid: str, paragraphs: list[str], published: str | None = None, title: str = "", outlet: str | None = None
) -> Article:
    """An article from paragraph strings."""
    return Article(id=aid, title=title or f"Headline {aid}", paragraphs=[Paragraph(p) for p in paragraphs],
                   published=published, outlet=outlet or f"Outlet {aid}")


def run(store: Store, settings: Settings, *articles: Article, full: bool = False) -> dict[str, Article]:
    """Store the articles, run the dedupe stage on them, return every stored article by id."""
    new, _ = store.add_articles(list(articles))
    dedupe.run(RunContext(store, settings, new_ids=new, full=full))
    return {a.id: a for a in store.iter_articles()}


def edited_bridge() -> list[str]:
    """The bridge story with two sentences changed."""
    paras = list(BRIDGE)
    paras[1] = paras[1].replace("about twenty minutes", "roughly half an hour")
    paras[3] = ("Officials put the bill at forty million euros, mostly paid by a regional fund, and work should "
                "begin in September once the last tenders have been signed.")
    return paras


def test_exact_copy_points_to_earliest_published(store: Store, settings: Settings) -> None:
    """An identical copy (other headline, other punctuation) is an exact duplicate of the earlier one."""
    copy = [p.upper().replace(",", "") for p in BRIDGE]
    arts = run(store, settings, art("late", copy, "2024-05-03"), art("early", BRIDGE, "2024-05-02"),
               art("other", ORCHARD, "2024-05-01"))
    assert arts["late"].duplicate_of == "early"
    assert arts["late"].flags == ["syndicated", "exact_duplicate"]
    assert arts["early"].duplicate_of is None and arts["early"].flags == []
    assert arts["other"].duplicate_of is None
    assert arts["late"].content_hash == arts["early"].content_hash


def test_near_copy_with_new_headline_and_two_changed_sentences(store: Store, settings: Settings) -> None:
    """A near copy is syndicated (not exact); distinct articles are not duplicates of each other."""
    arts = run(store, settings, art("orig", BRIDGE, "2024-05-02"), art("orchard", ORCHARD, "2024-05-02"),
               art("library", LIBRARY, "2024-05-02"),
               art("copy", edited_bridge(), "2024-05-02", title="Harbour crossing to shut for repairs"))
    assert arts["copy"].duplicate_of == "orig"
    assert arts["copy"].flags == ["syndicated"]
    assert [a for a in arts.values() if a.duplicate_of] == [arts["copy"]]


def test_undated_copies_keep_the_first_seen_as_canonical(store: Store, settings: Settings) -> None:
    """Without dates the first ingested article is canonical."""
    arts = run(store, settings, art("first", BRIDGE), art("second", edited_bridge()))
    assert arts["second"].duplicate_of == "first"


def test_truncated_copy_is_found_by_containment(store: Store, settings: Settings) -> None:
    """A copy cut after its first paragraphs (low Jaccard, high containment) is still a copy."""
    cut = [BRIDGE[0], edited_bridge()[1]]
    arts = run(store, settings, art("full", BRIDGE + LIBRARY[:2], "2024-05-02"), art("cut", cut, "2024-05-03"))
    assert arts["cut"].duplicate_of == "full"
    # the same lead and a run of paragraphs would also find it: both rules off, it is not a copy
    strict = settings.replace(dedupe={"containment": 0.95, "lead_share": 0.0})
    with Store(":memory:") as other:
        arts = run(other, strict, art("full", BRIDGE + LIBRARY[:2]), art("cut", cut))
    assert arts["cut"].duplicate_of is None


def test_stitched_page_and_dated_provenance(store: Store, settings: Settings) -> None:
    """A page made of other articles' paragraphs is stitched; each passage cites its earliest dated source."""
    stitched = [OWN_STITCH, BRIDGE[0], ORCHARD[1], LIBRARY[2], ORCHARD[3]]
    repost = [ORCHARD[1], ("Growers in the hills were luckier, and several farms there expect a normal harvest "
              "because the cold air settled in the valley floor and spared the higher slopes.")]
    arts = run(store, settings, art("bridge", BRIDGE, "2024-05-02"), art("orchard", ORCHARD, "2024-04-20"),
               art("library", LIBRARY, "2024-05-06"), art("repost", repost, "2024-04-25"),
               art("farm", stitched, "2024-05-08"))
    farm = arts["farm"]
    assert "stitched" in farm.flags and farm.duplicate_of is None
    assert farm.paragraphs[0].reused_from == []
    assert farm.paragraphs[1].reused_from == [{"article": "bridge", "paragraph": 0}]
    # the orchard paragraph is also in a repost from 2024-04-25: the earlier orchard piece is cited
    assert farm.paragraphs[2].reused_from == [{"article": "orchard", "paragraph": 1}]
    assert arts["repost"].paragraphs[0].reused_from == [{"article": "orchard", "paragraph": 1}]
    # the sources published first carry no provenance and are not stitched
    assert arts["orchard"].paragraphs and all(not p.reused_from for p in arts["orchard"].paragraphs)
    assert "stitched" not in arts["bridge"].flags and "stitched" not in arts["repost"].flags


def test_provenance_without_dates_says_order_unknown(store: Store, settings: Settings) -> None:
    """When dates are missing, both holders of a passage list each other with order unknown."""
    arts = run(store, settings, art("a", [BRIDGE[2], ORCHARD[0], ORCHARD[2]]),
               art("b", [LIBRARY[0], BRIDGE[2], LIBRARY[3]]))
    assert arts["a"].paragraphs[0].reused_from == [{"article": "b", "paragraph": 1, "order": "unknown"}]
    assert arts["b"].paragraphs[1].reused_from == [{"article": "a", "paragraph": 0, "order": "unknown"}]
    # the same date on both: still unknown
    with Store(":memory:") as other:
        arts = run(other, settings, art("a", [BRIDGE[2], ORCHARD[0]], "2024-05-02"),
                   art("b", [LIBRARY[0], BRIDGE[2]], "2024-05-02"))
    assert arts["b"].paragraphs[1].reused_from == [{"article": "a", "paragraph": 0, "order": "unknown"}]


def test_incremental_copy_is_matched_without_resigning_the_store(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy ingested in a later run is matched against stored signatures; only the new article is signed."""
    run(store, settings, art("orig", BRIDGE, "2024-05-02"), art("orchard", ORCHARD, "2024-05-02"))
    signed: list[int] = []
    real = MinHasher.signatures

    def counting(self: MinHasher, sets: list[np.ndarray]) -> np.ndarray:
        if self.num_perm == settings.dedupe.num_perm:  # article signatures (passages use passage_num_perm)
            signed.append(len(sets))
        return real(self, sets)

    monkeypatch.setattr(MinHasher, "signatures", counting)
    arts = run(store, settings, art("copy", edited_bridge(), "2024-05-04"))
    assert arts["copy"].duplicate_of == "orig" and "syndicated" in arts["copy"].flags
    assert signed == [1]  # one article signature: the stored ones were loaded, not recomputed


def test_too_short_article_is_never_a_duplicate(store: Store, settings: Settings) -> None:
    """Two identical one-line items are too short to judge."""
    arts = run(store, settings, art("s1", SHORT, "2024-05-01"), art("s2", SHORT, "2024-05-02"))
    assert arts["s2"].duplicate_of is None and arts["s2"].flags == []
    flagged = art("s3", BRIDGE, "2024-05-03")
    flagged.flags = ["too_short"]
    arts = run(store, settings, art("b", BRIDGE, "2024-05-01"), flagged)
    assert arts["s3"].duplicate_of is None


def test_earlier_copy_arriving_later_repoints_the_group(store: Store, settings: Settings) -> None:
    """When an earlier-published copy arrives, it becomes canonical and every copy points to it."""
    run(store, settings, art("b", BRIDGE, "2024-05-05"), art("c", edited_bridge(), "2024-05-06"))
    arts = run(store, settings, art("a", BRIDGE, "2024-05-01"))
    assert arts["a"].duplicate_of is None and arts["a"].flags == []
    assert arts["b"].duplicate_of == "a" and arts["b"].flags == ["syndicated", "exact_duplicate"]
    assert arts["c"].duplicate_of == "a" and arts["c"].flags == ["syndicated"]


def test_duplicate_groups_lists_members_and_passages(store: Store, settings: Settings) -> None:
    """The data behind `storyline duplicates`: groups with outlets and dates, reused passages with sources."""
    run(store, settings, art("orig", BRIDGE, "2024-05-02", outlet="Harbour Post"),
        art("copy", edited_bridge(), "2024-05-03", outlet="Wire Mirror"),
        art("farm", [OWN_STITCH, ORCHARD[0], LIBRARY[1]], "2024-05-09", outlet="Farm Page"),
        art("orchard", ORCHARD, "2024-05-01"), art("library", LIBRARY, "2024-05-01"))
    groups = {g.canonical: g for g in dedupe.duplicate_groups(store)}
    assert [(m.id, m.outlet, m.published) for m in groups["orig"].members] == [("copy", "Wire Mirror", "2024-05-03")]
    assert 0.5 <= groups["orig"].members[0].similarity < 1.0  # Jaccard; a short copy matches by containment
    passages = groups["farm"].passages
    assert [(p.paragraph, [(s.article, s.order) for s in p.sources]) for p in passages] == [
        (1, [("orchard", "earlier")]), (2, [("library", "earlier")])]
    assert passages[0].text.startswith("A late frost")
    # one story's view: only the groups its articles belong to
    store.put_stories([Story(id="s1", articles=["copy"])])
    in_story = dedupe.duplicate_groups(store, story="s1")
    assert [(g.canonical, [m.id for m in g.members]) for g in in_story] == [("orig", ["copy"])]


def test_incremental_runs_match_a_full_recompute(store: Store, settings: Settings) -> None:
    """Articles arriving one run at a time end with the same groups and provenance as one full recompute."""
    arrivals = [
        art("farm", [OWN_STITCH, BRIDGE[0], ORCHARD[1], LIBRARY[2]], "2024-05-08"),
        art("b", BRIDGE, "2024-05-05"),
        art("o", ORCHARD, None),
        art("a", edited_bridge(), "2024-05-01"),
        art("l", LIBRARY, "2024-05-02"),
        art("o2", [ORCHARD[1], LIBRARY[0]], "2024-04-30"),
    ]
    for one in arrivals:
        incremental = run(store, settings, one)
    assert incremental["b"].duplicate_of == "a"
    assert incremental["farm"].paragraphs[2].reused_from == [{"article": "o2", "paragraph": 0}]
    # "o" has no date: neither holder can be placed before or after it
    assert incremental["o"].paragraphs[1].reused_from == [
        {"article": "o2", "paragraph": 0, "order": "unknown"}, {"article": "farm", "paragraph": 2, "order": "unknown"}]
    dedupe.run(RunContext(store, settings, full=True))
    assert {a.id: a for a in store.iter_articles()} == incremental


def test_passes_of_a_large_run_match_one_pass(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run split into passes (as a large full run is) gives the same result as one pass."""
    arrivals = [art("farm", [OWN_STITCH, BRIDGE[0], ORCHARD[1], LIBRARY[2]], "2024-05-08"),
                art("b", BRIDGE, "2024-05-05"),
                art("o", ORCHARD, None), art("a", edited_bridge(), "2024-05-01"), art("l", LIBRARY, "2024-05-02")]
    one_pass = run(store, settings, *arrivals)
    monkeypatch.setattr(dedupe.stage, "PASS_SIZE", 2)
    with Store(":memory:") as other:
        assert run(other, settings, *arrivals) == one_pass
    assert one_pass["b"].duplicate_of == "a" and "stitched" in one_pass["farm"].flags


@pytest.mark.parametrize("key,value", [("threshold", 1.5), ("num_perm", 4), ("shingle", 0)])
def test_bad_settings_name_the_key(store: Store, settings: Settings, key: str, value: float) -> None:
    """A bad dedupe setting fails with a message naming it."""
    from storyline.errors import ConfigError

    bad = settings.replace(dedupe={key: value})
    store.add_articles([art("a", BRIDGE)])
    with pytest.raises(ConfigError, match=f"dedupe.{key}"):
        dedupe.run(RunContext(store, bad, new_ids=["a"]))


def test_a_sentence_carried_into_a_recut_paragraph_is_traced(store: Store, settings: Settings, nlp) -> None:  # type: ignore[no-untyped-def]
    """A content farm re-cuts paragraphs: one long sentence of the source, glued to its own text, still points
    at the source paragraph, through the sentences the nlp stage stored (the pipeline parses before dedupe)."""
    from storyline import nlp as nlp_stage

    source = BRIDGE[0] + " " + BRIDGE[2]
    recut = ORCHARD[0] + " " + BRIDGE[2]  # a sentence of the source paragraph, glued to other text
    store.add_articles([art("src", [source, BRIDGE[1]], "2024-05-02"), art("farm", [LIBRARY[0], recut], "2024-05-04")])
    ctx = RunContext(store, settings, new_ids=["src", "farm"], _nlp=nlp)
    nlp_stage.run(ctx)
    dedupe.run(ctx)
    farm = store.get_article("farm")
    assert [len(p.reused_from) for p in farm.paragraphs] == [0, 1]
    assert farm.paragraphs[1].reused_from == [{"article": "src", "paragraph": 0}]
    assert farm.duplicate_of is None


def test_one_content_hash_from_ingest_and_from_dedupe(store: Store, settings: Settings) -> None:
    """The hash ingest takes and the one dedupe takes for an article that never went through ingest are the
    same hash (of the clean text, flagged paragraphs included): the two copies are exact duplicates."""
    from storyline.ingest.article import finish_article

    caption = "Mayor Ilse Verbeek looks at the cracked steel supports under the old harbour bridge on Monday."

    def body() -> list[Paragraph]:
        return [Paragraph(p) for p in BRIDGE] + [Paragraph(caption, ["caption"])]

    read = finish_article(Article(id="", title="Bridge shut", paragraphs=body(), published="2024-05-02"), "read")
    built = Article(id="built", title="Bridge to close", paragraphs=body(), published="2024-05-03")
    arts = run(store, settings, read, built)
    assert arts["built"].content_hash == arts["read"].content_hash
    assert arts["built"].flags == ["syndicated", "exact_duplicate"] and arts["built"].duplicate_of == "read"


# A member paper's own paragraphs around the wire story (its local angle).
LOCAL = [
    ("Drivers from our county who cross the harbour every day told this paper they would leave home earlier, "
    "and the bus company said it would add two morning services from the market square."),
    ("The county's own road bridge over the river, built in the same decade, was inspected in March and "
    "found sound, according to the county engineer who spoke to us on Wednesday."),
]
# A paragraph two unrelated stories of one site both carry (a notice the cleaner did not catch).
NOTICE = ("This story is part of our free morning edition, sent to readers who have signed up for the newsletter "
          "and updated through the day as our reporters learn more about what happened.")


def test_reedited_wire_copy_is_one_group_with_its_wire_story(store: Store, settings: Settings) -> None:
    """A member paper keeps the lead, cuts paragraphs and adds its own: whole-text measures miss it, the lead
    and the run of kept paragraphs find it."""
    reworded = BRIDGE[2].replace("said the decision was painful", "called the decision painful")
    member = [BRIDGE[0], LOCAL[0], reworded, LOCAL[1]]
    arts = run(store, settings, art("wire", BRIDGE, "2024-05-02", outlet="Wire Service"),
               art("member", member, "2024-05-02", outlet="County Herald"), art("orchard", ORCHARD, "2024-05-02"))
    assert arts["member"].duplicate_of == "wire"
    assert arts["member"].flags == ["syndicated"]
    assert arts["member"].updates is None  # another outlet's copy, not a version
    assert arts["orchard"].duplicate_of is None
    with Store(":memory:") as other:
        off = run(other, settings.replace(dedupe={"lead_share": 0.0}), art("wire", BRIDGE), art("member", member))
    assert off["member"].duplicate_of is None  # whole-text Jaccard and containment alone miss it


def test_same_outlet_update_links_the_version_it_updates(store: Store, settings: Settings) -> None:
    """The same outlet's story updated later the same day, under the same headline with a new lead, is one
    group with the first version, and says which version it updates."""
    title = "Harbour bridge to close for two years"
    first = art("first", BRIDGE[:3], "2024-05-02", title=title, outlet="Harbour Gazette")
    new_lead = ("The harbour bridge will close from September for two years, the city council decided on Tuesday "
                "evening after a debate of four hours in which the opposition asked for a second inspection.")
    second = art("second", [new_lead, BRIDGE[1], BRIDGE[2], BRIDGE[3]], "2024-05-02", title=title,
                 outlet="Harbour Gazette")
    third = art("third", [new_lead, BRIDGE[1], BRIDGE[2], BRIDGE[3], LOCAL[0]], "2024-05-03", title=title,
                outlet="Harbour Gazette")
    arts = run(store, settings, first, second, third)
    assert arts["second"].duplicate_of == "first" and arts["third"].duplicate_of == "first"
    assert arts["second"].updates == "first"
    assert arts["third"].updates == "second"  # the latest earlier version
    assert arts["first"].updates is None
    (group,) = dedupe.duplicate_groups(store)
    assert (group.canonical, [(m.id, m.updates) for m in group.members]) == (
        "first", [("second", "first"), ("third", "second")])


def test_other_story_sharing_a_notice_paragraph_is_not_grouped(store: Store, settings: Settings) -> None:
    """Two stories of one site opening with the same notice paragraph share a lead but nothing else: they stay
    two stories, and neither is a version of the other."""
    arts = run(store, settings,
               art("bridge", [NOTICE, *BRIDGE], "2024-05-02", title="Bridge to close", outlet="Harbour Gazette"),
               art("orchard", [NOTICE, *ORCHARD], "2024-05-02", title="Frost hits orchards", outlet="Harbour Gazette"),
               art("library", [*LIBRARY, NOTICE], "2024-05-02", title="Library reopens", outlet="Harbour Gazette"))
    assert [a.duplicate_of for a in arts.values()] == [None, None, None]
    assert [a.updates for a in arts.values()] == [None, None, None]
    assert arts["orchard"].paragraphs[0].reused_from  # the notice itself is still traced as a reused passage


def test_five_reprints_of_one_wire_story_are_one_independent_source(store: Store, settings: Settings) -> None:
    """Four member papers re-edit one wire story (each keeps the lead and two other paragraphs, adds two of its
    own): with another outlet's own report, the story has six articles from two independent sources."""
    reprints = [art(f"member{k}", [BRIDGE[0], LOCAL[0], BRIDGE[1 + k % 3], LOCAL[1], BRIDGE[1 + (k + 1) % 3]],
                    "2024-05-02", outlet=f"Member Paper {k}") for k in range(4)]
    own = art("own", ["Harbour " + p for p in ORCHARD], "2024-05-02", outlet="Harbour Radio")
    arts = run(store, settings, art("wire", BRIDGE, "2024-05-01", outlet="Wire Service"), *reprints, own)
    assert {a.id: a.duplicate_of for a in arts.values() if a.duplicate_of} == {f"member{k}": "wire" for k in range(4)}
    rows = [report.article_json(a) for a in arts.values()]
    assert report.sources_line(len(rows), report.independent_sources(rows)) == "6 articles from 2 independent sources"
    with Store(":memory:") as other:  # whole-text rules alone: the reprints are one group, the wire story another
        off = run(other, settings.replace(dedupe={"lead_share": 0.0}), art("wire", BRIDGE, "2024-05-01"), *reprints)
    assert report.independent_sources([report.article_json(a) for a in off.values()]) == 2
