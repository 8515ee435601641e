"""The package's layout holds: imports go down the pipeline, no cycles, no private names shared, small modules.

docs/architecture.md draws the layers; `LAYERS` below is the same list, lowest first. Every import
counts, at any depth of the module (imports inside functions and under `TYPE_CHECKING` too): a lazy
import is still a dependency, and a cycle through one is still a cycle. The checks read the source
with `ast` and never import it. The last tests run the same checks on a small package made to break
each rule, so a check that could not fail would fail there.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import secreview

# Folders of `secreview` by layer, lowest first; "" is the package's own `__init__`. A module may
# import from its own layer or a lower one, never a higher one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core", "cwe"),  # the vocabulary (findings, reviews) and the CWE catalogue
    ("sources",),  # what to review: files, text, trees, the change
    ("settings",),  # the run's configuration, resolved once
    ("analysis", "rules", "review"),  # the checks: data flow, rules and the walker, verdicts
    ("run",),  # reviewing many files: workers, the cache, per-file passes
    ("fixes",),  # mechanical fixes of findings
    ("report",),  # formats
    ("llm",),  # the second opinion
    ("api", ""),  # the Python API
    ("cli", "__main__", "lsp", "fleet"),  # front ends built on the API
)
MAX_LINES = 900


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the package module imported (the longest existing prefix of what was named)
    name: str | None  # for `from X import name`: the name, when it is not a module itself
    line: int


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package at `root`."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


@functools.cache
def imports(root: Path) -> tuple[Import, ...]:
    """Every import of one package module by another, wherever it sits in the importing module."""
    return tuple(_imports(root))


def _imports(root: Path) -> Iterator[Import]:
    known = modules(root)
    package = root.name

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    for module, path in known.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = resolve(alias.name)
                    if target and target != module:
                        yield Import(module, target, None, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importing module's package
                    parts = module.split(".") if is_package else module.split(".")[:-1]
                    base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
                if base != package and not base.startswith(package + "."):
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    target = full if full in known else resolve(base)
                    if target and target != module:
                        yield Import(module, target, None if full in known else alias.name, node.lineno)


def folder(module: str) -> str:
    """`secreview.run.cache` -> 'run'; the package itself -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_of(module: str) -> int:
    name = folder(module)
    for rank, names in enumerate(LAYERS):
        if name in names:
            return rank
    raise AssertionError(f"{module}: folder {name!r} is in no layer of LAYERS (add it, and to docs/architecture.md)")


def upward_imports(root: Path) -> list[str]:
    return sorted(f"{i.module} (line {i.line}) imports {i.target}: layer {folder(i.target) or 'top'!r} "
                  f"is above {folder(i.module) or 'top'!r}"
                  for i in imports(root) if layer_of(i.target) > layer_of(i.module))


def cycles(root: Path) -> list[list[str]]:
    """The groups of modules that import one another (strongly connected, more than one module)."""
    edges: dict[str, set[str]] = {}
    for item in imports(root):
        edges.setdefault(item.module, set()).add(item.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(modules(root)):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(found)


def private_imports(root: Path) -> list[str]:
    """`from x import _name` across modules: what two modules share gets a public name where it lives."""
    return sorted(f"{i.module} (line {i.line}) imports {i.target}.{i.name}" for i in imports(root)
                  if i.name and i.name.startswith("_") and not i.name.startswith("__"))


def long_modules(root: Path) -> list[str]:
    found = []
    for module, path in modules(root).items():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            found.append(f"{module}: {count} lines (split it by responsibility)")
    return found


PACKAGE = Path(secreview.__file__).parent


def test_every_folder_has_a_layer_and_says_what_it_may_import() -> None:
    for path in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and any(p.glob("*.py"))):
        layer_of(f"secreview.{path.name}")
        init = path / "__init__.py"
        assert init.is_file(), f"{path.name}/ has no __init__.py to say what it holds"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc or "imports nothing" in doc, f"{path.name}/__init__.py: what may it import?"


def test_imports_go_down_the_layers() -> None:
    assert upward_imports(PACKAGE) == []


def test_no_import_cycles() -> None:
    assert cycles(PACKAGE) == []


def test_no_private_name_is_imported_across_modules() -> None:
    assert private_imports(PACKAGE) == []


def test_no_module_is_over_the_limit() -> None:
    assert long_modules(PACKAGE) == []


# -- the checks can fail ----------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A package named like ours that breaks every rule once."""
    root = tmp_path / "secreview"
    files = {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/model.py": "from secreview.run import cache\n",  # upward: core -> run
        "run/__init__.py": "",
        "run/cache.py": "def f():\n    from secreview.run.parallel import _private\n",  # private, lazy
        "run/parallel.py": "from . import cache\n_private = 1\n",  # relative: run.parallel -> run.cache
        "report/__init__.py": "",
        "report/big.py": "x = 1\n" * (MAX_LINES + 1),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_checks_report_each_kind_of_violation(broken: Path) -> None:
    assert upward_imports(broken) == [
        "secreview.core.model (line 1) imports secreview.run.cache: layer 'run' is above 'core'"]
    assert cycles(broken) == [["secreview.run.cache", "secreview.run.parallel"]]
    assert private_imports(broken) == ["secreview.run.cache (line 2) imports secreview.run.parallel._private"]
    assert long_modules(broken) == [f"secreview.report.big: {MAX_LINES + 1} lines (split it by responsibility)"]


def test_a_folder_outside_the_layers_is_reported(broken: Path) -> None:
    (broken / "plugins").mkdir()
    (broken / "plugins" / "__init__.py").write_text("from secreview.core import model\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="folder 'plugins' is in no layer"):
        upward_imports(broken)
