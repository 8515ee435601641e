"""CWE-707 facts: where data from outside the program enters, and which sinks exist.

Kinds: `707:source` on an attribute or call that reads request data, argv,
stdin, the environment or a socket; `707:sink-<how>` on a call to a command,
code, SQL, template, LDAP or XPath sink, where `how` says what it is given:
`constant` (only constants), `argv` (an argument list, no shell; also
`processutils.execute(*cmd)`),
`parameterised` (a constant query with separate parameters) or `variable`;
`707:privileged` on a call into `nova.privsep` (run as root by the daemon).

Sources and sinks come from the taint engine's specs (`rules/specs/*.toml`,
so the verdict and the taint checks agree on what counts), plus the
request-object spelling of `rules/heuristics.py` for frameworks whose request
is a parameter rather than an import.
"""

from __future__ import annotations

import ast

from secreview.analysis.specs import load as load_specs
from secreview.review.facts_access import record_check
from secreview.review.facts_base import collector, spelled
from secreview.rules.base import Context, is_true, keyword
from secreview.rules.heuristics import REQUEST_ATTRS, name_of
from secreview.rules.neutralization import SHELL_CALLS, SUBPROCESS_CALLS

_REQUEST_NAMES = frozenset({"request", "req", "self.request"})
_STREAM_SOURCES = {"argv": "sys.argv", "environ": "os.environ", "stdin": "sys.stdin", "environb": "os.environb"}
_SOURCE_CALLS: tuple[str, ...] = ("input", "os.getenv", "os.getenvb", "raw_input")
AUTH_ATTRIBUTES = frozenset({"is_authenticated", "is_anonymous", "is_staff", "is_superuser", "is_admin",
                             "is_active"})  # permission *methods* are facts_access.auth_check's
_COMMAND_SINKS = SUBPROCESS_CALLS + SHELL_CALLS + tuple(
    f"os.{name}" for name in ("execl", "execle", "execlp", "execv", "execve", "execvp", "execvpe", "spawnl",
                              "spawnlp", "spawnv", "spawnvp", "startfile")) + ("asyncio.create_subprocess_exec",)
# oslo.concurrency runs its positional arguments as one argument list, like execv.
ARGV_SINKS = ("oslo_concurrency.processutils.execute", "oslo_concurrency.processutils.trycmd",
              "nova.utils.execute")
_COMMAND_SINKS += ARGV_SINKS
_CODE_SINKS = ("eval", "exec", "compile")
_TEMPLATE_SINKS = ("flask.render_template_string", "jinja2.Template", "django.template.Template",
                   "mako.template.Template", "markupsafe.Markup", "flask.Markup",
                   "django.utils.safestring.mark_safe")
_SQL_METHODS = ("execute", "executemany", "executescript", "raw")
_QUERY_METHODS = ("search_s", "search_ext_s", "xpath")
_NEUTRALISATION_SINKS = frozenset({"command", "code", "sql", "template", "ldap", "xpath", "xss"})


def _from_specs() -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """(source qualnames, their last parts, sink calls, sink methods) of the taint specs' 707 kinds."""
    try:
        specs = load_specs()
    except Exception:  # noqa: BLE001 - a broken spec file is reported by the taint checks; facts use the lists here
        return (), frozenset(), (), ()
    sources = tuple(q for q, spec in specs.source_qualnames.items() if spec.kind == "untrusted")  # not secrets
    calls = tuple(name for name, sinks in specs.sink_calls.items() if any(k.kind in _NEUTRALISATION_SINKS for k in sinks))
    # `.write` is every file's too; a method that is a sink only where a library is imported (`run` of
    # pg8000, `fetch` of asyncpg) is no evidence of one elsewhere (`app.run()`).
    methods = tuple(name for name, sinks in specs.sink_methods.items()
                    if name != "write" and any(k.kind in _NEUTRALISATION_SINKS and not k.imports for k in sinks))
    return sources, frozenset(q.rsplit(".", 1)[-1] for q in sources), calls, methods


_SPEC_SOURCES, _SPEC_SOURCE_ATTRS, _SPEC_SINK_CALLS, _SPEC_SINK_METHODS = _from_specs()
_SOURCE_CALLS = tuple(dict.fromkeys(_SOURCE_CALLS + _SPEC_SOURCES))
_SOURCE_CALL_SET = frozenset(_SOURCE_CALLS)
_SOURCE_ATTRS = frozenset(REQUEST_ATTRS) | _SPEC_SOURCE_ATTRS | frozenset(_STREAM_SOURCES)
SINK_CALLS = tuple(dict.fromkeys(_COMMAND_SINKS + _CODE_SINKS + _TEMPLATE_SINKS + ("sqlalchemy.text",)
                                 + _SPEC_SINK_CALLS))
