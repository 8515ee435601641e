"""The data-flow core on small programs: what the engine proves beyond one statement.

The labelled corpus (tests/corpus) holds the realistic cases; these tests pin the
engine behaviours a corpus line cannot show on its own (a wrapper's summary, the
sinks the pass proves safe, the steps of a path).
"""

from __future__ import annotations

import textwrap

from secreview import review_source
from secreview.settings.config import Config


def findings(code: str) -> list[tuple[str, int]]:
    review = review_source(textwrap.dedent(code), filename="app.py", config=Config())
    return sorted((f.rule_id, f.location.line) for f in review.findings)


FLASK = """\
    import html
    import logging
    from flask import Flask, request
    app = Flask(__name__)
    log = logging.getLogger(__name__)
"""


def test_a_wrapper_that_always_returns_a_sanitisers_result_sanitises() -> None:
    code = FLASK + """
    def one_line(value):
        return value.replace("\\r", " ").replace("\\n", " ")

    def sometimes(value, strict):
        if strict:
            return one_line(value)
        return value

    @app.route("/a")
    def a():
        user = request.args["u"]
        log.warning("always " + one_line(user))
        log.warning("sometimes " + sometimes(user, True))
    """
    assert ("taint-log-injection", 18) not in findings(code)
    assert ("taint-log-injection", 19) in findings(code)


def test_builtins_reached_through_the_builtins_module_are_the_builtins() -> None:
    code = """\
        import builtins
        from flask import request
        def view():
            builtins.exec(request.args["c"])
            getattr(builtins, "eval")(request.args["c"])
    """
    assert findings(code) == [("taint-code-injection", 4), ("taint-code-injection", 5)]


def test_an_existence_check_does_not_clear_a_command() -> None:
    code = """\
        import os
        def compress(name):
            if os.path.exists(name):
                os.system("gzip '%s'" % name)
    """
    assert findings(code) == [("command-injection-shell", 4)]


def test_a_source_reached_through_a_helper_in_another_module_is_request_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from secreview import review_paths

    (tmp_path / "web.py").write_text(textwrap.dedent("""\
        from django.http import HttpRequest

        def params(request: HttpRequest):
            return request.GET
        """))
    (tmp_path / "views.py").write_text(textwrap.dedent("""\
        from django.db import connection
        from django.http import HttpResponse
        from web import params

        def search(request):
            query = params(request)
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM items WHERE name = '%s'" % query["q"])
            return HttpResponse("ok")
        """))
    review = review_paths([tmp_path], Config())
    found = [(f.rule_id, Path(f.location.path).name, f.location.line) for f in review.findings
             if f.rule_id.startswith("taint-")]
    assert found == [("taint-sql-injection", "views.py", 8)]


def test_the_path_says_why_a_rewrite_is_not_enough() -> None:
    code = """\
        from flask import request
        def view():
            name = request.args["name"].replace("../", "")
            return open("/srv/files/" + name).read()
    """
    review = review_source(textwrap.dedent(code), filename="app.py", config=Config())
    [finding] = [f for f in review.findings if f.rule_id == "taint-path-traversal"]
    assert "removing it once leaves '....//' as '../'" in finding.message


def test_a_pattern_finding_on_a_sink_the_flow_proves_constant_defers_to_it() -> None:
    code = """\
        import os
        def run(kind):
            commands = {"disk": "df -h", "load": "uptime"}
            os.system(commands["disk"])
            os.system(commands[kind])
    """
    assert findings(code) == [("command-injection-shell", 5)]


def _path(code: str, rule_id: str) -> list[tuple[int, str]]:
    review = review_source(textwrap.dedent(code), filename="app.py", config=Config())
    [finding] = [f for f in review.findings if f.rule_id == rule_id]
    return [(step.location.line, step.description) for step in finding.path]


def test_the_path_names_a_check_the_value_went_past_on_another_branch() -> None:
    code = """\
        import os
        from flask import request
        ALLOWED = {"a", "b"}
        def view():
            name = request.args["name"]
            if request.args.get("strict"):
                if name not in ALLOWED:
                    return "bad"
            os.system("echo " + name)
    """
    path = _path(code, "taint-command-injection")
    assert (7, "past the check `name not in ALLOWED` (not on this path)") in path
    assert [line for line, _ in path] == [5, 7, 9]


