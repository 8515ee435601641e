"""Resolve how code spells a name to what it means.

Rules ask for a call's *qualified name* (`subprocess.run`, `yaml.load`) and
never match on spelling, so `import subprocess as sp; sp.run(...)` and
`from os import system as run; run(...)` are the same calls as the plain
forms. The model is pyflakes-sized on purpose: a stack of scopes, filled in
source order during the one pass over the tree, recording for each name what
it was bound to (an import, an alias of another qualified name, an instance of
an imported class, a constant, or something unknown).
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

BUILTINS = frozenset(dir(builtins))
# The ast classes the model tests, as constants: compiled, `ast.Name` is an attribute lookup on the `ast`
# module at each use, a Final constant a static (the model is asked ~0.5M times on a large project).
_ADD: Final = ast.Add
_ATTRIBUTE: Final = ast.Attribute
_BIN_OP: Final = ast.BinOp
_CALL: Final = ast.Call
_CONSTANT: Final = ast.Constant
_FORMATTED_VALUE: Final = ast.FormattedValue
_IF_EXP: Final = ast.IfExp
_IMPORT: Final = ast.Import
_JOINED_STR: Final = ast.JoinedStr
_MOD: Final = ast.Mod
_NAME: Final = ast.Name
_NAME_OR_ATTRIBUTE: Final = (ast.Name, ast.Attribute)
_STARRED: Final = ast.Starred
_TUPLE: Final = ast.Tuple
_TUPLE_OR_DICT: Final = (ast.Tuple, ast.Dict)
_TUPLE_OR_LIST: Final = (ast.Tuple, ast.List)
_TUPLE_OR_LIST_OR_SET: Final = (ast.Tuple, ast.List, ast.Set)


@dataclass(slots=True)
class Binding:
    """What a name refers to, as far as a single pass can tell."""

    qualname: str | None = None  # import or alias target, or the class of an instance
    constant: bool = False  # every value assigned so far is a compile-time constant
    value: Any = None  # the constant's value when known (str, int, bytes, ...)
    kind: str = "unknown"  # import | alias | instance | constant | param | def | unknown
    line: int = 0
    expr: ast.expr | None = None  # the expression last assigned, for checks that ask how a value was built


@dataclass(slots=True)
class Scope:
    node: ast.AST | None
    kind: str  # module | class | function
    names: dict[str, Binding] = field(default_factory=dict)


class NameModel:
    """Scopes and bindings for one module, updated as the visitor walks."""

    def __init__(self, module: str = "", path: str = "") -> None:
        self.module = module
        # A package's __init__.py is the package itself: `from .x import y` there means `module.x.y`.
        self.package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        self.scopes: list[Scope] = [Scope(None, "module")]

    # -- scopes -------------------------------------------------------------
    def push(self, node: ast.AST, kind: str) -> None:
        self.scopes.append(Scope(node, kind))

    def pop(self) -> None:
        self.scopes.pop()

    @property
    def module_scope(self) -> Scope:
        return self.scopes[0]

    def lookup(self, name: str) -> Binding | None:
        """Python's rule: innermost function scopes, skipping class bodies, then module."""
        scopes = self.scopes
        last = len(scopes) - 1
        for index in range(last, -1, -1):
            scope = scopes[index]
            if scope.kind == "class" and index != last:
                continue
            binding = scope.names.get(name)
            if binding is not None:
                return binding
        return None

    # -- bindings -----------------------------------------------------------
    def bind(self, name: str, binding: Binding) -> None:
        """Bind in the current scope; a name stays constant only while every value is."""
        names = self.scopes[-1].names
        old = names.get(name)
        if old is not None and binding.constant:
            if not old.constant:
                binding = Binding(line=binding.line)
            elif old.value != binding.value:
                binding = Binding(constant=True, value=UNKNOWN_CONSTANT, kind="constant", line=binding.line,
                                  expr=binding.expr)
        names[name] = binding

    def bind_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, _IMPORT):
            for alias in node.names:
                if alias.asname:
                    self.bind(alias.asname, Binding(alias.name, kind="import", line=node.lineno))
                else:
                    top = alias.name.split(".", 1)[0]
                    self.bind(top, Binding(top, kind="import", line=node.lineno))
            return
        base = self._import_base(node)
        for alias in node.names:
            if alias.name == "*":
                continue
            target = f"{base}.{alias.name}" if base else alias.name
            self.bind(alias.asname or alias.name, Binding(target, kind="import", line=node.lineno))

    def _import_base(self, node: ast.ImportFrom) -> str:
        module = node.module or ""
        if not node.level:
            return module
        package = self.package.split(".")
        # Level 1 is this module's package, each further level one package up.
        package = package[: max(0, len(package) - node.level + 1)]
        parts = [p for p in package if p] + ([module] if module else [])
        return ".".join(parts) if parts else "." * node.level + module

    def bind_target(self, target: ast.expr, value: ast.expr | None, line: int) -> None:
        """Record an assignment `target = value` (value None: unknown)."""
        if isinstance(target, _NAME):
            self.bind(target.id, self.describe(value, line))
        elif isinstance(target, _TUPLE_OR_LIST):
            values = value.elts if isinstance(value, _TUPLE_OR_LIST) else None
            for index, element in enumerate(target.elts):
                sub = values[index] if values is not None and index < len(values) else None
                if isinstance(element, _STARRED):
                    element, sub = element.value, None
                self.bind_target(element, sub, line)
        elif isinstance(target, _STARRED):
            self.bind_target(target.value, None, line)

    def describe(self, value: ast.expr | None, line: int) -> Binding:
        if value is None:
            return Binding(line=line)
        const = self.constant_value(value)
        if const is not NOT_CONSTANT:
            return Binding(constant=True, value=const, kind="constant", line=line, expr=value)
        if isinstance(value, _NAME_OR_ATTRIBUTE):
            qual = self.qualname(value)
            if qual is not None:
                return Binding(qual, kind="alias", line=line, expr=value)
        if isinstance(value, _CALL):
            qual = self.qualname(value.func)
            module = dynamic_import(value, qual) if value.args else None
            if module is not None:  # `os_ = importlib.import_module("os")` is `import os as os_`
                return Binding(module, kind="alias", line=line, expr=value)
            if qual is not None and "." in qual:
                return Binding(qual, kind="instance", line=line, expr=value)
        return Binding(line=line, expr=value)

    # -- queries ------------------------------------------------------------
    def qualname(self, node: ast.expr) -> str | None:
        """`sp.run` -> 'subprocess.run'; builtins by their bare name; None if unknown."""
        if isinstance(node, _NAME):
            binding = self.lookup(node.id)
            if binding is None:
                if node.id == "__builtins__":
                    return "builtins"
                return node.id if node.id in BUILTINS else None
            if binding.kind in ("import", "alias", "instance"):
                return binding.qualname
            return None
        if isinstance(node, _ATTRIBUTE):
            base = self.qualname(node.value)
            if base is None:
                return None
            return member(base, node.attr)
        if isinstance(node, _CALL):
            looked_up = getattr_member(node, self.constant_value) if self.lookup("getattr") is None else None
            if looked_up is not None:  # `getattr(builtins, "eval")` is `builtins.eval`, that is `eval`
                base = self.qualname(looked_up[0])
                return None if base is None else member(base, looked_up[1])
            # `requests.Session().get` resolves as a method of the class, and
            # `importlib.import_module("os")` is the module `os` (`dynamic_import`).
            called = self.qualname(node.func)
            return (dynamic_import(node, called) if node.args else None) or called
        return None

    def constant_value(self, node: ast.expr | None) -> object:
        """The compile-time value of an expression, or NOT_CONSTANT.

        Strings built only from literals and names bound only to literals are
        constants; a value that might come from outside the program is not.
        """
        if node is None:
            return NOT_CONSTANT
        if isinstance(node, _CONSTANT):
            return node.value
        if isinstance(node, _NAME):
            binding = self.lookup(node.id)
            if binding is not None and binding.constant:
                return binding.value
            return NOT_CONSTANT
        if isinstance(node, _JOINED_STR):
            for part in node.values:
                if isinstance(part, _FORMATTED_VALUE) and self.constant_value(part.value) is NOT_CONSTANT:
                    return NOT_CONSTANT
            return UNKNOWN_CONSTANT
        if isinstance(node, _BIN_OP):
            left = self.constant_value(node.left)
            if left is NOT_CONSTANT:
                return NOT_CONSTANT
            if isinstance(node.op, _MOD) and isinstance(node.right, _TUPLE_OR_DICT):
                right_ok = all(
                    self.constant_value(v) is not NOT_CONSTANT
                    for v in (node.right.elts if isinstance(node.right, _TUPLE) else node.right.values)
                )
                return UNKNOWN_CONSTANT if right_ok else NOT_CONSTANT
            right = self.constant_value(node.right)
            if right is NOT_CONSTANT:
                return NOT_CONSTANT
            if isinstance(node.op, _ADD):
                if type(left) is str and type(right) is str:
                    return left + right
                if type(left) is bytes and type(right) is bytes:
                    return left + right
            return UNKNOWN_CONSTANT
        if isinstance(node, _IF_EXP):  # `"a.filter" if version >= 10 else "NULL"`: one literal or the other
            body, orelse = self.constant_value(node.body), self.constant_value(node.orelse)
            if body is NOT_CONSTANT or orelse is NOT_CONSTANT:
                return NOT_CONSTANT
            return body if type(body) is type(orelse) and body == orelse else UNKNOWN_CONSTANT
        if isinstance(node, _TUPLE_OR_LIST_OR_SET):
            if all(self.constant_value(e) is not NOT_CONSTANT for e in node.elts):
                return UNKNOWN_CONSTANT
            return NOT_CONSTANT
        if isinstance(node, _CALL) and isinstance(node.func, _ATTRIBUTE):
            # "a b".split(), "-".join(["x", "y"]), "{}".format("x")
            if self.constant_value(node.func.value) is not NOT_CONSTANT and all(
                self.constant_value(a) is not NOT_CONSTANT for a in node.args
            ) and all(self.constant_value(k.value) is not NOT_CONSTANT for k in node.keywords):
                return UNKNOWN_CONSTANT
        return NOT_CONSTANT

    def is_constant(self, node: ast.expr | None) -> bool:
        return self.constant_value(node) is not NOT_CONSTANT


