"""Dedupe's stream runs read only what the new articles meet, and find what a loaded index finds."""

from __future__ import annotations

import numpy as np
import pytest
from passages import hot_corpus
from test_dedupe import BRIDGE, LIBRARY, ORCHARD, art, edited_bridge, run

from storyline import dedupe
from storyline.config import Settings
from storyline.context import RunContext
from storyline.dedupe import bands, lookup
from storyline.dedupe.index import STAGE, DedupeIndex
from storyline.errors import LazyLookupError
from storyline.model import Article
from storyline.store import Store


def _stored_index(store: Store, stored: dict[str, np.ndarray]) -> lookup.StoredBandIndex:
    """A stored band index over these articles' passage signatures (written as a save writes them)."""
    index = lookup.StoredBandIndex(threshold=0.5, num_perm=32, shape=bands.band_shape(0.5, 32), store=store,
                                   stage=STAGE)
    store.add_band_postings(STAGE, lookup.band_rows(index, stored.items()))
    return index


def test_stored_band_keys_give_the_neighbours_of_a_loaded_index_hot_keys_too(store: Store) -> None:
    rng = np.random.default_rng(11)
    hot, articles = hot_corpus(rng)  # one passage carried by more articles than HOT
    stored = {f"a{k:03d}": sigs for k, sigs in articles}
    fresh = rng.integers(0, 2**32, size=32, dtype=np.uint32)  # a passage only the two new articles carry
    new = {"n1": np.stack([hot, fresh]), "n0": np.stack([hot, fresh])}
    loaded = bands.BandIndex(threshold=0.5, num_perm=32)
    for aid in sorted(stored):  # a load adds the stored articles in id order
        loaded.add(aid, stored[aid])
    kept = _stored_index(store, stored)
    for aid, sigs in new.items():
        loaded.add(aid, sigs)
        kept.add(aid, sigs)
    for ids in ({"n0", "n1"}, {"n1"}):
        want, got = loaded.neighbours(ids), kept.neighbours(ids)
        assert got == want and list(got) == list(want)
    holders = sum(1 for sigs in stored.values() if (sigs[1] == hot).all())
    assert len(want[("n1", 0)]) < bands.HOT < holders  # the hot passage links to its first holders only
    assert want[("n1", 1)] == [("n0", 1)]  # a new article's passages meet those of another new one


