"""The judgements the CWE-707/664 pattern rules share: how a string was built,
where its parts come from, and whether a regular expression can backtrack
exponentially. The corpus checks the rules end to end; these pin the helpers'
answers on the cases the rules depend on."""

from __future__ import annotations

import ast
import re
import time

import pytest

from secreview.analysis.redos import analyse, redos_problem
from secreview.core.model import Confidence
from secreview.rules.base import Context, Rule
from secreview.rules.dataflow_hints import built_string, leading_text, request_data, spliced_origin
from secreview.rules.engine import Dispatch, Walker


def _probe(source: str, ask) -> list:
    """Run `ask(ctx, call)` on every call to `sink(...)` in `source`, with the name model
    in the state the walk has at that call, as a rule would see it."""
    answers: list = []

    def check(node: ast.Call, ctx: Context) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "sink":
            answers.append(ask(ctx, node))

    probe = Rule(id="probe", name="probe", cwe="20", severity=None, confidence=None, fix="",  # type: ignore[arg-type]
                 func=check, nodes=(ast.Call,))
    Walker(Context("app.py", source, ast.parse(source)), Dispatch([probe], collectors=())).run()
    return answers


def _built(source: str):
    return _probe(source, lambda ctx, call: built_string(ctx, call.args[0]))


def test_built_string_sees_each_way_of_splicing():
    answers = _built(
        "def f(name, n):\n"
        "    sink(f'SELECT {name}')\n"
        "    sink('SELECT ' + name)\n"
        "    sink('SELECT %s' % name)\n"
        "    sink('SELECT {}'.format(name))\n"
        "    q = 'SELECT ' + name\n"
        "    sink(q)\n"
    )
    assert [a.how for a in answers] == ["an f-string", "concatenation", "%-formatting", "str.format()",
                                        "concatenation"]
    assert all(ast.unparse(a.parts[0]) == "name" for a in answers)
    assert answers[-1].via == "q"


def test_constants_numbers_and_placeholders_are_not_spliced_data():
    answers = _built(
        "def f(ids, limit):\n"
        "    sink('SELECT 1')\n"
        "    sink('LIMIT %d' % limit)\n"
        "    sink(f'LIMIT {int(limit)}')\n"
        "    sink('IN (%s)' % ', '.join(['?'] * len(ids)))\n"
        "    sink(f'IN ({\",\".join(\"?\" for _ in ids)})')\n"
        "    table = connection.ops.quote_name(ids)\n"
        "    sink('SELECT * FROM ' + table)\n"
    )
    assert answers == [None] * 6


def test_request_data_follows_locals_but_not_neutralisers_or_allow_lists():
    source = (
        "from flask import request\n"
        "from werkzeug.utils import secure_filename\n"
        "NAMES = {'a': 'x'}\n"
        "def f():\n"
        "    raw = request.args['n']\n"
        "    sink(raw)\n"
        "    sink(secure_filename(raw))\n"
        "    sink(NAMES.get(raw, 'x'))\n"
        "    sink(request.method)\n"
    )
    answers = _probe(source, lambda ctx, call: request_data(ctx, call.args[0], ["secure_filename"]))
    assert answers == ["request.args['n']", None, None, None]


def test_route_parameters_count_by_converter():
    source = (
        "@app.route('/a/<path:sub>/<int:num>/<name>')\n"
        "def view(sub, num, name):\n"
        "    sink(sub, num, name)\n"
    )
    every = _probe(source, lambda ctx, call: [request_data(ctx, a) for a in call.args])
    paths_only = _probe(source, lambda ctx, call: [request_data(ctx, a, route_converters={"path"})
                                                   for a in call.args])
    assert every == [["sub (from the URL route)", None, "name (from the URL route)"]]
    assert paths_only == [["sub (from the URL route)", None, None]]


def test_spliced_origin_grades_request_caller_and_unknown():
    source = (
        "from flask import request\n"
        "def f(arg):\n"
        "    sink(request.form['x'])\n"
        "    sink(arg.name)\n"
        "    sink(lookup(arg))\n"
        "def test_case(arg):\n"
        "    sink(arg)\n"
    )
    answers = _probe(source, lambda ctx, call: spliced_origin(ctx, call.args))
    assert [a[0] if a else None for a in answers] == [Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW, None]


def test_leading_text_reads_the_literal_prefix():
    answers = _probe(
        "def f(host, path):\n"
        "    sink(f'https://api.example.org/{path}')\n"
        "    sink('http://' + host + '/x')\n"
        "    sink('/account/%s' % path)\n",
        lambda ctx, call: leading_text(ctx, call.args[0]),
    )
    assert answers == ["https://api.example.org/", "http://", "/account/"]


