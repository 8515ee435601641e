"""Which file a dotted name means, seen from the file that names it.

The per-file pass names a file by its dotted module name
(`secreview.sources.discover.module_name`: `pkg/sub/mod.py` is `pkg.sub.mod` while
`pkg` and `pkg/sub` hold an `__init__.py`) and writes every function, class
and callee as a dotted name. Python finds an import on `sys.path`, whose
entries are *roots*: the folder of a script, or the nearest folder without an
`__init__.py` above a package. Two files in different roots can have the same
dotted name (`service_a/app.py` and `service_b/app.py`, two `scripts/main.py`),
and `import app` then means the file of the importer's own root.

The link (`secreview.analysis.flows`) keys everything by dotted name, so
before linking, `Namespaces` renames the top-level name of such a module per
root (`app` -> `app@0` in one root, `app@1` in the other), in the modules of
that root that define or name it. Every file keeps a name of its own, and an
import resolves to the module of the importer's root. A module of a third root
that names `app` is left as it is: no file is called `app` any more, so the
call stays unresolved, as Python would leave it without that root on its path.
Names no two roots share — nearly all of them — are not touched, so a project
without such files links exactly as before and pays one dictionary lookup per
module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from secreview.analysis.summaries import ModuleSummary


def root_of(path: str, module: str) -> str:
    """The sys.path entry from which `module` is the import name of the file `path`.

    `root/pkg/sub/mod.py` named `pkg.sub.mod` -> `root`; a script `tools/run.py`
    named `run` -> `tools`. Worked out from the two names alone (a file name with
    a dot in its stem, `a.b.py`, is not an import name and still gets its folder).
    """
    directory, base = os.path.split(path)
    stem = base[:-3] if base.endswith(".py") else base
    if stem == "__init__":
        package = module
    elif module.endswith("." + stem):
        package = module[: -len(stem) - 1]
    else:
        package = ""
    for _ in range(package.count(".") + 1 if package else 0):
        directory = os.path.dirname(directory)
    return directory


@dataclass(frozen=True)
class Namespaces:
    """The renaming that gives every linked file a dotted name of its own (see the module docstring).

    `tables` holds, per root that needs one, the top-level names to rename
    (`{"app": "app@0"}`); `of_path` says which table each affected file uses: its
    root's, or a table of its own for a file its root already has under the same
    name (`pkg.py` beside the package `pkg/`, which Python imports instead).
    """

    tables: tuple[dict[str, str], ...] = ()
    of_path: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, modules: Iterable[tuple[str, str]]) -> Namespaces:
        """The renaming for a project of (path, module name) pairs, in link order."""
        pairs = list(modules)
        roots = [root_of(path, module) for path, module in pairs]
        defined: dict[str, list[str]] = {}  # top-level name -> the roots defining it, in order
        for (_, module), root in zip(pairs, roots):
            places = defined.setdefault(module.partition(".")[0], [])
            if root not in places:
                places.append(root)
        by_root: dict[str, dict[str, str]] = {}
        for top, places in defined.items():
            if len(places) > 1:
                for number, root in enumerate(places):
                    by_root.setdefault(root, {})[top] = f"{top}@{number}"
        tables = list(by_root.values())
        table_of = {root: number for number, root in enumerate(by_root)}
        of_path: dict[str, int] = {}
        owner: set[tuple[str, str]] = set()  # (root, module) already given to a file
        for (path, module), root in sorted(zip(pairs, roots), key=_package_first):
            if (root, module) in owner:  # shadowed: a name of its own, which nothing else uses
                top = module.partition(".")[0]
                of_path[path] = len(tables)
                tables.append({**by_root.get(root, {}), top: f"{top}@s{len(tables)}"})
                continue
            owner.add((root, module))
            if root in table_of:
                of_path[path] = table_of[root]
        return cls(tuple(tables), of_path)

    def apply(self, summary: ModuleSummary) -> ModuleSummary:
        """`summary` with the names its root gives them (the same object when nothing is renamed)."""
        number = self.of_path.get(summary.path)
        if number is None:
            return summary
        table = self.tables[number]
        if not _names_any(summary, table):
            return summary
        return _renamed(summary, _renamer(table))


def _package_first(entry: tuple) -> tuple[bool, str]:
    """Sort key: a package's `__init__.py` before a module of the same name (Python imports the package)."""
    path = entry[0][0]
    return os.path.basename(path) != "__init__.py", path


def _renamer(table: dict[str, str]) -> Callable[[str], str]:
    def rename(name: str) -> str:
        top, dot, rest = name.partition(".")
        new = table.get(top)
        return name if new is None else new + dot + rest

    return rename


def _names_any(summary: ModuleSummary, table: dict[str, str]) -> bool:
    """Whether a name in `summary` starts with one of the top-level names `table` renames."""
    prefixes = tuple(top + "." for top in table)

    def named(name: str) -> bool:
        return name in table or name.startswith(prefixes)

    return (named(summary.module) or any(named(call.callee) for call in summary.calls)
            or any(named(base) for bases in summary.classes.values() for base in bases)
            or any(named(target) for target in summary.exports.values()))


def _renamed(summary: ModuleSummary, rename: Callable[[str], str]) -> ModuleSummary:
    """Every dotted name in `summary` renamed: definitions, callees, bases, fields and field atoms."""

    def taint(value: frozenset) -> frozenset:
        if not any(atom[0] == "f" for atom in value):
            return value
        return frozenset(("f", rename(atom[1]), atom[2]) if atom[0] == "f" else atom for atom in value)

    functions = {
        rename(qualname): function._replace(
            qualname=rename(qualname), returns=taint(function.returns),
            sinks=tuple(sink._replace(taint=taint(sink.taint)) for sink in function.sinks))
        for qualname, function in summary.functions.items()}
    calls = tuple(call._replace(
        callee=rename(call.callee), caller=rename(call.caller), args=tuple(taint(a) for a in call.args),
        keywords=tuple((key, taint(value)) for key, value in call.keywords), star=taint(call.star),
        receiver=taint(call.receiver)) for call in summary.calls)
    return ModuleSummary(
        path=summary.path, module=rename(summary.module), functions=functions, calls=calls, sources=summary.sources,
        fields=tuple((rename(name), rename(writer), taint(value)) for name, writer, value in summary.fields),
        classes={rename(name): tuple(rename(base) for base in bases) for name, bases in summary.classes.items()},
        waivers=summary.waivers, exports={name: rename(target) for name, target in summary.exports.items()})
