"""The web app through FastAPI's test client: pages, JSON API, filters, search, errors, escaping, POST ingest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.errors import StoreError
from storyline.model import Article, Citation, Entity, Paragraph, Quote, Span, Story, Storyline, TimelineEntry
from storyline.store import Store
from storyline.web import create_app

LEVY_A = Article(
    id="levy-a", outlet="Harbor Courier", published="2025-09-10", url="https://harbor.example/levy",
    title="Council approves transit levy",
    paragraphs=[
        Paragraph("The city council approved a quarter-cent transit levy on Tuesday by a vote of 7 to 4."),
        Paragraph("Subscribe to our newsletter for more local news.", flags=["boilerplate"]),
        Paragraph("Mayor Rosa Kettering said the levy would pay for new bus routes."),
    ],
)  # fmt: skip
LEVY_B = Article(
    id="levy-b", outlet="Lakeport Ledger", published="2025-09-12", url="https://ledger.example/levy",
    title="Transit levy passes after long hearing",
    paragraphs=[Paragraph("After a five-hour hearing, the council passed the transit levy 7 to 4.")],
)  # fmt: skip
LEVY_COPY = Article(
    id="levy-c", outlet="Metro Wire", published="2025-09-11", duplicate_of="levy-a", title=LEVY_A.title,
    paragraphs=[Paragraph(p.text) for p in LEVY_A.paragraphs], flags=["syndicated"],
)  # fmt: skip
FERRY = Article(
    id="ferry-a", outlet="Coast Courier", published="2024-09-02", url="https://coast.example/ferry",
    title="Ferry runs aground off Pellham",
    paragraphs=[Paragraph("The ferry Marisol ran aground off Pellham island on Sunday with 212 people on board.")],
)  # fmt: skip
EVIL = Article(
    id="evil", outlet="<b>Evil</b> Times", published="2024-09-03", url="javascript:alert(1)",
    title="<script>alert('x')</script> Ferry <img src=x onerror=alert(1)>",
    paragraphs=[Paragraph("Passengers said <script>alert(2)</script> the ferry Marisol hit rocks off Pellham.")],
)  # fmt: skip
KETTERING = Entity("person:rosa-kettering", "Rosa Kettering", "PERSON", ["Rosa Kettering", "Kettering"], ["Mayor"], 2,
                   ["levy-a"])  # fmt: skip


def _stories() -> tuple[list[Story], list[Storyline]]:
    first = LEVY_A.text.index("The city council")
    sentence = Span(first, first + len(LEVY_A.paragraphs[0].text))
    quote_at = LEVY_A.text.index("the levy would pay")
    levy = Story(
        id="s-levy", title="Council approves transit levy", articles=["levy-a", "levy-c", "levy-b"],
        first_date="2025-09-10", last_date="2025-09-12", outlets=["Harbor Courier", "Metro Wire", "Lakeport Ledger"],
        storyline="sl-transit",
        summary=[Citation(LEVY_A.paragraphs[0].text, ["levy-a", "levy-b"], "levy-a", sentence, "2025-09-09",
                          reported_by=["levy-a", "levy-c", "levy-b"])],
        timeline=[TimelineEntry("2025-09-09", LEVY_A.paragraphs[0].text, ["levy-a", "levy-b"], "day", "levy-a",
                                sentence)],
        entities=[KETTERING],
        quotes=[Quote("levy-a", Span(quote_at, quote_at + 39), "the levy would pay for new bus routes", "reported",
                      "person:rosa-kettering", "Rosa Kettering", "said")],
    )  # fmt: skip
    ferry = Story(id="s-ferry", title="Ferry Marisol runs aground", articles=["ferry-a", "evil"],
                  first_date="2024-09-02", last_date="2024-09-03", outlets=["Coast Courier", "<b>Evil</b> Times"],
                  summary=[Citation(FERRY.paragraphs[0].text, ["ferry-a"], "ferry-a", Span(0, 20))])  # fmt: skip
    line = Storyline(id="sl-transit", title="Lakeport transit levy", stories=["s-levy"], first_date="2025-09-10",
                     last_date="2025-09-12", timeline=levy.timeline)  # fmt: skip
    return [levy, ferry], [line]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store file with two stories (one in a storyline), a copy, a removed paragraph and an XSS article."""
    path = tmp_path / "web.db"
    stories, lines = _stories()
    with Store(path) as store:
        arts = [Article.from_dict(a.to_dict()) for a in (LEVY_A, LEVY_COPY, LEVY_B, FERRY, EVIL)]
        for a in arts:
            a.story = "s-ferry" if a.id in ("ferry-a", "evil") else "s-levy"
        store.add_articles(arts)
        store.put_stories(stories, lines)
    return path


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, token="s3cret")) as c:
        yield c


