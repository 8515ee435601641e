"""Test code is not traced for data flows unless `--include-tests`: the summary says how many files were not."""

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
    assert review.untraced_tests == 0


def test_test_module_is_not_traced() -> None:
    for path in ("tests/views.py", "shop/test_views.py", "conftest.py"):
        review = review_source(VIEW, path)
        assert rule_ids(review) == [], path
        assert review.untraced_tests == 1, path
        assert review.below_threshold == 0, path


def test_summary_says_how_many_test_files_were_not_traced() -> None:
    review = review_source(VIEW, "tests/views.py")
    assert "1 test file not traced for data flows (`--include-tests` traces them)" in render_text(review)
    assert json.loads(render_json(review))["summary"]["untraced_tests"] == 1


def test_include_tests_traces_and_lists_them() -> None:
    review = review_source(VIEW, "tests/views.py", Config(include_tests=True))
    assert rule_ids(review) == ["taint-xss"]
    assert review.untraced_tests == 0


def test_include_tests_option(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "views.py").write_text(VIEW, "utf-8")
    main(["scan", str(tmp_path), "--format", "json", "--no-cache"])
    default = json.loads(capsys.readouterr().out)
    main(["scan", str(tmp_path), "--format", "json", "--no-cache", "--include-tests"])
    listed = json.loads(capsys.readouterr().out)
    assert (default["summary"]["findings"], default["summary"]["untraced_tests"]) == (0, 1)
    assert (listed["summary"]["findings"], listed["summary"]["untraced_tests"]) == (1, 0)


def test_the_taint_pass_skips_test_modules_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from secreview.analysis.taint_project import PASS_NAME
    from secreview.run.parallel import FileReviewer

    for name in ("shop/views.py", "tests/test_views.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(VIEW, "utf-8")
    default, traced = FileReviewer(Config()), FileReviewer(Config(include_tests=True))
    assert PASS_NAME in default(str(tmp_path / "shop/views.py")).extras
    skipped = default(str(tmp_path / "tests/test_views.py"))
    assert PASS_NAME not in skipped.extras and skipped.review.flows_untraced
    assert "regex-imported-patterns" in skipped.extras  # the other passes still run there
    assert PASS_NAME in traced(str(tmp_path / "tests/test_views.py")).extras


def test_tracing_tests_is_part_of_the_cache_key() -> None:
    from secreview.run.cache import fingerprint

    assert fingerprint(Config()) != fingerprint(Config(include_tests=True))


APP = {
    "shop/__init__.py": "",
    "tests/__init__.py": "",
    "shop/runner.py": "import os\n\n\ndef run(command):\n    os.system(command)\n",
    "shop/views.py": ("from flask import request\n\nfrom shop.runner import run\n\n\n"
                      "def view():\n    run(request.args['q'])\n"),
    "tests/test_runner.py": ("import sys\n\nfrom shop.runner import run\nfrom shop.views import view\n\n\n"
                             "def test_run():\n    run(sys.argv[1])\n    view()\n"),
}


def test_warm_runs_after_edits_in_tests_and_application_equal_cold(tmp_path, relinks) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "project"
    for name, text in APP.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")

    def scan(out: str, *options: str) -> dict:
        main(["scan", str(root), "--no-gitignore", "--jobs", "1", "--format", "json", "-o", str(tmp_path / out),
              *options])
        return json.loads((tmp_path / out).read_text("utf-8"))

    first = scan("warm.json", "--cache-dir", str(tmp_path / "cache"))
    assert [(f["rule_id"], f["line"]) for f in first["findings"]] == [("taint-command-injection", 5)]
    assert first["summary"]["untraced_tests"] == 2  # tests/__init__.py is test code too
    for name, text in (("tests/test_runner.py", APP["tests/test_runner.py"] + "\n\ndef test_more():\n    run('ls')\n"),
                       ("shop/runner.py", APP["shop/runner.py"] + "\n\ndef other(x):\n    os.popen(x)\n")):
        (root / name).write_text(text, "utf-8")
        warm = scan("warm.json", "--cache-dir", str(tmp_path / "cache"))
        assert warm == scan("cold.json", "--no-cache"), name
    assert relinks, "the edits were re-linked incrementally, not by a full link"


SCRATCH = textwrap.dedent("""\
    import tempfile


    def scratch():
        return tempfile.mktemp()
""")


def test_mktemp_race_is_reported_in_application_code_only() -> None:
    assert rule_ids(review_source(SCRATCH, "app/scratch.py")) == ["insecure-tempfile-mktemp"]
    assert rule_ids(review_source(SCRATCH, "collection/tests/integration/files/bad.py")) == []
