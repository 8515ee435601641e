"""`literal_may_contain` lets the secret rules skip the walk for a file's literals: it must never say
no when some string literal of the file does hold the needle, however the literal is spelled."""

from __future__ import annotations

import ast

import pytest

from secreview.rules.literals import literal_lines, literal_may_contain, literals_on_lines

NEEDLES = ("://", "password=")


def _holds(source: str) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str)
               and ("://" in n.value or "password=" in n.value.lower()) for n in ast.walk(ast.parse(source)))


HOLDING = [
    'URL = "postgres://app:pw@db/app"\n',
    'DSN = "host=db PassWord=x"\n',
    'URL = "postgres:" "//app:pw@db/app"\n',
    'URL = ("postgres:/"\n       "/app:pw@db/app")\n',
    'DSN = "host=db pass" \'word=x\'\n',
    'URL = "postgres\\x3a//app:pw@db"\n',
    'URL = "postgres\\072//app:pw@db"\n',
    'URL = "postgres\\N{COLON}//app:pw@db"\n',
    'URL = "postgres:\\\n//app:pw@db"\n',
    'URL = ("postgres:"  # the scheme\n       r"//app:pw@db")\n',
    'URL = "postgres:" \\\n    "//app:pw@db"\n',
    'URL = f"postgres://{user}:pw@db"\n',
    'URL = f"postgres:" "//{user}"\n',
    'x = f"{password=}"\n',
    'URL = """\npostgres://app:pw@db\n"""\r\n',
]


@pytest.mark.parametrize("source", HOLDING)
def test_a_literal_holding_the_needle_is_never_missed(source: str) -> None:
    assert _holds(source)
    assert literal_may_contain("# see https://example.org/licence\n" + source, NEEDLES, ignore_case=True)


@pytest.mark.parametrize("source", [
    "# Licensed under https://www.apache.org/licenses/LICENSE-2.0\n#\nimport os\nx = 'a\\n'\n",
    "#!/usr/bin/env python\n# password=hunter2 in a comment\n\ndef f():\n    return {'port': 1}\n",
    "# https://example.org\nSCHEMES = ('tcp', 'udp', 'http:')  # strings that end with a start of a needle\n",
    "# https://example.org\nx = 1 + \\\n    2\ny = 'a\\n'\n",
])
def test_needles_only_in_comments_or_outside_literals_are_ruled_out(source: str) -> None:
    assert not _holds(source)
    assert not literal_may_contain(source, NEEDLES, ignore_case=True)


def test_case_sensitive_needles() -> None:
    assert not literal_may_contain('x = "akia0000"\n', ("AKIA",))
    assert literal_may_contain('x = "AK" "IA0000"\n', ("AKIA",))


def test_a_comment_of_many_hashes_after_a_needle_start_takes_linear_time() -> None:
    """A comment between two tokens is matched whole: `# # # ...` once took exponential time."""
    import time

    source = 'x = "postgres:"  #' + " #" * 4000 + "\ny = 1\n"
    started = time.perf_counter()
    assert not literal_may_contain("# https://example.org\n" + source, NEEDLES, ignore_case=True)
    assert time.perf_counter() - started < 1.0


def test_every_known_credential_format_holds_one_of_the_needles_the_walk_is_skipped_without() -> None:
    """`hardcoded-credential` skips a file's literals when none can hold a `FORMAT_NEEDLES` text: every
    format `known_secret_format` recognises must contain one (a new format needs a sample here)."""
    from secreview.analysis.credential_values import _KNOWN_FORMATS, FORMAT_NEEDLES, known_secret_format

    samples = ["AKIA2E0A8F3B244C9986", "-----BEGIN RSA PRIVATE KEY-----", "ghp_" + "a1B2" * 9,
               "github_pat_" + "a1B2c" * 12, "xoxb-2481137284-a1b2c3d4e5", "sk_live_" + "a1B2c3" * 4,
               "AIza" + "a1B2c3d4e5f6g7" * 2 + "h8i9j0k"]
    recognised = {known_secret_format(sample) for sample in samples}
    assert recognised == {description for description, _ in _KNOWN_FORMATS}
    assert all(any(needle in sample for needle in FORMAT_NEEDLES) for sample in samples)


