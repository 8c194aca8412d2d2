"""Settings: one object for every stage, read from the packaged ``defaults.toml`` and overridable.

Example:
    >>> s = Settings.load(overrides={"dedupe": {"threshold": 0.8}})
    >>> s.dedupe["threshold"]
    0.8
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

SECTIONS = ("ingest", "clean", "dedupe", "stories", "extract", "brief")


def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("storyline").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass
class Settings:
    """Settings of every stage, one dict per section; values are checked against the defaults' types."""

    ingest: dict[str, Any] = field(default_factory=dict)
    clean: dict[str, Any] = field(default_factory=dict)
    dedupe: dict[str, Any] = field(default_factory=dict)
    stories: dict[str, Any] = field(default_factory=dict)
    extract: dict[str, Any] = field(default_factory=dict)
    brief: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None, overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
        """Defaults, then a TOML file, then overrides; raises ConfigError naming any unknown or mistyped key."""
        merged = _defaults()
        layers: list[dict[str, Any]] = []
        if path is not None:
            try:
                layers.append(tomllib.loads(Path(path).read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
        if overrides:
            layers.append(overrides)
        for layer in layers:
            for section, values in layer.items():
                if section not in merged:
                    raise ConfigError(f"unknown settings section {section!r}; valid sections: {', '.join(SECTIONS)}")
                for key, value in values.items():
                    if key not in merged[section]:
                        valid = ", ".join(sorted(merged[section]))
                        raise ConfigError(f"unknown setting {section}.{key}; valid keys: {valid}")
                    default = merged[section][key]
                    if isinstance(default, (int, float)) and not isinstance(default, bool):
                        if not isinstance(value, (int, float)) or isinstance(value, bool):
                            raise ConfigError(f"setting {section}.{key} must be a number, got {value!r}")
                        value = type(default)(value) if isinstance(default, float) else value
                    merged[section][key] = value
        return cls(**{s: copy.deepcopy(merged.get(s, {})) for s in SECTIONS})