@pytest.mark.parametrize("pattern", [
    r"(a+)+$", r"^(\w+\s?)*$", r"(\s*\w+)*$", r"(x+x+)+y", r"^(.*)*b$", r"(\s+|#.*)*$", r"(a|\w|-x)+$",
    r"^(a|aa)+$", r"^(aa?)+$", r"(.*a){20}", r"^(\w)(([-.]|_+)?(\w+))*@",
    r"^([!-~]([ \t!-~]+[!-~]){,1}){0,}$",  # an unbounded repeat one optional group down (header values)
    r"((\r\n|\r|\n)+) *$",  # \r\n is one iteration or two
])
def test_redos_shapes_are_found(pattern):
    assert redos_problem(pattern)


@pytest.mark.parametrize("pattern", [
    r"^(\d+\.)+\d+$", r"^[a-z]+(-[a-z]+)*$", r"(\w|\d)+", r"(?>a+)+$", r'"([^"\\]|\\.)*"', r"\d+(,\d+)*",
    r"(a|ab)*c", r"^(ab?)+$", r'("[^"]*"(,"[^"]*")?)*$', r"^(\.?\w)+$", r"(\d{1,3}\.){3}", "(unclosed", "a" * 6000,
])
def test_linear_or_unparsable_patterns_are_not(pattern):
    assert redos_problem(pattern) is None


def test_an_ambiguous_repeat_counts_only_where_the_match_can_still_fail():
    """`(a+)+` under search succeeds on its greedy first try; under fullmatch the end can fail it."""
    assert analyse(r"(a+)+") is None and analyse(r"^x(\|[^\s:]+)*(\s+.*)?\s*") is None
    assert analyse(r"(a+)+", whole=True) and analyse(r"^x(\|[^\s:]+)*(\s+.*)?\s*$")


def test_verbose_flag_changes_what_is_parsed():
    pattern = "( a + ) + $"
    assert redos_problem(pattern) is None  # literal spaces separate the runs
    assert redos_problem(pattern, re.VERBOSE)


def test_a_reported_pattern_really_backtracks_and_a_clean_one_does_not():
    """Ground truth from the engine itself: time grows fast for a finding, not for its fix."""
    def cost(pattern: str, n: int) -> float:
        start = time.perf_counter()
        re.match(pattern, "a" * n + "!")
        return time.perf_counter() - start

    bad, good = r"^(\w+\s?)*$", r"^\w+(\s\w+)*$"
    assert redos_problem(bad) and not redos_problem(good)
    assert cost(bad, 20) > 8 * cost(bad, 14)
    assert cost(good, 20000) < 0.05


def test_only_conditions_on_content_count_as_validation():
    from secreview.rules.dataflow_hints import checked_in_function

    source = (
        "def f(a, b, c, d, e):\n"
        "    if a:\n"
        "        pass\n"
        "    if b is None or len(b) > 10 or isinstance(b, str):\n"
        "        pass\n"
        "    if c not in ALLOWED:\n"
        "        pass\n"
        "    if not d.startswith('/'):\n"
        "        pass\n"
        "    sink(a, b, c, d, e)\n"
        "    if e == 'x':\n"
        "        pass\n"
    )
    answers = _probe(source, lambda ctx, call: [checked_in_function(ctx, arg) for arg in call.args])
    assert answers == [[False, False, True, True, False]]  # e is tested only after the sink


def test_cli_command_parameters_are_the_operators():
    source = (
        "import click\n"
        "@click.command()\n"
        "@click.option('--target')\n"
        "def compile_messages(target):\n"
        "    sink(target)\n"
        "def helper(target):\n"
        "    sink(target)\n"
    )
    answers = _probe(source, lambda ctx, call: spliced_origin(ctx, call.args)[0])
    assert answers == [Confidence.LOW, Confidence.MEDIUM]


def test_fastapi_path_parameters_annotated_as_numbers_carry_no_text():
    source = (
        "@router.get('/items/{item_id}/{slug}')\n"
        "def read(item_id: int, slug: str):\n"
        "    sink(item_id, slug)\n"
    )
    answers = _probe(source, lambda ctx, call: [request_data(ctx, a) for a in call.args])
    assert answers == [[None, "slug (from the URL route)"]]


