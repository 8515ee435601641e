"""Review mode on real git repositories: what a change introduces, and nothing else.

Every test builds a repository in a temporary directory: a base commit with
old defects, then one change (a new defect, a rename, a deletion, ...), and
checks exactly which findings the review reports and how many it counts as
pre-existing, for the three ways of naming a change: a git range, a unified
diff on stdin, and the staged changes. git runs with no global or system
configuration, so the tests do not depend on the machine's git setup.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from secreview.api import review_diff, review_source
from secreview.cli import main
from secreview.core.model import NO_DEFECTS, DiagnosticKind, FileReview, Location, Review, Step
from secreview.report.markdown import escape
from secreview.review import changes
from secreview.sources.diff import ChangedFile, ChangeError

HELPERS = (
    "import subprocess\n"
    "\n"
    "\n"
    "def run_report(name):\n"
    '    subprocess.call("report " + name, shell=True)\n'
)
VIEWS = (
    "import pickle\n"
    "\n"
    "\n"
    "def load(blob):\n"
    "    return pickle.loads(blob)\n"
    "\n"
    "\n"
    "def greet(name):\n"
    '    return "hi " + name\n'
)
EVAL_ADDED = VIEWS + (
    "\n"
    "\n"
    "def calc(expr):\n"
    "    return eval(expr)\n"
)
EVAL_LINE = 13


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, input=stdin, check=True)
    return done.stdout


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No global/system git configuration; a fixed identity for commits (secreview's git calls inherit it)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the result cache stays in the test
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.invalid")
    monkeypatch.delenv("GIT_INDEX_FILE", raising=False)
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose base commit holds two old defects (shell=True in helpers, pickle in views)."""
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "helpers.py").write_text(HELPERS)
    (root / "pkg" / "views.py").write_text(VIEWS)
    (root / "README.md").write_text("demo\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def reported(review: Review) -> list[tuple[str, int, str]]:
    return sorted((f.location.path, f.location.line, f.rule_id) for f in review.findings)


def four_ways(repo: Path, message: str) -> dict[str, Review]:
    """The change in the work tree reviewed staged, then committed and reviewed as a range, as the range's
    start against the work tree, and as a diff on stdin."""
    git(repo, "add", "-A")
    staged = review_diff(staged=True, root=repo)
    git(repo, "commit", "-q", "-m", message)
    text = git(repo, "diff", "HEAD~1", "HEAD")
    return {
        "staged": staged,
        "range": review_diff(rev_range="HEAD~1...HEAD", root=repo),
        "rev": review_diff(rev_range="HEAD~1", root=repo),
        "stdin": review_diff(text, root=repo),
    }


# -- what is reported ---------------------------------------------------------------------------------


def test_a_change_that_adds_a_defect_reports_only_that_defect(repo: Path) -> None:
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    for form, review in four_ways(repo, "add calc").items():
        assert reported(review) == [("pkg/views.py", EVAL_LINE, "code-injection-eval")], form
        assert review.preexisting == 1, form  # pickle.loads in the same file, not listed
        assert [fr.path for fr in review.files] == ["pkg/views.py"], form
        assert review.change is not None and review.change.introduced == 1
        assert review.change.files == 1 and review.change.added_lines == 4, form


def test_all_lists_pre_existing_findings_of_the_changed_files_but_exit_status_is_about_the_change(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pkg" / "views.py").write_text(VIEWS.replace('"hi "', '"hello "'))
    commit(repo, "reword greeting")
    review = review_diff(rev_range="HEAD~1", root=repo, include_all=True)
    assert [rule for _, _, rule in reported(review)] == ["unsafe-deserialization-pickle"]
    assert all(f.preexisting for f in review.findings)
    assert review_diff(rev_range="HEAD~1", root=repo).findings == ()
    monkeypatch.chdir(repo)
    assert main(["review", "--diff", "HEAD~1", "--all", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], f["preexisting"]) for f in data["findings"]] == [("unsafe-deserialization-pickle", True)]
    assert data["summary"]["preexisting"] == 1
    for form in ("text", "markdown"):
        assert main(["review", "--diff", "HEAD~1", "--all", "--format", form]) == 0
        out = capsys.readouterr().out
        assert out.count("pre-existing, not introduced by this change") == 1, out
        assert "1 pre-existing finding in the changed files, not introduced by this change (listed above)" in out
    assert main(["review", "--diff", "HEAD~1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_a_change_touching_a_multi_line_call_reports_it(repo: Path) -> None:
    (repo / "pkg" / "helpers.py").write_text(HELPERS + (
        "\n\ndef archive(name):\n"
        "    subprocess.call(\n"
        '        "tar czf " + name,\n'
        "        shell=False,\n"
        "    )\n"
    ))
    commit(repo, "archive")
    (repo / "pkg" / "helpers.py").write_text((repo / "pkg" / "helpers.py").read_text().replace(
        "shell=False", "shell=True"))
    commit(repo, "use the shell")
    review = review_diff(rev_range="HEAD~1..HEAD", root=repo)
    assert reported(review) == [("pkg/helpers.py", 9, "command-injection-shell")]
    assert review.preexisting == 1  # run_report's call, untouched


def test_rename_without_edits_reports_nothing_and_counts_the_old_defect(repo: Path) -> None:
    git(repo, "mv", "pkg/views.py", "pkg/pages.py")
    for form, review in four_ways(repo, "rename").items():
        assert review.findings == (), form
        assert review.preexisting == 1, form
        assert [fr.path for fr in review.files] == ["pkg/pages.py"], form
        assert review.verdict == NO_DEFECTS
        assert review.all_diagnostics == ()


def test_rename_with_an_edit_reports_only_the_edit(repo: Path) -> None:
    git(repo, "mv", "pkg/views.py", "pkg/pages.py")
    (repo / "pkg" / "pages.py").write_text(EVAL_ADDED)
    for form, review in four_ways(repo, "rename and add calc").items():
        assert reported(review) == [("pkg/pages.py", EVAL_LINE, "code-injection-eval")], form
        assert review.preexisting == 1, form


def test_deleting_a_file_with_defects_reports_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "rm", "-q", "pkg/helpers.py")
    for form, review in four_ways(repo, "drop helpers").items():
        assert review.files == () and review.findings == (), form
        assert review.preexisting == 0 and review.all_diagnostics == (), form
    monkeypatch.chdir(repo)
    assert main(["review", "--diff", "HEAD~1...HEAD"]) == 0
    assert NO_DEFECTS in capsys.readouterr().out


def test_deleting_lines_reports_nothing(repo: Path) -> None:
    (repo / "pkg" / "views.py").write_text(VIEWS.replace('def greet(name):\n    return "hi " + name\n', ""))
    for form, review in four_ways(repo, "drop greet").items():
        assert review.findings == (), form
        assert review.preexisting == 1, form
        assert review.change is not None and review.change.added_lines == 0


def test_a_change_to_non_python_files_reviews_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "README.md").write_text("demo\nmore\n")
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    commit(repo, "docs")
    import secreview.api as api

    def no_analysis(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a change without Python files needs no analysis")

    with monkeypatch.context() as patch:
        patch.setattr(api, "review_paths", no_analysis)
        review = review_diff(rev_range="HEAD~1", root=repo)
    assert review.files == () and review.all_diagnostics == ()
    assert review.change is not None and review.change.files == 0
    monkeypatch.chdir(repo)
    assert main(["review", "--diff", "HEAD~1"]) == 0
    assert NO_DEFECTS in capsys.readouterr().out


# -- a new call into an old vulnerable helper --------------------------------------------------------

CALLER = VIEWS + (
    "\n"
    "\n"
    "from flask import request\n"
    "from pkg.helpers import run_report\n"
    "\n"
    "\n"
    "def export():\n"
    '    run_report(request.args["name"])\n'
)
CALL_LINE = 17


def test_a_new_call_into_an_old_helper_reports_the_flow_through_it(repo: Path) -> None:
    """End to end with the taint engine: the helper's old sink is reported because the new call feeds it."""
    pytest.importorskip("secreview.analysis.taint", reason="the taint engine is not in this tree yet")
    (repo / "pkg" / "views.py").write_text(CALLER)
    for form, review in four_ways(repo, "export").items():
        (flow,) = review.findings
        assert (flow.location.path, flow.location.line, flow.cwe) == ("pkg/helpers.py", 5, "78"), form
        assert ("pkg/views.py", CALL_LINE) in {(s.location.path, s.location.line) for s in flow.path}, form
        assert flow.path[-1].location.path == "pkg/helpers.py"
        assert review.preexisting == 1, form  # pickle.loads in views.py; helpers.py's own old finding is not counted
        assert review.change is not None and review.change.files == 1 and review.change.introduced == 1
    only_helpers = review_diff(rev_range="HEAD~1", root=repo, paths=[repo / "pkg" / "helpers.py"])
    assert only_helpers.findings == ()  # narrowed to helpers.py, the change has no line there


def test_flow_findings_are_kept_when_their_path_passes_through_a_changed_line() -> None:
    """The filter looks at `Finding.path`: a flow from a new line into an old sink belongs to the change."""
    (sink,) = review_source(HELPERS, filename="pkg/helpers.py").findings
    views = review_source(CALLER, filename="pkg/views.py")

    def step(path: str, line: int, text: str) -> Step:
        return Step(Location(path, line, 4, line, 40), text)

    through_new_call = dataclasses.replace(sink, path=(
        step("pkg/views.py", CALL_LINE, "request.args['name'] enters"),
        step("pkg/views.py", CALL_LINE, "passed to run_report(name)"),
        step("pkg/helpers.py", 5, "reaches subprocess.call(shell=True)"),
    ))
    through_old_lines = dataclasses.replace(sink, path=(
        step("pkg/views.py", 9, "name enters greet"),
        step("pkg/helpers.py", 5, "reaches subprocess.call(shell=True)"),
    ))
    project = Review(
        files=(
            dataclasses.replace(views.files[0], findings=(*views.findings,)),
            FileReview(path="pkg/helpers.py", lines=5, findings=(through_new_call, through_old_lines),
                       below_threshold=3),
        ),
        verdicts=(),
    )
    change = [ChangedFile("pkg/views.py", "modified", frozenset(range(10, CALL_LINE + 1)))]
    review = changes.select(project, change, "HEAD~1")
    assert [(f.location.path, f.location.line, f.path) for f in review.findings] == [
        ("pkg/helpers.py", 5, through_new_call.path)]
    assert review.change is not None and review.change.introduced == 1
    assert review.preexisting == 1  # pickle.loads in views.py; the old flow in helpers.py is not counted
    assert [fr.path for fr in review.files] == ["pkg/views.py", "pkg/helpers.py"]
    assert review.change.files == 1  # helpers.py is there for its flow, not as a changed file
    assert review.files[1].below_threshold == 0 and review.files[1].preexisting == 0
    assert [v.pillar for v in review.verdicts if v.status == "findings"] == [sink.pillar]


def test_a_finding_on_a_compound_statement_is_new_only_when_its_header_changes() -> None:
    code = (
        "import jwt\n"
        "try:\n"
        "    jwt.decode(token, key, algorithms=['HS256'])\n"
        "except Exception:\n"
        "    pass\n"
    )
    (finding,) = review_source(code, filename="m.py").findings
    assert finding.source_line == "except Exception:"
    assert finding.location.end_line > finding.location.line  # the handler spans its body
    body_only = {"m.py": frozenset({5})}
    header = {"m.py": frozenset({4})}
    assert not changes.introduced(finding, body_only)
    assert changes.introduced(finding, header)


# -- the three ways to name a change agree on what they read ---------------------------------------


def test_range_ending_in_a_revision_reads_that_revision_not_the_work_tree(repo: Path) -> None:
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    commit(repo, "add calc")
    # The work tree moves on: calc is gone and two lines are inserted at the top.
    (repo / "pkg" / "views.py").write_text("# a\n# b\n" + VIEWS)
    review = review_diff(rev_range="HEAD~1..HEAD", root=repo)
    assert reported(review) == [("pkg/views.py", EVAL_LINE, "code-injection-eval")]
    assert review.files[0].findings[0].source_line == "return eval(expr)"
    # A single revision is compared with the work tree, as `git diff REV` does.
    assert review_diff(rev_range="HEAD~1", root=repo).findings == ()


def test_staged_reviews_the_index_not_the_work_tree(repo: Path) -> None:
    views = repo / "pkg" / "views.py"
    views.write_text(EVAL_ADDED)
    git(repo, "add", "pkg/views.py")
    views.write_text(VIEWS)  # the defect is staged, then removed from the work tree only
    review = review_diff(staged=True, root=repo)
    assert reported(review) == [("pkg/views.py", EVAL_LINE, "code-injection-eval")]
    assert review.change is not None and review.change.description == "the staged changes"
    # And the other way round: a defect only in the work tree is not what `git commit` would commit.
    git(repo, "add", "pkg/views.py")
    views.write_text(EVAL_ADDED)
    assert review_diff(staged=True, root=repo).findings == ()


def test_staged_new_file_and_index_left_untouched(repo: Path) -> None:
    (repo / "pkg" / "tools.py").write_text("import os\n\n\ndef wipe(path):\n    os.system('rm -rf ' + path)\n")
    git(repo, "add", "pkg/tools.py")
    index_before = (repo / ".git" / "index").read_bytes()
    review = review_diff(staged=True, root=repo)
    assert reported(review) == [("pkg/tools.py", 5, "command-injection-shell")]
    assert review.preexisting == 0
    assert (repo / ".git" / "index").read_bytes() == index_before
    assert git(repo, "status", "--porcelain") == "A  pkg/tools.py\n"


def test_cli_forms_agree_and_exit_1_only_for_introduced_findings(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    commit(repo, "add calc")
    monkeypatch.chdir(repo / "pkg")  # from a subdirectory: paths are still the repository's
    outputs = {}
    assert main(["review", "--diff", "HEAD~1...HEAD", "--format", "json"]) == 1
    outputs["range"] = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(git(repo, "diff", "HEAD~1").encode())))
    assert main(["review", "--diff", "-", "--format", "json"]) == 1
    outputs["stdin"] = json.loads(capsys.readouterr().out)
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED + "\n\ndef again(e):\n    return eval(e)\n")
    git(repo, "add", "pkg/views.py")
    assert main(["review", "--staged", "--format", "json"]) == 1
    outputs["staged"] = json.loads(capsys.readouterr().out)
    for form in ("range", "stdin"):
        assert [(f["path"], f["line"]) for f in outputs[form]["findings"]] == [("pkg/views.py", EVAL_LINE)], form
        assert outputs[form]["summary"]["preexisting"] == 1
    assert [(f["path"], f["line"]) for f in outputs["staged"]["findings"]] == [("pkg/views.py", 17)]
    assert outputs["staged"]["summary"]["preexisting"] == 2  # pickle and the committed eval
    # Thresholds apply as in scan: an eval (high) under --min-severity critical is not a failure.
    assert main(["review", "--staged", "--min-severity", "critical"]) == 0
    capsys.readouterr()


