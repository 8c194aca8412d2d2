"""What changed between two stored versions of a followed page: paragraphs added and removed (difflib).

Example:
    >>> from storyline.model import Article, Paragraph
    >>> old = Article(id="v1", title="Bridge vote delayed", paragraphs=[Paragraph("The vote was delayed.")])
    >>> new = Article(id="v2", title="Bridge vote held", paragraphs=[Paragraph("The vote was held."),
    ...               Paragraph("It passed 7-2.")], updates="v1")
    >>> change = compare(old, new, "http://n.example/a")
    >>> change.title, change.added, change.removed
    (('Bridge vote delayed', 'Bridge vote held'), ['The vote was held.', 'It passed 7-2.'], ['The vote was delayed.'])
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..errors import NotFoundError
from ..model import Article
from ..store import Store


@dataclass
class Change:
    """One update of a page: the two article versions, the headline before and after, paragraphs in and out."""

    url: str
    old: str
    new: str
    story: str | None
    title: tuple[str, str] | None = None  # (before, after) when the headline changed
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def compare(old: Article, new: Article, url: str) -> Change:
    """The paragraphs one version adds and removes, in text order."""
    before, after = [p.text for p in old.paragraphs], [p.text for p in new.paragraphs]
    change = Change(url, old.id, new.id, new.story, (old.title, new.title) if old.title != new.title else None)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            change.removed += before[i1:i2]
        if op in ("replace", "insert"):
            change.added += after[j1:j2]
    return change


def changes(store: Store, story: str | None = None) -> list[Change]:
    """Every update of a followed page (or only those in one story), oldest first."""
    out: list[Change] = []
    members = set(store.get_story(story).articles) if story else None
    by_url: dict[str, list[str]] = {}
    for row in store.versions():
        by_url.setdefault(row["url"], []).append(row["article"])
    for url, ids in by_url.items():
        for old_id, new_id in zip(ids, ids[1:], strict=False):
            if members is not None and new_id not in members and old_id not in members:
                continue
            try:
                out.append(compare(store.get_article(old_id), store.get_article(new_id), url))
            except NotFoundError:
                continue
    return out
