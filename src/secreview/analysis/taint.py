"""Per-file taint pass: one forward walk per function over an already parsed tree.

For every function (and the module body) this pass keeps a map from local
names (and `obj.attr` spellings) to their taint, in source order, merging the
maps of `if`/`else` branches and loop bodies. Sources create source atoms,
sanitisers add the sink classes they neutralise to the atoms they see,
guards (`if x in ALLOWED`, a containment check of a resolved path, a content
check such as `x.isdigit()`) clean a name inside the guarded branch or after
a branch that cannot fall through, and sinks record the taint of their
dangerous argument. Calls into the project stay symbolic (call atoms) and are
linked later by `secreview.analysis.flows`.

The pass is a pure function of (path, tree, module name, source) and returns
a picklable `ModuleSummary`, so it can run in worker processes and be cached.
It avoids `ast.walk` and `ast.unparse` on hot paths: expressions are evaluated
by a dispatch on node type, and text for messages is spelled only for sources
and sinks, which are rare.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from secreview import suppress
from secreview.analysis import (
    built_objects,
    configured_templates,
    containers,
    control,
    expressions,
    flags,
    folding,
    framing,
    guards,
    neutralisers,
    restores,
    sink_events,
    steps,
    url_query,
    views,
)
from secreview.analysis.names import BUILTINS, Binding, NameModel, dynamic_import, getattr_member, member
from secreview.analysis.specs import ALL, UNRESOLVED, SinkSpec, SourceSpec, Specs, both_kinds, load
from secreview.analysis.summaries import EMPTY, CallSite, FunctionSummary, ModuleSummary, SinkEvent, SourceInfo
from secreview.analysis.values import (SECRET_SINKS, call_text, cut, fixed_origin, mark, outside_result, short, spell,
                                       through_unmodelled)
from secreview.gcpause import paused_gc
from secreview.parse import split_lines

NOCUT: frozenset = frozenset()
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LOOKUPS = frozenset({"get", "pop"})
_OPAQUE_RESULTS = frozenset({"sql"})
_NUMERIC_TYPES = frozenset({"int", "float", "bool", "uuid.UUID", "decimal.Decimal", "datetime.date",
                            "datetime.datetime", "pydantic.conint", "pydantic.PositiveInt"})
_GLOBAL_STATEMENT = re.compile(r"^[ \t]*global[ \t]", re.MULTILINE)
_FLASK_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}
_URL_KINDS = frozenset({"ssrf", "redirect"})
_EQUALITY = (ast.Eq, ast.NotEq)
# What an object's type is called: none of the object's text (`msg.__class__.__name__` in an error message).
_TYPE_ATTRIBUTES = frozenset({"__class__", "__name__", "__qualname__", "__module__"})
_REPR = ord("r")
_PATH = frozenset({"path"})
_REDIRECT = frozenset({"redirect"})
# Builds a summary record from its fields in order, without the named tuple's keyword-taking __new__:
# there is one per call into the project and one per function.
_record = tuple.__new__


_join = control.join


class _Module:
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
        self.calls: list[CallSite] = []
        self.fields: list[tuple[str, str, frozenset]] = []
        self.tree = tree
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
        self.numeric_fields: dict[str, frozenset[str]] = {}  # model class -> fields annotated int/float/bool
        # class -> attributes its body leaves `None` for configuration (see configured_templates)
        self.unset_attributes: dict[str, frozenset[str]] = {}
        self.module_env: dict[str, frozenset] = {}
        self.global_memo: dict[str, frozenset] = {}
        self.top = module.split(".", 1)[0]
        self.call_memo: dict[str, _CallSpecs] = {}
        self.imported: set[str] = set()
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
            elif isinstance(stmt, (*_FUNCTIONS, ast.ClassDef)):
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

        The tree is walked only when a line of the source starts with `global` (few files have one).
        """
        if self._globals is None:
            self._globals = frozenset(name for node in ast.walk(self.tree) if type(node) is ast.Global
                                      for name in node.names) \
                if not self.source or _GLOBAL_STATEMENT.search(self.source) else frozenset()  # type: ignore[attr-defined]
        return self._globals

    def external(self, qualname: str) -> bool:
        """A call that certainly leaves the project (standard library, builtin, a spec'd library)."""
        return qualname.partition(".")[0] in self.external_tops

    def call_specs(self, qualname: str) -> _CallSpecs:
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
            found = self.call_memo[qualname] = _record(_CallSpecs, (
                source, sinks, specs.sanitiser_calls.get(qualname), top in self.external_tops))
        return found

    def line_text(self, line: int) -> str:
        if self._lines is None:  # split only for the rare file with a sink
            self._lines = split_lines(self.source)
        lines = self._lines
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    def new_source(self, node: ast.AST, spec: SourceSpec, description: str | None = None) -> frozenset:
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

    def widen_source(self, inner: ast.AST, outer: ast.AST, taint: frozenset) -> frozenset:
        """`request.args` seen as part of `request.args['x']`: describe the whole expression.

        A key the server itself fills (`request.META["CSRF_COOKIE"]`, the spec's `server_keys`)
        is not request data.
        """
        index = self.fresh.get(id(inner))
        if index is not None and len(taint) == 1 and next(iter(taint))[1] == index:
            keys = self.server_keys.get(index)
            if keys and type(outer) is ast.Subscript and type(outer.slice) is ast.Constant \
                    and _server_key(outer.slice.value, keys):  # type: ignore[attr-defined]
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
    return key.value.lower() if type(key) is ast.Constant and isinstance(key.value, str) else ""  # type: ignore[attr-defined]


def _server_key(key: object, keys: frozenset[str]) -> bool:
    """`key` is one the server fills: listed, or dotted where the spec lists "*.*" (PEP 3333 leaves
    dotted environ keys to servers and middleware: `nova.context`, `keystone.token_info`; the
    client's headers arrive as `HTTP_*`)."""
    return isinstance(key, str) and (key in keys or "*.*" in keys and "." in key)


class _CallSpecs(NamedTuple):
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
        names = [*specs.sink_calls, *qualnames, *specs.sanitiser_calls, *specs.result_calls]
        for source in specs.sources:
            names.extend(source.imports)
            names.extend(source.request_types)
        self.external_tops = _STDLIB | BUILTINS | frozenset(n.split(".", 1)[0] for n in names)


_UNKNOWN_CALL = _CallSpecs(None, None, None, True)
# The specs last indexed, and their indexes by active sources: few distinct sets of active sources exist
# (one per mix of imported frameworks). A run uses one Specs object; another one replaces the cache.
_INDEXES: tuple[Specs | None, dict[tuple[SourceSpec, ...], _Index]] = (None, {})


def _index(specs: Specs, imported: frozenset[str], top: str = "") -> _Index:
    """The index of the sources active in a module of package `top` that imports `imported`.

    A source with `not_inside` is not active in the framework's own package: inside `pyramid`,
    `request.path_info` is the framework routing a request, and its checks are what the spec trusts.
    """
    global _INDEXES
    if _INDEXES[0] is not specs:
        _INDEXES = (specs, {})
    known = _INDEXES[1]
    active = tuple(s for s in specs.sources if s.active(imported) and top not in s.not_inside)
    found = known.get(active)
    if found is None:
        found = known[active] = _Index(specs, list(active))
    return found


