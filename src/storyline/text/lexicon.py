"""Word lists that must exist, read from data files under ``text/lexicons/``.

Each file is one entry a line; ``#`` starts a comment. A file opens with a comment saying where its entries
come from and why they hold for news prose in general (not for one page or story); an entry may carry its own
reason after ``#``. Files are read once per process (the lists never change while it runs).

Example:
    >>> "say" in load("speech_verbs")
    True
    >>> load("no_such_list")
    Traceback (most recent call last):
    ...
    storyline.errors.ConfigError: no lexicon named 'no_such_list' (text/lexicons/no_such_list.txt)
"""

from __future__ import annotations

import functools
from importlib import resources

from ..errors import ConfigError


@functools.cache
def load(name: str) -> frozenset[str]:
    """The entries of ``text/lexicons/NAME.txt``, lower-cased, comments and blank lines left out."""
    path = resources.files("storyline.text").joinpath("lexicons", f"{name}.txt")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no lexicon named {name!r} (text/lexicons/{name}.txt)") from None
    entries = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(e for e in entries if e)