def test_markdown_sarif_and_json_carry_only_the_change(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    commit(repo, "add calc")
    monkeypatch.chdir(repo)
    template = "https://git.example/r/blob/abc/{path}#L{line}"
    assert main(["review", "--diff", "HEAD~1", "--format", "markdown", "--link-template", template]) == 1
    markdown = capsys.readouterr().out
    first = markdown.splitlines()[0]
    assert first.startswith("### ") and "1 security defect" in first and "introduced by this change" in first
    assert "#### CWE-707 Improper Neutralization" in markdown
    assert f"[{escape(f'pkg/views.py:{EVAL_LINE}')}](https://git.example/r/blob/abc/pkg/views.py#L{EVAL_LINE})" \
        in markdown
    assert "**Fix:**" in markdown and "pickle" not in markdown
    assert escape("1 pre-existing finding") in markdown
    assert main(["review", "--diff", "HEAD~1", "--format", "sarif"]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("code-injection-eval", "pkg/views.py", EVAL_LINE)]
    assert results[0]["baselineState"] == "new"
    assert main(["review", "--diff", "HEAD~1", "--format", "text"]) == 1
    text = capsys.readouterr().out
    assert "1 pre-existing finding in the changed files" in text and "unsafe-deserialization-pickle" not in text
    # With --all the SARIF log says which results the change introduced, and stays valid SARIF 2.1.0.
    from test_sarif import run_of, sarif

    log = sarif(review_diff(rev_range="HEAD~1", root=repo, include_all=True))
    states = {(r["ruleId"], r["baselineState"]) for r in run_of(log)["results"]}
    assert states == {("code-injection-eval", "new"), ("unsafe-deserialization-pickle", "unchanged")}
    assert run_of(log)["properties"]["secreview"]["preexisting"] == 1
    # Started from a subdirectory, the URIs are still relative to the repository root, and say so.
    monkeypatch.chdir(repo / "pkg")
    run = run_of(sarif(review_diff(rev_range="HEAD~1")))
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/views.py"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


# -- what review mode refuses or skips -----------------------------------------------------------------


def test_files_outside_the_tree_binary_python_and_bad_input(repo: Path) -> None:
    diff = (
        "diff --git a/elsewhere/gone.py b/elsewhere/gone.py\n"
        "--- a/elsewhere/gone.py\n+++ b/elsewhere/gone.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
        "diff --git a/../escape.py b/../escape.py\n"
        "--- a/../escape.py\n+++ b/../escape.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
        "diff --git a/pkg/blob.py b/pkg/blob.py\nindex 1..2 100644\n"
        "Binary files a/pkg/blob.py and b/pkg/blob.py differ\n"
        "diff --git a/pkg/views.py b/pkg/views.py\n"
        "--- a/pkg/views.py\n+++ b/pkg/views.py\n@@ -5 +5 @@\n-    return pickle.loads(blob)\n"
        "+    return pickle.loads(blob)\n"
    )
    review = review_diff(diff, root=repo)
    assert reported(review) == [("pkg/views.py", 5, "unsafe-deserialization-pickle")]
    kinds = sorted((d.path, d.kind) for d in review.all_diagnostics)
    assert kinds == [("../escape.py", DiagnosticKind.NOT_IN_TREE), ("elsewhere/gone.py", DiagnosticKind.NOT_IN_TREE),
                     ("pkg/blob.py", DiagnosticKind.BINARY)]
    with pytest.raises(ChangeError):
        review_diff("this is not a diff\n", root=repo)
    with pytest.raises(ChangeError):
        review_diff(rev_range="no-such-rev", root=repo)
    with pytest.raises(ChangeError):
        review_diff(rev_range="--output=/tmp/x", root=repo)


def test_cli_usage_errors_exit_2(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    assert main(["review", "--diff", "nope..main"]) == 2
    assert "git diff failed" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"garbage\n")))
    assert main(["review", "--diff", "-"]) == 2
    assert "not a unified diff" in capsys.readouterr().err

    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"")))
    assert main(["review", "--diff", "-"]) == 2  # a forgotten pipe is an error, not a silent wait
    assert "reads a unified diff from stdin" in capsys.readouterr().err
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert main(["review", "--staged"]) == 2
    assert "git rev-parse failed" in capsys.readouterr().err


