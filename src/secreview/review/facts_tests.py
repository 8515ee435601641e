"""Facts about test code: what a reviewer needs to judge a test file's resources and waits.

A test suite sets things up through its framework, and the framework tears
them down: `useFixture` (testtools, oslotest, the `fixtures` library) cleans a
fixture up when the test ends, a `mock.patch` decorator or `with` block undoes
its patch when the test or block exits, `self.flags(...)` is the oslo.config
override helper of OpenStack test bases, `start_service`/`start_compute`
start the fake services of a functional test. None of these is a resource a
product leaks, and the verdict has to say so *because* of these facts.

Kinds: `file:test` (line 0: the module is test code; the text says why);
`664:fixture-use` (a `useFixture` call), `664:patch-decorator` (a
`mock.patch...` decorator; subject `def@<line>` of the decorated function),
`664:patch-with` (`with mock.patch...:`), `664:fixture-with` (`with SomeFixture():`), `664:patch-started`
(`mock.patch(...).start()`; a patcher bound to a name is a `664:acquire` that
its `stop()` releases), `664:service` (a service start
helper), `664:config-override` (`self.flags(...)`), and test resources
(`self._create_server(...)` bound to a name) recorded as `664:acquire` for the
wording to pair with their cleanups; `703:wait-helper` (a call of a
`wait_for_*`-style polling helper).
"""

from __future__ import annotations

import ast

from secreview.review.facts_base import collector, spelled, value_role
from secreview.rules.base import Context

PATCHERS = ("unittest.mock.patch", "unittest.mock.patch.object", "unittest.mock.patch.dict",
            "unittest.mock.patch.multiple", "mock.patch", "mock.patch.object", "mock.patch.dict",
            "mock.patch.multiple")
SERVICE_HELPERS = frozenset({"start_service", "start_compute", "_start_compute", "start_computes",
                             "_start_compute_service", "start_compute_service"})
WAIT_HELPER_PREFIXES = ("wait_for_", "_wait_for_", "wait_until", "_wait_until", "wait_till", "_wait_till",
                        "poll_", "_poll_")
TEST_RESOURCE_PREFIXES = ("create_", "_create_", "post_")
# Words that make a `create_*` helper something other than a server-side test resource.
_NOT_RESOURCES = frozenset({"autospec", "mock", "patch", "context", "manager", "fake", "stub", "app", "request",
                            "response", "engine", "action"})


def test_module_reason(path: str) -> str:
    """Why a path is test code ('' when it is not), by the conventions test runners use."""
    lowered = "/" + path.replace("\\", "/").lower()
    base = lowered.rsplit("/", 1)[-1]
    if base.startswith("test_") or base.endswith("_test.py"):
        return f"{base}, a test module by name"
    if base in ("tests.py", "test.py", "conftest.py"):
        return f"{base}, a test module by name"
    for folder in ("/tests/", "/test/"):
        if folder in lowered:
            return f"under a {folder.strip('/')}/ directory"
    return ""


@collector(id="tests-module", nodes=(ast.Module,))
def test_module(node: ast.Module, ctx: Context) -> None:
    reason = test_module_reason(ctx.path) if ctx.is_test or ctx.path.endswith(("tests.py", "test.py")) else ""
    if reason:
        ctx.fact("file:test", node, reason)


def _self_call(func: ast.expr) -> bool:
    """`self.x(...)` or `self.api.x(...)`: a helper of the test case."""
    receiver = func.value if isinstance(func, ast.Attribute) else None
    while isinstance(receiver, ast.Attribute):
        receiver = receiver.value
    return isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")


def _first_text(call: ast.Call) -> str:
    first = call.args[0] if call.args else None
    return repr(first.value) if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""


@collector(id="tests-calls", nodes=(ast.Call,), outside_tests=False)
def test_call(node: ast.Call, ctx: Context) -> None:
    """Service starts, config overrides, polling helpers and created test resources, in test code."""
    if not ctx.is_test:
        return
    func = node.func
    if func.__class__ is not ast.Attribute:
        return
    attr = func.attr
    if attr in SERVICE_HELPERS and _self_call(func):
        ctx.fact("664:service", node, f"{spelled(func)}({_first_text(node)})")
    elif attr == "flags" and _self_call(func):
        names = ", ".join(k.arg for k in node.keywords if k.arg and k.arg != "group")
        group = next((spelled(k.value) for k in node.keywords if k.arg == "group"), "")
        ctx.fact("664:config-override", node, f"self.flags({names}{', group=' + group if group else ''})")
    elif attr.startswith(WAIT_HELPER_PREFIXES) and _self_call(func):
        ctx.fact("703:wait-helper", node, attr)
    elif attr.startswith(TEST_RESOURCE_PREFIXES) and _self_call(func) and isinstance(ctx.parent, ast.Assign):
        stem = attr.removeprefix("_").removeprefix("create_").removeprefix("post_")
        words = stem.split("_")
        if stem and len(words) <= 2 and not _NOT_RESOURCES.intersection(words):
            _, keys, _ = value_role(ctx)
            ctx.fact("664:acquire", node, spelled(func), ",".join(keys))


@collector(id="tests-fixtures", methods=("useFixture",))
def use_fixture(node: ast.Call, ctx: Context) -> None:
    """`self.useFixture(F(...))`: the framework calls the fixture's cleanUp when the test ends."""
    fixture = node.args[0] if node.args else None
    shown = spelled(fixture.func if isinstance(fixture, ast.Call) else fixture)
    _, keys, _ = value_role(ctx)
    ctx.fact("664:fixture-use", node, shown, ",".join(keys))


@collector(id="tests-fixture-with", nodes=(ast.withitem,), outside_tests=False)
def fixture_block(node: ast.withitem, ctx: Context) -> None:
    """`with fixtures.TempDir() as tmp:`: a fixture used as a context manager is cleaned up when the block exits."""
    expr = node.context_expr
    if not ctx.is_test or not isinstance(expr, ast.Call):
        return
    name = ctx.call_name(expr) or spelled(expr.func)
    if name.startswith("fixtures.") or name.endswith("Fixture"):
        ctx.fact("664:fixture-with", expr, name.rsplit(".", 1)[-1])


@collector(id="tests-patch", calls=PATCHERS)
def patch(node: ast.Call, ctx: Context) -> None:
    parent = ctx.parent
    name = ctx.call_name(node) or "mock.patch"
    shown = name.removeprefix("unittest.")
    if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if any(d is node for d in parent.decorator_list):
            ctx.fact("664:patch-decorator", node, f"@{shown} on {parent.name}", f"def@{parent.lineno}")
        return
    if isinstance(parent, ast.Attribute) and parent.attr == "start":
        ctx.fact("664:patch-started", node, f"{shown}(...).start()")
        return
    role, keys, _ = value_role(ctx)
    if role == "with":
        ctx.fact("664:patch-with", node, shown)
    elif role == "bound" and keys:
        ctx.fact("664:acquire", node, shown, ",".join(keys))
