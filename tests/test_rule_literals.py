"""`literal_may_contain` lets the secret rules skip the walk for a file's literals: it must never say
no when some string literal of the file does hold the needle, however the literal is spelled."""

from __future__ import annotations

import ast

import pytest

from secreview.rules.literals import literal_may_contain

NEEDLES = ("://", "password=")


def _holds(source: str) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str)
               and ("://" in n.value or "password=" in n.value.lower()) for n in ast.walk(ast.parse(source)))


@pytest.mark.parametrize("source", [
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
])
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
