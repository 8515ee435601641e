"""Unpack a source archive (sdist, wheel, zip of a repository) safely into a directory of ours.

The archive comes from anywhere (a package index, a vendor), so it is read as
hostile input:

* no member may land outside the directory: absolute names, drive letters and
  `..` components make the whole archive refused, as a crafted archive does;
* no link is created (symbolic or hard, so nothing later written or read can
  be redirected through one) and no device, FIFO or other special file: they
  are skipped and counted, and the file a link names is still reviewed under
  its own name when it is in the archive;
* bounds against archive bombs, checked on the sizes the archive declares
  *before* anything is decompressed, and again on the bytes actually written:
  the total unpacked size, the number of members, and the ratio of unpacked to
  archive size once the total is large;
* files are created with `O_EXCL | O_NOFOLLOW` and our own modes (no setuid
  bit, no owner, no time stamps from the archive).

Only regular files come out (those the caller wants: a review reads Python
files and their configuration), in the directories they need. Every
problem (a corrupt or truncated archive, a bound exceeded, a member that cannot
be written) raises `ArchiveError` with a one-line reason, recorded for that
project alone.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

try:
    import lzma
except ImportError:  # pragma: no cover - Python built without liblzma: .tar.xz then fails as unreadable
    lzma = None  # type: ignore[assignment]

TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")
ZIP_SUFFIXES = (".zip", ".whl")
SUFFIXES = TAR_SUFFIXES + ZIP_SUFFIXES
_CHUNK = 1 << 20
# What a corrupt, truncated, encrypted or oddly compressed archive raises while it is read.
_READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError, EOFError, ValueError, RuntimeError, NotImplementedError, tarfile.TarError, zipfile.BadZipFile,
    zipfile.LargeZipFile, zlib.error, *((lzma.LZMAError,) if lzma is not None else ()))


class ArchiveError(Exception):
    """The archive cannot be unpacked safely; the message says why."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one archive may unpack to (see the module docstring)."""

    max_bytes: int = 1 << 30  # declared and written, over all members
    max_members: int = 200_000
    max_ratio: float = 100.0  # unpacked / archive size, ...
    ratio_floor: int = 32 << 20  # ... checked once the unpacked total is over this (small text compresses well)


@dataclass(frozen=True)
class Unpacked:
    files: int  # regular files written
    skipped: int  # links and special files left out
    root: str | None  # the archive's only top-level entry when it is a directory (every sdist), else None