def member(base: str, attr: str) -> str:
    """The qualified name of `base.attr`: a builtin reached through the `builtins` module is the builtin."""
    return attr if base == "builtins" else f"{base}.{attr}"


def dynamic_import(node: ast.Call, called: str | None,
                   constant_of: Callable[[ast.expr], object] | None = None) -> str | None:
    """The module that `called(node.args...)` returns when it is a dynamic import of a constant name.

    `importlib.import_module("os.path")` returns `os.path`; `__import__("os.path")` returns
    the top package `os` unless a `fromlist` is given, so only its one-argument form is read.
    Resolving these like `import` statements keeps `importlib.import_module("os").system(cmd)`
    from hiding a sink; a relative name depends on a package this pass does not follow.
    `constant_of` reads a name bound to a constant (`MODULE = "os"; import_module(MODULE)`).
    """
    if called not in DYNAMIC_IMPORTS or len(node.args) != 1 or node.keywords:
        return None
    value = _constant_argument(node.args[0], constant_of)
    if not isinstance(value, str) or not value or value.startswith("."):
        return None
    return value if called == "importlib.import_module" else value.split(".", 1)[0]


# The calls that import a module by name (also read by built_objects).
DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "__import__", "importlib.__import__"})


def _constant_argument(node: ast.expr, constant_of: Callable[[ast.expr], object] | None) -> object:
    """A literal argument's value, or what `constant_of` says a bare name is bound to; None otherwise."""
    if isinstance(node, _CONSTANT):
        return node.value
    if constant_of is not None and type(node) is ast.Name:
        return constant_of(node)
    return None


