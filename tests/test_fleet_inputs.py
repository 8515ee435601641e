"""The fleet's inputs, without Ray: safe unpacking of hostile archives, project names, @FILE lists, batches."""

from __future__ import annotations

import io
import os
import stat
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

from secreview.fleet import archives
from secreview.fleet.archives import ArchiveError, Limits, unpack
from secreview.fleet.prepare import ArchiveInput, ConfigSource, DirectoryInput, ProjectError
from secreview.fleet.projects import ARCHIVE, DIRECTORY, ProjectListError, projects


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def regular(name: str, data: bytes = b"x = 1\n") -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def special(name: str, kind: bytes, target: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


# -- unpacking -------------------------------------------------------------------------------------------------


def test_sdist_unpacks_regular_files_and_directories_only(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "pkg-1.0.tar.gz", [
        regular("pkg-1.0/pkg/__init__.py", b""),
        regular("pkg-1.0/pkg/mod.py"),
        special("pkg-1.0/link.py", tarfile.SYMTYPE, "/etc/passwd"),
        special("pkg-1.0/hard.py", tarfile.LNKTYPE, "pkg-1.0/pkg/mod.py"),
        special("pkg-1.0/dev", tarfile.CHRTYPE),
        special("pkg-1.0/fifo", tarfile.FIFOTYPE),
    ])
    into = tmp_path / "out"
    into.mkdir()
    result = unpack(archive, into)
    assert (result.files, result.skipped) == (2, 4)
    assert listing(into) == ["pkg-1.0", "pkg-1.0/pkg", "pkg-1.0/pkg/__init__.py", "pkg-1.0/pkg/mod.py"]
    assert not any(p.is_symlink() for p in into.rglob("*"))
    mode = (into / "pkg-1.0/pkg/mod.py").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600  # our mode, never the archive's (no setuid, no world-writable)
    assert result.root == "pkg-1.0" and archives.review_root(into, result) == into / "pkg-1.0"


def test_only_what_a_review_reads_is_written(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "odd.tar.gz", [regular("odd-1.0/pkg/mod.py"), regular("odd-1.0/docs/index.rst"),
                                                 regular("odd-1.0/bin/tool"), regular("setup.cfg")])
    into = tmp_path / "out"
    into.mkdir()
    result = unpack(archive, into, wanted=lambda name: name.endswith(".py") or "." not in name)
    assert listing(into) == ["odd-1.0", "odd-1.0/bin", "odd-1.0/bin/tool", "odd-1.0/pkg", "odd-1.0/pkg/mod.py"]
    assert result.root is None  # two top-level entries, though one was not written
    assert archives.review_root(into, result) == into

    data = make_tar(tmp_path / "data-1.0.tar.gz", [regular("data-1.0/notes.txt")])
    into = tmp_path / "data"
    into.mkdir()
    result = unpack(data, into, wanted=lambda name: name.endswith(".py"))
    assert (result.files, result.root, listing(into)) == (0, "data-1.0", [])
    assert archives.review_root(into, result) == into / "data-1.0" and (into / "data-1.0").is_dir()


@pytest.mark.parametrize("name", ["../evil.py", "pkg/../../evil.py", "/tmp/evil.py", "C:/evil.py"])
def test_a_member_that_would_escape_refuses_the_archive(tmp_path: Path, name: str) -> None:
    archive = make_tar(tmp_path / "bad.tar.gz", [regular("ok.py"), regular(name)])
    into = tmp_path / "out"
    into.mkdir()
    with pytest.raises(ArchiveError, match="unsafe member"):
        unpack(archive, into)
    assert not (tmp_path / "evil.py").exists()


def test_member_names() -> None:
    assert archives.member_path("./pkg//mod.py").as_posix() == "pkg/mod.py"
    assert archives.member_path("./") is None
    for name in ("a/\x00b.py", "\\server\\x.py", "..", "a/../../b"):
        with pytest.raises(ArchiveError, match="unsafe member"):
            archives.member_path(name)


def test_zip_traversal_and_symlinks(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as bundle:
        bundle.writestr("../../evil.py", "x = 1\n")
    into = tmp_path / "a"
    into.mkdir()
    with pytest.raises(ArchiveError, match="leaves the archive"):
        unpack(bad, into)

    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as bundle:
        bundle.writestr("pkg/__init__.py", "")
        link = zipfile.ZipInfo("pkg/link.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        bundle.writestr(link, "/etc/passwd")
        bundle.writestr("pkg-1.0.dist-info/RECORD", "")
    into = tmp_path / "b"
    into.mkdir()
    result = unpack(wheel, into)
    assert (result.files, result.skipped) == (2, 1)
    assert listing(into) == ["pkg", "pkg-1.0.dist-info", "pkg-1.0.dist-info/RECORD", "pkg/__init__.py"]
    assert archives.review_root(into, result) == into  # several top-level entries: the whole of it


def test_bombs_are_refused_before_their_data_is_read(tmp_path: Path) -> None:
    big = b"\0" * (2 << 20)  # compresses to a few kilobytes
    archive = make_tar(tmp_path / "bomb.tar.gz", [regular(f"m{i}.py", big) for i in range(3)])
    for limits, reason in [
        (Limits(max_bytes=5 << 20), "more than 5,242,880 unpacked bytes"),
        (Limits(max_ratio=50, ratio_floor=1 << 20), "a ratio over 50"),
        (Limits(max_members=2), "more than 2 members"),
    ]:
        into = tmp_path / f"out-{limits.max_members}-{limits.max_ratio}"
        into.mkdir()
        with pytest.raises(ArchiveError, match=reason):
            unpack(archive, into, limits)
        assert sum(p.stat().st_size for p in into.rglob("*") if p.is_file()) <= 4 << 20  # stopped early

    zipped = tmp_path / "bomb.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("a.py", big * 2)
    into = tmp_path / "zip-out"
    into.mkdir()
    with pytest.raises(ArchiveError, match="ratio"):
        unpack(zipped, into, Limits(max_ratio=50, ratio_floor=1 << 20))
    assert listing(into) == []  # zip bounds are checked on the central directory, before any member


@pytest.mark.parametrize("content", [b"", b"not an archive at all", b"\x1f\x8b\x08\x00garbage"])
def test_corrupt_archives_are_errors_not_crashes(tmp_path: Path, content: bytes) -> None:
    for name in ("x.tar.gz", "x.zip"):
        archive = tmp_path / name
        archive.write_bytes(content)
        into = tmp_path / f"out-{name}"
        into.mkdir()
        with pytest.raises(ArchiveError, match="cannot unpack"):
            unpack(archive, into)


def test_truncated_tar_is_an_error(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "t.tar.gz", [regular(f"pkg/m{i}.py", os.urandom(50_000)) for i in range(4)])
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    into = tmp_path / "out"
    into.mkdir()
    with pytest.raises(ArchiveError, match="cannot unpack"):
        unpack(archive, into)


# -- projects ----------------------------------------------------------------------------------------------------


def test_names_kinds_lists_and_collisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for directory in ("a/src", "b/src", "summary", "my project"):
        (tmp_path / directory).mkdir(parents=True)
    (tmp_path / "lib-2.0.tar.gz").write_bytes(b"")
    (tmp_path / "list.txt").write_text("# the second batch\n\nb/src\nlib-2.0.tar.gz\n  a/src  \n")
    found = projects(["a/src", "@list.txt", "summary", "my project", str(tmp_path / "a/src")])
    assert [p.given for p in found] == ["a/src", "b/src", "lib-2.0.tar.gz", "summary", "my project"]
    assert [p.kind for p in found] == [DIRECTORY, DIRECTORY, ARCHIVE, DIRECTORY, DIRECTORY]
    names = [p.name for p in found]
    assert names[2:] != [] and names[2] == "lib-2.0" and names[4] == "my_project"
    assert names[0].startswith("src-") and names[1].startswith("src-") and names[0] != names[1]
    assert names[3].startswith("summary-")  # never DIR/summary.json
    assert projects(["b/src", "a/src"])[1].name == names[0]  # the same name whatever the order


def test_bad_lists_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(ProjectListError, match="cannot read the project list"):
        projects([f"@{tmp_path / 'missing.txt'}"])
    (tmp_path / "empty.txt").write_text("# nothing\n")
    with pytest.raises(ProjectListError, match="no project"):
        projects([f"@{tmp_path / 'empty.txt'}"])


# -- preparation on the driver -------------------------------------------------------------------------------------


def test_batches_cut_by_bytes_in_discovery_order(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"m{i}.py").write_text(f"x = {i}\n" + "#" * 100 + "\n")
    project = projects([str(tmp_path)])[0]
    prepared = DirectoryInput(project, ConfigSource(), None).prepare()
    assert [f.path for f in prepared.todo] == [str(tmp_path / f"m{i}.py") for i in range(5)]
    sizes = [len(f.data) for f in prepared.todo]
    batches = prepared.batches(max_bytes=2 * sizes[0])
    assert [[f.index for f in b] for b in batches] == [[0, 1], [2, 3], [4]]
    assert [[f.index for f in b] for b in prepared.batches(max_bytes=1)] == [[i] for i in range(5)]


def test_directory_key_follows_content_and_options(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    project = projects([str(tmp_path)])[0]
    key = DirectoryInput(project, ConfigSource(), None).key()
    assert key == DirectoryInput(project, ConfigSource(), None).key()
    assert key != DirectoryInput(project, ConfigSource(overrides={"select": ("CWE-78",)}), None).key()
    (tmp_path / "a.py").write_text("x = 2\n")
    assert key != DirectoryInput(project, ConfigSource(), None).key()


def test_archive_paths_are_member_names_and_config_comes_from_the_archive(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "app-1.0.tar.gz", [
        regular("app-1.0/pyproject.toml", b'[tool.secreview]\nexclude = ["skip/"]\n'),
        regular("app-1.0/app/__init__.py", b""),
        regular("app-1.0/app/main.py"),
        regular("app-1.0/skip/gen.py"),
        regular("app-1.0/app/bad.py", b"\xff\xfe\x00\x00"),
    ])
    project = projects([str(archive)])[0]
    prepared = ArchiveInput(project, ConfigSource()).prepare()
    assert prepared.paths == ["app-1.0/app/__init__.py", "app-1.0/app/bad.py", "app-1.0/app/main.py"]
    assert [(f.path, f.module) for f in prepared.todo if f.path.endswith("main.py")] == [
        ("app-1.0/app/main.py", "app.main")]
    assert prepared.config.exclude == ("skip/",)
    archives.removed()
    assert not list(Path(tempfile.gettempdir()).glob("secreview-fleet-*/app-1.0"))  # removed


def test_unreadable_or_unsafe_projects_are_project_errors(tmp_path: Path) -> None:
    missing = projects([str(tmp_path / "gone.tar.gz")])[0]
    with pytest.raises(ProjectError, match="cannot read"):
        ArchiveInput(missing, ConfigSource()).key()
    unsafe = make_tar(tmp_path / "evil.tar.gz", [regular("../x.py")])
    with pytest.raises(ProjectError, match="unsafe member"):
        ArchiveInput(projects([str(unsafe)])[0], ConfigSource()).prepare()
    nowhere = projects([str(tmp_path / "no-such-dir")])[0]
    with pytest.raises(ProjectError, match="no such file"):
        DirectoryInput(nowhere, ConfigSource(), None).key()
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf/pyproject.toml").write_text("[tool.secreview]\nselect = ['no-such-rule']\n")
    with pytest.raises(ProjectError, match="unknown rule"):
        DirectoryInput(projects([str(tmp_path / "conf")])[0], ConfigSource(), None).key()


def test_without_ray_the_command_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from secreview.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if it were not installed
    (tmp_path / "p").mkdir()
    assert main(["fleet", str(tmp_path / "p"), "-d", str(tmp_path / "out")]) == 2
    assert "secreview fleet needs Ray: pip install 'secreview[fleet]'" in capsys.readouterr().err
