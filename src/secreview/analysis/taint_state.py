"""Module-level state of the taint pass (`secreview.analysis.taint`) and the index of specs it matches against.

`ModuleState` is what every function pass of one module shares: the name model, the calls into the
project, the sources made so far, the specs active in this module (`SpecIndex`, memoised per set of
imported frameworks). The table of expression handlers lives here, empty, so that the statement,
expression and call mixins can dispatch on it without importing the class that combines them:
`secreview.analysis.taint` fills it once when it defines that class.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from secreview.analysis.argv import shifts_argv
from secreview.analysis.declared_secrets import DECLARED_OPTION
from secreview.analysis import stored_credentials
from secreview.analysis.names import BUILTINS, Binding, NameModel
from secreview.analysis.specs import SinkSpec, SourceSpec, Specs, both_kinds
from secreview.analysis.summaries import EMPTY, CallSite, FunctionSummary, SourceInfo, Taint
from secreview.analysis.values import short, spell
from secreview.rules.base import is_test_path
from secreview.sources.parse import split_lines

# A value of the environment: the taint of a name (or `obj.attr`), or under "=name" the constants it may hold,
# `("k", type name, value)` (see `folding`), whose last item is any constant: typed loosely, since compiled code
# checks the items of a tuple it unpacks.
Entry = frozenset[tuple[str, Any, Any]]
NOCUT: Final[frozenset[str]] = frozenset()
FUNCTIONS: Final = (ast.FunctionDef, ast.AsyncFunctionDef)
_GLOBAL_STATEMENT: Final = re.compile(r"^[ \t]*global[ \t]", re.MULTILINE)
STDLIB: Final = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}
URL_KINDS: Final = frozenset({"ssrf", "redirect"})
# Builds a summary record from its fields in order, without the named tuple's keyword-taking __new__:
# there is one per call into the project and one per function (shared by the taint modules).
new_record: Final = tuple.__new__


class ModuleState:
    """State shared by the function passes of one module."""

    def __init__(self, path: str, tree: ast.Module, module: str, specs: Specs) -> None:
        self.path = path
        self.module = module
        self.specs = specs
        self.names = NameModel(module, path)
        self.source = ""
        self._lines: list[str] | None = None
        self.sources: list[SourceInfo] = []
        self.fresh: dict[int, int] = {}  # id(node) -> index of the source atom created for it
        # A loop body may run several times (secreview.analysis.control): a source or a call into the
        # project met again keeps its atom, so the state at the loop's head stops growing. By id(node):
        # `kept` holds the nodes the pass builds itself (partial applications) so that no id is reused.
        self.made: dict[int, int] = {}  # id(node) -> index of the source made there
        self.sites: dict[int, int] = {}  # id(node) -> index of the call site recorded there
        self.projected: dict[int, list[int]] = {}  # call site -> the sites of its projections (`x, y = f()`)
        self.kept: list[ast.AST] = []
        self.applied: dict[tuple[int, int], ast.Call] = {}  # (id(partial), id(call)) -> the call it makes
        self.server_keys: dict[int, frozenset[str]] = {}  # source index -> keys of it the server fills
        # source index -> (keys of it that hold a credential, the cuts of a value of both kinds)
        self.secret_keys: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        # source index -> the declaration key that makes it a secret, if the project declares it
        # (secreview.analysis.declared_secrets: `CONF.vmware.host_password`)
        self.pending: dict[int, str] = {}
        self.pending_reads: dict[tuple[str, str], int] = {}  # (function, key) -> its pending source
        # Model classes of this module -> their fields of a credential type (None: not read yet), and the
        # class of the instance each assigned expression makes (secreview.analysis.stored_credentials).
        self._credential_fields: dict[str, frozenset[str]] | None = None
        self._password_fields: dict[str, frozenset[str]] | None = None
        self.instance_memo: dict[int, str | None] = {}
        self.calls: list[CallSite] = []
        self.fields: list[tuple[str, str, Taint]] = []
        self.tree = tree
        self.catching = 0  # enclosing `try` statements whose handlers catch ZeroDivisionError
        self.range_checks: set[int] = set()  # statements whose float range check is a sink already (numbers)
        self._globals: frozenset[str] | None = None
        self.cleared: set[tuple[int, str]] = set()  # (line, sink class) proven safe: see ModuleSummary.cleared
        self.unsafe: set[tuple[int, str]] = set()  # ... and not proven by some evaluation (a loop's next run)
        self.varies: set[int] = set()  # lines of sinks some evaluation found given data: ModuleSummary.varies
        self.dead: list[tuple[int, int]] = []  # line ranges no feasible path reaches
        self.functions: dict[str, FunctionSummary] = {}
        self.classes: dict[str, tuple[str, ...]] = {}
        # "Class.method" for every method a class of this module defines: `self.execute(...)` there is
        # the class's own method (Django's BaseCommand.execute), not a DB-API cursor's.
        self.own_methods: set[str] = set()
        # The @staticmethod ones among them: `self.helper(a, b)` passes `a` as the first parameter.
        self.static_methods: set[str] = set()
        self.static_names: set[str] = set()  # their method names
        self.class_sources: dict[str, list[SourceSpec]] = {}
        # model class -> its fields annotated int/float/bool -> the number sinks each reaches (numbers.declared)
        self.numeric_fields: dict[str, dict[str, frozenset[str]]] = {}
        # class -> attributes its body leaves `None` for configuration (see configured_templates)
        self.unset_attributes: dict[str, frozenset[str]] = {}
        # class -> library objects its __init__ stores on self (`self.tn = telnetlib.Telnet(host)`)
        self.library_fields: dict[str, dict[str, tuple[str, ast.Call]]] = {}
        self.module_env: dict[str, Entry] = {}
        self.global_memo: dict[str, Taint] = {}
        self.top = module.split(".", 1)[0]
        self.call_memo: dict[str, CallSpecs] = {}
        self.imported: set[str] = set()
        # Literals that may be credentials (secreview.analysis.credentials): not in test modules (fixtures).
        self.test_module = is_test_path(path)
        self.literals = not self.test_module
        self.literal_sources: set[int] = set()  # indices of the sources that are such literals
        self.constant_memo: dict[str, Taint] = {}  # imported name -> its constant atom (or none)
        self._declare(tree.body, module)
        index = _index(specs, frozenset(self.imported), self.top)
        self.active = index.active
        self.param_sources = index.param_sources
        self.request_types = index.request_types
        self.route_specs = index.route_specs
        self.param_specs = index.param_specs
        self.receiver_attrs = index.receiver_attrs
        self.receiver_methods = index.receiver_methods
        self.any_methods = index.any_methods
        self.source_methods = index.source_methods
        self.source_tops = index.source_tops
        # Top-level packages whose calls leave the project: every call site asks, so one set lookup.
        self.external_tops = index.external_tops - {self.top}
        # Module-level names through which a qualified-name source can be reached.
        self.source_roots = self._source_roots(index.source_prefixes, index.bare_sources)

    def _declare(self, body: list[ast.stmt], prefix: str) -> None:
        """Bind module-level imports, functions and classes (and see what is imported)."""
        names = self.names
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                names.bind_import(stmt)
                if isinstance(stmt, ast.Import):
                    self.imported.update(a.name.split(".", 1)[0] for a in stmt.names)
                elif stmt.module and not stmt.level:
                    self.imported.add(stmt.module.split(".", 1)[0])
            elif isinstance(stmt, (*FUNCTIONS, ast.ClassDef)):
                names.bind(stmt.name, Binding(f"{prefix}.{stmt.name}" if prefix else stmt.name, kind="alias",
                                              line=stmt.lineno))
            elif isinstance(stmt, (ast.If, ast.Try)):
                self._declare(stmt.body, prefix)
                for handler in getattr(stmt, "handlers", ()):
                    self._declare(handler.body, prefix)
                self._declare(stmt.orelse, prefix)

    def _source_roots(self, prefixes: frozenset[str], bare: frozenset[str]) -> frozenset[str]:
        roots = set()
        for name, binding in self.names.module_scope.names.items():
            if binding.kind == "import" and binding.qualname and binding.qualname.split(".", 1)[0] in prefixes:
                roots.add(name)
        return frozenset(roots | bare)

    def unreachable(self, first: ast.stmt, last: ast.stmt) -> None:
        """Statements `first` to `last` run on no feasible path (their sinks cannot be reached)."""
        self.dead.append((first.lineno, last.end_lineno or last.lineno))

    def declared_global(self) -> frozenset[str]:
        """Names some function declares `global` (rebinds): asked only when a test folds a module constant.

        The tree is read only when a line of the source starts with `global` (few files have one).
        """
        if self._globals is None:
            self._globals = _global_names(self.tree.body) \
                if not self.source or _GLOBAL_STATEMENT.search(self.source) else frozenset()
        return self._globals

    def external(self, qualname: str) -> bool:
        """A call that certainly leaves the project (standard library, builtin, a spec'd library)."""
        return qualname.partition(".")[0] in self.external_tops

    def call_specs(self, qualname: str) -> CallSpecs:
        """What the specs say of a call to `qualname` here (memoised: a module calls few distinct names)."""
        found = self.call_memo.get(qualname)
        if found is None:
            specs = self.specs
            top = qualname.partition(".")[0]
            source = specs.source_for(qualname) if top in self.source_tops else None
            sinks = specs.sink_calls.get(qualname)
            if sinks is None and qualname in self.classes:  # `class Html(SafeString)` of this module
                sinks = [sink for base in self.classes[qualname] for sink in specs.sink_calls.get(base, ())
                         if sink.subclasses] or None
            found = self.call_memo[qualname] = new_record(CallSpecs, (
                source, sinks, specs.sanitiser_for(qualname), top in self.external_tops))
        return found

    def line_text(self, line: int) -> str:
        if self._lines is None:  # split only for the rare file with a sink
            self._lines = split_lines(self.source)
        lines = self._lines
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def new_source(self, node: ast.AST, spec: SourceSpec, description: str | None = None) -> Taint:
        index = self.made.get(id(node))
        if index is not None:  # met again in a loop body's next run
            return frozenset({("s", index, spec.not_for)})
        index = self.made[id(node)] = len(self.sources)
        self.sources.append(SourceInfo(spec.label, description or short(node), getattr(node, "lineno", 0),
                                       getattr(node, "col_offset", 0), spec.confidence))
        self.fresh[id(node)] = index
        if spec.server_keys:
            self.server_keys[index] = spec.server_keys
        if spec.secret_keys:
            self.secret_keys[index] = (spec.secret_keys, both_kinds(spec))
        return frozenset({("s", index, spec.not_for)})

    def credential_fields(self) -> dict[str, frozenset[str]]:
        """This module's model classes with fields of a credential type (read once, when first asked:
        by then the module's imports are bound)."""
        found = self._credential_fields
        if found is None:
            found = self._credential_fields = stored_credentials.credential_fields(
                self.tree, self.module, self.names.qualname) if self.imported & stored_credentials.PACKAGES else {}
        return found

    def password_fields(self) -> dict[str, frozenset[str]]:
        """This module's form and serializer classes with password inputs (read once, when first asked)."""
        found = self._password_fields
        if found is None:
            found = self._password_fields = stored_credentials.password_fields(
                self.tree, self.module, self.names.qualname) if self.imported & stored_credentials.FORM_PACKAGES else {}
        return found

    def declared_read(self, node: ast.AST, key: str, function: str, spec: SourceSpec = DECLARED_OPTION) -> Taint:
        """A read of what a declaration elsewhere in the project may make secret (`key`): a pending source.

        One source per function and key: Nova reads `CONF.libvirt.virt_type` 283 times, and each read
        of its own would only multiply the atoms every summary and the link carry.
        """
        index = self.pending_reads.get((function, key))
        if index is not None:
            return frozenset({("s", index, spec.not_for)})
        # `CONF.group.name`: spelt, no unparse (`form.cleaned_data["password"]` is unparsed)
        taint = self.new_source(node, spec, spell(node, 3) if type(node) is ast.Attribute else short(node))
        index = self.made[id(node)]  # the one atom of `taint`
        self.pending[index] = key
        self.pending_reads[(function, key)] = index
        return taint

    def widen_source(self, inner: ast.AST, outer: ast.AST, taint: Taint) -> Taint:
        """`request.args` seen as part of `request.args['x']`: describe the whole expression.

        A key the server itself fills (`request.META["CSRF_COOKIE"]`, the spec's `server_keys`)
        is not request data.
        """
        index = self.fresh.get(id(inner))
        if index is not None and len(taint) == 1 and next(iter(taint))[1] == index:
            keys = self.server_keys.get(index)
            if keys and type(outer) is ast.Subscript and type(outer.slice) is ast.Constant \
                    and _server_key(outer.slice.value, keys) \
                    and not (type(outer.slice.value) is int and shifts_argv(self.tree)):
                return EMPTY
            old = self.sources[index]
            self.sources[index] = SourceInfo(old.label, short(outer), old.line, old.column, old.confidence)
            self.fresh[id(outer)] = index
            secret = self.secret_keys.get(index)
            if secret is not None and _named_key(outer) in secret[0]:  # `request.headers["Authorization"]`
                self.sources[index] = SourceInfo(f"{old.label}, a credential the client sends", short(outer),
                                                 old.line, old.column, old.confidence)
                return frozenset({("s", index, secret[1])})
        return taint


def _named_key(outer: ast.AST) -> str:
    """The constant key `outer` reads, lower-cased: `headers["Authorization"]`, `META.get("HTTP_AUTHORIZATION")`."""
    kind = type(outer)
    key = outer.slice if kind is ast.Subscript else outer.args[0] if kind is ast.Call and outer.args else None  # type: ignore[attr-defined]
    return key.value.lower() if type(key) is ast.Constant and isinstance(key.value, str) else ""


def _server_key(key: object, keys: frozenset[str]) -> bool:
    """`key` is one the server fills: listed, or dotted where the spec lists "*.*" (PEP 3333 leaves
    dotted environ keys to servers and middleware: `nova.context`, `keystone.token_info`; the
    client's headers arrive as `HTTP_*`). An index is listed as its digits (`sys.argv[0]`, the
    program's own path: "0")."""
    if type(key) is int:
        return str(key) in keys
    return isinstance(key, str) and (key in keys or "*.*" in keys and "." in key)


class CallSpecs(NamedTuple):
    """The specs' entries for one called qualified name."""

    source: SourceSpec | None  # the call (or the object it is a method of) is a source
    sinks: list[SinkSpec] | None
    cuts: frozenset[str] | None  # the sink classes it sanitises
    external: bool  # it certainly leaves the project


class _Index:
    """The specs as the pass asks them for one set of active sources.

    Built once per distinct set (files importing the same frameworks share one)
    instead of once per module.
    """

    def __init__(self, specs: Specs, active: list[SourceSpec]) -> None:
        self.active = active
        # Sources that make parameters untrusted (routes, views, handlers): most files have none.
        self.param_sources = any(s.route_decorators or s.decorator_qualnames or s.view_first_param or s.param_names
                                 or s.request_types for s in active)
        self.request_types = frozenset().union(*(s.request_types for s in active))
        self.route_specs = [s for s in active if s.route_decorators or s.decorator_qualnames]
        self.param_specs = [s for s in active if s.view_first_param or s.param_names]
        # Receiver heuristics (`request.GET`): attribute/method -> sources naming it.
        self.receiver_attrs: dict[str, list[SourceSpec]] = {}
        self.receiver_methods: dict[str, list[SourceSpec]] = {}
        self.any_methods: dict[str, SourceSpec] = {}
        for source in active:
            if source.class_bases:
                continue
            for attr in source.attributes:
                self.receiver_attrs.setdefault(attr, []).append(source)
            for method in source.methods:
                self.receiver_methods.setdefault(method, []).append(source)
            for method in source.any_receiver_methods:
                self.any_methods.setdefault(method, source)
        # Methods `_method_source` can turn into a source outside a source class (most methods cannot).
        self.source_methods = frozenset(self.receiver_methods) | frozenset(self.any_methods)
        qualnames = specs.source_qualnames
        self.source_tops = self.source_prefixes = frozenset(q.split(".", 1)[0] for q in qualnames)
        self.bare_sources = frozenset(n for n in qualnames if "." not in n)
        # Top-level names of the standard library, the builtins and every library the specs name.
        names = [*specs.sink_calls, *qualnames, *specs.sanitiser_calls, *specs.sanitiser_chains, *specs.result_calls]
        for source in specs.sources:
            names.extend(source.imports)
            names.extend(source.request_types)
        self.external_tops = STDLIB | BUILTINS | frozenset(n.split(".", 1)[0] for n in names)


UNKNOWN_CALL: Final = CallSpecs(None, None, None, True)
# The specs last indexed, and their indexes by active sources: few distinct sets of active sources exist
# (one per mix of imported frameworks). A run uses one Specs object; another one replaces the cache.
_INDEXES: tuple[Specs | None, dict[tuple[SourceSpec, ...], _Index]] = (None, {})
# The same specs' index by (imports, package): testing every source against a module's imports
# costs more than the rest of a small module's pass, and most modules import one of few mixes. (Keyed
# by the imports, not by the active sources: hashing a tuple of specs hashes every field of each.)
_ACTIVE: dict[tuple[frozenset[str], str], _Index] = {}


def _index(specs: Specs, imported: frozenset[str], top: str = "") -> _Index:
    """The index of the sources active in a module of package `top` that imports `imported`.

    A source with `not_inside` is not active in the framework's own package: inside `pyramid`,
    `request.path_info` is the framework routing a request, and its checks are what the spec trusts.
    """
    global _INDEXES
    if _INDEXES[0] is not specs:
        _INDEXES = (specs, {})
        _ACTIVE.clear()
    found = _ACTIVE.get((imported, top))
    if found is None:
        if len(_ACTIVE) > 4096:
            _ACTIVE.clear()
        active = tuple(s for s in specs.sources if s.active(imported) and top not in s.not_inside)
        known = _INDEXES[1]
        found = known.get(active)
        if found is None:
            found = known[active] = _Index(specs, list(active))
        _ACTIVE[(imported, top)] = found
    return found


_BLOCKS: Final = ("body", "orelse", "finalbody", "handlers", "cases")


def _global_names(body: list[ast.stmt]) -> frozenset[str]:
    """The names of every `global` statement in `body` and the blocks nested in it.

    `global` is a statement, and statements are only ever in blocks (of compound statements, except
    handlers and match cases): the expressions, most of the tree, need not be walked.
    """
    names: set[str] = set()
    blocks: list[list[Any]] = [body]
    while blocks:
        for stmt in blocks.pop():
            if type(stmt) is ast.Global:
                names.update(stmt.names)
                continue
            for field in _BLOCKS:
                block = getattr(stmt, field, None)
                if block:
                    blocks.append(block)
    return frozenset(names)


def param_names(args: ast.arguments) -> tuple[list[ast.arg], int, int]:
    """A function's parameters in call order, with the positions of `*args` and `**kwargs` (-1: none)."""
    params = [*args.posonlyargs, *args.args]
    vararg = kwarg = -1
    if args.vararg is not None:
        vararg = len(params)
        params.append(args.vararg)
    params.extend(args.kwonlyargs)
    if args.kwarg is not None:
        kwarg = len(params)
        params.append(args.kwarg)
    return params, vararg, kwarg


# Expression node type -> handler(pass, node), filled by `secreview.analysis.taint` (see the module docstring).
EXPRESSIONS: Final[dict[type, Callable[..., Taint]]] = {}
expression_handler: Final = EXPRESSIONS.get  # bound once: `ev` runs for nearly every expression node
