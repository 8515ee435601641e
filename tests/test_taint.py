"""The taint engine over small projects: flows across modules, paths, dedupe, suppression, selection."""

from __future__ import annotations

import ast
import json
import pickle
import textwrap
from pathlib import Path

import pytest

from secreview import review_paths, review_source
from secreview.analysis import specs as spec_module
from secreview.analysis.taint import summarise_module
from secreview.analysis.taint_project import PASS_NAME
from secreview.analysis.taint_rules import TAINT_RULES
from secreview.report.sarif import render as render_sarif
from secreview.rules import REGISTRY
from secreview.run.filepasses import registered
from secreview.settings.config import Config


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), "utf-8")


APP = """\
    from flask import Flask, request

    from shop.repo import find_items

    app = Flask(__name__)


    @app.route("/items")
    def items():
        owner = request.form["owner"]
        limit = 10
        return find_items(owner, limit)
    """

REPO = """\
    import sqlite3


    def find_items(owner, limit):
        conn = sqlite3.connect("shop.db")
        sql = f"SELECT * FROM items WHERE owner = '{owner}' LIMIT {limit}"
        return conn.execute(sql).fetchall()


    def count_items(owner):
        conn = sqlite3.connect("shop.db")
        return conn.execute("SELECT count(*) FROM items WHERE owner = ?", (owner,)).fetchone()
    """


def test_flow_from_a_route_in_one_module_to_a_helper_in_another(tmp_path: Path) -> None:
    write(tmp_path, {"shop/__init__.py": "", "shop/app.py": APP, "shop/repo.py": REPO})
    review = review_paths([tmp_path], Config())
    taint = [f for f in review.findings if f.rule_id == "taint-sql-injection"]
    assert len(taint) == 1
    finding = taint[0]
    assert finding.location.path.endswith("repo.py") and finding.location.line == 7
    assert finding.cwe == "89" and finding.pillar == "707"
    assert finding.confidence.label == "high"
    steps = [(Path(s.location.path).name, s.location.line, s.description) for s in finding.path]
    assert steps == [
        ("app.py", 10, "request.form['owner']"),
        ("app.py", 12, "find_items(owner, ...)"),
        # the assignment that built the query is a step of the path too
        ("repo.py", 6, 'sql = f"SELECT * FROM items WHERE owner = \'{owner}\' LIMIT {…'),
        ("repo.py", 7, "conn.execute(sql)"),
    ]
    assert "app.py" in finding.message
    # the flow is reported in the review of the file that holds the sink
    by_file = {Path(fr.path).name: fr for fr in review.files}
    assert finding in by_file["repo.py"].findings
    assert not [f for f in by_file["app.py"].findings if f.rule_id.startswith("taint-")]
    assert by_file["repo.py"].verdicts[[v.pillar for v in by_file["repo.py"].verdicts].index("707")].status \
        == "findings"


def test_a_parameterised_query_in_the_helper_is_not_reported(tmp_path: Path) -> None:
    app = APP.replace("find_items", "count_items").replace("(owner, limit)", "(owner)")
    write(tmp_path, {"shop/__init__.py": "", "shop/app.py": app, "shop/repo.py": REPO})
    review = review_paths([tmp_path], Config())
    assert not [f for f in review.findings if f.rule_id.startswith("taint-")]


