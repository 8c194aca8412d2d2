"""Reports: stories.json against its schema, the self-contained HTML report, Markdown and the terminal brief."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from storyline import brief, report
from storyline.claims.agreement import claims
from storyline.config import Settings
from storyline.model import Article, Figure, Paragraph, Span, Story, Storyline
from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent
# Debian's Chromium, driven by Playwright's Python package (which never downloads a browser of its own here);
# `make test` installs it where it can (as root). The flags a closed machine needs: no sandbox (root in CI), no
# GPU, and none of Chromium's own background connections (updates, sync, QUIC probes).
CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

FERRY_A = Article(
    id="ferry-a", outlet="Coast Courier", published="2024-09-02", url="https://coastcourier.example/ferry",
    title="Ferry runs aground <off> Pellham",
    paragraphs=[
        Paragraph("The passenger ferry Marisol ran aground off Pellham island on Sunday evening with 212 people on board, the coast guard said."),
        Paragraph("All passengers were taken ashore by lifeboats within three hours, and 14 people were treated for minor injuries."),
    ],
)  # fmt: skip
FERRY_B = Article(
    id="ferry-b", outlet="Island Radio", published="2024-09-03", url="https://islandradio.example/news/marisol",
    title="Marisol passengers rescued",
    paragraphs=[
        Paragraph("The ferry Marisol ran aground off Pellham island on Sunday evening with 212 people on board, according to the coast guard."),
        Paragraph("Rescuers said 16 people were treated for minor injuries after lifeboats brought everyone ashore."),
    ],
)  # fmt: skip
FERRY_COPY = Article(
    id="ferry-c", outlet="Bay Herald", published="2024-09-03", duplicate_of="ferry-a", title=FERRY_A.title,
    paragraphs=[Paragraph(p.text) for p in FERRY_A.paragraphs], flags=["syndicated"],
)  # fmt: skip


def _figure(art: Article, phrase: str, value: float) -> Figure:
    """A hand-built 'people treated' figure in the article's second paragraph."""
    text = art.text
    start = text.index(phrase)
    para = art.paragraph_spans()[1]
    return Figure(art.id, Span(start, start + len(phrase)), phrase, value, "people", "count", False, "people", None, para)


@pytest.fixture
def filled(store: Store, settings: Settings) -> Store:
    """A store with one story whose brief, claims and storyline are built."""
    arts = [Article.from_dict(a.to_dict()) for a in (FERRY_A, FERRY_B, FERRY_COPY)]
    arts[0].figures = [_figure(arts[0], "14 people", 14)]
    arts[1].figures = [_figure(arts[1], "16 people", 16)]
    arts[2].figures = [_figure(arts[2], "14 people", 14)]
    for a in arts:
        a.story = "ferry"
    store.add_articles(arts)
    story = Story(id="ferry", title="Ferry Marisol runs aground", articles=[a.id for a in arts],
                  first_date="2024-09-02", last_date="2024-09-03", storyline="coast")  # fmt: skip
    story.summary = brief.summarise(story, arts, settings)
    story.claims = claims(story, arts)
    line = Storyline(id="coast", title="Pellham ferry", stories=["ferry"], summary=story.summary[:1])
    store.put_stories([story], [line])
    return store


