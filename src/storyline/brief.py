"""Brief: stage stub, filled in by its issue."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline import RunContext


def run(ctx: RunContext) -> None:
    """Pipeline stage (not built yet: does nothing)."""
    return None
