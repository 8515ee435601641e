"""The result cache: unchanged files are not reviewed again, and a bad cache never breaks a run."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from secreview.api import review_paths
from secreview.cli import main
from secreview.core.model import Severity
from secreview.run import cache as cache_module
from secreview.run import filepasses, parallel
from secreview.run.cache import Cache, fingerprint, open_cache
from secreview.settings.config import Config

TREE = {
    "pkg/__init__.py": "",
    "pkg/a.py": "import os\n\ndef f(x):\n    os.system(x)\n",
    "pkg/b.py": "import pickle\n\ndef g(b):\n    return pickle.loads(b)\n",
    "pkg/c.py": "def ok():\n    return 1\n",
    "pkg/bad.py": "def (:\n",
}


def make_tree(root: Path) -> Path:
    for name, text in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Paths actually reviewed (not served from the cache) in this process."""
    seen: list[str] = []
    original = parallel.FileReviewer.__call__

    def spy(self, path):  # type: ignore[no-untyped-def]
        seen.append(path)
        return original(self, path)

    monkeypatch.setattr(parallel.FileReviewer, "__call__", spy)
    return seen


def age(path: Path, seconds: int = 60) -> None:
    """Make a file's timestamp old enough to be trusted (not 'racy')."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns - seconds * 1_000_000_000))


def _run(tree: Path, where: Path, config: Config = Config(gitignore=False)):  # type: ignore[no-untyped-def]
    cache, warning = open_cache(where, config, [str(tree)])
    assert cache is not None, warning
    try:
        return review_paths([tree], config, cache=cache), cache
    finally:
        cache.close()


def test_warm_run_reviews_only_what_changed(tmp_path: Path, counted: list[str]) -> None:
    tree = make_tree(tmp_path / "t")
    for path in tree.rglob("*.py"):
        age(path)
    cold, _ = _run(tree, tmp_path / "c")
    assert len(counted) == len(TREE)
    counted.clear()
    warm, _ = _run(tree, tmp_path / "c")
    assert counted == []
    assert warm == cold
    edited = tree / "pkg" / "c.py"
    edited.write_text("import yaml\n\ndef h(s):\n    return yaml.load(s)\n", encoding="utf-8")
    after, _ = _run(tree, tmp_path / "c")
    assert counted == [str(edited)]
    assert after == review_paths([tree], Config(gitignore=False))
    assert len(after.findings) == len(cold.findings) + 1


def test_touched_but_unchanged_file_is_not_reviewed_again(tmp_path: Path, counted: list[str]) -> None:
    tree = make_tree(tmp_path / "t")
    _run(tree, tmp_path / "c")
    counted.clear()
    os.utime(tree / "pkg" / "a.py")  # new timestamp, same content: hashed, found, not reviewed
    warm, _ = _run(tree, tmp_path / "c")
    assert counted == []
    assert warm == review_paths([tree], Config(gitignore=False))


def test_configuration_and_passes_are_part_of_the_key(tmp_path: Path, counted: list[str]) -> None:
    tree = make_tree(tmp_path / "t")
    _run(tree, tmp_path / "c")
    counted.clear()
    high = Config(gitignore=False, min_severity=Severity.CRITICAL)
    assert fingerprint(high) != fingerprint(Config(gitignore=False))
    _run(tree, tmp_path / "c", high)
    assert len(counted) == len(TREE)


def _summary(parsed, module):  # type: ignore[no-untyped-def]
    return {"module": module, "functions": sorted(n.name for n in parsed.tree.body if hasattr(n, "name"))}


def test_per_file_pass_results_are_cached_with_the_review(tmp_path: Path, counted: list[str]) -> None:
    tree = make_tree(tmp_path / "t")
    filepasses.register("test-summary", "1", _summary)
    try:
        reviewer = parallel.FileReviewer(Config(gitignore=False))
        cache, _ = open_cache(tmp_path / "c", Config(gitignore=False), [str(tree)])
        assert cache is not None
        paths = sorted(str(p) for p in tree.rglob("*.py"))
        first = parallel.review_many(paths, reviewer, cache=cache)
        counted.clear()
        second = parallel.review_many(paths, reviewer, cache=cache)
        assert counted == []
        by_path = {r.review.path: r.extras for r in second}
        assert by_path[str(tree / "pkg" / "a.py")]["test-summary"] == {"module": "pkg.a", "functions": ["f"]}
        assert "test-summary" not in by_path[str(tree / "pkg" / "bad.py")]  # unparsable: no pass ran
        assert [r.extras for r in first] == [r.extras for r in second]
        cache.close()
    finally:
        filepasses.unregister("test-summary")


def test_corrupt_cache_file_is_a_warning_not_a_crash(tmp_path: Path, capsys) -> None:
    tree = make_tree(tmp_path / "t")
    where = tmp_path / "c"
    where.mkdir()
    (where / f"results-v{cache_module.SCHEMA}.sqlite3").write_bytes(b"this is not a database" * 100)
    status = main(["scan", str(tree), "--cache-dir", str(where), "--format", "json", "--jobs", "1"])
    captured = capsys.readouterr()
    assert status == 1
    assert "warning" in captured.err and "cache" in captured.err
    assert '"findings"' in captured.out


def test_locked_cache_is_a_warning_not_a_crash(tmp_path: Path, monkeypatch) -> None:
    tree = make_tree(tmp_path / "t")
    cache, _ = open_cache(tmp_path / "c", Config(gitignore=False), [str(tree)])
    assert cache is not None
    cache._db.execute("PRAGMA busy_timeout = 50")
    holder = sqlite3.connect(str(cache.path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        review = review_paths([tree], Config(gitignore=False), cache=cache)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert review.findings
    assert cache.warnings and "cache" in cache.warnings[0]
    cache.close()


def test_cache_rows_cannot_run_code(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    assert cache_module._loads(pickle.dumps(Evil())) is None
    assert not (tmp_path / "pwned").exists()
    assert cache_module._loads(b"garbage") is None


def test_cache_rows_cannot_run_code_after_allowed_classes_were_remembered(tmp_path: Path) -> None:
    """The unpickler remembers the classes it allowed: that memory never lets another name through."""
    from secreview.core.model import FileReview

    review = FileReview(path="a.py", lines=1)
    assert cache_module._loads_any(pickle.dumps(review)) == review  # FileReview and its parts are remembered
    assert cache_module._loads_any(pickle.dumps(review)) == review

    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    assert cache_module._loads(pickle.dumps(Evil())) is None
    assert cache_module._loads_any(pickle.dumps((review, Evil()))) is None
    assert not (tmp_path / "pwned").exists()
    assert ("posix", "system") not in cache_module._Unpickler._allowed


def test_default_cache_is_never_inside_the_reviewed_tree(tmp_path: Path, monkeypatch) -> None:
    tree = make_tree(tmp_path / "t")
    monkeypatch.setattr(cache_module, "default_directory", lambda: tree / ".cache" / "secreview")
    cache, warning = open_cache(None, Config(), [str(tree)])
    assert cache is None and warning and "inside the reviewed path" in warning
    assert not (tree / ".cache").exists()
    explicit, _ = open_cache(tree / ".cache", Config(), [str(tree)])  # --cache-dir says so
    assert explicit is not None
    explicit.close()


def _writer(tree: str, where: str, rounds: int) -> None:
    for _ in range(rounds):
        cache, warning = open_cache(where, Config(gitignore=False), [tree])
        assert cache is not None, warning
        paths = sorted(str(p) for p in Path(tree).rglob("*.py"))
        parallel.review_many(paths, parallel.FileReviewer(Config(gitignore=False)), cache=cache)
        for path in paths:  # force rewrites of every row, as edits would
            os.utime(path)
        assert not cache.warnings, cache.warnings
        cache.close()


def test_two_processes_writing_at_once_never_corrupt_the_cache(tmp_path: Path) -> None:
    trees = [make_tree(tmp_path / f"t{i}") for i in range(2)]
    where = tmp_path / "c"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tree), str(where), 4)) for tree in trees + trees]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * len(workers)
    db = sqlite3.connect(str(where / f"results-v{cache_module.SCHEMA}.sqlite3"))
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    for tree in trees:
        served, _ = _run(tree, where)
        assert served == review_paths([tree], Config(gitignore=False))


def test_cache_object_is_usable_directly(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "x.sqlite3", "fp")
    assert cache.lookup([]).hits == {}
    cache.close()


def test_project_pass_is_skipped_when_nothing_changed(tmp_path: Path, monkeypatch) -> None:
    from secreview.analysis import incremental

    calls: list[int] = []
    original = incremental.review_project

    def spy(cache, roots, paths, run, config):  # type: ignore[no-untyped-def]
        calls.append(len(paths))
        return original(cache, roots, paths, run, config)

    monkeypatch.setattr(incremental, "review_project", spy)
    tree = make_tree(tmp_path / "t")
    (tree / "pkg" / "entry.py").write_text("import sys\nfrom pkg.sink import run\n\ndef main():\n    run(sys.argv[1])\n")
    (tree / "pkg" / "sink.py").write_text("import os\n\ndef run(cmd):\n    os.system('echo ' + cmd)\n")
    for path in tree.rglob("*.py"):
        age(path)
    cold, _ = _run(tree, tmp_path / "c")
    warm, _ = _run(tree, tmp_path / "c")
    assert len(calls) == 1 and warm == cold
    assert any(f.path for f in cold.findings if f.rule_id.startswith("taint")), "a cross-module flow"
    (tree / "pkg" / "entry.py").write_text("def main():\n    return 1\n")
    edited, _ = _run(tree, tmp_path / "c")
    assert len(calls) == 2
    assert not any(f.rule_id.startswith("taint") for f in edited.findings)
    assert edited == review_paths([tree], Config(gitignore=False))


@pytest.mark.parametrize("table", ["projects", "links", "project_files"])
@pytest.mark.parametrize("payload", [b"garbage", "evil"])
def test_damaged_project_or_link_rows_are_misses(tmp_path: Path, table: str, payload: object) -> None:
    """A project row or link record that cannot be read (or would run code) costs a full link, not the run."""
    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    tree = make_tree(tmp_path / "t")
    (tree / "pkg" / "entry.py").write_text("import sys\nfrom pkg.sink import run\n\ndef main():\n    run(sys.argv[1])\n")
    (tree / "pkg" / "sink.py").write_text("import os\n\ndef run(cmd):\n    os.system('echo ' + cmd)\n")
    _run(tree, tmp_path / "c")
    db = sqlite3.connect(str(tmp_path / "c" / f"results-v{cache_module.SCHEMA}.sqlite3"))
    blob = pickle.dumps(Evil()) if payload == "evil" else payload
    with db:
        one = " WHERE position = 1" if table == "project_files" else ""  # one file's review
        assert db.execute(f"UPDATE {table} SET payload = ?{one}", (blob,)).rowcount == 1
    db.close()
    (tree / "pkg" / "c.py").write_text("def ok():\n    return 2\n")
    edited, _ = _run(tree, tmp_path / "c")
    assert edited == review_paths([tree], Config(gitignore=False))
    assert any(f.rule_id.startswith("taint") for f in edited.findings)
    again, _ = _run(tree, tmp_path / "c")  # and the rows are whole again
    assert again == edited
    assert not (tmp_path / "pwned").exists()


def test_a_touched_file_is_hashed_once_then_trusted_again(tmp_path: Path, monkeypatch) -> None:
    """A run where nothing changed re-records the status of a file it had to hash (git's racy-clean rule)."""
    tree = make_tree(tmp_path / "t")
    for path in tree.rglob("*.py"):
        age(path)
    _run(tree, tmp_path / "c")
    age(tree / "pkg" / "a.py", 30)  # same content, another (old enough) timestamp
    hashed: list[str] = []
    original = cache_module._digest_of
    monkeypatch.setattr(cache_module, "_digest_of", lambda path: hashed.append(path) or original(path))
    first, _ = _run(tree, tmp_path / "c")
    second, _ = _run(tree, tmp_path / "c")
    assert [Path(p).name for p in hashed] == ["a.py"] and first == second


def test_the_code_digest_covers_the_whole_package() -> None:
    """The digest reads every rule, spec and module of secreview, wherever the cache module itself sits."""
    covered = {path.relative_to(cache_module._PACKAGE).as_posix() for path in cache_module._PACKAGE.rglob("*")}
    assert {"api.py", "rules/specs/sanitisers.toml", "rules/access_control.py", "run/cache.py"} <= covered


def test_an_edit_to_a_taint_spec_changes_the_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A sanitiser added to rules/specs/sanitisers.toml changes findings: a cache that kept the old
    # results reported a flow the new spec clears until --no-cache.
    package = tmp_path / "secreview"
    (package / "rules" / "specs").mkdir(parents=True)
    (package / "rules" / "specs" / "sanitisers.toml").write_text('[[sanitiser]]\nlabel = "a"\n')
    monkeypatch.setattr(cache_module, "_PACKAGE", package)
    config = cache_module.Config()
    before = fingerprint(config)
    (package / "rules" / "specs" / "sanitisers.toml").write_text('[[sanitiser]]\nlabel = "b"\n')
    assert fingerprint(config) != before


def _file_rows(where: Path) -> dict[int, int]:
    """position -> rowid of the stored project's file reviews (a row written again gets a new rowid)."""
    db = sqlite3.connect(str(where / f"results-v{cache_module.SCHEMA}.sqlite3"))
    try:
        return dict(db.execute("SELECT position, rowid FROM project_files"))
    finally:
        db.close()


def test_a_run_after_an_edit_writes_only_the_file_reviews_that_changed(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    cold, _ = _run(tree, tmp_path / "c")
    before = _file_rows(tmp_path / "c")
    assert sorted(before) == list(range(len(cold.files)))
    (tree / "pkg" / "c.py").write_text("def ok():\n    return 2\n")
    edited, _ = _run(tree, tmp_path / "c")
    after = _file_rows(tmp_path / "c")
    rewritten = [edited.files[i].path for i in after if after[i] != before[i]]
    assert [Path(p).name for p in rewritten] == ["c.py"]
    again, _ = _run(tree, tmp_path / "c")  # nothing changed: the rows are read back
    assert again == edited == review_paths([tree], Config(gitignore=False))
    (tree / "pkg" / "c.py").unlink()  # one file fewer: its row goes
    fewer, _ = _run(tree, tmp_path / "c")
    assert sorted(_file_rows(tmp_path / "c")) == list(range(len(fewer.files))) and len(fewer.files) == len(cold.files) - 1
    assert _run(tree, tmp_path / "c")[0] == fewer == review_paths([tree], Config(gitignore=False))


def test_file_rows_are_all_written_again_when_another_run_wrote_the_project_since(tmp_path: Path,
                                                                                  monkeypatch) -> None:
    """A run keeps the stored rows of unchanged reviews only if the project row is still the one it read."""
    tree = make_tree(tmp_path / "t")
    _run(tree, tmp_path / "c")
    before = _file_rows(tmp_path / "c")
    original = Cache.previous_project

    def read_then_another_run_writes(self, roots):  # type: ignore[no-untyped-def]
        found = original(self, roots)
        with self._db:
            self._db.execute("UPDATE projects SET key = 'written by another run'")
        return found

    monkeypatch.setattr(Cache, "previous_project", read_then_another_run_writes)
    (tree / "pkg" / "c.py").write_text("def ok():\n    return 2\n")
    edited, _ = _run(tree, tmp_path / "c")
    after = _file_rows(tmp_path / "c")
    assert all(after[i] != before[i] for i in before)
    monkeypatch.undo()
    assert _run(tree, tmp_path / "c")[0] == edited == review_paths([tree], Config(gitignore=False))


def test_a_link_record_reads_only_the_facts_an_edit_changed_and_never_another_records(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    """The facts of the last full link (which entries read what) are read one by one, for the facts an edit
    changed; if they were replaced since the record was read, the run links in full rather than answer."""
    from secreview.analysis import incremental

    tree = make_tree(tmp_path / "t")
    (tree / "pkg" / "entry.py").write_text("import sys\nfrom pkg.sink import run\n\ndef main():\n    run(sys.argv[1])\n")
    (tree / "pkg" / "sink.py").write_text("import os\n\ndef run(cmd):\n    os.system('echo ' + cmd)\n")
    _run(tree, tmp_path / "c")
    asked: list[object] = []
    original = cache_module._StoredFacts.__getitem__
    monkeypatch.setattr(cache_module._StoredFacts, "__getitem__",
                        lambda self, fact: asked.append(fact) or original(self, fact))
    relinked: list[int] = []
    relink = incremental.relink
    monkeypatch.setattr(incremental, "relink", lambda *a: relinked.append(1) or relink(*a))
    (tree / "pkg" / "sink.py").write_text("import os\n\ndef run(cmd):\n    os.popen('echo ' + cmd)\n")
    edited, _ = _run(tree, tmp_path / "c")
    assert relinked == [1] and ("m", str(tree / "pkg" / "sink.py")) in asked
    db = sqlite3.connect(str(tmp_path / "c" / f"results-v{cache_module.SCHEMA}.sqlite3"))
    stored = db.execute("SELECT COUNT(*) FROM link_facts").fetchone()[0]
    assert len(asked) < stored
    assert edited == review_paths([tree], Config(gitignore=False))

    with db:  # as if another full link had replaced the facts after this run read its record
        assert db.execute("UPDATE link_facts SET stamp = 'another'").rowcount == stored
    db.close()
    full: list[int] = []
    full_link = incremental.full_link
    monkeypatch.setattr(incremental, "full_link", lambda *a: full.append(1) or full_link(*a))
    (tree / "pkg" / "sink.py").write_text("import os\n\ndef run(cmd):\n    os.system('ls ' + cmd)\n")
    again, _ = _run(tree, tmp_path / "c")
    assert full == [1], "the facts were not the record's: linked in full"
    assert again == review_paths([tree], Config(gitignore=False))
    assert any(f.rule_id.startswith("taint") for f in again.findings)
