"""The package's layout rules, checked from the source: one job per module, imports one way.

Read by `ast`, not by importing, so that a lazy import inside a function counts as much as
one at the top: a cycle through a function-level import is still a cycle for the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "pipeline"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _resolve(node: ast.ImportFrom | ast.Import, here: str) -> list[tuple[str, list[str]]]:
    """(imported module, names taken from it) for each pipeline module an import statement reads."""
    out = []
    if isinstance(node, ast.Import):
        return [(a.name, []) for a in node.names if a.name.split(".")[0] == "pipeline"]
    base = node.module or ""
    if node.level:
        package = here if MODULES[here].name == "__init__.py" else here.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            package = package.rsplit(".", 1)[0]
        base = f"{package}.{base}" if base else package
    if base.split(".")[0] != "pipeline":
        return []
    taken = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        if sub in MODULES:  # `from pipeline.run import flow`: the module itself
            out.append((sub, []))
        else:
            taken.append(alias.name)
    if taken:
        out.append((base, taken))
    return out


def _imports() -> dict[str, list[tuple[str, list[str]]]]:
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = [r for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                       for r in _resolve(node, name)]
    return graph


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    edges = {}
    for mod, imported in _imports().items():
        # a package's __init__ is a docstring: importing a sub-module through it is no edge back
        edges[mod] = {m for m, _ in imported if m in MODULES and m != mod and not MODULES[m].name == "__init__.py"}
    assert _cycles(edges) == []


def test_no_private_name_across_modules() -> None:
    crossing = [f"{mod} takes {name} from {src}" for mod, imported in _imports().items()
                for src, names in imported if src != mod for name in names
                if name.startswith("_") and not name.startswith("__")]
    assert crossing == []


def test_nothing_in_the_package_imports_the_top_level_flows_script() -> None:
    assert [mod for mod, imported in _imports().items() if any(m == "flows" for m, _ in imported)] == []
    for path in MODULES.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(n, ast.Import) and any(a.name == "flows" for a in n.names) for n in ast.walk(tree)), path


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_small_and_says_its_job(name: str) -> None:
    path = MODULES[name]
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_LINES, f"{path.name}: {len(source.splitlines())} lines"
    if path.name != "__main__.py":
        assert ast.get_docstring(ast.parse(source)), f"{name} has no docstring saying its job"
    assert "sys.path" not in source, f"{name} edits sys.path"
