"""Per-article facts, what a stage read once of each article (its record and its parse) and kept for its stories,
and the parts of stored stories a stage reads or rebuilds (its timeline, its claims) without the whole record.

A story's timeline or claims are merged from its articles' facts, so a run reads and parses only the articles
whose facts are missing. The store's triggers (migration ``010_article_facts``) drop an article's facts when its
stored record changes or its parse is stored again, so kept facts always describe the article as it stands; and
facts are stamped with the code that read them and the spaCy and pipeline versions it parsed with
(:func:`code_digest`), so facts read by other code are read again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..text.parser import MODEL as PARSER_MODEL
from .base import StoreBase, _dumps


class FactRecords(StoreBase):
    """Per-article facts of a stage (JSON text by article id), and parts of stored stories."""

    def get_facts(self, stage: str, ids: Iterable[str]) -> dict[str, str]:
        """The kept facts of these articles for ``stage`` (articles without are left out)."""
        return dict(self._rows_in(
            "SELECT article_id, value FROM article_facts WHERE stage=? AND code=? AND article_id IN ({marks})",
            [stage, code_digest()], ids,
        ))

    def put_facts(self, stage: str, facts: Mapping[str, str]) -> None:
        """Keep facts of articles for ``stage`` (ids of articles no longer stored are skipped)."""
        if not facts:
            return
        code = code_digest()
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO article_facts SELECT id, ?, ?, ? FROM articles WHERE id=?",
                [(stage, code, value, aid) for aid, value in facts.items()],
            )

    def all_story_ids(self) -> list[str]:
        """Every stored story's id, in id order."""
        return [r[0] for r in self.db.execute("SELECT id FROM stories ORDER BY id")]

    def get_story_parts(self, ids: Iterable[str], names: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Some fields of stored stories in their JSON form (``names``: "articles", "timeline"...), by story id
        (unknown ids are left out), without reading the rest of their records."""
        paths = ", ".join(f"'$.{_field(name)}'" for name in (*names, "id"))
        # json_extract of two paths or more gives a JSON array of their values (the id makes it two at least)
        rows = self._rows_in(f"SELECT id, json_extract(data, {paths}) FROM stories WHERE id IN ({{marks}})", [], ids)
        return {sid: dict(zip((*names, "id"), json.loads(parts), strict=True)) for sid, parts in rows}

    def set_story_parts(self, parts: Mapping[str, Mapping[str, Any]]) -> None:
        """Replace some fields of stored stories (JSON-ready values by field name, by story id) in one transaction,
        leaving the rest of their records as they are."""
        rows: dict[str, list[tuple[str, str]]] = {}  # by field: one statement a field, run over every story
        for sid, fields in parts.items():
            for name, value in fields.items():
                rows.setdefault(name, []).append((_dumps(value), sid))
        with self.transaction():
            for name, values in rows.items():
                self.db.executemany(f"UPDATE stories SET data = json_set(data, '$.{_field(name)}', json(?)) WHERE id=?",
                                    values)


# The package's files whose content decides what a stage reads of an article: its code, lexicons and defaults.
_CODE_SUFFIXES = (".py", ".txt", ".toml")
# The installed distributions whose version changes what is read of an article too: spaCy and its pipeline (the
# parse, the entities, the lemmas). Their versions come from the installed metadata: no import, no model load.
_RUNTIME = ("spacy", PARSER_MODEL)


@cache
def code_digest() -> str:
    """A digest of the storyline package's code, lexicons and defaults as installed, with the versions of spaCy
    and its pipeline (read once a process): facts are read by one version of the code, and any change to it may
    change them."""
    return package_digest(Path(__file__).resolve().parent.parent, runtime_versions())


def runtime_versions() -> dict[str, str]:
    """The installed version of each distribution of :data:`_RUNTIME` ("absent" when it is not installed)."""
    out = {}
    for name in _RUNTIME:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def package_digest(root: Path, versions: Mapping[str, str]) -> str:
    """A digest of the code, lexicon and defaults files under ``root`` and of ``versions`` (name -> version).

    Raises StoreError when no ``.py`` file is found: an install without its sources would hash nothing of the
    code and keep facts read by other code."""
    digest = hashlib.blake2b(digest_size=16)
    for name, version in sorted(versions.items()):
        digest.update(f"{name}=={version}\n".encode())
    hashed = 0
    for path in sorted(p for p in root.rglob("*") if p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
        hashed += path.suffix == ".py"
    if not hashed:
        raise StoreError(f"no .py file of storyline under {root}: the per-article facts are stamped with a digest"
                         " of the code's sources, so install storyline with them (pip install storyline, or"
                         " pip install -e . in a checkout), not as compiled files only")
    return digest.hexdigest()


def _field(name: str) -> str:
    """A story field's name, checked before it goes into a JSON path of an SQL statement."""
    if not name.isidentifier():
        raise StoreError(f"not a story field name: {name!r} (a field of storyline.model.Story)")
    return name
