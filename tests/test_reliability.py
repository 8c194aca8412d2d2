"""Reliability: each failure of issue #18 as a new user met it, with small hand-made hostile inputs.

Hostile dates, interrupted runs, decompression bombs and oversized JSON, two writers at once, foreign store files,
bad character references, silent loss. Each test says what the user sees now.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import random
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import pipeline
from storyline.cli import main
from storyline.config import Settings
from storyline.errors import StoreError
from storyline.ingest import Read, read_inputs
from storyline.ingest.html import html_fragment_text
from storyline.model import Rejected, Span
from storyline.store import Store

BODY = (
    "The county water board voted on Monday to raise rates by {n} percent next year, saying the aging pipes under "
    "the old town centre need urgent repair. Board chair Lena Ortiz said the increase was the smallest that would "
    "keep the system safe, and residents will be able to comment at a hearing next month."
)
PARAS = [
    "The harbour authority closed the north pier on Friday after divers found deep cracks in two of its supports.",
    "Port director Sam Okafor said repairs would take at least six weeks and cost about two million dollars.",
    "Fishing crews that use the pier were told to move their boats to the south basin until the work is done.",
]
PAGE = "<html><head><title>North pier closed</title></head><body><article>{extra}{body}</article></body></html>"


def record(i: int, **extra: object) -> str:
    """One JSON line: a water-rates article (all of them one story), numbered i."""
    return json.dumps({"id": f"w{i}", "title": f"Water rates to rise {i + 3} percent", "text": BODY.format(n=i + 3),
                       **extra})


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


def read_all(paths: list[str], settings: Settings) -> tuple[list[Read], list[Rejected]]:
    items = list(read_inputs(paths, settings))
    return [i for i in items if isinstance(i, Read)], [i for i in items if isinstance(i, Rejected)]


def run(*argv: str) -> int:
    return main(list(argv))


# -- dates and per-article isolation -----------------------------------------------------------------
def test_out_of_range_dates_are_refused_and_the_run_analyses_everything(tmp_path: Path, settings: Settings) -> None:
    lines = [record(0, published="0001-01-01"), record(1, published="9999-12-31"), record(2, published="2024-03-04")]
    path = write(tmp_path / "dates.jsonl", "\n".join(lines) + "\n")
    with Store(":memory:") as store:
        report = pipeline.ingest_paths([path], store, settings)
        ctx = pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))
        arts = {a.id: a for a in store.iter_articles()}
        assert [arts[i].published for i in ("w0", "w1", "w2")] == [None, None, "2024-03-04"]
        assert all(a.story for a in arts.values()) and not ctx.rejected
        (story,) = store.iter_stories()
        assert story.summary


def test_rss_pubdate_in_year_9999_is_not_trusted(tmp_path: Path, settings: Settings) -> None:
    rss = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Gazette</title><item><title>Pier closed</title>"
        f"<pubDate>Fri, 31 Dec 9999 10:00:00 GMT</pubDate><description>{' '.join(PARAS)}</description></item>"
        "</channel></rss>"
    )
    (read,), rejects = read_all([write(tmp_path / "f.rss", rss)], settings)
    assert not rejects and read.article.published is None


def test_one_failing_article_is_rejected_by_name_and_the_run_goes_on(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline import extract

    real = extract.extract_article

    def fragile(art, *args, **kwargs):  # type: ignore[no-untyped-def]
        if art.id == "w1":
            raise OverflowError("date value out of range")
        return real(art, *args, **kwargs)

    monkeypatch.setattr(extract, "extract_article", fragile)
    path = write(tmp_path / "in.jsonl", "\n".join(record(i) for i in range(3)) + "\n")
    with Store(":memory:") as store:
        report = pipeline.ingest_paths([path], store, settings)
        ctx = pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))
        assert [(r.source, r.stage) for r in ctx.rejected] == [("w1", "extract")]
        assert "OverflowError: date value out of range" in ctx.rejected[0].reason
        assert [(r.source, r.stage) for r in store.rejected()] == [("w1", "extract")]
        (story,) = store.iter_stories()
        assert story.summary and {"w0", "w2"} <= set(story.articles)


def test_an_article_with_no_story_is_not_rejected_for_another_storys_failure(
    tmp_path: Path, settings: Settings
) -> None:
    from storyline.context import Stage

    path = write(tmp_path / "in.jsonl", "\n".join(record(i) for i in range(3)) + "\n")
    with Store(":memory:") as store:
        report = pipeline.ingest_paths([path], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new))
        (story,) = store.iter_stories()
        lone = json.dumps({"id": "x1", "title": "Pier closed", "text": "\n\n".join(PARAS)})
        pipeline.ingest_paths([write(tmp_path / "x.jsonl", lone + "\n")], store, settings)
        seen: list[str] = []

        def per_story(ctx: pipeline.RunContext) -> None:  # the house habit: the touched stories, all when none
            for s in ctx.store.iter_stories() if not ctx.touched_stories else store.get_stories(
                    ctx.touched_stories).values():
                if "w1" in s.articles:
                    raise ValueError(f"story {s.id} is broken")
                seen.append(s.id)

        # x1 is new and has no story yet; w1's story was touched by this run and fails
        ctx = pipeline.RunContext(store, settings, new_ids=["x1", "w1"], touched_stories={story.id})
        pipeline.analyse(ctx, stages=(Stage("probe", per_story, "stories", "nothing"),), resume=False)
        assert [(r.source, r.stage) for r in ctx.rejected] == [("w1", "probe")]
        assert ctx.new_ids == ["x1"] and "x1" not in store.rejected_ids()


# -- resumable analysis ------------------------------------------------------------------------------
def test_an_interrupted_analysis_is_finished_by_the_same_command_again(tmp_path: Path) -> None:
    inputs = write(tmp_path / "in.jsonl", "\n".join(record(i) for i in range(3)) + "\n")
    db = str(tmp_path / "s.db")
    with Store(db) as store:  # the ingest committed, then the process died before the analysis
        pipeline.ingest_paths([inputs], store, Settings.load())
    assert run("--db", db, "-q", "ingest", inputs) == 0  # "already stored 3": the analysis still runs
    with Store(db) as store:
        (story,) = store.iter_stories()
        assert len(story.articles) == 3 and story.summary
        assert not store.unfinished_ids()


def test_resume_command_and_an_interrupted_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = write(tmp_path / "in.jsonl", "\n".join(record(i) for i in range(3)) + "\n")
    db = str(tmp_path / "s.db")
    settings = Settings.load()

    def stop_at_brief(name: str) -> None:
        if name == "brief":
            raise KeyboardInterrupt

    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        report = pipeline.ingest_paths([inputs], store, settings)
        pipeline.analyse(pipeline.RunContext(store, settings, new_ids=report.new), on_stage=stop_at_brief)
    with Store(db) as store:
        assert sorted(store.unfinished_ids()) == ["w0", "w1", "w2"]
        (story,) = store.iter_stories()
        assert not story.summary
    assert run("--db", db, "resume") == 0
    assert "finished the analysis of 3 articles" in capsys.readouterr().out
    with Store(db) as store:
        (story,) = store.iter_stories()
        assert story.summary and not store.unfinished_ids()
    assert run("--db", db, "resume") == 0
    assert "nothing to resume" in capsys.readouterr().out


def test_recluster_parses_what_lacks_a_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = write(tmp_path / "in.jsonl", "\n".join(record(i) for i in range(3)) + "\n")
    db = str(tmp_path / "s.db")
    with Store(db) as store:
        pipeline.ingest_paths([inputs], store, Settings.load())
    assert run("--db", db, "recluster") == 0
    assert "reclustered 3 articles into 1 stories" in capsys.readouterr().out


# -- limits ------------------------------------------------------------------------------------------
def test_a_gzip_bomb_named_warc_is_refused_while_streaming(tmp_path: Path) -> None:
    bomb = gzip.compress(bytes(5_000_000))  # 5 MB of zeros in ~5 KB
    small = Settings.load(overrides={"ingest": {"max_decompressed_bytes": 1_000_000}})
    reads, (reject,) = read_all([write(tmp_path / "bomb.warc.gz", bomb)], small)
    assert not reads and reject.source.endswith("bomb.warc.gz")
    assert "1,000,000" in reject.reason and "ingest.max_decompressed_bytes" in reject.reason


def test_a_warc_record_inflating_past_the_record_limit_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    noise = base64.b64encode(random.Random(0).randbytes(2_300_000))  # does not compress: no bomb, only big
    body = PAGE.format(extra="", body="".join(f"<p>{p}</p>" for p in PARAS)).encode() + b"<!--" + noise + b"-->"
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://pier.example/a", "response", payload=io.BytesIO(body),
                                                  length=len(body), http_headers=headers))
    small = Settings.load(overrides={"ingest": {"max_bytes": 1_000_000}})
    reads, (reject,) = read_all([write(tmp_path / "big.warc.gz", buf.getvalue())], small)
    assert not reads and "above the limit of 1,000,000 bytes" in reject.reason and "ingest.max_bytes" in reject.reason


def test_json_file_and_json_line_limits(tmp_path: Path) -> None:
    small = Settings.load(overrides={"ingest": {"max_json_bytes": 2_000, "max_line_bytes": 2_000}})
    doc = write(tmp_path / "big.json", "[" + ",".join(record(i) for i in range(8)) + "]")
    lines = write(tmp_path / "lines.jsonl", record(0) + "\n" + record(1, note="x" * 5_000) + "\n" + record(2) + "\n")
    reads, rejects = read_all([doc, lines], small)
    assert [r.article.id for r in reads] == ["w0", "w2"]
    assert [(Path(r.source).name, r.line) for r in rejects] == [("big.json", None), ("lines.jsonl", 2)]
    assert "ingest.max_json_bytes" in rejects[0].reason and "ingest.max_line_bytes" in rejects[1].reason


def test_deeply_nested_records_are_refused_one_by_one(tmp_path: Path, settings: Settings) -> None:
    deep = '{"id": "d", "text": "x", "meta": ' + "[" * 5000 + "]" * 5000 + "}"
    meta: object = 1
    for _ in range(24):
        meta = [meta]
    nested = json.dumps({"id": "n", "text": BODY.format(n=1), "meta": meta})
    path = write(tmp_path / "deep.jsonl", "\n".join([deep, nested, record(0)]) + "\n")
    reads, rejects = read_all([path], settings)
    assert [r.article.id for r in reads] == ["w0"]
    assert [r.line for r in rejects] == [1, 2] and all("ingest.max_json_depth" in r.reason for r in rejects)


def test_an_extraction_past_the_time_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.ingest import html

    def slow(*args: object, **kwargs: object) -> None:
        time.sleep(5)

    monkeypatch.setattr(html, "_extract", slow)
    quick = Settings.load(overrides={"ingest": {"extract_seconds": 1}})
    started = time.monotonic()
    reads, (reject,) = read_all([write(tmp_path / "slow.html", PAGE.format(extra="", body="<p>x</p>"))], quick)
    assert time.monotonic() - started < 4
    assert not reads and "ingest.extract_seconds" in reject.reason


def test_the_extraction_time_limit_holds_in_a_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web app's POST /api/articles and the follower read pages from threads, where SIGALRM cannot reach."""
    from storyline.ingest import html

    def spin(*args: object, **kwargs: object) -> None:  # a parser lost in a pathological page
        while True:
            pass

    monkeypatch.setattr(html, "_extract", spin)
    quick = Settings.load(overrides={"ingest": {"extract_seconds": 0.5}})
    page = write(tmp_path / "slow.html", PAGE.format(extra="", body="<p>x</p>"))
    got: list[tuple[list[Read], list[Rejected]]] = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: got.append(read_all([page], quick)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive() and time.monotonic() - started < 5
    ((reads, (reject,)),) = got
    assert not reads and "took longer than 0.5 s (ingest.extract_seconds)" in reject.reason


def test_a_followed_page_is_held_to_the_extraction_time_limit_in_its_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The follower hands fetched pages to pipeline.ingest_pages from its threads: the limit holds there too."""
    from storyline.ingest import html

    def spin(*args: object, **kwargs: object) -> None:
        while True:
            pass

    monkeypatch.setattr(html, "_extract", spin)
    quick = Settings.load(overrides={"ingest": {"extract_seconds": 0.5}})
    page = pipeline.Page(PAGE.format(extra="", body="<p>x</p>").encode(), "https://gazette.example/pier")
    got: list[pipeline.IngestReport] = []

    def follow() -> None:
        with Store(":memory:") as store:
            got.append(pipeline.ingest_pages([page], store, quick))

    worker = threading.Thread(target=follow, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    ((reject,),) = [r.rejected for r in got]
    assert reject.source == "https://gazette.example/pier" and "ingest.extract_seconds" in reject.reason


def test_a_thread_within_the_time_limit_is_never_interrupted_later() -> None:
    from storyline.ingest.limits import time_limit

    outcome: list[str] = []

    def work() -> None:
        try:
            for _ in range(20):
                with time_limit(0.05, "page.html"):
                    sum(range(1000))
            time.sleep(0.3)  # past every limit armed above: a late alarm would land here
            outcome.append("finished")
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            outcome.append(repr(exc))

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=10)
    assert outcome == ["finished"]


# -- concurrent writers --------------------------------------------------------------------------------
def test_two_concurrent_ingests_into_one_store_both_finish(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "s.db"
    Store(db).close()
    files = [write(tmp_path / f"in{k}.jsonl", "\n".join(record(1000 * k + i) for i in range(150)) + "\n")
             for k in range(2)]
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def ingest(k: int) -> None:
        try:
            with Store(db) as store:
                results[k] = len(pipeline.ingest_paths([files[k]], store, settings).new)
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=ingest, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == {0: 150, 1: 150}
    with Store(db) as store:
        assert store.count_articles() == 300


def test_a_busy_store_says_so(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        with Store(db, busy_timeout=0.3) as store, pytest.raises(StoreError, match="busy"):
            store.add_rejected([Rejected("x.txt", "ingest", "test")])
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _two_story_store(db: Path) -> None:
    from storyline.model import Article, Paragraph, Story

    arts = [Article(id=f"p{k}", title=t, outlet=f"Paper {k}", published=f"2024-03-0{k + 1}",
                    paragraphs=[Paragraph(PARAS[k])], story=f"s-{k}")
            for k, t in enumerate(["North pier closed", "Pier repairs to cost two million"])]
    with Store(db) as store:
        store.add_articles(arts)
        store.put_stories([Story(id=f"s-{k}", title=a.title, articles=[a.id], first_date=a.published,
                                 last_date=a.published, outlets=[a.outlet or ""]) for k, a in enumerate(arts)])


def _merge_the_two_stories(db: Path) -> None:
    """What a stream run commits when a new report joins two stories: one story keeps both articles."""
    from storyline.model import Story

    with Store(db, busy_timeout=0.5) as store, store.transaction():
        arts = list(store.iter_articles(["p0", "p1"]))
        for a in arts:
            a.story = "s-0"
        store.update_articles(arts)
        store.delete_stories(["s-1"])
        store.put_stories([Story(id="s-0", title="North pier closed", articles=["p0", "p1"], first_date="2024-03-01",
                                 last_date="2024-03-02", outlets=["Paper 0", "Paper 1"])])


def test_a_web_page_reads_one_commit_and_never_blocks_the_writer(tmp_path: Path) -> None:
    """An ingest commits between two of a page's queries: the page shows the store before it (whole), the
    writer does not wait for the reader, and the next page shows the store after it (whole)."""
    from fastapi.testclient import TestClient

    from storyline.web import create_app

    db = tmp_path / "s.db"
    _two_story_store(db)
    app = create_app(db)
    reader = app.state.web.store
    first_query = reader.find_stories
    writes: list[float] = []

    def find_then_a_writer_commits(*args: object, **kwargs: object) -> object:
        found = first_query(*args, **kwargs)
        started = time.monotonic()
        _merge_the_two_stories(db)  # another connection, as an ingest in another process
        writes.append(time.monotonic() - started)
        return found

    reader.find_stories = find_then_a_writer_commits
    with TestClient(app) as client:
        during = client.get("/")
        reader.find_stories = first_query
        after = client.get("/")
    assert during.status_code == 200 and writes and writes[0] < 0.5  # the writer never waited for the reader
    assert "2 stories" in during.text and during.text.count('class="card"') == 2, "the page mixed two commits"
    assert "Pier repairs to cost two million" in during.text
    assert "1 story" in after.text and after.text.count('class="card"') == 1
    assert "2 articles from 2 independent sources" in after.text


# -- store integrity -----------------------------------------------------------------------------------
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("schema", ["CREATE TABLE notes (body TEXT)", "CREATE TABLE articles (id TEXT PRIMARY KEY)"])
def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path, schema: str) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute(schema)
    db.commit()
    db.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not a storyline store"):
        Store(path)
    assert run("--db", str(path), "stories") == 1
    assert _digest(path) == before
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete" and "_migrations" not in tables
    db.close()


def test_a_corrupt_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)
    before = _digest(path)
    with pytest.raises(StoreError):
        Store(path)
    assert _digest(path) == before


def test_check_reports_a_store_that_breaks_its_invariants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = write(tmp_path / "in.jsonl", "\n".join(record(i) for i in range(3)) + "\n")
    db = str(tmp_path / "s.db")
    assert run("--db", db, "-q", "ingest", inputs) == 0
    assert run("--db", db, "check") == 0
    assert "ok" in capsys.readouterr().out
    with Store(db) as store:
        (story,) = store.iter_stories()
        story.articles.append("ghost")
        story.summary[0].span = Span(0, 10**6)
        store.put_stories([story])
    assert run("--db", db, "check") == 1
    printed = capsys.readouterr().out
    assert "member ghost is not stored" in printed and "outside article" in printed


def test_backup_is_a_consistent_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = write(tmp_path / "in.jsonl", "\n".join(record(i) for i in range(3)) + "\n")
    db, copy = str(tmp_path / "s.db"), tmp_path / "copy.db"
    assert run("--db", db, "-q", "ingest", inputs) == 0
    with Store(db):  # open elsewhere while the copy is made
        assert run("--db", db, "backup", str(copy)) == 0
    with Store(copy) as store:
        assert store.count_articles() == 3 and len(list(store.iter_stories())) == 1 and not store.check()
    assert run("--db", db, "backup", str(copy)) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err


# -- bad characters, odd records, silent loss ------------------------------------------------------------
@pytest.mark.parametrize("ref", ["&#xD800;", "&#x110000;", "&#55296;"])
def test_a_bad_character_reference_loses_only_itself(tmp_path: Path, settings: Settings, ref: str) -> None:
    items = "".join(
        f"<item><title>Pier item {i}</title><description>{PARAS[i]}{ref if i == 1 else ''}</description></item>"
        for i in range(3)
    )
    rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Gazette</title>{items}</channel></rss>"
    reads, rejects = read_all([write(tmp_path / "f.rss", rss)], settings)
    assert not rejects and [r.article.title for r in reads] == ["Pier item 0", "Pier item 1", "Pier item 2"]


@pytest.mark.parametrize("fragment", ["<p>a\x00b</p>", "<p>x</p>\x0b<p>y</p>", "<?xml ?><p>z</p>", "<p>&#xD800;</p>"])
def test_the_fragment_reader_never_raises(fragment: str) -> None:
    assert isinstance(html_fragment_text(fragment), str)


@pytest.mark.parametrize(("field", "value"), [("url", 123), ("title", ["a"]), ("published", {"y": 1}), ("id", 1.5)])
def test_a_record_field_of_the_wrong_type_is_named(
    tmp_path: Path, settings: Settings, field: str, value: object
) -> None:
    rec = json.loads(record(0))
    rec[field] = value
    reads, (reject,) = read_all([write(tmp_path / "r.jsonl", json.dumps(rec) + "\n" + record(1) + "\n")], settings)
    assert [r.article.id for r in reads] == ["w1"] and reject.line == 1
    assert f"'{field}' must be a string" in reject.reason


def test_same_id_with_different_text_is_reported(tmp_path: Path, settings: Settings) -> None:
    other = json.dumps({"id": "w0", "title": "Pier closed", "text": " ".join(PARAS)})
    path = write(tmp_path / "dup.jsonl", "\n".join([record(0), other, record(0)]) + "\n")
    with Store(":memory:") as store:
        report = pipeline.ingest_paths([path], store, settings)
    assert report.new == ["w0"] and report.existing == ["w0"]
    (reject,) = report.rejected
    assert reject.line == 2 and "id 'w0' is already stored with different text" in reject.reason


def test_nul_bytes_after_the_first_4_kb_never_reach_the_store(tmp_path: Path, settings: Settings) -> None:
    text = "Pier closed\n\n" + "\n\n".join(PARAS * 20) + "\n\nThe end\x00 of it.\n"
    assert text.index("\x00") > 4096
    path = write(tmp_path / "nul.txt", text)
    jsonl = write(tmp_path / "nul.jsonl", json.dumps({"id": "j", "title": "T\x00", "text": "Body\u0000 text."}) + "\n")
    with Store(":memory:") as store:
        report = pipeline.ingest_paths([path, jsonl], store, settings)
        assert len(report.new) == 2
        stored = list(store.iter_articles())
        assert all("\x00" not in a.title + a.text for a in stored)
        assert all("\x00" not in (store.raw(a.id) or ("", "", ""))[2] for a in stored)


def test_a_huge_attribute_does_not_hide_the_text(tmp_path: Path, settings: Settings) -> None:
    extra = '<img alt="x" src="data:image/png;base64,' + "A" * 11_000_000 + '">'
    page = PAGE.format(extra=extra, body="".join(f"<p>{p}</p>" for p in PARAS))
    (read,), rejects = read_all([write(tmp_path / "big.html", page)], settings)
    assert not rejects and read.article.paragraphs[0].text.startswith("The harbour authority closed")
