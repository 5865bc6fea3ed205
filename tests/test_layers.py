"""The package keeps its shape: layers, no import cycles, no private names, Dask in one place.

Read from the source (every import statement, also those inside functions and under
``TYPE_CHECKING``), not from what happens to be imported at run time.
"""

from __future__ import annotations

import ast
import functools
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "corpus_tools"

#: Layers from the ground up: a module may import its own layer and the layers below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("corpus_tools.errors", "corpus_tools.exports", "corpus_tools.version"),
    ("corpus_tools.progress",),
    ("corpus_tools.engine",),
    ("corpus_tools.io",),
    ("corpus_tools.text",),
    ("corpus_tools.tokens",),
    (
        "corpus_tools.slogans",
        "corpus_tools.formulas",
        "corpus_tools.boilerplate",
        "corpus_tools.dedup",
    ),
    ("corpus_tools.keywords", "corpus_tools.topics"),
    ("corpus_tools.present",),
    ("corpus_tools.cli",),
)
#: The only part of the package that may import Dask.
ENGINE = "corpus_tools.engine"
DASK = ("dask", "distributed", "dask_expr")


class Import(NamedTuple):
    importer: str  # dotted module name
    line: int
    module: str  # dotted name of what is imported
    names: tuple[str, ...]  # names taken from it ("" for `import module`)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def is_package(name: str, mods: dict[str, Path]) -> bool:
    return mods[name].name == "__init__.py"


def imports_of(name: str, path: Path, mods: dict[str, Path]) -> Iterator[Import]:
    tree = parse(path)
    package = name if is_package(name, mods) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, node.lineno, alias.name, ("",))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield Import(name, node.lineno, base, tuple(a.name for a in node.names))


@functools.cache
def all_imports() -> list[Import]:
    mods = modules()
    return [imp for name, path in mods.items() for imp in imports_of(name, path, mods)]


def layer_of(module: str) -> int | None:
    for level, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return level
    return None


def targets(imp: Import, mods: dict[str, Path]) -> list[str]:
    """The modules of the package an import statement depends on (a package's face resolved
    to the submodules that define the names taken from it)."""
    if imp.module not in mods and not imp.module.startswith("corpus_tools"):
        return []
    out = []
    for name in imp.names:
        sub = f"{imp.module}.{name}"
        if name and sub in mods:
            out.append(sub)  # `from corpus_tools.dedup import index`
        elif imp.module in mods and is_package(imp.module, mods) and name:
            out.append(defining_module(imp.module, name, mods) or imp.module)
        elif imp.module in mods:
            out.append(imp.module)
    return out


def defining_module(package: str, name: str, mods: dict[str, Path]) -> str | None:
    """The submodule a package's ``__init__`` takes ``name`` from, if it re-exports it."""
    for node in ast.walk(parse(mods[package])):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return node.module if node.module in mods else None
    return None


def test_every_module_has_a_layer() -> None:
    mods = modules()
    unplaced = [m for m in mods if m != "corpus_tools" and layer_of(m) is None]
    assert not unplaced, f"add these modules to a layer in tests/test_layers.py: {unplaced}"


def test_imports_only_go_down() -> None:
    mods = modules()
    upward = []
    for imp in all_imports():
        if imp.importer == "corpus_tools":  # the package face re-exports every layer
            continue
        mine = layer_of(imp.importer)
        for target in targets(imp, mods):
            theirs = layer_of(target)
            if target == "corpus_tools" or (
                theirs is not None and mine is not None and theirs > mine
            ):
                upward.append(f"{imp.importer}:{imp.line} imports {target}")
    assert not upward, "imports that run up a layer:\n" + "\n".join(upward)


def test_no_import_cycle_between_modules() -> None:
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods if not is_package(m, mods)}
    for imp in all_imports():
        if imp.importer not in graph:
            continue
        for target in targets(imp, mods):
            if target in graph and target != imp.importer:
                graph[imp.importer].add(target)
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = itertools.count()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = next(counter)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_private_names_across_modules() -> None:
    private = []
    for imp in all_imports():
        if not imp.module.startswith("corpus_tools"):
            continue
        if any(part.startswith("_") for part in imp.module.split(".")):
            private.append(f"{imp.importer}:{imp.line} imports the private module {imp.module}")
        for name in imp.names:
            if name.startswith("_") and name != "__version__":
                private.append(f"{imp.importer}:{imp.line} imports {imp.module}.{name}")
    assert not private, "\n".join(private)


def test_no_module_is_named_private() -> None:
    named = [m for m in modules() if any(p.startswith("_") for p in m.split("."))]
    assert not named, f"modules with a private name: {named}"


def test_only_the_engine_layer_imports_dask() -> None:
    outside = [
        f"{imp.importer}:{imp.line} imports {imp.module}"
        for imp in all_imports()
        if imp.module.split(".")[0] in DASK
        and not (imp.importer == ENGINE or imp.importer.startswith(ENGINE + "."))
    ]
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert find_cycles(graph) == expected


def test_the_checks_see_function_level_and_relative_imports(tmp_path: Path) -> None:
    source = "def f():\n    from corpus_tools.cli import main\n    from .x import _y\n"
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    mods = {"corpus_tools.text.m": path, "corpus_tools.text": tmp_path / "__init__.py"}
    found = list(imports_of("corpus_tools.text.m", path, mods))
    assert [(i.module, i.names) for i in found] == [
        ("corpus_tools.cli", ("main",)),
        ("corpus_tools.text.x", ("_y",)),
    ]
    assert layer_of("corpus_tools.cli") > layer_of("corpus_tools.text.m")  # type: ignore[operator]