def is_archive(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def stem(name: str) -> str:
    """`requests-2.31.0.tar.gz` -> `requests-2.31.0`."""
    lower = name.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def unpack(archive: Path, into: Path, limits: Limits = Limits(), wanted: Callable[[str], bool] | None = None
           ) -> Unpacked:
    """Unpack `archive` into the existing empty directory `into`. Raises ArchiveError.

    `wanted(file name)` says which regular files to write (all by default).
    Directories are made where a file is written (an empty directory changes
    nothing a review reads, and each costs a system call to make and remove).
    """
    try:
        size = archive.stat().st_size
        writer = _Writer(into, size, limits, wanted)
        if archive.name.lower().endswith(ZIP_SUFFIXES):
            return writer.zip(archive)
        return writer.tar(archive)
    except ArchiveError:
        raise
    except _READ_ERRORS as exc:
        raise ArchiveError(f"cannot unpack the archive: {type(exc).__name__}: {exc}") from exc


def member_path(name: str) -> PurePosixPath | None:
    """The relative path a member may be written to; None for the archive's root itself.

    Raises ArchiveError for a name that would leave the directory.
    """
    if "\x00" in name:
        raise ArchiveError(f"unsafe member name {name!r} (NUL byte)")
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(f"unsafe member {name!r}: absolute path")
    parts = [p for p in path.parts if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveError(f"unsafe member {name!r}: leaves the archive with '..'")
    return PurePosixPath(*parts) if parts else None


class _Writer:
    def __init__(self, into: Path, archive_size: int, limits: Limits, wanted: Callable[[str], bool] | None) -> None:
        self.into = into.resolve()
        self.wanted = wanted
        self.made: set[Path] = set()  # directories made so far
        self.tops: dict[str, bool] = {}  # top-level entry -> whether it is a directory
        self.archive_size = max(archive_size, 1)
        self.limits = limits
        self.declared = 0
        self.written = 0
        self.members = 0
        self.files = 0
        self.skipped = 0

    # -- bounds ------------------------------------------------------------------------------------------
    def count(self, declared: int) -> None:
        """Account for one member before its data is touched."""
        self.members += 1
        self.declared += max(declared, 0)
        if self.members > self.limits.max_members:
            raise ArchiveError(f"more than {self.limits.max_members:,} members; refusing (archive bomb?)")
        self._check(self.declared, "declares")

    def _check(self, total: int, verb: str) -> None:
        if total > self.limits.max_bytes:
            raise ArchiveError(f"{verb} more than {self.limits.max_bytes:,} unpacked bytes; refusing (archive bomb?)")
        if total > self.limits.ratio_floor and total / self.archive_size > self.limits.max_ratio:
            raise ArchiveError(f"{verb} {total:,} bytes from a {self.archive_size:,}-byte archive, a ratio over "
                               f"{self.limits.max_ratio:g}; refusing (archive bomb?)")

    # -- writing -----------------------------------------------------------------------------------------
    def place(self, name: str, is_dir: bool) -> PurePosixPath | None:
        """A member's relative path (None for the archive's root itself), noting its top-level entry."""
        relative = member_path(name)
        if relative is not None:
            top = relative.parts[0]
            self.tops[top] = self.tops.get(top, False) or is_dir or len(relative.parts) > 1
        return relative

    def file(self, relative: PurePosixPath, source: IO[bytes]) -> None:
        if self.wanted is not None and not self.wanted(relative.name):
            return
        target = self._target(relative)
        if target.parent not in self.made:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.made.add(target.parent)
        if target.is_dir():
            raise ArchiveError(f"member {relative.as_posix()!r} is both a directory and a file")
        target.unlink(missing_ok=True)  # a repeated member replaces the earlier one, as tar does
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(target, flags, 0o600), "wb") as out:
            while True:
                chunk = source.read(_CHUNK)
                if not chunk:
                    break
                self.written += len(chunk)
                self._check(self.written, "unpacks")  # declared sizes can lie
                out.write(chunk)
        self.files += 1

    def result(self) -> Unpacked:
        tops = list(self.tops.items())
        root = tops[0][0] if len(tops) == 1 and tops[0][1] else None
        return Unpacked(self.files, self.skipped, root)

    def _target(self, relative: PurePosixPath) -> Path:
        target = self.into.joinpath(*relative.parts)
        # Defence in depth: with `..` refused and no link ever created, this cannot fail.
        if os.path.commonpath([self.into, os.path.abspath(target)]) != str(self.into):
            raise ArchiveError(f"unsafe member {relative.as_posix()!r}")
        return target

    # -- formats -----------------------------------------------------------------------------------------
    def tar(self, archive: Path) -> Unpacked:
        with tarfile.open(archive, "r:*") as tar:
            for member in _tar_members(tar):
                self.count(member.size if member.isfile() else 0)
                relative = self.place(member.name, member.isdir())
                if relative is None or member.isdir():
                    continue
                if member.isfile():  # regular files only (REGTYPE, AREGTYPE, CONTTYPE)
                    handle = tar.extractfile(member)
                    if handle is None:  # pragma: no cover - isfile() members always have data
                        continue
                    with handle:
                        self.file(relative, handle)
                else:  # symbolic and hard links, devices, FIFOs
                    self.skipped += 1
        return self.result()

    def zip(self, archive: Path) -> Unpacked:
        with zipfile.ZipFile(archive) as bundle:
            infos = bundle.infolist()
            for info in infos:  # every bound is checked on the central directory before any data is read
                self.count(0 if info.is_dir() else info.file_size)
            for info in infos:
                relative = self.place(info.filename, info.is_dir())
                if relative is None or info.is_dir():
                    continue
                kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver did not record a Unix mode
                if kind and kind != stat.S_IFREG:  # a symbolic link or special file made on Unix
                    self.skipped += 1
                else:
                    with bundle.open(info) as handle:
                        self.file(relative, handle)
        return self.result()


def _tar_members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Members one at a time, so that bounds are checked before a huge member's data is skipped over."""
    while True:
        member = tar.next()
        if member is None:
            return
        yield member


def review_root(into: Path, unpacked: Unpacked) -> Path:
    """What to review in an unpacked archive: its one top-level directory (every sdist), else all of it.

    The first is what `secreview scan TOP` reviews where the archive was unpacked, with
    TOP's own pyproject.toml; the second what `secreview scan .` reviews in it. Decided on
    every member, written or not (TOP is made if none of its files was written).
    """
    if unpacked.root is None:
        return into
    top = into / unpacked.root
    top.mkdir(mode=0o700, exist_ok=True)
    return top


_remover: ThreadPoolExecutor | None = None
_removals: list[Future[None]] = []


def remove(directory: Path) -> None:
    """Remove an unpacked archive in the background: on some file systems removing a few hundred
    directories takes seconds, which the driver need not wait for (`removed` waits)."""
    global _remover
    if _remover is None:
        _remover = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secreview-remove")
    _removals.append(_remover.submit(shutil.rmtree, directory, ignore_errors=True))


def removed() -> None:
    """Wait until every directory given to `remove` is gone."""
    while _removals:
        _removals.pop().result()
