"""Reports: the ``stories.json`` output contract, a Markdown export, a self-contained HTML report, and the
terminal brief of one story.

``stories_json`` is the one place that turns the store into the JSON contract (``"schema": "storyline/stories@1"``,
documented by ``schema/stories.schema.json``); the renderers read only that dict, so a report can be rebuilt from
an exported file without the store.

Example:
    >>> from storyline.store import Store
    >>> with Store(":memory:") as store:
    ...     data = stories_json(store)
    >>> data["schema"], data["stories"]
    ('storyline/stories@1', [])
    >>> "<html" in render_html(data)
    True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from ..model import SCHEMA, Article, Story
from ..store import Store
from ..timeline import shown_date

# A long source list is cut in the terminal brief; the HTML report lists every source.
TERMINAL_SOURCES = 30


def article_json(article: Article) -> dict[str, Any]:
    """One article as the contract shows it: metadata, flags, its story and duplicate group, paragraphs."""
    return {
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "byline": article.byline,
        "published": article.published,
        "language": article.language,
        "flags": list(article.flags),
        "duplicate_of": article.duplicate_of,
        "story": article.story,
        "paragraphs": [{"text": p.text, "flags": list(p.flags), "reused_from": list(p.reused_from)} for p in article.paragraphs],
    }


def story_json(story: Story) -> dict[str, Any]:
    """One story as the contract shows it (every field of :class:`storyline.model.Story`)."""
    return story.to_dict()


def stories_json(store: Store) -> dict[str, Any]:
    """The output contract: ``{"schema", "articles", "stories", "storylines"}`` from everything stored."""
    return {
        "schema": SCHEMA,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "articles": [article_json(a) for a in store.iter_articles()],
        "stories": [story_json(s) for s in store.iter_stories()],
        "storylines": [line.to_dict() for line in store.iter_storylines()],
    }


# -- shared view model ----------------------------------------------------------------------------------------------
def _view(data: Mapping[str, Any]) -> dict[str, Any]:
    """What both renderers show: stories with numbered sources, citation markers and duplicate groups."""
    articles = {a["id"]: a for a in data.get("articles", [])}
    stories = []
    for s in data.get("stories", []):
        ids = list(s.get("articles", []))
        for item in s.get("summary", []):
            ids.extend(x for x in item.get("sources", []) if x not in ids)
        number = {aid: k + 1 for k, aid in enumerate(ids)}
        sources = []
        for aid in ids:
            a = articles.get(aid, {"id": aid})
            copy_of = a.get("duplicate_of")
            copies = [number[o] for o in ids if articles.get(o, {}).get("duplicate_of") == aid]
            sources.append({
                "n": number[aid], "id": aid, "title": a.get("title") or aid, "url": a.get("url"),
                "outlet": a.get("outlet") or "unknown outlet", "published": a.get("published") or "undated",
                "copy_of": number.get(copy_of) if copy_of else None, "copies": copies,
                "flags": [f for f in a.get("flags", []) if f in ("syndicated", "stitched", "exact_duplicate", "suspect_date")],
            })  # fmt: skip
        summary = [{**item, "marks": [number[x] for x in item.get("sources", []) if x in number]} for item in s.get("summary", [])]
        timeline = [{**e, "marks": [number[x] for x in e.get("sources", []) if x in number]} for e in s.get("timeline", [])]
        claims = []
        for c in s.get("claims", []):
            # an article with no outlet name is counted under its id: shown as its source number
            values = [{**v, "marks": [number[x] for x in v.get("sources", []) if x in number],
                       "outlets": [f"source [{number[o]}]" if o in number else o for o in v.get("outlets", [])]}
                      for v in c.get("values", [])]
            claims.append({**c, "values": values})
        quotes = [{**q, "mark": number.get(q.get("article", ""))} for q in s.get("quotes", [])]
        stories.append({
            **s, "anchor": "story-" + _slug(s["id"]), "sources": sources, "summary": summary, "timeline": timeline,
            "figure_claims": [c for c in claims if c.get("kind") != "claim"],
            "key_claims": [c for c in claims if c.get("kind") == "claim"],
            "quotes": quotes, "entities": s.get("entities", [])[:15],
        })  # fmt: skip
    titles = {s["id"]: s for s in stories}
    lines = []
    for line in data.get("storylines", []):
        members = [titles[x] for x in line.get("stories", []) if x in titles]
        lines.append({**line, "members": members})
    return {"stories": stories, "storylines": lines, "articles": articles, "n_articles": len(articles)}


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: "1 source", "3 sources", "2 stories".

    >>> counted(1, "source"), counted(3, "story", "stories")
    ('1 source', '3 stories')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _slug(text: str) -> str:
    """An HTML id from a story id."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


