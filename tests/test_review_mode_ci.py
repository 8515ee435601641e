"""The adoption files work as written: the pre-commit hook, and the CI examples in docs/ci.md.

The YAML must parse, the hook's command must review the staged change, and
the small converters the CI examples embed (secreview JSON to GitLab Code
Quality, to Zuul inline comments) must turn a real report into what those
systems read.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from secreview.cli import _parser, main

ROOT = Path(__file__).resolve().parent.parent
CI_DOC = (ROOT / "docs" / "ci.md").read_text("utf-8")


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", CI_DOC, flags=re.S)


def embedded_python() -> list[str]:
    """The `python3 - <<'PY' ... PY` scripts of the examples, dedented as the shell would see them."""
    scripts = []
    for match in re.finditer(r"^( *)python3 - [^\n]*<<'PY'\n(.*?)^\1PY$", CI_DOC, flags=re.S | re.M):
        indent = len(match.group(1))
        scripts.append("\n".join(line[indent:] for line in match.group(2).splitlines()))
    return scripts



@pytest.fixture(autouse=True)
def private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CLI's result cache goes to a temporary directory, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.invalid")


def test_pre_commit_hook_reviews_the_staged_change(tmp_path: Path, git_env: None, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "secreview" and hook["language"] == "python" and hook["pass_filenames"] is False
    program, *args = shlex.split(hook["entry"])
    assert program == "secreview" and "--staged" in args
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "ok.py").write_text("import json\n")
    subprocess.run(["git", "add", "ok.py"], cwd=repo, check=True)
    monkeypatch.chdir(repo)
    assert main(args) == 0
    (repo / "bad.py").write_text("import os\n\ndef run(cmd):\n    os.system(cmd)\n")
    subprocess.run(["git", "add", "bad.py"], cwd=repo, check=True)
    assert main(args) == 1
    assert "bad.py:4" in capsys.readouterr().out


def test_every_yaml_example_parses_and_names_real_commands() -> None:
    blocks = yaml_blocks()
    assert len(blocks) >= 5  # pre-commit, GitHub Actions, GitLab, Zuul job, Zuul playbook (+ tasks)
    for block in blocks:
        assert yaml.safe_load(block) is not None
    code = "\n".join(re.findall(r"```(?:sh|yaml)\n(.*?)```", CI_DOC, flags=re.S)).replace("\\\n", " ")
    commands = re.findall(r"\bsecreview ((?:review|scan|baseline)\b[^|>#\n]*)", code)
    assert len(commands) >= 10
    parser = _parser()
    for command in commands:
        words = ["X" if "$" in w or "{{" in w else w for w in shlex.split(command)]
        parser.parse_args(words)  # argparse exits (status 2) on an unknown option or a missing argument


def test_github_workflow_uploads_sarif_with_codeql_action() -> None:
    workflow = next(yaml.safe_load(b) for b in yaml_blocks() if "upload-sarif" in b)
    steps = workflow["jobs"]["secreview"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "secreview.sarif"
    assert workflow["permissions"]["security-events"] == "write"
    review = next(s for s in steps if s.get("name") == "Review the pull request")
    assert "${{" not in review["run"]  # untrusted values reach the script through env only


@pytest.fixture
def report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    (tmp_path / "app.py").write_text("import os, pickle\n\ndef run(cmd, blob):\n    os.system(cmd)\n"
                                     "    return pickle.loads(blob)\n")
    assert main(["scan", str(tmp_path / "app.py"), "--format", "json"]) == 1
    path = tmp_path / "secreview.json"
    path.write_text(capsys.readouterr().out)
    return path


def test_gitlab_code_quality_converter(report: Path) -> None:
    (script,) = [s for s in embedded_python() if "gl-code-quality.json" in s]
    subprocess.run([sys.executable, "-"], input=script, text=True, cwd=report.parent, check=True, timeout=60)
    issues = json.loads((report.parent / "gl-code-quality.json").read_text())
    findings = json.loads(report.read_text())["findings"]
    assert len(issues) == len(findings) == 2
    for issue, finding in zip(issues, findings):
        assert issue["check_name"] == finding["rule_id"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"] == {"path": finding["path"], "lines": {"begin": finding["line"]}}
        assert issue["fingerprint"] == finding["fingerprint"]
    assert len({i["fingerprint"] for i in issues}) == 2


def test_zuul_file_comments_converter(report: Path) -> None:
    (script,) = [s for s in embedded_python() if ".comments" in s]
    subprocess.run([sys.executable, "-", str(report)], input=script, text=True, check=True, timeout=60)
    comments = json.loads(Path(str(report) + ".comments").read_text())
    findings = json.loads(report.read_text())["findings"]
    ((path, items),) = comments.items()
    assert path == findings[0]["path"]
    assert [c["line"] for c in items] == [4, 5]
    assert all("Fix:" in c["message"] for c in items)
