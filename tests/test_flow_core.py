"""The data-flow core on small programs: what the engine proves beyond one statement.

The labelled corpus (tests/corpus) holds the realistic cases; these tests pin the
engine behaviours a corpus line cannot show on its own (a wrapper's summary, the
sinks the pass proves safe, the steps of a path).
"""

from __future__ import annotations

import textwrap

from secreview import review_source
from secreview.config import Config


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
