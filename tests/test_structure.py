"""The package's shape: no import cycle, no private name used outside its module, no module over 450 lines.

Why: a cycle or a private name reached from another module ties two modules
together so that neither can change alone; a module past a few hundred lines
owns more than one thing.  Every import counts, including those
inside functions and under TYPE_CHECKING: a lazy import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dedup"
MAX_LINES = 450


def _modules() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.glob("*.py"))}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _imports(tree: ast.Module, modules: set[str]) -> tuple[set[str], list[str], dict[str, str]]:
    """(modules of the package imported, private names imported from them, local alias → module)."""
    deps: set[str] = set()
    private: list[str] = []
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = _package_module(node)
            if base is None:
                continue
            for alias in node.names:
                if base == "" and alias.name in modules:  # from . import reader
                    deps.add(alias.name)
                    aliases[alias.asname or alias.name] = alias.name
                elif base:
                    deps.add(base)
                    if _private(alias.name):
                        private.append(f"from {base} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dedup."):
                    deps.add(alias.name.split(".")[1])
    return deps & modules, private, aliases


def _package_module(node: ast.ImportFrom) -> str | None:
    """The package module an import reads from ("" for the package itself), None for another package."""
    if node.level == 1:
        return (node.module or "").split(".")[0]
    if node.level == 0 and node.module and (node.module == "dedup" or node.module.startswith("dedup.")):
        return node.module.split(".")[1] if "." in node.module else ""
    return None


def _private_attributes(tree: ast.Module, aliases: dict[str, str]) -> list[str]:
    """`reader._x` where `reader` is a module of the package imported by name."""
    return [f"{node.value.id}.{node.attr}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in aliases and _private(node.attr)]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    names = set(modules)
    return {name: _imports(tree, names)[0] - {name} for name, tree in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle():
    assert _cycle(_graph()) is None


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_private_name_crosses_modules():
    modules = _modules()
    found = []
    for name, tree in modules.items():
        _deps, private, aliases = _imports(tree, set(modules))
        found += [f"{name}: {use}" for use in private + _private_attributes(tree, aliases)]
    assert found == []


def test_the_private_name_check_finds_both_forms():
    tree = ast.parse("from .neardup import _Doc\nfrom . import reader\nreader._walk(1)\n")
    _deps, private, aliases = _imports(tree, {"neardup", "reader"})
    assert private == ["from neardup import _Doc"]
    assert _private_attributes(tree, aliases) == ["reader._walk"]


def test_no_module_over_the_size_limit():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