def _fmt_value(v: Any) -> str:
    """A figure value for a table: 23, 1.5, 13700000000 -> '13,700,000,000'."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, (int, float)) else str(v)


# -- Markdown ---------------------------------------------------------------------------------------------------------
def render_markdown(data: Mapping[str, Any]) -> str:
    """The stories as Markdown: storylines, then per story its cited brief, timeline, figures, claims and sources."""
    view = _view(data)
    out = ["# Stories", ""]
    out.append(f"{len(view['stories'])} stories from {view['n_articles']} articles.")
    out.append("")
    if view["storylines"]:
        out += ["## Storylines", ""]
        for line in view["storylines"]:
            out.append(f"### {line.get('title') or line['id']}")
            out.append("")
            for item in line.get("summary", []):
                out.append(f"- {item['text']} ({', '.join(item.get('sources', []))})")
            out.append("")
    for s in view["stories"]:
        out.append(f"## {s.get('title') or s['id']}")
        out.append("")
        dates = " to ".join(d for d in dict.fromkeys([s.get("first_date"), s.get("last_date")]) if d)
        out.append(f"*{counted(len(s['sources']), 'source')}{', ' + dates if dates else ''} · story `{s['id']}`*")
        out.append("")
        if s["summary"]:
            out += ["### Brief", ""]
            out.append(" ".join(f"{i['text']} {''.join(f'[{m}]' for m in i['marks'])}" for i in s["summary"]))
            out.append("")
        if s["timeline"]:
            out += ["### Timeline", ""]
            out += [f"- **{shown_date(e['date'], e.get('granularity') or 'day')}** {e['text']} {''.join(f'[{m}]' for m in e['marks'])}" for e in s["timeline"]]
            out.append("")
        if s["figure_claims"]:
            out += ["### Figures: agreement and conflict", "", "| what | value | sources | status |", "|---|---|---|---|"]
            for c in s["figure_claims"]:
                for v in c["values"]:
                    marks = "".join(f"[{m}]" for m in v["marks"])
                    value = _md(v.get("text") or _fmt_value(v.get("value")))
                    if c["status"] == "updated" and v.get("as_of"):
                        value += f" (as of {v['as_of']})"
                    out.append(f"| {_md(_claim_label(c))} | {value} | {marks} | {c['status']} |")
            out.append("")
        if s["quotes"]:
            out += ["### Quotes", ""]
            for q in s["quotes"][:10]:
                who = q.get("speaker_name") or "unattributed"
                out.append(f"- “{q['text']}” — {who} [{q['mark']}]")
            out.append("")
        if s["entities"]:
            out += ["### Entities", "", ", ".join(f"{e['name']} ({e['type']})" for e in s["entities"]), ""]
        out += ["### Sources", ""]
        for src in s["sources"]:
            note = f" (copy of [{src['copy_of']}])" if src["copy_of"] else ""
            link = f"[{_md(src['title'])}]({src['url']})" if src["url"] else _md(src["title"])
            out.append(f"{src['n']}. {link} — {src['outlet']}, {src['published']}{note}")
        out.append("")
    return "\n".join(out)


def _claim_label(claim: dict[str, Any]) -> str:
    """What a figure claim is about: its subject, and the event it counts when known ("people injured")."""
    predicate = claim.get("predicate")
    return f"{claim['subject']} {predicate}" if predicate else str(claim["subject"])


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


# -- HTML -------------------------------------------------------------------------------------------------------------
def render_html(data: Mapping[str, Any]) -> str:
    """A self-contained HTML report (inline CSS, no scripts, fonts or images from the network)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: resources.files("storyline.report").joinpath("templates", name).read_text(encoding="utf-8")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = _fmt_value
    env.filters["counted"] = counted
    env.filters["shown_date"] = shown_date
    view = _view(data)
    return env.get_template("report.html.j2").render(view=view, schema=data.get("schema", SCHEMA), generated=data.get("generated"))


# -- terminal -------------------------------------------------------------------------------------------------------
def format_brief(story: Story, articles: Mapping[str, Article]) -> str:
    """The terminal brief of one story: cited sentences, figure agreement and conflict, numbered sources.

    Returned as rich console markup (square brackets of titles escaped).
    """
    from rich.markup import escape

    data = {
        "articles": [article_json(a) for a in articles.values()],
        "stories": [json.loads(json.dumps(story.to_dict()))],
    }
    s = _view(data)["stories"][0]
    out = [f"[bold]{escape(s.get('title') or s['id'])}[/]  [dim]{s['id']}[/]"]
    if not s["summary"]:
        out.append("[dim]no brief yet (run the pipeline)[/]")
    for item in s["summary"]:
        marks = "".join(f"\\[{m}]" for m in item["marks"])
        when = f"[dim]{item['date']}[/] " if item.get("date") else ""
        out.append(f"• {when}{escape(item['text'])} [cyan]{marks}[/]")
    if s["figure_claims"]:
        out.append("")
        out.append("[bold]Figures[/]")
        for c in s["figure_claims"]:
            style = {"conflict": "red", "agree": "green", "updated": "yellow"}.get(c["status"], "dim")
            joiner = " → " if c["status"] == "updated" else " vs "
            vals = joiner.join(
                f"{escape(str(v.get('text')))}"
                + (f" [dim](as of {v['as_of']})[/]" if c["status"] == "updated" and v.get("as_of") else "")
                + " " + "".join(f"\\[{m}]" for m in v["marks"])
                for v in c["values"]
            )
            out.append(f"  [{style}]{c['status']:<13}[/] {escape(_claim_label(c))}: {vals}")
    out.append("")
    out.append("[bold]Sources[/]")
    for src in s["sources"][:TERMINAL_SOURCES]:
        note = f" (copy of \\[{src['copy_of']}])" if src["copy_of"] else ""
        out.append(f"  \\[{src['n']}] {escape(src['outlet'])}, {src['published']}: {escape(src['title'])}{note}")
    if len(s["sources"]) > TERMINAL_SOURCES:
        out.append(f"  … and {len(s['sources']) - TERMINAL_SOURCES} more")
    return "\n".join(out)
