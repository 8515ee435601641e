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


def test_a_loop_count_is_a_number_sink_cleared_by_the_size_guards() -> None:
    assert _view("int", "[0 for _ in range(n)]") == ["loop-bound-from-input"]
    assert _view("int", "[0 for _ in range(1, n)]") == ["loop-bound-from-input"]
    assert _view("int", "[0 for _ in range(n, n + 20)]") == []  # a window of 20 wherever it starts
    assert _view("int", "[0 for _ in range(n, 20)]") == []  # the start is no count
    for check in ("if n > 100:\n    abort(400)", "n = min(n, 100)"):
        assert _view("int", "[0 for _ in range(n)]", check) == [], check
    assert _view("int", "[0 for _ in range(n)]", "if n < 1:\n    abort(400)") == ["loop-bound-from-input"]
    assert _view("str", "[0 for _ in range(len(n))]") == []  # the length of data already received
    assert _view("float", "[0 for _ in range(10)]") == []


def test_augmented_division_and_reads_by_a_length() -> None:
    assert _view("int", "n", "total = 100\ntotal /= n") == ["division-by-untrusted-value"]
    assert _view("int", "n", "total = 100\ntotal %= n") == ["division-by-untrusted-value"]
    assert _view("int", "n", "total = 100\nif n < 1:\n    abort(400)\ntotal //= n") == []
    assert _view("str", "n", "msg = 'a %s'\nmsg %= n") == []  # formatting text
    assert _view("int", "os.read(0, n)") == ["allocation-size-from-input"]
    assert _view("int", "open('f', 'rb').read(n)") == ["allocation-size-from-input"]
    assert _view("int", "open('f', 'rb').read(n)", "n = min(n, 4096)") == []
    code = """\
    import socket

    def serve(conn: socket.socket, bounded: bool) -> bytes:
        size = int(conn.recv(8))
        if bounded:
            return conn.recv(min(size, 65536))
        return conn.recv(size)
    """
    assert _rules(code) == [("allocation-size-from-input", 7)]  # the length a peer announces, then a recv of it


_FASTAPI = """\
from typing import Annotated
from fastapi import FastAPI, Query
from pydantic import BaseModel, Field, PositiveInt
app = FastAPI()

class Body(BaseModel):
    parts: int
    checked: PositiveInt
    rounds: int = Field(default=1, le=10)

@app.get("/x")
def view({params}):
    return {use}
"""


def _fastapi(params: str, use: str) -> list[str]:
    return [rule for rule, _ in _rules(_FASTAPI.format(params=params, use=use))]


def test_parameters_fastapi_converts_are_numbers_and_their_constraints_guards() -> None:
    assert _fastapi("n: int", "100 / n") == ["division-by-untrusted-value"]
    assert _fastapi("n: float", "n > 1") == ["float-input-nan-unchecked"]
    assert _fastapi("n: str", "100 / len(n)") == []
    for params in ("n: int = Query(gt=0)", "n: int = Query(ge=1)", "n: Annotated[int, Query(gt=0)]"):
        assert _fastapi(params, "100 / n") == [], params
    assert _fastapi("n: int = Query(ge=0)", "100 / n") == ["division-by-untrusted-value"]  # 0 passes ge=0
    assert _fastapi("n: Annotated[int, Query(ge=1)]", 'b"x" * n') == ["allocation-size-from-input"]
    assert _fastapi("n: Annotated[int, Query(le=99)]", 'b"x" * n') == []
    assert _fastapi("n: float = Query(le=1.0)", "n > 0.5") == []
    # a field of the request body model, with its declared type and constraints
    assert _fastapi("body: Body", "100 / body.parts") == ["division-by-untrusted-value"]
    assert _fastapi("body: Body", "100 / body.checked") == []
    assert _fastapi("body: Body", "[0 for _ in range(body.rounds)]") == []
    # an int stays cleared for every text sink
    assert _fastapi("n: int", "__import__('os').system(f'echo {n}')") == []


def test_flask_converters_typed_lookups_and_json_numbers() -> None:
    code = """\
    from flask import Flask, request
    app = Flask(__name__)

    @app.route("/a/<int:n>")
    def a(n):
        return str(100 // n)

    @app.route("/b/<int(min=1, max=64):n>")
    def b(n):
        return str(100 // n) + "x" * n

    @app.route("/c/<float:x>")
    def c(x):
        return str(x > 1.5)

    @app.route("/d")
    def d():
        n = request.args.get("n", 1, type=int)
        s = request.args.get("s", "", type=str)
        return str(100 % n) + "x" * len(s)

    @app.route("/e", methods=["POST"])
    def e():
        data = request.get_json()
        return str(100 / data["n"]) + bytes(data["name"], "utf-8").decode()
    """
    assert _rules(code) == [("division-by-untrusted-value", 6), ("division-by-untrusted-value", 20),
                            ("division-by-untrusted-value", 25)]


def test_a_number_in_a_background_task_is_one_severity_lower_and_says_so() -> None:
    code = """\
    from celery import shared_task
    from flask import Flask, request
    app = Flask(__name__)

    @shared_task
    def task(count):
        for _ in range(int(count)):  # the job's size: what a worker is for
            pass
        return bytearray(int(count))

    @app.route("/x")
    def view():
        return bytearray(int(request.args["count"]))
    """
    found = {f.location.line: f for f in review_source(textwrap.dedent(code), "app.py").findings
             if f.rule_id == "allocation-size-from-input"}
    assert found[9].severity.label == "low" and "background task" in found[9].message
    assert found[13].severity.label == "medium" and "Any client can send it" in found[13].message
    assert [f.location.line for f in review_source(textwrap.dedent(code), "app.py").findings
            if f.rule_id == "loop-bound-from-input"] == []


def test_a_json_value_is_a_number_unconverted_but_no_range_check_until_float() -> None:
    code = """\
    from flask import Flask, abort, request
    app = Flask(__name__)

    @app.route("/x", methods=["POST"])
    def view():
        data = request.get_json()
        if data["limit"] > 10:
            abort(400)
        ratio = float(data["ratio"])
        if ratio > 100:
            abort(400)
        return str([0 for _ in range(data["count"])]) + data["template"] % data["name"]
    """
    assert _rules(code) == [("float-input-nan-unchecked", 10), ("loop-bound-from-input", 12)]
