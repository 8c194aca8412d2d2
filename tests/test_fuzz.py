"""Fuzzing (hypothesis) over every reader, the cleaner and the date resolvers.

The only outcomes allowed are an Article (or a reader's item), a recorded Rejected with a message, or the
project's own error (StorylineError). ``make test`` runs a few examples each (profile "fast"); ``make
test-slow`` runs many (HYPOTHESIS_PROFILE=slow) and prints how many ran (--hypothesis-show-statistics).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.clean import clean_article
from storyline.config import Settings
from storyline.errors import StorylineError
from storyline.extract.dates import resolve_date
from storyline.ingest import Read, read_inputs
from storyline.ingest.article import EARLIEST_YEAR, iso_date
from storyline.ingest.feed import read_feed
from storyline.ingest.html import article_from_html, html_fragment_text
from storyline.ingest.jsonl import article_from_record, iter_records
from storyline.ingest.warc import read_warc
from storyline.model import Article, Paragraph, Rejected

settings.register_profile("fast", max_examples=15, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("slow", max_examples=1500, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

SETTINGS = Settings.load(overrides={"ingest": {"extract_seconds": 5}})
# Pieces of the formats' syntax, hostile ones among them: the fuzzer joins them with random text, so it
# reaches the parsers' interesting paths far more often than random bytes alone.
TOKENS = [
    "<html>", "<body>", "<p>", "</p>", "<article>", "<div class='x'>", "<script>", "</script>", "<br>", "<!--",
    "-->", "<?xml version='1.0'?>", "<rss version='2.0'>", "<channel>", "<item>", "</item>", "<title>", "</title>",
    "<description>", "</description>", "<pubDate>", "Fri, 31 Dec 9999 10:00:00 GMT", "<feed xmlns='http://www.w3.org/2005/Atom'>",
    "<entry>", "&#xD800;", "&#x110000;", "&#0;", "&amp;", "&", "<![CDATA[", "]]>", "\x00", "\ufeff", "\ud800",
    '{"id": ', '"text": ', '"html": ', '"url": ', '"published": ', '"0001-01-01"', "[", "]", "{", "}", ",", "null",
    "WARC/1.0\r\n", "Content-Length: 10\r\n", "\r\n\r\n", "The council voted on Tuesday to fund the bridge. ",
    "Mayor Ana Ruiz said work starts in May. ", "\n\n", "\n", " date 2017-06-16 ",
]
hostile_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=40)), max_size=40).map("".join)
hostile_bytes = st.one_of(
    st.binary(max_size=2000),
    hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    hostile_text.map(lambda t: gzip.compress(t.encode("utf-8", "surrogatepass"))),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
records = st.fixed_dictionaries(
    {},
    optional={key: json_values for key in ("id", "url", "title", "text", "html", "published", "outlet", "byline")},
)
EXTENSIONS = [".txt", ".html", ".json", ".jsonl", ".rss", ".xml", ".warc", ".warc.gz", ""]


def allowed(call: Callable[[], object]) -> list[object]:
    """The items of a reader call; the call may raise only the project's own errors."""
    try:
        result = call()
        if isinstance(result, Iterable) and not isinstance(result, (str, tuple)):
            return list(result)
        return [result]
    except StorylineError:
        return []


@given(data=hostile_bytes, ext=st.sampled_from(EXTENSIONS))
def test_read_inputs_yields_only_reads_and_rejections(data: bytes, ext: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{ext}"
        path.write_bytes(data)
        items = list(read_inputs([str(path)], SETTINGS))  # never raises
    assert items and all(isinstance(i, (Read, Rejected)) for i in items)
    assert all(i.reason for i in items if isinstance(i, Rejected))
    assert all("\x00" not in i.article.text for i in items if isinstance(i, Read))


@given(data=hostile_bytes)
def test_feed_reader(data: bytes) -> None:
    for item in allowed(lambda: read_feed(data, "f.rss")):
        assert isinstance(item, Rejected) or isinstance(item[1], Article)  # type: ignore[index]


@given(data=hostile_bytes)
def test_warc_reader(data: bytes) -> None:
    items = list(read_warc(io.BytesIO(data), "w.warc", SETTINGS.ingest.max_bytes, SETTINGS.ingest))
    assert all(isinstance(i, Rejected) or isinstance(i[1], Article) for i in items)


@given(text=hostile_text)
def test_html_readers(text: str) -> None:
    assert isinstance(html_fragment_text(text), str)
    for art in allowed(lambda: article_from_html(text, path="p.html", seconds=5)):
        assert isinstance(art, Article)


@given(rec=records)
def test_json_records(rec: dict[str, object]) -> None:
    line = json.dumps(rec)
    for item in iter_records([line, json.dumps(rec)[:-1]], "r.jsonl", max_depth=SETTINGS.ingest.max_json_depth):
        if isinstance(item, Rejected):
            assert item.reason
            continue
        for art in allowed(lambda: article_from_record(item[1], "r.jsonl", item[0], 10_000, 5)):  # noqa: B023
            assert isinstance(art, Article)


@given(paras=st.lists(hostile_text, min_size=1, max_size=8), title=hostile_text)
def test_cleaner(paras: list[str], title: str) -> None:
    art = Article(id="a", title=title, paragraphs=[Paragraph(p) for p in paras])
    assert isinstance(clean_article(art, SETTINGS), Article)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=st.one_of(hostile_text, st.sampled_from(["0001-01-01", "9999-12-31", "31 Dec 9999", "May 2017"])),
       published=st.dates(min_value=dt.date(EARLIEST_YEAR, 1, 1), max_value=dt.date.today()),
       future=st.booleans())
def test_date_resolvers(text: str, published: dt.date, future: bool) -> None:
    found = iso_date(text)
    assert found is None or dt.date.fromisoformat(found).year >= EARLIEST_YEAR
    value, _ = resolve_date(text, published, future)  # any date ingest lets through as a publication date
    assert value is None or isinstance(value, str)
