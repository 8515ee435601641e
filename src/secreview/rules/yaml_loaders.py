"""Whether a PyYAML loader class constructs only plain data, by its class hierarchy.

`yaml.load(text, Loader=X)` is safe when X's constructor is PyYAML's `SafeConstructor` (or
`BaseConstructor`): `SafeLoader`, `CSafeLoader`, `BaseLoader`, or a class of the module built
on them — ansible-test's `class TestLoader(CParser, TestConstructor, Resolver)` with
`class TestConstructor(SafeConstructor)`. A class that also inherits an object-constructing
constructor (`Constructor`, `FullConstructor`, `UnsafeConstructor`, or a loader built on one)
is not safe, whatever its name says (`class MySafeLoader(yaml.Loader)`). Parser, scanner,
composer and resolver classes construct nothing and do not count either way.

Classes of other modules are not visible to a per-file rule: for those the name is all there
is (`...SafeLoader`, `...BaseLoader`).
"""

from __future__ import annotations

import ast

from secreview.rules.base import Context

SAFE = frozenset({
    "yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader", "yaml.loader.SafeLoader",
    "yaml.loader.BaseLoader", "yaml.cyaml.CSafeLoader", "yaml.cyaml.CBaseLoader", "yaml.SafeConstructor",
    "yaml.BaseConstructor", "yaml.constructor.SafeConstructor", "yaml.constructor.BaseConstructor",
})
UNSAFE = frozenset({
    "yaml.Loader", "yaml.FullLoader", "yaml.UnsafeLoader", "yaml.CLoader", "yaml.CFullLoader",
    "yaml.CUnsafeLoader", "yaml.loader.Loader", "yaml.loader.FullLoader", "yaml.loader.UnsafeLoader",
    "yaml.cyaml.CLoader", "yaml.cyaml.CFullLoader", "yaml.cyaml.CUnsafeLoader", "yaml.Constructor",
    "yaml.FullConstructor", "yaml.UnsafeConstructor", "yaml.constructor.Constructor",
    "yaml.constructor.FullConstructor", "yaml.constructor.UnsafeConstructor",
})


def is_safe_loader(ctx: Context, loader: ast.expr) -> bool:
    """`loader` (the `Loader=` argument) constructs only plain data."""
    return _safety(ctx, loader, set()) is True


def _safety(ctx: Context, node: ast.expr, seen: set[str]) -> bool | None:
    """True: a safe constructor; False: an object-constructing one; None: constructs nothing we know of."""
    qualname = ctx.qualname(node) or ""
    if qualname in SAFE:
        return True
    if qualname in UNSAFE:
        return False
    local = _module_class(ctx, node)
    if local is None:
        if qualname.startswith("yaml."):
            return None  # a parser, scanner, composer or resolver
        return True if qualname.endswith(("SafeLoader", "BaseLoader")) else None
    if local.name in seen:
        return None
    seen.add(local.name)
    found: bool | None = None
    for base in local.bases:
        safety = _safety(ctx, base, seen)
        if safety is False:
            return False
        if safety:
            found = True
    return found


def _module_class(ctx: Context, node: ast.expr) -> ast.ClassDef | None:
    """The class statement at module level that a bare name refers to."""
    if type(node) is not ast.Name:
        return None
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == node.id:  # type: ignore[attr-defined]
            return statement
    return None
