"""Who sizes the text a backtracking regex is applied to (rules/regex_inputs.py).

The corpus (tests/corpus/cwe-664/redos*.py) checks the rule end to end; these pin the judgements it
rests on: which names say a function parses data a peer sends, how long a cut text may be for its
n^degree steps to be harmless, and which exposures a polynomial pattern is reported on.
"""

from __future__ import annotations

import ast

import pytest

from secreview.rules.base import Context, Rule
from secreview.rules.engine import Dispatch, Walker
from secreview.rules.regex_inputs import Tier, bounded, exposure, harmless_length, protocol_word, words


def _ask(source: str, path: str = "lib/parse.py", module: str = "lib.parse") -> list:
    """(tier or None, bounded for a quadratic pattern) of the argument of each `sink(...)` call."""
    answers: list = []

    def check(node: ast.Call, ctx: Context) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "sink":
            found = exposure(ctx, node.args[0])
            answers.append((found.tier if found else None, bounded(ctx, node.args[0], 2)))

    probe = Rule(id="probe", name="probe", cwe="1333", severity=None, confidence=None, fix="",  # type: ignore[arg-type]
                 func=check, nodes=(ast.Call,))
    Walker(Context(path, source, ast.parse(source), module), Dispatch([probe], collectors=())).run()
    return answers


def test_words_split_every_spelling_of_an_identifier() -> None:
    assert words("parse_HTTPDate2") == {"parse", "http", "date"}
    assert words("getUserAgent") == {"get", "user", "agent"}
    assert protocol_word("value", "parse_options_header") == "header"
    assert protocol_word("text", "words", "", "mylib.cookies") == "cookies"
    assert protocol_word("name", "parse_number", "MigrationAutodetector", "django.db.migrations.autodetector") is None
    assert protocol_word("path", "get_path_param_names", "", "fastapi.utils") is None


@pytest.mark.parametrize(("degree", "longest"), [(2, 3162), (3, 215)])
def test_harmless_length_follows_the_degree(degree: int, longest: int) -> None:
    assert harmless_length(degree) == longest


def test_a_parser_parameter_is_weaker_evidence_than_request_data() -> None:
    source = ("from flask import request\n\n"
              "def parse_cookie(cookie):\n    sink(cookie)\n    sink(cookie[:100])\n    sink(cookie[:10**6])\n\n"
              "def parse_number(name):\n    sink(name)\n\n"
              "def view():\n    sink(request.headers['Cookie'])\n\n"
              "def load(path):\n    with open(path) as handle:\n        text = handle.read()\n    sink(text)\n")
    assert _ask(source) == [
        (Tier.PARSER, False), (Tier.PARSER, True), (Tier.PARSER, False),  # cut to 100 characters: harmless
        (Tier.PARAMETER, False),  # a public parameter that parses no protocol data
        (Tier.INPUT, False),
        (None, False),  # a file the program opens by name
    ]


def test_a_length_check_bounds_only_when_it_leaves_the_function() -> None:
    source = ("def parse_header(value):\n    if len(value) > 200:\n        raise ValueError(value)\n    sink(value)\n\n"
              "def parse_header_logged(value):\n    if len(value) > 200:\n        print('long')\n    sink(value)\n")
    assert _ask(source) == [(Tier.PARSER, True), (Tier.PARSER, False)]


def test_a_command_line_tool_parses_its_operators_text() -> None:
    source = "import argparse\n\ndef parse_header(value):\n    sink(value)\n"
    assert _ask(source) == [(Tier.PARAMETER, False)]
    assert _ask("def parse_header(value):\n    sink(value)\n", path="tool/bin/show.py") == [(Tier.PARAMETER, False)]
