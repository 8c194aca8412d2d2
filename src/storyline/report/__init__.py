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
import html
import json
import urllib.parse
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from ..model import SCHEMA, Article, Story
from ..store import Store
from ..text.changes import paragraph_changes
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
        "updates": article.updates,
        "story": article.story,
        "added": article.added,
        "paragraphs": [
            {"text": p.text, "flags": list(p.flags), "reused_from": list(p.reused_from)} for p in article.paragraphs
        ],
    }


def story_json(story: Story, added: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """One story as the contract shows it (every field of :class:`storyline.model.Story`).

    With ``added`` (article id -> when the tool stored it), each timeline entry, quote and figure carries its
    ``added`` time: a quote or figure that of its article, a timeline entry that of its earliest report.
    """
    data = story.to_dict()
    if added is not None:
        for item in (*data["quotes"], *data["figures"]):
            item["added"] = added.get(item["article"])
        for entry in data["timeline"]:
            entry["added"] = min((t for x in entry["sources"] if (t := added.get(x))), default=None)
    return data


def stories_json(store: Store) -> dict[str, Any]:
    """The output contract: ``{"schema", "articles", "stories", "storylines"}`` from everything stored."""
    articles = [article_json(a) for a in store.iter_articles()]
    added = {a["id"]: a["added"] for a in articles}
    return {
        "schema": SCHEMA,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "articles": articles,
        "stories": [story_json(s, added) for s in store.iter_stories()],
        "storylines": [line.to_dict() for line in store.iter_storylines()],
    }


# -- shared view model ----------------------------------------------------------------------------------------------
# Article flags a reader is shown beside a source.
SHOWN_FLAGS = ("syndicated", "stitched", "exact_duplicate", "suspect_date")


def _marks(items: list[dict[str, Any]], number: dict[str, int]) -> list[dict[str, Any]]:
    """Each cited item with ``marks``: the source numbers of its ``sources`` in this story."""
    return [{**item, "marks": [number[x] for x in item.get("sources", []) if x in number]} for item in items]


def independent_sources(articles: Iterable[Mapping[str, Any]]) -> int:
    """Independent sources among articles: the outlets of the articles that copy no other (a copy, a reprint or a
    version is its group's source, counted once through ``duplicate_of``), as the web app counts them.

    >>> independent_sources([{"id": "a", "outlet": "Wire"}, {"id": "b", "outlet": "Herald", "duplicate_of": "a"},
    ...                      {"id": "c", "outlet": None}])
    2
    """
    return len({a.get("outlet") or a["id"] for a in articles if not a.get("duplicate_of")})


def reported_line(ids: Iterable[str], articles: Mapping[str, Mapping[str, Any]]) -> str:
    """How many independent sources report a brief sentence (its ``reported_by``): a copy counts as the outlet of
    the article it copies, an article without an outlet name on its own.

    >>> reported_line(["a", "b", "c"], {"a": {"outlet": "Wire"}, "b": {"outlet": "Herald", "duplicate_of": "a"}})
    'reported by 2 independent sources'
    """
    roots = {articles.get(x, {}).get("duplicate_of") or x for x in ids}
    return "reported by " + counted(len({articles.get(r, {}).get("outlet") or r for r in roots}), "independent source")


def sources_line(n_articles: int, n_independent: int) -> str:
    """How every count of sources reads: "5 articles from 1 independent source"."""
    return f"{counted(n_articles, 'article')} from {counted(n_independent, 'independent source')}"


def _changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What a version changed in the one it updates: paragraphs added, removed, re-worded (read paragraphs only)."""
    if not old:
        return []

    def read(a: Mapping[str, Any]) -> list[str]:
        return [p["text"] for p in a.get("paragraphs", []) if not p.get("flags")]

    return [{"kind": c.kind, "old": c.old, "new": c.new} for c in paragraph_changes(read(old), read(new))]


def _view(data: Mapping[str, Any]) -> dict[str, Any]:
    """What both renderers show: stories with numbered sources, citation markers, duplicate groups and versions."""
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
            update_of = a.get("updates")
            copies = [number[o] for o in ids if articles.get(o, {}).get("duplicate_of") == aid]
            sources.append({
                "n": number[aid], "id": aid, "title": a.get("title") or aid, "url": a.get("url"),
                "outlet": a.get("outlet") or "unknown outlet", "published": a.get("published") or "undated",
                "copy_of": number.get(copy_of) if copy_of else None, "copies": copies,
                "update_of": number.get(update_of) if update_of else None,
                "changes": _changes(articles.get(update_of), a) if update_of else [],
                "flags": [f for f in a.get("flags", []) if f in SHOWN_FLAGS],
            })  # fmt: skip
        summary = [{**item, "reported": reported_line(item.get("reported_by") or item.get("sources", []), articles)}
                   for item in _marks(s.get("summary", []), number)]
        timeline = _marks(s.get("timeline", []), number)
        claims = []
        for c in s.get("claims", []):
            # an article with no outlet name is counted under its id: shown as its source number
            values = [{**v, "marks": [number[x] for x in v.get("sources", []) if x in number],
                       "outlets": [f"source [{number[o]}]" if o in number else o for o in v.get("outlets", [])]}
                      for v in c.get("values", [])]
            claims.append({**c, "values": values})
        quotes = _quote_rows(s, number, articles)
        independent = independent_sources([articles.get(x, {"id": x}) for x in ids])
        stories.append({
            **s, "anchor": "story-" + _slug(s["id"]), "sources": sources,
            "counts": sources_line(len(sources), independent), "summary": summary, "timeline": timeline,
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


def _quote_rows(
    story: Mapping[str, Any], number: dict[str, int], articles: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One row per quote of a story (its ``quote_groups``): the words, speaker, every source and the first one.

    A story stored before quote groups existed shows each of its quotes as a group of one.
    """
    groups = story.get("quote_groups") or [
        {**q, "first": q.get("article"), "sources": [q.get("article")]} for q in story.get("quotes", [])
    ]
    rows = []
    for g in groups:
        first = articles.get(g.get("first") or "", {})
        marks = [number[x] for x in g.get("sources", []) if x in number]
        rows.append({
            **g, "mark": number.get(g.get("first") or ""), "marks": marks,
            "n_sources": counted(len(g.get("sources", [])), "source"),
            "first_seen": f"{first.get('outlet') or 'unknown outlet'}, {first.get('published') or 'undated'}",
        })  # fmt: skip
    return rows


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
    """The stories as Markdown: storylines, then per story its cited brief, timeline, figures, claims and sources.

    Every piece of article text goes through :func:`_md` and every link through :func:`safe_url`, so the export
    is safe to render with raw HTML on.
    """
    view = _view(data)
    out = ["# Stories", ""]
    out.append(f"{len(view['stories'])} stories from {view['n_articles']} articles.")
    out.append("")
    if view["storylines"]:
        out += ["## Storylines", ""]
        for line in view["storylines"]:
            out.append(f"### {_md(line.get('title') or line['id'])}")
            out.append("")
            for item in line.get("summary", []):
                out.append(f"- {_md(item['text'])} ({_md(', '.join(item.get('sources', [])))})")
            out.append("")
    for s in view["stories"]:
        out += _md_story(s)
    return "\n".join(out)


def _cites(marks: list[int]) -> str:
    """Citation markers: "[1][3]"."""
    return "".join(f"[{m}]" for m in marks)


def _md_story(s: dict[str, Any]) -> list[str]:
    """One story's Markdown section."""
    out = [f"## {_md(s.get('title') or s['id'])}", ""]
    dates = " to ".join(d for d in dict.fromkeys([s.get("first_date"), s.get("last_date")]) if d)
    out.append(f"*{s['counts']}{', ' + dates if dates else ''} · story {_md(s['id'])}*")
    out.append("")
    if s["summary"]:
        out += ["### Brief", ""]
        out.append(" ".join(f"{_md(i['text'])} {_cites(i['marks'])}" for i in s["summary"]))
        out += ["", f"*The lead is {s['summary'][0]['reported']}.*"]
        out.append("")
    if s["timeline"]:
        out += ["### Timeline", ""]
        for e in s["timeline"]:
            when = shown_date(e["date"], e.get("granularity") or "day")
            out.append(f"- **{when}** {_md(e['text'])} {_cites(e['marks'])}")
        out.append("")
    if s["figure_claims"]:
        out += _md_figures(s["figure_claims"])
    if s["quotes"]:
        out += ["### Quotes", ""]
        for q in s["quotes"][:10]:
            who = q.get("speaker_name") or "unattributed"
            line = f"- “{_md(q['text'])}” — {_md(who)} · {q['n_sources']} {_cites(q['marks'])}"
            if len(q["marks"]) > 1:  # where it appeared first
                line += f" · first [{q['mark']}] {_md(q['first_seen'])}"
            out.append(line)
        out.append("")
    if s["entities"]:
        out += ["### Entities", "", ", ".join(f"{_md(e['name'])} ({_md(e['type'])})" for e in s["entities"]), ""]
    out += ["### Sources", ""]
    for src in s["sources"]:
        note = f" (copy of [{src['copy_of']}])" if src["copy_of"] else ""
        if src["update_of"]:
            note += f" (update of [{src['update_of']}])"
        url = safe_url(src["url"])
        link = f"[{_md(src['title'])}]({url})" if url else _md(src["title"])
        out.append(f"{src['n']}. {link} — {_md(src['outlet'])}, {_md(src['published'])}{note}")
        for c in src["changes"]:
            out.append(f"   - {c['kind']}: {_md(c['new'] if c['new'] is not None else c['old'])}")
    out.append("")
    return out


def _md_figures(claims: list[dict[str, Any]]) -> list[str]:
    """The agreement and conflict table of a story's figures."""
    out = ["### Figures: agreement and conflict", "", "| what | value | sources | status |", "|---|---|---|---|"]
    for c in claims:
        for v in c["values"]:
            value = _md(v.get("text") or _fmt_value(v.get("value")))
            if c["status"] == "updated" and v.get("as_of"):
                value += f" (as of {_md(v['as_of'])})"
            out.append(f"| {_md(_claim_label(c))} | {value} | {_cites(v['marks'])} | {c['status']} |")
    out.append("")
    return out


def _claim_label(claim: dict[str, Any]) -> str:
    """What a figure claim is about: its subject, and the event it counts when known ("people injured")."""
    predicate = claim.get("predicate")
    return f"{claim['subject']} {predicate}" if predicate else str(claim["subject"])


# Markdown's inline syntax characters: escaped with a backslash so article text never becomes a link, an image,
# emphasis, code or a table cell break (CommonMark 0.31, section 2.4: any ASCII punctuation may be
# backslash-escaped). Without "[" and "]" no link or image can form, so "(" and "!" stay as written; "<" and "&"
# are HTML-escaped, which also stops raw HTML and autolinks.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|~"})


def _md(text: object) -> str:
    r"""Article text safe in Markdown: HTML escaped (raw HTML renders as text), inline syntax backslash-escaped,
    on one line (a table cell or a list item).

    >>> print(_md('<img src=x onerror=alert(1)> [click](javascript:alert(1)) | *x*'))
    &lt;img src=x onerror=alert(1)&gt; \[click\](javascript:alert(1)) \| \*x\*
    """
    return html.escape(" ".join(str(text).split()), quote=False).translate(_MD_SPECIAL)


def safe_url(url: object) -> str | None:
    """The URL when it is an http or https link, percent-encoded where Markdown or HTML would read it as syntax;
    None for any other scheme (javascript:, data:, file:) or none.

    >>> safe_url("https://example.org/a b(1)"), safe_url("javascript:alert(1)"), safe_url(" HTTP://x.org")
    ('https://example.org/a%20b%281%29', None, 'HTTP://x.org')
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return urllib.parse.quote(url, safe=":/?#@!$&'*+,;=%~-._")


# -- HTML -------------------------------------------------------------------------------------------------------------
def render_html(data: Mapping[str, Any]) -> str:
    """A self-contained HTML report (inline CSS, no scripts, fonts or images from the network)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = _fmt_value
    env.filters["counted"] = counted
    env.filters["shown_date"] = shown_date
    env.filters["safe_url"] = safe_url
    view = _view(data)
    page = env.get_template("report.html.j2")
    return page.render(view=view, schema=data.get("schema", SCHEMA), generated=data.get("generated"))


def _template(name: str) -> str:
    """A packaged template's text (``report/templates/NAME``)."""
    return resources.files("storyline.report").joinpath("templates", name).read_text(encoding="utf-8")


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
    out = [f"[bold]{escape(s.get('title') or s['id'])}[/]  [dim]{s['id']} · {s['counts']}[/]"]
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
        if src["update_of"]:
            added = sum(1 for c in src["changes"] if c["kind"] != "removed")
            removed = sum(1 for c in src["changes"] if c["kind"] != "added")
            note += f" (update of \\[{src['update_of']}]: +{added} -{removed} paragraphs)"
        out.append(f"  \\[{src['n']}] {escape(src['outlet'])}, {src['published']}: {escape(src['title'])}{note}")
    if len(s["sources"]) > TERMINAL_SOURCES:
        out.append(f"  … and {len(s['sources']) - TERMINAL_SOURCES} more")
    return "\n".join(out)