def test_paths_narrow_the_report_to_changed_files_under_them(repo: Path) -> None:
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    (repo / "pkg" / "helpers.py").write_text(HELPERS + "\n\ndef run2(x):\n    eval(x)\n")
    commit(repo, "two files")
    both = review_diff(rev_range="HEAD~1", root=repo)
    assert {fr.path for fr in both.files} == {"pkg/views.py", "pkg/helpers.py"}
    only = review_diff(rev_range="HEAD~1", root=repo, paths=[repo / "pkg" / "helpers.py"])
    assert reported(only) == [("pkg/helpers.py", 9, "code-injection-eval")]


def test_the_reviewed_code_is_never_run(repo: Path) -> None:
    marker = repo.parent / "ran"
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED + f"\nopen({str(marker)!r}, 'w').write('x')\n")
    (repo / "setup.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    commit(repo, "side effects")
    review_diff(rev_range="HEAD~1..HEAD", root=repo)
    assert not marker.exists()


def test_secreview_module_runs_review_in_a_subprocess(repo: Path) -> None:
    """The real entry point with a pipe, as a Gerrit or Zuul job runs it."""
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    commit(repo, "add calc")
    diff = git(repo, "diff", "HEAD~1")
    done = subprocess.run([sys.executable, "-m", "secreview", "review", "--diff", "-", "--format", "markdown"],
                          cwd=repo, input=diff, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert escape(f"pkg/views.py:{EVAL_LINE}") in done.stdout


def test_api_requires_exactly_one_source(repo: Path) -> None:
    with pytest.raises(ValueError):
        review_diff(root=repo)
    with pytest.raises(ValueError):
        review_diff("", staged=True, root=repo)


def test_analysis_options_reach_review_paths(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jobs=`, `cache=` and the like are how the tree is analysed; review mode passes them on untouched."""
    import secreview.api as api

    seen: list[dict] = []
    real = api.review_paths

    def recording(paths, config=None, **options):  # type: ignore[no-untyped-def]
        seen.append(options)
        return real(paths, config)

    monkeypatch.setattr(api, "review_paths", recording)
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    commit(repo, "add calc")
    review = review_diff(rev_range="HEAD~1", root=repo, jobs=3, progress=False)
    assert seen == [{"jobs": 3, "progress": False}]
    assert reported(review) == [("pkg/views.py", EVAL_LINE, "code-injection-eval")]


def test_a_file_git_cannot_write_becomes_a_diagnostic(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import secreview.sources.git as gitmod

    real = gitmod.run

    def failing_checkout(args, cwd, env=None, stdin=None):  # type: ignore[no-untyped-def]
        if args[0] == "checkout-index":
            raise ChangeError("git checkout-index failed: error: unable to create file pkg/views.py")
        return real(args, cwd, env, stdin)

    monkeypatch.setattr(gitmod, "run", failing_checkout)
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    git(repo, "add", "pkg/views.py")
    review = review_diff(staged=True, root=repo)
    assert review.findings == ()
    assert sorted(d.kind for d in review.all_diagnostics) == [DiagnosticKind.NOT_IN_TREE, DiagnosticKind.UNREADABLE]


def test_cli_run_options_reach_the_analysis_and_snapshots_bypass_the_cache(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import secreview.api as api

    seen: list[dict] = []
    real = api.review_paths

    def recording(paths, config=None, **options):  # type: ignore[no-untyped-def]
        seen.append(options)
        return real(paths, config, **options)

    monkeypatch.setattr(api, "review_paths", recording)
    (repo / "pkg" / "views.py").write_text(EVAL_ADDED)
    commit(repo, "add calc")
    monkeypatch.chdir(repo)
    cache = tmp_path / "cache"
    assert main(["review", "--diff", "HEAD~1", "--jobs", "1", "--cache-dir", str(cache), "-f", "json"]) == 1
    assert main(["review", "--diff", "HEAD~1..HEAD", "--jobs", "1", "--cache-dir", str(cache), "-f", "json"]) == 1
    capsys.readouterr()
    work_tree, snapshot = seen
    assert work_tree["jobs"] == 1 and work_tree["cache"] is not None
    assert snapshot["jobs"] == 1 and "cache" not in snapshot
