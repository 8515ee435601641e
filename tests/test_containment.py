"""Containment predicates (secreview.analysis.containment) and the claims their findings make."""

from __future__ import annotations

import ast
import os
import posixpath

import pytest

from secreview.analysis import containment
from secreview.api import review_source


def _resolve(node: ast.expr) -> str | None:
    """Qualified names as an import of `os` would give them (enough for these snippets)."""
    text = ast.unparse(node)
    return text if text.startswith(("os.", "posixpath.")) or text in ("str", "bytes") else None


def _expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


@pytest.mark.parametrize("text, expected", [
    ("base + os.sep", True), ("base + '/'", True), ("os.path.join(base, '')", True), ("'/srv/app/'", True),
    ("f'{base}/'", True), ("f'{base}{os.sep}'", True), ("b_dest + to_bytes(os.path.sep)", True),
    ("base", False), ("'/srv/app'", False), ("os.path.join(base, 'x')", False), ("base + suffix", False),
])
def test_separator_terminated(text: str, expected: bool) -> None:
    assert containment.separator_terminated(_expr(text), _resolve, lambda _: None) is expected


def test_a_name_is_followed_to_its_assignment() -> None:
    tree = ast.parse("def f(root, name):\n    base = root + os.sep\n    real = os.path.realpath(name)\n"
                     "    return real.startswith(base)\n")
    function = tree.body[0]
    call = function.body[-1].value
    value_of = containment.assignments_before(function, call.lineno, tree)
    assert containment.startswith_weakness(call.func.value, call.args[0], _resolve, value_of) == ""


@pytest.mark.parametrize("subject, base, expected", [
    ("os.path.realpath(p)", "root", containment.SIBLING),
    ("os.path.join(root, name)", "root + os.sep", containment.UNNORMALISED),
    ("os.path.realpath(p)", "root + os.sep", ""),
    ("os.path.realpath(p)", "('/', '\\\\')", ""),  # an absolute-path test
    ("p", "root", ""),  # a parameter: nothing says it is a path this code built
])
def test_startswith_weakness(subject: str, base: str, expected: str) -> None:
    assert containment.startswith_weakness(_expr(subject), _expr(base), _resolve, lambda _: None) == expected


def test_the_reasons_hold() -> None:
    """Each finding's example is true of Python itself, not only of the message."""
    assert "/srv/app2/x".startswith("/srv/app")
    assert os.path.commonprefix(["/srv/app", "/srv/app2/x"]) == "/srv/app"
    assert "/srv/app/../../etc/passwd".startswith("/srv/app/")
    assert posixpath.normpath("/srv/app/../../etc/passwd") == "/etc/passwd"
    assert posixpath.join("/srv/app", "/etc/passwd") == "/etc/passwd"
    assert "....//".replace("../", "") == "../"


def test_a_correct_check_clears_the_archive_flow_and_a_missing_one_does_not() -> None:
    unsafe = ("import os, zipfile\n\ndef unzip(archive, dest):\n    with zipfile.ZipFile(archive) as z:\n"
              "        for name in z.namelist():\n            target = os.path.join(dest, name)\n"
              "            with open(target, 'wb') as out:\n                out.write(z.read(name))\n")
    safe = unsafe.replace("            target = os.path.join(dest, name)\n",
                          "            target = os.path.realpath(os.path.join(dest, name))\n"
                          "            if os.path.commonpath([dest, target]) != dest:\n"
                          "                raise ValueError(name)\n")
    assert [f.rule_id for f in review_source(unsafe, "lib/unzip.py").findings] == ["taint-path-traversal"]
    assert [f.rule_id for f in review_source(safe, "lib/unzip.py").findings] == []