class _FunctionPass:
    """Forward taint over one function body (or the module body)."""

    # One pass per function: slots make creating, reading and dropping them cheaper.
    __slots__ = ("mod", "qualname", "node", "class_qual", "class_sources", "closure", "env", "returns", "sinks",
                 "calls", "resolved", "receivers", "path_safe", "safe_fields", "self_name", "nested", "bindings",
                 "quals", "loops", "tries", "exits", "consts", "parts", "part_keys", "returns_at", "html_view",
                 "texts", "defs", "current", "partials", "checked", "flag_facts")

    def __init__(self, mod: _Module, qualname: str, node: ast.AST | None, class_qual: str,
                 closure: dict[str, frozenset]) -> None:
        self.mod = mod
        self.qualname = qualname
        self.node = node
        self.class_qual = class_qual
        self.class_sources: Sequence[SourceSpec] = mod.class_sources.get(class_qual, ()) if class_qual else ()
        self.closure = closure
        self.env: dict[str, frozenset] | None = {}  # None: this point is unreachable (see control)
        self.returns: frozenset = EMPTY
        self.loops: list[list] = []  # per enclosing loop: [state at its breaks, state at its continues]
        self.tries: list[dict | None] = []  # per enclosing try: the state at the raises inside it
        self.exits: dict[str, frozenset] | None = None  # the states where paths ended (return, raise)
        self.consts: set[str] = set()  # names that held a constant on some path (their "=name" entries)
        self.parts: dict[str, set[str]] = {}  # container name -> its per-key entries now (see containers)
        self.part_keys: set[str] = set()  # every per-key entry ever made (for merging paths)
        self.returns_at: list[frozenset] | None = []  # per position of returned tuples; None: not all tuples
        self.html_view = False  # a handler whose returned str is an HTML body (see views)
        self.texts: set[str] = set()  # in an html view: names last bound to text built by the code
        self.defs = steps.Defs()  # the statement that last tainted each name, for the path of a finding
        self.current: ast.AST | None = None  # the statement being run (what `defs` records)
        self.sinks: list[SinkEvent] = []
        self.calls: list[int] = []
        self.resolved: set[str] = set()  # names holding a resolved (canonical) path
        self.receivers: set[str] = set()  # extra request-object names (annotated parameters)
        self.path_safe: set[str] = set()  # route variables whose converter admits no "/"
        self.safe_fields: dict[str, frozenset[str]] = {}  # parameter -> its model's numeric fields
        self.self_name = ""
        self.nested: list[tuple[ast.AST, str]] = []
        # What each bare name means here (`binding`, `resolve`), asked again and again for
        # the receivers of calls: kept until this pass rebinds the name (see `rebound`).
        self.bindings: dict[str, Binding | None] = {}
        self.quals: dict[str, str | None] = {}
        # `run = functools.partial(subprocess.run, shell=True)`: name -> the call it stands for
        self.partials: dict[str, ast.Call] = {}
        # Names whose data a check cleared for every sink (`if lang not in LANGS: abort(400)`) and that
        # were not rebound since: a store of one holds no data from outside (sink_events.constant_store).
        self.checked: set[str] = set()
        self.flag_facts: list[flags.Fact] = []  # checks held in names (see flags)

    # -- statements -------------------------------------------------------------------
    def run_body(self, body: Iterable[ast.stmt]) -> None:
        """Run statements in order until the path ends (the environment becomes None)."""
        for stmt in body:
            if self.env is None:  # after return/raise/break/continue/abort(): not reachable this way
                self.mod.unreachable(stmt, body[-1])  # type: ignore[index]
                return
            handler = _statement_handler(type(stmt))
            if handler is not None:
                self.current = stmt
                handler(self, stmt)

    @staticmethod
    def statement(stmt: ast.stmt):  # type: ignore[no-untyped-def]
        """The handler of a statement (for `secreview.analysis.control`)."""
        return _statement_handler(type(stmt))

    def _assign(self, stmt: ast.Assign) -> None:
        value = stmt.value
        kind = type(value)
        if (kind is ast.Dict or kind is ast.List or kind is ast.Tuple) and type(stmt.targets[0]) is ast.Name:
            taint, entries = containers.evaluate_literal(self, value)  # type: ignore[arg-type]
            for target in stmt.targets:
                self.bind(target, taint, value)
                if type(target) is ast.Name:
                    containers.assign(self, target.id, entries,  # type: ignore[attr-defined]
                                      kind is ast.Dict and len(entries) == len(value.keys))  # type: ignore[attr-defined]
            return
        handler = _expression_handler(kind)  # `self.ev(value)`, inlined on this hot path
        taint = handler(self, value) if handler is not None else EMPTY
        for target in stmt.targets:
            self.bind(target, taint, value)
        if taint and self.mod.specs.name_sinks:  # `session_id = ...`: a use known only by its name
            sink_events.by_name(self, stmt, taint)

    def _ann_assign(self, stmt: ast.AnnAssign) -> None:
        if stmt.value is not None:
            self.bind(stmt.target, self.ev(stmt.value), stmt.value)

    def _aug_assign(self, stmt: ast.AugAssign) -> None:
        taint = self.ev(stmt.value)
        target = stmt.target
        key = self.key(target)
        if key is not None:
            self.env[key] = _join(self.load_key(key), taint)
            self.resolved.discard(key)
            self.checked.discard(key)
            if taint:
                self.defs.note(key, stmt)
        else:
            self.bind(target, _join(self.ev(target), taint), None)

    def _expr(self, stmt: ast.Expr) -> None:
        value = stmt.value
        handler = _expression_handler(type(value))  # `self.ev(value)`, inlined on this hot path
        if handler is not None:
            handler(self, value)
            if type(value) is ast.Call and self._never_returns(value.func):  # type: ignore[attr-defined]
                control.end_path(self)

    def _never_returns(self, func: ast.expr) -> bool:
        """`abort(400)`, `sys.exit()`, `self.abort()`: a call the spec's guards name as a terminator."""
        kind = type(func)
        last = func.attr if kind is ast.Attribute else func.id if kind is ast.Name else None  # type: ignore[attr-defined]
        if last is None:
            return False
        guards = self.mod.specs.guards
        if last in guards.terminators:
            return True
        return last in guards.terminator_tails and self.resolve(func) in guards.terminators

    def _return(self, stmt: ast.Return) -> None:
        value = stmt.value
        if value is not None and self.html_view:
            views.returned(self, stmt)
        if value is not None:
            if type(value) is ast.Tuple:  # `return name, 3`
                taint, entries = containers.evaluate_literal(self, value)  # type: ignore[arg-type]
                first = entries[0][1] if entries else EMPTY
                if self.returns_at is not None:
                    self.returns_at = containers.join_positions(self.returns_at, [e[1] for e in entries],
                                                                len(value.elts))  # type: ignore[attr-defined]
            else:
                taint = first = self.ev(value)
                self.returns_at = None
            self.returns = _join(self.returns, taint)
            if first and self.class_qual and self.mod.specs.class_sinks:  # `as_sql` of a Django Func
                expressions.returned(self, value, first)
        control.end_path(self)

    def _function_def(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in stmt.decorator_list:
            self.ev(decorator)
        self.nested.append((stmt, self.class_qual))

    def _class_def(self, stmt: ast.ClassDef) -> None:
        if self.mod.specs.class_sinks and stmt.bases:  # `template = ...` in the body of a Django Func
            expressions.class_body(self, stmt)
        self.nested.append((stmt, ""))

    def _import(self, stmt: ast.Import | ast.ImportFrom) -> None:
        if self.node is not None:
            self.mod.names.bind_import(stmt)
            self.bindings.clear()
            self.quals.clear()

    # -- names ------------------------------------------------------------------------
    def resolve(self, node: ast.expr) -> str | None:
        """`names.qualname(node)`, with what a bare name means memoised (the same objects are returned)."""
        kind = type(node)
        if kind is ast.Attribute:
            base = self.resolve(node.value)  # type: ignore[attr-defined]
            return None if base is None else member(base, node.attr)  # type: ignore[attr-defined]
        if kind is ast.Name:
            name = node.id  # type: ignore[attr-defined]
            quals = self.quals
            if name in quals:
                return quals[name]
            qual = quals[name] = self.mod.names.qualname(node)
            return qual
        if kind is ast.Call:
            looked_up = getattr_member(node, self.constant_text)  # type: ignore[arg-type]
            if looked_up is not None and self.binding("getattr") is None:
                base = self.resolve(looked_up[0])
                return None if base is None else member(base, looked_up[1])
            called = self.resolve(node.func)  # type: ignore[attr-defined]
            if called is not None and node.args:  # type: ignore[attr-defined]
                return dynamic_import(node, called, self.constant_text) or called  # type: ignore[arg-type]
            return called
        return None

    def constant_text(self, node: ast.expr) -> object:
        """What a name holds on every feasible path here (`NAME = "system"; getattr(os, NAME)`)."""
        return folding.fold(node, control.known(self), self.resolve)

    def binding(self, name: str) -> Binding | None:
        """`names.lookup(name)`, memoised like `resolve`."""
        bindings = self.bindings
        if name in bindings:
            return bindings[name]
        binding = bindings[name] = self.mod.names.lookup(name)
        return binding

    def rebound(self, name: str) -> None:
        """This pass changed what `name` means in the name model: forget what was memoised."""
        self.bindings.pop(name, None)
        self.quals.pop(name, None)

    def _assert(self, stmt: ast.Assert) -> None:
        self.ev(stmt.test)


    # -- binding ----------------------------------------------------------------------
    def key(self, target: ast.expr) -> str | None:
        """The env key of a name or `name.attr` target."""
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            return f"{target.value.id}.{target.attr}"
        return None

    def bind(self, target: ast.expr, taint: frozenset, value: ast.expr | None) -> None:
        env = self.env
        kind = type(target)
        if kind is ast.Name:
            name = target.id  # type: ignore[attr-defined]
            if value is not None and type(value) in folding.FOLDABLE:  # `LIMIT = 4`: known to `if`/`while`
                constant = folding.fold(value, control.known(self), self.resolve)
                if constant is not folding.UNKNOWN:  # (a path without this assignment: control.merge_states)
                    env["=" + name] = folding.atoms(constant)
                    self.consts.add(name)
                elif "=" + name in env:
                    env["=" + name] = folding.VARIES
            elif "=" + name in env:
                env["=" + name] = folding.VARIES
            env[name] = taint
            if self.checked:
                self.checked.discard(name)
            if value is not None and type(value) is ast.Call and sink_events.no_text(self, value):
                self.checked.add(name)  # `count = int(request.args["n"])`: a number, whatever the input was
            if taint and self.current is not None:
                self.defs.note(name, self.current)
            if self.flag_facts:
                flags.forget(self, name)
            if name in self.parts:
                containers.forget(self, name)
            if self.html_view:
                views.bound(self, name, value)
            if name in BUILTINS and self.binding(name) is None:  # `input = ...`: the local, not the builtin
                self.mod.names.bind(name, Binding(kind="unknown", line=getattr(target, "lineno", 0)))
                self.rebound(name)
            if self.partials:
                self.partials.pop(name, None)
            if type(value) is not ast.Call:
                self.resolved.discard(name)
                if value is not None and flags.is_check(value):  # `ok = x in ALLOWED`
                    flags.remember(self, name, guards.guard(self, value))
            else:
                func = value.func  # type: ignore[attr-defined]
                qual = self.resolve(func)
                if qual in self.mod.specs.validator_calls:  # `ok = url_has_allowed_host_and_scheme(u, ...)`
                    flags.remember(self, name, guards.guard(self, value))
                if qual == "functools.partial" and value.args:  # type: ignore[attr-defined]
                    self.partials[name] = self._partial(value)  # type: ignore[arg-type]
                if self._is_resolved_path(func, qual):
                    self.resolved.add(name)
                else:
                    self.resolved.discard(name)
                module = dynamic_import(value, qual, self.constant_text) if value.args else None  # type: ignore[attr-defined]
                if module is not None:  # `runner = importlib.import_module(NAME)` is `import NAME as runner`
                    self.mod.names.bind(name, Binding(module, kind="alias", expr=value))
                    self.rebound(name)
                elif qual is not None and "." in qual:
                    self.mod.names.bind(name, Binding(qual, kind="instance", expr=value))
                    self.rebound(name)
                elif self.node is not None and name in self.mod.names.scopes[-1].names:
                    self.mod.names.scopes[-1].names.pop(name)
                    self.rebound(name)
        elif kind is ast.Attribute:
            base = target.value  # type: ignore[attr-defined]
            if isinstance(base, ast.Name):
                env[f"{base.id}.{target.attr}"] = taint  # type: ignore[attr-defined]
                if self.checked:
                    self.checked.discard(f"{base.id}.{target.attr}")  # type: ignore[attr-defined]
                if base.id == self.self_name and self.class_qual:
                    if taint:
                        self.mod.fields.append((f"{self.class_qual}.{target.attr}", self.qualname, taint))  # type: ignore[attr-defined]
                        if self.mod.specs.class_sinks:  # `self.template = ...` of a Django Func
                            expressions.stored(self, target, taint)  # type: ignore[arg-type]
                elif taint:
                    env[base.id] = _join(env.get(base.id, EMPTY), taint)
            else:
                self.ev(base)
        elif kind is ast.Subscript:
            container = target.value  # type: ignore[attr-defined]
            self.ev(target.slice)  # type: ignore[attr-defined]
            specs = self.mod.specs
            kind = type(container)
            sink = specs.subscript_stores.get(container.attr) if kind is ast.Attribute else \
                specs.subscript_qualnames.get(self.resolve(container) or "") if kind is ast.Name and taint else None  # type: ignore[attr-defined]
            if sink is not None and (not sink.receivers or kind is ast.Name
                                     or spell(container.value, 2) in sink.receivers):  # type: ignore[attr-defined]
                if not taint:  # `response.headers["Expires"] = formatdate(t)`: what the pattern rule defers to
                    sink_events.constant_store(self, target, value, sink)  # type: ignore[arg-type]
                elif sink.unless_imports.isdisjoint(self.mod.imported) and not restores.own_value(self, container, value):
                    sink_events.record(self, sink, taint, target, f"{spell(container)}[…] = {_value_text(value)}")
            containers.store(self, target, taint, value)  # type: ignore[arg-type]
            if taint and type(container) is ast.Name and self.current is not None:
                self.defs.note(container.id, self.current)  # type: ignore[attr-defined]
            key = self.key(container)
            if key is not None and taint:
                env[key] = _join(env.get(key, EMPTY), taint)
        elif kind is ast.Tuple or kind is ast.List:
            elements = target.elts  # type: ignore[attr-defined]
            plain = not any(type(e) is ast.Starred for e in elements)
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(elements) \
                and plain else None
            parts = None
            if plain and taint:
                if type(value) is ast.Name:
                    parts = containers.unpack(self, value.id, len(elements))  # type: ignore[union-attr]
                elif type(value) is ast.Call:
                    parts = self._projections(taint, len(elements))  # `x, y = f()`
            for index, element in enumerate(elements):
                if values is not None:
                    self.bind(element, self.ev(values[index]) if taint else EMPTY, values[index])
                else:
                    self.bind(element, parts[index] if parts is not None else taint, None)
                    if parts is not None and type(element) is ast.Name and type(value) is ast.Name:
                        constant = containers.constant_of(self, value.id, index)  # type: ignore[union-attr]
                        if constant is not None:  # `program, fmt = pair` with pair[0] a constant
                            env["=" + element.id] = constant  # type: ignore[attr-defined]
                            self.consts.add(element.id)  # type: ignore[attr-defined]
        elif kind is ast.Starred:
            self.bind(target.value, taint, None)  # type: ignore[attr-defined]

    def _projections(self, taint: frozenset, count: int) -> list[frozenset] | None:
        """`x, y = f(...)` of a project call: one call site per element, linked to f's `returns_at`."""
        if len(taint) != 1:
            return None
        atom = next(iter(taint))
        if atom[0] != "c" or atom[2]:
            return None
        calls = self.mod.calls
        site = calls[atom[1]]
        made = self.mod.projected.get(atom[1])
        if made is not None and len(made) == count:  # met again in a loop body's next run
            return [frozenset({("c", index, NOCUT)}) for index in made]
        found = []
        made = self.mod.projected[atom[1]] = []
        for position in range(count):
            made.append(len(calls))
            found.append(frozenset({("c", len(calls), NOCUT)}))
            calls.append(site._replace(position=position))
        return found

    def bind_each(self, target: ast.expr, iterable: ast.expr, taint: frozenset) -> None:
        """Bind the target of a `for` (or a comprehension) to what iterating `iterable` yields."""
        parts = containers.iteration_parts(self, iterable, target, taint)
        if parts is None:
            self.bind(target, taint, None)
        else:
            for element, part in zip(target.elts, parts):  # type: ignore[attr-defined]
                self.bind(element, part, None)

    def _is_resolved_path(self, func: ast.expr, qual: str | None) -> bool:
        """A call of `func` (resolved to `qual`) returns a canonical path (`os.path.realpath`, `.resolve()`)."""
        guards = self.mod.specs.guards
        if type(func) is ast.Attribute and func.attr in guards.path_resolver_methods:  # type: ignore[attr-defined]
            return True
        return qual is not None and qual in guards.path_resolvers

    def apply_clean(self, clean: dict[str, frozenset]) -> None:
        env = self.env
        for key, cuts in clean.items():
            taint = env.get(key)
            if taint is None:
                taint = self.load_key(key)
            if ALL not in cuts:
                env[key] = mark(taint, cuts)
            else:
                env[key] = cut(taint, cuts)
                if taint:
                    self.checked.add(key)

    def guard(self, test: ast.expr) -> tuple[dict[str, frozenset], dict[str, frozenset]]:
        """Names a test proves safe in its true branch and in its false branch (see `guards`)."""
        proved = guards.guard(self, test)
        bare = _truth_test(test)  # `if url:` proves only that the other branch's `url` is empty: no step
        for clean in proved:
            for key, cuts in clean.items():  # (for the path of a finding that goes past it)
                if key != bare:
                    self.defs.check(key, test, cuts)
        return proved

    # -- expressions ------------------------------------------------------------------
    def ev(self, node: ast.expr) -> frozenset:
        handler = _expression_handler(type(node))
        return handler(self, node) if handler is not None else EMPTY

    def load_key(self, key: str) -> frozenset:
        found = self.env.get(key)
        if found is not None:
            return found
        found = self.closure.get(key)
        if found is not None:
            return found
        if "." not in key:
            return self.global_name(key)
        return EMPTY

    def global_name(self, name: str) -> frozenset:
        mod = self.mod
        found = mod.module_env.get(name)
        if found is not None and self.node is not None:
            return found
        if name not in mod.source_roots:
            return EMPTY
        found = mod.global_memo.get(name)
        if found is None:
            qual = mod.names.qualname(ast.Name(id=name, ctx=ast.Load()))
            spec = mod.specs.source_qualnames.get(qual) if qual else None
            found = _GLOBAL_SOURCE if spec is not None else EMPTY
            mod.global_memo[name] = found
        return found

    def _name(self, node: ast.Name) -> frozenset:
        taint = self.env.get(node.id)
        if taint is not None and taint is not _GLOBAL_SOURCE:  # a local: the common case, without load_key
            return taint
        taint = self.load_key(node.id)
        if taint is _GLOBAL_SOURCE:
            # a module-level name that is itself a source (`from sys import argv`): one atom per use
            qual = self.resolve(node) or node.id
            spec = self.mod.specs.source_qualnames[qual]
            return self.mod.new_source(node, spec)
        return taint

    def _attribute(self, node: ast.Attribute) -> frozenset:
        mod = self.mod
        attr = node.attr
        value = node.value
        if attr in _TYPE_ATTRIBUTES:
            return EMPTY
        candidates = mod.receiver_attrs.get(attr)
        if candidates or self.class_sources:
            receiver = spell(value, 2)
            for spec in candidates or ():
                if (receiver in spec.receivers or receiver in self.receivers) and not self._foreign(value, spec):
                    return mod.new_source(node, spec)
            for spec in self.class_sources:
                if attr in spec.attributes and receiver in spec.receivers:
                    return mod.new_source(node, spec)
        if type(value) is ast.Name:
            name = value.id
            safe = self.safe_fields.get(name)
            if safe is not None and attr in safe:
                return EMPTY  # a field the model declares as a number (validated on the way in)
            key = f"{name}.{attr}"
            found = self.env.get(key)
            if found is not None:
                return found
            if name == self.self_name and self.class_qual:
                return frozenset({("f", f"{self.class_qual}.{attr}", NOCUT)})
            base = self.load_key(name)
            if base:
                if base is _GLOBAL_SOURCE:
                    return self._qualified_source(node) or EMPTY
                return base
            if name in mod.source_roots and name not in self.env:
                return self._qualified_source(node)
            return EMPTY
        base = self.ev(value)
        if base:
            return base
        if isinstance(value, ast.Attribute):
            return self._qualified_source(node)
        return EMPTY

    def _qualified_source(self, node: ast.expr) -> frozenset:
        qual = self.resolve(node)
        if qual is None:
            return EMPTY
        spec = self.mod.specs.source_for(qual)
        return self.mod.new_source(node, spec) if spec is not None else EMPTY

    def _subscript(self, node: ast.Subscript) -> frozenset:
        value = node.value
        if type(value) is ast.List or type(value) is ast.Tuple:
            element = containers.literal_element(self, node)  # `[a, b][0]`
            if element is not None:
                return element
        self.ev(node.slice)
        taint = self.ev(value)
        if taint:
            if type(node.slice) is ast.Slice:  # `token[-4:]`: a fragment that names a secret, not the secret
                taint = cut(taint, SECRET_SINKS)
            if self.parts:
                found = containers.load(self, node, taint)  # `d["safe"]`
                if found is not taint:
                    return found
            return self.mod.widen_source(value, node, taint)
        return taint

    def _binop(self, node: ast.BinOp) -> frozenset:
        op = type(node.op)
        left = node.left
        framed = framing.binop_framed(node)  # `"%s: %s\r\n" % (name, value)`: a protocol line
        parts: list[frozenset] | None = [] if framed else None
        left_taint = EMPTY
        if op is ast.Mod and type(left) is ast.Constant and type(node.right) is ast.Tuple \
                and isinstance(left.value, str):  # type: ignore[attr-defined]
            taint = self._percent_arguments(left.value, node.right, parts)  # type: ignore[arg-type, attr-defined]
        elif framed and op is ast.Mod and type(node.right) is ast.Tuple:  # b"%s: %s\r\n" % (name, value)
            parts = [self.ev(element) for element in node.right.elts]  # type: ignore[attr-defined]
            taint = self.ev(left)
            for part in parts:
                taint = _join(taint, part)
        else:
            taint = left_taint = self.ev(left)
            right = self.ev(node.right)
            if right and op is ast.Add and url_query.after_separator(left):  # `url + "?" + query`
                right = cut(right, _URL_KINDS)
            elif right and self.class_qual and configured_templates.fills_configured_template(
                    node, self.self_name, self.mod.unset_attributes.get(self.class_qual, frozenset()), self.node):
                right = cut(right, _URL_KINDS)  # `self.url % kwargs`: the configured template places them
            taint = _join(taint, right)
            if parts is not None:
                parts.append(right)
        if parts is not None:
            taint = framing.binop(self, node, left_taint, parts, taint)
        if taint:
            if op is ast.Mod and neutralisers.percent_repr_only(node):
                taint = cut(taint, neutralisers.LINE_BREAK_SINKS)  # `"user %r" % name`
            if (op is ast.Add or op is ast.Mod) and fixed_origin(_leftmost(node)):
                return cut(taint, _URL_KINDS)
            if op is ast.Add and neutralisers.local_path(node):
                return cut(taint, _REDIRECT)
        return taint

    def _percent_arguments(self, fmt: str, values: ast.Tuple, parts: list[frozenset] | None = None) -> frozenset:
        """`"%s?%s" % (url, query)`: the arguments' taint, cut for URL sinks where the format puts
        them after a literal `?` or `#` (see `url_query`); each argument's also added to `parts`."""
        positions = url_query.percent_positions(fmt)
        if positions is not None and len(positions) != len(values.elts):
            positions = None
        taint = EMPTY
        for index, element in enumerate(values.elts):
            found = self.ev(element)
            if found and positions is not None and positions[index]:
                found = cut(found, _URL_KINDS)
            if parts is not None:
                parts.append(found)
            taint = _join(taint, found)
        return taint

    def _boolop(self, node: ast.BoolOp) -> frozenset:
        taint = EMPTY
        for value in node.values:
            taint = _join(taint, self.ev(value))
        return taint

    def _compare(self, node: ast.Compare) -> frozenset:
        left = self.ev(node.left)
        if len(node.comparators) == 1:
            right = self.ev(node.comparators[0])
            if (left or right) and type(node.ops[0]) in _EQUALITY:
                sink_events.comparison(self, node, left, right)
        else:
            for comparator in node.comparators:
                self.ev(comparator)
        return EMPTY  # a boolean carries no text

    def _unary(self, node: ast.UnaryOp) -> frozenset:
        taint = self.ev(node.operand)
        return EMPTY if isinstance(node.op, ast.Not) else taint

    def _sequence(self, node: ast.Tuple | ast.List | ast.Set) -> frozenset:
        if type(node) is ast.List and framing.line_pieces(node):  # `[name, b": ", value, b"\r\n"]`
            return framing.pieces(self, node)  # type: ignore[arg-type]
        taint = EMPTY
        for element in node.elts:
            taint = _join(taint, self.ev(element))
        return taint

    def _dict(self, node: ast.Dict) -> frozenset:
        taint = EMPTY
        for key in node.keys:
            if key is not None:
                taint = _join(taint, self.ev(key))
        for value in node.values:
            taint = _join(taint, self.ev(value))
        return taint

    def _joined(self, node: ast.JoinedStr) -> frozenset:
        taint = EMPTY
        parts = []
        query = False  # a literal `?` or `#` came before: the rest is the URL's query (see url_query)
        for part in node.values:
            if type(part) is ast.FormattedValue:
                value = self.ev(part.value)
                if value and part.conversion == _REPR:
                    value = cut(value, neutralisers.LINE_BREAK_SINKS)  # repr() escapes CR, LF
                if value and query:
                    value = cut(value, _URL_KINDS)
                parts.append(value)
                taint = _join(taint, value)
            elif not query and type(part) is ast.Constant:
                query = url_query.after_separator(part)
        if taint:
            taint = framing.joined(self, node, parts, taint)  # f"{name}: {value}\r\n": a protocol line
            if node.values and fixed_origin(node.values[0]):
                return cut(taint, _URL_KINDS)
        return taint

    def _formatted(self, node: ast.FormattedValue) -> frozenset:
        return self.ev(node.value)

    def _passthrough(self, node: ast.Await | ast.Starred) -> frozenset:
        return self.ev(node.value)

    def _yield(self, node: ast.Yield | ast.YieldFrom) -> frozenset:
        if node.value is not None:
            self.returns = _join(self.returns, self.ev(node.value))
        return EMPTY

    def _named(self, node: ast.NamedExpr) -> frozenset:
        taint = self.ev(node.value)
        self.bind(node.target, taint, node.value)
        return taint

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> frozenset:
        saved = dict(self.env)
        for generator in node.generators:
            self.bind_each(generator.target, generator.iter, self.ev(generator.iter))
            for condition in generator.ifs:
                self.ev(condition)
        if isinstance(node, ast.DictComp):
            taint = _join(self.ev(node.key), self.ev(node.value))
        else:
            taint = self.ev(node.elt)
        self.env = saved
        return taint

    def _lambda(self, node: ast.Lambda) -> frozenset:
        """The body runs later, with the closure's values: its sinks are checked here."""
        saved = self.env
        self.env = dict(saved)
        params, _, _ = _param_names(node.args)
        for param in params:
            self.env[param.arg] = EMPTY
        result = self.ev(node.body)
        self.env = saved
        return result  # calling it is a call of an unknown function: its arguments flow through too

    def _partial(self, value: ast.Call) -> ast.Call:
        """The call a `functools.partial(f, a, k=v)` stands for, `f(a, k=v)`; a partial of a partial is composed.

        Stored calls never name a partial, so applying one is a single substitution.
        """
        bare = ast.Call(value, [], [])
        self.mod.kept.append(bare)  # alive while the pass runs: no later node takes its id (see `_applied`)
        stored = self._applied(value, bare)
        inner = stored.func
        if type(inner) is ast.Name and inner.id in self.partials:  # type: ignore[attr-defined]
            stored = self._applied(self.partials[inner.id], stored)  # type: ignore[attr-defined]
        return stored

    def _applied(self, held: ast.Call, call: ast.Call) -> ast.Call:
        """The call `call` makes through the partial `held` (`functools.partial(f, a)(b)` is `f(a, b)`).

        `held` is a `functools.partial(...)` call, or the call such a partial stands
        for, as stored when it was bound (`_partial`).
        """
        made = self.mod.applied.get((id(held), id(call)))
        if made is not None:  # the same application met again (a loop body's next run): the same node
            return made
        inner, args = held.func, held.args
        # `partial(partial)` stands for a bare `partial()`, and `partial(*fs)` names no function:
        # only a first positional argument is the wrapped callable.
        if args and type(args[0]) is not ast.Starred and self.resolve(inner) == "functools.partial":
            inner, args = args[0], args[1:]
        applied = ast.Call(inner, [*args, *call.args], [*held.keywords, *call.keywords])
        self.mod.kept.append(applied)  # its id names the sources and calls made at it (see `_Module.made`)
        self.mod.applied[(id(held), id(call))] = applied
        return ast.copy_location(applied, call)

    def _call(self, node: ast.Call) -> frozenset:
        mod = self.mod
        func = node.func
        if self.partials and type(func) is ast.Name and func.id in self.partials:  # type: ignore[attr-defined]
            node = self._applied(self.partials[func.id], node)  # type: ignore[attr-defined]
            func = node.func
        elif type(func) is ast.Call and func.args and self.resolve(func.func) == "functools.partial":  # type: ignore[attr-defined]
            node = self._applied(func, node)  # type: ignore[arg-type]  # `partial(f, a)(b)` is `f(a, b)`
            func = node.func
        star = EMPTY
        args: list[frozenset] = []
        for arg in node.args:
            kind = type(arg)
            if kind is ast.Starred:
                star = _join(star, self.ev(arg.value))  # type: ignore[attr-defined]
                args.append(EMPTY)
            else:  # `self.ev(arg)`, inlined: calls hold a third of all expressions
                handler = _expression_handler(kind)
                args.append(handler(self, arg) if handler is not None else EMPTY)
        keywords: list[tuple[str, frozenset]] = []
        for kw in node.keywords:
            value = kw.value
            handler = _expression_handler(type(value))
            taint = handler(self, value) if handler is not None else EMPTY
            if kw.arg is None:
                star = _join(star, taint)
            else:
                keywords.append((kw.arg, taint))
        if type(func) is ast.Attribute:
            method: str | None = func.attr  # type: ignore[attr-defined]
            handler = _expression_handler(type(func.value))  # type: ignore[attr-defined]
            receiver = handler(self, func.value) if handler is not None else EMPTY  # type: ignore[attr-defined]
        else:
            method = None
            # A local callable holding data (`greet = functools.partial(fmt, name)`) passes it on.
            receiver = self.env.get(func.id, EMPTY) if type(func) is ast.Name else EMPTY  # type: ignore[attr-defined, union-attr]
        if self.parts and method is not None and type(func.value) is ast.Name \
                and func.value.id in self.parts:  # type: ignore[attr-defined]
            result = containers.method(self, node, func.value.id, method, args, receiver, keywords)  # type: ignore[attr-defined]
            if result is not None:  # `d.get("k")`, `lst.append(v)`, `lst.pop()`
                return result
        bound = own = False
        module_function = False  # `helpers.execute(...)` after `from app import helpers`: not a cursor method
        if method is not None and type(func.value) is ast.Name and func.value.id == self.self_name \
                and self.class_qual:  # type: ignore[union-attr]
            qual: str | None = f"{self.class_qual}.{method}"
            own = True
            # (a method of a base class in this module is known by its name: `_copy_permissions`)
            bound = qual not in mod.static_methods if qual in mod.own_methods else method not in mod.static_names
        else:
            qual = self.resolve(func)
            if qual is not None and method is not None:
                receiver_node = func.value  # type: ignore[union-attr]
                if type(receiver_node) is ast.Name:
                    binding = self.binding(receiver_node.id)
                    bound = binding is not None and binding.kind == "instance"
                    module_function = binding is not None and binding.kind == "import"
                else:
                    bound = type(receiver_node) is ast.Call  # `Archiver(x).run()`
        known = mod.call_specs(qual) if qual is not None else _UNKNOWN_CALL
        everything = star
        for taint in args:  # `everything = _join(everything, taint)`, inlined
            if not everything:
                everything = taint
            elif taint and taint is not everything:
                everything = everything | taint
        for _, taint in keywords:
            everything = _join(everything, taint)

        if not everything and not receiver:
            return self._clean_call(node, func, method, qual, known, args, keywords, star, bound, own)
        # sources
        if known.source is not None and not (known.source.unless_given_data and everything):
            if known.sinks is not None or keywords:  # `hashlib.pbkdf2_hmac(h, pw, salt, n)`: takes a salt, makes a key
                self._source_call_sinks(node, func, args, keywords, star, receiver, known.sinks)
            return self._into_argument(node, known.source, self._call_source(node, func, receiver, known.source))
        if method is not None and (method in mod.source_methods or self.class_sources):
            source = self._method_source(node, func, method)  # type: ignore[arg-type]
            if source:  # `request.build_absolute_uri(location)` holds `location` too
                return _join(source, everything)
        # sinks
        sinks = known.sinks
        if sinks is None and method is not None and not module_function and not (own and qual in mod.own_methods):
            # duck-typed: `cursor.execute`, whatever the cursor is, unless this module built the receiver
            sinks = sink_events.applicable(self, mod.specs.sink_methods.get(method), node)
            if sinks is not None and built_objects.project_object(self, func):  # type: ignore[arg-type]
                sinks = None
        if sinks is not None:
            for sink in sinks:
                sink_events.check(self, sink, node, func, args, keywords, star, receiver)
            if any(sink.kind in _OPAQUE_RESULTS for sink in sinks):
                if qual in mod.classes:  # `class Collated(Func)` of this module: its __init__ still runs
                    self._project_call(node, qual, args, keywords, star, receiver, bound)  # type: ignore[arg-type]
                return EMPTY  # rows come from the database, not from the query text
        if keywords and mod.specs.keyword_sinks:  # `password=`, `salt=` of any call
            sink_events.by_keyword(self, node, func, args, keywords, receiver)
        # sanitisers
        cuts = known.cuts
        if cuts is None and method is not None:
            owners = mod.specs.owned_methods.get(method)  # `Model.objects.get(pk=value)`: a stored row
            if owners is not None and _owner_name(func.value) in owners[0]:  # type: ignore[attr-defined]
                return cut(_join(receiver, everything), owners[1]) if ALL not in owners[1] else EMPTY
            cuts = mod.specs.sanitiser_methods.get(method)
            if cuts is not None:
                return cut(receiver, cuts) if ALL not in cuts else EMPTY
        if cuts is not None:
            return cut(everything, cuts)
        if method in _LOOKUPS and qual is None:
            # d.get(key, default): a value of the mapping or the default, never the key
            if receiver and len(receiver) == 1 and mod.secret_keys:  # `request.META.get("HTTP_AUTHORIZATION")`
                receiver = mod.widen_source(func.value, node, receiver)  # type: ignore[union-attr]
            return _join(receiver, _join(args[1], star) if len(args) > 1 else star)
        # containers filled by a method call
        if everything and (method in mod.specs.into_receiver_methods or qual in mod.specs.into_receiver_calls):
            key = self.key(func.value)  # type: ignore[union-attr]
            if key is not None:
                self.env[key] = _join(self.load_key(key), everything)
                base = func.value  # type: ignore[union-attr]
                if type(base) is ast.Attribute and type(base.value) is ast.Name and base.value.id == self.self_name \
                        and self.class_qual:  # `self.headers.append((name, value))`: a write of the field
                    self.mod.fields.append((f"{self.class_qual}.{base.attr}", self.qualname, everything))
        if qual is not None and (own or not known.external):
            return self._project_call(node, qual, args, keywords, star, receiver, bound)
        if method == "format" and type(func.value) is ast.Constant:  # type: ignore[union-attr]
            everything = self._format_arguments(func.value, args, keywords, star)  # type: ignore[union-attr]
        if method == "replace":  # `s.replace("\n", "\\n")`: removes one character
            marks = neutralisers.replace_marks(node)
            if marks:
                return _join(mark(receiver, marks), everything)
        elif qual in neutralisers.SUBSTITUTIONS:  # `re.sub(r"[\r\n]", "", s)`
            marks = neutralisers.substitution_marks(qual, node)
            if marks:
                return _join(mark(args[2], marks), _join(args[0], args[1]))
        elif method is not None and type(func.value) is ast.Constant:  # type: ignore[attr-defined]
            everything = framing.method(self, node, method, func.value, everything)  # type: ignore[attr-defined]
        return self._outside(func, qual, method, args, keywords, star, receiver, everything)

    def _outside(self, func: ast.expr, qual: str | None, method: str | None, args: list[frozenset],
                 keywords: list[tuple[str, frozenset]], star: frozenset, receiver: frozenset,
                 everything: frozenset) -> frozenset:
        """What a call outside the project returns of the data it is given (rules/specs/propagation.toml).

        A propagator names what the result holds (every argument, some positions, the
        receiver of a method). A call of the standard library or a builtin that no spec
        names returns none of it: its result is a number, a flag or an object of its own
        (`hashlib.sha256(x)`, `re.compile(x)`, `datetime.strptime(x, f)`). Any other call
        (a library the specs do not know, a callable held in a variable) is assumed to
        pass everything on, and the value remembers the call as not modelled.
        """
        specs = self.mod.specs
        passed = specs.result_calls.get(qual) if qual is not None else None
        if passed is not None:
            positions, names = passed
            if positions is not None:
                everything = star
                for position in positions:
                    if position < len(args):
                        everything = _join(everything, args[position])
                for name, taint in keywords:
                    if name in names:
                        everything = _join(everything, taint)
            return _join(outside_result(everything, qual, method), receiver)
        if method is not None and method in specs.result_methods or type(func) is ast.Lambda:
            return _join(outside_result(everything, qual, method), receiver)
        if qual is not None and (qual.partition(".")[0] in _STDLIB or qual in BUILTINS):
            return EMPTY
        taint = _join(outside_result(everything, qual, method), receiver)
        return through_unmodelled(taint, qual or UNRESOLVED + spell(func))

    @staticmethod
    def _format_arguments(template: ast.Constant, args: list[frozenset], keywords: list[tuple[str, frozenset]],
                          star: frozenset) -> frozenset:
        """`"{}?next={}".format(base, target)`: the arguments' taint, cut for URL sinks where every use
        of them in the template comes after a literal `?` or `#` (see `url_query`)."""
        fields = url_query.format_positions(template.value) if isinstance(template.value, str) else None
        taint = star
        for key, value in [*enumerate(args), *keywords]:
            if value and fields is not None and fields.get(key, False):
                value = cut(value, _URL_KINDS)
            taint = _join(taint, value)
        return taint

    def _clean_call(self, node: ast.Call, func: ast.expr, method: str | None, qual: str | None, known: _CallSpecs,
                    args: list[frozenset], keywords: list[tuple[str, frozenset]], star: frozenset, bound: bool,
                    own: bool) -> frozenset:
        """A call given no tainted value: only a source or a function of the project can return taint."""
        mod = self.mod
        if known.source is not None:
            return self._into_argument(node, known.source, mod.new_source(node, known.source))
        if method is not None and (method in mod.source_methods or self.class_sources):
            source = self._method_source(node, func, method)  # type: ignore[arg-type]
            if source:
                return source
        sinks = known.sinks if method is None or known.sinks is not None else \
            sink_events.applicable(self, mod.specs.sink_methods.get(method), node)
        if sinks is not None:
            sink_events.constant(self, node, sinks)
        if qual is not None and (own or not known.external):
            return self._project_call(node, qual, args, keywords, star, EMPTY, bound)
        return EMPTY

    def _project_call(self, node: ast.Call, qual: str, args: list[frozenset], keywords: list[tuple[str, frozenset]],
                      star: frozenset, receiver: frozenset, bound: bool) -> frozenset:
        mod = self.mod
        index = mod.sites.get(id(node))
        if index is not None:  # met again in a loop body's next run: one site, given what every run gave
            built = self._argument_steps(node, args, keywords, receiver) \
                if self.defs.found and not mod.calls[index].steps else ()
            _widen_site(mod, index, args, keywords, star, receiver, built)
            return frozenset({("c", index, NOCUT)})
        index = mod.sites[id(node)] = len(mod.calls)
        built = self._argument_steps(node, args, keywords, receiver) if self.defs.found else ()
        mod.calls.append(_record(CallSite, (qual, self.qualname, tuple(args), tuple(keywords), star, receiver, bound,
                                            node.lineno, node.col_offset, call_text(node), -1, built)))
        self.calls.append(index)
        return frozenset({("c", index, NOCUT)})

    def _argument_steps(self, node: ast.Call, args: list[frozenset], keywords: list[tuple[str, frozenset]],
                        receiver: frozenset) -> tuple:
        """Per argument holding data read in this function (its position, keyword or None for the receiver):
        the steps that built it.

        Only data read here ("s" atoms): a parameter passed on is in nearly every call of a
        project, and walking back for each cost more than the rest of the pass; the steps of a
        function the value only passes through are not listed (those before a sink are).
        """
        line = node.lineno
        leading_to = self.defs.leading_to
        built: list = []
        for position, taint in enumerate(args):
            if taint and _read_here(taint):
                built.append((position, leading_to(node.args[position], line)))
        if keywords:
            values = {kw.arg: kw.value for kw in node.keywords if kw.arg is not None}
            built.extend((name, leading_to(values[name], line)) for name, taint in keywords
                         if taint and _read_here(taint))
        if receiver and type(node.func) is ast.Attribute and _read_here(receiver):
            built.append((None, leading_to(node.func.value, line)))  # type: ignore[attr-defined]
        return tuple(entry for entry in built if entry[1])

    def _source_call_sinks(self, node: ast.Call, func: ast.expr, args: list[frozenset],
                           keywords: list[tuple[str, frozenset]], star: frozenset, receiver: frozenset,
                           sinks: list[SinkSpec] | None) -> None:
        """A source that is also a sink for what it is given (`hmac.new(key, ...)` takes a key and makes a MAC)."""
        for sink in sinks or ():
            sink_events.check(self, sink, node, func, args, keywords, star, receiver)
        if keywords and self.mod.specs.keyword_sinks:
            sink_events.by_keyword(self, node, func, args, keywords, receiver)

    def _into_argument(self, node: ast.Call, spec: SourceSpec, made: frozenset) -> frozenset:
        """`random.shuffle(chars)`: the source's value is its first argument, changed in place."""
        if spec.into_argument and node.args:
            key = self.key(node.args[0])
            if key is not None:
                self.env[key] = _join(self.load_key(key), made)
        return made

    def _call_source(self, node: ast.Call, func: ast.expr, receiver: frozenset, spec: SourceSpec) -> frozenset:
        """`request.get_json()`, `os.getenv("X")`, `request.args.get("x")`: one source for the whole call."""
        if receiver and spec.kind != "filename":  # `Path(root).iterdir()` lists files whatever root is
            return self.mod.widen_source(func.value, node, receiver)  # type: ignore[attr-defined]
        return self.mod.new_source(node, spec)

    def _foreign(self, receiver: ast.expr, spec: SourceSpec) -> bool:
        """The receiver is an import of another framework's object (`from flask import request` in a
        file that imports Django too): a source named after its receiver belongs to its own framework."""
        if type(receiver) is not ast.Name or not spec.imports:
            return False
        qual = self.resolve(receiver)
        return qual is not None and "." in qual and qual.split(".", 1)[0] not in spec.imports

    def _method_source(self, node: ast.Call, func: ast.Attribute, method: str) -> frozenset:
        mod = self.mod
        candidates = mod.receiver_methods.get(method)
        if candidates or self.class_sources:
            receiver = spell(func.value, 2)
            for spec in candidates or ():
                if (receiver in spec.receivers or receiver in self.receivers) and not self._foreign(func.value, spec):
                    return mod.new_source(node, spec)
            for spec in self.class_sources:
                if method in spec.methods and receiver in spec.receivers:
                    return mod.new_source(node, spec)
        spec = mod.any_methods.get(method)
        if spec is not None:
            return mod.new_source(node, spec)
        return EMPTY


def _widen_site(mod: _Module, index: int, args: list[frozenset], keywords: list[tuple[str, frozenset]],
                star: frozenset, receiver: frozenset, built: tuple) -> None:
    """The call site `index` (and its projections) passes what it passed before or what it is given now."""
    site = mod.calls[index]
    old_args = site.args
    joined_args = tuple(_join(old_args[i], args[i]) if i < len(old_args) else args[i] for i in range(len(args)))
    given = dict(keywords)
    joined_keywords = tuple((name, _join(taint, given.get(name, EMPTY))) for name, taint in site.keywords)
    widened = site._replace(args=joined_args, keywords=joined_keywords, star=_join(site.star, star),
                            receiver=_join(site.receiver, receiver), steps=site.steps or built)
    if widened != site:
        mod.calls[index] = widened
        for position, projection in enumerate(mod.projected.get(index, ())):
            mod.calls[projection] = widened._replace(position=position)


def _owner_name(owner: ast.expr) -> str | None:
    """The name a method is called on: `objects` of `Model.objects.get`, `compiler` of `compiler.compile`."""
    kind = type(owner)
    return owner.attr if kind is ast.Attribute else owner.id if kind is ast.Name else None  # type: ignore[attr-defined]


def _truth_test(test: ast.expr) -> str | None:
    """The name a test only checks for truth (`x`, `not x`), else None."""
    while type(test) is ast.UnaryOp and type(test.op) is ast.Not:  # type: ignore[attr-defined]
        test = test.operand  # type: ignore[attr-defined]
    return test.id if type(test) is ast.Name else None  # type: ignore[attr-defined]


def _value_text(value: ast.expr | None) -> str:
    return spell(value) if value is not None else "…"


_STATEMENTS = {
    ast.Assign: _FunctionPass._assign,
    ast.AnnAssign: _FunctionPass._ann_assign,
    ast.AugAssign: _FunctionPass._aug_assign,
    ast.Expr: _FunctionPass._expr,
    ast.Return: _FunctionPass._return,
    ast.If: control.if_,
    ast.For: control.for_,
    ast.AsyncFor: control.for_,
    ast.While: control.while_,
    ast.With: control.with_,
    ast.AsyncWith: control.with_,
    ast.Try: control.try_,
    ast.Match: control.match_,
    ast.Break: control.break_,
    ast.Continue: control.continue_,
    ast.Raise: control.raise_,
    ast.FunctionDef: _FunctionPass._function_def,
    ast.AsyncFunctionDef: _FunctionPass._function_def,
    ast.ClassDef: _FunctionPass._class_def,
    ast.Import: _FunctionPass._import,
    ast.ImportFrom: _FunctionPass._import,
    ast.Assert: _FunctionPass._assert,
}
if sys.version_info >= (3, 11):
    _STATEMENTS[ast.TryStar] = control.try_
_statement_handler = _STATEMENTS.get

_EXPRESSIONS = {
    ast.Name: _FunctionPass._name,
    ast.Attribute: _FunctionPass._attribute,
    ast.Subscript: _FunctionPass._subscript,
    ast.Call: _FunctionPass._call,
    ast.BinOp: _FunctionPass._binop,
    ast.BoolOp: _FunctionPass._boolop,
    ast.Compare: _FunctionPass._compare,
    ast.UnaryOp: _FunctionPass._unary,
    ast.IfExp: control.if_exp,
    ast.Tuple: _FunctionPass._sequence,
    ast.List: _FunctionPass._sequence,
    ast.Set: _FunctionPass._sequence,
    ast.Dict: _FunctionPass._dict,
    ast.JoinedStr: _FunctionPass._joined,
    ast.FormattedValue: _FunctionPass._formatted,
    ast.Await: _FunctionPass._passthrough,
    ast.Starred: _FunctionPass._passthrough,
    ast.Yield: _FunctionPass._yield,
    ast.YieldFrom: _FunctionPass._yield,
    ast.NamedExpr: _FunctionPass._named,
    ast.ListComp: _FunctionPass._comprehension,
    ast.SetComp: _FunctionPass._comprehension,
    ast.GeneratorExp: _FunctionPass._comprehension,
    ast.DictComp: _FunctionPass._comprehension,
    ast.Lambda: _FunctionPass._lambda,
}
_expression_handler = _EXPRESSIONS.get  # bound once: `ev` runs for nearly every expression node


# -- functions: parameters, sources among them, nesting -----------------------------------
def _param_names(args: ast.arguments) -> tuple[list[ast.arg], int, int]:
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


def _decorator_route(mod: _Module, decorator: ast.expr,
                     fn: _FunctionPass) -> tuple[SourceSpec, ast.Call | None] | None:
    """The source spec a decorator makes its function's parameters: `@app.route(...)`, `@app.task`.

    A bare decorator (`@shared_task`, `@app.task`) registers the function as a called one does,
    but only by its qualified name: a bare `@x.get` is no route.
    """
    kind = type(decorator)
    call: ast.Call | None = None
    if kind is ast.Call:
        call = decorator  # type: ignore[assignment]
        func = call.func  # type: ignore[union-attr]
    elif kind is ast.Attribute or kind is ast.Name:
        func = decorator
    else:
        return None
    qual = fn.resolve(func)  # memoised: test modules stack many `@mock.patch(...)` decorators
    for spec in mod.route_specs:
        if call is not None and isinstance(func, ast.Attribute) and func.attr in spec.route_decorators:
            return spec, call
        if qual is not None and qual in spec.decorator_qualnames:
            return spec, call
    return None


def _annotation_name(mod: _Module, annotation: ast.expr | None) -> str:
    if annotation is None:
        return ""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value
    return mod.names.qualname(annotation) or spell(annotation)


def _source_params(mod: _Module, node: ast.FunctionDef | ast.AsyncFunctionDef, params: list[ast.arg],
                   is_method: bool, class_qual: str, fn: _FunctionPass, guessed: set[str]) -> dict[str, SourceSpec]:
    """Parameters the framework fills from the request (route variables, view kwargs, handler args).

    `guessed` receives the parameters that are sources only because of the function's signature
    (`view_first_param`): the link drops them when the project calls the function (a helper).
    """
    found: dict[str, SourceSpec] = {}
    data_params = params[1:] if is_method else params
    for param in data_params:
        if param.annotation is None:
            continue
        annotation = _annotation_name(mod, param.annotation)
        if annotation and annotation in mod.request_types:
            fn.receivers.add(param.arg)
        fields = mod.numeric_fields.get(annotation)
        if fields:
            fn.safe_fields[param.arg] = fields
    for decorator in node.decorator_list if mod.route_specs else ():
        match = _decorator_route(mod, decorator, fn)
        if match is None:
            continue
        spec, call = match
        if spec.returns_html:
            fn.html_view = True
        safe = set()
        slashless = set()
        if spec.safe_converters and call is not None and call.args and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, str):
            variables = _FLASK_PARAM.findall(call.args[0].value)
            safe = {name for conv, name in variables if conv in spec.safe_converters}
            slashless = {name for conv, name in variables if conv in spec.slashless_converters}
        defaults = _defaults(node.args)
        for param in data_params:
            annotation = _annotation_name(mod, param.annotation)
            default = defaults.get(param.arg)
            injected = default is not None and isinstance(default, ast.Call) and \
                (mod.names.qualname(default.func) or "") in spec.injected_defaults
            if param.arg in safe or annotation in spec.safe_annotations or injected or param.arg in fn.receivers:
                continue
            found[param.arg] = spec
            if param.arg in slashless:
                fn.path_safe.add(param.arg)
    names = [p.arg for p in data_params]
    for spec in mod.param_specs:
        if spec.view_first_param and names and names[0] == spec.view_first_param \
                and (not is_method or _is_view_method(node.name, spec.view_methods)):
            for param in data_params[1:]:
                if _annotation_name(mod, param.annotation) not in spec.safe_annotations \
                        and param.arg not in found:
                    found[param.arg] = spec
                    guessed.add(param.arg)
        if spec.param_names and (not spec.with_receiver_param or not spec.with_receiver_param.isdisjoint(names)) \
                and (not spec.in_functions or node.name in spec.in_functions):
            for name in names:
                if name in spec.param_names:
                    found.setdefault(name, spec)
    if is_method and class_qual:
        for spec in mod.class_sources.get(class_qual, ()):
            if node.name in spec.handler_methods:
                for param in data_params:
                    found.setdefault(param.arg, spec)
    return found