def test_stories_page_lists_newest_first_with_sizes_and_sources(client: TestClient) -> None:
    html = client.get("/").text
    assert html.index("Council approves transit levy") < html.index("Ferry Marisol runs aground")
    assert "3 articles from 2 independent sources" in html  # the copy is not an independent source
    assert "Rosa Kettering" in html and "<svg class=\"spark\"" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=levy", "transit levy", "Ferry Marisol"),
        ("q=pellham", "Ferry Marisol", "transit levy"),
        ("entity=person:rosa-kettering", "transit levy", "Ferry Marisol"),
        ("outlet=Coast+Courier", "Ferry Marisol", "transit levy"),
        ("storyline=sl-transit", "transit levy", "Ferry Marisol"),
        ("from=2025-01-01", "transit levy", "Ferry Marisol"),
        ("to=2024-12-31", "Ferry Marisol", "transit levy"),
    ],
)
def test_stories_page_filters(client: TestClient, query: str, shown: str, hidden: str) -> None:
    html = client.get(f"/?{query}").text
    cards = html[html.index('class="cards"'):] if 'class="cards"' in html else ""
    assert shown in cards and hidden not in cards


def test_sort_by_size_and_pagination_keep_the_filters(client: TestClient, db: Path) -> None:
    html = client.get("/?sort=size").text
    assert html.index("Council approves transit levy") < html.index("Ferry Marisol runs aground")
    with Store(db) as store:  # 45 more one-article stories: three pages of 20
        extra = [Article(id=f"x{i}", title=f"Harbour note {i}", published="2023-01-01", outlet="Notes",
                         paragraphs=[Paragraph(f"Harbour note number {i} about tides.")], story=f"s-x{i}")
                 for i in range(45)]
        store.add_articles(extra)
        store.put_stories([Story(id=f"s-x{i}", title=f"Harbour note {i}", articles=[f"x{i}"], first_date="2023-01-01",
                                 last_date="2023-01-01") for i in range(45)])
    page1 = client.get("/?q=harbour&sort=size").text
    assert "page 1 of 3" in page1
    assert 'href="/?q=harbour&amp;sort=size&amp;page=2"' in page1
    assert "page 3 of 3" in client.get("/?q=harbour&sort=size&page=3").text
    assert client.get("/?q=harbour&page=4").status_code == 404


def test_story_page_cites_every_statement_and_groups_copies(client: TestClient) -> None:
    html = client.get("/stories/s-levy").text
    start = LEVY_A.text.index("The city council")
    assert f'href="/articles/levy-a?hl={start}-{start + len(LEVY_A.paragraphs[0].text)}#hl"' in html
    assert 'data-text="The city council approved' in html  # the second source is looked up by its words
    assert "copy:" in html and "Metro Wire" in html
    assert "the levy would pay for new bus routes" in html and "Rosa Kettering" in html
    assert 'href="/storylines/sl-transit"' in html and 'href="/entities/person%3Arosa-kettering"' in html
    assert 'data-seq="' in html and 'data-max-seq="' in html


def test_story_page_says_how_many_independent_sources_report_the_lead(client: TestClient) -> None:
    """Three articles report the levy's lead, one of them a copy of another: two independent sources; the ferry's lead
    has one source."""
    assert "The lead is reported by 2 independent sources." in client.get("/stories/s-levy").text
    assert "The lead is reported by 1 independent source." in client.get("/stories/s-ferry").text


def test_article_page_highlights_the_passage_and_strikes_removed_paragraphs_on_request(client: TestClient) -> None:
    html = client.get("/articles/levy-a?hl=0-20").text
    assert '<mark id="hl">The city council app</mark>' in html
    assert "Subscribe to our newsletter" not in html and "1 paragraph removed" in html
    shown = client.get("/articles/levy-a?removed=1").text
    assert 'class="para removed"' in shown and "Subscribe to our newsletter" in shown
    assert client.get("/articles/levy-a?hl=9-3").status_code == 400


