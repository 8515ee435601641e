"""bench/speed.py refuses to time warm runs after a cold run that timed out on some file.

A file stopped at the per-file time budget is not cacheable, so the project row is not kept
either, and the next "warm" run links the whole project: timing it as a warm run would lie.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest
from bench_scripts import load

speed = load("speed.py", "speed_bench")


def _report(path: Path, kinds: list[str]) -> None:
    diagnostics = [{"path": f"pkg/m{i}.py", "kind": kind, "message": "", "line": None} for i, kind in enumerate(kinds)]
    path.write_text(json.dumps({"findings": [], "pillars": [], "diagnostics": diagnostics}), "utf-8")


def test_timed_out_lists_the_files_with_a_timeout_diagnostic(tmp_path: Path) -> None:
    _report(tmp_path / "r.json", ["syntax-error", "timeout", "timeout"])
    assert speed._timed_out(tmp_path / "r.json") == ["pkg/m1.py", "pkg/m2.py"]
    _report(tmp_path / "clean.json", ["syntax-error"])
    assert speed._timed_out(tmp_path / "clean.json") == []
    assert speed._timed_out(tmp_path / "missing.json")  # no report: not trusted either


@pytest.mark.parametrize("timeout", [True, False])
def test_warm_runs_are_timed_only_after_a_cold_run_without_timeouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     timeout: bool) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    for i in range(3):
        (root / f"m{i}.py").write_text(f"x = {i}\n", "utf-8")
    timed: list[str] = []

    def fake_measure(tool: str, command: list[str], cwd: object = None, note: str = "",
                     env: object = None) -> object:
        timed.append(tool)
        if "-o" in command:
            _report(Path(command[command.index("-o") + 1]), ["timeout"] if timeout and "all cores" in tool else [])
        return speed.Run(tool, 0.1, 1.0, 0, note, 0.1)

    monkeypatch.setattr(speed, "measure", fake_measure)
    args = argparse.Namespace(skip_peers=True, semgrep_rules=None)
    build = speed.Build("source", sys.executable, {})
    (tmp_path / "work").mkdir()
    corpus = speed.bench_corpus("nova", root, tmp_path / "work", args, [build])
    warm = [tool for tool in timed if "warm" in tool]
    assert warm == ([] if timeout else ["secreview warm unchanged", "secreview warm one edit"])
    checked = speed.targets(corpus, [build])
    assert checked["warm one edit < 0.7 s"]["met"] is (not timeout)
    if timeout:
        assert checked["warm one edit < 0.7 s"]["measured"] is None
        assert "time budget" in str(checked["warm one edit < 0.7 s"]["note"])
    assert (root / "m1.py").read_text("utf-8") == "x = 1\n"  # the edited file is restored
