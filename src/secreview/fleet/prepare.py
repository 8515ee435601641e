"""The driver's part of a project: configuration, discovery, reading, the input key, the batches.

Workers never touch the file system of the projects: the driver (where the
directories and archives are) discovers each project's files exactly as
`secreview scan` does, reads their bytes and computes their module names,
and ships the bytes through the Ray object store. A worker on any machine of
a cluster therefore reviews exactly what the driver saw, and the input key
that makes a run resumable is computed from those same bytes.

Paths in the reports:

* a directory project's files are named as `secreview scan PROJECT` names
  them from the same working directory (the PROJECT argument as given, then
  the path below it);
* an archive project's files are named by their member names
  (`requests-2.31.0/src/requests/api.py`), as scanning the archive unpacked
  in the working directory names them. An archive with one top-level
  directory (every sdist) is reviewed as `secreview scan TOP`, with TOP's own
  `pyproject.toml`; any other archive (a wheel) as `secreview scan .` run in
  a directory named after the archive (`pkg-1.0-py3-none-any`) holding its
  members. The configuration never comes from outside the archive.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secreview.core.model import Diagnostic
from secreview.fleet import archives
from secreview.fleet.projects import ARCHIVE, Project
from secreview.run.analyze import unreviewed
from secreview.run.cache import fingerprint, open_cache
from secreview.run.results import FileResult, content_digest
from secreview.settings.config import Config, ConfigError
from secreview.settings.config import load as load_config
from secreview.sources.discover import MissingPath, discover, may_be_python, module_name
from secreview.sources.parse import read_file

if TYPE_CHECKING:
    from secreview.run.cache import Cache, Lookup

BATCH_BYTES = 2_000_000  # of source per task: about two seconds of review on one core


class ProjectError(Exception):
    """This project cannot be reviewed; the message says why (recorded as its `error`)."""


@dataclass(frozen=True)
class ConfigSource:
    """How each project's configuration is made: as `secreview scan PROJECT` makes it.

    `explicit` is `--config`; `overrides` are the options given on the command
    line, in `Config.merged` form. Otherwise each project's own `[tool.secreview]`
    applies (see the module docstring for archives).
    """

    explicit: Path | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def for_directory(self, start: Path) -> Config:
        return self._checked(load_config(start, self.explicit).merged(**self.overrides))

    def for_archive(self, root: Path) -> Config:
        own = root / "pyproject.toml"
        base = Config()
        if self.explicit is not None or own.is_file():
            base = load_config(None, self.explicit or own)
        return self._checked(base.merged(**self.overrides))

    def base(self) -> Config:
        """The configuration before any project's own: what an archive's key is made from."""
        base = load_config(None, self.explicit) if self.explicit is not None else Config()
        return self._checked(base.merged(**self.overrides))

    @staticmethod
    def _checked(config: Config) -> Config:
        from secreview.rules import unknown_selectors

        unknown = unknown_selectors([*config.select, *config.ignore])
        if unknown:
            raise ConfigError(f"unknown rule or CWE in select/ignore: {', '.join(unknown)}")
        return config


@dataclass(frozen=True)
class SourceFile:
    """One file to review on a worker: its bytes and everything the review needs besides them."""

    index: int  # position in the project's discovery order
    path: str  # as the reports name it
    module: str
    data: bytes
    size: int = -1  # the file's status when read, for the cache
    mtime_ns: int = -1
    inode: int = -1


@dataclass
class Prepared:
    """A project ready to be handed to Ray."""

    project: Project
    config: Config
    paths: list[str]  # every file, in discovery order, as the reports name them
    done: list[tuple[int, FileResult]]  # results the driver has already: cache hits, files it could not read
    todo: list[SourceFile]
    diagnostics: tuple[Diagnostic, ...]  # from discovery
    seconds: float  # spent here, on the driver
    cache: Cache | None = None
    lookup: Lookup | None = None
    cached: int = 0  # results found in the per-file cache


    @property
    def size(self) -> int:
        return sum(len(f.data) for f in self.todo)

    def batches(self, max_bytes: int = BATCH_BYTES) -> list[list[SourceFile]]:
        """Files in discovery order, cut into runs of about `max_bytes` (at least one file each)."""
        batches: list[list[SourceFile]] = []
        current: list[SourceFile] = []
        filled = 0
        for item in self.todo:
            if current and filled + len(item.data) > max_bytes:
                batches.append(current)
                current, filled = [], 0
            current.append(item)
            filled += len(item.data)
        if current or not batches:
            batches.append(current)
        return batches


class Caches:
    """One per-file result cache per distinct configuration (the cache key holds the rule selection)."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self.warnings: list[str] = []
        self._open: dict[str, Cache | None] = {}

    def get(self, config: Config, project: str) -> Cache | None:
        key = fingerprint(config)
        if key not in self._open:
            cache, warning = open_cache(self.directory, config, [project])
            self._open[key] = cache
            self._warn(warning)
        return self._open[key]

    def close(self) -> None:
        for cache in self._open.values():
            if cache is not None:
                for warning in cache.warnings:
                    self._warn(warning)
                cache.close()
        self._open.clear()

    def _warn(self, warning: str | None) -> None:
        if warning and warning not in self.warnings:
            self.warnings.append(warning)


