"""Hard-coded credentials as a value kind: where the taint pass makes a literal a source.

A literal is a credential by where it goes (`rules/specs/credentials.toml`: a
driver's `password=`, the key of a MAC or cipher, a client's token), never by
the name it is stored in. The pass makes a literal a source (kind `literal`,
whose values reach only the credential sink classes) where a path the engine
follows can take it to such a parameter:

* bound to a name: `DB_PASSWORD = "..."` at module level (another module that
  imports it reads it through `ModuleSummary.constants`), in a function, or in a
  class body (`self.password` in the class's methods: a field);
* a parameter's default (`def connect(password="...")`);
* the fallback of an environment lookup (`os.environ.get("DB_PASSWORD", "...")`);
* given directly where a credential sink takes it (`psycopg2.connect(password="...")`,
  `hmac.new(b"...", msg, sha256)`), and a store that takes a key
  (`app.secret_key = "..."`, `app.config["SECRET_KEY"] = "..."`).

Literals anywhere else (dict entries, messages, other calls' arguments) are not
followed: making every literal a source would fill the summaries with text that
no credential sink reads. Nor are literals of test modules (fixtures), or text
that is no credential (`credential_values`: placeholders, templates, variable
names, paths, password hashes).

A module constant imported elsewhere is a symbolic atom `("m", qualname, cuts)`
that the link resolves against the defining module's `constants`. It is made
only for upper-case names (PEP 8's spelling of a constant), and an attribute of
one is none of it (`CONF.database`): otherwise every configuration object
imported across a project would travel through its summaries.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis.credential_values import literal_text, looks_like_placeholder, masked
from secreview.analysis.specs import VALUE_KINDS, SinkSpec, SourceSpec
from secreview.analysis.summaries import EMPTY, SinkEvent, SourceInfo
from secreview.core.model import Confidence, Location

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass
    from secreview.analysis.taint_state import ModuleState

CUTS = VALUE_KINDS["literal"]  # a literal reaches the credential sink classes only
CONSTANT = "m"  # the atom of a module constant another module defines
LITERAL = SourceSpec(label="a literal written in the code", confidence=Confidence.HIGH, kind="literal",
                     not_for=CUTS)
FALLBACK = SourceSpec(label="the literal fallback of an environment lookup (used whenever the variable is unset)",
                      confidence=Confidence.MEDIUM, kind="literal", not_for=CUTS)
_ENV_LOOKUPS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
_ENV_METHODS = frozenset({"get", "getenv", "setdefault"})
# Flask (and Quart) sign the session cookie with `app.secret_key`, also set as `app.config["SECRET_KEY"]`.
_APPS = frozenset({"flask.Flask", "quart.Quart", "flask.current_app", "quart.current_app"})
_APP_KEY = SinkSpec(kind="credential_key", label="the secret key of a Flask application (it signs the session cookie)")
_CONFIG_KEYS = frozenset({"SECRET_KEY", "JWT_SECRET_KEY", "SECRET_KEY_FALLBACKS"})


def literal(mod: ModuleState, node: ast.expr, spec: SourceSpec = LITERAL) -> frozenset:
    """The source a literal is, or nothing for text that cannot be a credential."""
    if type(node) is not ast.Constant:
        return EMPTY
    text = literal_text(node.value)  # type: ignore[attr-defined]
    if text is None or looks_like_placeholder(text):
        return EMPTY
    taint = mod.new_source(node, spec, masked(text))
    index = next(iter(taint))[1]
    mod.literal_sources.add(index)
    info = mod.sources[index]
    if not info.line_text:
        mod.sources[index] = info._replace(line_text=mod.line_text(info.line))
    return taint


def bound(fn: FunctionPass, value: ast.expr) -> frozenset:
    """The source an assigned value holds: a literal, or an environment lookup's literal fallback."""
    kind = type(value)
    if kind is ast.Constant:
        return literal(fn.mod, value)
    return fallback(fn, value) if kind is ast.Call else EMPTY  # type: ignore[arg-type]


def fallback(fn: FunctionPass, call: ast.Call) -> frozenset:
    """`os.environ.get("DB_PASSWORD", "...")`: the literal used whenever the variable is unset."""
    args, func = call.args, call.func
    if len(args) < 2 or type(args[1]) is not ast.Constant or type(func) is not ast.Attribute \
            or func.attr not in _ENV_METHODS or fn.resolve(func) not in _ENV_LOOKUPS:  # type: ignore[attr-defined]
        return EMPTY
    return literal(fn.mod, args[1], FALLBACK)


def defaults(fn: FunctionPass, given: dict[str, ast.expr]) -> None:
    """Parameters with a literal default hold it whenever a caller leaves them out."""
    env = fn.env
    for name, default in given.items():
        taint = literal(fn.mod, default)
        if taint:
            env[name] = env.get(name, EMPTY) | taint  # type: ignore[union-attr]


def class_attributes(mod: ModuleState, node: ast.ClassDef, qual: str) -> None:
    """`class Config: DB_PASSWORD = "..."`: what the class's methods read as `self.DB_PASSWORD` (a field
    written by the module body, where the class statement runs)."""
    writer = f"{mod.module}.<module>"
    for stmt in node.body:
        kind = type(stmt)
        if kind is ast.Assign:
            targets = stmt.targets  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign and stmt.value is not None:  # type: ignore[attr-defined]
            targets = [stmt.target]  # type: ignore[attr-defined]
        else:
            continue
        if type(stmt.value) is not ast.Constant:  # type: ignore[attr-defined]
            continue
        taint = literal(mod, stmt.value)  # type: ignore[attr-defined]
        if taint:
            for target in targets:
                if type(target) is ast.Name:
                    mod.fields.append((f"{qual}.{target.id}", writer, taint))


