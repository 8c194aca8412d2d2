"""Ingest: every reader, stdin, stable ids, encodings, and each bad input a new user would try."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.config import Settings
from storyline.ingest import Read, read_inputs
from storyline.ingest.article import detect_language, split_paragraphs
from storyline.model import Rejected
from storyline.pipeline import ingest_paths
from storyline.store import Store

BRIDGE_TXT = """Council approves new river bridge

The Riverside city council voted seven to two on Tuesday to build a new bridge across the Wend river.

Mayor Ana Ruiz said work would start in May and the bridge should open to traffic in the autumn of 2021.

Opponents argued the money should have gone to schools and said they would raise the plan again next year.
"""

BRIDGE_PARAS = [
    "The Riverside city council voted on Tuesday to build a new bridge across the Wend river after two years of "
    "debate.",
    "Mayor Ana Ruiz said the work would start in May and that the bridge should open to traffic in the autumn of "
    "2021.",
    "Opponents argued that the money should have gone to schools, and they said they would raise the plan again "
    "next year.",
]

BRIDGE_HTML = f"""<!DOCTYPE html><html lang="en"><head>
<title>Council approves new river bridge | Riverside Gazette</title>
<meta property="og:site_name" content="Riverside Gazette">
<meta property="og:title" content="Council approves new river bridge">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2018-01-24T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Council approves new river bridge</h1>
{"".join(f"<p>{p}</p>" for p in BRIDGE_PARAS)}
</article>
<footer>Subscribe to our newsletter for daily updates. Copyright Riverside Gazette.</footer>
</body></html>"""

SPANISH_TXT = """El consejo aprueba un nuevo puente

El consejo de la ciudad votó el martes a favor de construir un puente sobre el río, después de dos años de debate.

La alcaldesa dijo que las obras comenzarán en mayo y que el puente se abrirá al tráfico en el otoño del año que viene.
"""

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>http://harbour.example/</link>
<description>Local news</description>
<item><title>Ferry strike ends after two weeks</title><link>http://harbour.example/ferry</link>
<guid>harbour-ferry-1</guid><pubDate>Tue, 16 Jan 2018 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Ferry crews returned to work on Monday after the union accepted a new pay offer from the \
operator.&lt;/p&gt;&lt;p&gt;Services between the two islands will run to the normal timetable from \
Wednesday.&lt;/p&gt;</description>
</item>
<item><title>Harbour wall repairs delayed</title><link>http://harbour.example/wall</link>
<pubDate>Wed, 17 Jan 2018 09:00:00 GMT</pubDate>
<description>Storm damage to the harbour wall will not be repaired before spring, the port authority said \
on Tuesday.</description>
</item></channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Post</title><id>urn:valley</id>
<updated>2018-02-01T08:00:00Z</updated>
<entry><title>School roof to be replaced</title><id>urn:valley:1</id><link href="http://valley.example/roof"/>
<published>2018-02-01T08:00:00Z</published><updated>2018-02-01T08:00:00Z</updated>
<content type="html">&lt;p&gt;The county board agreed on Thursday to replace the leaking roof of the valley \
primary school this summer.&lt;/p&gt;</content>
</entry></feed>"""

EMPTY_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet Feed</title>
<link>http://quiet.example/</link><description>nothing yet</description></channel></rss>"""


def record(i: int, **extra: object) -> dict[str, object]:
    """A JSONL record of the bridge story with its own id."""
    return {
        "id": f"rec-{i}",
        "title": f"Bridge update {i}",
        "text": "\n\n".join(BRIDGE_PARAS) + f" Update {i}.",
        **extra,
    }


def read_all(paths: list[str], settings: Settings) -> tuple[list[Read], list[Rejected]]:
    """Run read_inputs and split its output into reads and rejections."""
    reads: list[Read] = []
    rejects: list[Rejected] = []
    for item in read_inputs(paths, settings):
        if isinstance(item, Read):
            reads.append(item)
        else:
            rejects.append(item)
    return reads, rejects