def input_key(parts: Iterable[str]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def _config_parts(config: Config, source: ConfigSource) -> list[str]:
    """What besides the files decides a project's reports: engine, rule selection, discovery options."""
    return [fingerprint(config), repr(config.exclude), repr(config.gitignore), repr(sorted(source.overrides.items()))]


class DirectoryInput:
    """A directory (or one file), reviewed as `secreview scan PROJECT` reviews it."""

    def __init__(self, project: Project, source: ConfigSource, caches: Caches | None) -> None:
        self.project = project
        self.source = source
        self.caches = caches
        self.started = time.monotonic()
        self._found: tuple[Config, list[str], list[str], tuple[Diagnostic, ...]] | None = None
        self._reads: list[tuple[bytes, os.stat_result] | Diagnostic] | None = None
        self._cache: Cache | None = None

    def key(self) -> str | None:
        """The input key: None when some file cannot be read (such a project is never reused)."""
        config, paths, modules, diagnostics = self._discovered()
        if self._cache is not None:
            digests = self._cache.digests(paths)
        else:
            self._reads = [read_file(path, config.max_file_size) for path in paths]
            digests = [None if isinstance(r, Diagnostic) else content_digest(r[0]) for r in self._reads]
        if any(d is None for d in digests):
            return None
        files = [f"{p}\0{m}\0{d}" for p, m, d in zip(paths, modules, digests)]
        return input_key([*_config_parts(config, self.source), *files, *map(repr, diagnostics)])

    def prepare(self) -> Prepared:
        config, paths, modules, diagnostics = self._discovered()
        cache, lookup = self._cache, None
        done: list[tuple[int, FileResult]] = []
        todo_indexes = range(len(paths))
        reads = self._reads
        if cache is not None:
            lookup = cache.lookup(paths)
            done.extend(lookup.hits.items())
            todo_indexes, reads = lookup.misses, None
        todo = []
        for index in todo_indexes:
            read = reads[index] if reads is not None else read_file(paths[index], config.max_file_size)
            if isinstance(read, Diagnostic):
                done.append((index, FileResult(unreviewed(paths[index], read))))
                continue
            data, status = read
            todo.append(SourceFile(index, paths[index], modules[index], data, status.st_size, status.st_mtime_ns,
                                   status.st_ino))
        self._reads = None
        return Prepared(self.project, config, paths, done, todo, diagnostics, time.monotonic() - self.started,
                        cache, lookup, len(lookup.hits) if lookup is not None else 0)

    def _discovered(self) -> tuple[Config, list[str], list[str], tuple[Diagnostic, ...]]:
        if self._found is None:
            given = self.project.given
            try:
                config = self.source.for_directory(Path(given))
                found = discover([given], config.exclude, config.gitignore)
            except (ConfigError, MissingPath) as exc:
                raise ProjectError(str(exc)) from exc
            if self.caches is not None:
                self._cache = self.caches.get(config, given)
            self._found = (config, found.files, [module_name(p) for p in found.files], tuple(found.diagnostics))
        return self._found


class ArchiveInput:
    """A source archive, unpacked on the driver into a temporary directory that is removed once read."""

    def __init__(self, project: Project, source: ConfigSource, limits: archives.Limits = archives.Limits()) -> None:
        self.project = project
        self.source = source
        self.limits = limits
        self.started = time.monotonic()

    def key(self) -> str:
        """From the archive's bytes: a resumed run skips an unchanged archive without unpacking it."""
        digest = hashlib.blake2b(digest_size=20)
        try:
            with open(self.project.given, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            base = self.source.base()
            explicit = self.source.explicit.read_bytes().hex() if self.source.explicit is not None else ""
        except (OSError, ConfigError) as exc:
            raise ProjectError(f"cannot read {self.project.given}: {getattr(exc, 'strerror', None) or exc}") from exc
        return input_key([*_config_parts(base, self.source), explicit, digest.hexdigest()])

    def prepare(self) -> Prepared:
        temp = Path(tempfile.mkdtemp(prefix="secreview-fleet-"))
        try:
            into = temp / (archives.stem(os.path.basename(self.project.given)) or "archive")
            into.mkdir()
            try:
                unpacked = archives.unpack(Path(self.project.given), into, self.limits, _read_by_review)
                root = archives.review_root(into, unpacked)
                config = self.source.for_archive(root)
            except (archives.ArchiveError, ConfigError) as exc:
                raise ProjectError(str(exc)) from exc
            found = discover([str(root)], config.exclude, config.gitignore)
            base = str(into) + os.sep
            paths = [_relative(p, base) for p in found.files]
            done: list[tuple[int, FileResult]] = []
            todo = []
            for index, (real, path) in enumerate(zip(found.files, paths)):
                read = read_file(real, config.max_file_size)
                if isinstance(read, Diagnostic):
                    done.append((index, FileResult(unreviewed(path, _moved(read, base)))))
                else:
                    todo.append(SourceFile(index, path, module_name(real), read[0]))
            diagnostics = tuple(_moved(d, base) for d in found.diagnostics)
        finally:
            archives.remove(temp)
        return Prepared(self.project, config, paths, done, todo, diagnostics, time.monotonic() - self.started)


def _read_by_review(name: str) -> bool:
    """The files of an archive that a review can read: what discovery may pick, and its configuration.
    The rest (documentation, data, C sources) is not written to disk at all."""
    return may_be_python(name) or name in (".gitignore", "pyproject.toml")


def _relative(path: str, base: str) -> str:
    return Path(path[len(base):]).as_posix() if path.startswith(base) else path


def _moved(diagnostic: Diagnostic, base: str) -> Diagnostic:
    """A diagnostic about a file of the unpacked archive, naming it by its member name."""
    return Diagnostic(_relative(diagnostic.path, base), diagnostic.kind, diagnostic.message.replace(base, ""),
                      diagnostic.line)


def project_input(project: Project, source: ConfigSource, caches: Caches | None,
                  limits: archives.Limits = archives.Limits()) -> DirectoryInput | ArchiveInput:
    """Archives are never looked up in the per-file cache: their files have no stable place on disk to stat,
    and an unchanged archive is skipped whole by the resumed run."""
    if project.kind == ARCHIVE:
        return ArchiveInput(project, source, limits)
    return DirectoryInput(project, source, caches)
