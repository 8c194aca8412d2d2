"""The local engine: the pipeline in this process, the parse on ``workers`` processes of this machine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import pipeline
from ..config import Settings
from ..pipeline import IngestReport
from ..store import Store


@dataclass
class LocalEngine:
    """Ingest then every stage of :data:`storyline.pipeline.STAGES`, here (``workers`` 0: every core).

    Example:
        >>> LocalEngine(workers=1).run(["examples/demo"], store, settings)        # doctest: +SKIP
    """

    workers: int = 0
    name: str = "local"

    def run(
        self, paths: Sequence[str], store: Store, settings: Settings, on_stage: Callable[[str], Any] | None = None
    ) -> IngestReport:
        """What ``storyline run`` does: ingest the inputs, then run every analysis stage over the store."""
        if on_stage is not None:
            on_stage("ingest")
        report = pipeline.ingest_paths(paths, store, settings)
        ctx = pipeline.RunContext(store, settings, new_ids=report.new, workers=self.workers)
        pipeline.analyse(ctx, on_stage=on_stage)
        return report