def write(path: Path, content: str | bytes) -> str:
    """Write a file (text as UTF-8) and return its path as a string."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


def make_warc(pages: list[tuple[str, bytes, str]], gz: bool = True) -> bytes:
    """A WARC holding a request record, an image response and one HTML response per (url, html, content type)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    image = b"\x89PNG\r\n\x1a\n" + bytes(64)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "http://harbour.example/logo.png",
            "response",
            payload=io.BytesIO(image),
            length=len(image),
            http_headers=headers,
        )
    )
    for url, html, ctype in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html),
                length=len(html),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2018-03-05T12:00:00Z"},
            )
        )
    return buf.getvalue()


# -- readers ------------------------------------------------------------------------------------------
def test_text_reader_headline_and_paragraphs(tmp_path: Path, settings: Settings) -> None:
    (read,), rejects = read_all([write(tmp_path / "bridge.txt", BRIDGE_TXT)], settings)
    art = read.article
    assert not rejects
    assert art.title == "Council approves new river bridge"
    assert len(art.paragraphs) == 3 and art.paragraphs[1].text.startswith("Mayor Ana Ruiz said")
    assert len(art.id) == 16 and len(art.content_hash or "") == 40
    assert art.language == "en" and art.flags == []
    assert art.source is not None and (art.source.path, art.source.format) == (str(tmp_path / "bridge.txt"), "txt")
    assert read.raw == BRIDGE_TXT


def test_ids_are_stable_across_spacing_and_case(tmp_path: Path, settings: Settings) -> None:
    a = write(tmp_path / "a.txt", BRIDGE_TXT)
    b = write(tmp_path / "b.txt", BRIDGE_TXT.replace("voted seven", "voted   SEVEN").replace("\n\n", "\n\n\n"))
    c = write(tmp_path / "c.txt", BRIDGE_TXT.replace("seven to two", "eight to one"))
    first, second, other = (read_all([p], settings)[0][0].article for p in (a, b, c))
    assert first.id == second.id and first.content_hash == second.content_hash
    assert other.id != first.id
    assert read_all([a], settings)[0][0].article.id == first.id  # re-reading gives the same id


def test_html_reader_uses_trafilatura_metadata(tmp_path: Path, settings: Settings) -> None:
    (read,), _ = read_all([write(tmp_path / "page.html", BRIDGE_HTML)], settings)
    art = read.article
    assert art.title == "Council approves new river bridge"
    assert [p.text for p in art.paragraphs] == BRIDGE_PARAS  # no nav, no footer, no repeated headline
    assert art.byline == "Jane Roe"
    assert art.published == "2018-01-24"
    assert art.outlet == "Riverside Gazette"
    assert read.format == "html" and "<nav>" in read.raw