def _is_view_method(name: str, view_methods: frozenset[str]) -> bool:
    """`name` is one of `view_methods`, or ends with the suffix of a `*suffix` entry and is not a `!name` one."""
    return not view_methods or name in view_methods or f"!{name}" not in view_methods and any(
        entry[0] == "*" and name.endswith(entry[1:]) for entry in view_methods)


def _defaults(args: ast.arguments) -> dict[str, ast.expr]:
    positional = [*args.posonlyargs, *args.args]
    found = {param.arg: value for param, value in zip(positional[len(positional) - len(args.defaults):],
                                                         args.defaults)}
    for param, value in zip(args.kwonlyargs, args.kw_defaults):
        if value is not None:
            found[param.arg] = value
    return found


def _class_sources(mod: _Module, node: ast.ClassDef, qual: str) -> None:
    bases = tuple(b for b in (mod.names.qualname(base) for base in node.bases) if b)
    numeric = frozenset(stmt.target.id for stmt in node.body
                        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                        and _annotation_name(mod, stmt.annotation) in _NUMERIC_TYPES)
    if numeric:
        mod.numeric_fields[qual] = numeric
    unset = configured_templates.unset_attributes(node)
    if unset:
        mod.unset_attributes[qual] = unset
    mod.classes[qual] = bases
    inherited = [spec for base in bases for spec in mod.class_sources.get(base, ())]
    direct = [spec for spec in mod.specs.sources if spec.class_bases and set(bases) & spec.class_bases]
    if direct or inherited:
        mod.class_sources[qual] = list(dict.fromkeys([*direct, *inherited]))


