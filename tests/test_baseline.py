"""Baselines: recorded findings stay hidden through unrelated edits; new ones are shown."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from secreview.api import review_diff, review_paths, review_source
from secreview.cli import main
from secreview.core.fingerprint import FINGERPRINT_VERSION, fingerprint, fingerprints
from secreview.report.sarif import sarif_log
from secreview.review.baseline import BASELINE_VERSION, Baseline, BaselineError, apply, load
from secreview.settings.config import Config

OLD = (
    "import pickle\n"
    "import subprocess\n"
    "\n"
    "\n"
    "def run_report(name):\n"
    '    subprocess.call("report " + name, shell=True)\n'
    "\n"
    "\n"
    "def load(blob):\n"
    "    return pickle.loads(blob)\n"
)



@pytest.fixture(autouse=True)
def private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CLI's result cache goes to a temporary directory, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "app.py").write_text(OLD)
    return root


def scan_json(root: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    status = main(["scan", str(root), "--format", "json", *extra])
    return status, json.loads(capsys.readouterr().out)


def test_create_records_every_finding_with_versions(project: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(target), str(project)]) == 0
    assert "recorded 2 findings" in capsys.readouterr().err
    data = json.loads(target.read_text())
    assert data["version"] == BASELINE_VERSION and data["fingerprint"] == FINGERPRINT_VERSION
    review = review_paths([project], Config())
    assert sorted(e["fingerprint"] for e in data["findings"]) == sorted(fingerprint(f) for f in review.findings)
    assert sorted((e["rule_id"], e["line"]) for e in data["findings"]) == [
        ("command-injection-shell", 6), ("unsafe-deserialization-pickle", 10)]


def test_baseline_survives_lines_inserted_above_and_shows_new_findings(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(target), str(project)]) == 0
    capsys.readouterr()
    # An unrelated edit: a docstring and imports at the top shift every finding down by five lines.
    (project / "app.py").write_text('"""Reports."""\nimport os\nimport sys\n\n\n' + OLD)
    status, data = scan_json(project, "--baseline", str(target), capsys=capsys)
    assert status == 0, data["findings"]
    assert data["findings"] == [] and data["summary"]["baselined"] == 2
    # A new defect in the baselined file is shown; the old ones stay hidden.
    (project / "app.py").write_text('"""Reports."""\n\n' + OLD + "\n\ndef calc(expr):\n    return eval(expr)\n")
    status, data = scan_json(project, "--baseline", str(target), capsys=capsys)
    assert status == 1
    assert [(f["rule_id"], f["line"]) for f in data["findings"]] == [("code-injection-eval", 16)]
    assert data["summary"]["baselined"] == 2
    assert main(["scan", str(project), "--baseline", str(target)]) == 1
    assert "2 findings recorded in the baseline" in capsys.readouterr().out


def test_a_copy_of_a_baselined_line_is_new(project: Path) -> None:
    baseline = _baseline_of(project)
    copied = OLD.replace('    subprocess.call("report " + name, shell=True)\n',
                         '    subprocess.call("report " + name, shell=True)\n' * 2)
    (project / "app.py").write_text(copied)
    review = apply(review_paths([project], Config()), baseline)
    assert [(f.rule_id, f.location.line) for f in review.findings] == [("command-injection-shell", 7)]
    assert review.baselined == 2


def test_editing_the_flagged_code_or_moving_it_to_another_function_is_new(project: Path) -> None:
    baseline = _baseline_of(project)
    (project / "app.py").write_text(OLD.replace('"report " + name', '"report --all " + name'))
    assert [f.rule_id for f in apply(review_paths([project], Config()), baseline).findings] == [
        "command-injection-shell"]
    (project / "app.py").write_text(OLD.replace("def run_report(name)", "def run_other(name)"))
    assert [f.rule_id for f in apply(review_paths([project], Config()), baseline).findings] == [
        "command-injection-shell"]
    # Reformatting the line and reordering the functions is not.
    (project / "app.py").write_text(
        "import pickle\nimport subprocess\n\n\ndef load(blob):\n    return pickle.loads(blob)\n\n\n"
        'def run_report(name):\n    subprocess.call("report "  +  name,   shell=True)\n')
    assert apply(review_paths([project], Config()), baseline).findings == ()


def _baseline_of(project: Path) -> Baseline:
    from collections import Counter

    return Baseline(Counter(fingerprint(f) for f in review_paths([project], Config()).findings))


def test_fingerprint_includes_the_enclosing_function() -> None:
    code = "import os\n\nclass A:\n    def f(self, c):\n        os.system(c)\n\ndef g(c):\n    os.system(c)\n"
    first, second = review_source(code, filename="m.py").findings
    assert (first.context, second.context) == ("A.f", "g")
    assert first.source_line == second.source_line
    assert fingerprint(first) != fingerprint(second)
    assert fingerprint(first) == fingerprint(dataclasses.replace(first, location=dataclasses.replace(
        first.location, line=50, end_line=50)))


def test_sarif_numbers_repeated_fingerprints_by_occurrence() -> None:
    code = "import os\n\ndef g(c):\n    os.system(c)\n    os.system(c)\n    os.system(c)\n"
    review = review_source(code, filename="m.py")
    plain = fingerprint(review.findings[0])
    assert fingerprints(review.findings) == [plain, f"{plain}:2", f"{plain}:3"]
    assert fingerprints(list(reversed(review.findings))) == [f"{plain}:3", f"{plain}:2", plain]
    results = sarif_log(review)["runs"][0]["results"]
    assert [r["partialFingerprints"][FINGERPRINT_VERSION] for r in results] == [plain, f"{plain}:2", f"{plain}:3"]


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ('{"version": 99, "findings": []}', "not a version 1"),
    ('{"version": 1, "fingerprint": "secreview/v0", "findings": []}', "recreate it"),
    ('{"version": 1, "fingerprint": "%s", "findings": [{"line": 3}]}' % FINGERPRINT_VERSION, "must be a list"),
])
def test_a_bad_baseline_is_a_usage_error(project: Path, tmp_path: Path, content: str, message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(BaselineError, match=message):
        load(bad)
    assert main(["scan", str(project), "--baseline", str(bad)]) == 2
    assert message in capsys.readouterr().err
    assert main(["scan", str(project), "--baseline", str(tmp_path / "missing.json")]) == 2


def test_review_mode_hides_baselined_findings_on_changed_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.invalid")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(OLD)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    target = tmp_path / "baseline.json"
    # Made at the repository root, as CI does: the baseline's paths are the repository's, as in review mode.
    monkeypatch.chdir(repo)
    assert main(["baseline", "create", str(target)]) == 0
    capsys.readouterr()
    # The change re-spaces the baselined shell call (a changed line, same code) and adds an eval.
    (repo / "app.py").write_text(OLD.replace("+ name, shell", "+ name,  shell") + "\n\ndef c(e):\n    eval(e)\n")
    git("commit", "-q", "-am", "change")
    plain = review_diff(rev_range="HEAD~1", root=repo)
    assert sorted(f.rule_id for f in plain.findings) == ["code-injection-eval", "command-injection-shell"]
    assert main(["review", "--diff", "HEAD~1", "--baseline", str(target), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["rule_id"] for f in data["findings"]] == ["code-injection-eval"]
    assert data["summary"]["baselined"] == 2 and data["summary"]["preexisting"] == 0


def test_review_mode_matches_baseline_entries_of_a_renamed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.invalid")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(OLD)
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    monkeypatch.chdir(repo)
    target = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(target)]) == 0
    # Renamed, and the baselined shell call re-spaced: a changed line whose code is the baselined code.
    subprocess.run(["git", "mv", "app.py", "reports.py"], cwd=repo, check=True)
    (repo / "reports.py").write_text(OLD.replace("+ name, shell", "+ name,  shell"))
    subprocess.run(["git", "commit", "-q", "-am", "rename"], cwd=repo, check=True)
    baseline = load(target)
    review = review_diff(rev_range="HEAD~1", root=repo, baseline=baseline)
    assert review.findings == () and review.baselined == 2
    unbaselined = review_diff(rev_range="HEAD~1", root=repo)
    assert [f.rule_id for f in unbaselined.findings] == ["command-injection-shell"]
    assert capsys.readouterr().err.startswith("secreview: recorded 2 findings")
