"""Property-based tests: random valid programs (hypothesmith), random text and random bytes.

For any input: no exception escapes, every finding points at a line that
exists, the JSON report is valid against its schema and the SARIF log
against SARIF 2.1.0, and reviewing twice gives the same review. Example
counts are kept low so the suite stays fast; the properties still run on
well over a hundred distinct inputs per CI run.
"""

from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path

import hypothesmith
import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secreview.api import review_paths, review_source
from secreview.core.model import Review
from secreview.report import renderer
from secreview.settings.config import Config

DATA = Path(__file__).parent / "data"
SCHEMAS = {
    "sarif": DATA / "sarif-schema-2.1.0.json",
    "json": Path(__file__).parents[1] / "src" / "secreview" / "report" / "schema" / "report.schema.json",
}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.filter_too_much])

# Programs that reach the rules: calls, imports and strings the checks look at, in random shapes.
SNIPPETS = st.sampled_from([
    "import os\n", "import subprocess as sp\n", "from pickle import loads\n", "import hashlib\n",
    "os.system(x)\n", "sp.call(c, shell=True)\n", "loads(data)\n", "hashlib.md5(b)\n",
    "eval(s)\n", "assert user.is_admin\n", "password = 'hunter2'\n", "try:\n    f()\nexcept Exception:\n    pass\n",
    "def f(a):\n    return a\n", "class C:\n    x = 1\n", "with open(p) as fh:\n    fh.read()\n",
    "x = 'a' + b\n", "# secreview: ignore[command-injection-shell]\n", "if a is 'x':\n    pass\n",
    "lambda: exec(q)\n", "requests.get(u, verify=False)\n", "\n", "# \x1b[31m <b>x</b> ``` [l](u)\n",
])


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMAS[kind].read_text("utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def _check(review: Review, source: str, formats: tuple[str, ...] = ("json", "sarif")) -> None:
    line_count = max(1, len(source.splitlines()))
    for finding in (*review.findings, *review.suppressed):
        assert 1 <= finding.location.line <= line_count, finding
        assert finding.location.end_line >= finding.location.line
    for kind in formats:  # SARIF validation costs ~0.1 s: done on the program-shaped inputs only
        document = json.loads(renderer(kind)(review))
        errors = sorted(_validator(kind).iter_errors(document), key=str)
        assert not errors, errors[0].message
    for kind in ("text", "markdown"):
        assert isinstance(renderer(kind)(review), str)


@settings(FUZZ, max_examples=25)
@given(hypothesmith.from_grammar())
def test_random_valid_programs(source: str) -> None:
    first = review_source(source, filename="fuzz.py")
    _check(first, source)
    assert review_source(source, filename="fuzz.py") == first


@settings(FUZZ, max_examples=40)
@given(st.lists(SNIPPETS, max_size=12).map("".join))
def test_random_programs_made_of_risky_pieces(source: str) -> None:
    first = review_source(source, filename="app/views.py")
    _check(first, source)
    assert review_source(source, filename="app/views.py") == first


@FUZZ
@given(st.text(max_size=400))
def test_random_text(source: str) -> None:
    review = review_source(source, filename="t.py")
    _check(review, source, ("json",))


@FUZZ
@given(st.binary(max_size=400) | st.lists(SNIPPETS, max_size=6).map(lambda s: "".join(s).encode("utf-16")))
def test_random_bytes_as_a_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bytes.py"
        path.write_bytes(data)
        review = review_paths([path], Config(gitignore=False))
        assert len(review.files) == 1
        file_review = review.files[0]
        assert file_review.reviewed or file_review.diagnostics
        text = data.decode("utf-8", "replace") if file_review.reviewed else ""
        _check(review, text, ("json",))
        assert review_paths([path], Config(gitignore=False)) == review