# -- a tiny JSON Schema validator (the subset our schema uses; jsonschema is not a dependency) ----------------------
def _validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _validate(value, target, root, path)
    errors = []
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        checks = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "null": type(None), "boolean": bool}
        if not any(isinstance(value, checks[n]) and not (n in ("integer", "number") and isinstance(value, bool)) for n in names):
            return [f"{path}: {value!r} is not {names}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        errors.append(f"{path}: too short")
    if isinstance(value, (int, float)) and "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: below minimum")
    if isinstance(value, dict):
        errors += [f"{path}: missing {k!r}" for k in schema.get("required", []) if k not in value]
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                errors += _validate(value[k], sub, root, f"{path}.{k}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                errors += _validate(item, schema["items"], root, f"{path}[{i}]")
    return errors


def test_schema_file_is_packaged_and_identical_to_the_repo_copy() -> None:
    packaged = resources.files("storyline").joinpath("schema", "stories.schema.json").read_text(encoding="utf-8")
    assert json.loads(packaged) == json.loads((REPO / "schema" / "stories.schema.json").read_text(encoding="utf-8"))
    assert json.loads(packaged)["properties"]["schema"]["const"] == "storyline/stories@1"


def test_stories_json_is_schema_valid(filled: Store) -> None:
    schema = json.loads((REPO / "schema" / "stories.schema.json").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(report.stories_json(filled)))
    assert _validate(data, schema, schema) == []
    story = data["stories"][0]
    assert story["summary"][0]["sources"] and story["claims"]
    assert {a["id"] for a in data["articles"]} == {"ferry-a", "ferry-b", "ferry-c"}
    copy = next(a for a in data["articles"] if a["id"] == "ferry-c")
    assert copy["duplicate_of"] == "ferry-a" and copy["story"] == "ferry" and "reused_from" in copy["paragraphs"][0]


def test_validator_catches_a_broken_file(filled: Store) -> None:
    schema = json.loads((REPO / "schema" / "stories.schema.json").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(report.stories_json(filled)))
    del data["stories"][0]["summary"][0]["sources"]
    data["schema"] = "storyline/stories@2"
    assert len(_validate(data, schema, schema)) == 2


class _Tags(HTMLParser):
    """Collects every start tag with its attributes and checks tags are balanced enough to parse."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained_and_shows_the_brief(filled: Store) -> None:
    html = report.render_html(report.stories_json(filled))
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        for attr in ("src",) if tag == "a" else ("src", "href"):  # a link is followed on a click, not loaded
            assert not re.match(r"\s*(https?:)?//", attrs.get(attr) or ""), f"<{tag} {attr}> loads from the network"
        assert tag not in ("script", "link", "img", "iframe"), f"<{tag}> needs no external resource in this report"
    text = " ".join(" ".join(parser.text).split())
    story = filled.get_story("ferry")
    assert story.summary[0].text in text
    # citation markers link to the numbered source list
    anchors = {attrs.get("id") for _, attrs in parser.tags}
    links = [attrs["href"] for tag, attrs in parser.tags if tag == "a" and (attrs.get("href") or "").startswith("#story-")]
    assert links and all(link[1:] in anchors for link in links)
    assert "Coast Courier" in text and "copy of [1]" in text
    assert "Ferry runs aground <off> Pellham" in text and "<off>" not in html  # titles are escaped
    assert not re.search(r"\b1 (sources|outlets|stories|articles)\b", text)  # "1 source", not "1 sources"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (`make test` installs it as root)")
def test_html_report_opens_in_a_browser_with_the_network_off(filled: Store, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "report.html"
    path.write_text(report.render_html(report.stories_json(filled)), encoding="utf-8")
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(offline=True).new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            body = " ".join(page.inner_text("body").split())
            # a citation marker of the brief takes the reader to its source in the numbered list
            marker = page.locator("a[href^='#story-']").first
            target = marker.get_attribute("href") or ""
            marker.click()
            assert page.evaluate("location.hash") == target
            assert page.locator(target).is_visible()
        finally:
            browser.close()
    assert requests == [path.as_uri()], f"the report asked for more than its own file: {requests}"
    assert filled.get_story("ferry").summary[0].text in body
    assert "14 people" in body and "16 people" in body  # the figure conflict, both values
    assert "Coast Courier" in body and "Island Radio" in body


def test_html_report_shows_the_conflict_side_by_side(filled: Store) -> None:
    html = report.render_html(report.stories_json(filled))
    table = html[html.index("agreement and conflict") :]
    assert "conflict" in table and "14 people" in table and "16 people" in table
    assert table.index("14 people") < table.index("Sources") and table.index("16 people") < table.index("Sources")


def test_markdown_export(filled: Store) -> None:
    md = report.render_markdown(report.stories_json(filled))
    story = filled.get_story("ferry")
    assert "## Ferry Marisol runs aground" in md
    assert story.summary[0].text in md
    rows = [line for line in md.splitlines() if line.startswith("| people")]
    assert any("| 14 people |" in r and r.endswith("| conflict |") for r in rows), rows
    assert any("| 16 people |" in r and r.endswith("| conflict |") for r in rows), rows
    assert "## Storylines" in md
    assert "copy of [1]" in md


def test_terminal_brief(filled: Store) -> None:
    story = filled.get_story("ferry")
    articles = {a.id: a for a in filled.iter_articles(story.articles)}
    text = report.format_brief(story, articles)
    assert story.summary[0].text in text
    assert "conflict" in text and "Coast Courier" in text


def test_empty_store_renders(store: Store) -> None:
    data = report.stories_json(store)
    assert "No stories yet" in report.render_html(data)
    assert report.render_markdown(data).startswith("# Stories")


def test_timeline_dates_are_shown_as_precise_as_they_are_known(filled: Store) -> None:
    data = report.stories_json(filled)
    story = data["stories"][0]
    story["timeline"] = [{"date": "2025-09-01", "granularity": "month", "text": "The levy passed last month.", "sources": []},
                         {"date": "2025-10-14", "granularity": "day", "text": "A judge halted the levy.", "sources": []}]
    html, md = report.render_html(data), report.render_markdown(data)
    assert "<time>2025-09</time>" in html and "<time>2025-10-14</time>" in html
    assert "**2025-09** The levy passed last month." in md


def test_an_article_without_outlet_name_is_shown_by_its_source_number(filled: Store) -> None:
    data = report.stories_json(filled)
    story = next(s for s in data["stories"] if s["claims"])
    first = story["articles"][0]
    story["claims"][0]["values"][0]["outlets"] = [first]  # what agreement counts for an article with no outlet
    html = report.render_html(data)
    table = html[html.index("agreement and conflict") :]
    assert "source [1]" in table and first not in table.split("Sources")[0]
