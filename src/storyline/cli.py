"""The command line: parse -> call the library -> print.

Exit codes: 0 when nothing failed, 1 when some inputs failed (the others were processed), 2 on usage errors
(bad arguments, unknown ids, bad settings).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__, pipeline
from .config import Settings
from .errors import NotFoundError, StorylineError
from .store import Store

if TYPE_CHECKING:
    from .dedupe import DuplicateGroup

# Show a progress bar only when a run reads more than this many inputs: small runs finish before it helps.
PROGRESS_MIN_INPUTS = 5

# Width of tables written to a pipe or file: wide enough that a row stays one line for grep and cut (a
# terminal keeps its own width and rich wraps to it).
PIPE_WIDTH = 400

out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal and "COLUMNS" not in os.environ:
    out = Console(highlight=False, soft_wrap=True, width=PIPE_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class UsageError(StorylineError, ValueError):
    """A bad command-line argument."""

    exit_code = 2


# -- shared helpers -------------------------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, dict[str, Any]] = {}
    if getattr(args, "dup_threshold", None) is not None:
        overrides.setdefault("dedupe", {})["threshold"] = args.dup_threshold
    if getattr(args, "words", None) is not None:
        overrides.setdefault("brief", {})["words"] = args.words
    return Settings.load(args.config, overrides)


def _open_store(args: argparse.Namespace) -> Store:
    path = Path(args.db)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store(path)


def _existing_store(args: argparse.Namespace) -> Store:
    if args.db != ":memory:" and not Path(args.db).exists():
        hint = "run `storyline ingest PATH` or `storyline run PATH --out DIR` first"
        raise UsageError(f"{args.db}: no such store; {hint}")
    return Store(args.db)


def _count_inputs(paths: Sequence[str]) -> int:
    n = 0
    for p in paths:
        path = Path(p)
        if path.is_dir():
            n += sum(1 for f in path.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            n += 1
    return n


def _ingest_and_analyse(
    args: argparse.Namespace, store: Store, settings: Settings
) -> tuple[pipeline.IngestReport, int]:
    """Read, clean and store the inputs, then run every analysis stage incrementally; returns the report."""
    quiet = args.quiet
    show_bar = not quiet and _count_inputs(args.paths) > PROGRESS_MIN_INPUTS
    if show_bar:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("reading", total=None, rate="")

            def tick(n: int) -> None:
                bar.advance(task, n)
                t = bar.tasks[0]
                if t.elapsed:
                    bar.update(task, rate=f"{t.completed / t.elapsed:.0f} articles/s")

            report = pipeline.ingest_paths(args.paths, store, settings, progress=tick)
            ctx = pipeline.RunContext(store, settings, new_ids=report.new, workers=getattr(args, "workers", 0))
            pipeline.analyse(ctx, on_stage=lambda name: bar.update(task, description=name))
    else:
        report = pipeline.ingest_paths(args.paths, store, settings)
        ctx = pipeline.RunContext(store, settings, new_ids=report.new, workers=getattr(args, "workers", 0))
        pipeline.analyse(ctx)
    report.rejected += ctx.rejected  # articles a stage failed on (recorded in the store by the run loop)
    for r in report.rejected:
        err.print(f"[red]error[/]: {escape(str(r))}")
    dups = sum(1 for a in store.iter_articles(report.new) if a.duplicate_of)
    resumed = len(set(ctx.new_ids) - set(report.new))
    if not quiet:
        note = f" · finished {resumed} left by an interrupted run" if resumed else ""
        out.print(
            f"read {report.read} · new {len(report.new)} · already stored {len(report.existing)} · "
            f"duplicates {dups} · failed {report.failed}{note}"
        )
    return report, dups


def _exit_for(report: pipeline.IngestReport) -> int:
    return 1 if report.failed else 0


def _export_data(store: Store) -> dict[str, Any]:
    from . import report

    return report.stories_json(store)


def _write_outputs(store: Store, out_dir: Path) -> tuple[Path, Path]:
    from . import report

    out_dir.mkdir(parents=True, exist_ok=True)
    data = report.stories_json(store)
    json_path = out_dir / "stories.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    html_path = out_dir / "report.html"
    html_path.write_text(report.render_html(data), encoding="utf-8")
    return json_path, html_path


# -- commands -------------------------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest inputs into the store and assign them to stories incrementally."""
    settings = _settings(args)
    with _open_store(args) as store:
        report, _ = _ingest_and_analyse(args, store, settings)
    return _exit_for(report)