def test_a_split_needle_must_go_on_after_the_split() -> None:
    """After a split, the next token must begin with the needle's next character, an escape or a quote."""
    needles = ("sk_live_",)
    assert not literal_may_contain('x = "is_live" "migration"\nask_ = "a" "b"\n', needles)
    assert literal_may_contain('x = "sk_" "live_a1b2"\n', needles)
    assert literal_may_contain('x = "sk_" "" "live_a1b2"\n', needles)  # an empty token between
    assert literal_may_contain('x = "sk_" """live_a1b2"""\n', needles)
    assert literal_may_contain('x = "sk_\\\nlive_a1b2"\n', needles)  # a backslash-newline inside the string


def _needle_literals(tree: ast.Module, needles: tuple[str, ...], ignore_case: bool) -> set[int]:
    """The ids of the string literals a full walk finds holding a needle (as the rules test their text)."""
    return {id(n) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and any(needle.lower() in n.value.lower() if ignore_case else needle in n.value for needle in needles)}


def _walked_only_on_lines(source: str, needles: tuple[str, ...], ignore_case: bool = False) -> None:
    """`literals_on_lines` on `literal_lines` finds every literal the full walk finds holding a needle."""
    tree = ast.parse(source)
    lines = literal_lines(source, needles, ignore_case)
    found = ({id(n) for n, _ in literals_on_lines(tree, lines)} if lines is not None
             else {id(n) for n in ast.walk(tree) if isinstance(n, ast.Constant)})
    assert _needle_literals(tree, needles, ignore_case) <= found


# Where a literal sits when the walk skips statements: after others, in a decorator above its `def`,
# deep in a class, on a later line of a long statement, behind text that lowers to more characters.
PLACES = [
    "{}",
    "import os\n\nx = 1\n\n\ndef f():\n    return 2\n\n{}",
    "y = 0\n@decorate(\n    value=(\n{}    ),\n)\ndef f():\n    pass\n",
    "class A:\n    z = 1\n\n    def m(self):\n        if z:\n            pass\n        else:\n            call(\n                1,\n{})\n",
    "x = 'İİİİİİ'; y = 2\nz = [\n    1,\n{}]\n",
]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("source", HOLDING)
def test_the_walk_on_the_needle_lines_finds_every_literal_that_holds_one(source: str, place: str) -> None:
    statement = place.format(source) if place.endswith("\n\n{}") or place == "{}" else place.format(
        _as_expression(source))
    _walked_only_on_lines(statement, NEEDLES, ignore_case=True)


def _as_expression(source: str) -> str:
    """`URL = "..."` as the bare value, for placing inside a call or a list."""
    return source.split("=", 1)[1].rstrip("\r\n") + ",\n"


def test_a_carriage_return_leaves_the_lines_unknown() -> None:
    assert literal_lines('x = 1\ry = "postgres://a:b@c"\n', NEEDLES) is None


def test_the_walk_on_the_needle_lines_misses_no_literal_of_the_corpus_or_the_package() -> None:
    """Every file of the labelled corpus and of secreview itself, for both rules' needles."""
    from pathlib import Path

    from secreview.analysis.credential_values import FORMAT_NEEDLES

    root = Path(__file__).parent.parent
    files = [*(root / "tests" / "corpus").rglob("*.py"), *(root / "src" / "secreview").rglob("*.py")]
    assert len(files) > 100
    for path in files:
        source = path.read_text("utf-8")
        try:
            ast.parse(source)
        except SyntaxError:
            continue
        _walked_only_on_lines(source, NEEDLES, ignore_case=True)
        _walked_only_on_lines(source, FORMAT_NEEDLES)
