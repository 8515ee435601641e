"""The number kind of the taint engine: what a conversion makes, what clears it, and that it never
reopens a text sink (int() keeps clearing SQL and command injection)."""

from __future__ import annotations

import textwrap

from secreview import review_source


def _rules(code: str) -> list[tuple[str, int]]:
    findings = review_source(textwrap.dedent(code), "app.py").findings
    return sorted((f.rule_id, f.location.line) for f in findings)


_VIEW = """\
from flask import Flask, abort, request
import os
app = Flask(__name__)

@app.route("/x")
def view():
    n = {convert}(request.args["n"])
{check}
    return str({use})
"""


def _view(convert: str, use: str, check: str = "") -> list[str]:
    """The rules reported in a view that converts `n`, runs `check` and returns `use`."""
    return [rule for rule, _ in _rules(_VIEW.format(convert=convert, use=use, check=textwrap.indent(check, "    ")))]


def test_a_converted_number_is_a_divisor_and_text_is_not() -> None:
    assert _view("int", "100 // n") == ["division-by-untrusted-value"]
    assert _view("float", "100 / n") == ["division-by-untrusted-value"]
    assert _view("str", "100 / n") == []  # no conversion: text divides nothing


def test_guards_that_exclude_zero_clear_the_divisor_only() -> None:
    for check in ("if n <= 0:\n    abort(400)", "if n < 1:\n    abort(400)", "if not n:\n    abort(400)",
                  "if n == 0:\n    abort(400)", "n = max(1, n)", "n = n or 1"):
        assert _view("int", "100 / n", check) == [], check
    # `n < 0` lets 0 through; an upper bound says nothing of zero
    assert _view("int", "100 / n", "if n < 0:\n    abort(400)") == ["division-by-untrusted-value"]
    assert _view("int", "100 / n", "if n > 10:\n    abort(400)") == ["division-by-untrusted-value"]
    # and a lower bound says nothing of the size
    assert _view("int", "os.urandom(n)", "if n < 1:\n    abort(400)") == ["allocation-size-from-input"]


def test_upper_bounds_clear_the_size() -> None:
    assert _view("int", "bytearray(n)") == ["allocation-size-from-input"]
    assert _view("int", '"-" * n') == ["allocation-size-from-input"]
    assert _view("int", "n * 2") == []  # arithmetic, not a repetition
    for check in ("if n > 4096:\n    abort(400)", "n = min(n, 4096)", "if n >= LIMIT:\n    abort(400)"):
        assert _view("int", "bytearray(n)", check) == [], check
    assert _view("float", "bytearray(n)") == []  # a float is no size


def test_a_handler_of_zero_division_clears_it() -> None:
    check = "try:\n    r = 100 / n\nexcept (ValueError, ZeroDivisionError):\n    abort(400)"
    assert _view("int", "r", check) == []
    check = "try:\n    r = 100 / n\nexcept ValueError:\n    abort(400)"
    assert _view("int", "r", check) == ["division-by-untrusted-value"]


def test_percent_formatting_is_not_a_modulo() -> None:
    assert _view("int", '"%d items" % n') == []
    assert _view("int", "1000 % n") == ["division-by-untrusted-value"]


def test_the_number_crosses_helpers_and_text_sinks_stay_cleared() -> None:
    code = """\
    from flask import Flask, request
    import subprocess
    app = Flask(__name__)

    def parse(v):
        return int(v)

    def share(total, parts):
        return total / parts

    @app.route("/x")
    def view():
        n = parse(request.args["n"])
        m = int(request.args["m"])
        subprocess.run(["sleep", str(m)])
        cur = app.config["DB"].cursor()
        cur.execute("SELECT * FROM t LIMIT %d" % m)
        return str(share(100, n))
    """
    assert _rules(code) == [("division-by-untrusted-value", 9)]


def test_the_operator_chooses_a_command_line_number() -> None:
    code = """\
    import sys
    print(100 / int(sys.argv[1]), bytearray(int(sys.argv[2])))
    """
    assert _rules(code) == []


def test_a_float_range_check_needs_a_finite_check_first() -> None:
    assert _view("float", "n", "if n > 10:\n    abort(400)") == ["float-input-nan-unchecked"]
    for check in ("if not math.isfinite(n) or n > 10:\n    abort(400)",
                  "if math.isnan(n):\n    abort(400)\nif n > 10:\n    abort(400)",
                  "if n != n or n > 10:\n    abort(400)"):
        assert _view("float", "n", "import math\n" + check) == [], check
    assert _view("int", "n", "if n > 10:\n    abort(400)") == []