def test_relative_imports_methods_on_self_and_recursion(tmp_path: Path) -> None:
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/views.py": """\
            from flask import request
            from .runner import Runner

            def view():
                Runner().start(request.args["job"], 3)
            """,
        "pkg/runner.py": """\
            import subprocess

            class Runner:
                def start(self, job, tries):
                    return self.retry(job, tries)

                def retry(self, job, tries):
                    if tries <= 0:
                        return self.launch(job)
                    return self.retry(job, tries - 1)

                def launch(self, job):
                    return subprocess.run("launch " + job, shell=True)
            """,
    })
    review = review_paths([tmp_path], Config())
    [finding] = [f for f in review.findings if f.rule_id == "taint-command-injection"]
    assert finding.location.path.endswith("runner.py") and finding.location.line == 13
    descriptions = [s.description for s in finding.path]
    assert descriptions[0] == "request.args['job']"
    assert any("self.launch(job)" == d for d in descriptions)


def test_a_sanitiser_in_the_caller_cuts_the_cross_module_flow(tmp_path: Path) -> None:
    write(tmp_path, {
        "tools.py": """\
            import os

            def archive(name):
                os.system("tar czf /tmp/out.tgz " + name)
            """,
        "web.py": """\
            import shlex
            from flask import request
            from tools import archive

            def unsafe():
                archive(request.args["name"])

            def safe():
                archive(shlex.quote(request.args["name"]))
            """,
    })
    review = review_paths([tmp_path], Config())
    taint = [f for f in review.findings if f.rule_id == "taint-command-injection"]
    assert len(taint) == 1
    assert [s.location.line for s in taint[0].path] == [6, 6, 4]


def test_taint_finding_replaces_the_pattern_finding_on_the_same_sink() -> None:
    code = textwrap.dedent("""\
        import os
        from flask import request

        def view():
            os.system("ls " + request.args["dir"])

        def other(path):
            os.system("ls " + path)
        """)
    review = review_source(code, "view.py")
    on_line_5 = sorted(f.rule_id for f in review.findings if f.location.line == 5)
    assert on_line_5 == ["taint-command-injection"]
    # where no untrusted source reaches the sink, the pattern rule still reports, at its own confidence
    on_line_8 = [f for f in review.findings if f.location.line == 8]
    assert [f.rule_id for f in on_line_8] == ["command-injection-shell"]
    assert on_line_8[0].confidence.label == "medium"


def test_ignoring_the_taint_rule_keeps_the_pattern_finding() -> None:
    code = "import os\nfrom flask import request\nos.system('ls ' + request.args['d'])\n"
    review = review_source(code, "x.py", Config(ignore=("taint-command-injection",)))
    assert [f.rule_id for f in review.findings] == ["command-injection-shell"]
    selected = review_source(code, "x.py", Config(select=("taint-command-injection",)))
    assert [f.rule_id for f in selected.findings] == ["taint-command-injection"]


def test_suppressions_apply_to_taint_findings() -> None:
    code = textwrap.dedent("""\
        import os
        from flask import request

        def a():
            os.system("ls " + request.args["d"])  # secreview: ignore[taint-command-injection] reviewed

        def b():
            os.system("ls " + request.args["d"])  # nosec B605
        """)
    review = review_source(code, "x.py")
    assert not review.findings
    reasons = sorted((f.rule_id, f.suppressed) for f in review.suppressed)
    assert ("taint-command-injection", "reviewed") in reasons
    assert ("taint-command-injection", "nosec") in reasons


def test_environment_sources_are_low_confidence_and_filtered_by_threshold() -> None:
    code = "import os, subprocess\nsubprocess.run('make ' + os.environ['TARGET'], shell=True)\n"
    review = review_source(code, "build.py")
    [finding] = review.findings
    assert finding.rule_id == "taint-command-injection" and finding.confidence.label == "low"
    strict = review_source(code, "build.py", Config(min_confidence=spec_confidence("high")))
    assert not strict.findings and strict.files[0].below_threshold >= 1


def spec_confidence(label: str):  # type: ignore[no-untyped-def]
    from secreview.core.model import Confidence

    return Confidence.parse(label)


def test_sarif_carries_the_path_as_a_code_flow(tmp_path: Path) -> None:
    write(tmp_path, {"shop/__init__.py": "", "shop/app.py": APP, "shop/repo.py": REPO})
    review = review_paths([tmp_path], Config())
    sarif = json.loads(render_sarif(review))
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "taint-sql-injection"]
    [flow] = results[0]["codeFlows"]
    locations = flow["threadFlows"][0]["locations"]
    assert [loc["location"]["physicalLocation"]["region"]["startLine"] for loc in locations] == [10, 12, 6, 7]


def test_taint_rules_are_registered_and_documented() -> None:
    taint = [r for r in REGISTRY.values() if "taint" in r.tags]
    # The credential sink classes are reported by the hard-coded credential rules, which are pattern rules too.
    shared = set(spec_module.CREDENTIAL_SINK_KINDS)
    assert {kind for r in taint for kind in r.tags[1:]} == set(spec_module.SINK_KINDS) - shared
    assert {TAINT_RULES[kind] for kind in shared} <= set(REGISTRY)
    for item in taint:
        assert not (item.nodes or item.calls or item.methods)  # never dispatched by the walk
        for heading in ("## What it does", "## Why is this bad", "## Example", "## Use instead"):
            assert heading in item.doc


def test_summaries_are_picklable_and_registered_as_a_file_pass() -> None:
    assert PASS_NAME in {p.name for p in registered()}
    code = "from flask import request\nimport os\ndef f():\n    os.system(request.args['x'])\n"
    summary = summarise_module("m.py", ast.parse(code), "m", code)
    again = pickle.loads(pickle.dumps(summary))
    assert again == summary
    assert again.functions["m.f"].sinks[0].kind == "command"


def test_deep_code_does_not_crash_the_taint_pass(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("x = " + " + ".join(["a"] * 1500) + "\n")
    review = review_paths([tmp_path], Config())
    assert all(d.kind.value != "internal-error" for d in review.all_diagnostics)


# -- spec validation ----------------------------------------------------------------------
def test_shipped_specs_load_and_cover_every_sink_class() -> None:
    specs = spec_module.load()
    kinds = {s.kind for sinks in specs.sink_calls.values() for s in sinks}
    kinds |= {s.kind for sinks in specs.sink_methods.values() for s in sinks}
    kinds |= {s.kind for found in specs.subscript_stores.values() for s in found}
    # `==` is an operator, not a call a spec can name: the pass records it itself (sink_events.comparison);
    # so is HTML built by string formatting, which the constant text identifies (analysis.framing), and a
    # range check of a float (`<`, `>`) and the bound of `range()`, a loop's count (analysis.numbers).
    assert kinds | {"secret_compare", "markup", "nan", "loop"} == set(spec_module.SINK_KINDS)
    assert "os.system" in specs.sink_calls  # reused from the pattern rules' SHELL_CALLS
    assert {"flask.toml", "django.toml", "fastapi.toml", "aiohttp.toml", "tornado.toml", "webob.toml",
            "stdlib.toml"} <= set(specs.files)


@pytest.mark.parametrize(("document", "message"), [
    ({"sink": [{"kind": "telepathy"}]}, "unknown sink kind"),
    ({"sink": [{"kind": "sql", "calls": "execute"}]}, "must be a list of strings"),
    ({"source": [{"label": "x", "qualnames": ["a"], "colour": "red"}]}, "unknown key 'colour'"),
    ({"source": [{"qualnames": ["a"]}]}, "missing required key 'label'"),
    ({"source": [{"label": "x", "confidence": "certain"}]}, "confidence must be"),
    ({"sanitiser": [{"cuts": ["nothing"], "calls": ["f"]}]}, "unknown sink kinds in cuts"),
    ({"sink": [{"kind": "command", "constants": ["neutralization:NO_SUCH_LIST"]}]}, "not found"),
    ({"guards": {"terminators": [1]}}, "must be a list of strings"),
    ({"sinks": []}, "unknown key 'sinks'"),
])
def test_spec_validator_rejects_malformed_specs(document: dict, message: str) -> None:
    with pytest.raises(spec_module.SpecError, match=message):
        spec_module.compile_specs({"bad.toml": document})


def test_a_foreign_pickle_in_the_summary_slot_is_refused() -> None:
    import os

    from secreview.analysis.taint_project import decode

    class Boom:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("echo pwned",))

    assert decode(pickle.dumps(Boom())) is None
    assert decode(b"not a pickle") is None
    assert decode(None) is None


def test_a_function_re_exported_by_a_package_is_followed(tmp_path: Path) -> None:
    write(tmp_path, {
        "svc/__init__.py": "from svc.jobs import launch\n",
        "svc/jobs.py": "import os\n\ndef launch(name):\n    os.system('run ' + name)\n",
        "web.py": "from flask import request\nfrom svc import launch\n\ndef view():\n    launch(request.args['n'])\n",
    })
    review = review_paths([tmp_path], Config())
    [finding] = [f for f in review.findings if f.rule_id == "taint-command-injection"]
    assert finding.location.path.endswith("jobs.py") and finding.location.line == 4
    assert [Path(s.location.path).name for s in finding.path] == ["web.py", "web.py", "jobs.py"]


def test_a_bug_in_the_project_pass_becomes_a_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    from secreview.analysis import taint_project

    def broken(modules, rules):  # type: ignore[no-untyped-def]
        raise KeyError("boom")

    monkeypatch.setattr(taint_project, "flow_findings", broken)
    review = review_source("import os\nos.system(cmd)\n", "x.py")
    assert [f.rule_id for f in review.findings] == ["command-injection-shell"]
    assert [d.kind.value for d in review.all_diagnostics] == ["internal-error"]


def test_a_project_function_named_like_a_cursor_method_is_followed_not_taken_for_a_sink(tmp_path: Path) -> None:
    """`helpers.execute(x)` after `from app import helpers` is our own function, not DB-API `execute`."""
    write(tmp_path, {
        "app/__init__.py": "",
        "app/helpers.py": "import os\n\ndef execute(first, second):\n    os.system(first + second)\n",
        "app/views.py": ("from flask import request\nfrom app import helpers\n\n"
                         "def view():\n    helpers.execute(request.form['a'], 'x')\n"),
    })
    review = review_paths([tmp_path / "app"], Config())
    assert [(f.rule_id, Path(f.location.path).name, f.location.line) for f in review.findings] == [
        ("taint-command-injection", "helpers.py", 4)]
    assert [Path(s.location.path).name for s in review.findings[0].path] == ["views.py", "views.py", "helpers.py"]
