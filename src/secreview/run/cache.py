"""A persistent cache of per-file results, so a re-run redoes only what changed.

Storage is one SQLite database (stdlib `sqlite3`, WAL mode) in the user cache
directory (`platformdirs`) or `--cache-dir`; it is never created inside the
reviewed tree unless `--cache-dir` puts it there. Two tables, one row per file:

- `stats`: absolute path -> (size, mtime_ns, inode) at the time the file was
  read, and the content digest it had. A file whose status is unchanged is
  not even read on the next run. A file modified within `RACY_NS` of being
  read may change again within the same timestamp tick, so its status is not
  trusted and its content is hashed again (git's "racy clean" rule).
- `results`: key -> pickled `FileResult` (the `FileReview` plus registered
  per-file pass results such as taint summaries, see `secreview.run.filepasses`).
  The key hashes the content digest, the path as reported (findings carry
  it), the module name (relative imports resolve through it), and the run's
  fingerprint: secreview's version, a digest of the package's own source files
  (so editing a rule invalidates results even without a version bump), the
  Python version (the `ast` differs between versions), the rule selection,
  thresholds, size limit and per-file passes.
- `projects`: per set of reviewed roots, the project's verdicts and what the
  project-level pass (cross-module taint) found, with the key of the file set
  they came from; `project_files` beside it, the file reviews after that pass,
  one row per file (in order), so a run after an edit rewrites only the rows of
  the reviews that changed: a run where nothing changed loads these rows.
- `links`: beside it, the record of how the project was linked
  (`secreview.analysis.incremental.LinkState`), so a run after an edit reviews
  the edited files and re-links only the flows the edit can change; its facts
  (which entries of the link read what) in `link_facts`, one row per fact, read
  only for the facts an edit changed.

Every write is one short transaction of upserts; SQLite's locking makes
concurrent runs on the same database safe. A cache that cannot be opened,
is corrupt or stays locked is reported as a warning and the run continues
without it: the cache can make a run faster, never make it fail.

Rows are unpickled with a restricted unpickler that only builds secreview's
own dataclasses and enums and plain containers, so a cache file planted by
someone else cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, is_dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secreview.core.model import FileReview, PillarVerdict
from secreview.core.version import __version__
from secreview.run import filepasses
from secreview.run.results import FileResult, content_digest
from secreview.settings.config import Config

if TYPE_CHECKING:  # imported when a file must be looked up: a run where nothing changed never needs them
    from secreview.analysis.incremental import LinkState
    from secreview.review.verdicts import FileTallies

SCHEMA = 1
RACY_NS = 2_000_000_000  # timestamps this close to the moment of reading are not trusted
MAX_AGE_NS = 30 * 24 * 3600 * 1_000_000_000  # rows older than this are pruned (once a day)
_BATCH = 500  # SQLite host parameters per statement, well under every build's limit
_PACKAGE = Path(__file__).resolve().parents[1]  # secreview/, whose code the digest covers (this is run/cache.py)
# What decides a result: the code, the CWE catalogue (.json) and the taint specs (rules/specs/*.toml).
_CODE_SUFFIXES = (".py", ".json", ".toml")


class CacheUnavailable(Exception):
    """The cache could not be used; the message says why (shown as a warning)."""


def default_directory() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("secreview", appauthor=False))


def _code_digest() -> str:
    """A digest of secreview's own code and data: any edit to a rule or to a spec changes it."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and path.is_file():
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(config: Config) -> str:
    """Everything besides a file's content and path that a per-file result depends on."""
    parts = [
        f"schema={SCHEMA}",
        f"secreview={__version__}",
        f"code={_code_digest()}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"select={sorted(config.select)}",
        f"ignore={sorted(config.ignore)}",
        f"thresholds={int(config.min_severity)},{int(config.min_confidence)}",
        f"max_file_size={config.max_file_size}",
        f"include_tests={config.include_tests}",  # test modules get the taint pass only with it
        f"passes={[(p.name, p.version) for p in filepasses.registered()]}",
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


class _Unpickler(pickle.Unpickler):
    """Builds only secreview's dataclasses and enums, plus builtin containers."""

    # (module, name) -> the class, for names already allowed: a warm run unpickles each file's
    # review on its own (over 1,500 on Nova), and each asks again for the same few classes.
    _allowed: dict[tuple[str, str], object] = {}

    def find_class(self, module: str, name: str) -> object:
        found = self._allowed.get((module, name))
        if found is not None:
            return found
        if module == "secreview" or module.startswith("secreview."):
            found = super().find_class(module, name)
            if isinstance(found, type) and (is_dataclass(found) or issubclass(found, Enum)):
                self._allowed[(module, name)] = found
                return found
        if module == "builtins" and name in ("frozenset", "set", "complex", "slice", "range"):
            found = self._allowed[(module, name)] = super().find_class(module, name)
            return found
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the cache")


def _loads_any(payload: bytes) -> object:
    try:
        return _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # a damaged or foreign row is a miss, not an error
        return None


def _loads(payload: bytes) -> FileResult | None:
    value = _loads_any(payload)
    return value if isinstance(value, FileResult) else None


@dataclass(frozen=True)
class ProjectRow:
    """What a run where no file changed returns as it is: every file's review and the project verdicts."""

    files: tuple[FileReview, ...]
    verdicts: tuple[PillarVerdict, ...]
    digests: tuple[str, ...] = ()  # of each file reviewed, for the next run to see which changed
    found: dict = field(default_factory=dict)  # the cross-module taint findings, by path
    pickled: tuple[bytes, ...] = field(default=(), compare=False, repr=False)  # each file as stored
    tallies: bytes = field(default=b"", compare=False, repr=False)  # what each file adds to the verdicts, pickled
    key: str = field(default="", compare=False, repr=False)  # of the file set, as stored

    def file_tallies(self) -> list[FileTallies] | None:
        """What each file adds to the project verdicts (`review.verdicts.project_verdicts`), as stored.

        Decoded only when asked: a run after an edit adds up the tallies of the files it did
        not review again instead of explaining their facts again; a run where nothing changed
        uses the stored verdicts.
        """
        value = _loads_any(self.tallies) if self.tallies else None
        if not isinstance(value, list) or len(value) != len(self.files) or \
                not all(isinstance(tally, dict) for tally in value):
            return None
        return value


@dataclass(frozen=True)
class _StoredProject:
    """A `ProjectRow` as stored in `projects`; its file reviews are the `project_files` rows, each
    pickled on its own, so a run after an edit pickles and writes only the reviews that changed."""

    count: int  # of files
    verdicts: tuple[PillarVerdict, ...]
    digests: tuple[str, ...]
    found: dict
    tallies: bytes

    def decoded(self, blobs: list[bytes], key: str) -> ProjectRow | None:
        if not (isinstance(self.count, int) and isinstance(self.verdicts, tuple) and isinstance(self.digests, tuple)
                and isinstance(self.found, dict) and isinstance(self.tallies, bytes)
                and all(isinstance(v, PillarVerdict) for v in self.verdicts)) or len(blobs) != self.count:
            return None
        files = tuple(_loads_any(blob) if isinstance(blob, bytes) else None for blob in blobs)
        if not all(isinstance(f, FileReview) for f in files):
            return None
        return ProjectRow(files, self.verdicts, self.digests, self.found, tuple(blobs),  # type: ignore[arg-type]
                          self.tallies, key)


@dataclass
class Lookup:
    """The outcome of asking the cache about a list of files."""

    hits: dict[int, FileResult] = field(default_factory=dict)  # position in the list -> cached result
    misses: list[int] = field(default_factory=list)
    sizes: dict[int, int] = field(default_factory=dict)  # position -> size in bytes, for scheduling
    _refresh: list[tuple[str, int, int, int, str]] = field(default_factory=list)  # stats rows to rewrite


class Cache:
    """One open cache database for one fingerprint. Use `open_cache` to get one."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.warnings: list[str] = []
        self._identified: tuple[tuple[str, ...], Any] | None = None
        try:
            self._db = sqlite3.connect(str(path), timeout=10.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(
                """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS stats (
                    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                    inode INTEGER NOT NULL, checked_ns INTEGER NOT NULL, digest TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS results (
                    key TEXT PRIMARY KEY, payload BLOB NOT NULL, stored_ns INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS projects (
                    scope TEXT PRIMARY KEY, key TEXT NOT NULL, payload BLOB NOT NULL, stored_ns INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS project_files (
                    scope TEXT NOT NULL, position INTEGER NOT NULL, payload BLOB NOT NULL,
                    PRIMARY KEY (scope, position));
                CREATE TABLE IF NOT EXISTS links (
                    scope TEXT PRIMARY KEY, key TEXT NOT NULL, payload BLOB NOT NULL, stored_ns INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS link_facts (
                    scope TEXT NOT NULL, fact TEXT NOT NULL, stamp TEXT NOT NULL, ids BLOB NOT NULL,
                    PRIMARY KEY (scope, fact));
                """
            )
            self._prune()
        except sqlite3.Error as exc:
            raise CacheUnavailable(f"cannot use the cache {path}: {exc}") from exc

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass

    # -- keys ----------------------------------------------------------------
    def key(self, path: str, digest: str) -> str:
        from secreview.sources.discover import module_name

        text = f"{self.fingerprint}\0{path}\0{module_name(path)}\0{digest}"
        return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()

    # -- reading -------------------------------------------------------------
    def lookup(self, paths: Sequence[str]) -> Lookup:
        """Which files have a cached result. Unchanged files (same size, mtime, inode) are not read."""
        found = Lookup()
        digests, found.sizes, found._refresh, unreadable = self._digests(paths)
        found.misses.extend(unreadable)  # the review reports why they cannot be read
        keys = {index: self.key(paths[index], digest) for index, digest in digests.items()}
        payloads = dict(self._select("SELECT key, payload FROM results WHERE key IN", list(keys.values())))
        for index, key in keys.items():
            payload = payloads.get(key)
            result = _loads(payload) if payload is not None else None
            if result is None:
                found.misses.append(index)
            else:
                found.hits[index] = result
        found.misses.sort()
        return found

    def _digests(self, paths: Sequence[str]) -> tuple[dict[int, str], dict[int, int], list, list[int]]:
        """Content digest of each file (from `stats` when its status is unchanged), sizes, stats rows
        to refresh, and the files that cannot be read. Remembered for the same list within a run."""
        if self._identified is not None and self._identified[0] == tuple(paths):
            return self._identified[1]
        digests: dict[int, str] = {}
        sizes: dict[int, int] = {}
        refresh: list[tuple[str, int, int, int, str]] = []
        unreadable: list[int] = []
        absolute = [os.path.abspath(p) for p in paths]
        rows = self._select("SELECT path, size, mtime_ns, inode, checked_ns, digest FROM stats WHERE path IN",
                            absolute)
        known = {row[0]: row[1:] for row in rows}
        for index, (path, full) in enumerate(zip(paths, absolute)):
            try:
                status = os.stat(path)
            except OSError:
                unreadable.append(index)
                continue
            sizes[index] = status.st_size
            row = known.get(full)
            signature = (status.st_size, status.st_mtime_ns, status.st_ino)
            if row is not None and row[:3] == signature and status.st_mtime_ns + RACY_NS < row[3]:
                digests[index] = row[4]
                continue
            digest = _digest_of(path)
            if digest is None:
                unreadable.append(index)
                continue
            digests[index] = digest
            refresh.append((full, *signature, digest))
        answer = (digests, sizes, refresh, unreadable)
        self._identified = (tuple(paths), answer)
        return answer

    def _select(self, query: str, values: list[str]) -> list[tuple]:
        rows: list[tuple] = []
        for start in range(0, len(values), _BATCH):
            chunk = values[start:start + _BATCH]
            marks = ",".join("?" * len(chunk))
            found = self._fetch(f"{query} ({marks})", chunk)
            if found is None:
                return []
            rows.extend(found)
        return rows

    def _fetch(self, query: str, values: Sequence[str]) -> list[tuple[Any, ...]] | None:
        """The rows of one query; None (and a warning) when the cache cannot be read."""
        try:
            return self._db.execute(query, values).fetchall()
        except sqlite3.Error as exc:
            self._warn(f"cannot read the cache {self.path}: {exc}; reviewing without it")
            return None

    # -- writing -------------------------------------------------------------
    def store(self, paths: Sequence[str], results: Iterable[FileResult], lookup: Lookup | None = None) -> None:
        """Record new results (and refreshed file status) in one transaction."""
        now = time.time_ns()
        stats = [(*row, now) for row in (lookup._refresh if lookup else ())]
        rows = []
        for path, result in zip(paths, results):
            if not result.cacheable:
                continue
            try:
                payload = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
            except Exception:  # a per-file pass returned something that cannot be stored: just not cached
                continue
            stats.append((os.path.abspath(path), result.size, result.mtime_ns, result.inode, result.digest, now))
            rows.append((self.key(path, result.digest or ""), payload, now))
        if not stats and not rows:
            return
        try:
            with self._transaction():
                self._db.executemany(
                    "INSERT OR REPLACE INTO stats (path, size, mtime_ns, inode, digest, checked_ns)"
                    " VALUES (?, ?, ?, ?, ?, ?)", stats)
                self._db.executemany("INSERT OR REPLACE INTO results (key, payload, stored_ns) VALUES (?, ?, ?)",
                                     rows)
        except sqlite3.Error as exc:
            self._warn(f"cannot write the cache {self.path}: {exc}; results of this run are not cached")

    # -- project-level results -------------------------------------------------
    def digests(self, paths: Sequence[str]) -> list[str | None]:
        """Each file's content digest (from `stats` when its status is unchanged); None if unreadable."""
        digests = self._digests(paths)[0]
        return [digests.get(i) for i in range(len(paths))]

    def result(self, path: str, digest: str) -> FileResult | None:
        """The cached result of one file with content `digest`, or None."""
        rows = self._select("SELECT key, payload FROM results WHERE key IN", [self.key(path, digest)])
        return _loads(rows[0][1]) if rows else None

    def unchanged_project(self, roots: Sequence[str], paths: Sequence[str]) -> ProjectRow | None:
        """The whole project's file reviews and verdicts when no file changed since the last run over `roots`.

        Decided from file status and digests alone, so a run where nothing changed
        loads one row instead of every file's result. Files whose status could not be
        trusted (touched, or written just before they were read) get their status
        recorded again, so the next run does not read them again.
        """
        digests, _, refresh, unreadable = self._digests(paths)
        if unreadable:
            return None
        key = self._project_key(paths, [digests[i] for i in range(len(paths))])
        if key is None:
            return None
        row = self._project(self._scope(roots), key)
        if row is not None and refresh:
            self.store([], [], Lookup(_refresh=refresh))
        return row

    def previous_project(self, roots: Sequence[str]) -> tuple[ProjectRow, LinkState | None] | None:
        """The last run over `roots` and the record of the last full link (None if not kept)."""
        scope = self._scope(roots)
        row = self._project(scope)
        if row is None:
            return None
        from secreview.analysis.incremental import Edges, LinkState

        links = self._select("SELECT key, payload FROM links WHERE scope IN", [scope])
        stored = _loads_any(links[0][1]) if links else None
        if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], str)
                and isinstance(stored[1], LinkState) and isinstance(stored[1].parents, Edges)):
            return row, None
        stamp, state = stored
        state.facts = _StoredFacts(self, scope, stamp)
        return row, state

    def store_project(self, roots: Sequence[str], paths: Sequence[str], digests: Sequence[str | None],
                      files: tuple[FileReview, ...], verdicts: tuple[PillarVerdict, ...], found: dict,
                      state: LinkState | None, full: bool = True, previous: ProjectRow | None = None,
                      tallies: Sequence[FileTallies] = ()) -> None:
        """Keep a project result for the next run over `roots`, and after a `full` link its record `state`.

        Not kept when some file may come out differently next time (its digest is None). A file
        review that is the very object of the `previous` row keeps its stored bytes. `tallies`
        (one per file) are what each file adds to the `verdicts`, for the next run after an edit.
        """
        key = self._project_key(paths, digests)
        if key is None:
            return
        scope, now = self._scope(roots), time.time_ns()
        old = previous.files if previous is not None and len(previous.pickled) == len(previous.files) else ()
        try:  # each file's blob: the previous row's bytes for the very same review, else pickled now
            blobs = [(previous.pickled[i], False) if i < len(old) and review is old[i]  # type: ignore[union-attr]
                     else (pickle.dumps(review, pickle.HIGHEST_PROTOCOL), True) for i, review in enumerate(files)]
            kept = pickle.dumps(list(tallies), pickle.HIGHEST_PROTOCOL) if len(tallies) == len(files) else b""
            row = _StoredProject(len(files), tuple(verdicts), tuple(digests), found, kept)  # type: ignore[arg-type]
            payload = pickle.dumps(row, pickle.HIGHEST_PROTOCOL)
            link, facts = _link_rows(scope, state) if state is not None else (None, [])
        except Exception:  # noqa: BLE001 - something that cannot be pickled: simply not kept
            return
        try:
            with self._transaction():
                stored = self._db.execute("SELECT key FROM projects WHERE scope = ?", (scope,)).fetchone()
                # The file rows are the previous row's only while its header is still the stored one
                # (another run may have written since): then only the changed reviews are written.
                whole = previous is None or stored is None or stored[0] != previous.key
                self._db.executemany(
                    "INSERT OR REPLACE INTO project_files (scope, position, payload) VALUES (?, ?, ?)",
                    [(scope, i, blob) for i, (blob, new) in enumerate(blobs) if new or whole])
                self._db.execute("DELETE FROM project_files WHERE scope = ? AND position >= ?", (scope, len(blobs)))
                self._db.execute("INSERT OR REPLACE INTO projects (scope, key, payload, stored_ns) "
                                 "VALUES (?, ?, ?, ?)", (scope, key, payload, now))
                if not full:
                    pass  # the record of the last full link stays: the next run re-links against it
                else:
                    self._db.execute("DELETE FROM link_facts WHERE scope = ?", (scope,))
                    if link is None:
                        self._db.execute("DELETE FROM links WHERE scope = ?", (scope,))
                    else:
                        self._db.execute("INSERT OR REPLACE INTO links (scope, key, payload, stored_ns) "
                                         "VALUES (?, ?, ?, ?)", (scope, key, link, now))
                        self._db.executemany("INSERT INTO link_facts (scope, fact, stamp, ids) VALUES (?, ?, ?, ?)",
                                             facts)
        except sqlite3.Error as exc:
            self._warn(f"cannot write the cache {self.path}: {exc}; results of this run are not cached")

    def _scope(self, roots: Sequence[str]) -> str:
        text = f"{self.fingerprint}\0{chr(0).join(os.path.abspath(r) for r in roots)}"
        return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()

    def _project(self, scope: str, key: str | None = None) -> ProjectRow | None:
        """The stored project of `scope` (only if it is of the file set `key`, when given), or None.

        The header and the file rows are read in one transaction: a run writing at the same time
        cannot give this one the files of another file set.
        """
        try:
            self._db.execute("BEGIN")
            try:
                header = self._db.execute("SELECT key, payload FROM projects WHERE scope = ?", (scope,)).fetchone()
                if header is None or (key is not None and header[0] != key):
                    return None
                blobs = [blob for (blob,) in self._db.execute(
                    "SELECT payload FROM project_files WHERE scope = ? ORDER BY position", (scope,))]
            finally:
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._warn(f"cannot read the cache {self.path}: {exc}; reviewing without it")
            return None
        stored = _loads_any(header[1])
        return stored.decoded(blobs, header[0]) if isinstance(stored, _StoredProject) else None

    def _project_key(self, paths: Sequence[str], digests: Sequence[str | None]) -> str | None:
        """None when some file may come out differently next time: then the project is never reused."""
        digest = hashlib.blake2b(self.fingerprint.encode(), digest_size=20)
        for path, content in zip(paths, digests):
            if content is None:
                return None
            digest.update(f"\0{path}\0{content}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def _transaction(self) -> "_Transaction":
        return _Transaction(self._db)

    def _prune(self) -> None:
        """At most once a day, drop rows nobody has written for MAX_AGE_NS (old versions, deleted files)."""
        now = time.time_ns()
        row = self._db.execute("SELECT value FROM meta WHERE key = 'pruned_ns'").fetchone()
        if row is not None and now - int(row[0]) < 24 * 3600 * 1_000_000_000:
            return
        with self._transaction():
            self._db.execute("DELETE FROM results WHERE stored_ns < ?", (now - MAX_AGE_NS,))
            self._db.execute("DELETE FROM stats WHERE checked_ns < ?", (now - MAX_AGE_NS,))
            self._db.execute("DELETE FROM projects WHERE stored_ns < ?", (now - MAX_AGE_NS,))
            self._db.execute("DELETE FROM project_files WHERE scope NOT IN (SELECT scope FROM projects)")
            self._db.execute("DELETE FROM link_facts WHERE scope NOT IN (SELECT scope FROM links)")
            self._db.execute("DELETE FROM links WHERE stored_ns < ?", (now - MAX_AGE_NS,))
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('pruned_ns', ?)", (str(now),))

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


_STAMP_ROW = ""  # the fact of the row that says a record's facts are all there (no fact is "")


def _link_rows(scope: str, state: LinkState) -> tuple[bytes, list[tuple[str, str, str, bytes]]]:
    """The `links` payload of a full link's record, and its facts as `link_facts` rows.

    The payload and the rows carry a stamp of their own: a run reads the facts after the record,
    and must not take another record's facts for its own.
    """
    from array import array
    from dataclasses import replace

    stamp = os.urandom(8).hex()
    payload = pickle.dumps((stamp, replace(state, facts={})), pickle.HIGHEST_PROTOCOL)
    rows = [(scope, _fact_key(fact), stamp, array("I", ids).tobytes()) for fact, ids in state.facts.items()]
    rows.append((scope, _STAMP_ROW, stamp, b""))
    return payload, rows


def _fact_key(fact: tuple[str, str]) -> str:
    kind, name = fact
    return f"{kind}:{name}"


class _StoredFacts(Mapping[tuple[str, str], memoryview]):
    """`LinkState.facts` of a stored record: each fact asked for is read from `link_facts`.

    Reading a fact that is not there means no entry read it; so a record whose facts were
    replaced since (another full link) or cannot be read raises, never answers "none".
    """

    def __init__(self, cache: Cache, scope: str, stamp: str) -> None:
        self.cache, self.scope, self.stamp = cache, scope, stamp

    def __getitem__(self, fact: tuple[str, str]) -> memoryview:
        if not (isinstance(fact, tuple) and len(fact) == 2):
            raise KeyError(fact)
        rows = self.cache._fetch("SELECT fact, stamp, ids FROM link_facts WHERE scope = ? AND fact IN (?, ?)",
                                 (self.scope, _STAMP_ROW, _fact_key(fact)))
        if rows is None or (_STAMP_ROW, self.stamp, b"") not in rows:
            raise LookupError("the link record's facts cannot be read, or were replaced since it was read")
        found = [ids for name, stamp, ids in rows if name != _STAMP_ROW and stamp == self.stamp]
        if not found:
            raise KeyError(fact)
        return memoryview(found[0]).cast("I")

    def __iter__(self) -> Iterator[tuple[str, str]]:
        raise TypeError("the facts of a stored link record are read one by one")

    def __len__(self) -> int:
        raise TypeError("the facts of a stored link record are read one by one")


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error: a writer waits for the lock up front."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        else:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def _digest_of(path: str) -> str | None:

    try:
        with open(path, "rb") as handle:
            return content_digest(handle.read())
    except OSError:
        return None


def open_cache(directory: str | Path | None, config: Config,
               reviewed: Sequence[str] = ()) -> tuple[Cache | None, str | None]:
    """The cache for this configuration, or (None, warning) when it cannot be used.

    `directory` None means the user cache directory, which is refused when it
    lies inside a reviewed path: a review never writes into the tree it
    reviews unless `--cache-dir` (a `directory`) says so.
    """
    folder = Path(directory) if directory is not None else default_directory()
    if directory is None:
        real = folder.resolve()
        for root in reviewed:
            top = Path(root).resolve()
            if real == top or top in real.parents:
                return None, (f"the cache directory {folder} is inside the reviewed path {root}; "
                              "not caching (choose one with --cache-dir)")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return Cache(folder / f"results-v{SCHEMA}.sqlite3", fingerprint(config)), None
    except (OSError, CacheUnavailable) as exc:
        return None, f"{exc}; reviewing without the cache"
