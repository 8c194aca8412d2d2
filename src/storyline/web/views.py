"""What the pages and the API show, read from the store: story cards, a story with numbered sources, an article
with its passages and facts, an entity across stories. No stage logic here: only the stored records, arranged.

Example:
    >>> safe_url("javascript:alert(1)") is None, safe_url("https://example.org/a")
    (True, 'https://example.org/a')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..model import Article, QuoteGroup, Span, Story, Storyline
from ..store import SNIPPET_MARKS, Store
from ..text.similarity import dice
from ..text.words import terms
from ..timeline import shown_date
from . import charts

# Entities shown on a story card.
CARD_ENTITIES = 4
# Stories an entity page reads whole (aliases, roles, quotes): the newest ones; its chart counts every story.
ENTITY_STORIES_READ = 200
# Characters of context around a cited passage when it is opened in place (beyond its paragraph's end).
PASSAGE_CONTEXT = 400
# A source cited without a span whose text lacks the sentence word for word is shown its closest sentence when
# they share at least this Dice overlap of content words (about half their words): below it the closest sentence
# is likely another statement, and the reader gets the link to the article instead.
CLOSEST_MIN_DICE = 0.5
# Flags of articles worth a note beside a source.
SOURCE_FLAGS = ("syndicated", "stitched", "exact_duplicate", "suspect_date")


def safe_url(url: str | None) -> str | None:
    """The URL when it is an http or https link, else None (a source's ``javascript:`` URL is never a link)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def snippet_markup(snippet: str) -> Markup:
    """A search snippet escaped, its matched words in <mark>."""
    start, end = SNIPPET_MARKS
    return Markup(str(escape(snippet)).replace(start, "<mark>").replace(end, "</mark>"))


def plain_snippet(snippet: str) -> str:
    """A search snippet without its match markers (the API's form)."""
    return snippet.replace(SNIPPET_MARKS[0], "").replace(SNIPPET_MARKS[1], "")


def independent_sources(rows: Iterable[dict[str, Any]]) -> int:
    """Outlets with an own report (copies left out); an article without an outlet name counts on its own."""
    return len({r["outlet"] or r["id"] for r in rows if not r["duplicate_of"]})


def reported_by(ids: Iterable[str], meta: dict[str, dict[str, Any]]) -> int:
    """Independent sources reporting a brief sentence: a copy counts as the outlet of the article it copies."""
    roots = {(meta.get(a) or {}).get("duplicate_of") or a for a in ids}
    return len({(meta.get(r) or {}).get("outlet") or r for r in roots})


def date_range(first: str | None, last: str | None) -> str:
    """'2025-09-25 – 2025-09-27', one date when both are the same, 'undated' without dates."""
    dates = list(dict.fromkeys(d for d in (first, last) if d))
    return " – ".join(dates) if dates else "undated"


# -- story cards (stories, search and entity pages) ---------------------------------------------------------------
def story_cards(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Title, dates, size, independent sources, top entities and coverage sparkline of each story, in order.

    Read from the stories' columns, their articles' metadata and the entity index, never whole story records.
    """
    heads = store.story_heads(ids)
    entities = store.entities_of_stories(ids)
    rows: dict[str, list[dict[str, Any]]] = {sid: [] for sid in ids}
    for r in store.article_meta(stories=ids):
        if r["story"] in rows:
            rows[r["story"]].append(r)
    cards = []
    for sid in ids:
        h = heads.get(sid)
        if h is None:
            continue
        arts = rows[sid]
        cards.append({
            **h, "title": h["title"] or sid, "dates": date_range(h["first_date"], h["last_date"]),
            "articles": h["articles"] or len(arts), "sources": independent_sources(arts),
            "entities": entities.get(sid, [])[:CARD_ENTITIES], "lead": h["lead"] or "",
            "spark": charts.sparkline(r["published"] for r in arts),
        })  # fmt: skip
    return cards


# -- story page -----------------------------------------------------------------------------------------------------
def _cite(number: dict[str, int], meta: dict[str, dict[str, Any]], sources: Sequence[str], article: str | None,
          span: Span | None, text: str) -> list[dict[str, Any]]:
    """Citation markers of one statement: number, article, the span when known (else the text to look for)."""
    out = []
    for aid in sources:
        if aid not in number:
            continue
        m = meta.get(aid, {})
        exact = aid == article and span is not None
        out.append({
            "n": number[aid], "article": aid, "outlet": m.get("outlet") or "unknown outlet",
            "published": m.get("published") or "undated",
            "start": span.start if exact and span else None, "end": span.end if exact and span else None,
            "text": None if exact else text,
        })  # fmt: skip
    return out


def _seq_of(meta: dict[str, dict[str, Any]], ids: Iterable[str]) -> int:
    """When a statement first became known: the ingest order of its earliest stored source (0 when none)."""
    seqs = [meta[a]["seq"] for a in ids if a in meta]
    return min(seqs) if seqs else 0


def story_page(store: Store, story: Story) -> dict[str, Any]:
    """Everything the story page shows, with numbered sources and markers that open each cited passage."""
    ids = list(story.articles)
    for item in story.summary:
        ids.extend(x for x in item.sources if x not in ids)
    meta = {r["id"]: r for r in store.article_meta(ids)}
    number = {aid: k + 1 for k, aid in enumerate(ids)}
    sources = _sources(ids, meta, number)
    summary = [{"text": c.text, "date": c.date, "cites": _cite(number, meta, c.sources, c.article, c.span, c.text),
                "seq": _seq_of(meta, c.sources), "reported": reported_by(c.reported_by or c.sources, meta)}
               for c in story.summary]
    timeline = []
    for e in story.timeline:
        reports = sorted({meta[a]["published"] for a in e.sources if a in meta and meta[a]["published"]})
        timeline.append({"date": e.date, "shown": shown_date(e.date, e.granularity), "granularity": e.granularity,
                         "text": e.text, "reports": reports, "seq": _seq_of(meta, e.sources),
                         "cites": _cite(number, meta, e.sources, e.article, e.span, e.text)})
    chart = charts.timeline_chart([{"date": t["date"], "reports": t["reports"], "label": t["text"],
                                    "anchor": f"t-{i}"} for i, t in enumerate(timeline)])
    quotes = _quotes_by_speaker(story, meta, number)
    claims = []
    for c in story.claims:
        values = [{**v, "cites": _cite(number, meta, v.get("sources", []), None, None, str(v.get("text") or "")),
                   "seq": _seq_of(meta, v.get("sources", []))} for v in c.values]
        label = f"{c.subject} {c.predicate}" if c.predicate else c.subject
        claims.append({"label": label, "kind": c.kind, "status": c.status, "values": values,
                       "seq": min((v["seq"] for v in values), default=0),
                       "show_label": all(str(v.get("text")) != label for v in values)})  # a key claim is its sentence
    line, neighbours = None, []
    if story.storyline:
        found = store.get_storylines([story.storyline])
        line = found.get(story.storyline)
        if line is not None:
            heads = store.story_heads(line.stories)
            order = [heads[x] for x in line.stories if x in heads]
            at = next((i for i, h in enumerate(order) if h["id"] == story.id), 0)
            neighbours = [{**h, "current": h["id"] == story.id, "dates": date_range(h["first_date"], h["last_date"])}
                          for h in order[max(at - 2, 0): at + 3]]
    return {
        "story": story, "dates": date_range(story.first_date, story.last_date), "sources": sources,
        "independent": independent_sources(meta[a] for a in story.articles if a in meta),
        "summary": summary, "timeline": timeline, "timeline_chart": chart, "quote_groups": quotes,
        "figure_claims": [c for c in claims if c["kind"] != "claim"],
        "key_claims": [c for c in claims if c["kind"] == "claim"],
        "entities": sorted(story.entities, key=lambda e: (-e.mentions, e.name)),
        "coverage": charts.coverage_chart([meta[a] for a in story.articles if a in meta]),
        "storyline": line, "neighbours": neighbours, "max_seq": max((m["seq"] for m in meta.values()), default=0),
    }  # fmt: skip


def _sources(ids: Sequence[str], meta: dict[str, dict[str, Any]], number: dict[str, int]) -> list[dict[str, Any]]:
    """Numbered sources, each original with its copies under it (copies of an article outside the story stand alone)."""
    flat = []
    for aid in ids:
        m = meta.get(aid, {"id": aid, "seq": 0, "outlet": None, "published": None, "duplicate_of": None,
                           "title": None, "url": None})
        flat.append({**m, "n": number[aid], "url": safe_url(m.get("url")), "title": m.get("title") or aid,
                     "outlet": m.get("outlet") or "unknown outlet", "published": m.get("published") or "undated",
                     "copies": []})
    by_id = {s["id"]: s for s in flat}
    top = []
    for s in flat:
        parent = by_id.get(s.get("duplicate_of") or "")
        if parent is not None and parent is not s:
            parent["copies"].append(s)
        else:
            top.append(s)
    return top


def _quotes_by_speaker(story: Story, meta: dict[str, dict[str, Any]], number: dict[str, int]) -> list[dict[str, Any]]:
    """Quotes grouped by speaker, most quoted first, every quote whole and once (with all the articles carrying it
    and the first of them); unattributed ones last."""
    shared = story.quote_groups or [
        QuoteGroup(q.text, q.kind, q.speaker, q.speaker_name, q.article, q.span, q.sentence, [q.article])
        for q in story.quotes
    ]  # a story stored before quote groups existed: each quote its own group
    groups: dict[str, dict[str, Any]] = {}
    for q in shared:
        key = q.speaker or (q.speaker_name or "").lower() or "~unattributed"
        g = groups.setdefault(key, {"speaker": q.speaker, "name": q.speaker_name or "Unattributed", "quotes": []})
        m = meta.get(q.first, {})
        where = q.sentence or q.span or Span(0, 0)
        g["quotes"].append({
            "text": q.text, "kind": q.kind, "article": q.first, "n": number.get(q.first),
            "outlet": m.get("outlet") or "unknown outlet", "published": m.get("published") or "undated",
            "start": where.start, "end": where.end, "seq": m.get("seq", 0),
            "sources": [{"article": a, "n": number.get(a)} for a in q.sources],
        })  # fmt: skip
    return sorted(groups.values(), key=lambda g: (g["name"] == "Unattributed", -len(g["quotes"]), g["name"]))


# -- article page ---------------------------------------------------------------------------------------------------
def article_page(store: Store, article: Article, highlight: Span | None, show_removed: bool) -> dict[str, Any]:
    """Paragraphs (flagged ones struck through when asked for), the highlighted passage, reuse links, facts."""
    spans = article.paragraph_spans()
    reused_ids = [r["article"] for p in article.paragraphs for r in p.reused_from if r.get("article")]
    meta = {r["id"]: r for r in store.article_meta(reused_ids)}
    paragraphs = []
    for i, (p, span) in enumerate(zip(article.paragraphs, spans, strict=True)):
        facts = _facts_in(article, span)
        reused = [{"article": r["article"], "paragraph": r.get("paragraph"), "unknown": r.get("order") == "unknown",
                   "outlet": (meta.get(r["article"]) or {}).get("outlet") or r["article"],
                   "published": (meta.get(r["article"]) or {}).get("published") or "undated"}
                  for r in p.reused_from if r.get("article")]
        paragraphs.append({"index": i, "flags": p.flags, "removed": bool(p.flags), "facts": facts, "reused": reused,
                           "parts": _marked(p.text, span, highlight)})
    removed = sum(1 for p in paragraphs if p["removed"])
    return {"article": article, "url": safe_url(article.url), "paragraphs": paragraphs, "removed": removed,
            "show_removed": show_removed, "highlight": highlight}


def _marked(text: str, span: Span, highlight: Span | None) -> list[tuple[str, bool, bool]]:
    """The paragraph as (text, highlighted, where the highlight starts) pieces."""
    if highlight is None or highlight.end <= span.start or highlight.start >= span.end:
        return [(text, False, False)]
    a, b = max(highlight.start, span.start) - span.start, min(highlight.end, span.end) - span.start
    starts = highlight.start >= span.start
    pieces = ((text[:a], False, False), (text[a:b], True, starts), (text[b:], False, False))
    return [p for p in pieces if p[0]]


def _facts_in(article: Article, span: Span) -> list[dict[str, str]]:
    """What extraction found in a paragraph: quotes, figures, dates and the people, groups and places named."""
    def inside(s: Span) -> bool:
        return span.start <= s.start < span.end

    facts = [{"kind": "quote", "text": f"{q.speaker_name or 'unattributed'}: "
              + (f"“{q.text}”" if q.kind == "direct" else q.text)} for q in article.quotes if inside(q.span)]
    facts += [{"kind": "figure", "text": f"{f.text} → {f.value:g} {f.unit}" + (" (approx.)" if f.approximate else "")}
              for f in article.figures if inside(f.span)]
    facts += [{"kind": "date", "text": f"{d.text} → {shown_date(d.value, d.granularity) if d.value else 'unplaced'}"}
              for d in article.dates if inside(d.span)]
    names = dict.fromkeys(m.text for m in article.mentions if inside(m.span))
    if names:
        facts.append({"kind": "names", "text": ", ".join(names)})
    return facts


def _closest_sentence(article: Article, text: str) -> Span | None:
    """The sentence of the article sharing the most content words with ``text`` (Dice), if it shares enough."""
    want = set(terms(text))
    spans = [s.span for s in article.sentences] or article.paragraph_spans()
    body = article.text
    scored = [(dice(want, set(terms(body[s.start : s.end]))), s) for s in spans]
    best = max(scored, key=lambda x: x[0], default=(0.0, None))
    return best[1] if best[0] >= CLOSEST_MIN_DICE else None


def passage(article: Article, start: int | None, end: int | None, text: str | None) -> dict[str, Any] | None:
    """A cited passage in its paragraph: before / passage / after, with the source's outlet, date and link.

    Found by its span, or (a source cited without one) by the first verbatim occurrence of ``text``, else by the
    sentence closest to it in words (``verbatim`` False: the source says it in other words); None when nothing
    is close enough.
    """
    body = article.text
    verbatim = True
    if start is None or end is None:
        wanted = (text or "").strip()
        at = body.find(wanted) if wanted else -1
        if at >= 0:
            start, end = at, at + len(wanted)
        else:
            close = _closest_sentence(article, wanted) if wanted else None
            if close is None:
                return None
            start, end, verbatim = close.start, close.end, False
    if not 0 <= start < end <= len(body):
        return None
    para = next((s for s in article.paragraph_spans() if s.start <= start < s.end + 2), Span(0, len(body)))
    lo = max(para.start, start - PASSAGE_CONTEXT)
    hi = min(max(para.end, end), end + PASSAGE_CONTEXT)
    return {
        "article": article.id, "title": article.title, "outlet": article.outlet, "published": article.published,
        "url": safe_url(article.url), "start": start, "end": end, "verbatim": verbatim,
        "before": body[lo:start], "passage": body[start:end], "after": body[end:hi],
    }  # fmt: skip


# -- entity and storyline pages -------------------------------------------------------------------------------------
def entity_page(store: Store, entity_id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """An entity across stories: names and roles, its stories over time, its quotes (the newest stories read whole)."""
    names: dict[str, int] = {}
    for r in rows:
        names[r["name"]] = names.get(r["name"], 0) + (r["mentions"] or 0)
    name = max(names, key=lambda n: names[n]) if names else entity_id
    newest = sorted(rows, key=lambda r: r["last_date"] or "", reverse=True)[:ENTITY_STORIES_READ]
    stories = store.story_data(r["story"] for r in newest)
    aliases: dict[str, None] = {}
    roles: dict[str, None] = {}
    quotes: list[dict[str, Any]] = []
    for r in newest:
        s = stories.get(r["story"])
        if s is None:
            continue
        for e in s.get("entities", []):
            if e["id"] == entity_id:
                aliases.update(dict.fromkeys(e.get("aliases", [])))
                roles.update(dict.fromkeys(e.get("roles", [])))
        for q in s.get("quote_groups") or s.get("quotes", []):  # each quote once, at its first appearance
            if q.get("speaker") == entity_id:
                where = q.get("sentence") or q["span"]
                first = q.get("first") or q["article"]
                quotes.append({"text": q["text"], "kind": q.get("kind", "direct"), "article": first,
                               "sources": len(q.get("sources", [])) or 1, "story": s["id"], "story_title": s["title"],
                               "start": where["start"], "end": where["end"], "date": s.get("last_date")})
    meta = {m["id"]: m for m in store.article_meta(item["article"] for item in quotes)}
    for item in quotes:
        m = meta.get(item["article"], {})
        item["outlet"], item["published"] = m.get("outlet") or "unknown outlet", m.get("published") or "undated"
    return {
        "id": entity_id, "name": name, "type": rows[0]["type"] if rows else None,
        "aliases": [a for a in aliases if a != name], "roles": list(roles),
        "stories": [{**r, "dates": date_range(r["first_date"], r["last_date"])} for r in reversed(rows)],
        "chart": charts.bars_over_time(r["first_date"] or r["last_date"] for r in rows), "quotes": quotes,
        "read": len(newest),
    }  # fmt: skip


def storyline_page(store: Store, line: Storyline) -> dict[str, Any]:
    """A storyline: its stories in order with their briefs, and one timeline across them."""
    found = store.get_stories(line.stories)
    stories = [found[x] for x in line.stories if x in found]
    sources = {a for c in line.summary for a in c.sources} | {a for e in line.timeline for a in e.sources}
    meta = {r["id"]: r for r in store.article_meta(sources)}
    timeline = []
    for e in line.timeline:
        reports = sorted({meta[a]["published"] for a in e.sources if a in meta and meta[a]["published"]})
        timeline.append({"date": e.date, "shown": shown_date(e.date, e.granularity), "text": e.text, "reports": reports,
                         "article": e.article, "start": e.span.start if e.span else None,
                         "end": e.span.end if e.span else None})
    chart = charts.timeline_chart([{"date": t["date"], "reports": t["reports"], "label": t["text"], "anchor": f"t-{i}"}
                                   for i, t in enumerate(timeline)])
    by_story: dict[str, list[dict[str, Any]]] = {}
    for row in store.article_meta(stories=[s.id for s in stories]):
        by_story.setdefault(row["story"], []).append(row)
    return {"line": line, "dates": date_range(line.first_date, line.last_date),
            "stories": [{"story": s, "dates": date_range(s.first_date, s.last_date),
                         "sources": independent_sources(by_story.get(s.id, []))} for s in stories],
            "timeline": timeline, "timeline_chart": chart}
