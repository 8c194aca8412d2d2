"""What ``storyline duplicates`` shows: each group of copies with its canonical article, and the reused passages.

Plain data only; the CLI renders it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..model import Article
from ..store import Store
from .index import STAGE, Entry

# Characters of a reused paragraph shown in a listing.
SNIPPET = 160


@dataclass
class GroupMember:
    """One article of a duplicate group; ``similarity`` is its exact shingle Jaccard with the canonical article."""

    id: str
    outlet: str | None
    published: str | None
    similarity: float
    flags: list[str] = field(default_factory=list)
    updates: str | None = None  # the earlier version of the same outlet's story it updates, if it is a version


@dataclass
class PassageSource:
    """Where a reused passage was (also) found; ``order`` is "earlier" or "unknown" (dates do not say)."""

    article: str
    paragraph: int
    outlet: str | None
    published: str | None
    order: str = "earlier"


@dataclass
class ReusedPassage:
    """A paragraph of ``article`` found near-verbatim in other articles."""

    article: str
    paragraph: int
    text: str
    sources: list[PassageSource] = field(default_factory=list)


@dataclass
class DuplicateGroup:
    """A canonical article, its copies, and the passages its articles took from outside the group.

    A lone article appears as a group without members when it reuses passages (a stitched page).

    Example:
        >>> g = DuplicateGroup(canonical="a1", title="Wire story", members=[GroupMember("a2", "Site", None, 0.93)])
        >>> [m.id for m in g.members]
        ['a2']
    """

    canonical: str
    title: str = ""
    outlet: str | None = None
    published: str | None = None
    flags: list[str] = field(default_factory=list)  # of the canonical article ("stitched", ...)
    members: list[GroupMember] = field(default_factory=list)
    passages: list[ReusedPassage] = field(default_factory=list)


def load_entries(store: Store) -> dict[str, Entry]:
    """The per-article records dedupe stored (without signatures)."""
    state = store.get_state(STAGE)
    return {key[2:]: Entry(**json.loads(value)) for key, value in state.items() if key.startswith("m:")}


def duplicate_groups(store: Store, story: str | None = None) -> list[DuplicateGroup]:
    """Duplicate groups and reused passages of the whole store, or of one story's articles (largest first)."""
    entries = load_entries(store)
    if story is not None:
        wanted = set(store.get_story(story).articles)
        wanted |= {entries[a].dup for a in wanted if a in entries and entries[a].dup}  # type: ignore[misc]
        articles = {a.id: a for a in store.iter_articles(sorted(wanted))}
    else:
        articles = {a.id: a for a in store.iter_articles()}
    members: dict[str, list[str]] = {}
    for aid in articles:
        canonical = articles[aid].duplicate_of
        if canonical:
            members.setdefault(canonical, []).append(aid)
    canonicals = set(members) | {a.id for a in articles.values() if any(p.reused_from for p in a.paragraphs)}
    canonicals = {c for c in canonicals if articles.get(c) is None or articles[c].duplicate_of is None}
    groups = []
    for c in canonicals:
        head = articles.get(c) or store.get_article(c)
        group = DuplicateGroup(canonical=c, title=head.title, outlet=head.outlet, published=head.published,
                               flags=list(head.flags))
        ids = [c] + sorted(members.get(c, []), key=lambda a: (entries[a].order if a in entries else 0))
        for aid in ids[1:]:
            art = articles[aid]
            sim = entries[aid].sim if aid in entries else 1.0
            group.members.append(GroupMember(aid, art.outlet, art.published, round(sim, 3), list(art.flags),
                                             art.updates))
        for aid in ids:
            group.passages.extend(_passages(articles.get(aid) or head, store, articles))
        groups.append(group)
    groups.sort(key=lambda g: (-len(g.members), -len(g.passages), g.canonical))
    return groups


def _passages(art: Article, store: Store, known: dict[str, Article]) -> list[ReusedPassage]:
    """The reused paragraphs of one article, with outlet and date of each source."""
    out = []
    for i, para in enumerate(art.paragraphs):
        if not para.reused_from:
            continue
        text = para.text if len(para.text) <= SNIPPET else para.text[: SNIPPET - 1].rstrip() + "…"
        passage = ReusedPassage(art.id, i, text)
        for src in para.reused_from:
            other = known.get(src["article"])
            if other is None:
                other = known[src["article"]] = store.get_article(src["article"])
            passage.sources.append(PassageSource(other.id, int(src["paragraph"]), other.outlet, other.published,
                                                 str(src.get("order", "earlier"))))
        out.append(passage)
    return out