def test_the_path_names_no_check_that_does_not_protect_that_sink_or_came_before_the_value() -> None:
    code = """\
        import os
        from flask import request
        def view(name):
            if name not in {"a", "b"}:
                return "bad"
            name = request.args["name"]
            if os.path.exists(name):
                os.system("echo " + name)
    """
    path = _path(code, "taint-command-injection")
    assert not [text for _, text in path if text.startswith("past the check")]


def test_the_path_lists_the_callers_steps_before_a_call_that_carries_the_value(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from secreview import review_paths

    (tmp_path / "tasks.py").write_text(textwrap.dedent("""\
        import os

        def archive(folder):
            command = "tar czf backup.tgz " + folder
            os.system(command)
        """))
    (tmp_path / "views.py").write_text(textwrap.dedent("""\
        from flask import request
        from tasks import archive

        def backup():
            options = {"folder": request.args["folder"], "mode": "full"}
            target = options["folder"].strip()
            archive(target)
            return "ok"
        """))
    review = review_paths([tmp_path], Config())
    [finding] = [f for f in review.findings if f.rule_id == "taint-command-injection"]
    path = [(Path(step.location.path).name, step.location.line) for step in finding.path]
    assert path == [("views.py", 5), ("views.py", 6), ("views.py", 7), ("tasks.py", 4), ("tasks.py", 5)]


def test_a_not_enough_note_is_shown_only_for_the_sink_it_is_about() -> None:
    code = """\
        from flask import Flask, redirect, request
        app = Flask(__name__)
        @app.route("/go")
        def go():
            wanted = request.args["next"]
            target = wanted.lstrip("/")
            if request.args.get("show"):
                return "<p>" + target + "</p>"
            return redirect(target)
    """
    texts = {rule: " ".join(text for _, text in _path(code, rule)) for rule in ("taint-open-redirect", "taint-xss")}
    assert "another host to browsers" in texts["taint-open-redirect"]
    assert "target = wanted.lstrip('/')" in texts["taint-xss"]
    assert "not enough" not in texts["taint-xss"]


def summary_of(code: str):  # type: ignore[no-untyped-def]
    """The taint pass's summary of one file (what the engine proves before any linking)."""
    import ast

    from secreview.analysis.taint import summarise_module

    code = textwrap.dedent(code)
    return summarise_module("app.py", ast.parse(code), "app", code)


def test_a_sink_given_a_constant_only_on_the_first_iteration_is_not_proven_constant() -> None:
    summary = summary_of("""\
        import os
        def run(steps):
            command = "echo start"
            for step in steps:
                os.system(command)
                command = "echo " + step
            os.system("echo done")
    """)
    assert (5, "command") not in summary.cleared  # pattern rules would defer to a wrong proof
    assert (7, "command") in summary.cleared


def test_partials_that_name_no_function_are_reviewed_without_an_internal_error() -> None:
    # CPython's test_inspect: `partial(partial, ...)` stands for a bare `partial()`, and
    # `partial(*parts)` names no callable; applying either raised IndexError in the taint pass.
    code = textwrap.dedent("""
        import functools, os
        from flask import request

        def view(parts):
            nested = functools.partial(functools.partial)
            nested()
            starred = functools.partial(*parts)
            starred(request.args["x"])
            os.system(request.args["cmd"])
    """)
    review = review_source(code, "app.py")
    assert review.diagnostics == ()
    assert [f.rule_id for f in review.findings] == ["taint-command-injection"]


def test_a_library_call_nobody_modelled_passes_data_on_with_lower_confidence_and_says_so() -> None:
    code = FLASK + """
    import markdown

    @app.route("/a")
    def a():
        page = markdown.markdown(request.args["t"])
        return "<div>" + page + "</div>"

    @app.route("/b")
    def b():
        return "<div>" + request.args["t"].strip().title() + "</div>"
    """
    review = review_source(textwrap.dedent(code), filename="app.py", config=Config())
    by_line = {f.location.line: f for f in review.findings if f.rule_id == "taint-xss"}
    assert set(by_line) == {12, 16}
    unmodelled, modelled = by_line[12], by_line[16]
    assert unmodelled.confidence.label == "medium" and modelled.confidence.label == "high"
    assert "`markdown.markdown` is not modelled" in unmodelled.message
    assert any("not modelled" in step.description for step in unmodelled.path)
    assert "not modelled" not in modelled.message


def test_a_standard_library_call_no_spec_names_returns_none_of_its_arguments() -> None:
    code = FLASK + """
    import datetime, os, re, time

    @app.route("/a")
    def a():
        day = request.args["d"]
        os.system("echo " + str(datetime.datetime.strptime(day, "%Y-%m-%d")))
        os.system("echo " + str(time.strptime(day, "%Y")))
        os.system("echo " + os.path.join("/srv", day))
        os.system("echo " + re.compile(day).pattern)
    """
    flagged = [line for rule, line in findings(code) if rule == "taint-command-injection"]
    assert flagged == [14, 15]  # the joined path and the compiled pattern's text


def test_the_path_lists_a_step_from_an_earlier_iteration_of_the_loop() -> None:
    code = FLASK + """
    import os

    @app.route("/a")
    def a():
        command = "uptime"
        for _ in range(3):
            os.system(command)
            command = "echo " + request.args["c"]
    """
    review = review_source(textwrap.dedent(code), filename="app.py", config=Config())
    (finding,) = [f for f in review.findings if f.rule_id == "taint-command-injection"]
    assert finding.location.line == 13
    steps = [(s.location.line, s.description) for s in finding.path]
    assert (14, "command = 'echo ' + request.args['c'] (on an earlier iteration of the loop)") in steps
    assert "(on an earlier iteration of the loop) (line 14)" in finding.message


def test_a_loop_sink_whose_argument_is_reassigned_later_in_the_body_is_not_given_only_constants() -> None:
    code = textwrap.dedent("""\
        import os
        import subprocess

        def run(steps):
            command = "uptime"
            for step in steps:
                os.system(command)
                command = "echo " + step

        def report():
            command = "uptime"
            for _ in range(3):
                os.system(command)
    """)
    (review,) = review_source(code, filename="jobs.py", config=Config()).files
    sinks = {fact.line: fact.kind for fact in review.facts if fact.kind.startswith("707:sink-")}
    assert sinks == {7: "707:sink-variable", 13: "707:sink-constant"}
    verdict = next(v for v in review.verdicts if v.pillar.endswith("707"))
    assert "given computed values" in verdict.summary and "given only constants" in verdict.summary


def test_a_loop_body_runs_until_its_head_state_stops_growing() -> None:
    summary = summary_of("""\
        import os, sys
        def run():
            a = b = c = d = "ls"
            for _ in range(9):
                os.system(a)
                os.system(d)
                a = b
                b = c
                c = d
                d = sys.argv[1]
    """)
    sinks = sorted({event.line for fn in summary.functions.values() for event in fn.sinks})
    assert sinks == [5, 6]  # a needs four runs of the body, d two
    assert len(summary.sources) == 1  # the source met on every run is one source


def test_a_call_the_pass_cannot_resolve_is_named_as_such() -> None:
    code = FLASK + """
    @app.route("/a")
    def a(service):
        page = service.render(request.args["t"])
        return "<div>" + page + "</div>"
    """
    review = review_source(textwrap.dedent(code), filename="app.py", config=Config())
    (finding,) = [f for f in review.findings if f.rule_id == "taint-xss"]
    assert "`service.render` could not be resolved: assumed to pass the data on" in finding.message
    assert finding.confidence.label == "medium"


def test_the_link_keeps_one_key_per_value_however_many_unmodelled_calls_it_went_through():
    """Keys that differ only in the unmodelled call they name are one value: keeping each variant
    multiplied the link's keys per library call at every level (the stdlib's link passed 10 GB)."""
    from secreview.analysis.flow_paths import FlowBuilder
    from secreview.analysis.specs import UNMODELLED

    base = ("s", "m.py", 3, frozenset({"sql"}))
    via_a = ("s", "m.py", 3, frozenset({"sql", UNMODELLED + "lib.a"}))
    via_b = ("s", "m.py", 3, frozenset({"sql", UNMODELLED + "lib.b"}))
    flow = FlowBuilder()
    flow.put(via_a, ())
    flow.put(via_b, ())
    assert list(flow.flow) == [via_a]  # the first unmodelled way in names the call
    flow.put(base, ())
    assert list(flow.flow) == [base]  # a modelled way in replaces it: the finding keeps its confidence
    flow.put(via_b, ())
    assert list(flow.flow) == [base]
