"""stories.json as a user compares two runs of it: without the times the tool did things."""

from __future__ import annotations

from typing import Any

CLOCK_KEYS = {"generated", "added", "at"}  # when the tool did something, not what the articles say


def without_clock(value: Any) -> Any:
    """``value`` (parsed JSON) with every clock key left out, at any depth."""
    if isinstance(value, dict):
        return {k: without_clock(v) for k, v in value.items() if k not in CLOCK_KEYS}
    if isinstance(value, list):
        return [without_clock(v) for v in value]
    return value