def test_jsonl_reader_keeps_ids_and_metadata(tmp_path: Path, settings: Settings) -> None:
    rows = [
        {
            "id": "a-1",
            "title": "Council approves new river bridge",
            "url": "https://www.gazette.example/bridge",
            "published": "2018-01-24T09:00:00",
            "story": "bridge",
            "flags": ["wire_copy"],
            "event_date": "2018-01-23",
            "text": "Council approves new river bridge\n\n" + "\n\n".join(BRIDGE_PARAS),
        },
        {
            "id": "a-2",
            "outlet": "Harbour Times",
            "text": " date 2018-01-25 Bridge vote draws protest\n\n" + "\n\n".join(BRIDGE_PARAS[1:]),
        },
    ]
    path = write(tmp_path / "in.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    (one, two), rejects = read_all([path], settings)
    assert not rejects
    assert one.article.id == "a-1" and two.article.id == "a-2"
    assert one.article.metadata == {"story": "bridge", "flags": ["wire_copy"], "event_date": "2018-01-23"}
    assert one.article.flags == []  # input flags are metadata, not article flags
    assert one.article.paragraphs[0].text == BRIDGE_PARAS[0]  # headline not repeated in the body
    assert one.article.outlet == "gazette.example" and one.article.published == "2018-01-24"
    assert one.article.source is not None and one.article.source.line == 1
    # no title: the short first line is the headline; the scraper's date prefix becomes the date
    assert two.article.title == "Bridge vote draws protest"
    assert two.article.published == "2018-01-25" and two.article.outlet == "Harbour Times"


@pytest.mark.parametrize("prefix", [" date 2018-01-25 ", "Date  2018-01-25\n\n", "DATE 2018-01-25 "])
def test_a_scraper_date_prefix_is_the_date_and_leaves_the_text(prefix: str, tmp_path: Path, settings: Settings) -> None:
    """However the scraper spaced or cased it, the date in front of the text is read and taken off the body."""
    record = {"id": "d", "title": "Bridge vote draws protest", "text": prefix + "\n\n".join(BRIDGE_PARAS)}
    (read,), _ = read_all([write(tmp_path / "d.jsonl", json.dumps(record) + "\n")], settings)
    assert read.article.published == "2018-01-25"
    assert [p.text for p in read.article.paragraphs] == BRIDGE_PARAS


def test_jsonl_text_without_blank_lines_is_split_sensibly() -> None:
    wrapped = (
        "WASHINGTON - The council said on Monday that it would\nvote again on the bridge plan next month after\n"
        "residents asked for a hearing.\nThe mayor said she welcomed the delay and expected\n"
        "the plan to pass with a wider majority."
    )
    assert [p.text[:20] for p in split_paragraphs(wrapped)] == ["WASHINGTON - The cou", "The mayor said she w"]
    lines = "Here are the towns on the list:\n- Alder\n- Birchwood\n- Cedar Falls"
    assert len(split_paragraphs(lines)) == 4


def test_json_array_and_single_object(tmp_path: Path, settings: Settings) -> None:
    arr = write(tmp_path / "arr.json", json.dumps([record(1), record(2)], indent=2))
    one = write(tmp_path / "one.json", json.dumps(record(3)))
    reads, rejects = read_all([arr, one], settings)
    assert [r.article.id for r in reads] == ["rec-1", "rec-2", "rec-3"] and not rejects


def test_jsonl_html_record_goes_through_the_html_reader(tmp_path: Path, settings: Settings) -> None:
    row = {"id": "h1", "url": "https://news.example/b", "html": BRIDGE_HTML, "desk": "city"}
    (read,), _ = read_all([write(tmp_path / "h.jsonl", json.dumps(row))], settings)
    assert read.article.title == "Council approves new river bridge"
    assert read.article.paragraphs[0].text == BRIDGE_PARAS[0] and read.article.metadata["desk"] == "city"


def test_stdin_reads_json_lines(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(record(1)) + "\n" + json.dumps(record(2)) + "\n"))
    reads, rejects = read_all(["-"], settings)
    assert [r.article.id for r in reads] == ["rec-1", "rec-2"] and not rejects
    assert reads[0].path == "<stdin>"


def test_rss_and_atom_feeds(tmp_path: Path, settings: Settings) -> None:
    reads, rejects = read_all([write(tmp_path / "news.rss", RSS), write(tmp_path / "valley.atom", ATOM)], settings)
    assert not rejects
    ferry, wall, roof = (r.article for r in reads)
    assert ferry.title == "Ferry strike ends after two weeks" and ferry.outlet == "Harbour Times"
    assert [p.text[:12] for p in ferry.paragraphs] == ["Ferry crews ", "Services bet"]  # HTML cleaned to text
    assert ferry.published == "2018-01-16" and ferry.url == "http://harbour.example/ferry"
    assert wall.paragraphs[0].text.startswith("Storm damage") and wall.published == "2018-01-17"
    assert roof.outlet == "Valley Post" and roof.published == "2018-02-01" and "<p>" not in roof.text


def test_xml_that_is_a_feed_is_read(tmp_path: Path, settings: Settings) -> None:
    reads, _ = read_all([write(tmp_path / "export.xml", RSS)], settings)
    assert len(reads) == 2


