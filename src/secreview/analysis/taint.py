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

The pass is one class, `_FunctionPass`, finished here on a line of parts, each built on the one
before: `taint_pass.FunctionPass` (its state, and the operations the helpers call), `taint_calls`
(source, sanitiser and sink matching at calls), `taint_expressions` (expression evaluation),
`taint_statements` (statement transfer); `taint_state` holds what the passes of one module share, and
the spec index; compound statements are in `control`. (Single inheritance, not mixins: mypyc compiles
it into one native class.) This module holds the dispatch tables and the
per-function driver (parameters, the sources among them, nested functions and classes).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from typing import Final

from secreview.analysis import (
    configured_templates,
    control,
    credentials,
    flags,
    numbers,
    steps,
    stored_credentials,
)
from secreview.analysis.declared_secrets import declarations
from secreview.analysis.instance_fields import library_fields
from secreview.analysis.names import BUILTINS, Binding, Scope
from secreview.analysis.specs import SourceSpec, Specs, load
from secreview.analysis.summaries import EMPTY, FunctionSummary, ModuleSummary, Taint
from secreview.analysis.taint_pass import Definition, Env, StatementHandler
from secreview.analysis.taint_state import EXPRESSIONS, FUNCTIONS, NOCUT, Entry, ModuleState, new_record, param_names
from secreview.analysis.taint_statements import StatementTransfer
from secreview.analysis.values import SECRET_SINKS, cut, spell
from secreview.core.gcpause import paused_gc
from secreview.review import suppress

_NUMERIC_TYPES: Final = frozenset({"int", "float", "bool", "uuid.UUID", "decimal.Decimal", "datetime.date",
                            "datetime.datetime", "pydantic.conint", "pydantic.PositiveInt"})
_FLASK_PARAM: Final = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
_PATH: Final = frozenset({"path"})
_NO_SINKS: Final[frozenset[str]] = frozenset()  # a value converted to something that is no number (a UUID, a date)


class _FunctionPass(StatementTransfer):
    """Forward taint over one function body (or the module body)."""

    __slots__ = ()  # (declared with the state, by FunctionPass)

    def __init__(self, mod: ModuleState, qualname: str, node: ast.AST | None, class_qual: str,
                 closure: Env) -> None:
        self.mod = mod
        self.qualname = qualname
        self.node = node
        self.class_qual = class_qual
        self.class_sources = mod.class_sources.get(class_qual, ()) if class_qual else ()
        self.closure = closure
        self.env = {}  # None: this point is unreachable (see control)
        self.returns = EMPTY
        self.loops = []  # per enclosing loop: [state at its breaks, state at its continues]
        self.tries = []  # per enclosing try: the state at the raises inside it
        self.exits = None  # the states where paths ended (return, raise)
        self.consts = set()  # names that held a constant on some path (their "=name" entries)
        self.parts = {}  # container name -> its per-key entries now (see containers)
        self.part_keys = set()  # every per-key entry ever made (for merging paths)
        self.returns_at = []  # per position of returned tuples; None: not all tuples
        self.html_view = False  # a handler whose returned str is an HTML body (see views)
        self.texts = set()  # in an html view: names last bound to text built by the code
        self.defs = steps.Defs()  # the statement that last tainted each name, for the path of a finding
        self.current = None  # the statement being run (what `defs` records)
        self.sinks = []
        self.calls = []
        self.resolved = set()  # names holding a resolved (canonical) path
        self.receivers = set()  # extra request-object names (annotated parameters)
        self.path_safe = set()  # route variables whose converter admits no "/"
        self.safe_fields = {}  # parameter -> its model's numeric fields
        self.numbered = {}  # parameters the framework converted -> the number sinks
        self.models = {}  # parameter -> the project class its annotation names (stored_credentials)
        self.made_by = {}  # local name -> the call whose result it holds now
        self.self_name = ""
        self.nested = []
        # What each bare name means here (`binding`, `resolve`), asked again and again for
        # the receivers of calls: kept until this pass rebinds the name (see `rebound`).
        self.bindings = {}
        self.quals = {}
        # `run = functools.partial(subprocess.run, shell=True)`: name -> the call it stands for
        self.partials = {}
        # Names whose data a check cleared for every sink (`if lang not in LANGS: abort(400)`) and that
        # were not rebound since: a store of one holds no data from outside (sink_events.constant_store).
        self.checked = set()
        self.flag_facts = []  # checks held in names (see flags)

    def run_body(self, body: Sequence[ast.stmt]) -> None:
        """Run statements in order until the path ends (the environment becomes None)."""
        for stmt in body:
            if self.env is None:  # after return/raise/break/continue/abort(): not reachable this way
                self.mod.unreachable(stmt, body[-1])
                return
            handler = _statement_handler(type(stmt))
            if handler is not None:
                self.current = stmt
                handler(self, stmt)

    def statement(self, stmt: ast.stmt) -> StatementHandler | None:
        """The handler of a statement (for `secreview.analysis.control`)."""
        return _statement_handler(type(stmt))