_SINK_METHODS = tuple(dict.fromkeys(_SQL_METHODS + _QUERY_METHODS + ("from_string",) + _SPEC_SINK_METHODS))


# Given only the attributes it can record (the walk looks `.attr` up once): Nova has ~330k attributes.
@collector(id="input-attribute", attrs=_SOURCE_ATTRS | AUTH_ATTRIBUTES)
def attribute(node: ast.Attribute, ctx: Context) -> None:
    """Request data, argv, stdin, the environment (707) and authentication state read (284)."""
    attr = node.attr
    if attr in _SOURCE_ATTRS:
        if not isinstance(node.ctx, ast.Load):
            return
        qualname = ctx.qualname(node) or ""
        parent = ctx.parent
        if qualname in _SOURCE_CALL_SET and isinstance(parent, ast.Call) and parent.func is node:
            return  # recorded once, by source_call
        if qualname in _SPEC_SOURCES or qualname in _STREAM_SOURCES.values() or attr in REQUEST_ATTRS and name_of(node.value) in _REQUEST_NAMES:
            ctx.fact("707:source", node, spelled(node))
    elif attr in AUTH_ATTRIBUTES and isinstance(node.ctx, ast.Load):
        record_check(ctx, node, spelled(node))


@collector(id="input-call", calls=_SOURCE_CALLS, methods=("recv", "recvfrom", "recv_into"))
def source_call(node: ast.Call, ctx: Context) -> None:
    ctx.fact("707:source", node, f"{spelled(node.func)}()")


def literal(ctx: Context, node: ast.expr | None) -> bool:
    """A value fixed in the source: a literal, a container or concatenation of literals, or a name last
    given a plain literal. Stricter than the name model's constants, because "given only constants" is
    said of a sink: `parts = ["ls"]; parts.append(arg); " ".join(parts)` is not one."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(literal(ctx, e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(literal(ctx, k) and literal(ctx, v) for k, v in zip(node.keys, node.values))
    if isinstance(node, ast.JoinedStr):
        return all(literal(ctx, v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return literal(ctx, node.left) and literal(ctx, node.right)
    if isinstance(node, ast.Starred):
        return literal(ctx, node.value)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.isupper():
        return True  # a module's constant: subprocess.PIPE, os.O_RDONLY
    if isinstance(node, (ast.Name, ast.Attribute)) and ctx.is_constant(node):
        value = ctx.assigned_value(node)
        return value is None or isinstance(value, ast.Constant)  # an imported constant, or a plain literal
    return False


def _argument_kind(ctx: Context, call: ast.Call, name: str) -> str:
    if not call.args:
        return "constant" if all(literal(ctx, k.value) for k in call.keywords) else "variable"
    first = call.args[0]
    if name in ARGV_SINKS:
        shell = keyword(call, "shell")
        if shell is not None and is_true(shell.value):
            return "variable"
        return "constant" if all(literal(ctx, a) for a in call.args) else "argv"
    if name in _COMMAND_SINKS and isinstance(first, (ast.List, ast.Tuple)):
        if all(literal(ctx, e) for e in (*first.elts, *call.args[1:], *(k.value for k in call.keywords))):
            return "constant"
        shell = keyword(call, "shell")
        return "variable" if shell is not None and is_true(shell.value) else "argv"
    if not literal(ctx, first):
        return "variable"
    rest = [*call.args[1:], *(k.value for k in call.keywords)]
    if isinstance(call.func, ast.Attribute) and call.func.attr in _SQL_METHODS and (
            len(call.args) > 1 or any(k.arg in ("parameters", "params", "args") for k in call.keywords)):
        return "parameterised"
    return "constant" if all(literal(ctx, a) for a in rest) else "variable"


@collector(id="input-sink", calls=SINK_CALLS)
def sink_call(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    ctx.fact(f"707:sink-{_argument_kind(ctx, node, name)}", node, name)


_MENTIONS_PRIVSEP = ("privsep",)


@collector(id="input-privsep", nodes=(ast.Call,), mentions=_MENTIONS_PRIVSEP, tests=False)
def privileged_call(node: ast.Call, ctx: Context) -> None:
    """A call into `nova.privsep`: the function runs as root in the privsep daemon."""
    if ctx.is_test or ctx.names.module.startswith("nova.privsep"):
        return  # the privsep package's own calls are its implementation; tests call mocks of it
    name = ctx.call_name(node) or ""
    if name.startswith("nova.privsep.") and not name.rsplit(".", 1)[-1].startswith(("assert_", "called")):
        ctx.fact("707:privileged", node, name)


@collector(id="input-sink-method", methods=_SINK_METHODS)
def sink_method(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    if name in SINK_CALLS:
        return  # recorded by sink_call
    if node.func.attr == "raw" and not node.args:  # type: ignore[attr-defined]
        return
    ctx.fact(f"707:sink-{_argument_kind(ctx, node, name)}", node, spelled(node.func))