def cmd_run(args: argparse.Namespace) -> int:
    """Ingest inputs, run every stage, and write stories.json and report.html."""
    settings = _settings(args)
    if args.workers < 0:
        raise UsageError(f"--workers {args.workers}: give a number of processes, or 0 for every core")
    if args.engine != "local" or args.address:
        return _run_on_engine(args, settings)
    with _open_store(args) as store:
        report, _ = _ingest_and_analyse(args, store, settings)
        json_path, html_path = _write_outputs(store, Path(args.out))
    if not args.quiet:
        out.print(f"stories: {json_path}")
        out.print(f"report:  {html_path}")
    return _exit_for(report)


def _run_on_engine(args: argparse.Namespace, settings: Settings) -> int:
    """`storyline run --engine ray`: the engine ingests and runs the stages; outputs as `run` plus Parquet."""
    from .engines import engine_for

    try:
        engine = engine_for(args.engine, workers=args.workers, address=args.address)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    with _open_store(args) as store:
        report = engine.run(args.paths, store, settings)
        for r in report.rejected:
            err.print(f"[red]error[/]: {escape(str(r))}")
        json_path, html_path = _write_outputs(store, Path(args.out))
        from .engines.ray import write_parquet

        parquet = write_parquet(store, Path(args.out) / "parquet")
        dups = sum(1 for a in store.iter_articles(report.new) if a.duplicate_of)
    if not args.quiet:
        out.print(f"read {report.read} · new {len(report.new)} · already stored {len(report.existing)} · "
                  f"duplicates {dups} · failed {report.failed}")
        out.print(f"stories: {json_path}")
        out.print(f"report:  {html_path}")
        out.print(f"parquet: {', '.join(str(p) for p in parquet)}")
    return _exit_for(report)


