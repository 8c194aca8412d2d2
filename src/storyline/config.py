"""Settings: one typed dataclass a section, read from the packaged ``defaults.toml`` and overridable.

``defaults.toml`` is the only source of default values: the dataclasses below declare each setting's name and
type, not its value, and every stage class takes its defaults from a loaded :class:`Settings`. A TOML file
(``--config``) or ``overrides`` change values; an unknown section or key, or a value of the wrong type, is
refused with a :class:`~storyline.errors.ConfigError` naming it and the valid choices.

Example:
    >>> s = Settings.load(overrides={"dedupe": {"threshold": 0.8}})
    >>> s.dedupe.threshold
    0.8
    >>> Settings.load(overrides={"dedupe": {"treshold": 0.8}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    storyline.errors.ConfigError: unknown setting dedupe.treshold; valid keys: containment, lead_share, ...
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

from .errors import ConfigError

EmbeddingsMode = Literal["auto", "off", "on"]


@dataclass(frozen=True)
class IngestSettings:
    """Reading inputs (see ``[ingest]`` in defaults.toml)."""

    max_bytes: int
    min_words: int
    max_decompressed_bytes: int
    max_inflation_ratio: float
    max_json_bytes: int
    max_line_bytes: int
    max_json_depth: int
    extract_seconds: float


@dataclass(frozen=True)
class CleanSettings:
    """The clean stage's off-topic test (see ``[clean]``)."""

    offtopic_threshold: float
    offtopic_min_words: int
    offtopic_min_terms: int
    offtopic_min_names: int
    offtopic_min_paragraphs: int
    offtopic_domain_min_paragraphs: int


@dataclass(frozen=True)
class DedupeSettings:
    """Copies and reused passages (see ``[dedupe]``)."""

    threshold: float
    num_perm: int
    shingle: int
    containment: float
    lead_share: float
    run_threshold: float
    version_share: float
    min_words: int
    lsh_slack: float
    passage_threshold: float
    passage_num_perm: int
    passage_shingle: int
    passage_min_words: int
    passage_sentence_words: int
    stitched_share: float


@dataclass(frozen=True)
class StoriesSettings:
    """Story clustering and storylines (see ``[stories]``)."""

    threshold: float
    time_scale_days: float
    merge_threshold: float
    storyline_threshold: float
    saga_threshold: float
    embeddings: EmbeddingsMode
    dense_weight: float


@dataclass(frozen=True)
class ExtractSettings:
    """The parse and extraction (see ``[extract]``)."""

    batch_size: int


@dataclass(frozen=True)
class BriefSettings:
    """The cited brief (see ``[brief]``)."""

    words: int
    redundancy: float
    cite_threshold: float


@dataclass(frozen=True)
class FollowSettings:
    """Following live sources: politeness, limits, retries (see ``[follow]``)."""

    contact: str
    interval: float
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    max_bytes: int
    max_redirects: int
    per_host: int
    host_delay: float
    concurrency: int
    retries: int
    backoff: float
    backoff_max: float
    retry_after_max: float
    fail_after: int
    robots_ttl: float
    max_pages: int
    max_sitemaps: int


SECTIONS: dict[str, type] = {
    "ingest": IngestSettings,
    "clean": CleanSettings,
    "dedupe": DedupeSettings,
    "stories": StoriesSettings,
    "extract": ExtractSettings,
    "brief": BriefSettings,
    "follow": FollowSettings,
}


def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("storyline").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _checked(section: str, key: str, value: Any, kind: Any) -> Any:
    """``value`` as the type of setting ``section.key``, or a ConfigError saying what it must be."""
    choices = get_args(kind)
    if choices:  # a Literal: one of the listed strings
        if value not in choices:
            raise ConfigError(f"setting {section}.{key} must be one of {', '.join(map(repr, choices))}, got {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"setting {section}.{key} must be a number, got {value!r}")
        return float(value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"setting {section}.{key} must be a whole number, got {value!r}")
        return value
    if not isinstance(value, kind):
        raise ConfigError(f"setting {section}.{key} must be a {kind.__name__}, got {value!r}")
    return value


def _section(name: str, values: dict[str, Any]) -> Any:
    """One section's dataclass from its merged values (every key checked, none missing)."""
    cls = SECTIONS[name]
    hints = get_type_hints(cls)
    missing = sorted(set(hints) - set(values))
    if missing:
        lacking = ", ".join(missing)
        raise ConfigError(f"settings section [{name}] lacks {lacking} (the packaged defaults.toml is damaged)")
    return cls(**{k: _checked(name, k, v, hints[k]) for k, v in values.items()})


@dataclass(frozen=True)
class Settings:
    """Settings of every stage, one typed section each; build with :meth:`load`."""

    ingest: IngestSettings
    clean: CleanSettings
    dedupe: DedupeSettings
    stories: StoriesSettings
    extract: ExtractSettings
    brief: BriefSettings
    follow: FollowSettings

    @classmethod
    def load(cls, path: str | Path | None = None, overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
        """Defaults, then a TOML file, then overrides; raises ConfigError naming any unknown or mistyped key."""
        merged = _defaults()
        layers: list[tuple[str, dict[str, Any]]] = []
        if path is not None:
            try:
                layers.append((str(path), tomllib.loads(Path(path).read_text(encoding="utf-8"))))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
        if overrides:
            layers.append(("overrides", overrides))
        for where, layer in layers:
            for section, values in layer.items():
                if section not in SECTIONS:
                    raise ConfigError(
                        f"{where}: unknown settings section {section!r}; valid sections: {', '.join(SECTIONS)}"
                    )
                if not isinstance(values, dict):
                    raise ConfigError(f"{where}: [{section}] must be a table of settings, got {values!r}")
                for key, value in values.items():
                    if key not in merged[section]:
                        valid = ", ".join(sorted(merged[section]))
                        raise ConfigError(f"unknown setting {section}.{key}; valid keys: {valid}")
                    merged[section][key] = value
        return cls(**{name: _section(name, merged.get(name, {})) for name in SECTIONS})

    def replace(self, **sections: dict[str, Any]) -> Settings:
        """A copy with some values changed, checked like :meth:`load`: ``s.replace(dedupe={"threshold": 0.8})``."""
        changed = {}
        for name, values in sections.items():
            if name not in SECTIONS:
                raise ConfigError(f"unknown settings section {name!r}; valid sections: {', '.join(SECTIONS)}")
            current = dataclasses.asdict(getattr(self, name))
            for key in values:
                if key not in current:
                    raise ConfigError(f"unknown setting {name}.{key}; valid keys: {', '.join(sorted(current))}")
            changed[name] = _section(name, {**current, **values})
        return dataclasses.replace(self, **changed)
