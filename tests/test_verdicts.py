"""Per-pillar verdicts: golden outputs, and every cited line checked against the code.

Golden files hold the overall verdict and the ten pillar verdicts of a few
files (one corpus file per pillar and two clean examples of our own). After an
intended change, regenerate them with SECREVIEW_UPDATE_GOLDEN=1 and read the
diff; without it the test fails whenever the output changes.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import jsonschema
import pytest
from annotations import CORPUS, corpus_files

from secreview import review_paths, review_source
from secreview.core.model import NO_DEFECTS, Evidence, FileReview
from secreview.report import renderer
from secreview.review.claims import Verifier, cited_lines, verify_file
from secreview.review.sentences import Explanation
from secreview.review.verdicts import PILLAR_ORDER, explain, facts_by_pillar, why_test_code
from secreview.settings.config import Config

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
INPUTS = GOLDEN / "inputs"
CLEAN_INPUTS = sorted(INPUTS.glob("*.py"))
PER_PILLAR = [
    "cwe-284/permissions.py", "cwe-435/parsers.py", "cwe-664/lifetime.py", "cwe-682/division.py",
    "cwe-691/races.py", "cwe-693/csrf.py", "cwe-697/comparisons.py", "cwe-703/fail_open.py",
    "cwe-707/sql_injection.py", "cwe-710/debug.py",
]
UPDATE = os.environ.get("SECREVIEW_UPDATE_GOLDEN") == "1"


def _review(path: Path, name: str) -> FileReview:
    review = review_source(path.read_text("utf-8"), filename=name, config=Config())
    (file_review,) = review.files
    return file_review


def _golden_text(name: str, file_review: FileReview, verdict: str) -> str:
    lines = [f"# {name}", f"verdict: {verdict}", ""]
    for v in file_review.verdicts:
        lines.append(f"CWE-{v.pillar} [{v.status}] {v.summary}")
    return "\n".join(lines) + "\n"


def _golden_cases() -> list[tuple[str, Path]]:
    return [(name, CORPUS / name) for name in PER_PILLAR] + [(p.name, p) for p in CLEAN_INPUTS]


@pytest.mark.parametrize(("name", "path"), _golden_cases(), ids=lambda v: str(v))
def test_golden(name: str, path: Path) -> None:
    review = review_source(path.read_text("utf-8"), filename=name, config=Config())
    actual = _golden_text(name, review.files[0], review.verdict)
    expected_path = GOLDEN / (name.replace("/", "__") + ".txt")
    if UPDATE:
        expected_path.write_text(actual, "utf-8")
    assert expected_path.exists(), f"no golden file {expected_path.name}; run with SECREVIEW_UPDATE_GOLDEN=1"
    assert actual == expected_path.read_text("utf-8"), (
        f"verdicts of {name} changed; if intended, regenerate with SECREVIEW_UPDATE_GOLDEN=1 and review the diff")


def test_golden_covers_every_pillar_and_two_clean_files() -> None:
    assert {name.split("/")[0] for name in PER_PILLAR} == {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert len(CLEAN_INPUTS) >= 2
    for path in CLEAN_INPUTS:
        review = review_source(path.read_text("utf-8"), filename=path.name, config=Config())
        assert review.verdict == NO_DEFECTS, [f.rule_id for f in review.findings]


def test_two_clean_files_read_differently() -> None:
    first, second = (_review(p, p.name) for p in CLEAN_INPUTS[:2])
    differing = [a.pillar for a, b in zip(first.verdicts, second.verdicts) if a.summary != b.summary]
    assert len(differing) >= 5, differing
    for file_review in (first, second):
        assert all(v.status == "clean" and "no defect found by this pillar" not in v.summary
                   for v in file_review.verdicts)


# -- every claim holds: the verifier the product runs under --verify-verdicts ------------


def _reviewed_files() -> list[tuple[str, str]]:
    files = [(p.relative_to(CORPUS).as_posix(), p.read_text("utf-8")) for p in corpus_files()]
    return files + [(p.name, p.read_text("utf-8")) for p in CLEAN_INPUTS]


def test_every_claim_and_every_listed_fact_holds_in_the_code() -> None:
    """Over the corpus and the golden inputs: sentences cite only their facts' lines, each fact's
    construct is on its line, each asserted relation holds, and every fact listed as evidence too."""
    problems: list[str] = []
    facts_seen = relations = 0
    for name, source in _reviewed_files():
        tree = ast.parse(source)
        file_review = _review_from(name, source)
        problems += verify_file(tree, name, file_review.findings, file_review.facts)
        verifier = Verifier(tree, name)
        for verdict in file_review.verdicts:
            for fact in verdict.evidence:
                facts_seen += 1
                assert fact.kind.startswith(f"{verdict.pillar}:"), (name, fact)
                if not verifier.holds(fact):
                    problems.append(f"{name}:{fact.line}: no {fact.kind} construct for {fact.text!r}")
        grouped = facts_by_pillar(file_review.facts)
        relations += sum(len(explain(p, grouped[p], why_test_code(grouped.get("file", ()))).relations)
                         for p in PILLAR_ORDER)
    assert facts_seen > 200 and relations > 10, (facts_seen, relations)
    assert not problems, "\n".join(problems)


def _review_from(name: str, source: str) -> FileReview:
    return review_source(source, filename=name, config=Config()).files[0]


def test_cited_lines_parser() -> None:
    assert cited_lines("closed on line 5; lines 3, 8 and 12 and 4 more; lines 20 and 21") == {3, 5, 8, 12, 20, 21}


def test_the_verifier_rejects_claims_the_code_contradicts() -> None:
    """A wording or collector bug must fail: each false claim below is caught, and the true twin passes."""
    code = ("import threading\nimport time\n\n\nclass T:\n    def setUp(self):\n        self.lock = threading.Lock()\n"
            "        self.other = threading.Lock()\n\n    def test_a(self):\n        for _ in range(5):\n"
            "            time.sleep(1)\n        self.other.release()\n")
    tree = ast.parse(code)
    verifier = Verifier(tree, "tests/test_t.py")
    acquired = Evidence("664:acquire", 7, "threading.Lock", "t.py", "self.lock@5")
    wrong_release = Evidence("664:release", 13, "self.other.release()", "t.py", "self.other@5")
    assert not verifier.related("released-by", acquired, wrong_release)
    right = Evidence("664:acquire", 8, "threading.Lock", "t.py", "self.other@5")
    assert verifier.related("released-by", right, wrong_release)
    assert verifier.holds(Evidence("703:poll-bounded", 11, "at most 5 attempts", "t.py"))
    assert not verifier.holds(Evidence("703:poll-bounded", 11, "at most 10 attempts", "t.py"))
    assert not verifier.holds(Evidence("664:release-finally", 13, "self.other.release()", "t.py"))
    out = Explanation(sentence="the lock acquired on line 9 is released on line 13",
                      cited=[right, wrong_release])
    assert any("cites lines [9]" in p for p in verifier.check("664", out))
    out = Explanation(test="x", sentence="test code: nothing")
    assert Verifier(tree, "app/models.py").check("664", out)
    assert not Verifier(tree, "tests/test_t.py").check("664", out)


def test_verify_verdicts_runs_at_run_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under SECREVIEW_VERIFY_VERDICTS a false claim is a diagnostic; a true verdict adds none."""
    from secreview.review import claims

    source = tmp_path / "tests" / "test_x.py"
    source.parent.mkdir()
    source.write_text((INPUTS / "test_functional_wait.py").read_text("utf-8"), "utf-8")
    monkeypatch.setenv(claims.VERIFY_ENV, "1")
    assert not review_paths([source], Config()).files[0].diagnostics
    monkeypatch.setattr(claims.Verifier, "holds", lambda self, fact: fact.kind != "664:fixture-use")
    diagnostics = review_paths([source], Config()).files[0].diagnostics
    assert diagnostics and all("verdict claim not supported" in d.message for d in diagnostics)
    assert any("664:fixture-use" in d.message for d in diagnostics)


