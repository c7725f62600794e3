"""The import graph of pxl10n, drawn from the code: no cycles, not even type-only or lazy ones.

Every ``import`` counts: at module level, under ``TYPE_CHECKING`` and inside
functions. A cycle means two modules each need the other, so neither can be read,
tested or moved alone; a lower layer that needs an upper one has its job in the
wrong place.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pxl10n"

#: Imports allowed to close a cycle, as (importer, imported); they are left out of the graph the
#: test below checks. Empty: no module of pxl10n imports, even for types only, one that imports it back.
KNOWN_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every pxl10n module ``name`` imports anywhere in its file (a name that is a submodule is that module)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, name, is_package)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        yield from (target for target in targets if target in known and target != name)


@functools.cache
def graph() -> Mapping[str, frozenset[str]]:
    """importer -> the pxl10n modules it imports; drawn once per run (parsing every module is most of this file's time)."""
    known = modules()
    return {name: frozenset(imports_of(name, path, known)) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """The strongly connected components with more than one module (Tarjan), each as sorted names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.add(tuple(sorted(component)))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_drawn_from_every_kind_of_import() -> None:
    """The reader sees module-level, relative, type-only and function-level imports (else the test below proves nothing)."""
    edges = graph()
    assert "pxl10n.sync.pull" in edges["pxl10n"]  # under TYPE_CHECKING
    assert "pxl10n.sync.validation" in edges["pxl10n.sync.push"]  # inside a function
    assert "pxl10n.emulator.store" in edges["pxl10n.emulator.app"]  # relative
    assert "pxl10n.validate.parsing" in edges["pxl10n.validate.engine"]  # ``from package import module``


def test_cycles_are_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(edges) == {("a", "b", "c")}


def test_pxl10n_has_no_import_cycle() -> None:
    edges = {name: {t for t in targets if (name, t) not in KNOWN_CYCLE_EDGES} for name, targets in graph().items()}
    assert cycles(edges) == set(), "modules that import each other (directly or around a loop)"


def test_the_version_has_one_home_below_everything() -> None:
    """``pxl10n.__version__`` is read from ``pxl10n.version``, which imports nothing of pxl10n."""
    import pxl10n
    from pxl10n.version import __version__

    assert pxl10n.__version__ == __version__
    assert graph()["pxl10n.version"] == set()
    assert not any("pxl10n" in targets for name, targets in graph().items() if name != "pxl10n")
