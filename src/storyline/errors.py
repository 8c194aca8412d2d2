"""Errors raised by storyline. One root, each subclass also the matching built-in.

    StorylineError
     +-- InputError (ValueError)          an input file is unreadable or malformed: names the file (and line)
     |    +-- EmptyInputError             nothing to read: empty file, feed with no entries, empty directory
     |    +-- UnsupportedFormatError      a file whose format no reader handles (binary, unknown extension)
     +-- ConfigError (ValueError)         a setting has a bad value: names it and the valid options
     +-- StoreError (RuntimeError)        the store cannot be opened or written
     +-- NotFoundError (KeyError)         an article, story or entity id that is not stored
     +-- MissingDependencyError (ImportError)  an optional extra is needed: says which to install
     +-- LazyLookupError (TypeError)      a whole-set operation (iterating, len) on state read lazily by key

The CLI maps these to a one-line message and an exit code; a rejected input inside a run is recorded as a
:class:`storyline.model.Rejected` and the run goes on.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Root of every error storyline raises on purpose."""

    exit_code = 1


class InputError(StorylineError, ValueError):
    """An input could not be read; the message names the file and, where there is one, the line."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path, self.problem, self.line = str(path), problem, line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


class EmptyInputError(InputError):
    """The input holds nothing to read."""


class UnsupportedFormatError(InputError):
    """No reader handles this file."""


class ConfigError(StorylineError, ValueError):
    """A setting has a bad value."""

    exit_code = 2


class StoreError(StorylineError, RuntimeError):
    """The store cannot be opened or written."""


class NotFoundError(StorylineError, KeyError):
    """An id that is not in the store."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class MissingDependencyError(StorylineError, ImportError):
    """An optional extra is not installed."""


class LazyLookupError(StorylineError, TypeError):
    """An operation that needs every key (iterating, ``len``) on state that a stream run reads lazily by key."""
