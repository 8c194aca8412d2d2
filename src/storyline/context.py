"""What every stage gets: :class:`RunContext` (the store, the settings, what this run changed) and
:class:`Stage` (one stage's name, function and contract).

Stages import this module, never :mod:`storyline.pipeline`: the pipeline imports the stages, so the arrows
point one way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import Settings
from .model import Rejected
from .store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .text.parser import NLP

# Parses kept between the stages of one run, so that captions, dedupe's neighbours, stories, extract, timeline,
# brief and claims do not each deserialise the same stored doc again (about 0.7 ms a doc). A doc of a news
# page takes some 100 KB in memory: this many keep a stream run's articles whole and bound a batch run's memory
# (a batch larger than this reads its docs again in each stage, as before).
DOC_CACHE = 1000


@dataclass
class RunContext:
    """What every analysis stage gets: the store, the settings, and what this run changed."""

    store: Store
    settings: Settings
    new_ids: list[str] = field(default_factory=list)  # articles this run added
    full: bool = False  # recompute from scratch (recluster) instead of incrementally
    touched_stories: set[str] = field(default_factory=set)  # stories whose fields must be rebuilt
    touched_storylines: set[str] = field(default_factory=set)  # storylines (re)written whose fields must be rebuilt
    rejected: list[Rejected] = field(default_factory=list)
    workers: int = 0  # processes for the per-article work (the parse); 0: every core this process may use
    _nlp: NLP | None = None
    _docs: OrderedDict[str, Doc] = field(default_factory=OrderedDict, repr=False)

    def docs(self, ids: Iterable[str]) -> dict[str, Doc]:
        """The stored parses of these articles (those that have one), each deserialised once per run while the
        run's :data:`DOC_CACHE` holds it; the spaCy pipeline is loaded only when there is a doc to read."""
        want = list(dict.fromkeys(ids))
        missing = [aid for aid in want if aid not in self._docs]
        raw = self.store.get_docs(missing) if missing else {}
        if raw:
            self._docs.update(self.nlp.load_docs(raw))
        out = {aid: self._docs[aid] for aid in want if aid in self._docs}
        for aid in out:
            self._docs.move_to_end(aid)
        while len(self._docs) > DOC_CACHE:
            self._docs.popitem(last=False)
        return out

    def forget_docs(self, ids: Iterable[str]) -> None:
        """Drop cached parses of these articles (the nlp stage calls it when it stores new ones)."""
        for aid in ids:
            self._docs.pop(aid, None)

    @property
    def nlp(self) -> NLP:
        """The spaCy pipeline, loaded once on first use."""
        if self._nlp is None:
            from .text.parser import NLP

            self._nlp = NLP(self.settings)
        return self._nlp


@dataclass(frozen=True)
class Stage:
    """One analysis stage: its name, its function, and its contract (what it needs, what it adds)."""

    name: str
    run: Callable[[RunContext], None]
    needs: str
    adds: str
