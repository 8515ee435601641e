"""Qualified names and constants, as checks see them."""

from __future__ import annotations

import ast
from pathlib import Path

from secreview.rules.base import Context
from secreview.rules.engine import Dispatch, Walker


def resolve(code: str, path: str = "pkg/mod.py", module: str = "pkg.mod") -> dict[str, str | None]:
    """Qualified name of every call's callee, as seen at that point of the walk."""
    tree = ast.parse(code)
    ctx = Context(path, code, tree, module=module)
    seen: dict[str, str | None] = {}

    class Probe:
        pass

    from secreview.rules.base import Rule

    def record(node, context):
        seen[ast.unparse(node.func)] = context.call_name(node)

    probe = Rule("probe", "probe", "78", None, None, "", record, nodes=(ast.Call,))  # type: ignore[arg-type]
    Walker(ctx, Dispatch([probe])).run()
    return seen


def test_imports_and_aliases_resolve() -> None:
    seen = resolve(
        "import subprocess as sp\nfrom os import system as run\nimport os.path\n"
        "from . import sibling\nfrom ..up import thing\n"
        "sp.call(x)\nrun(x)\nos.path.join(a)\nsibling.f()\nthing()\neval(x)\n"
    )
    assert seen["sp.call"] == "subprocess.call"
    assert seen["run"] == "os.system"
    assert seen["os.path.join"] == "os.path.join"
    assert seen["sibling.f"] == "pkg.sibling.f"
    assert seen["thing"] == "up.thing"
    assert seen["eval"] == "eval"


def test_relative_imports_in_a_package_init_start_from_the_package_itself() -> None:
    code = "from . import sibling\nfrom .web import Handler\nfrom ..up import thing\nsibling.f()\nHandler()\nthing()\n"
    in_init = resolve(code, "top/pkg/__init__.py", "top.pkg")
    assert in_init == {"sibling.f": "top.pkg.sibling.f", "Handler": "top.pkg.web.Handler", "thing": "top.up.thing"}
    in_module = resolve(code, "top/pkg/mod.py", "top.pkg.mod")
    assert in_module == in_init, "a module of the package sees the same names"
    assert resolve(code, "top/pkg/sub/mod.py", "top.pkg.sub.mod")["Handler"] == "top.pkg.sub.web.Handler"


def test_a_handler_in_the_frameworks_own_package_is_a_handler(tmp_path: Path) -> None:
    """Tornado's own package: handlers that subclass RequestHandler through a relative import
    in the package's __init__.py, or defined beside it, read request data."""
    from secreview import api

    package = tmp_path / "tornado"
    package.mkdir()
    (package / "web.py").write_text(
        "import os\n\n\nclass RequestHandler:\n    pass\n\n\n"
        "class ShellHandler(RequestHandler):\n    def get(self, arg):\n        os.system('echo ' + arg)\n")
    (package / "__init__.py").write_text(
        "import os\n\nfrom .web import RequestHandler\n\n\n"
        "class RunHandler(RequestHandler):\n    def get(self):\n        os.system('echo ' + self.get_argument('x'))\n")
    found = {(Path(f.location.path).name, f.location.line, f.rule_id) for f in api.review_paths([tmp_path]).findings}
    assert found == {("web.py", 10, "taint-command-injection"), ("__init__.py", 8, "taint-command-injection")}


def test_shadowed_builtin_is_not_the_builtin() -> None:
    seen = resolve("def eval(x):\n    return x\neval(y)\n")
    assert seen["eval"] is None


def test_instances_of_imported_classes() -> None:
    seen = resolve("import requests\ns = requests.Session()\ns.get(u)\n")
    assert seen["s.get"] == "requests.Session.get"


def test_function_local_import_and_late_module_import() -> None:
    seen = resolve("def f():\n    import pickle as p\n    p.loads(d)\n    y.dumps(d)\nimport json as y\n")
    assert seen["p.loads"] == "pickle.loads"
    assert seen["y.dumps"] == "json.dumps"


def constant(code: str, expr: str) -> bool:
    tree = ast.parse(code)
    ctx = Context("m.py", code, tree)
    Walker(ctx, Dispatch([])).run()
    return ctx.is_constant(ast.parse(expr, mode="eval").body)


def test_constants_follow_assignments() -> None:
    assert constant("A = 'ls'\nB = A + ' -l'\n", "B")
    assert constant("A = 'x'\n", "f'{A} y'")
    assert not constant("A = 'x'\nA = input()\n", "A")
    assert not constant("A = input()\nA = 'x'\n", "A")  # once unknown, stays unknown
    assert not constant("import os\nA = os.environ['X']\n", "A + 'y'")
    assert constant("", "'a %s' % ('b',)")
    assert not constant("", "'a %s' % (b,)")


def test_a_look_ahead_from_a_block_does_not_fix_a_name_for_later_checks() -> None:
    """A rule on a function reads its body before the walk binds the local import;
    the check at the call must still see the local binding."""
    from secreview.rules.base import Rule

    code = "import json as p\n\ndef f(data):\n    import pickle as p\n    return p.loads(data)\n"
    tree = ast.parse(code)
    ctx = Context("m.py", code, tree)
    seen: dict[str, list[str | None]] = {"ahead": [], "at call": []}

    def look_ahead(node, context):
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                seen["ahead"].append(context.call_name(sub))

    def at_call(node, context):
        seen["at call"].append(context.call_name(node))

    rules = [Rule("ahead", "ahead", "78", None, None, "", look_ahead, nodes=(ast.FunctionDef,)),  # type: ignore[arg-type]
             Rule("call", "call", "78", None, None, "", at_call, nodes=(ast.Call,))]  # type: ignore[arg-type]
    Walker(ctx, Dispatch(rules)).run()
    assert seen == {"ahead": ["json.loads"], "at call": ["pickle.loads"]}