_STATEMENTS: Final[dict[type[ast.stmt], StatementHandler]] = {
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
_statement_handler: Final = _STATEMENTS.get

# The expression handlers, for the dispatch in `taint_state` that the mixins share.
EXPRESSIONS.update({
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
})


# -- functions: parameters, sources among them, nesting -----------------------------------

def _decorator_route(mod: ModuleState, decorator: ast.expr,
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


def _annotation_name(mod: ModuleState, annotation: ast.expr | None) -> str:
    if annotation is None:
        return ""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value
    return mod.names.qualname(annotation) or spell(annotation)


def _source_params(mod: ModuleState, node: ast.FunctionDef | ast.AsyncFunctionDef, params: list[ast.arg],
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
        if (type(param.annotation) is ast.Name or type(param.annotation) is ast.Attribute) \
                and not mod.test_module:  # `user: User`
            model = stored_credentials.annotated_class(annotation, mod.external) or (
                f"{mod.module}.{annotation}" if f"{mod.module}.{annotation}" in mod.credential_fields() else None)
            if model:
                fn.models[param.arg] = model
    for decorator in node.decorator_list if mod.route_specs else ():
        match = _decorator_route(mod, decorator, fn)
        if match is None:
            continue
        spec, call = match
        if spec.returns_html:
            fn.html_view = True
        converted: dict[str, frozenset[str]] = {}  # route variables the framework made numbers -> their sinks
        slashless = set()
        if spec.safe_converters and call is not None and call.args and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, str):
            variables = _FLASK_PARAM.findall(call.args[0].value)
            converted = {name: numbers.converter_bounds(mod.names, conv, arguments) if conv in ("int", "float")
                         else _NO_SINKS for conv, arguments, name in variables if conv in spec.safe_converters}
            slashless = {name for conv, _, name in variables if conv in spec.slashless_converters}
        defaults = _defaults(node.args)
        for param in data_params:
            annotation = _annotation_name(mod, param.annotation)
            default = defaults.get(param.arg)
            injected = default is not None and isinstance(default, ast.Call) and \
                (mod.names.qualname(default.func) or "") in spec.injected_defaults
            if injected or param.arg in fn.receivers:
                continue
            reaches = converted.get(param.arg)
            if reaches is None and spec.safe_annotations and param.annotation is not None:
                reaches = numbers.declared(mod.names, param.annotation, default)  # `n: int = Query(le=100)`
            if reaches is not None or annotation in spec.safe_annotations:
                if reaches:  # a number the framework converted: no text, but the sender's number
                    found[param.arg] = spec
                    fn.numbered[param.arg] = reaches
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


def _class_sources(mod: ModuleState, node: ast.ClassDef, qual: str) -> None:
    bases = tuple(b for b in (mod.names.qualname(base) for base in node.bases) if b)
    numeric: dict[str, frozenset[str]] = {}  # field -> the number sinks its converted value reaches (none: a bool, a UUID, a date)
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            reaches = numbers.declared(mod.names, stmt.annotation, stmt.value)  # `count: int = Field(le=50)`
            if reaches is not None or _annotation_name(mod, stmt.annotation) in _NUMERIC_TYPES:
                numeric[stmt.target.id] = reaches or _NO_SINKS
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


def _run_function(mod: ModuleState, node: ast.FunctionDef | ast.AsyncFunctionDef, qual: str, class_qual: str,
                  closure: Env, scopes: list[Scope]) -> None:
    fn = _FunctionPass(mod, qual, node, class_qual, closure)
    params, vararg, kwarg = param_names(node.args)
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
    env: Env = {}
    fn.env = env
    for index, param in enumerate(params):
        spec = sources.get(param.arg)
        if spec is not None:
            taint = mod.new_source(param, spec, param.arg)
            if param.arg in fn.numbered:
                taint = numbers.converted(taint, fn.numbered[param.arg])
            if param.arg in guessed:  # a helper's parameter if the project calls it: its callers' value too
                view_sources.append(len(mod.sources) - 1)
                taint = taint | cut(_param_atom(index), spec.not_for - SECRET_SINKS)
            env[param.arg] = cut(taint, _PATH) if param.arg in fn.path_safe else taint
        else:
            env[param.arg] = _param_atom(index)
    if mod.literals and (node.args.defaults or node.args.kw_defaults):  # `def connect(password="...")`
        credentials.defaults(fn, _defaults(node.args))
    if is_method:
        env[fn.self_name] = _param_atom(0)
    fn.run_body(node.body)
    mod.functions[qual] = new_record(FunctionSummary, (qual, node.name, tuple([p.arg for p in params]), vararg, kwarg,
                                                    fn.returns, tuple(fn.sinks), tuple(fn.calls), node.lineno,
                                                    tuple(fn.returns_at or ()), tuple(view_sources)))
    inner_scopes = names.scopes
    names.scopes = saved
    if fn.nested:
        inner_closure = {**closure, **{k: _drop_params(v) for k, v in control.final_state(fn).items()}}
        _run_nested(mod, fn.nested, f"{qual}.<locals>", inner_closure, inner_scopes)


_PARAM_ATOMS: Final[list[Taint]] = []


def _param_atom(index: int) -> Taint:
    """The taint of parameter `index` on entry (shared: most functions have few parameters)."""
    while len(_PARAM_ATOMS) <= index:
        _PARAM_ATOMS.append(frozenset({("p", len(_PARAM_ATOMS), NOCUT)}))
    return _PARAM_ATOMS[index]


def _drop_params(taint: Entry) -> Entry:
    """A closure sees the outer function's sources and calls, not its parameter numbering."""
    if not taint:
        return taint
    return frozenset(a for a in taint if a[0] != "p")


def _run_nested(mod: ModuleState, nested: list[tuple[Definition, str]], prefix: str, closure: Env,
                scopes: list[Scope]) -> None:
    for node, class_qual in nested:
        if isinstance(node, ast.ClassDef):
            _run_class(mod, node, f"{prefix}.{node.name}" if prefix else node.name, closure, scopes)
        else:
            _run_function(mod, node, f"{prefix}.{node.name}" if prefix else node.name, class_qual, closure, scopes)


def _run_class(mod: ModuleState, node: ast.ClassDef, qual: str, closure: Env, scopes: list[Scope]) -> None:
    _class_sources(mod, node, qual)
    fields = library_fields(node, mod.names.qualname, mod.external_tops)
    if fields:
        mod.library_fields[qual] = fields
    if mod.literals:  # `class Config: DB_PASSWORD = "..."`
        credentials.class_attributes(mod, node, qual)
    mod.own_methods.update(f"{qual}.{stmt.name}" for stmt in node.body if isinstance(stmt, FUNCTIONS))
    static = [stmt.name for stmt in node.body if isinstance(stmt, FUNCTIONS)
              and any(type(d) is ast.Name and d.id == "staticmethod" for d in stmt.decorator_list)]
    if static:
        mod.static_methods.update(f"{qual}.{name}" for name in static)
        mod.static_names.update(static)
    for stmt in node.body:
        if isinstance(stmt, FUNCTIONS):
            _run_function(mod, stmt, f"{qual}.{stmt.name}", qual, closure, scopes)
        elif isinstance(stmt, ast.ClassDef):
            _run_class(mod, stmt, f"{qual}.{stmt.name}", closure, scopes)


def summarise_module(path: str, tree: ast.Module, module: str, source: str = "",
                     specs: Specs | None = None) -> ModuleSummary:
    """The taint summary of one parsed file (pure: no other file is read)."""
    module = module or _stem(path)
    with paused_gc():  # the pass builds no reference cycles (see secreview.core.gcpause)
        return _summarise(path, tree, module, source, specs or load())


def _summarise(path: str, tree: ast.Module, module: str, source: str, specs: Specs) -> ModuleSummary:
    mod = ModuleState(path, tree, module, specs)
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
        varies=tuple(sorted(mod.varies)),
        declared=declarations(tree, source, mod.imported, mod.names.qualname)
        + stored_credentials.declarations(mod.credential_fields(), mod.password_fields()), pending=tuple(sorted(mod.pending.items())),
        constants=credentials.constants(mod, mod.module_env) if mod.literal_sources or mod.constant_memo else {})


def _stem(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".py") else base or "module"