def named_algorithm(node: ast.Call, constant_of: Callable[[ast.expr], object]) -> str | None:
    """The algorithm a call names by its first argument or `name=` (lower case), if it is a constant.

    `hashlib.new("MD5", data)` is `hashlib.md5(data)`: a spec entry with `algorithms` holds only for
    these names, and a name the code computes is unknown (None), never taken for a weak one.
    """
    given = node.args[0] if node.args else next((kw.value for kw in node.keywords if kw.arg == "name"), None)
    value = constant_of(given) if given is not None else None
    return value.lower() if isinstance(value, str) else None


def getattr_member(node: ast.Call, constant_of: Callable[[ast.expr], object] | None = None,
                   ) -> tuple[ast.expr, str] | None:
    """(object, attribute) of `getattr(obj, "name")` with a constant name, else None.

    `constant_of` reads a name bound to a constant (`NAME = "system"; getattr(os, NAME)`);
    without it only a literal counts.
    """
    func = node.func
    if type(func) is ast.Name and func.id == "getattr" and len(node.args) == 2 and not node.keywords:
        value = _constant_argument(node.args[1], constant_of)
        if isinstance(value, str):
            return node.args[0], value
    return None


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


NOT_CONSTANT = _Sentinel("NOT_CONSTANT")
UNKNOWN_CONSTANT = _Sentinel("UNKNOWN_CONSTANT")