def test_entity_and_storyline_pages(client: TestClient) -> None:
    html = client.get("/entities/person:rosa-kettering").text
    assert "Rosa Kettering" in html and "Mayor" in html and "Kettering" in html and "<rect" in html
    assert "Council approves transit levy" in html
    html = client.get("/storylines/sl-transit").text
    assert "Lakeport transit levy" in html and "Council approves transit levy" in html
    assert "3 articles from 2 independent sources" in html  # the copy counts with the article it copies


def test_search_page_marks_the_matched_words(client: TestClient) -> None:
    html = client.get("/search?q=bus+routes").text
    assert "<mark>bus</mark> <mark>routes</mark>" in html
    assert "1 story with" in html


@pytest.mark.parametrize("path", ["/stories/nope", "/articles/nope", "/entities/nope", "/storylines/nope",
                                  "/api/stories/nope", "/api/articles/nope", "/api/entities/nope",
                                  "/api/storylines/nope"])
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    if path.startswith("/api/"):
        assert "nope" in r.json()["detail"]
    else:
        assert "Not found" in r.text and "nope" in r.text


@pytest.mark.parametrize("query", ["from=yesterday", "sort=oldest", "page=0", "from=2025-02-01&to=2025-01-01"])
def test_bad_parameters_are_400_with_a_reason(client: TestClient, query: str) -> None:
    page, api = client.get(f"/?{query}"), client.get(f"/api/stories?{query}")
    assert page.status_code == 400 and "Bad request" in page.text
    assert api.status_code == 400 and api.json()["detail"]


def test_text_from_articles_is_escaped_and_only_http_links_are_made(client: TestClient) -> None:
    for path in ("/articles/evil", "/stories/s-ferry", "/search?q=ferry", "/?q=ferry"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Evil" not in html, path
        assert "javascript:" not in html, path
    html = client.get("/articles/evil").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_api_returns_the_fields_of_stories_json(client: TestClient) -> None:
    data = client.get("/api/stories?entity=person:rosa-kettering").json()
    assert data["schema"] == "storyline/stories@1" and data["total"] == 1
    story = data["stories"][0]
    assert set(story) == set(Story(id="x").to_dict())
    assert client.get("/api/stories/s-levy").json()["summary"][0]["sources"] == ["levy-a", "levy-b"]
    article = client.get("/api/articles/levy-a").json()
    assert article["paragraphs"][1]["flags"] == ["boilerplate"] and article["story"] == "s-levy"
    entity = client.get("/api/entities/person:rosa-kettering").json()
    assert entity["roles"] == ["Mayor"] and entity["stories"][0]["story"] == "s-levy"
    assert client.get("/api/storylines/sl-transit").json()["stories"] == ["s-levy"]
    found = client.get("/api/search?q=marisol").json()
    assert {a["id"] for a in found["articles"]} == {"ferry-a", "evil"} and found["stories"][0]["id"] == "s-ferry"
    schema = client.get("/api/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/search", "/api/articles"} <= set(schema["paths"])


def test_passage_api_finds_a_span_or_the_words(client: TestClient) -> None:
    by_span = client.get("/api/articles/levy-a/passage?start=0&end=16").json()
    assert by_span["passage"] == "The city council" and by_span["outlet"] == "Harbor Courier"
    by_text = client.get("/api/articles/levy-c/passage", params={"text": "Mayor Rosa Kettering said"}).json()
    assert by_text["passage"] == "Mayor Rosa Kettering said" and by_text["after"].startswith(" the levy")
    assert by_text["verbatim"] is True
    close = client.get("/api/articles/levy-b/passage", params={"text": LEVY_A.paragraphs[0].text}).json()
    assert close["passage"] == LEVY_B.paragraphs[0].text and close["verbatim"] is False  # the same fact, reworded
    assert client.get("/api/articles/levy-b/passage", params={"text": "Harbour tides at dawn"}).status_code == 404
    assert client.get("/api/articles/evil/passage?start=0&end=5").json()["url"] is None  # javascript: is no link


def test_post_articles_needs_the_token(client: TestClient, db: Path) -> None:
    record = {"title": "Levy opponents file suit", "text": "Opponents of the transit levy filed suit on Friday.",
              "outlet": "Harbor Courier", "published": "2025-09-13"}
    assert client.post("/api/articles", json=[record]).status_code == 401
    assert client.post("/api/articles", json=[record], headers={"Authorization": "Bearer wrong"}).status_code == 401
    bad = client.post("/api/articles", content=b"{not json", headers={"Authorization": "Bearer s3cret"})
    assert bad.status_code == 400
    with TestClient(create_app(db)) as no_token:
        assert no_token.post("/api/articles", json=[record]).status_code == 403


def test_pages_open_the_store_read_only(client: TestClient) -> None:
    store = client.app.state.web.store  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="readonly"):
        store.db.execute("DELETE FROM articles")