@pytest.mark.parametrize("pattern, scanning, degree", [
    (r"^(.*)=(.*);$", False, 2), (r"\d+\d*x", False, 2), (r"\s*;\s*$", True, 2), (r"[a-z]*[a-z0-9]*!", False, 2),
    (r"[a-z]*[a-z0-9]*!", True, 3), (r"^\d*\d*\d*$", False, 3),
    (r"<.*?>|((?:\w[-\w]*|&.*?;)+)", True, 2), (r"(?:\w[-\w]*|&.*?;)+", True, 2), (r"<[^>]+?>|(.)", True, 2),
    (r"\s*(\d+)\s*(\S+) (.*)", False, 2), (r"-\*-\s*([^\r\n]*?)\s*-\*-", True, 3),
    (r"^(?:(?=.*x)\w)+$", False, 2), (r"^((?!.*--)\S)*;", False, 2),
])
def test_polynomial_shapes_have_their_degree(pattern, scanning, degree):
    found = analyse(pattern, scanning=scanning)
    assert found is not None and found.degree == degree and not found.exponential


@pytest.mark.parametrize("pattern, scanning", [
    (r"\d+\d*", False), (r"(\w+)=(\w+);$", False), (r"^([^=]*)=([^;]*);$", False), (r"\s*;\s*$", False),
    (r"^\s+$", True), (r"[a-z]+x", False),
    (r"<.*?>|\S+", True), (r"<[^<>]*>|([^<>\s]+)", True), (r"^<.*?>", True), (r"<.*?<", True), (r"<.*?>", False),
    (r"\s*(\d+)\s+(\S+) (.*)", False), (r"-\*-\s*(?:(\S[^\r\n]*?)([\r\n]\s*)?)?-\*-", True),
    (r"'(?:[^'\\]|\\.)*'(?!\w)", True),
    (r"^(?:(?=.*x)\w)+", False), (r"^(?:(?=[a-z]{3})\w)+$", False), (r"^(?:(?!\d)\w)+$", False),
])
def test_linear_patterns_have_no_degree(pattern, scanning):
    assert analyse(pattern, scanning=scanning) is None


def _seconds(pattern: str, subject: str, scanning: bool) -> float:
    start = time.perf_counter()
    (re.search if scanning else re.match)(pattern, subject)
    return time.perf_counter() - start


@pytest.mark.parametrize("pattern, scanning", [
    (r"^(.*)=(.*);$", False), (r"\d+\d*x", False), (r"\s*;\s*$", True), (r"[a-z]*[a-z0-9]*!", False),
    (r"<.*?>|((?:\w[-\w]*|&.*?;)+)", True), (r"(?:\w[-\w]*|&.*?;)+", True), (r"\s*(\d+)\s*(\S+) (.*)", False),
    (r"^(?:(?=.*x)\w)+$", False), (r"^((?!.*--)\S)*;", False),
])
def test_a_polynomial_attack_string_grows_faster_than_linear(pattern, scanning):
    """The attack string the analysis gives is checked against `re` itself, with a time bound."""
    found = analyse(pattern, scanning=scanning)
    assert found is not None
    small = min(_seconds(pattern, found.attack(1000), scanning) for _ in range(3))
    large = min(_seconds(pattern, found.attack(4000), scanning) for _ in range(3))
    assert large > 6 * small  # linear would be 4x; quadratic is 16x
    assert large < 5.0  # and the test itself stays bounded


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"^(\w+\s?)*$", r"(x+x+)+y", r"^(.*)*b$", r"(\s+|#.*)*$",
                                     r"((\r\n|\r|\n)+) *$", r"'(?:[^'\\]|\\\\|\\.)*?'(?!\w)"])
def test_an_exponential_attack_string_blows_up(pattern):
    found = analyse(pattern)
    assert found is not None and found.exponential
    small = min(_seconds(pattern, found.attack(12), True) for _ in range(3))
    assert min(_seconds(pattern, found.attack(18), True) for _ in range(3)) > 6 * small  # 2^6 = 64x


def test_a_leading_scan_is_quadratic_under_repeated_search_even_when_each_match_succeeds():
    """`<.*?>|(.)` matches one character at each `<`, after scanning to the end for a `>`: a truncator
    that searches from each match's end (Django's Truncator) pays n^2 / 2 steps."""
    pattern = re.compile(r"<.*?>|(.)", re.DOTALL)
    found = analyse(pattern.pattern, re.DOTALL, scanning=True)
    assert found is not None and found.degree == 2

    def walk(n: int) -> float:
        text, position, start = found.attack(n), 0, time.perf_counter()
        while (match := pattern.search(text, position)) is not None:
            position = match.end()
        return time.perf_counter() - start

    small = min(walk(1000) for _ in range(3))
    large = min(walk(4000) for _ in range(3))
    assert 6 * small < large < 5.0
