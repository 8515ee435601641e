"""Warm runs after an edit re-link only what the edit can change, and report exactly what a cold run reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secreview import api
from secreview.analysis import incremental
from secreview.cli import main
from secreview.run import parallel
from secreview.run.cache import open_cache
from secreview.settings.config import Config

PROJECT = {
    "app/__init__.py": "from app.runner import run_command\n",  # a re-export
    "app/aaa_broken.py": "def (:\n",  # no summary: module positions and summary positions differ
    "app/runner.py": "import os\n\n\ndef run_command(command):\n    os.system(command)\n",
    "app/helpers.py": ("from app import run_command\n\n\n"
                       "def prepare(value):\n    return run_command('echo ' + value)\n\n\n"
                       "def unrelated():\n    return 1\n"),
    "app/models.py": ("import subprocess\n\n\nclass Job:\n    def __init__(self, command):\n        self.command = command\n\n"
                      "    def start(self):\n        subprocess.call(self.command, shell=True)\n"),
    "app/web.py": ("from flask import request\n\nfrom app import helpers\nfrom app.models import Job\n"
                   "from app.extra import later\n\n\n"
                   "def view():\n    helpers.prepare(request.args['q'])\n\n\n"
                   "def job():\n    Job(request.form['cmd']).start()\n\n\n"
                   "def pending():\n    later(request.args['x'])\n"),
    "app/cycle.py": ("import os\nimport sys\n\n\ndef ping(value, n):\n    if n:\n        return pong(value, n - 1)\n"
                     "    os.system(value)\n\n\ndef pong(value, n):\n    return ping(value, n)\n\n\n"
                     "def entry():\n    ping(sys.argv[1], 3)\n"),
    "app/quiet.py": "def add(a, b):\n    return a + b\n",
    "app/base.py": "import os\n\n\nclass Base:\n    def run(self, command):\n        os.system(command)\n",
    "app/api.py": "from app.runner import run_command, execute\n",  # execute does not exist yet
    "app/tasks.py": ("import os\n\n\nclass Task:\n    def __init__(self, command):\n        self.command = command\n\n"
                     "    def start(self):\n        os.popen(self.command)\n"),
    "app/child.py": ("from flask import request\n\nfrom app.base import Base\n\n\nclass Child(Base):\n    pass\n\n\n"
                     "def inherited():\n    Child().run(request.args['b'])\n    Child().stop(request.args['s'])\n\n\n"
                     "def exported():\n    from app import api\n    api.execute(request.args['e'])\n"),
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def report(root: Path, out: Path, *options: str) -> dict:
    status = main(["scan", str(root), "--no-gitignore", "--jobs", "1", "--format", "json", "-o", str(out), *options])
    assert status in (0, 1)
    return json.loads(out.read_text(encoding="utf-8"))


def taint_findings(found: dict) -> list[tuple[str, int, str]]:
    return sorted((Path(f["path"]).name, f["line"], f["rule_id"]) for f in found["findings"]
                  if f["rule_id"].startswith("taint-"))


def warm_equals_cold(root: Path, tmp_path: Path) -> dict:
    warm = report(root, tmp_path / "warm.json", "--cache-dir", str(tmp_path / "cache"))
    cold = report(root, tmp_path / "cold.json", "--no-cache")
    assert warm == cold
    return warm


def test_each_kind_of_edit_gives_the_cold_report(tmp_path: Path, relinks: list[int]) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    first = warm_equals_cold(root, tmp_path)
    assert {("runner.py", 5, "taint-command-injection"), ("models.py", 9, "taint-command-injection"),
            ("cycle.py", 8, "taint-command-injection"), ("base.py", 6, "taint-command-injection")} <= set(
        taint_findings(first)), "the re-exported sink two calls away and the field flow are found"
    assert relinks == []  # nothing to re-link from yet

    edits = [
        # a comment only: the file is reviewed again, nothing else changes
        ("app/quiet.py", PROJECT["app/quiet.py"] + "# a comment\n"),
        # add a flow inside one module
        ("app/quiet.py", "import os\nimport sys\n\n\ndef add(a, b):\n    os.system(sys.argv[1])\n    return a + b\n"),
        # remove the sink at the end of the cross-module chain
        ("app/runner.py", "def run_command(command):\n    return command\n"),
        # put it back
        ("app/runner.py", PROJECT["app/runner.py"]),
        # the field is no longer stored
        ("app/models.py", PROJECT["app/models.py"].replace("self.command = command", "self.command = 'ls'")),
        # rename the function the chain goes through
        ("app/helpers.py", PROJECT["app/helpers.py"].replace("def prepare", "def prepared")),
        ("app/helpers.py", PROJECT["app/helpers.py"]),
        # the package re-exports another function under the same name, then the first again
        ("app/__init__.py", "from app.quiet import add as run_command\n"),
        ("app/__init__.py", PROJECT["app/__init__.py"]),
        # the inherited method is renamed in the base class, then back
        ("app/base.py", PROJECT["app/base.py"].replace("def run", "def start")),
        ("app/base.py", PROJECT["app/base.py"]),
        # an edit inside the recursion cycle
        ("app/cycle.py", PROJECT["app/cycle.py"].replace("os.system(value)", "os.popen(value)")),
    ]
    seen = set()
    for name, text in edits:
        (root / name).write_text(text, encoding="utf-8")
        seen.add(tuple(taint_findings(warm_equals_cold(root, tmp_path))))
    assert len(seen) >= 5, "the edits change what is found"
    assert len(relinks) >= 5, "most single-file edits were re-linked incrementally"
    assert relinks[0] == 0, "a comment changes no function that calls anything"

    (root / "app" / "extra.py").write_text("import os\n\n\ndef later(value):\n    os.system(value)\n")  # resolves
    added = warm_equals_cold(root, tmp_path)
    assert ("extra.py", 5, "taint-command-injection") in taint_findings(added)
    (root / "app" / "extra.py").unlink()  # and a module deleted
    removed = warm_equals_cold(root, tmp_path)
    assert ("extra.py", 5, "taint-command-injection") not in taint_findings(removed)


def test_edits_that_change_only_how_names_resolve_or_who_calls_whom(tmp_path: Path, relinks: list[int]) -> None:
    """Each edit below changes a flow only through a callee name or a caller list, not through a summary read."""
    root = tmp_path / "project"
    write(root, PROJECT)
    before = set(taint_findings(warm_equals_cold(root, tmp_path)))
    steps = [
        # a base class gains the method a subclass instance was called with
        ("app/base.py", PROJECT["app/base.py"] + "\n    def stop(self, command):\n        os.system(command)\n",
         ("base.py", 9, "taint-command-injection")),
        # the module a package re-exports from gains the function called through the package
        ("app/runner.py", PROJECT["app/runner.py"] + "\n\ndef execute(command):\n    os.system(command)\n",
         ("runner.py", 9, "taint-command-injection")),
        # a new caller passes untrusted data to a constructor whose argument a method runs
        ("app/quiet.py", "import sys\n\nfrom app.tasks import Task\n\n\ndef go():\n    Task(sys.argv[1]).start()\n",
         ("tasks.py", 9, "taint-command-injection")),
    ]
    for name, text, appears in steps:
        assert appears not in before
        (root / name).write_text(text, encoding="utf-8")
        found = set(taint_findings(warm_equals_cold(root, tmp_path)))
        assert appears in found
    assert len(relinks) == len(steps), "each was re-linked incrementally"


def test_an_edit_far_from_every_flow_links_only_its_own_functions(tmp_path: Path, relinks: list[int]) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    warm_equals_cold(root, tmp_path)
    (root / "app" / "quiet.py").write_text(PROJECT["app/quiet.py"] + "\n\ndef sub(a, b):\n    return a - b\n")
    warm_equals_cold(root, tmp_path)
    assert relinks == [0], "neither function calls anything: nothing is linked again"
    (root / "app" / "quiet.py").write_text(PROJECT["app/quiet.py"] + "\nimport os\nos.system(cmd)\n")
    warm_equals_cold(root, tmp_path)
    assert relinks[-1] <= 2


def test_an_edit_that_reaches_recursion_links_again_the_functions_that_met_it_not_the_project(
        tmp_path: Path, relinks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    full: list[int] = []  # functions linked by each full link
    original = incremental.full_link

    def spy(*args):  # type: ignore[no-untyped-def]
        linked = original(*args)
        full.append(linked.redone)
        return linked

    monkeypatch.setattr(incremental, "full_link", spy)
    warm_equals_cold(root, tmp_path)
    (root / "app" / "cycle.py").write_text(PROJECT["app/cycle.py"] + "\n\ndef again(v):\n    return ping(v, 2)\n")
    warm_equals_cold(root, tmp_path)
    assert len(full) == 1 and len(relinks) == 1 and 0 < relinks[0] < full[0], \
        "ping and pong met recursion: they and their callers are linked again to a fixed point, the rest kept"
    broken = PROJECT["app/cycle.py"].replace("return ping(value, n)", "return value")
    (root / "app" / "cycle.py").write_text(broken)  # no recursion now, but the last full link met it there
    warm_equals_cold(root, tmp_path)
    assert len(full) == 1 and len(relinks) == 2 and relinks[1] < full[0]


def test_a_changed_file_reviewed_alone_and_an_unchanged_run_reviews_nothing(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    config = Config(gitignore=False)

    def run():  # type: ignore[no-untyped-def]
        cache, warning = open_cache(tmp_path / "cache", config, [str(root)])
        assert cache is not None, warning
        try:
            return api.review_paths([root], config, cache=cache)
        finally:
            cache.close()

    cold = run()
    seen: list[str] = []
    original = parallel.FileReviewer.__call__
    monkeypatch.setattr(parallel.FileReviewer, "__call__", lambda self, path: seen.append(path) or original(self, path))
    assert run() == cold and seen == []
    (root / "app" / "quiet.py").write_text("def add(a, b):\n    return b + a\n")
    warm = run()
    assert [Path(p).name for p in seen] == ["quiet.py"]
    assert warm == api.review_paths([root], config)


def test_project_verdicts_after_an_edit_add_up_kept_tallies_and_explain_only_the_edited_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run after an edit keeps what each unchanged file adds to the project verdicts (its tally), and
    explains again only the edited file's facts; the verdicts are a cold run's, also for a pillar that had
    findings at the last run (no file was tallied for it then) and is clean now."""
    from secreview.review import verdicts

    opened = "def read(p):\n    with open(p) as f:\n        return f.read()\n"
    files = {f"pkg/m{i}.py": opened * (i + 1) for i in range(4)}
    files["pkg/run.py"] = "import os\nimport sys\n\nos.system(sys.argv[1])\n"
    root = tmp_path / "project"
    write(root, files)
    first = warm_equals_cold(root, tmp_path)
    assert any(p["status"] == "findings" and p["pillar"] == "CWE-707" for p in first["pillars"])
    explained: list[str] = []
    original = verdicts._tally
    monkeypatch.setattr(verdicts, "_tally", lambda pillar, facts, test: explained.append(pillar) or original(
        pillar, facts, test))
    steps = [  # (file, text, pillars explained again by the run after the edit)
        ("pkg/m0.py", opened * 5, 9),  # more of the same facts: the file's counts change (9 pillars are clean)
        ("pkg/run.py", "import os\n\nos.system('ls')\n", 10 + 4),  # the only finding of CWE-707 is gone:
        # the edited file's 10 pillars, and CWE-707 of the 4 others, which had no tally for it
        ("pkg/m1.py", "x = 1\n", 10),  # a file's facts are gone
    ]
    for name, text, count in steps:
        (root / name).write_text(text, encoding="utf-8")
        explained.clear()
        warm = report(root, tmp_path / "warm.json", "--cache-dir", str(tmp_path / "cache"))
        assert len(explained) == count
        assert warm == report(root, tmp_path / "cold.json", "--no-cache")
        assert warm["pillars"] != first["pillars"]
    assert next(p for p in warm["pillars"] if p["pillar"] == "CWE-707")["status"] == "clean"
