"""Render the demo corpus from ``examples/demo_source.py`` into pipeline inputs and labels.

Writes, under a root directory (the repository by default):

- ``examples/demo/*.txt``       plain text: headline, byline/date line, blank-line paragraphs, page noise;
- ``examples/demo/*.html``      full pages with nav, related-links aside and footer around an ``<article>``;
- ``examples/demo/commerce-daily-export.jsonl``  records with ``id, url, title, text, published, outlet, section``;
- ``examples/demo/klpt7-news.rss``               an RSS 2.0 feed (``content:encoded`` or ``description`` only);
- ``examples/demo/lakeport-crawl.warc.gz``       a crawl: warcinfo, HTML responses and a robots.txt response;
- ``bench/data/demo_labeled.jsonl``              one labelled record per article (story, flags, duplicate_of...).

Everything is deterministic (fixed WARC dates and record ids, sorted output), so running it twice gives the
same bytes and ``bench/check_data.py`` can check the shipped files are what this script makes.

Usage::

    python examples/build_demo.py            # rebuild in place
    python examples/build_demo.py --root DIR # write DIR/examples/demo/... and DIR/bench/data/...
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import io
import json
import uuid
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEMO_DIR = Path("examples") / "demo"
LABELS = Path("bench") / "data" / "demo_labeled.jsonl"
WARC_NAME = "lakeport-crawl.warc.gz"
# One fixed namespace so WARC record ids are the same on every build (uuid5 of the target URI).
RECORD_NS = uuid.UUID("6f1c2d4e-8a9b-4c3d-9e0f-1a2b3c4d5e6f")

NAV = {
    "Lakeport Gazette": ["News", "Politics", "Business", "Sports", "Health", "Opinion", "Obituaries"],
    "Harbor Courier": ["Region", "Politics", "People", "Sports", "Weather"],
    "Tri-County Tribune": ["News", "Agriculture", "Explainers", "Sports", "Classifieds"],
    "Allied Newswire": ["U.S.", "World", "Business", "Health", "Sports", "Photos"],
    "The Valley Sentinel": ["Local", "Health", "Sports", "Wire", "E-Edition"],
    "PharmaWatch": ["Recalls", "Approvals", "Inspections", "Newsletters"],
    "DailyBuzzHub": ["Trending", "News", "Viral", "Money", "Quizzes"],
    "El Heraldo del Puerto": ["Noticias", "Comunidad", "Deportes", "Opinión"],
}
# Outlets whose pages give the publication date in JSON-LD only (the others use article:published_time).
JSON_LD_OUTLETS = {"Harbor Courier"}
RELATED = [
    "Lakeport council approves transit levy in 7-4 vote",
    "Ridgeway plant explosion injures 14",
    "Port strike: what it means for you",
    "Brightwell recalls blood pressure pills",
]


def load_source() -> ModuleType:
    """Import ``demo_source.py`` from this directory (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("demo_source", HERE / "demo_source.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stamp(art: dict[str, Any]) -> datetime | None:
    """The article's publication time (UTC), or None when the page shows no date."""
    if not art["published"]:
        return None
    return datetime.fromisoformat(f"{art['published']}T{art['time']}:00+00:00")


def iso(art: dict[str, Any]) -> str | None:
    """Publication time as ISO 8601 with a Z, as pages and feeds give it."""
    when = stamp(art)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def blocks(art: dict[str, Any]) -> list[tuple[str, str]]:
    """The page body in reading order: ("p", text) content paragraphs and ("noise", line) boilerplate."""
    out: list[tuple[str, str]] = []
    noise = sorted(art["noise"], key=lambda n: n[0])
    for i, para in enumerate(art["paragraphs"]):
        out += [("noise", line) for pos, line in noise if pos == i]
        out.append(("p", para))
    out += [("noise", line) for pos, line in noise if pos >= len(art["paragraphs"])]
    return out


def render_txt(art: dict[str, Any]) -> str:
    """Plain text like a saved page: headline, a byline/date line when known, then paragraphs."""
    lines = [art["title"], ""]
    when = stamp(art)
    if when:
        date = f"{when:%b} {when.day}, {when.year}"
        lines += [f"By {art['byline']} {date}" if art["byline"] else date, ""]
    for _, text in blocks(art):
        lines += [text, ""]
    return "\n".join(lines)


def render_html(art: dict[str, Any]) -> str:
    """A full news page: head metadata, site nav, the article, a related-links aside and a footer."""
    e = html.escape
    outlet, when = art["outlet"], stamp(art)
    lang = art["language"]
    nav = "".join(f'<li><a href="/{e(item.lower())}">{e(item)}</a></li>' for item in NAV.get(outlet, ["News"]))
    body: list[str] = []
    for kind, text in blocks(art):
        if kind == "p":
            body.append(f"      <p>{e(text, quote=False)}</p>")
        elif text.startswith("(Photo") or "(Photo:" in text:
            body.append(
                f'      <figure class="lead-photo"><img src="/img/{art["id"]}.jpg" alt="">'
                f"<figcaption>{e(text)}</figcaption></figure>"
            )
        else:
            body.append(f'      <p class="inline-promo">{e(text)}</p>')
    meta = [
        f'<meta charset="{art.get("encoding", "utf-8")}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(art['title'])} | {e(outlet)}</title>",
        f'<meta property="og:site_name" content="{e(outlet)}">',
        f'<meta property="og:title" content="{e(art["title"])}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{e(art["url"])}">',
        f'<link rel="canonical" href="{e(art["url"])}">',
    ]
    if when and outlet in JSON_LD_OUTLETS:
        # Some CMSs give the date only in schema.org JSON-LD, not in an article:published_time meta tag.
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": art["title"],
            "datePublished": iso(art),
            "author": {"@type": "Person", "name": art["byline"]},
            "publisher": {"@type": "Organization", "name": outlet},
            "mainEntityOfPage": art["url"],
        }
        meta.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    elif when:
        meta.append(f'<meta property="article:published_time" content="{iso(art)}">')
    if art["byline"]:
        meta.append(f'<meta name="author" content="{e(art["byline"])}">')
    byline = f'By <span class="author">{e(art["byline"])}</span>' if art["byline"] else ""
    if when:
        byline += f' <time datetime="{iso(art)}">{when:%B} {when.day}, {when.year}</time>'
    related = "".join(f'<li><a href="/related/{i}">{e(t)}</a></li>' for i, t in enumerate(RELATED))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}">',
            "<head>",
            *("  " + m for m in meta),
            '  <link rel="stylesheet" href="/static/site.css">',
            "</head>",
            "<body>",
            '  <header class="masthead">',
            f'    <a class="logo" href="/">{e(outlet)}</a>',
            f'    <nav class="sections"><ul>{nav}<li><a href="/subscribe">Subscribe</a></li></ul></nav>',
            "  </header>",
            '  <main id="content">',
            '    <article class="story">',
            f"      <h1>{e(art['title'])}</h1>",
            f'      <p class="byline">{byline}</p>' if byline else "",
            *body,
            '      <div class="share-tools">Share: <a href="#">Facebook</a> <a href="#">X</a> '
            '<a href="#">Email</a></div>',
            "    </article>",
            '    <aside class="related">',
            "      <h2>Related Articles</h2>",
            f"      <ul>{related}</ul>",
            "    </aside>",
            "  </main>",
            '  <footer class="site-footer">',
            (
                f'    <p>&copy; 2025 {e(outlet)}. All rights reserved. <a href="/privacy">Privacy Policy</a> '
                '<a href="/terms">Terms of Use</a></p>'
            ),
            "  </footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def render_jsonl(arts: list[dict[str, Any]]) -> str:
    """A CMS export: one JSON record a line, with an extra ``section`` key and text as scraped."""
    lines = []
    for art in arts:
        record = {
            "id": art["id"],
            "url": art["url"],
            "title": art["title"],
            "text": "\n\n".join(text for _, text in blocks(art)),
            "published": iso(art),
            "outlet": art["outlet"],
            "section": art["section"],
            "author": art["byline"],
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def render_rss(arts: list[dict[str, Any]]) -> str:
    """An RSS 2.0 feed, newest item first; an item without ``content:encoded`` carries its text in description."""
    e = html.escape
    items = []
    for art in sorted(arts, key=lambda a: stamp(a) or datetime.min, reverse=True):
        when = stamp(art)
        assert when is not None, "feed items always carry a pubDate"
        paras = "".join(f"<p>{e(text, quote=False)}</p>" for _, text in blocks(art))
        first = art["paragraphs"][0].split()
        teaser = " ".join(first[:22]) + (" ..." if len(first) > 22 else "")
        item = [
            "    <item>",
            f"      <title>{e(art['title'])}</title>",
            f"      <link>{e(art['url'])}</link>",
            f'      <guid isPermaLink="true">{e(art["url"])}</guid>',
            f"      <pubDate>{format_datetime(when, usegmt=True)}</pubDate>",
            f"      <dc:creator>{e(art['byline'] or outlet_of(art))}</dc:creator>",
            f"      <category>{e(art['section'] or 'News')}</category>",
        ]
        if art.get("description_only"):
            # The whole story in <description> (escaped HTML) and no content:encoded, as many small CMSs do.
            item.append(f"      <description>{e(paras)}</description>")
        else:
            item.append(f"      <description>{e(teaser)}</description>")
            item.append(f"      <content:encoded><![CDATA[{paras}]]></content:encoded>")
        item.append("    </item>")
        items.append("\n".join(item))
    newest = max(when for when in map(stamp, arts) if when is not None)
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            (
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
            ),
            "  <channel>",
            "    <title>KLPT News 7</title>",
            "    <link>https://www.klpt7.com/</link>",
            '    <atom:link href="https://www.klpt7.com/feeds/news.rss" rel="self" type="application/rss+xml"/>',
            "    <description>Lakeport news, weather and sports from KLPT News 7</description>",
            "    <language>en-us</language>",
            f"    <lastBuildDate>{format_datetime(newest, usegmt=True)}</lastBuildDate>",
            *items,
            "  </channel>",
            "</rss>",
            "",
        ]
    )