# -- content of sentences --------------------------------------------------------------


def test_resource_released_by_cleanup_and_one_not_released() -> None:
    code = (
        "import socket\n"
        "class T:\n"
        "    def test_a(self):\n"
        "        server = self.create_server(name='a')\n"
        "        self.addCleanup(self.delete_server, server['id'])\n"
        "        sock = socket.socket()\n"
        "        sock.connect(('h', 1))\n"
    )
    review = review_source(code, filename="tests/test_a.py", config=Config())
    verdict = next(v for v in review.verdicts if v.pillar == "664")
    assert "the server created on line 4 is released by the cleanup registered on line 5" in verdict.summary
    assert "the socket created on line 6 is not released in this file" in verdict.summary


def test_pyramid_view_permission_is_its_authorisation() -> None:
    code = (
        "from pyramid.security import NO_PERMISSION_REQUIRED\n"
        "from pyramid.view import view_config\n\n\n"
        "@view_config(route_name='edit', permission='edit', renderer='json')\n"
        "def edit(request):\n    return {}\n\n\n"
        "@view_config(route_name='open', permission=NO_PERMISSION_REQUIRED, renderer='json')\n"
        "def open_view(request):\n    return {}\n"
    )
    review = review_source(code, filename="views.py", config=Config())
    summary = " ".join(next(v for v in review.verdicts if v.pillar == "284").summary.split())
    assert "authorised where they are declared: edit (@view_config, @view_config(permission='edit'))" in summary
    assert "no authorisation decorator, dependency or check in their body: open_view (@view_config)" in summary