def test_a_batch_store_gets_its_lookups_on_the_first_stream_run(store: Store, settings: Settings,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    run(store, settings, art("b", BRIDGE, "2024-05-05"), art("o", ORCHARD, "2024-05-03"), full=True)
    assert "lookup" not in store.get_state(STAGE, key="lookup")  # a batch run writes none of them
    assert not DedupeIndex(settings.dedupe).fit(store, lazy=True).lazy_
    run(store, settings, art("l", LIBRARY, "2024-05-02"))  # the first stream run: a full load, then writes them
    indexes: list[DedupeIndex] = []
    real = DedupeIndex.fit

    def keep(self: DedupeIndex, store: Store, lazy: bool = False) -> DedupeIndex:
        indexes.append(real(self, store, lazy))
        return self

    monkeypatch.setattr(DedupeIndex, "fit", keep)
    streamed = run(store, settings, art("a", edited_bridge(), "2024-05-01"))
    assert isinstance(indexes[0].entries_, lookup.LazyDict)
    assert indexes[0].lazy_ and set(indexes[0].entries_.read()) == {"a", "b"}  # only the copy it met was read
    assert streamed["b"].duplicate_of == "a" and "syndicated" in streamed["b"].flags
    monkeypatch.undo()
    with Store(":memory:") as other:
        assert run(other, settings, *streamed.values(), full=True) == streamed


def test_stream_arrivals_repoint_groups_as_a_full_recompute_does(store: Store, settings: Settings) -> None:
    arrivals = [
        art("c2", edited_bridge(), "2024-05-03"),
        art("c1", BRIDGE, "2024-05-02"),
        art("c1-again", BRIDGE, "2024-05-04"),  # the same text again: an exact duplicate
        art("lib", LIBRARY, None),
        art("orig", BRIDGE, "2024-05-01"),  # the earliest copy arrives last: the whole group moves to it
        art("farm", [ORCHARD[0], LIBRARY[1], BRIDGE[2]], "2024-05-06"),
    ]
    for one in arrivals:
        streamed = run(store, settings, one)
    assert {a.id: a.duplicate_of for a in streamed.values()} == {
        "c2": "orig", "c1": "orig", "c1-again": "orig", "lib": None, "orig": None, "farm": None}
    assert "exact_duplicate" in streamed["c1-again"].flags
    lazy = DedupeIndex(settings.dedupe).fit(store, lazy=True)
    assert lazy.lazy_ and lazy.group("orig") == {"orig", "c1", "c2", "c1-again"}
    dedupe.run(RunContext(store, settings, full=True))
    assert {a.id: a for a in store.iter_articles()} == streamed


def test_an_article_a_run_skipped_is_deduped_by_the_next_stream_run(store: Store, settings: Settings) -> None:
    run(store, settings, art("o", ORCHARD, "2024-05-03"))
    run(store, settings, art("l", LIBRARY, "2024-05-02"))  # the store has its lookups now
    store.add_articles([art("b", BRIDGE, "2024-05-05")])  # stored by a run that stopped before dedupe
    arts = run(store, settings, art("a", edited_bridge(), "2024-05-01"))
    assert arts["b"].duplicate_of == "a"
    assert set(DedupeIndex(settings.dedupe).fit(store).entries_) == {"o", "l", "b", "a"}


def _copies(n: int) -> list[Article]:
    return [art(f"w{k}", BRIDGE, f"2024-05-{k + 1:02d}") for k in range(n)]


def test_a_stream_run_of_several_articles_matches_one_at_a_time(store: Store, settings: Settings) -> None:
    run(store, settings, art("o", ORCHARD, "2024-05-03"))
    run(store, settings, art("l", LIBRARY, "2024-05-02"))
    together = run(store, settings, *_copies(3), art("farm", [ORCHARD[0], LIBRARY[1], BRIDGE[2]], "2024-05-06"))
    with Store(":memory:") as other:
        for one in [art("o", ORCHARD, "2024-05-03"), art("l", LIBRARY, "2024-05-02")]:
            run(other, settings, one)
        alone = run(other, settings, *_copies(3), art("farm", [ORCHARD[0], LIBRARY[1], BRIDGE[2]], "2024-05-06"),
                    full=True)
    assert together == alone
    assert together["w2"].duplicate_of == "w0" and together["farm"].paragraphs[2].reused_from


def test_a_large_run_loads_the_index_and_leaves_the_lookups_to_the_first_small_one(
        store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dedupe.stage, "LARGE_RUN", 3)  # three articles make a large run here
    batch = run(store, settings, art("b", BRIDGE, "2024-05-05"), art("o", ORCHARD, "2024-05-03"),
                art("l", LIBRARY, "2024-05-02"))
    assert "lookup" not in store.get_state(STAGE, key="lookup") and batch["b"].duplicate_of is None
    run(store, settings, art("a", edited_bridge(), "2024-05-01"))  # a small run: it writes them
    assert DedupeIndex(settings.dedupe).fit(store, lazy=True).lazy_
    arts = run(store, settings, art("c", BRIDGE, "2024-05-06"))
    assert arts["b"].duplicate_of == arts["c"].duplicate_of == "a"


@pytest.mark.parametrize("whole", [iter, len, list, dict, lambda d: d.items(), lambda d: d.values(),
                                   lambda d: d.keys(), bool])
def test_a_lazy_dict_refuses_to_show_the_few_keys_read_so_far_as_the_whole(whole: object) -> None:
    stored = {"a": 1, "b": 2, "c": 3}
    squares = lookup.LazyDict(lambda keys: {k: stored[k] for k in keys if k in stored})
    assert squares["a"] == 1 and "z" not in squares  # lookups still read the store
    with pytest.raises(LazyLookupError, match="only the keys read so far"):
        whole(squares)  # type: ignore[operator]
