"""Shared fixtures: settings, an in-memory store, the spaCy pipeline (loaded once per session), a counter of
pipeline loads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storyline.config import Settings
from storyline.store import Store
from storyline.text.parser import NLP


@pytest.fixture
def settings() -> Settings:
    """Default settings."""
    return Settings.load()


@pytest.fixture
def store() -> Iterator[Store]:
    """An empty in-memory store."""
    with Store(":memory:") as s:
        yield s


@pytest.fixture(scope="session")
def nlp() -> NLP:
    """The spaCy pipeline, loaded once for the whole test session."""
    return NLP()


@pytest.fixture
def pipeline_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets one item each time a spaCy pipeline (:class:`NLP`) is built from now on."""
    loads: list[int] = []
    load = NLP.__init__

    def counted(self: NLP, *args: object, **kwargs: object) -> None:
        loads.append(1)
        load(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(NLP, "__init__", counted)
    return loads
