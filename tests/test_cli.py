"""The command line through its real entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from secreview.cli import main
from secreview.core.model import NO_DEFECTS

VULNERABLE = "import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
CLEAN = "import json\n\ndef load(text):\n    return json.loads(text)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(VULNERABLE)
    (tmp_path / "good.py").write_text(CLEAN)
    return tmp_path


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "secreview", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, input=stdin, timeout=60)


def test_findings_exit_1_and_text_report(project: Path) -> None:
    result = run_cli("scan", str(project))
    assert result.returncode == 1, result.stderr
    assert "CWE-707 Improper Neutralization" in result.stdout
    assert "CWE-78" in result.stdout and "bad.py:4" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour in a pipe
    assert result.stderr == ""


def test_clean_file_exit_0_with_exact_sentence(project: Path) -> None:
    result = run_cli("scan", str(project / "good.py"))
    assert result.returncode == 0
    assert NO_DEFECTS in result.stdout.splitlines()


def test_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("scan", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_nothing_reviewable_exit_2(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def (:\n")
    result = run_cli("scan", str(tmp_path))
    assert result.returncode == 2
    assert "syntax-error" in result.stdout


def test_bad_file_does_not_stop_the_others(project: Path) -> None:
    (project / "binary.py").write_bytes(b"\x00\x01\x02")
    (project / "latin.py").write_bytes(b"x = '\xe9'\n")
    result = run_cli("scan", str(project), "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert {d["kind"] for d in data["diagnostics"]} == {"binary-file", "encoding-error"}
    assert [f["rule_id"] for f in data["findings"]] == ["command-injection-shell"]


def test_output_file_and_formats(project: Path) -> None:
    for fmt in ("json", "sarif", "markdown", "text"):
        out = project / f"report.{fmt}"
        result = run_cli("scan", str(project / "bad.py"), "--format", fmt, "--output", str(out))
        assert result.returncode == 1
        assert result.stdout == ""
        content = out.read_text()
        if fmt in ("json", "sarif"):
            json.loads(content)
        assert "CWE-78" in content or "cwe-78" in content


def test_output_never_overwrites_a_reviewed_file(project: Path) -> None:
    before = (project / "bad.py").read_text()
    result = run_cli("scan", str(project / "bad.py"), "--output", str(project / "bad.py"))
    assert result.returncode == 2
    assert (project / "bad.py").read_text() == before


def test_thresholds(project: Path) -> None:
    assert run_cli("scan", str(project), "--min-confidence", "high").returncode == 0
    assert run_cli("scan", str(project), "--min-severity", "high").returncode == 1
    data = json.loads(run_cli("scan", str(project), "--min-confidence", "high", "--format", "json").stdout)
    assert data["summary"]["below_threshold"] == 1 and data["verdict"] == NO_DEFECTS


def test_select_and_ignore(project: Path) -> None:
    assert run_cli("scan", str(project), "--ignore", "command-injection-shell").returncode == 0
    assert run_cli("scan", str(project), "--ignore", "CWE-707").returncode == 0
    assert run_cli("scan", str(project), "--select", "CWE-78").returncode == 1
    bad = run_cli("scan", str(project), "--select", "no-such-rule")
    assert bad.returncode == 2 and "no-such-rule" in bad.stderr


def test_pyproject_configuration_and_option_override(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.secreview]\nignore = ["command-injection-shell"]\n')
    assert run_cli("scan", ".", cwd=project).returncode == 0
    (project / "pyproject.toml").write_text('[tool.secreview]\nexclude = ["bad.py"]\n')
    assert run_cli("scan", ".", cwd=project).returncode == 0
    (project / "pyproject.toml").write_text('[tool.secreview]\nmin-severity = "critical"\n')
    assert run_cli("scan", ".", cwd=project).returncode == 0
    assert run_cli("scan", ".", "--min-severity", "low", cwd=project).returncode == 1
    (project / "pyproject.toml").write_text('[tool.secreview]\nunknown-key = 1\n')
    result = run_cli("scan", ".", cwd=project)
    assert result.returncode == 2 and "unknown-key" in result.stderr


def test_rules_and_explain() -> None:
    listing = run_cli("rules")
    assert listing.returncode == 0
    assert "command-injection-shell" in listing.stdout and "CWE-78" in listing.stdout
    explained = run_cli("explain", "yaml-unsafe-load")
    assert explained.returncode == 0
    for heading in ("## What it does", "## Why is this bad", "## Example", "## Use instead"):
        assert heading in explained.stdout
    assert run_cli("explain", "nope").returncode == 2


def test_console_script_entry_point(project: Path) -> None:
    assert main(["scan", str(project / "good.py"), "--format", "json", "--output", str(project / "o.json")]) == 0


def test_color_only_when_asked(project: Path) -> None:
    coloured = run_cli("scan", str(project / "bad.py"), "--color", "always")
    assert "\x1b[" in coloured.stdout


def test_output_to_a_device_writes_through_it_and_never_replaces_it(tmp_path: Path) -> None:
    # `-o /dev/null` as root renamed a temporary file over the device; a FIFO stands in for it here.
    import os
    import stat
    import threading

    source = tmp_path / "a.py"
    source.write_text("import os\nos.system(input())\n")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code = main(["scan", str(source), "--format", "json", "--no-cache", "-o", str(fifo)])
    reader.join(10)
    assert code == 1
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b'"findings"' in received[0]