def cmd_recluster(args: argparse.Namespace) -> int:
    """Recluster every stored article into stories from scratch (parsing first what lacks a parse)."""
    settings = _settings(args)
    per_article = ("nlp", "captions", "dedupe")  # incremental steps: nothing to redo, only what is missing
    with _existing_store(args) as store:
        parsed = store.doc_ids()
        unparsed = [aid for aid in store.article_ids() if aid not in parsed]
        if unparsed:
            pipeline.analyse(pipeline.RunContext(store, settings, new_ids=unparsed),
                             [s for s in pipeline.STAGES if s.name in per_article], resume=False)
        ctx = pipeline.RunContext(store, settings, new_ids=store.article_ids(), full=True)
        pipeline.analyse(ctx, [s for s in pipeline.STAGES if s.name not in per_article])
        n = sum(1 for _ in store.iter_stories())
    if not args.quiet:
        out.print(f"reclustered {len(ctx.new_ids)} articles into {n} stories")
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    """Finish the analysis an interrupted run left unfinished."""
    settings = _settings(args)
    with _existing_store(args) as store:
        ctx = pipeline.RunContext(store, settings)
        finished = pipeline.resume(ctx)
    for r in ctx.rejected:
        err.print(f"[red]error[/]: {escape(str(r))}")
    if not args.quiet:
        if finished or ctx.rejected:
            out.print(f"finished the analysis of {len(finished)} articles · failed {len(ctx.rejected)}")
        else:
            out.print("nothing to resume: every stored article is fully analysed")
    return 1 if ctx.rejected else 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check the store: SQLite's integrity_check and the store's own invariants."""
    with _existing_store(args) as store:
        problems = store.check()
        counts = f"{store.count_articles()} articles, {sum(1 for _ in store.iter_stories())} stories"
    for problem in problems:
        out.print(f"[red]problem[/]: {escape(problem)}")
    out.print(f"{len(problems)} problem(s) in {escape(args.db)} ({counts})" if problems
              else f"ok: {escape(args.db)} ({counts}): integrity_check ok, every article once, every story's "
                   "members stored, every cited span inside its article")
    return 1 if problems else 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the store to a new file, consistently, while it may be in use."""
    if Path(args.target).exists():
        raise UsageError(f"{args.target}: already exists; give a new file for the backup")
    with _existing_store(args) as store:
        store.backup(args.target)
    if not args.quiet:
        out.print(f"backup: {escape(args.target)}")
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    """List stored articles."""
    with _existing_store(args) as store:
        arts = list(store.iter_articles())
        if args.story:
            story = store.get_story(args.story)
            arts = [a for a in arts if a.id in set(story.articles)]
    table = Table("id", "published", "outlet", "title", "flags", box=None)
    for a in arts[: args.limit] if args.limit else arts:
        flags = ", ".join(a.flags + ([f"copy of {a.duplicate_of}"] if a.duplicate_of else []))
        table.add_row(a.id, a.published or "-", escape(a.outlet or "-"), escape(a.title), escape(flags))
    out.print(table)
    out.print(f"{len(arts)} articles")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Show one article: metadata, paragraphs with their flags, and what was found in it."""
    with _existing_store(args) as store:
        a = store.get_article(args.id)
    if args.json:
        out.print_json(data=a.to_dict())
        return 0
    out.print(f"[bold]{escape(a.title)}[/]")
    meta = [("id", a.id), ("outlet", a.outlet), ("url", a.url), ("byline", a.byline), ("published", a.published),
            ("language", a.language), ("flags", ", ".join(a.flags)), ("duplicate of", a.duplicate_of),
            ("story", a.story),
            ("source", f"{a.source.path} ({a.source.format})" if a.source else None)]
    for k, v in meta:
        if v:
            out.print(f"[dim]{k:>12}[/] {escape(str(v))}")
    for i, p in enumerate(a.paragraphs):
        tag = " [yellow]" + escape(f"[{', '.join(p.flags)}]") + "[/]" if p.flags else ""
        reused = f" [cyan](also in {', '.join(r['article'] for r in p.reused_from)})[/]" if p.reused_from else ""
        out.print(f"\n[dim]¶{i}[/]{tag}{reused} {escape(p.text)}")
    counts = f"{len(a.mentions)} mentions · {len(a.quotes)} quotes · {len(a.figures)} figures · {len(a.dates)} dates"
    out.print(f"\n[dim]{counts}[/]")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export the stories in JSON, Markdown or HTML."""
    from . import report

    with _existing_store(args) as store:
        data = report.stories_json(store)
    render: dict[str, Callable[[dict[str, Any]], str]] = {
        "json": lambda d: json.dumps(d, ensure_ascii=False, indent=2),
        "md": report.render_markdown,
        "html": report.render_html,
    }
    text = render[args.format](data)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        if not args.quiet:
            err.print(f"wrote {args.output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    """List stories, newest first."""
    from . import stories

    with _existing_store(args) as store:
        found = stories.filter_stories(
            list(store.iter_stories()), since=args.since, entity=args.entity, search=args.search, store=store
        )
    table = Table("id", "first", "last", "articles", "outlets", "title", box=None)
    for s in found:
        table.add_row(s.id, s.first_date or "-", s.last_date or "-", str(len(s.articles)), str(len(s.outlets)),
                      escape(s.title))
    out.print(table)
    out.print(f"{len(found)} stories")
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    """List duplicate groups and reused passages, with outlets and dates."""
    from . import dedupe

    with _existing_store(args) as store:
        groups = dedupe.duplicate_groups(store, story=args.story)
    if args.json:
        out.print_json(data=[_plain(g) for g in groups])
        return 0
    for g in groups:
        out.print(_render_group(g))
    out.print(f"{len(groups)} groups")
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    """List entities merged across articles."""
    from . import extract

    with _existing_store(args) as store:
        ents = store.get_story(args.story).entities if args.story else extract.corpus_entities(store)
    ents = sorted(ents, key=lambda e: -e.mentions)[: args.limit]
    table = Table("name", "type", "mentions", "articles", "roles", "aliases", box=None)
    for e in ents:
        table.add_row(escape(e.name), e.type, str(e.mentions), str(len(e.articles)), escape(", ".join(e.roles)),
                      escape(", ".join(a for a in e.aliases if a != e.name)))
    out.print(table)
    return 0


def cmd_quotes(args: argparse.Namespace) -> int:
    """List quotes with their speakers."""
    from . import extract

    with _existing_store(args) as store:
        quotes = extract.all_quotes(store, speaker=args.speaker)
        outlets = {a.id: a.outlet for a in store.iter_articles()}
    for q in quotes[: args.limit]:
        who = q.speaker_name or "unattributed"
        out.print(f"[bold]{escape(who)}[/] [dim]({escape(outlets.get(q.article) or q.article)})[/]: “{escape(q.text)}”")
    out.print(f"{len(quotes)} quotes")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    """Print a story's timeline, in event order or (``--by report``) in the order the events were reported."""
    from .timeline import by_report, shown_date

    with _existing_store(args) as store:
        story = store.get_story(args.story)
    out.print(f"[bold]{escape(story.title)}[/]")
    entries = by_report(story.timeline) if args.by == "report" else story.timeline
    for e in entries:
        when = shown_date(e.date, e.granularity)  # "2017-08" for a month, "2017" for a year: never an invented day
        cited = escape(f"[{', '.join(e.sources)}]")
        if args.by == "report":
            reported = " to ".join(dict.fromkeys(d for d in (e.first_reported, e.last_reported) if d)) or "undated"
            out.print(f"reported {reported:<24} event {when:>10}  {escape(e.text)} [dim]{cited}[/]")
        else:
            out.print(f"{when:>10}  {escape(e.text)} [dim]{cited}[/]")
    if not story.timeline:
        out.print("[dim]no dated events[/]")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print the merges and splits of a story or storyline (an alias resolves to the id it lives on as)."""
    with _existing_store(args) as store:
        kind = "storyline" if args.id.startswith("sl-") else "story"
        live = store.resolve_alias(kind, args.id)
        if kind == "story":
            store.get_story(live)  # raises NotFoundError naming the id
        elif not store.get_storylines([live]):
            raise NotFoundError(f"no storyline with id {args.id!r} (see `storyline export`)")
        aliases = store.aliases_of(kind, [live]).get(live, [])
        events = store.identity_events(kind, [live, *aliases])
    if args.json:
        out.print_json(data={"id": live, "kind": kind, "aliases": aliases, "history": [e.to_dict() for e in events]})
        return 0
    note = f" (alias of {live})" if live != args.id else ""
    out.print(f"[bold]{kind} {escape(args.id)}[/]{note}")
    if aliases:
        out.print(f"aliases: {', '.join(aliases)}")
    for e in events:
        what = (f"{e.other} merged into {e.story}" if e.event == "merge" else f"{e.other} split from {e.story}")
        out.print(f"{e.at}  {e.event:<5}  {escape(what)}: {escape(e.reason)}")
    if not events:
        out.print("[dim]no merges or splits[/]")
    return 0


def cmd_why(args: argparse.Namespace) -> int:
    """Explain why an article is in its story, or what kept two stories apart."""
    from .stories import why

    settings = _settings(args)
    with _existing_store(args) as store:
        if len(args.ids) == 1:
            placed = why.explain_article(store, settings, args.ids[0])
            data, lines = why.as_json(placed), why.render_article(placed)
        elif len(args.ids) == 2:  # noqa: PLR2004 - two ids: a pair of stories
            apart = why.explain_pair(store, settings, *args.ids)
            data, lines = why.as_json(apart), why.render_pair(apart)
        else:
            raise UsageError("storyline why ARTICLE, or storyline why STORY STORY")
    if args.json:
        out.print_json(data=data)
        return 0
    for line in lines:
        out.print(escape(line))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """List what was stored in a story since a time (or since the run before the last one)."""
    from .stories import changes

    with _existing_store(args) as store:
        try:
            since = changes.since_time(store, args.since)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        new = changes.whats_new(store, args.story, since)
    if args.json:
        out.print_json(data=new)
        return 0
    for line in changes.render_new(new):
        out.print(escape(line))
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    """Print a story's cited brief, agreement and conflict."""
    from . import brief, report

    settings = _settings(args)
    with _existing_store(args) as store:
        story = store.get_story(args.story)
        articles = {a.id: a for a in store.iter_articles(story.articles)}
        if args.words is not None:
            story.summary = brief.summarise(story, list(articles.values()), settings, words=args.words)
    out.print(report.format_brief(story, articles))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app and JSON API over the store (read-only pages; POST /api/articles only with --token)."""
    import uvicorn

    from .web import create_app

    if not Path(args.db).exists():
        raise UsageError(f"{args.db}: no such store; run `storyline run PATH --out DIR` first")
    with Store(args.db):  # brings an older store's schema up to date; the pages then open it read-only
        pass
    token = args.token or os.environ.get("STORYLINE_TOKEN") or None
    app = create_app(args.db, token=token, settings=_settings(args))
    if not args.quiet:
        write = "POST /api/articles on (token set)" if token else "read-only (no --token)"
        out.print(f"serving {args.db} at http://{args.host}:{args.port}/ · {write} · Ctrl-C stops")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info")
    return 0


def cmd_follow(args: argparse.Namespace) -> int:
    """Follow feeds and sitemaps: poll them, fetch new pages politely, stream them into stories."""
    import signal

    from . import follow

    settings = _settings(args)
    with _open_store(args) as store:
        follower = follow.Follower(store, settings)
        specs = follow.load_sources(args.sources, settings.follow.interval) if args.sources else []
        specs += [follow.SourceSpec(u, "feed", args.interval or settings.follow.interval) for u in args.feed]
        specs += [follow.SourceSpec(u, "sitemap", args.interval or settings.follow.interval) for u in args.sitemap]
        for spec in specs:
            follower.add_source(spec)
        if args.urls:
            try:
                lines = Path(args.urls).read_text(encoding="utf-8").split()
            except OSError as exc:
                raise UsageError(f"{args.urls}: cannot read the URL list: {exc.strerror or exc}") from exc
            follower.add_urls(lines, source=None)
        if not store.sources() and not store.pages("pending"):
            raise UsageError("nothing to follow: give SOURCES.toml, --feed URL, --sitemap URL or --urls FILE "
                             "(or add sources with `storyline sources add URL`)")
        if settings.follow.contact == "https://example.org/storyline" and not args.quiet:
            err.print("note: set follow.contact in a --config file to a page or mailto: address where site "
                      "operators can reach you (it is sent in the User-Agent)")
        def on_signal(signum: int, frame: object) -> None:
            if follower.stopping:  # asked twice: stop now (everything committed is kept)
                raise KeyboardInterrupt
            follower.stop()  # finish the page in hand, then exit
            if not args.quiet:
                err.print("stopping after the page in hand (again to stop at once)")

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        failed = 0

        def show(r: follow.RoundReport) -> None:
            nonlocal failed
            failed += len(r.failed)
            for rej in r.failed:
                err.print(f"[red]error[/]: {escape(str(rej))}")
            if not args.quiet and (r.polled or r.fetched or r.failed or args.once):
                out.print(f"polled {r.polled} ({r.unchanged} unchanged) · queued {r.listed} · fetched {r.fetched} · "
                          f"new {len(r.new)} ({len(r.updated)} updates) · retrying {r.retrying} · "
                          f"forbidden {r.forbidden} · failed {len(r.failed)}")

        try:
            reports = follower.run(once=args.once, on_round=show)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if reports and reports[-1].stopped and not args.quiet:
            out.print("stopped: everything fetched is stored; run the same command again to resume")
    return 1 if failed else 0


def cmd_sources(args: argparse.Namespace) -> int:
    """Show the followed sources and their poll state, or add, remove one, or list page updates."""
    import time

    from . import follow

    settings = _settings(args)
    action = args.action or "list"
    if action in ("add", "remove") and not args.url:
        raise UsageError(f"`storyline sources {action}` needs a URL")
    with (_open_store(args) if action == "add" else _existing_store(args)) as store:
        if action == "add":
            kind = args.kind or follow.guess_kind(args.url)
            if not follow.is_web_url(args.url):
                raise UsageError(f"{args.url!r} is not an http(s) URL")
            spec = follow.SourceSpec(args.url, kind, args.interval or settings.follow.interval, args.name)
            added = follow.Follower(store, settings).add_source(spec)
            out.print(f"{'added' if added else 'updated'} {kind} {follow.normal_url(args.url)}")
            return 0
        if action == "remove":
            if not store.remove_source(follow.normal_url(args.url)):
                raise NotFoundError(f"no source {args.url!r} (see `storyline sources`)")
            out.print(f"removed {follow.normal_url(args.url)}")
            return 0
        if action == "changes":
            for change in follow.changes(store, story=args.story):
                where = f"{change.old} -> {change.new} · story {change.story or '-'}"
                out.print(f"[bold]{escape(change.url)}[/] [dim]{where}[/]")
                if change.title:
                    out.print(f"  headline: “{escape(change.title[0])}” -> “{escape(change.title[1])}”")
                for text in change.removed:
                    out.print(f"  [red]-[/] {escape(text)}")
                for text in change.added:
                    out.print(f"  [green]+[/] {escape(text)}")
            return 0
        rows = store.sources()
    now = time.time()

    def when(t: float | None, due: bool = False) -> str:
        if not t:
            return "-"
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + (" (due)" if due and t <= now else "")

    table = Table("source", "kind", "status", "last poll", "new articles", "failures", "next poll", "error", box=None)
    for r in rows:
        next_poll = when(r["next_poll"], due=True) if r["last_poll"] else "now"
        table.add_row(escape(r["name"] or r["url"]), r["kind"], r["status"], when(r["last_poll"]),
                      str(r["new_articles"]), str(r["failures"]), next_poll, escape(r["last_error"] or ""))
    out.print(table)
    out.print(f"{len(rows)} sources")
    return 0


# -- rendering helpers for dedupe groups -----------------------------------------------------------------------
def _plain(obj: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def _render_group(group: DuplicateGroup) -> str:
    """A duplicate group as console markup: canonical article, its copies, then reused passages."""
    where = f"{group.canonical} · {escape(group.outlet or 'unknown outlet')} · {group.published or 'undated'}"
    head = f"[bold]{escape(group.title)}[/] [dim]{where}[/]"
    if group.flags:
        head += " [yellow]" + escape(f"[{', '.join(group.flags)}]") + "[/]"
    lines = [head]
    for m in group.members:
        lines.append(f"  copy {m.id} · {escape(m.outlet or 'unknown outlet')} · {m.published or 'undated'}"
                     f" · similarity {m.similarity:.2f}")
    for p in group.passages:
        lines.append(f"  [cyan]¶{p.paragraph} of {p.article}[/] “{escape(p.text)}”")
        for src in p.sources:
            when = "earlier" if src.order == "earlier" else "order unknown (dates do not say)"
            lines.append(f"      also in {src.article} ¶{src.paragraph} · {escape(src.outlet or 'unknown outlet')} · "
                         f"{src.published or 'undated'} · {when}")
    return "\n".join(lines) + "\n"


# -- parser ---------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    def global_options(top: bool) -> argparse.ArgumentParser:
        # The options work before or after the command; after it, they must not reset what was given before.
        p = argparse.ArgumentParser(add_help=False)
        unset = argparse.SUPPRESS
        p.add_argument("--db", default="storyline.db" if top else unset,
                       help="the store file (default: ./storyline.db)")
        p.add_argument("--config", default=None if top else unset, help="a TOML settings file overriding the defaults")
        p.add_argument("--quiet", "-q", action="store_true", default=False if top else unset, help="print only errors")
        return p

    common = global_options(top=False)

    parser = argparse.ArgumentParser(
        prog="storyline", description="Turn a pile of news articles into the stories they tell.",
        parents=[global_options(top=True)]
    )
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, parents=[common])
        p.set_defaults(func=func)
        return p

    p = add("ingest", cmd_ingest, "read inputs (files, directories, - for JSONL on stdin) into the store")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dup-threshold", type=float, default=None, help="near-duplicate Jaccard threshold (default 0.7)")
    p = add("run", cmd_run, "ingest inputs, run every stage, write DIR/stories.json and DIR/report.html")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--dup-threshold", type=float, default=None, help="near-duplicate Jaccard threshold (default 0.7)")
    p.add_argument("--words", type=int, default=None, help="summary length budget in words (default 120)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="where the per-article stages run: here (default) or on Ray (pip install 'storyline[ray]')")
    p.add_argument("--address", default=None, metavar="ADDR",
                   help="the Ray cluster to join (auto, or ray://HEAD:10001); default: a local Ray (--engine ray)")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="processes parsing at once (local) or parse actors (ray); default 0: every core")
    add("recluster", cmd_recluster, "recluster every stored article into stories from scratch")
    add("resume", cmd_resume, "finish the analysis an interrupted run left unfinished")
    add("check", cmd_check, "check the store's integrity and invariants")
    p = add("backup", cmd_backup, "copy the store to a new file (consistent while in use)")
    p.add_argument("target", metavar="FILE")
    p = add("articles", cmd_articles, "list stored articles")
    p.add_argument("--story", default=None)
    p.add_argument("--limit", type=int, default=None)
    p = add("show", cmd_show, "show one article with its paragraphs and flags")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p = add("export", cmd_export, "export stories as json, md or html")
    p.add_argument("--format", choices=("json", "md", "html"), default="json")
    p.add_argument("--output", "-o", default=None, metavar="FILE", help="write to FILE instead of standard output")
    p = add("stories", cmd_stories, "list stories, newest first")
    p.add_argument("--since", default=None, metavar="DATE", help="only stories active on or after DATE (YYYY-MM-DD)")
    p.add_argument("--entity", default=None, metavar="NAME")
    p.add_argument("--search", default=None, metavar="TEXT")
    p = add("duplicates", cmd_duplicates, "list duplicate groups and reused passages")
    p.add_argument("--story", default=None)
    p.add_argument("--json", action="store_true")
    p = add("entities", cmd_entities, "list entities merged across articles")
    p.add_argument("--story", default=None)
    p.add_argument("--limit", type=int, default=50)
    p = add("quotes", cmd_quotes, "list quotes with their speakers")
    p.add_argument("--speaker", default=None, metavar="NAME")
    p.add_argument("--limit", type=int, default=100)
    p = add("timeline", cmd_timeline, "print a story's timeline")
    p.add_argument("story")
    p.add_argument("--by", choices=("event", "report"), default="event",
                   help="order by the date of the event (default) or by when it was first reported")
    p = add("history", cmd_history, "show the merges and splits of a story or storyline")
    p.add_argument("id", metavar="STORY")
    p.add_argument("--json", action="store_true")
    p = add("why", cmd_why,
            "why an article is in its story (why ARTICLE), or what kept two stories apart (why STORY STORY)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true")
    p = add("new", cmd_new,
            "what a story gained since a time: articles, timeline entries, quotes, figures, changed figures")
    p.add_argument("story")
    p.add_argument("--since", required=True, metavar="TIME",
                   help="an ISO time or date (UTC), or 'last': the run before the latest")
    p.add_argument("--json", action="store_true")
    p = add("brief", cmd_brief, "print a story's cited brief with agreement and conflict")
    p.add_argument("story")
    p.add_argument("--words", type=int, default=None)
    p = add("serve", cmd_serve, "serve the web app and JSON API over the store")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--token", default=None,
                   help="allow POST /api/articles with this bearer token (or set $STORYLINE_TOKEN)")


    p = add("follow", cmd_follow, "follow feeds and sitemaps: poll, fetch new pages politely, stream them into stories")
    p.add_argument("sources", nargs="?", default=None, metavar="SOURCES.toml",
                   help="sources to follow (kept in the store)")
    p.add_argument("--feed", action="append", default=[], metavar="URL", help="an RSS/Atom feed to follow (repeatable)")
    p.add_argument("--sitemap", action="append", default=[], metavar="URL",
                   help="a (news) sitemap to follow (repeatable)")
    p.add_argument("--urls", default=None, metavar="FILE", help="a file of page URLs to fetch once, one a line")
    p.add_argument("--interval", type=float, default=None, metavar="SECONDS",
                   help="poll interval of the --feed and --sitemap sources (default: follow.interval)")
    p.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
    p = add("sources", cmd_sources, "show followed sources (last poll, status, new articles, failures, next poll); "
            "add or remove one; list page updates")
    p.add_argument("action", nargs="?", choices=("list", "add", "remove", "changes"), default=None)
    p.add_argument("url", nargs="?", default=None)
    p.add_argument("--kind", choices=("feed", "sitemap"), default=None, help="default: sitemap when the URL says so")
    p.add_argument("--name", default=None)
    p.add_argument("--interval", type=float, default=None, metavar="SECONDS")
    p.add_argument("--story", default=None, help="changes: only the updates of pages in this story")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `storyline` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except NotFoundError as exc:
        err.print(f"[red]error[/]: {escape(str(exc))}")
        return 2
    except StorylineError as exc:
        err.print(f"[red]error[/]: {escape(str(exc))}")
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted: everything committed so far is kept; run the same command again, or "
                  "`storyline resume`, to finish")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback only when asked for
        if os.environ.get("STORYLINE_DEBUG"):
            raise
        err.print(f"[red]internal error[/]: {escape(type(exc).__name__)}: {escape(str(exc))} "
                  "(set STORYLINE_DEBUG=1 for the traceback; please report it)")
        return 1


if __name__ == "__main__":
    sys.exit(main())

