"""Stream runs cost what their own articles need: the store's name counts answer what a scan of every article would."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from passages import hot_corpus

import storyline
from storyline import dedupe, extract, pipeline
from storyline.config import Settings
from storyline.context import RunContext
from storyline.dedupe import bands
from storyline.dedupe import index as index_module
from storyline.dedupe.index import STAGE, DedupeIndex
from storyline.extract.merge import known_of, known_surnames, type_votes, votes_of
from storyline.model import Article, Mention, Paragraph, Span, Story
from storyline.store import MIGRATIONS, Store


def _article(aid: str, *names: tuple[str, str]) -> Article:
    """An article whose mentions are these (written name, label) pairs, one after another."""
    mentions, at = [], 0
    for text, label in names:
        mentions.append(Mention(Span(at, at + len(text)), text, label))
        at += len(text) + 1
    return Article(id=aid, title=aid, mentions=mentions)


# "Corvane" is typed three ways (a tie in a vote goes to the label met first, so the order counts too), and two
# forms of Dana Whitcombe's name are written equally often (the one met first names her).
ARTICLES = [
    _article("a1", ("Corvane", "ORG"), ("Dana Whitcombe", "PERSON"), ("Whitcombe", "NORP")),
    _article("a2", ("Corvane", "GPE"), ("Dana M. Whitcombe", "PERSON"), ("Ivo Marsh", "PERSON")),
    _article("a3", ("Corvane", "PERSON"), ("Ann Marsh", "PERSON"), ("corvane", "ORG"), ("Tolva", "GPE")),
]


def _ordered(votes: dict[str, Counter[str]]) -> list[tuple[str, list[tuple[str, int]]]]:
    """Votes with the order of their names and labels (a tie goes to the label met first)."""
    return [(name, list(counts.items())) for name, counts in votes.items()]


def test_store_name_counts_answer_as_a_scan_of_every_article(store: Store) -> None:
    store.add_articles(ARTICLES)
    assert _ordered(votes_of(store.mention_forms())) == _ordered(type_votes(ARTICLES))
    asked = {"corvane", "tolva"}
    scan = {n: c for n, c in type_votes(ARTICLES).items() if n in asked}
    assert _ordered(votes_of(store.mention_forms(asked))) == _ordered(scan)
    assert votes_of(store.mention_forms({"corvane"}))["corvane"] == {"ORG": 2, "GPE": 1, "PERSON": 1}
    # "marsh" is borne by two people: no full name for it; "whitcombe" by one, named as first written
    assert known_of(store.person_forms({"whitcombe", "marsh"})) == known_surnames(ARTICLES) == {
        "whitcombe": "Dana Whitcombe"
    }


def test_rewritten_mentions_update_the_counts_and_unchanged_ones_keep_them(store: Store) -> None:
    store.add_articles(ARTICLES)
    [a3] = store.iter_articles(["a3"])
    a3.mentions[0].label = "ORG"  # a merge retyped "Corvane" in this article
    store.update_articles([a3])
    assert votes_of(store.mention_forms({"corvane"}))["corvane"] == {"ORG": 3, "GPE": 1}
    a3.title = "Retitled"  # a later stage writes the article back with the same mentions
    store.update_articles([a3])
    assert votes_of(store.mention_forms({"corvane"}))["corvane"] == {"ORG": 3, "GPE": 1}
    a3.mentions = []
    store.update_articles([a3])
    assert votes_of(store.mention_forms({"corvane", "tolva"})) == {"corvane": {"ORG": 1, "GPE": 1}}


def _scan(articles: list[Article]) -> list[tuple[str, str, int]]:
    """(form, label, mentions) over these articles, in the order a scan meets each (form, label) first."""
    counts: Counter[tuple[str, str]] = Counter((m.text, m.label) for a in articles for m in a.mentions)
    return [(form, label, n) for (form, label), n in counts.items()]


def test_the_running_totals_follow_rewrites_that_move_or_drop_a_names_first_mention(store: Store) -> None:
    store.add_articles(ARTICLES)
    a1, a2, a3 = store.iter_articles(["a1", "a2", "a3"])
    a1.mentions = a1.mentions[1:]  # "Corvane" (ORG) leaves the article that wrote it first
    store.update_articles([a1])
    assert store.mention_forms({"corvane"}) == [("Corvane", "GPE", 1), ("Corvane", "PERSON", 1),
                                                ("corvane", "ORG", 1)]
    a2.mentions = [a2.mentions[2], a2.mentions[0]]  # "Ivo Marsh" now comes before "Corvane" in a2
    a3.mentions = [*a3.mentions, Mention(Span(60, 67), "Corvane", "ORG")]  # ORG again, later in the corpus
    store.update_articles([a2, a3])
    stored = list(store.iter_articles())
    assert store.mention_forms() == _scan(stored)
    # only the rows that changed were rewritten: the article's rows are what its mentions give
    rows = store.db.execute("SELECT form, label, n, pos FROM mention_names WHERE article='a2' ORDER BY pos")
    assert rows.fetchall() == [("Ivo Marsh", "PERSON", 1, 0), ("Corvane", "GPE", 1, 1)]
    assert store.person_forms({"marsh"}) == [("Ivo Marsh", "PERSON", 1), ("Ann Marsh", "PERSON", 1)]
    a3.mentions = []
    store.update_articles([a3])
    assert store.mention_forms({"tolva", "corvane"}) == [("Corvane", "GPE", 1)]
    assert store.mention_forms() == _scan(list(store.iter_articles()))


def test_only_the_name_module_writes_the_name_tables() -> None:
    # the tables have no triggers: their totals are right only while every write goes through store/names.py
    src = Path(storyline.__file__).parent
    writes = re.compile(r"(INSERT(\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+(mention_names|name_totals)\b")
    writers = sorted(str(p.relative_to(src)) for p in src.rglob("*.py") if writes.search(p.read_text("utf-8")))
    assert writers == ["store/names.py"]


@pytest.mark.parametrize("applied", [6, 7])  # written before the name counts, or before their running totals
def test_an_older_store_gets_the_counts_of_its_stored_mentions_when_opened(tmp_path: Path, applied: int) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied REAL)")
    for name, apply in MIGRATIONS[:6]:
        apply(db)
        db.execute("INSERT INTO _migrations VALUES (?, 0)", (name,))
    for seq, art in enumerate(ARTICLES, 1):
        db.execute("INSERT INTO articles (id, seq, data) VALUES (?, ?, ?)", (art.id, seq, json.dumps(art.to_dict())))
    for name, apply in MIGRATIONS[6:applied]:  # 007 fills the per-article counts from the stored mentions
        apply(db)
        db.execute("INSERT INTO _migrations VALUES (?, 0)", (name,))
    db.close()
    with Store(path) as store:
        assert _ordered(votes_of(store.mention_forms())) == _ordered(type_votes(ARTICLES))
        assert known_of(store.person_forms({"whitcombe"})) == {"whitcombe": "Dana Whitcombe"}


def _story_article(aid: str, text: str, *names: tuple[int, str, str]) -> Article:
    """An article of story "s1" with one paragraph and these (start, written name, label) mentions."""
    mentions = [Mention(Span(at, at + len(name)), name, label) for at, name, label in names]
    return Article(id=aid, title=aid, paragraphs=[Paragraph(text)], story="s1", mentions=mentions)


def test_a_story_merge_writes_back_only_the_articles_it_changed(store: Store) -> None:
    a1 = _story_article("a1", "Dana Whitcombe opened the new ferry pier.", (0, "Dana Whitcombe", "PERSON"))
    a2 = _story_article("a2", "Whitcombe cut the ribbon at noon.", (0, "Whitcombe", "PERSON"))
    store.add_articles([a1, a2])
    store.put_stories([Story(id="s1", articles=["a1", "a2"])])
    store.db.execute("CREATE TEMP TABLE writes (id TEXT)")
    store.db.execute("CREATE TEMP TRIGGER written AFTER UPDATE OF data ON articles"
                     " BEGIN INSERT INTO writes VALUES (new.id); END")

    def merge_and_count_writes() -> list[str]:
        store.db.execute("DELETE FROM writes")
        extract.run(RunContext(store, Settings.load(), touched_stories={"s1"}))
        return sorted(r[0] for r in store.db.execute("SELECT id FROM writes"))

    assert merge_and_count_writes() == ["a1", "a2"]  # both get the entity id of the one person
    assert [m.entity for a in store.iter_articles(["a1", "a2"]) for m in a.mentions] == ["person:dana-whitcombe"] * 2
    assert merge_and_count_writes() == []  # merged again, nothing changes
    a3 = _story_article("a3", "Ferries from Corvane dock there.", (13, "Corvane", "GPE"))
    store.add_articles([a3])
    store.put_stories([Story(id="s1", articles=["a1", "a2", "a3"])])
    assert merge_and_count_writes() == ["a3"]
    [merged] = store.iter_articles(["a3"])
    assert merged.mentions[0].entity == "gpe:corvane"
    assert {e.name for e in store.get_story("s1").entities} == {"Dana Whitcombe", "Corvane"}


REPORT = (
    "Harbour pilots in Tolvik walked off the job on {day}, halting cargo ships at the port for a {n} day. "
    "{name} said the pilots would stay out until the port authority restored the night shift it cut. "
    "The port authority said talks with the pilots' union would resume next week."
)


def test_a_streamed_article_naming_only_a_surname_joins_the_person_its_story_knows(tmp_path: Path) -> None:
    settings = Settings.load()
    folder = tmp_path / "in"
    folder.mkdir()
    for i, day in enumerate(("Monday", "Tuesday", "Wednesday")):
        text = f"Tolvik harbour pilots strike, day {i + 1}\n\n" + REPORT.format(day=day, n=i + 1, name="Mara Quillon")
        (folder / f"pilots{i}.txt").write_text(text, encoding="utf-8")
    late = tmp_path / "late.txt"
    late.write_text("Tolvik pilots strike goes on\n\n" + REPORT.format(day="Thursday", n=4, name="Quillon"),
                    encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        first = pipeline.ingest_paths([str(folder)], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=first.new))
        more = pipeline.ingest_paths([str(late)], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=more.new))
        [story] = list(store.iter_stories())
        assert len(story.articles) == len(first.new) + 1
        [person] = [e for e in story.entities if e.type == "PERSON"]
        assert person.name == "Mara Quillon" and "Quillon" in person.aliases
        [streamed] = store.iter_articles(more.new)
        assert [m.entity for m in streamed.mentions if m.text == "Quillon"] == [person.id]


def _dedupe_run(store: Store, settings: Settings, *articles: Article) -> dict[str, Article]:
    """Store the articles, run the dedupe stage on them (a stream run), return every stored article by id."""
    new, _ = store.add_articles(list(articles))
    dedupe.run(RunContext(store, settings, new_ids=new))
    return {a.id: a for a in store.iter_articles()}


def _two_reports(aid: str, body: list[str], published: str) -> Article:
    return Article(id=aid, title=f"Headline {aid}", paragraphs=[Paragraph(p) for p in body], published=published,
                   outlet=f"Outlet {aid}")


FERRY = [
    "The island ferry service will stop its night crossings from the first of March, the operator said on "
    "Thursday, because too few passengers travel after nine in the evening to cover the crew's wages.",
    "Residents of the two outer islands said the change would leave nurses and bakers who work late shifts on "
    "the mainland with no way home, and asked the regional assembly to pay for one late boat a day.",
    "The operator said it had lost money on the night route for six years and would keep the morning and "
    "afternoon boats, adding a larger vessel on Fridays when weekend visitors arrive with their cars.",
]
MUSEUM = [
    "The maritime museum has bought a collection of ship models built by a retired harbour pilot over forty "
    "years, the curator said, and will show them from May in a new room beside the lighthouse gallery.",
    "Most of the hundred and twelve models are of fishing boats that sailed from the town before the war, "
    "and several were made from the wood of the old pier when it was torn down in the nineteen-seventies.",
]


def test_a_stream_run_finds_copies_through_the_stored_band_keys(store: Store, settings: Settings,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _dedupe_run(store, settings, _two_reports("ferry", FERRY, "2024-02-01"), _two_reports("museum", MUSEUM,
                                                                                           "2024-02-01"))
    loaded: list[int] = []
    real = DedupeIndex.fit

    def counting(self: DedupeIndex, store: Store, lazy: bool = False) -> DedupeIndex:
        real(self, store, lazy)
        loaded.append(len(self.sigs_))
        return self

    monkeypatch.setattr(DedupeIndex, "fit", counting)
    copy = _two_reports("ferry-copy", [*FERRY[:2], FERRY[2].replace("Fridays", "Saturdays")], "2024-02-02")
    arts = _dedupe_run(store, settings, copy)
    assert arts["ferry-copy"].duplicate_of == "ferry" and "syndicated" in arts["ferry-copy"].flags
    assert arts["museum"].duplicate_of is None
    assert loaded == [0]  # no stored article signature was loaded: the band keys were looked up in the store


def _same_candidates(store: Store, settings: Settings) -> bool:
    """Whether the lazy index (band keys looked up in the store) proposes what the loaded LSH proposes, for every
    stored signature and a variant of each with a third of its values changed."""
    full = DedupeIndex(settings.dedupe).fit(store)
    lazy = DedupeIndex(settings.dedupe).fit(store, lazy=True)
    assert lazy.lazy_ and lazy.sigs_ == {} and full.sigs_
    probes = [*full.sigs_.values()]
    probes += [np.where(np.arange(len(sig)) % 3 == 0, sig + 1, sig).astype(sig.dtype) for sig in probes]
    return all(sorted(lazy.candidates(sig)) == sorted(full.candidates(sig)) for sig in probes)


def test_the_stored_band_keys_propose_the_candidates_the_lsh_does(store: Store, settings: Settings) -> None:
    _dedupe_run(store, settings, _two_reports("ferry", FERRY, "2024-02-01"), _two_reports("museum", MUSEUM,
                                                                                           "2024-02-01"))
    _dedupe_run(store, settings, _two_reports("ferry-copy", FERRY[:2], "2024-02-02"))
    assert _same_candidates(store, settings)


def test_a_store_without_band_keys_gets_them_on_its_next_run(store: Store, settings: Settings) -> None:
    _dedupe_run(store, settings, _two_reports("ferry", FERRY, "2024-02-01"))
    store.delete_state(STAGE, ["bands"])  # a store written before the band keys were kept
    store.delete_postings(STAGE, items=["ferry"])
    assert not DedupeIndex(settings.dedupe).fit(store, lazy=True).lazy_  # it loads every signature instead
    arts = _dedupe_run(store, settings, _two_reports("museum", MUSEUM, "2024-02-01"))
    assert arts["museum"].duplicate_of is None
    assert _same_candidates(store, settings)



def test_a_stream_load_reuses_the_kept_lsh_shapes_and_asks_datasketch_nothing(
        store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _dedupe_run(store, settings, _two_reports("ferry", FERRY, "2024-02-01"), _two_reports("museum", MUSEUM,
                                                                                           "2024-02-01"))
    slack = settings.dedupe.lsh_slack
    article = bands.band_shape(settings.dedupe.threshold - slack, settings.dedupe.num_perm)
    passage = bands.band_shape(settings.dedupe.passage_threshold - slack, settings.dedupe.passage_num_perm)

    def refuse(threshold: float, num_perm: int) -> tuple[int, int]:
        raise AssertionError("the kept shapes should have been used")

    monkeypatch.setattr(index_module, "band_shape", refuse)
    lazy = DedupeIndex(settings.dedupe).fit(store, lazy=True)
    assert lazy.lsh_ is None  # no MinHashLSH is built: candidates come from the stored band keys
    assert lazy.hashranges_ == [(i * article[1], (i + 1) * article[1]) for i in range(article[0])]
    assert (lazy.passages_.bands, lazy.passages_.rows) == passage
    copy = _two_reports("ferry-copy", [*FERRY[:2], FERRY[2].replace("Fridays", "Saturdays")], "2024-02-02")
    arts = _dedupe_run(store, settings, copy)
    assert arts["ferry-copy"].duplicate_of == "ferry" and arts["museum"].duplicate_of is None


def test_kept_lsh_shapes_of_other_settings_are_not_reused(store: Store, settings: Settings) -> None:
    _dedupe_run(store, settings, _two_reports("ferry", FERRY, "2024-02-01"))
    looser = settings.replace(dedupe={"lsh_slack": 0.3})
    index = DedupeIndex(looser.dedupe).fit(store)
    want = bands.band_shape(looser.dedupe.threshold - 0.3, looser.dedupe.num_perm)
    assert index.stale_ and index.lsh_ is not None and (index.lsh_.b, index.lsh_.r) == want


def test_a_stream_process_starts_without_the_libraries_only_other_inputs_need() -> None:
    code = ("import sys, storyline.pipeline\n"
            "print(sorted({'datasketch', 'trafilatura', 'feedparser', 'warcio'}"
            " & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

# Six outlets report one warehouse fire (invented town and figures); the last two restate the first one's lead.
FIRE_LEAD = ("A fire destroyed the Brackmoor grain warehouse on Tuesday night, and 40 firefighters needed five hours "
             "to bring the blaze under control, the county fire service said.")
FIRE = [
    (FIRE_LEAD, "Two workers were treated for smoke inhalation, and the cause of the fire is not yet known.",
     "The warehouse held about 3,000 tonnes of barley from this year's harvest, its owner said."),
    ("Fire crews fought a blaze at the Brackmoor grain warehouse through Tuesday night, and 40 firefighters needed "
     "five hours to control it, the county fire service said.",
     "Two workers were treated for smoke inhalation at the scene.",
     "Police closed the road to the harbour while the crews worked."),
    ("The Brackmoor grain warehouse burned down on Tuesday night after a fire that 40 firefighters needed five hours "
     "to control, according to the county fire service.",
     "The owner said the building held about 3,000 tonnes of barley.",
     "Farmers who stored grain there said they did not know whether they were insured."),
    ("A Tuesday night fire at the Brackmoor grain warehouse took 40 firefighters five hours to bring under control, "
     "the county fire service said.",
     "The cause of the fire is not yet known, and an inspector will visit the site on Thursday.",
     "Two workers were treated for smoke inhalation."),
    ("A fire destroyed the Brackmoor grain warehouse on Tuesday night, and 40 firefighters needed five hours to "
     "bring the blaze under control, the county fire service said on Wednesday.",
     "Neighbours said the smoke could be seen from the coast road.",
     "The warehouse held about 3,000 tonnes of barley, its owner said."),
    ("The county fire service said 40 firefighters needed five hours on Tuesday night to bring the fire at the "
     "Brackmoor grain warehouse under control, after a fire destroyed the building.",
     "The owner said about 3,000 tonnes of barley were lost.",
     "An inspector will visit the site on Thursday to look for the cause."),
]


def _fire(k: int) -> dict[str, object]:
    """The k-th fire report as an input record."""
    return {"id": f"fire{k}", "title": f"Brackmoor warehouse fire, report {k}", "outlet": f"Outlet {k}",
            "published": f"2024-04-0{3 if k < 4 else 4}", "text": "\n\n".join(FIRE[k])}


def _analyse(store: Store, settings: Settings, records: list[dict[str, object]]) -> None:
    """Ingest records and run every stage on them (a stream run when the store already holds articles)."""
    report = pipeline.ingest_records(records, store, settings)
    pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))


def test_a_large_story_keeps_its_brief_and_cites_a_new_article_until_it_grew_enough(
        tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story that gains one article keeps its picked sentences without a refit and cites the new article where
    it states one; once the story has grown by the refit share, it is refitted and reads as a batch run's."""
    from storyline.brief import kept, summary

    monkeypatch.setattr(kept, "REFIT_MIN_ARTICLES", 3)  # the mini story stands for a large one
    monkeypatch.setattr(kept, "REFIT_SHARE", 0.5)  # 4 fitted articles: 1 more keeps the fit, 2 more refit
    fits = []
    real_fit = summary.Summariser.fit

    def counted(self: summary.Summariser, articles: list[Article], docs: object = None) -> summary.Summariser:
        fits.append([a.id for a in articles])
        return real_fit(self, articles, docs)  # type: ignore[arg-type]

    monkeypatch.setattr(summary.Summariser, "fit", counted)
    with Store(tmp_path / "s.db") as store:
        _analyse(store, settings, [_fire(k) for k in range(4)])
        [story] = list(store.iter_stories())
        assert len(story.articles) == 4
        before = [(c.text, c.sources) for c in story.summary]
        fits.clear()
        _analyse(store, settings, [_fire(4)])  # restates the lead
        [story] = list(store.iter_stories())
        assert fits == [], "the kept fit was extended, not refitted"
        assert [c.text for c in story.summary] == [text for text, _ in before]
        lead = next(c for c in story.summary if c.text == FIRE_LEAD)
        assert "fire4" in lead.sources
        assert all(c.sources == [*sources, "fire4"] or c.sources == sources
                   for c, (_, sources) in zip(story.summary, before, strict=True))
        _analyse(store, settings, [_fire(5)])  # 2 more than the fit: refitted
        [story] = list(store.iter_stories())
        assert fits and set(fits[-1]) == {f"fire{k}" for k in range(6)}
        streamed = [c.to_dict() for c in story.summary]
    with Store(tmp_path / "batch.db") as batch:
        _analyse(batch, settings, [_fire(k) for k in range(6)])
        [whole] = list(batch.iter_stories())
        assert [c.to_dict() for c in whole.summary] == streamed


def test_passage_neighbours_of_a_few_articles_equal_those_of_a_whole_band_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    index = bands.BandIndex(threshold=0.5, num_perm=32)
    hot, articles = hot_corpus(rng)  # one passage carried by more articles than HOT
    for k, sigs in articles:
        index.add(f"a{k}", sigs)
    index.add("a4", np.stack([hot, hot]))  # an article indexed again (a changed one) keeps its old rows too
    asked = [{"a4"}, {"a3", "a7"}, {f"a{2 * bands.HOT + 20}"}]
    few = [index.neighbours(ids) for ids in asked]
    monkeypatch.setattr(bands, "FEW_WANTED", 10**9)  # never "few": every band sorted whole, as in a batch run
    whole = [index.neighbours(ids) for ids in asked]
    assert few == whole and [list(f) for f in few] == [list(w) for w in whole]
    holders = bands.HOT + 15 + 1  # every even article, and a4 once more
    assert len(few[0][("a4", 0)]) < holders - 1  # a hot passage links to its first holders, not to all
