"""The few git commands review mode needs, run without a shell and without touching the repository.

* the diff: `git diff` with options that make its output independent of the
  user's configuration (no external diff driver, no textconv filter, no
  colour, fixed `a/` `b/` prefixes, rename detection on);
* the content the diff describes, when it is not the working tree (a
  revision, or the index for `--staged`): the Python files are written to a
  temporary directory with `git checkout-index`; for a revision through a
  temporary index file, so the user's index is never modified.

Nothing the repository contains is executed: git is called with an argument
list, and a revision that looks like an option is refused.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from secreview.core.model import Diagnostic, DiagnosticKind
from secreview.sources.diff import ChangeError

_DIFF_OPTIONS = ("--no-ext-diff", "--no-textconv", "--no-color", "-M", "--src-prefix=a/", "--dst-prefix=b/")


def run(args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, stdin: bytes | None = None) -> bytes:
    """stdout of `git ARGS`; any failure becomes a ChangeError carrying git's own message."""
    environment = {**os.environ, **(env or {}), "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd, env=environment, input=stdin,
                              capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise ChangeError("git is not installed or not on PATH") from exc
    except OSError as exc:
        raise ChangeError(f"cannot run git in {cwd}: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChangeError(f"git {args[0]} failed: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout


def toplevel(cwd: Path) -> Path:
    """The root of the work tree `cwd` is in."""
    return Path(run(["rev-parse", "--show-toplevel"], cwd).decode("utf-8", "surrogateescape").strip())


def _check_revision(revision: str) -> None:
    if not revision.strip() or revision.startswith("-"):
        raise ChangeError(f"not a revision or range: {revision!r}")


def diff(cwd: Path, rev_range: str | None = None, staged: bool = False) -> str:
    """`git diff RANGE` (RANGE against the work tree when it names one revision) or `git diff --cached`."""
    args = ["diff", *_DIFF_OPTIONS]
    if staged:
        args.append("--cached")
    if rev_range is not None:
        _check_revision(rev_range)
        args.append(rev_range)
    args.append("--")
    return run(args, cwd).decode("utf-8", "surrogateescape")


def new_side(rev_range: str) -> str | None:
    """The revision whose content a range's diff describes; None when it is the work tree.

    `A..B` and `A...B` end at B (HEAD when empty); a single revision is
    compared with the work tree, as `git diff A` does.
    """
    for separator in ("...", ".."):
        if separator in rev_range:
            end = rev_range.split(separator, 1)[1]
            return end or "HEAD"
    return None


def snapshot(cwd: Path, dest: Path, revision: str | None, wanted: Callable[[str], bool]) -> list[Diagnostic]:
    """Write the files `wanted` accepts, as in `revision` (or in the index when None), under `dest`.

    A file git cannot write (a name the file system refuses, say) must not
    stop the review of the others: the failure becomes a diagnostic, and a
    changed file that is missing from `dest` is reported as not in the tree.
    """
    env: dict[str, str] = {}
    if revision is not None:
        _check_revision(revision)
        env["GIT_INDEX_FILE"] = str((dest.parent / f"{dest.name}.index").absolute())
        run(["read-tree", f"{revision}^{{tree}}"], cwd, env)
    listed = run(["ls-files", "-z", "--cached"], cwd, env).split(b"\0")
    chosen = [name for name in listed if name and wanted(name.decode("utf-8", "surrogateescape"))]
    dest.mkdir(parents=True, exist_ok=True)
    if not chosen:
        return []
    prefix = str(dest.absolute()) + os.sep
    try:
        run(["checkout-index", "-z", "--stdin", f"--prefix={prefix}"], cwd, env, stdin=b"\0".join(chosen) + b"\0")
    except ChangeError as exc:
        return [Diagnostic("", DiagnosticKind.UNREADABLE, f"some files could not be read from git: {exc}")]
    return []