def test_posted_articles_join_their_story_at_once(client: TestClient) -> None:
    records = [
        {"id": "suit-1", "title": "Levy opponents file suit against transit tax", "outlet": "Harbor Courier",
         "published": "2025-09-20", "url": "https://harbor.example/suit",
         "text": "Opponents of Lakeport's new transit levy filed suit in county court on Friday, asking a judge to "
                 "block the quarter-cent sales tax before it takes effect.\n\nThe Lakeport Taxpayers Alliance said "
                 "the council broke notice rules when it approved the levy 7 to 4."},
        {"id": "suit-2", "title": "Taxpayer group sues over Lakeport transit levy", "outlet": "Lakeport Ledger",
         "published": "2025-09-21",
         "text": "The Lakeport Taxpayers Alliance sued the city on Friday over the quarter-cent transit levy, asking "
                 "a county judge to block the sales tax.\n\nThe group says the council broke notice rules when it "
                 "approved the levy 7 to 4."},
    ]  # fmt: skip
    r = client.post("/api/articles", json={"articles": records}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 201, r.text
    new = {a["id"]: a["story"] for a in r.json()["new"]}
    assert set(new) == {"suit-1", "suit-2"} and new["suit-1"] and new["suit-1"] == new["suit-2"]
    story = client.get(f"/api/stories/{new['suit-1']}").json()  # the read-only pages see it at once
    assert {"suit-1", "suit-2"} <= set(story["articles"])
    assert "Levy opponents file suit" in client.get("/search?q=opponents").text
    again = client.post("/api/articles", json=records[:1], headers={"Authorization": "Bearer s3cret"}).json()
    assert again["new"] == [] and again["existing"][0]["id"] == "suit-1"


def test_an_older_store_gets_its_search_index_when_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.store import core as store_module  # the module whose MIGRATIONS the store applies

    path = tmp_path / "old.db"
    with monkeypatch.context() as m:  # a store made before migration 003_search, written to as that code did
        m.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2])
        with Store(path) as old:
            old.db.execute("INSERT INTO articles (id, seq, title, story, data) VALUES (?,?,?,?,?)",
                           ("levy-a", 1, LEVY_A.title, "s-levy", json.dumps(LEVY_A.to_dict())))
            story = _stories()[0][0]
            old.db.execute("INSERT INTO stories VALUES (?,?,?,?,?,?)", (story.id, None, story.first_date,
                           story.last_date, story.title, json.dumps(story.to_dict())))
    with pytest.raises(StoreError, match="003_search"):
        Store(path, readonly=True)
    Store(path).close()  # what `storyline serve` does first
    with TestClient(create_app(path)) as client:
        assert client.get("/api/search?q=newsletter").json()["articles"][0]["id"] == "levy-a"
        assert client.get("/api/stories?entity=person:rosa-kettering").json()["total"] == 1


@pytest.mark.parametrize("path", ["/static/..%2f..%2fstore.py", "/static/../store.py", "/static/%2e%2e/app.py"])
def test_no_path_outside_the_static_files_is_served(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_serve_binds_to_this_machine_unless_told_and_needs_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storyline import cli

    args = cli.build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.token) == ("127.0.0.1", 8000, None)
    assert cli.main(["--db", str(tmp_path / "none.db"), "serve"]) == 2
    assert "no such store" in capsys.readouterr().err


def test_a_second_posted_article_does_not_load_the_pipeline_again(client: TestClient,
                                                                  pipeline_loads: list[int]) -> None:
    for k, town in enumerate(["Brinmoor", "Castlereach"]):
        record = {"id": f"flood-{k}", "title": f"River floods low streets in {town}", "outlet": "Valley Post",
                  "published": f"2025-10-0{k + 1}",
                  "text": f"The river rose over its banks in {town} on Tuesday night, flooding low streets and "
                          "closing two schools.\n\nCrews worked through the night to clear the drains."}
        r = client.post("/api/articles", json=record, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 201, r.text
        assert [a["id"] for a in r.json()["new"]] == [f"flood-{k}"] and r.json()["new"][0]["story"]
    assert len(pipeline_loads) == 1  # the web app keeps the pipeline the first ingest loaded
