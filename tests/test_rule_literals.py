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
