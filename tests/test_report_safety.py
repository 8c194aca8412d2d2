"""Reports never run what an article carries: a planted payload in a title, a sentence, a quote or a source URL
shows as text in the Markdown export (even rendered with raw HTML on) and in the HTML report, and a source link
is only ever http or https."""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

from storyline import report
from storyline.model import Article, Citation, Paragraph, Quote, Span, Story
from storyline.store import Store

PAYLOAD = '<script>document.title="pwned"</script><img src=x onerror="document.title=1">'
LINK = "[win a prize](javascript:document.title='pwned')"


class _Tags(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _hostile_store() -> Store:
    text = f"Harbour officials {PAYLOAD} closed the north pier on Monday {LINK} after a crane collapsed."
    art = Article(
        id="evil", url="javascript:document.title='pwned'", outlet=f"Courier {PAYLOAD}",
        title=f"Pier closed {PAYLOAD}", published="2025-03-03", paragraphs=[Paragraph(text)],
    )  # fmt: skip
    store = Store(":memory:")
    store.add_articles([art])
    quote_text = f"We will {PAYLOAD} reopen it"
    start = 0
    story = Story(
        id="s1", title=f"Pier closed {PAYLOAD}", articles=["evil"], first_date="2025-03-03",
        summary=[Citation(text=text, sources=["evil"], article="evil", span=Span(0, len(text)))],
        quotes=[Quote(article="evil", span=Span(start, start + len(quote_text)), text=quote_text,
                      speaker_name=f"Mayor {PAYLOAD}")],
    )  # fmt: skip
    store.put_stories([story])
    return store


def _unsafe(tags: list[tuple[str, dict[str, str | None]]]) -> list[str]:
    out = []
    for tag, attrs in tags:
        if tag in ("script", "img", "iframe", "object", "embed"):
            out.append(f"<{tag}>")
        out += [f"<{tag} {k}>" for k in attrs if k.startswith("on")]
        href = (attrs.get("href") or "").strip().lower()
        if href and not href.startswith(("http:", "https:", "#")):
            out.append(f"<{tag} href={href[:30]}>")
    return out


def test_markdown_export_shows_payloads_as_text_even_with_raw_html_on() -> None:
    with _hostile_store() as store:
        md = report.render_markdown(report.stories_json(store))
    rendered = MarkdownIt("commonmark", {"html": True}).render(md)
    parser = _Tags()
    parser.feed(rendered)
    assert parser.tags, "the export rendered to nothing"
    assert _unsafe(parser.tags) == []
    assert "&lt;script&gt;" in rendered  # the payload is still there for the reader to see, as text
    assert "win a prize" in rendered and "javascript:" not in [a.get("href") for _, a in parser.tags]


def test_html_report_escapes_payloads_and_forbids_inline_scripts() -> None:
    with _hostile_store() as store:
        html = report.render_html(report.stories_json(store))
    parser = _Tags()
    parser.feed(html)
    assert _unsafe(parser.tags) == []
    csp = [a.get("content") or "" for t, a in parser.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]


def test_only_http_and_https_source_links_are_made() -> None:
    assert report.safe_url("https://news.example/a(1)") == "https://news.example/a%281%29"
    for bad in ("javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "  vbscript:x", None, 3):
        assert report.safe_url(bad) is None