def _run_function(mod: _Module, node: ast.FunctionDef | ast.AsyncFunctionDef, qual: str, class_qual: str,
                  closure: dict[str, frozenset], scopes: list) -> None:
    fn = _FunctionPass(mod, qual, node, class_qual, closure)
    params, vararg, kwarg = _param_names(node.args)
    is_method = bool(class_qual) and bool(params) and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
    if is_method:
        fn.self_name = params[0].arg
    names = mod.names
    saved = names.scopes
    names.scopes = [*scopes]
    names.push(node, "function")
    shadowed = names.module_scope.names
    for param in params:
        if param.arg in shadowed or param.arg in BUILTINS:  # `def f(input):` is not the builtin
            names.bind(param.arg, Binding(kind="param", line=node.lineno))
    guessed: set[str] = set()
    sources = _source_params(mod, node, params, is_method, class_qual, fn, guessed) \
        if mod.param_sources or class_qual in mod.class_sources else {}
    view_sources = []
    for index, param in enumerate(params):
        spec = sources.get(param.arg)
        if spec is not None:
            taint = mod.new_source(param, spec, param.arg)
            if param.arg in guessed:  # a helper's parameter if the project calls it: its callers' value too
                view_sources.append(len(mod.sources) - 1)
                taint = taint | cut(_param_atom(index), spec.not_for - SECRET_SINKS)
            fn.env[param.arg] = cut(taint, _PATH) if param.arg in fn.path_safe else taint
        else:
            fn.env[param.arg] = _param_atom(index)
    if is_method:
        fn.env[fn.self_name] = _param_atom(0)
    fn.run_body(node.body)
    mod.functions[qual] = _record(FunctionSummary, (qual, node.name, tuple([p.arg for p in params]), vararg, kwarg,
                                                    fn.returns, tuple(fn.sinks), tuple(fn.calls), node.lineno,
                                                    tuple(fn.returns_at or ()), tuple(view_sources)))
    inner_scopes = names.scopes
    names.scopes = saved
    if fn.nested:
        inner_closure = {**closure, **{k: _drop_params(v) for k, v in control.final_state(fn).items()}}
        _run_nested(mod, fn.nested, f"{qual}.<locals>", inner_closure, inner_scopes)


