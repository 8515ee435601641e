"""Which files a scan reviews."""

from __future__ import annotations

import os

import pytest

from secreview.core.model import DiagnosticKind
from secreview.sources.discover import MissingPath, discover


def names(found) -> list[str]:
    return [os.path.relpath(p) if os.path.isabs(p) else p for p in found.files]


def test_python_files_and_shebang_scripts(tmp_path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "tool").write_text("#!/usr/bin/env python3\nprint(1)\n")
    (tmp_path / "notes.txt").write_text("#!/usr/bin/env python3\n")
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "b.py").write_text("y = 2\n")
    found = discover([str(tmp_path)])
    assert [os.path.basename(p) for p in found.files] == ["a.py", "b.py", "tool"]


def test_gitignore_and_excludes(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n*_pb2.py\n")
    for rel in ("app.py", "build/gen.py", "proto_pb2.py", "migrations/0001.py", "sub/keep.py"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    (tmp_path / "sub" / ".gitignore").write_text("keep.py\n")
    found = discover([str(tmp_path)], excludes=["migrations/"])
    assert [os.path.basename(p) for p in found.files] == ["app.py"]
    everything = discover([str(tmp_path)], use_gitignore=False)
    assert len(everything.files) == 5


def test_gitignore_of_enclosing_repository_applies_to_a_subdirectory(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "src" / "generated").mkdir(parents=True)
    (tmp_path / "src" / "generated" / "g.py").write_text("x = 1\n")
    (tmp_path / "src" / "m.py").write_text("x = 1\n")
    found = discover([str(tmp_path / "src")])
    assert [os.path.basename(p) for p in found.files] == ["m.py"]


def test_named_file_is_always_reviewed(tmp_path) -> None:
    path = tmp_path / "script_without_suffix"
    path.write_text("x = 1\n")
    assert discover([str(path)]).files == [str(path)]


def test_missing_path_is_a_usage_error(tmp_path) -> None:
    with pytest.raises(MissingPath):
        discover([str(tmp_path / "nope")])


def test_symlink_loop_is_not_followed_forever(tmp_path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    os.symlink(tmp_path, tmp_path / "loop")
    os.symlink(tmp_path / "self1", tmp_path / "self2")
    os.symlink(tmp_path / "self2", tmp_path / "self1")
    found = discover([str(tmp_path)])
    assert [os.path.basename(p) for p in found.files] == ["a.py"]
    assert any(d.kind is DiagnosticKind.SYMLINK_LOOP for d in found.diagnostics)


def test_symlink_outside_the_roots_is_not_followed(tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("x = 1\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    os.symlink(outside, root / "link")
    os.symlink(outside / "secret.py", root / "linked.py")
    found = discover([str(root)])
    assert [os.path.basename(p) for p in found.files] == ["a.py"]


def test_same_file_named_twice_is_reviewed_once(tmp_path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    assert len(discover([str(tmp_path), str(tmp_path / "a.py")]).files) == 1



@pytest.mark.parametrize(("root", "expected"), [
    (".", ["pkg/a.py", "pkg/sub/b.py"]),
    ("./", ["pkg/a.py", "pkg/sub/b.py"]),
    ("pkg/", ["pkg/a.py", "pkg/sub/b.py"]),
    ("pkg//sub/..", ["pkg/sub/../a.py", "pkg/sub/../sub/b.py"]),
])
def test_paths_are_spelled_as_pathlib_spells_them(tmp_path, monkeypatch, root: str, expected: list[str]) -> None:
    """Reports and the cache key files by these strings: no "./" in front, no doubled or trailing slash."""
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    for name in ("pkg/a.py", "pkg/sub/b.py", "pkg/sub/c.txt"):
        (tmp_path / name).write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    assert discover([root]).files == [os.path.join(*p.split("/")) for p in expected]
