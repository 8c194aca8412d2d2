"""What is new in a story since a time: the articles, timeline entries, quotes and figures the tool stored
after it, and the figures whose value changed, each with the article it comes from.

Times are the tool's own (when it stored an article, :attr:`storyline.model.Article.added`), not the articles'
publication dates: a report of last week read today is new today. A timeline entry is new when every report
of it is (an old event told again by a new article is not a new entry); quotes and figures are new with their
article. ``last`` is the run before the most recent one: "what did the latest run bring".

Example:
    >>> from storyline.store import Store                                          # doctest: +SKIP
    >>> new = whats_new(store, "s-1a2b", since_time(store, "last"))                 # doctest: +SKIP
    >>> [a["id"] for a in new["articles"]]                                          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Article, Story
from ..store import Store, parse_stored_time, stored_time


def since_time(store: Store, when: str) -> float:
    """Seconds since the epoch of ``when``: an ISO time or date (UTC unless it says), or ``last`` (the end of
    the run before the most recent one; 0 when there was only one). Raises ValueError naming the valid forms."""
    if when.strip().lower() == "last":
        runs = store.runs()
        return runs[-2][2] if len(runs) > 1 else 0.0
    try:
        return parse_stored_time(when)
    except ValueError:
        raise ValueError(f"--since {when!r}: expected an ISO time (2026-01-31T09:30:00Z), a date (2026-01-31) "
                         "or 'last'") from None


def _is_new(added: str | None, since: str) -> bool:
    """True when stored at or after ``since`` (both ISO UTC as the store writes them; unknown is old)."""
    return added is not None and added >= since


def whats_new(store: Store, story_id: str, since: float) -> dict[str, Any]:
    """The story's items stored at or after ``since`` (seconds), each with its article id and ``added`` time."""
    story = store.get_story(story_id)
    arts = {a.id: a for a in store.iter_articles(story.articles)}
    mark = stored_time(since)
    added = {aid: a.added for aid, a in arts.items()}
    new_ids = {aid for aid, t in added.items() if _is_new(t, mark)}
    out: dict[str, Any] = {"story": story.id, "title": story.title, "since": mark}
    out["articles"] = [{"id": a.id, "article": a.id, "title": a.title, "outlet": a.outlet, "published": a.published,
                        "added": a.added} for aid in story.articles if aid in new_ids for a in [arts[aid]]]
    out["timeline"] = []
    for e in story.timeline:
        times = [added.get(x) for x in e.sources]
        if e.sources and all(_is_new(t, mark) for t in times):
            out["timeline"].append({**e.to_dict(), "article": e.article or e.sources[0],
                                    "added": min(t for t in times if t)})
    out["quotes"] = [{**q.to_dict(), "added": added.get(q.article)} for q in story.quotes if q.article in new_ids]
    out["figures"] = [{**f.to_dict(), "added": added.get(f.article)} for f in story.figures if f.article in new_ids]
    out["changed_figures"] = changed_figures(story, arts, new_ids)
    return out


def changed_figures(story: Story, articles: Mapping[str, Article], new_ids: set[str]) -> list[dict[str, Any]]:
    """Figures a new report gives another value than an earlier one: "an earlier report said 23, a later one 29"."""
    out = []
    for claim in story.claims:
        if claim.kind != "figure":
            continue
        before = [v for v in claim.values if any(x not in new_ids for x in v.get("sources", []))]
        after = [v for v in claim.values if v.get("sources") and all(x in new_ids for x in v["sources"])]
        for late in after:
            for early in before:
                if early.get("value") == late.get("value"):
                    continue
                what = claim.subject + (f" {claim.predicate}" if claim.predicate else "")
                out.append({
                    "subject": what, "article": late["sources"][0],
                    "before": {"value": early.get("value"), "text": early.get("text"), "sources": early["sources"]},
                    "after": {"value": late.get("value"), "text": late.get("text"), "sources": late["sources"]},
                    "text": f"{what}: an earlier report said {early.get('text')} [{', '.join(early['sources'])}], "
                            f"a later one {late.get('text')} [{', '.join(late['sources'])}]",
                    "added": min((articles[x].added or "" for x in late["sources"] if x in articles), default=None),
                })  # fmt: skip
    return out


def render_new(new: Mapping[str, Any]) -> list[str]:
    """Plain lines for the terminal: each added item with the article it comes from."""
    out = [f"{new['story']}: {new['title']}", f"new since {new['since']}:"]
    sections = (
        ("articles", lambda a: f"{a['id']}  {a.get('published') or 'undated'}  {a.get('outlet') or '-'}  {a['title']}"),
        ("timeline", lambda e: f"{e['date']}  {e['text']}  [{', '.join(e['sources'])}]"),
        ("quotes", lambda q: f"{q.get('speaker_name') or 'unattributed'}: \u201c{q['text']}\u201d  [{q['article']}]"),
        ("figures", lambda f: f"{f['text']}  [{f['article']}]"),
        ("changed_figures", lambda c: c["text"]),
    )
    for key, line in sections:
        items = new.get(key, [])
        out.append(f"  {key.replace('_', ' ')}: {len(items)}")
        out += [f"    {line(item)}" for item in items]
    return out


__all__ = ["changed_figures", "render_new", "since_time", "whats_new"]