_PARAM_ATOMS: list[frozenset] = []
# A module-level name that is itself a source (`from sys import argv`): each use becomes its own source.
_GLOBAL_SOURCE: frozenset = frozenset({("g", "", NOCUT)})


def _read_here(taint: frozenset) -> bool:
    """The value holds data from a source read in this module (not only parameters or call results)."""
    for atom in taint:
        if atom[0] == "s":
            return True
    return False


def _param_atom(index: int) -> frozenset:
    """The taint of parameter `index` on entry (shared: most functions have few parameters)."""
    while len(_PARAM_ATOMS) <= index:
        _PARAM_ATOMS.append(frozenset({("p", len(_PARAM_ATOMS), NOCUT)}))
    return _PARAM_ATOMS[index]


def _drop_params(taint: frozenset) -> frozenset:
    """A closure sees the outer function's sources and calls, not its parameter numbering."""
    if not taint:
        return taint
    return frozenset(a for a in taint if a[0] != "p")


def _run_nested(mod: _Module, nested: list[tuple[ast.AST, str]], prefix: str, closure: dict[str, frozenset],
                scopes: list) -> None:
    for node, class_qual in nested:
        if isinstance(node, ast.ClassDef):
            _run_class(mod, node, f"{prefix}.{node.name}" if prefix else node.name, closure, scopes)
        else:
            _run_function(mod, node, f"{prefix}.{node.name}" if prefix else node.name,  # type: ignore[arg-type]
                          class_qual, closure, scopes)


