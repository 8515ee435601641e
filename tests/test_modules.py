"""Module identity: every file links under a name of its own, and imports resolve from the importer's root."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_incremental import relinks, taint_findings, warm_equals_cold, write  # noqa: F401 - relinks is a fixture

from secreview import api
from secreview.analysis.modules import Namespaces, root_of
from secreview.analysis.summaries import CallSite, FunctionSummary, ModuleSummary
from secreview.settings.config import Config

FLASK_VIEW = ("from flask import Flask, request\n\nfrom helpers import run\n\napp = Flask(__name__)\n\n\n"
              "@app.route('/go')\ndef go():\n    return run(request.args['x'])\n")
UNSAFE_HELPER = "import os\n\n\ndef run(value):\n    return os.system('tool ' + value)\n"
SAFE_HELPER = "import os\nimport shlex\n\n\ndef run(value):\n    return os.system('tool ' + shlex.quote(value))\n"
SERVICES = {
    # two scripts' folders (no __init__.py), each with its own app.py and helpers.py
    "service_a/app.py": FLASK_VIEW,
    "service_a/helpers.py": UNSAFE_HELPER,
    "service_b/app.py": FLASK_VIEW,
    "service_b/helpers.py": SAFE_HELPER,
    # a third root names `helpers` but has none: Python would not find either
    "tools/cli.py": "import sys\n\nfrom helpers import run\n\nrun(sys.argv[1])\n",
    # two copies of a script whose flow stays inside the file
    "scripts/one/main.py": "import os\nimport sys\n\nos.system('x ' + sys.argv[1])\n",
    "scripts/two/main.py": "import subprocess\nimport sys\n\nsubprocess.call(sys.argv[1], shell=True)\n",
}


@pytest.mark.parametrize(("path", "module", "root"), [
    ("/p/tools/run.py", "run", "/p/tools"),
    ("/p/src/pkg/sub/mod.py", "pkg.sub.mod", "/p/src"),
    ("/p/src/pkg/__init__.py", "pkg", "/p/src"),
    ("/p/src/pkg/sub/__init__.py", "pkg.sub", "/p/src"),
    ("/p/src/pkg/a.b.py", "pkg.a.b", "/p/src"),  # a stem with a dot: its package is still pkg
    ("app.py", "app", ""),
])
def test_the_root_is_the_sys_path_entry_the_module_name_is_relative_to(path: str, module: str, root: str) -> None:
    assert root_of(path, module) == root


def summary(path: str, module: str, *, calls: tuple[str, ...] = (), bases: tuple[str, ...] = ()) -> ModuleSummary:
    function = FunctionSummary(f"{module}.f", "f", (), -1, -1, frozenset({("f", f"{module}.C.x", frozenset())}),
                               (), tuple(range(len(calls))), 1)
    sites = tuple(CallSite(callee, f"{module}.f", (), (), frozenset(), frozenset(), False, 1, 0, "c()")
                  for callee in calls)
    return ModuleSummary(path, module, {f"{module}.f": function}, sites,
                         fields=((f"{module}.C.x", f"{module}.f", frozenset()),),
                         classes={f"{module}.C": bases} if bases else {})


def test_only_names_two_roots_share_are_renamed_and_each_root_keeps_its_own() -> None:
    modules = [summary("/p/a/app.py", "app", calls=("helpers.run", "json.dumps")),
               summary("/p/a/helpers.py", "helpers"),
               summary("/p/b/app.py", "app", calls=("helpers.run",), bases=("helpers.Base",)),
               summary("/p/b/helpers.py", "helpers"),
               summary("/p/c/cli.py", "cli", calls=("helpers.run",)),
               summary("/p/src/pkg/mod.py", "pkg.mod", calls=("pkg.util.f",))]
    names = Namespaces.of((m.path, m.module) for m in modules)
    a_app, a_helpers, b_app, b_helpers, cli, mod = (names.apply(m) for m in modules)
    assert cli is modules[4] and mod is modules[5], "a module that names nothing shared is the same object"
    assert len({a_app.module, b_app.module, a_helpers.module, b_helpers.module}) == 4
    assert a_app.calls[0].callee == f"{a_helpers.module}.run" and a_app.calls[1].callee == "json.dumps"
    assert b_app.calls[0].callee == f"{b_helpers.module}.run"
    assert b_app.classes == {f"{b_app.module}.C": (f"{b_helpers.module}.Base",)}
    assert list(a_helpers.functions) == [f"{a_helpers.module}.f"] == [a_helpers.functions[f"{a_helpers.module}.f"].qualname]
    assert a_helpers.fields == ((f"{a_helpers.module}.C.x", f"{a_helpers.module}.f", frozenset()),)
    assert a_helpers.functions[f"{a_helpers.module}.f"].returns == {("f", f"{a_helpers.module}.C.x", frozenset())}
    assert cli.calls[0].callee == "helpers.run", "a third root resolves neither"
    assert names.apply(names.apply(modules[0])) == names.apply(modules[0]), "renaming twice changes nothing more"


def test_a_module_beside_a_package_of_the_same_name_gets_a_name_of_its_own() -> None:
    package, shadowed = summary("/p/pkg/__init__.py", "pkg"), summary("/p/pkg.py", "pkg")
    names = Namespaces.of([(shadowed.path, shadowed.module), (package.path, package.module)])
    assert names.apply(package) is package, "Python imports the package: it keeps the name"
    assert names.apply(shadowed).module not in ("pkg", "")


def findings(review: api.Review, root: Path) -> set[tuple[str, int, str, str]]:
    return {(Path(f.location.path).relative_to(root).as_posix(), f.location.line, f.rule_id, f.message)
            for f in review.findings}


def test_files_sharing_a_module_name_each_get_taint_and_import_their_own_root(tmp_path: Path) -> None:
    write(tmp_path, SERVICES)
    found = {(path, line, rule) for path, line, rule, _ in findings(api.review_paths([tmp_path]), tmp_path)}
    assert {("service_a/helpers.py", 5, "taint-command-injection"),
            ("scripts/one/main.py", 4, "taint-command-injection"),
            ("scripts/two/main.py", 4, "taint-command-injection")} <= found
    assert not any(path.startswith("service_b/") for path, _, _ in found), "service_b imports its own quoting helper"


def test_a_directory_review_is_each_file_alone_plus_the_cross_file_flows(tmp_path: Path) -> None:
    write(tmp_path, SERVICES)
    whole = findings(api.review_paths([tmp_path], Config(gitignore=False)), tmp_path)
    alone = set().union(*(findings(api.review_paths([tmp_path / name], Config(gitignore=False)), tmp_path) for name in SERVICES))
    cross_file = {f for f in whole if f[0] == "service_a/helpers.py"}
    assert cross_file and not cross_file & alone, "the flow from app.py into helpers.py needs both files"
    assert whole - cross_file <= alone
    replaced = alone - whole  # a pattern finding gives way to the taint finding of its CWE on its line
    assert {(path, line) for path, line, rule, _ in replaced} == {(path, line) for path, line, _, _ in cross_file}
    assert all(not rule.startswith("taint-") for _, _, rule, _ in replaced)


def test_warm_runs_match_cold_runs_with_shared_module_names(tmp_path: Path, relinks: list[int]) -> None:  # noqa: F811
    root = tmp_path / "project"
    write(root, SERVICES)
    assert ("helpers.py", 5, "taint-command-injection") in taint_findings(warm_equals_cold(root, tmp_path))
    (root / "service_b" / "helpers.py").write_text(UNSAFE_HELPER, encoding="utf-8")
    assert taint_findings(warm_equals_cold(root, tmp_path)).count(("helpers.py", 5, "taint-command-injection")) == 2
    (root / "service_a" / "helpers.py").write_text(SAFE_HELPER, encoding="utf-8")
    assert taint_findings(warm_equals_cold(root, tmp_path)).count(("helpers.py", 5, "taint-command-injection")) == 1
    assert relinks, "an edit in a renamed module is re-linked incrementally"