def at_call(fn: FunctionPass, node: ast.Call, qual: str | None, method: str | None, args: list[frozenset],
            keywords: list[tuple[str, frozenset]]) -> None:
    """Literals given directly where the call takes a credential become sources (in `args`/`keywords`)."""
    specs = fn.mod.specs
    own = specs.credential_calls.get(qual) if qual is not None else None
    if own is None and method is not None:
        own = specs.credential_methods.get(method)
    if keywords:
        names = specs.credential_keywords
        position = 0
        for kw in node.keywords:
            if kw.arg is None:
                continue
            if kw.arg in names or own is not None and kw.arg in own[1]:
                taint = _given(fn, kw.value)
                if taint:
                    keywords[position] = (kw.arg, keywords[position][1] | taint)
            position += 1
    if own is not None:
        given = node.args
        for index in own[0]:
            if index < len(given) and type(given[index]) is not ast.Starred:
                taint = _given(fn, given[index])
                if taint:
                    args[index] = args[index] | taint


def _given(fn: FunctionPass, value: ast.expr) -> frozenset:
    kind = type(value)
    if kind is ast.Constant:
        return literal(fn.mod, value)
    return fallback(fn, value) if kind is ast.Call else EMPTY  # type: ignore[arg-type]


def stored(fn: FunctionPass, stmt: ast.Assign, taint: frozenset) -> None:
    """`app.secret_key = ...` and `app.config["SECRET_KEY"] = ...`: the store is where the key is used."""
    from secreview.analysis.sink_events import record

    for target in stmt.targets:
        kind = type(target)
        if kind is ast.Attribute:
            if target.attr == "secret_key" and fn.resolve(target.value) in _APPS:  # type: ignore[attr-defined]
                record(fn, _APP_KEY, taint, stmt)
        elif kind is ast.Subscript:
            container, key = target.value, target.slice  # type: ignore[attr-defined]
            if type(container) is ast.Attribute and container.attr == "config" and type(key) is ast.Constant \
                    and key.value in _CONFIG_KEYS:  # type: ignore[attr-defined]
                record(fn, _APP_KEY, taint, stmt)


def imported(mod: ModuleState, name: str) -> frozenset:
    """A constant imported from another module of the project (`from settings import DB_PASSWORD`)."""
    found = mod.constant_memo.get(name)
    if found is None:
        binding = mod.names.module_scope.names.get(name)
        qual = binding.qualname if binding is not None and binding.kind == "import" else None
        found = mod.constant_memo[name] = _constant(mod, qual) if qual else EMPTY
    return found


def attribute(fn: FunctionPass, node: ast.Attribute) -> frozenset:
    """`settings.DB_PASSWORD`, `config.Production.DB_PASSWORD`: a constant of a module of the project."""
    qual = fn.resolve(node)
    return _constant(fn.mod, qual) if qual is not None and "." in qual else EMPTY


def _constant(mod: ModuleState, qual: str) -> frozenset:
    if mod.external(qual) or qual.partition(".")[0] == mod.top and qual.startswith(mod.module + "."):
        return EMPTY  # a library's, or this module's own (its module_env holds it)
    return frozenset({(CONSTANT, qual, CUTS)})


def only_constants(taint: frozenset) -> bool:
    """The value is imported constants only: an attribute of it (`CONF.database`) is none of them."""
    for atom in taint:
        if atom[0] != CONSTANT:
            return False
    return True


def only_literals(taint: frozenset) -> bool:
    """The value holds nothing but literals that may be credentials (or constants of other modules): an
    assignment of it is no step of a flow to any other sink (`command = "uptime"` before a loop that
    later puts request data into `command`)."""
    for atom in taint:
        if not atom[2] >= CUTS:
            return False
    return True


def constants(mod: ModuleState, module_env: dict[str, frozenset]) -> dict[str, frozenset]:
    """The module-level names holding a literal that may be a credential (or another module's constant):
    what other modules import (`ModuleSummary.constants`)."""
    found: dict[str, frozenset] = {}
    literals = mod.literal_sources
    for name, taint in module_env.items():
        if not taint or "." in name or name[0] == "=":
            continue
        kept = frozenset(a for a in taint if a[0] == CONSTANT or a[0] == "s" and a[1] in literals)
        if kept:
            found[name] = kept
    return found


def at_literal(source_path: str, source: SourceInfo, sink: SinkEvent, sink_path: str,
               via: str) -> tuple[Location, str, str]:
    """(location, line text, message) of a hard-coded credential finding: where the literal is written,
    citing the use that makes it a credential (the flow's sink) and how it got there (`via`)."""
    where = "" if sink_path == source_path else f" in {sink_path}"
    fallback = "" if source.label == LITERAL.label else f", {source.label},"
    message = (f"The literal {source.description}{fallback} reaches {sink.label} in `{sink.description}` (line "
               f"{sink.line}{where}){via}: anyone who can read the code or its history has this credential, "
               "and changing it needs a release.")
    return Location(source_path, source.line, source.column), source.line_text, message
