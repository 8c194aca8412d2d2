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
        raise UsageError(f"{args.db}: no such store; run `storyline ingest PATH` or `storyline run PATH --out DIR` first")
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


def _ingest_and_analyse(args: argparse.Namespace, store: Store, settings: Settings) -> tuple[pipeline.IngestReport, int]:
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
            ctx = pipeline.RunContext(store, settings, new_ids=report.new)
            pipeline.analyse(ctx, on_stage=lambda name: bar.update(task, description=name))
    else:
        report = pipeline.ingest_paths(args.paths, store, settings)
        ctx = pipeline.RunContext(store, settings, new_ids=report.new)
        pipeline.analyse(ctx)
    for r in report.rejected:
        err.print(f"[red]error[/]: {escape(str(r))}")
    dups = sum(1 for a in store.iter_articles(report.new) if a.duplicate_of)
    if not quiet:
        out.print(
            f"read {report.read} · new {len(report.new)} · already stored {len(report.existing)} · "
            f"duplicates {dups} · failed {report.failed}"
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
    with _open_store(args) as store:
        report, _ = _ingest_and_analyse(args, store, settings)
        json_path, html_path = _write_outputs(store, Path(args.out))
    if not args.quiet:
        out.print(f"stories: {json_path}")
        out.print(f"report:  {html_path}")
    return _exit_for(report)


def cmd_recluster(args: argparse.Namespace) -> int:
    """Recluster every stored article into stories from scratch."""
    settings = _settings(args)
    with _existing_store(args) as store:
        ctx = pipeline.RunContext(store, settings, new_ids=store.article_ids(), full=True)
        pipeline.analyse(ctx, [s for s in pipeline.STAGES if s.name not in ("nlp", "captions", "dedupe")])
        n = sum(1 for _ in store.iter_stories())
    if not args.quiet:
        out.print(f"reclustered {len(ctx.new_ids)} articles into {n} stories")
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
            ("language", a.language), ("flags", ", ".join(a.flags)), ("duplicate of", a.duplicate_of), ("story", a.story),
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
        table.add_row(s.id, s.first_date or "-", s.last_date or "-", str(len(s.articles)), str(len(s.outlets)), escape(s.title))
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
    """Print a story's timeline."""
    from .timeline import shown_date

    with _existing_store(args) as store:
        story = store.get_story(args.story)
    out.print(f"[bold]{escape(story.title)}[/]")
    for e in story.timeline:
        when = shown_date(e.date, e.granularity)  # "2017-08" for a month, "2017" for a year: never an invented day
        out.print(f"{when:>10}  {escape(e.text)} [dim]" + escape(f"[{', '.join(e.sources)}]") + "[/]")
    if not story.timeline:
        out.print("[dim]no dated events[/]")
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
    head = f"[bold]{escape(group.title)}[/] [dim]{group.canonical} · {escape(group.outlet or 'unknown outlet')} · {group.published or 'undated'}[/]"
    if group.flags:
        head += " [yellow]" + escape(f"[{', '.join(group.flags)}]") + "[/]"
    lines = [head]
    for m in group.members:
        lines.append(f"  copy {m.id} · {escape(m.outlet or 'unknown outlet')} · {m.published or 'undated'} · similarity {m.similarity:.2f}")
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
        p.add_argument("--db", default="storyline.db" if top else unset, help="the store file (default: ./storyline.db)")
        p.add_argument("--config", default=None if top else unset, help="a TOML settings file overriding the defaults")
        p.add_argument("--quiet", "-q", action="store_true", default=False if top else unset, help="print only errors")
        return p

    common = global_options(top=False)

    parser = argparse.ArgumentParser(
        prog="storyline", description="Turn a pile of news articles into the stories they tell.", parents=[global_options(top=True)]
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
    add("recluster", cmd_recluster, "recluster every stored article into stories from scratch")
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
    p = add("brief", cmd_brief, "print a story's cited brief with agreement and conflict")
    p.add_argument("story")
    p.add_argument("--words", type=int, default=None)
    p = add("serve", cmd_serve, "serve the web app and JSON API over the store")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--token", default=None,
                   help="allow POST /api/articles with this bearer token (or set $STORYLINE_TOKEN)")
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
        err.print("interrupted: everything committed so far is kept; run the same command again to resume")
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

