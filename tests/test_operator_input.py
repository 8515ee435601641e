"""Code the program's operator supplies (stdin, argv, the environment) reaching exec/eval is a
deliberate feature (a shell's -c, PYTHONSTARTUP): low severity with a by-design message; code
from the network stays critical."""

from __future__ import annotations

import textwrap

from secreview import review_source
from secreview.core.model import Severity

SHELL = textwrap.dedent("""\
    import os
    import sys


    def handle(options):
        if options.get("command"):
            exec(sys.argv[2])
        exec(sys.stdin.read(), globals())
        startup = os.environ.get("PYTHONSTARTUP_CODE")
        exec(startup)
""")

VIEW = textwrap.dedent("""\
    from django.http import HttpResponse


    def run(request):
        exec(request.POST["code"])
        return HttpResponse("ok")
""")


def code_findings(code: str, path: str):  # type: ignore[no-untyped-def]
    return [f for f in review_source(code, path).findings if f.rule_id == "taint-code-injection"]


def test_operator_input_is_a_low_by_design_finding() -> None:
    found = code_findings(SHELL, "app/shell.py")
    assert [f.location.line for f in found] == [7, 8, 10]
    assert {f.severity for f in found} == {Severity.LOW}
    assert all("by design" in f.message for f in found)


def test_network_input_stays_critical() -> None:
    found = code_findings(VIEW, "app/views.py")
    assert [(f.location.line, f.severity) for f in found] == [(5, Severity.CRITICAL)]
    assert "by design" not in found[0].message


TOOLS = textwrap.dedent("""\
    import os
    import subprocess

    from flask import request


    def find_installer():
        root = os.environ.get("ProgramFiles") or "C:/Program Files"
        return subprocess.check_output([os.path.join(root, "Installer", "vswhere.exe"), "-latest"])


    def run_tool():
        return subprocess.check_output([request.args["tool"], "--version"])
""")


def test_program_named_by_the_environment_is_a_low_by_design_finding() -> None:
    found = [f for f in review_source(TOOLS, "app/tools.py").findings if f.rule_id == "taint-command-injection"]
    by_line = {f.location.line: f for f in found}
    assert sorted(by_line) == [9, 13]
    assert by_line[9].severity is Severity.LOW and "by design" in by_line[9].message
    assert by_line[13].severity is Severity.CRITICAL and "by design" not in by_line[13].message


HELPER = textwrap.dedent("""\
    import pickle
    import sys

    from flask import request


    def main():
        options = pickle.loads(sys.stdin.buffer.read())
        return options


    def upload():
        return pickle.loads(request.get_data())
""")


def test_operator_input_unpickled_is_a_low_by_design_finding() -> None:
    found = {f.location.line: f for f in review_source(HELPER, "app/helper.py").findings
             if f.rule_id == "taint-unsafe-deserialization"}
    assert sorted(found) == [8, 13]
    assert found[8].severity is Severity.LOW and "by design" not in found[13].message
    assert "operator" in found[8].message
    assert found[13].severity is Severity.CRITICAL