def outlet_of(art: dict[str, Any]) -> str:
    """The outlet name (used where a feed item has no author)."""
    return str(art["outlet"])


def render_warc(arts: list[dict[str, Any]]) -> bytes:
    """A gzipped WARC: a warcinfo record, one HTML response per article, and a robots.txt response to skip."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)

    def warc_headers(uri: str, date: str) -> dict[str, str]:
        return {"WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(RECORD_NS, uri or 'warcinfo')}>", "WARC-Date": date}

    info = (
        b"software: storyline examples/build_demo.py\r\nformat: WARC File Format 1.0\r\n"
        b"description: demo crawl of Lakeport-area news sites\r\n"
    )
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(info),
            length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={**warc_headers("", "2025-11-18T00:00:00Z"), "WARC-Filename": WARC_NAME},
        )
    )

    robots = b"User-agent: *\nDisallow: /admin/\n"
    responses: list[tuple[str, str, bytes, str]] = [
        ("https://www.tricountytribune.com/robots.txt", "2025-11-18T00:00:05Z", robots, "text/plain")
    ]
    for art in arts:
        when = stamp(art)
        crawled = f"{when:%Y-%m-%dT%H}:45:00Z" if when else "2025-11-18T00:10:00Z"
        encoding = art.get("encoding", "utf-8")
        responses.append((art["url"], crawled, render_html(art).encode(encoding), f"text/html; charset={encoding}"))
    for uri, date, payload, ctype in responses:
        http_headers = StatusAndHeaders(
            "200 OK", [("Content-Type", ctype), ("Content-Length", str(len(payload)))], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(payload),
                length=len(payload),
                http_headers=http_headers,
                warc_headers_dict=warc_headers(uri, date),
            )
        )
    return buf.getvalue()


def label(art: dict[str, Any]) -> dict[str, Any]:
    """The labelled record of one article: clean text plus what a correct pipeline should find."""
    return {
        "id": art["id"],
        "url": art["url"],
        "title": art["title"],
        "text": "\n\n".join(art["paragraphs"]),
        "published": art["published"],
        "outlet": art["outlet"],
        "byline": art["byline"],
        "language": art["language"],
        "story": art["story"],
        "flags": art["flags"],
        "duplicate_of": art["duplicate_of"],
        "format": art["format"],
        "file": (DEMO_DIR / art["file"]).as_posix(),
        "boilerplate": [line for _, line in sorted(art["noise"], key=lambda n: n[0])],
        "off_topic": art["off_topic"],
        "reused_from": [{"paragraph": i, "article": src, "source_paragraph": j} for i, src, j in art["references"]],
    }


def build(root: Path = REPO) -> list[Path]:
    """Write the demo inputs and labels under ``root``; return the paths written (demo folder is replaced)."""
    articles = load_source().ARTICLES
    demo = root / DEMO_DIR
    demo.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[dict[str, Any]]] = {}
    for art in articles:
        by_file.setdefault(art["file"], []).append(art)
    outputs: dict[str, bytes] = {}
    for name, arts in by_file.items():
        fmt = arts[0]["format"]
        assert all(a["format"] == fmt for a in arts), f"{name}: mixed formats"
        encoding = arts[0].get("encoding", "utf-8")
        if fmt == "txt":
            outputs[name] = render_txt(arts[0]).encode(encoding)
        elif fmt == "html":
            outputs[name] = render_html(arts[0]).encode(encoding)
        elif fmt == "jsonl":
            outputs[name] = render_jsonl(arts).encode("utf-8")
        elif fmt == "rss":
            outputs[name] = render_rss(arts).encode("utf-8")
        elif fmt == "warc":
            outputs[name] = render_warc(arts)
        else:
            raise ValueError(f"{name}: unknown format {fmt!r}; expected txt, html, jsonl, rss or warc")
    for stale in demo.iterdir():  # the demo folder is generated: drop files no article maps to any more
        if stale.is_file() and stale.name not in outputs:
            stale.unlink()
    written = []
    for name, data in sorted(outputs.items()):
        (demo / name).write_bytes(data)
        written.append(demo / name)
    labels = root / LABELS
    labels.parent.mkdir(parents=True, exist_ok=True)
    labels.write_text("".join(json.dumps(label(a), ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    written.append(labels)
    return written


def main() -> None:
    """Command line: rebuild the demo corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="directory to write examples/ and bench/ under")
    args = parser.parse_args()
    for path in build(args.root):
        print(path)


if __name__ == "__main__":
    main()
