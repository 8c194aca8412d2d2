"""Engines: runners of the same stage functions, in this process (:mod:`.local`) or on a Ray cluster (:mod:`.ray`).

An engine is a shell like the CLI: it reads the inputs, runs the per-article work (read, clean) where it can run
in parallel, stores the results, then runs the stages with the pipeline's own code over the store; each stage's
per-article part (the parse, captions, story features, extract) goes through
:meth:`storyline.context.RunContext.parse_articles` and :meth:`~storyline.context.RunContext.map_articles` to
the local worker processes or to the Ray actors, and so does each story's timeline, brief and claims
(:meth:`~storyline.context.RunContext.map_stories`, the workers reading the store's file); the corpus-wide parts
(dedupe grouping, story clustering, merging, storyline briefs) run on the driver.
Both engines write the same store, so the same ``stories.json``.

Example:
    >>> from storyline.store import Store
    >>> from storyline.config import Settings
    >>> with Store(":memory:") as store:                                         # doctest: +SKIP
    ...     report = engine_for("local", workers=2).run(["examples/demo"], store, Settings.load())
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

from ..config import Settings
from ..pipeline import IngestReport
from ..store import Store

__all__ = ["ENGINES", "Engine", "EngineName", "engine_for"]

EngineName = Literal["local", "ray"]
ENGINES: tuple[EngineName, ...] = ("local", "ray")


class Engine(Protocol):
    """Runs a whole ``storyline run`` (ingest, then every analysis stage) into a store."""

    name: str

    def run(
        self, paths: Sequence[str], store: Store, settings: Settings, on_stage: Callable[[str], Any] | None = None
    ) -> IngestReport:
        """Read, clean, parse and store every input, then run the corpus-wide stages; returns what was read."""
        ...


def engine_for(name: str, workers: int = 0, address: str | None = None) -> Engine:
    """The engine of that name (``workers`` 0: every core; ``address``: a Ray cluster, Ray engine only)."""
    if name == "local":
        if address:
            raise ValueError(f"--address {address!r} is for --engine ray only (the local engine runs here)")
        from .local import LocalEngine

        return LocalEngine(workers=workers)
    if name == "ray":
        from .ray import RayEngine

        return RayEngine(workers=workers, address=address)
    raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
