"""Data flows into sinks in test code: counted, not listed, unless `--include-tests`."""

from __future__ import annotations

import json
import textwrap

from secreview import review_source
from secreview.cli import main
from secreview.report.json import render as render_json
from secreview.report.text import render as render_text
from secreview.settings.config import Config

VIEW = textwrap.dedent("""\
    from django.http import HttpResponse


    def echo(request):
        return HttpResponse("Hello %s" % request.GET["name"])
""")


def rule_ids(review) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule_id for f in review.findings]


def test_flow_in_application_code_is_listed() -> None:
    review = review_source(VIEW, "shop/views.py")
    assert rule_ids(review) == ["taint-xss"]
    assert review.in_tests == 0


def test_flow_in_test_module_is_counted_not_listed() -> None:
    for path in ("tests/views.py", "shop/test_views.py", "conftest.py"):
        review = review_source(VIEW, path)
        assert rule_ids(review) == [], path
        assert review.in_tests == 1, path
        assert review.below_threshold == 0, path


def test_summary_says_how_many_were_skipped() -> None:
    review = review_source(VIEW, "tests/views.py")
    assert "1 data flow in test code not listed" in render_text(review)
    assert json.loads(render_json(review))["summary"]["in_tests"] == 1


def test_include_tests_lists_them() -> None:
    review = review_source(VIEW, "tests/views.py", Config(include_tests=True))
    assert rule_ids(review) == ["taint-xss"]
    assert review.in_tests == 0


def test_include_tests_option(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "views.py").write_text(VIEW, "utf-8")
    main(["scan", str(tmp_path), "--format", "json", "--no-cache"])
    default = json.loads(capsys.readouterr().out)
    main(["scan", str(tmp_path), "--format", "json", "--no-cache", "--include-tests"])
    listed = json.loads(capsys.readouterr().out)
    assert (default["summary"]["findings"], default["summary"]["in_tests"]) == (0, 1)
    assert (listed["summary"]["findings"], listed["summary"]["in_tests"]) == (1, 0)


SCRATCH = textwrap.dedent("""\
    import tempfile


    def scratch():
        return tempfile.mktemp()
""")


def test_mktemp_race_is_reported_in_application_code_only() -> None:
    assert rule_ids(review_source(SCRATCH, "app/scratch.py")) == ["insecure-tempfile-mktemp"]
    assert rule_ids(review_source(SCRATCH, "collection/tests/integration/files/bad.py")) == []
