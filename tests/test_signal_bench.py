"""The parts of bench/signal_noise.py that need no network: matching sdists, rates, the sample, readings."""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

import pytest
from bench_scripts import BENCH, load

sys.path.insert(0, str(BENCH))  # as when the script runs: it shares bench/speed.py's line count
bench = load("signal_noise.py", "signal_noise")


def finding(n: int, rule: str = "secret-in-log", path: str = "p-1/m.py", confidence: str = "high") -> dict:
    return {"rule_id": rule, "path": path, "line": n, "message": f"m{n}", "source_line": f"x = {n}",
            "confidence": confidence, "severity": "medium", "fingerprint": f"{n:064x}"}


def test_projects_leave_out_the_packages_kept_aside() -> None:
    names = {bench._normal(req.partition("==")[0]) for req in bench.PROJECTS.values()}
    assert len(names) >= 6
    assert not names & {"requests", "jinja2", "paramiko"}
    assert all("==" in req for req in bench.PROJECTS.values())


def test_archive_for_matches_pip_normalised_names_and_the_version(tmp_path: Path) -> None:
    archives = [tmp_path / "ansible_core-2.17.5.tar.gz", tmp_path / "SQLAlchemy-2.0.30.tar.gz",
                tmp_path / "SQLAlchemy-2.0.31.tar.gz"]
    assert bench.archive_for("ansible-core==2.17.5", archives) == archives[0]
    assert bench.archive_for("sqlalchemy==2.0.31", archives) == archives[2]
    assert bench.archive_for("flask==3.0.3", archives) is None


def test_fetch_unpacks_a_downloaded_archive_once_without_the_network(tmp_path: Path) -> None:
    source = tmp_path / "flask-3.0.3"
    source.mkdir()
    (source / "app.py").write_text("x = 1\n")
    (tmp_path / "work" / "downloads").mkdir(parents=True)
    with tarfile.open(tmp_path / "work" / "downloads" / "flask-3.0.3.tar.gz", "w:gz") as tar:
        tar.add(source, arcname="flask-3.0.3")
    top = bench.fetch(tmp_path / "work", "flask==3.0.3")
    assert top == tmp_path / "work" / "src" / "flask-3.0.3"
    assert (top / "app.py").read_text() == "x = 1\n"


def test_non_blank_lines_skip_whitespace_only_lines_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n\n   \n\ty = 2\n")
    assert bench.non_blank_lines([str(tmp_path / "a.py"), str(tmp_path / "gone.py")]) == 2
    assert bench.reviewed_files({"files": [{"path": "p/a.py"}]}, tmp_path) == [str(tmp_path / "p" / "a.py")]


def test_rates_are_per_10k_non_blank_lines_per_rule_and_project() -> None:
    found = {"a": [finding(1), finding(2), finding(3, rule="weak-hash")], "b": [finding(4)]}
    table = bench.rates(found, {"a": 20000, "b": 20000})
    assert table["per_10k"] == 1.0
    assert table["projects"]["a"] == {"lines": 20000, "findings": 3, "per_10k": 1.5}
    assert table["rules"]["secret-in-log"] == {"findings": 3, "per_10k": 0.75}
    assert list(table["rules"]) == ["secret-in-log", "weak-hash"]
    assert "0.75 /10k" in bench.format_rates(table)


def test_sample_is_bounded_fixed_and_independent_of_order() -> None:
    found = [finding(n) for n in range(100)]
    first = bench.sample("a", found, per_project=40)
    again = bench.sample("a", list(reversed(found)), per_project=40)
    assert len(first) == 40 and first == again
    assert len({e["fingerprint"] for e in first}) == 40
    assert set(first[0]) == set(bench.SAMPLE_FIELDS)
    assert bench.sample("a", found, per_project=40, seed=14) != first
    assert len(bench.sample("a", found[:5], per_project=40)) == 5


def test_load_readings_rejects_unknown_verdicts_and_missing_reasons(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    assert bench.load_readings(path) == {}
    path.write_text(json.dumps({"f": {"verdict": "maybe", "reason": "x"}}))
    with pytest.raises(ValueError, match="verdict"):
        bench.load_readings(path)
    path.write_text(json.dumps({"f": {"verdict": "real", "reason": " "}}))
    with pytest.raises(ValueError, match="reason"):
        bench.load_readings(path)


def test_tally_counts_read_findings_per_axis_and_the_unread_share() -> None:
    entries = [bench.sample_entry("a", finding(1)), bench.sample_entry("a", finding(2, confidence="low")),
               bench.sample_entry("b", finding(3, rule="weak-hash")), bench.sample_entry("b", finding(4))]
    readings = {f"{1:064x}": {"verdict": "real", "reason": "r"}, f"{2:064x}": {"verdict": "wrong", "reason": "w"},
                f"{3:064x}": {"verdict": "wrong", "reason": "w"}}
    result = bench.tally(entries, readings)
    assert result["unread"] == 1 and result["unread_share"] == 0.25
    assert result["overall"] == {"real": 1, "debatable": 0, "wrong": 2}
    assert result["rule"]["secret-in-log"] == {"real": 1, "debatable": 0, "wrong": 1}
    assert result["confidence"]["low"] == {"real": 0, "debatable": 0, "wrong": 1}
    assert result["project"]["b"] == {"real": 0, "debatable": 0, "wrong": 1}
    assert result["rules_more_wrong_than_right"] == ["weak-hash"]
    assert result["real_or_debatable_share"] == pytest.approx(1 / 3, abs=0.001)
    assert "unread 1 (25%)" in bench.format_tally(result)


def test_the_committed_reading_file_is_valid() -> None:
    assert isinstance(bench.load_readings(bench.DEFAULT_READINGS), dict)


def test_normalise_sorts_the_reading_file(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"b": {"verdict": "real", "reason": "x"}, "a": {"verdict": "wrong", "reason": "y"}}))
    bench.main(["--workdir", str(tmp_path), "--readings", str(path), "--normalise"])
    assert list(json.loads(path.read_text())) == ["a", "b"]
