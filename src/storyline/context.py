"""What every stage gets: :class:`RunContext` (the store, the settings, what this run changed) and
:class:`Stage` (one stage's name, function and contract).

Stages import this module, never :mod:`storyline.pipeline`: the pipeline imports the stages, so the arrows
point one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import Settings
from .model import Rejected
from .store import Store

if TYPE_CHECKING:
    from .text.parser import NLP


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