def test_warc_html_responses(tmp_path: Path, settings: Settings) -> None:
    no_meta = f"<html><body><article>{''.join(f'<p>{p}</p>' for p in BRIDGE_PARAS)}</article></body></html>"
    data = make_warc(
        [
            ("https://www.gazette.example/bridge", BRIDGE_HTML.encode(), "text/html; charset=utf-8"),
            ("https://harbour.example/b", no_meta.encode("cp1252"), "text/html; charset=windows-1252"),
        ]
    )
    reads, rejects = read_all([write(tmp_path / "crawl.warc.gz", data)], settings)
    assert not rejects and len(reads) == 2  # the image response is skipped
    first, second = (r.article for r in reads)
    assert first.url == "https://www.gazette.example/bridge" and first.published == "2018-01-24"
    assert second.published == "2018-03-05"  # no date in the page: the crawl date
    assert second.outlet == "harbour.example" and second.source is not None and second.source.format == "warc"


# -- bad input ----------------------------------------------------------------------------------------
def test_empty_and_blank_files(tmp_path: Path, settings: Settings) -> None:
    reads, rejects = read_all([write(tmp_path / "empty.txt", ""), write(tmp_path / "blank.html", " \n\n ")], settings)
    assert not reads
    assert [str(r) for r in rejects] == [
        f"{tmp_path / 'empty.txt'}: empty file",
        f"{tmp_path / 'blank.html'}: empty file (only white space)",
    ]


@pytest.mark.parametrize("name", ["photo.txt", "photo.jpg", "archive.html"])
def test_binary_file_is_rejected(tmp_path: Path, settings: Settings, name: str) -> None:
    path = write(tmp_path / name, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4)
    reads, (reject,) = read_all([path], settings)
    assert not reads and reject.source == path and "binary file" in reject.reason


def test_file_above_max_bytes_is_refused_before_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = Settings.load(overrides={"ingest": {"max_bytes": 1000}})
    path = write(tmp_path / "big.html", BRIDGE_HTML * 3)
    reads, (reject,) = read_all([path], small)
    assert (
        not reads
        and "above the limit of 1,000" in reject.reason
        and f"{len((BRIDGE_HTML * 3).encode()):,} bytes" in reject.reason
    )


def test_fifty_megabyte_page_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as f:  # sparse: 50 MB on paper, nothing written
        f.truncate(50 * 1024 * 1024)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file above max_bytes must not be read")

    monkeypatch.setattr(Path, "read_bytes", fail)
    (reject,) = list(read_inputs([str(path)], settings))
    assert isinstance(reject, Rejected) and "52,428,800 bytes, above the limit" in reject.reason


def test_truncated_warc_keeps_records_before_the_damage(tmp_path: Path, settings: Settings) -> None:
    pages = [
        (f"https://gazette.example/{i}", BRIDGE_HTML.replace("Tuesday", f"day {i}").encode(), "text/html")
        for i in range(3)
    ]
    data = make_warc(pages)
    path = write(tmp_path / "cut.warc.gz", data[: len(data) - 200])
    reads, (reject,) = read_all([path], settings)
    assert len(reads) == 2
    assert reject.source == path and reject.reason.startswith("truncated or damaged WARC")


def test_invalid_json_on_line_7(tmp_path: Path, settings: Settings) -> None:
    lines = [json.dumps(record(i)) for i in range(1, 10)]
    lines[6] = '{"id": "rec-7", "text": "unterminated'
    reads, (reject,) = read_all([write(tmp_path / "bad.jsonl", "\n".join(lines))], settings)
    assert len(reads) == 8 and "rec-7" not in {r.article.id for r in reads}
    assert reject.line == 7 and reject.reason.startswith("invalid JSON")
    assert str(reject).startswith(f"{tmp_path / 'bad.jsonl'}:7: invalid JSON")


def test_record_without_text_names_its_line(tmp_path: Path, settings: Settings) -> None:
    lines = [json.dumps(record(1)), json.dumps({"id": "x", "title": "No body"}), "[1, 2]"]
    reads, rejects = read_all([write(tmp_path / "r.jsonl", "\n".join(lines))], settings)
    assert len(reads) == 1
    assert [(r.line, r.reason.split(" (")[0]) for r in rejects] == [
        (2, "record has no 'text' or 'html' string with content"),
        (3, "expected a JSON object, got list"),
    ]