def _run_class(mod: _Module, node: ast.ClassDef, qual: str, closure: dict[str, frozenset], scopes: list) -> None:
    _class_sources(mod, node, qual)
    mod.own_methods.update(f"{qual}.{stmt.name}" for stmt in node.body if isinstance(stmt, _FUNCTIONS))
    static = [stmt.name for stmt in node.body if isinstance(stmt, _FUNCTIONS)
              and any(type(d) is ast.Name and d.id == "staticmethod" for d in stmt.decorator_list)]
    if static:
        mod.static_methods.update(f"{qual}.{name}" for name in static)
        mod.static_names.update(static)
    for stmt in node.body:
        if isinstance(stmt, _FUNCTIONS):
            _run_function(mod, stmt, f"{qual}.{stmt.name}", qual, closure, scopes)
        elif isinstance(stmt, ast.ClassDef):
            _run_class(mod, stmt, f"{qual}.{stmt.name}", closure, scopes)


def summarise_module(path: str, tree: ast.Module, module: str, source: str = "",
                     specs: Specs | None = None) -> ModuleSummary:
    """The taint summary of one parsed file (pure: no other file is read)."""
    module = module or _stem(path)
    with paused_gc():  # the pass builds no reference cycles (see secreview.gcpause)
        return _summarise(path, tree, module, source, specs or load())


