"""Turn the paths a user named into the Python files to review.

Directories are walked recursively in sorted order (so every run lists files
the same way), skipping what `.gitignore` files along the way ignore (matched
with `pathspec`'s git semantics), the user's `--exclude` globs, and tool
directories that never hold the project's code. A file named explicitly is
always reviewed. Symbolic links are followed only when they stay inside the
named roots, and each real directory is entered once, so a link loop cannot
trap the walk.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pathspec

from secreview.core.model import Diagnostic, DiagnosticKind

ALWAYS_SKIPPED = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".tox", ".nox", ".venv", "venv", "node_modules",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs"}
)


class MissingPath(Exception):
    """A path the user named does not exist (a usage error: exit status 2)."""


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def may_be_python(name: str) -> bool:
    """Whether the walk looks at a file of this name: `.py`/`.pyw`, or no extension (a possible script)."""
    return name.endswith((".py", ".pyw")) or "." not in name


def is_python_script(path: str) -> bool:
    """A file without `.py` whose first line is a python shebang."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(256)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def _spec(patterns: Iterable[str]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


class _Walker:
    """The walk keeps paths as strings: a `Path` per entry (two for its resolved twin) was most of the
    cost of listing a large tree; `Path` is made only where its semantics are needed (resolving links,
    matching ignore patterns)."""

    def __init__(self, roots: Sequence[Path], excludes: Sequence[str], use_gitignore: bool) -> None:
        self.real_roots = [str(r.resolve()) for r in roots]
        self.exclude = _spec(excludes) if excludes else None
        self.use_gitignore = use_gitignore
        self.seen_dirs: set[str] = set()
        self.seen_files: set[str] = set()
        self.result = Discovery()

    def inside_roots(self, real: str) -> bool:
        return any(real == root or real.startswith(root if root.endswith(os.sep) else root + os.sep)
                   for root in self.real_roots)

    def excluded(self, entry: str, is_dir: bool, ignores: list[tuple[Path, pathspec.PathSpec]]) -> bool:
        """Whether the `--exclude` globs or a `.gitignore` on the way leave out the file or directory `entry`."""
        if self.exclude is None and not ignores:
            return False
        path = Path(entry)
        if self.exclude is not None:
            text = path.as_posix() + ("/" if is_dir else "")
            if self.exclude.match_file(text) or self.exclude.match_file(path.name + ("/" if is_dir else "")):
                return True
        absolute = path.absolute()
        for base, spec in ignores:
            try:
                rel = absolute.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + ("/" if is_dir else "")):
                return True
        return False

    def add_file(self, path: str, real: str | None = None) -> None:
        """`real`: the resolved path when the caller knows it (a plain entry of a resolved directory)."""
        try:
            real = real or str(Path(path).resolve(strict=True))
        except (OSError, RuntimeError) as exc:
            kind = DiagnosticKind.SYMLINK_LOOP if _is_loop(exc) else DiagnosticKind.UNREADABLE
            self.result.diagnostics.append(Diagnostic(path, kind, f"cannot resolve path: {exc}"))
            return
        if real in self.seen_files:
            return
        self.seen_files.add(real)
        self.result.files.append(path)

    def walk(self, directory: str, ignores: list[tuple[Path, pathspec.PathSpec]], real: str | None = None) -> None:
        try:
            real = real or str(Path(directory).resolve(strict=True))
        except (OSError, RuntimeError) as exc:
            self.result.diagnostics.append(
                Diagnostic(directory, DiagnosticKind.SYMLINK_LOOP if _is_loop(exc) else DiagnosticKind.UNREADABLE,
                           f"cannot enter directory: {exc}"))
            return
        if real in self.seen_dirs:
            return
        self.seen_dirs.add(real)
        if self.use_gitignore:
            ignore_file = os.path.join(directory, ".gitignore")
            if os.path.isfile(ignore_file):
                try:
                    lines = Path(ignore_file).read_text("utf-8", errors="replace").splitlines()
                    ignores = [*ignores, (Path(directory).absolute(), _spec(lines))]
                except OSError:
                    pass
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self.result.diagnostics.append(
                Diagnostic(directory, DiagnosticKind.UNREADABLE, f"cannot list directory: {exc.strerror or exc}"))
            return
        for entry in entries:
            name = entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()  # follows links
                is_file = entry.is_file()
            except OSError as exc:
                if _is_loop(exc):
                    self.result.diagnostics.append(
                        Diagnostic(entry.path, DiagnosticKind.SYMLINK_LOOP, "symbolic link loop; not followed"))
                else:
                    self.result.diagnostics.append(Diagnostic(entry.path, DiagnosticKind.UNREADABLE, str(exc)))
                continue
            if is_file and not is_dir and not may_be_python(name):
                continue  # not Python by name, and not a possible script: most entries of a tree
            path = name if directory == "." else entry.path  # as `Path` spells it: no "./" in front
            if is_link:
                try:
                    target = str(Path(path).resolve(strict=True))
                except (OSError, RuntimeError) as exc:
                    if _is_loop(exc):
                        self.result.diagnostics.append(
                            Diagnostic(entry.path, DiagnosticKind.SYMLINK_LOOP, "symbolic link loop; not followed"))
                    continue  # a dangling link is not a file to review
                if not self.inside_roots(target):
                    continue  # never leave the trees the user named
            if is_dir:
                if name in ALWAYS_SKIPPED or self.excluded(path, True, ignores):
                    continue
                # Below a resolved directory, an entry that is not a link resolves to itself: no
                # per-entry realpath (a dozen system calls each on deep trees).
                self.walk(path, ignores, None if is_link else os.path.join(real, name))
            elif is_file:
                if self.excluded(path, False, ignores):
                    continue
                if name.endswith((".py", ".pyw")) or is_python_script(path):
                    self.add_file(path, None if is_link else os.path.join(real, name))