def test_feed_with_no_entries(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "quiet.rss", EMPTY_RSS)
    (reject,) = list(read_inputs([path], settings))
    assert isinstance(reject, Rejected) and reject.reason == "feed has no entries" and reject.source == path


def test_xml_that_is_not_a_feed(tmp_path: Path, settings: Settings) -> None:
    (reject,) = list(read_inputs([write(tmp_path / "books.xml", b"<?xml version='1.0'?><catalog/>")], settings))
    assert isinstance(reject, Rejected) and "not an RSS/Atom feed" in reject.reason


def test_non_english_article_is_flagged_not_rejected(tmp_path: Path, settings: Settings) -> None:
    (read,), rejects = read_all([write(tmp_path / "puente.txt", SPANISH_TXT)], settings)
    assert not rejects
    assert read.article.language == "es" and read.article.flags == ["non_english"]
    assert detect_language("Bridge vote") is None  # too short to judge


def test_other_scripts_are_flagged_and_name_lists_are_not(tmp_path: Path, settings: Settings) -> None:
    russian = ("Новый мост\n\nГородской совет во вторник проголосовал за строительство нового моста через реку "
               "после двух лет споров.\n")
    (read,), _ = read_all([write(tmp_path / "most.txt", russian)], settings)
    assert read.article.language == "und" and read.article.flags == ["non_english"]
    names = "Alder Birchwood Cedar Dunmore Elmstead Fairhaven Glenrock Hollins Ivybridge Juniper Kestrel Larchmont"
    assert detect_language(names) is None  # no language to judge by: not flagged


def test_directory_walk_sorted_recursive_skipping_hidden(tmp_path: Path, settings: Settings) -> None:
    write(tmp_path / "b" / "two.txt", BRIDGE_TXT.replace("Tuesday", "Wednesday"))
    write(tmp_path / "a.html", BRIDGE_HTML)
    write(tmp_path / ".hidden" / "x.txt", BRIDGE_TXT)
    write(tmp_path / ".draft.txt", BRIDGE_TXT)
    write(tmp_path / "notes.md", "# notes")
    reads, rejects = read_all([str(tmp_path)], settings)
    assert [Path(r.path).name for r in reads] == ["a.html", "two.txt"] and not rejects


def test_directory_with_no_readable_files(tmp_path: Path, settings: Settings) -> None:
    write(tmp_path / "pics" / "logo.png", b"\x89PNG\r\n")
    write(tmp_path / "pics" / ".cache.txt", BRIDGE_TXT)
    (reject,) = list(read_inputs([str(tmp_path / "pics")], settings))
    assert isinstance(reject, Rejected) and reject.source == str(tmp_path / "pics")
    assert reject.reason.startswith("directory has no readable files")


def test_missing_path_and_the_rest_goes_on(tmp_path: Path, settings: Settings) -> None:
    good = write(tmp_path / "ok.txt", BRIDGE_TXT)
    reads, (reject,) = read_all([str(tmp_path / "nope.txt"), good], settings)
    assert len(reads) == 1 and str(reject) == f"{tmp_path / 'nope.txt'}: no such file or directory"


# -- encodings ----------------------------------------------------------------------------------------
def test_mojibake_is_repaired(tmp_path: Path, settings: Settings) -> None:
    text = BRIDGE_TXT.replace("Mayor Ana Ruiz", "Mayor Ana Ruiz of the CafÃ© district")
    (read,), _ = read_all([write(tmp_path / "m.txt", text)], settings)
    assert "Café district" in read.article.text and "Ã" not in read.article.text


def test_cp1252_file_is_decoded(tmp_path: Path, settings: Settings) -> None:
    text = BRIDGE_TXT.replace("Mayor Ana Ruiz said", "Mayor Ana Ruíz said “we will build it”, and")
    (read,), _ = read_all([write(tmp_path / "w.txt", text.encode("cp1252"))], settings)
    assert "Mayor Ana Ruíz said “we will build it”, and" in read.article.text