def test_nothing_found_says_what_was_looked_for() -> None:
    review = review_source("x = 1\n", filename="a.py", config=Config())
    summaries = {v.pillar: v.summary for v in review.verdicts}
    assert "no command, code, SQL, template, LDAP, XPath or HTML-response sink" in summaries["707"]
    assert "no exception handler" in summaries["703"]
    assert review.verdict == NO_DEFECTS


def test_findings_pillar_keeps_its_count_and_suppressed_findings_leave_the_exact_verdict() -> None:
    review = review_source("import os\nos.system(cmd)\n", filename="a.py", config=Config())
    assert next(v for v in review.verdicts if v.pillar == "707").status == "findings"
    waived = review_source("import os\nos.system(cmd)  # secreview: ignore[command-injection-shell] vetted\n",
                           filename="a.py", config=Config())
    assert waived.verdict == NO_DEFECTS == "No security defects are detected in the code"


# -- project level and the machine-readable formats ---------------------------------------


def test_project_summary_counts_over_files_with_examples(tmp_path: Path) -> None:
    for path in CLEAN_INPUTS:
        (tmp_path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    review = review_paths([tmp_path], Config())
    verdict = next(v for v in review.verdicts if v.pillar == "664")
    assert verdict.summary.startswith(f"across {len(CLEAN_INPUTS)} files: ")
    assert verdict.evidence and all(e.path.startswith(str(tmp_path)) for e in verdict.evidence)
    for example in verdict.evidence:
        assert f"{example.path}:{example.line}" in verdict.summary
    text = renderer("text")(review, per_file=True)
    for path in CLEAN_INPUTS:
        file_review = next(f for f in review.files if f.path.endswith(path.name))
        assert next(v for v in file_review.verdicts if v.pillar == "664").summary in " ".join(text.split())
    markdown = renderer("markdown")(review, per_file=True)
    assert "Per file" in markdown and markdown.count("CWE-664 ") >= 1 + len(CLEAN_INPUTS)


def test_json_and_sarif_carry_structured_evidence() -> None:
    path = INPUTS / "test_live_migration.py"
    review = review_source(path.read_text("utf-8"), filename=path.name, config=Config())
    data = json.loads(renderer("json")(review))
    (file_entry,) = data["files"]
    resources = next(p for p in file_entry["pillars"] if p["pillar"] == "CWE-664")
    assert resources["status"] == "clean"
    kinds = {(e["kind"], e["line"]) for e in resources["evidence"]}
    assert ("664:cleanup", 21) in kinds and ("664:release-finally", 45) in kinds
    assert any(e.get("subject") == "self.server@17" for e in resources["evidence"])
    from test_sarif import sarif  # renders and validates against the SARIF 2.1.0 schema

    pillars = sarif(review)["runs"][0]["properties"]["secreview"]["pillars"]
    assert next(p for p in pillars if p["pillar"] == "CWE-664")["evidence"] == resources["evidence"]
    schema = json.loads((TESTS.parent / "src/secreview/report/schema/report.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


def test_a_file_that_cannot_be_parsed_gets_no_verdict_sentences() -> None:
    review = review_source("def broken(:\n", filename="bad.py", config=Config())
    (file_review,) = review.files
    assert {v.status for v in file_review.verdicts} == {"not-reviewed"}
    data = json.loads(renderer("json")(review))
    assert {p["status"] for p in data["files"][0]["pillars"]} == {"not-reviewed"}
    schema = json.loads((TESTS.parent / "src/secreview/report/schema/report.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


def test_attribute_acquired_in_setup_is_released_in_teardown() -> None:
    code = (
        "import sqlite3\n"
        "class DbTest:\n"
        "    def tearDown(self):\n"
        "        self.conn.close()\n"
        "    def setUp(self):\n"
        "        self.conn = sqlite3.connect(':memory:')\n"
        "def other():\n"
        "    conn = sqlite3.connect('x.db')\n"
        "    return conn.cursor()\n"
    )
    summary = next(v.summary for v in review_source(code, filename="test_db.py", config=Config()).verdicts
                   if v.pillar == "664")
    assert "the connection opened on line 6 is released by self.conn.close() in tearDown on line 4" in summary
    assert "the connection opened on line 8 is not released in this file" in summary


def test_many_resources_are_summarised_not_listed_one_by_one() -> None:
    code = "import socket\n" + "".join(f"def f{i}():\n    s = socket.socket()\n    s.close()\n" for i in range(200))
    verdict = next(v for v in review_source(code, filename="many.py", config=Config()).verdicts if v.pillar == "664")
    assert verdict.summary == ("sockets created on lines 3, 6, 9, 12 and 196 more are each released, "
                               "on lines 4, 7, 10, 13 and 196 more")
    assert len(verdict.evidence) == 40


def test_files_opened_through_a_method_are_resources() -> None:
    """`path.open()` acquires a file even when the receiver's type is unknown; webbrowser.open does not."""
    from secreview import review_source

    code = ("import webbrowser\n\ndef count(path):\n    with path.open(encoding='utf-8') as handle:\n"
            "        return sum(1 for _ in handle)\n\nwebbrowser.open('https://example.org')\n")
    verdict = next(v for v in review_source(code, "m.py").verdicts if v.pillar == "664")
    assert "line 4" in verdict.summary and "with-block" in verdict.summary
    assert all(e.line != 7 for e in verdict.evidence)


def test_release_chosen_for_a_multi_name_acquisition_does_not_depend_on_the_hash_seed(tmp_path) -> None:
    """`fd, name = mkstemp()` is released by both `os.close(fd)` and `os.unlink(name)`: the
    sentence must cite the same one under every PYTHONHASHSEED (set order once decided it)."""
    import os
    import subprocess
    import sys

    source = tmp_path / "store.py"
    source.write_text(
        "import os\nimport tempfile\n\n\ndef save(data):\n    fd, name = tempfile.mkstemp()\n    try:\n"
        "        os.write(fd, data)\n    finally:\n        os.close(fd)\n        os.unlink(name)\n"
    )
    sentences = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        done = subprocess.run([sys.executable, "-m", "secreview", "scan", str(source), "--no-cache", "--format", "json"],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60)
        pillars = __import__("json").loads(done.stdout)["files"][0]["pillars"]
        sentences.add(next(p["summary"] for p in pillars if p["pillar"] == "CWE-664"))
    assert len(sentences) == 1, sentences
    assert "os.close(fd) in a finally block on line 10" in sentences.pop()


# -- fluent in test code and in the frameworks ----------------------------------------------


def _summary(code: str, filename: str, pillar: str) -> str:
    return next(v.summary for v in review_source(code, filename=filename, config=Config()).verdicts
                if v.pillar == pillar)


def test_mock_patch_decorators_are_never_routes_and_are_undone_when_the_test_returns() -> None:
    code = ("from unittest import mock\nimport unittest\n\n\nclass T(unittest.TestCase):\n"
            "    @mock.patch('pkg.mod.get')\n    @mock.patch.object(unittest, 'main')\n"
            "    def test_x(self, m1, m2):\n        self.assertTrue(m1)\n")
    assert "no route handler" in _summary(code, "tests/test_x.py", "284")
    assert "2 mock.patch decorators on test_x (lines 6 and 7), undone when test_x returns" in \
        _summary(code, "tests/test_x.py", "664")


def test_a_handler_that_fails_the_test_is_said_to_and_an_unbounded_wait_is_judged() -> None:
    test = ("import time\n\n\nclass T:\n    def test_x(self):\n        try:\n            self.api.go()\n"
            "        except Exception as ex:\n            self.fail(ex)\n        while not self.api.done():\n"
            "            time.sleep(1)\n")
    summary = _summary(test, "tests/test_x.py", "703")
    assert summary.startswith("test code: the one handler (Exception, line 8) turns the exception into a test failure")
    assert "wait loops with no bound in view: while not self.api.done() (line 10); in test code" in summary
    product = test.replace("self.fail(ex)", "log(ex)").replace("class T", "class Poller").replace("test_x", "run")
    summary = _summary(product, "poller.py", "703")
    assert not summary.startswith("test code") and "logs and carries on" in summary
    assert "a hang rather than an exposure unless input decides that state" in summary


def test_a_wait_bounded_by_attempts_then_failing_is_said_with_both_lines() -> None:
    code = ("import time\n\n\nclass T:\n    def wait(self):\n        for _ in range(5):\n"
            "            if self.ready():\n                return\n            time.sleep(1)\n"
            "        raise TimeoutError('not ready')\n")
    assert ("wait loop bounded: line 6 (at most 5 attempts, then raises TimeoutError() on line 10)"
            in _summary(code, "waiter.py", "703"))


def test_controller_actions_cite_their_policy_check_and_an_unchecked_one_is_judged() -> None:
    code = ("from nova.api.openstack import wsgi\n\n\nclass Ctl(wsgi.Controller):\n"
            "    @wsgi.expected_errors(404)\n    def show(self, req, id):\n"
            "        context = req.environ['nova.context']\n        context.can('os:show', target={})\n"
            "        return {'id': id}\n\n    @wsgi.action('ping')\n    def _ping(self, req, id, body):\n"
            "        return None\n\n    def _helper(self):\n        return 1\n")
    summary = _summary(code, "nova/api/openstack/compute/ctl.py", "284")
    assert "route handlers that check authorisation in their body: Ctl.show (line 6, context.can() on line 8)" in summary
    assert "no authorisation decorator, dependency or check in their body: Ctl._ping (wsgi.Controller action) " \
           "(line 12); not reported, since nothing in this file says they must be private" in summary
    assert "_helper" not in summary


def test_decorators_route_only_on_routing_objects_or_url_rules() -> None:
    code = ("from flask import Flask\nimport cache\n\napp = Flask(__name__)\n\n\n@app.get('/items')\n"
            "def items():\n    return []\n\n\n@cache.get('items')\ndef cached():\n    return []\n")
    summary = _summary(code, "app.py", "284")
    assert "items (@app.get('/items')) (line 8)" in summary and "cached" not in summary


def test_openstack_idioms_in_the_facts() -> None:
    code = ("from oslo_concurrency import processutils\nfrom oslo_config import cfg\nimport nova.privsep.fs\n\n"
            "OPTS = [cfg.StrOpt('db_password', secret=True)]\n\n\ndef resize(path, size):\n"
            "    processutils.execute('qemu-img', 'resize', path, size)\n    nova.privsep.fs.chown(path, 0)\n")
    summary = _summary(code, "nova/virt/disk.py", "707")
    assert "oslo_concurrency.processutils.execute (line 9) is given an argument list without a shell" in summary
    assert "privileged operation run through nova.privsep: nova.privsep.fs.chown (line 10)" in summary
    assert "'db_password' (cfg.StrOpt) (line 5)" in _summary(code, "nova/virt/disk.py", "284")


def test_fixture_blocks_and_falcon_responders() -> None:
    test = ("import fixtures\n\n\nclass T:\n    def test_x(self):\n        with fixtures.TempDir() as tmp:\n"
            "            self.assertTrue(tmp.path)\n")
    assert "1 fixture (TempDir) used as a context manager on line 6, cleaned up when its block exits" in \
        _summary(test, "tests/test_x.py", "664")
    app = ("import falcon\n\n\nclass Things:\n    def on_get(self, req, resp):\n        resp.media = []\n\n"
           "    def helper(self):\n        return 1\n")
    summary = _summary(app, "things.py", "284")
    assert "Things.on_get (Falcon responder) (line 5)" in summary and "helper" not in summary


def test_comparisons_are_judged_by_their_operator_not_by_the_names_they_compare() -> None:
    """CWE-697: `availability_zone == host_zone` is an exact comparison, not a 'comparison of hosts';
    each form is said with what it lets through, and the verifier holds the sentence to the operator."""
    code = ("ALLOWED = {'a.example'}\n\n\ndef check(availability_zone, host_zone, hostname, path, seen, user):\n"
            "    same = availability_zone == host_zone\n    listed = hostname in ALLOWED\n"
            "    part = path in '/srv/data'\n    again = user is seen\n    return same, listed, part, again\n")
    review = review_source(code, filename="zones.py", config=Config())
    summary = next(v for v in review.verdicts if v.pillar == "697").summary
    assert "hosts" not in summary and "identities" not in summary, summary
    assert "exact comparisons (== or !=), which only the whole value passes" in summary
    assert "availability_zone == host_zone (line 5)" in summary
    assert ("membership tests against a collection (in), which only a listed value passes: "
            "hostname in ALLOWED (line 6)") in summary
    assert "substring tests (in a string), which pass for any part of the string" in summary
    assert "identity tests (is) between objects, none against a literal: user is seen (line 8)" in summary
    tree = ast.parse(code)
    file_review = review.files[0]
    assert not verify_file(tree, "zones.py", file_review.findings, file_review.facts)
    verifier = Verifier(tree, "zones.py")
    assert verifier.holds(Evidence("697:compare-origin", 6, "hostname in ALLOWED", "zones.py", "membership"))
    assert not verifier.holds(Evidence("697:compare-origin", 6, "hostname in ALLOWED", "zones.py", "exact"))
    assert not verifier.holds(Evidence("697:compare-path", 7, "path in '/srv/data'", "zones.py", "membership"))
    assert not verifier.holds(Evidence("697:compare-identity", 5, "availability_zone == host_zone", "zones.py",
                                       "identity"))


def test_permission_changes_and_path_checks_are_said_with_their_judgement() -> None:
    """A permission change says what it lets other users do; a path check says whether its path is used
    after it (a bare list of either would be reassurance without a judgement)."""
    code = ("import os\n\n\ndef store(path, mode, base):\n    fd = os.open(path, os.O_WRONLY, 0o644)\n"
            "    os.makedirs(base, 0o777)\n    os.chmod(path, mode)\n    old = os.umask(0)\n    os.umask(old)\n"
            "    if os.path.exists(base):\n        return fd\n    if os.path.isfile(path):\n"
            "        os.remove(path)\n    return fd\n")
    review = review_source(code, filename="store.py", config=Config())
    summaries = {v.pillar: v.summary for v in review.verdicts}
    assert "permission changes that let no other user write: os.open mode=0o644 (line 5)" in summaries["284"]
    assert "creation modes with write for other users, which the process umask (0o022 by default) narrows" \
        in summaries["284"] and "os.makedirs mode=0o777 (line 6)" in summaries["284"]
    assert "permission changes with a mode computed at run time" in summaries["284"]
    assert "umask calls whose old value is kept, the idiom that reads the umask to set it back: " \
           "os.umask mode=0o0 (line 8)" in summaries["284"]
    assert ("path existence or access checks not followed, in their function, by open(), os.remove(), "
            "shutil.move() or another standard call acting on that path, so no such use can act on a stale answer: "
            "os.path.exists(base) (line 10)") in summaries["691"]
    assert "checks followed by a use of the same path: os.path.isfile(path) (line 12)" in summaries["691"]
    file_review = review.files[0]
    tree = ast.parse(code)
    assert not verify_file(tree, "store.py", file_review.findings, file_review.facts)
    verifier = Verifier(tree, "store.py")
    assert not verifier.holds(Evidence("284:permission", 5, "os.open mode=0o644", "store.py", "open"))
    assert not verifier.holds(Evidence("284:permission", 7, "os.chmod mode=mode", "store.py", "private"))
    assert verifier.holds(Evidence("284:permission", 6, "os.makedirs mode=0o777", "store.py", "umask-narrows"))


def test_webob_wsgify_handlers_are_routes() -> None:
    """OpenStack's WSGI applications are webob handlers: `@webob.dec.wsgify` declares one (a method too)."""
    code = ("import webob.dec\nimport webob.exc\n\n\nclass Versions:\n    @webob.dec.wsgify\n"
            "    def __call__(self, req):\n        if not req.environ['nova.context'].is_admin:\n"
            "            raise webob.exc.HTTPForbidden()\n        return webob.Response(body=b'ok')\n\n\n"
            "@webob.dec.wsgify(RequestClass=webob.Request)\ndef status(req):\n    return webob.Response(body=b'up')\n")
    summary = _summary(code, "nova/api/versions.py", "284")
    assert "route handlers that check authorisation in their body: __call__ (line 7" in summary
    assert "no authorisation decorator, dependency or check in their body: status (@webob.dec.wsgify) (line 14)" \
        in summary


def test_a_path_check_said_to_have_no_use_after_it_is_verified() -> None:
    code = "import os\n\n\ndef clean(path):\n    if os.path.exists(path):\n        os.remove(path)\n"
    verifier = Verifier(ast.parse(code), "clean.py")
    check = Evidence("691:check", 5, "os.path.exists(path)", "clean.py", "path@4")
    assert not verifier.related("not-used-after", check, check)
    other = ast.parse(code.replace("os.remove(path)", "print(path)"))
    assert Verifier(other, "clean.py").related("not-used-after", check, check)
