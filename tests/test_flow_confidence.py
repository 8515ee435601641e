"""A taint flow's confidence follows how much of it the check saw: a flow through two or more
calls of the project (each handing the value on through a summary) is a low-confidence hint;
a direct flow, or one through a single call, keeps its source's confidence."""

from __future__ import annotations

import textwrap

from secreview import review_source
from secreview.core.model import Confidence

CODE = textwrap.dedent("""\
    import subprocess

    from flask import request


    def normalise(name):
        return name.strip()


    def decorate(name):
        return "job-" + name


    def direct():
        subprocess.run("echo " + request.args["name"], shell=True)


    def through_one():
        subprocess.run("echo " + normalise(request.args["name"]), shell=True)


    def through_two():
        name = decorate(normalise(request.args["name"]))
        subprocess.run("echo " + name, shell=True)
""")


def test_flows_through_several_project_calls_are_low_confidence() -> None:
    found = {f.location.line: f.confidence for f in review_source(CODE, "app/jobs.py").findings
             if f.rule_id == "taint-command-injection"}
    assert found == {15: Confidence.HIGH, 19: Confidence.HIGH, 24: Confidence.LOW}