def test_latin1_html_with_declared_charset(tmp_path: Path, settings: Settings) -> None:
    page = BRIDGE_HTML.replace("<head>", '<head><meta charset="iso-8859-1">').replace("Ana Ruiz", "Ana Ruíz")
    (read,), _ = read_all([write(tmp_path / "l.html", page.encode("latin-1"))], settings)
    assert "Ana Ruíz" in read.article.text


def test_utf16_with_bom(tmp_path: Path, settings: Settings) -> None:
    (read,), _ = read_all([write(tmp_path / "u.txt", BRIDGE_TXT.encode("utf-16"))], settings)
    assert read.article.title == "Council approves new river bridge"


def test_cyrillic_lookalike_letters_are_repaired(tmp_path: Path, settings: Settings) -> None:
    disguised = BRIDGE_TXT.replace("voted", "vоtеd").replace("the bridge", "thе bridgе")  # Cyrillic о and е
    (read,), _ = read_all([write(tmp_path / "d.txt", disguised)], settings)
    assert "voted seven to two" in read.article.text and "the bridge should" in read.article.text


def test_gzip_of_plain_text_is_not_taken_for_a_warc(tmp_path: Path, settings: Settings) -> None:
    (reject,) = list(read_inputs([write(tmp_path / "notes.gz", gzip.compress(BRIDGE_TXT.encode()))], settings))
    assert isinstance(reject, Rejected) and "binary file" in reject.reason


def test_broken_json_array_names_the_line(tmp_path: Path, settings: Settings) -> None:
    text = json.dumps([record(1), record(2)], indent=2).replace('"rec-2",', '"rec-2"', 1)
    line = text.split("\n").index('    "id": "rec-2"') + 2  # the parser stops at the next key
    (reject,) = list(read_inputs([write(tmp_path / "arr.json", text)], settings))
    assert isinstance(reject, Rejected) and reject.line == line and reject.reason.startswith("invalid JSON")


def test_json_lines_in_a_json_file(tmp_path: Path, settings: Settings) -> None:
    lines = [json.dumps(record(1)), "{broken", json.dumps(record(3))]
    reads, (reject,) = read_all([write(tmp_path / "lines.json", "\n".join(lines))], settings)
    assert [r.article.id for r in reads] == ["rec-1", "rec-3"] and reject.line == 2


def test_reingesting_into_the_store_adds_nothing(tmp_path: Path, settings: Settings, store: Store) -> None:
    write(tmp_path / "in" / "bridge.txt", BRIDGE_TXT)
    write(tmp_path / "in" / "more.jsonl", "\n".join(json.dumps(record(i)) for i in range(3)))
    first = ingest_paths([str(tmp_path / "in")], store, settings)
    again = ingest_paths([str(tmp_path / "in")], store, settings)
    assert len(first.new) == 4 and not first.rejected
    assert again.new == [] and sorted(again.existing) == sorted(first.new)
    assert store.count_articles() == 4
    raw = store.raw("rec-1")
    assert raw is not None and raw[1] == "jsonl"


def test_json_lines_in_other_encodings_and_blank(tmp_path: Path, settings: Settings) -> None:
    row = json.dumps({"id": "w1", "text": "Mayor Ana Ruíz said “we will build it” on Tuesday."}, ensure_ascii=False)
    blank = write(tmp_path / "blank.jsonl", "\n  \n\n")
    utf16 = write(tmp_path / "u16.jsonl", (row + "\n").encode("utf-16"))
    cp = write(tmp_path / "cp.jsonl", (row + "\n").encode("cp1252"))
    reads, (reject,) = read_all([blank, utf16, cp], settings)
    assert str(reject) == f"{blank}: empty file (only white space)"
    assert [r.article.text for r in reads] == ["Mayor Ana Ruíz said “we will build it” on Tuesday."] * 2