def _summarise(path: str, tree: ast.Module, module: str, source: str, specs: Specs) -> ModuleSummary:
    mod = _Module(path, tree, module, specs)
    mod.source = source
    top = _FunctionPass(mod, f"{module}.<module>", None, "", {})
    top.run_body(tree.body)
    mod.module_env = {k: _drop_params(v) for k, v in control.final_state(top).items()}
    mod.functions[top.qualname] = FunctionSummary(
        qualname=top.qualname, name="<module>", params=(), vararg=-1, kwarg=-1, returns=EMPTY,
        sinks=tuple(top.sinks), calls=tuple(top.calls), line=1)
    _run_nested(mod, top.nested, module, {}, [mod.names.module_scope])
    return ModuleSummary(
        path=path, module=module, functions=mod.functions, calls=tuple(mod.calls), sources=tuple(mod.sources),
        fields=tuple(dict.fromkeys(mod.fields)), classes=mod.classes, waivers=suppress.waivers(source) if source else {},
        exports={name: b.qualname for name, b in mod.names.module_scope.names.items()
                 if b.kind == "import" and b.qualname and not mod.external(b.qualname)},
        cleared=tuple(sorted(mod.cleared - mod.unsafe)), dead=tuple(sorted(set(mod.dead))),
        varies=tuple(sorted(mod.varies)))


def _stem(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".py") else base or "module"


def _leftmost(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.BinOp):
        node = node.left
    return node