def _is_loop(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP


def discover(paths: Sequence[str], excludes: Sequence[str] = (), use_gitignore: bool = True) -> Discovery:
    """Files to review under `paths`, in a stable order; raises MissingPath."""
    roots = [Path(p) for p in paths]
    for root in roots:
        if not os.path.lexists(root):
            raise MissingPath(f"no such file or directory: {root}")
    walker = _Walker(roots, excludes, use_gitignore)
    for root in roots:
        ignores = _parent_gitignores(root) if use_gitignore else []
        if root.is_dir():
            walker.walk(str(root), ignores)
        elif root.is_file():
            walker.add_file(str(root))  # named explicitly: reviewed whatever its name
        else:
            try:
                root.resolve(strict=True)
                walker.result.diagnostics.append(
                    Diagnostic(str(root), DiagnosticKind.UNREADABLE, "not a regular file or directory"))
            except (OSError, RuntimeError) as exc:
                kind = DiagnosticKind.SYMLINK_LOOP if _is_loop(exc) else DiagnosticKind.UNREADABLE
                walker.result.diagnostics.append(Diagnostic(str(root), kind, f"cannot resolve path: {exc}"))
    return walker.result


def _parent_gitignores(root: Path) -> list[tuple[Path, pathspec.PathSpec]]:
    """`.gitignore` files above a named path, up to the top of its git repository."""
    start = root.absolute()
    chain: list[Path] = []
    for directory in start.parents:
        chain.append(directory)
        if (directory / ".git").exists():
            break
    else:
        return []  # not inside a repository: no outer .gitignore applies
    found: list[tuple[Path, pathspec.PathSpec]] = []
    for directory in reversed(chain):
        ignore_file = directory / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text("utf-8", errors="replace").splitlines()
            except OSError:
                continue
            found.append((directory, _spec(lines)))
    return found


@lru_cache(maxsize=4096)
def _package_of(directory: str) -> str:
    """Dotted package name of a directory, following __init__.py files upward."""
    parts: list[str] = []
    current = os.path.abspath(directory)
    while os.path.isfile(os.path.join(current, "__init__.py")):
        parts.append(os.path.basename(current))
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return ".".join(reversed(parts))


def module_name(path: str) -> str:
    """`src/pkg/sub/mod.py` -> 'pkg.sub.mod' (used to resolve relative imports)."""
    directory, base = os.path.split(path)
    stem = base[:-3] if base.endswith(".py") else base
    package = _package_of(directory or ".")
    if stem == "__init__":
        return package
    return f"{package}.{stem}" if package else stem
