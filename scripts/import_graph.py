"""The import graph of the storyline package, read from the source with ``ast``: every import, at any depth
(inside functions and ``if TYPE_CHECKING:`` too), between the package's own modules.

It checks the house rules and prints what breaks them:

1. no import circle anywhere (strongly connected components of more than one module, or a module importing
   itself);
2. a stage (a package or module listed in :data:`STAGES`) imports only itself and :data:`SHARED` (the context,
   the records, the settings, the errors, the store and the ``text`` helpers), never another stage, the pipeline
   or a shell;
3. only the pipeline and the shells (:data:`SHELLS`) import stages.

Usage:
    python scripts/import_graph.py [SRC_DIR] [--dot]   (default: src/storyline; --dot prints Graphviz)
Exit status 0 when every rule holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "storyline"
STAGES = ("ingest", "clean", "dedupe", "nlp", "stories", "extract", "timeline", "brief", "claims")
SHARED = ("context", "model", "config", "errors", "store", "text")
SHELLS = ("pipeline", "cli", "report", "web", "follow", "engines")


def module_name(path: Path, root: Path) -> str:
    """``storyline.clean.cleaner`` for ``ROOT/clean/cleaner.py`` (a package is its ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def imports_of(path: Path, name: str, modules: set[str]) -> Iterator[str]:
    """The package's own modules that the file at ``path`` (module ``name``) imports."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # "from . import boilerplate" names a module; "from .cleaner import tidy" names a module's attribute
            targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in modules else prefix for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # storyline.text.parser.NLP -> storyline.text.parser
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    modules = set(files)
    return {name: set(imports_of(path, name, modules)) for name, path in files.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(1000, 4 * len(edges)))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def top(module: str) -> str:
    """The first part below the package: ``clean`` for ``storyline.clean.cleaner``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def rule_breaks(edges: dict[str, set[str]]) -> list[str]:
    """Every import that breaks rule 2 or 3, as a sentence."""
    out = []
    for src, targets in sorted(edges.items()):
        s = top(src)
        for dst in sorted(targets):
            d = top(dst)
            if d == s or d == "":
                continue
            if s in STAGES and d not in SHARED:
                out.append(f"stage {s}: {src} imports {dst} (a stage imports only itself and {', '.join(SHARED)})")
            elif d in STAGES and s not in SHELLS and s not in STAGES:
                out.append(f"{src} imports the stage module {dst} (only the pipeline and the shells may)")
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the rule breaks (and with --dot the graph); exit 1 when any."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", nargs="?", default=str(Path(__file__).resolve().parent.parent / "src" / PACKAGE))
    ap.add_argument("--dot", action="store_true", help="print the module graph in Graphviz dot")
    args = ap.parse_args(argv)
    edges = graph(Path(args.src))
    if args.dot:
        print("digraph storyline {")
        for src, targets in sorted(edges.items()):
            for dst in sorted(targets):
                print(f'  "{src}" -> "{dst}";')
        print("}")
    problems = [f"import circle: {' -> '.join(c)}" for c in circles(edges)] + rule_breaks(edges)
    for line in problems:
        print(line)
    n_edges = sum(len(t) for t in edges.values())
    print(f"{len(edges)} modules, {n_edges} imports, {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
