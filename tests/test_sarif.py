"""The SARIF reporter: valid against the official 2.1.0 schema, and right in what it says.

Validity alone proves little (an empty run is valid), so each test also checks
the behaviour a code-scanning service relies on: rule tags and indexes,
1-based regions, stable fingerprints, suppressions and notifications.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

import secreview
from secreview.core.fingerprint import FINGERPRINT_VERSION, fingerprint
from secreview.core.model import (
    NO_DEFECTS,
    Confidence,
    Diagnostic,
    DiagnosticKind,
    FileReview,
    Finding,
    Location,
    Review,
    Severity,
    Step,
)
from secreview.report.sarif import render
from secreview.rules import all_rules

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

MANY_RULES = (
    "import subprocess, pickle, yaml\n"
    "subprocess.call(cmd, shell=True)\n"
    "obj = pickle.loads(data)\n"
    "eval(user_input)\n"
    "    \n"
    "conf = yaml.load(text)\n"
)
SUPPRESSED = (
    "import subprocess\n"
    "subprocess.call(cmd, shell=True)  # secreview: ignore[command-injection-shell] cmd is a fixed admin script\n"
)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # the draft the schema declares ($schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif(review: Review) -> dict[str, Any]:
    """Render, check it is valid SARIF 2.1.0, and return the parsed log."""
    text = render(review)
    log = json.loads(text)
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    _check_uris(log)
    return log


def _check_uris(node: object) -> None:
    """The schema's uri formats are not all checked by jsonschema without extras; check ours."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("uri", "helpUri", "informationUri") and isinstance(value, str):
                assert not any(c in value for c in ' <>"{}|\\^`'), value
                parts = urlsplit(value)
                if key != "uri" or "uriBaseId" not in node:
                    assert parts.scheme, f"{key} must be absolute: {value}"
                else:
                    assert not parts.scheme, f"relative uri expected: {value}"
            _check_uris(value)
    elif isinstance(node, list):
        for value in node:
            _check_uris(value)


def run_of(log: dict[str, Any]) -> dict[str, Any]:
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(log["runs"]) == 1
    return log["runs"][0]


def region_of(result: dict[str, Any]) -> dict[str, Any]:
    return result["locations"][0]["physicalLocation"]["region"]


# -- the schema file itself ------------------------------------------------------


def test_schema_file_is_the_official_2_1_0_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    schema_id = schema.get("$id") or schema.get("id")
    assert schema_id.endswith("/sarif-schema-2.1.0.json")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert set(schema["required"]) == {"version", "runs"}


def test_validator_rejects_an_invalid_log() -> None:
    """Guard against a validator that accepts anything (e.g. a wrong draft or an empty schema)."""
    assert list(_validator().iter_errors({"version": "2.1.0", "runs": [{"results": []}]}))  # no tool
    assert list(_validator().iter_errors({"version": "2.0.0", "runs": []}))
    # Deep checks work too: a 0-based column inside a result is caught.
    log = json.loads(render(secreview.review_source("import os\nos.system(cmd)\n", filename="a.py")))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    assert list(_validator().iter_errors(log))


# -- the driver and its rules ------------------------------------------------------


def test_every_registered_rule_is_described_with_cwe_tags_specific_first() -> None:
    run = run_of(sarif(secreview.review_source("x = 1\n", filename="clean.py")))
    driver = run["tool"]["driver"]
    assert driver["name"] == "secreview"
    assert driver["version"] == secreview.__version__
    assert driver["semanticVersion"] == secreview.__version__
    rules = driver["rules"]
    registered = all_rules()
    assert [r["id"] for r in rules] == [r.id for r in registered]
    for descriptor, rule in zip(rules, registered):
        tags = descriptor["properties"]["tags"]
        cwe_tags = [t for t in tags if t.startswith("external/cwe/")]
        assert cwe_tags[0] == f"external/cwe/cwe-{rule.cwe}", rule.id
        assert cwe_tags[1] == f"external/cwe/cwe-{rule.pillar}", rule.id
        assert len(cwe_tags) == len(set(cwe_tags)) == 2
        assert "security" in tags
        assert descriptor["shortDescription"]["text"] == rule.name
        assert descriptor["fullDescription"]["text"]
        assert rule.doc.splitlines()[0] in descriptor["help"]["markdown"]
        assert descriptor["help"]["text"]
        expected_level = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
        assert descriptor["defaultConfiguration"]["level"] == expected_level[rule.severity.label]
        expected_score = {"critical": "9.0", "high": "8.0", "medium": "5.5", "low": "3.0"}
        assert descriptor["properties"]["security-severity"] == expected_score[rule.severity.label]
        float(descriptor["properties"]["security-severity"])  # a number held in a string
        assert descriptor["properties"]["precision"] == rule.confidence.label
        assert descriptor["properties"]["problem.severity"] in ("error", "warning", "recommendation")


def test_rule_relationships_point_at_cwe_taxa() -> None:
    run = run_of(sarif(secreview.review_source("x = 1\n", filename="clean.py")))
    (taxonomy,) = run["taxonomies"]
    assert taxonomy["name"] == "CWE"
    taxa = taxonomy["taxa"]
    for descriptor, rule in zip(run["tool"]["driver"]["rules"], all_rules()):
        targets = [rel["target"] for rel in descriptor["relationships"]]
        assert [t["id"] for t in targets] == [rule.cwe, rule.pillar]
        for target in targets:
            assert taxa[target["index"]]["id"] == target["id"]
            assert target["toolComponent"] == {"name": "CWE", "index": 0}


# -- results -------------------------------------------------------------------------


def test_findings_of_several_rules() -> None:
    review = secreview.review_source(MANY_RULES, filename="pkg/app.py")
    assert len({f.rule_id for f in review.findings}) >= 3
    run = run_of(sarif(review))
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(review.findings)
    by_line = {f.location.line: f for f in review.findings}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = region_of(result)
        finding = by_line[region["startLine"]]
        loc = finding.location
        assert result["ruleId"] == finding.rule_id
        assert result["level"] == {"high": "error", "medium": "warning", "low": "note", "critical": "error"}[
            finding.severity.label
        ]
        assert result["message"]["text"] == f"{finding.message} Fix: {finding.fix}"
        assert region["startColumn"] == loc.column + 1 >= 1
        assert region["endLine"] == loc.end_line
        assert region["endColumn"] == loc.end_column + 1
        assert region["snippet"]["text"] == finding.source_line
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "pkg/app.py", "uriBaseId": "%SRCROOT%"}
        assert result["properties"]["cwe"] == f"CWE-{finding.cwe}"
        assert result["properties"]["pillar"] == f"CWE-{finding.pillar}"
        assert result["properties"]["confidence"] == finding.confidence.label
        assert result["properties"]["severity"] == finding.severity.label
        assert result["partialFingerprints"] == {FINGERPRINT_VERSION: fingerprint(finding)}
        assert "suppressions" not in result
        assert "codeFlows" not in result
    # The shell call sits on line 2, column 0 in the source: SARIF says line 2, column 1.
    shell = next(r for r in results if r["ruleId"] == "command-injection-shell")
    assert (region_of(shell)["startLine"], region_of(shell)["startColumn"]) == (2, 1)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    verdict = run["properties"]["secreview"]["verdict"]
    assert verdict == review.verdict != NO_DEFECTS


def test_clean_review() -> None:
    review = secreview.review_source("import subprocess\nsubprocess.run(['ls', '-l'], check=True)\n", filename="ok.py")
    run = run_of(sarif(review))
    assert run["results"] == []
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["toolExecutionNotifications"] == []
    props = run["properties"]["secreview"]
    assert props["verdict"] == NO_DEFECTS
    assert props["cweCatalog"]
    pillars = props["pillars"]
    assert [p["pillar"] for p in pillars] == [f"CWE-{v.pillar}" for v in review.verdicts]
    assert all(p["status"] == "clean" for p in pillars)
    assert "originalUriBaseIds" not in run  # nothing refers to it


def test_pillar_verdicts_carry_their_evidence() -> None:
    from secreview.core.model import Evidence, PillarVerdict

    verdict = PillarVerdict(
        pillar="664",
        name="Improper Control of a Resource Through its Lifetime",
        status="clean",
        summary="no defect: file opened with a context manager (line 3)",
        evidence=(Evidence(kind="664:resource-released", line=3, text="with open(...)", path="a.py"),),
    )
    run = run_of(sarif(Review(files=(), verdicts=(verdict,), tool_version="9.9.9")))
    (pillar,) = run["properties"]["secreview"]["pillars"]
    assert pillar == {
        "pillar": "CWE-664",
        "name": verdict.name,
        "status": "clean",
        "summary": verdict.summary,
        "evidence": [{"kind": "664:resource-released", "line": 3, "text": "with open(...)", "path": "a.py"}],
    }
    assert run["tool"]["driver"]["version"] == "9.9.9"


def test_diagnostics_become_notifications() -> None:
    review = secreview.review_source("def broken(:\n    pass\n", filename="bad.py")
    (diagnostic,) = review.all_diagnostics
    run = run_of(sarif(review))
    assert run["results"] == []
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "warning"
    assert notification["message"]["text"] == f"{diagnostic.kind.value}: {diagnostic.message}"
    assert notification["message"]["text"].startswith("syntax-error: ")
    physical = notification["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "bad.py"
    assert physical["region"] == {"startLine": diagnostic.line}
    descriptor = notification["descriptor"]
    assert descriptor["id"] == "syntax-error"
    assert run["tool"]["driver"]["notifications"][descriptor["index"]]["id"] == "syntax-error"


def test_internal_error_is_an_error_and_pathless_diagnostics_have_no_location() -> None:
    review = Review(
        files=(FileReview(path="x.py", lines=1, diagnostics=(Diagnostic("x.py", DiagnosticKind.INTERNAL, "boom"),)),),
        verdicts=(),
        diagnostics=(Diagnostic("", DiagnosticKind.CONFIG, "unknown key 'sevrity'"),),
        tool_version="0.1.0",
    )
    notes = run_of(sarif(review))["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning", "error"]  # config first (run-level), then the file's
    assert "locations" not in notes[0]
    assert notes[0]["message"]["text"] == "config-error: unknown key 'sevrity'"
    assert notes[1]["message"]["text"] == "internal-error: boom"
    assert "region" not in notes[1]["locations"][0]["physicalLocation"]


def test_suppressed_finding_carries_its_justification() -> None:
    review = secreview.review_source(SUPPRESSED, filename="ops/run.py")
    assert not review.findings and len(review.suppressed) == 1
    run = run_of(sarif(review))
    (result,) = run["results"]
    assert result["ruleId"] == "command-injection-shell"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "command-injection-shell"
    assert result["suppressions"] == [{"kind": "inSource", "justification": "cmd is a fixed admin script"}]
    assert run["properties"]["secreview"]["verdict"] == NO_DEFECTS
    assert run["properties"]["secreview"]["suppressed"] == 1


def _with_flow() -> tuple[Review, Finding]:
    review = secreview.review_source("import os\nos.system(cmd)\n", filename="web/views.py")
    (finding,) = review.findings
    steps = (
        Step(Location("web/views.py", 5, 11, 5, 27), "`request.args['q']` enters as untrusted input"),
        Step(Location("web/views.py", 6, 4, 6, 22), "assigned to `cmd`"),
        Step(Location("web/views.py", 7, 4, 7, 18), "reaches os.system(cmd)"),
    )
    flowing = dataclasses.replace(finding, path=steps)
    files = (dataclasses.replace(review.files[0], findings=(flowing,)),)
    return Review(files=files, verdicts=review.verdicts, tool_version=review.tool_version), flowing


def test_data_flow_becomes_a_code_flow() -> None:
    review, finding = _with_flow()
    (result,) = run_of(sarif(review))["results"]
    (code_flow,) = result["codeFlows"]
    (thread_flow,) = code_flow["threadFlows"]
    locations = thread_flow["locations"]
    assert [loc["location"]["message"]["text"] for loc in locations] == [s.description for s in finding.path]
    for step, loc in zip(finding.path, locations):
        physical = loc["location"]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "web/views.py", "uriBaseId": "%SRCROOT%"}
        assert physical["region"]["startLine"] == step.location.line
        assert physical["region"]["startColumn"] == step.location.column + 1
        assert physical["region"]["endColumn"] == step.location.end_column + 1


def test_unregistered_rule_still_gets_a_valid_rule_index() -> None:
    """A finding from a non-static source may name a rule the registry does not have."""
    finding = Finding(
        rule_id="llm-ssrf",
        rule_name="Server-side request to a user-chosen URL",
        cwe="918",
        pillar="664",
        secondary_pillars=(),
        severity=Severity.MEDIUM,
        confidence=Confidence.LOW,
        location=Location("svc.py", 3, 4, 3, 30),
        source_line="requests.get(request.args['u'])",
        message="The URL comes from the request.",
        fix="Allow-list the hosts.",
        source="llm",
    )
    review = Review(files=(FileReview(path="svc.py", lines=3, findings=(finding,)),), verdicts=())
    run = run_of(sarif(review))
    (result,) = run["results"]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == len(all_rules()) + 1
    assert rules[result["ruleIndex"]]["id"] == "llm-ssrf"
    assert rules[result["ruleIndex"]]["properties"]["tags"][1:] == ["external/cwe/cwe-918", "external/cwe/cwe-664"]
    assert result["properties"]["source"] == "llm"


# -- regions and paths -------------------------------------------------------------


def test_non_ascii_line_gives_whole_line_region() -> None:
    """ast columns count UTF-8 bytes; on a non-ASCII line they are not SARIF character columns."""
    review = secreview.review_source("import os\nos.system('é' + cmd)\n", filename="u.py")
    (result,) = run_of(sarif(review))["results"]
    region = region_of(result)
    assert region["startLine"] == region["endLine"] == 2
    assert "startColumn" not in region and "endColumn" not in region


def test_unknown_end_is_left_out_not_invented() -> None:
    review, finding = _with_flow()
    odd = dataclasses.replace(finding, path=(), location=Location("web/views.py", 4, 8, 0, 0))
    files = (dataclasses.replace(review.files[0], findings=(odd,)),)
    (result,) = run_of(sarif(Review(files=files, verdicts=())))["results"]
    region = region_of(result)
    assert region["startLine"] == region["endLine"] == 4
    assert region["startColumn"] == 9
    assert "endColumn" not in region


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("<string>", {"uri": "%3Cstring%3E", "uriBaseId": "%SRCROOT%"}),
        ("my dir/a b.py", {"uri": "my%20dir/a%20b.py", "uriBaseId": "%SRCROOT%"}),
        ("./pkg/x.py", {"uri": "pkg/x.py", "uriBaseId": "%SRCROOT%"}),
        ("pkg\\win.py", {"uri": "pkg/win.py", "uriBaseId": "%SRCROOT%"}),
        ("/elsewhere/y.py", {"uri": "file:///elsewhere/y.py"}),
    ],
)
def test_artifact_uris(path: str, expected: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    review = secreview.review_source("import os\nos.system(cmd)\n", filename=path)
    (result,) = run_of(sarif(review))["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == expected


def test_absolute_path_under_the_working_directory_is_made_relative(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "src" / "app.py"
    target.parent.mkdir()
    target.write_text("import os\nos.system(cmd)\n", encoding="utf-8")
    review = secreview.review_paths([str(target)])
    run = run_of(sarif(review))
    (result,) = run["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


# -- fingerprints and determinism -----------------------------------------------------


def test_fingerprint_survives_a_line_move_and_changes_with_the_code() -> None:
    (finding,) = secreview.review_source("import os\nos.system(cmd)\n", filename="m.py").findings
    moved = dataclasses.replace(finding, location=dataclasses.replace(finding.location, line=40, end_line=40))
    reindented = dataclasses.replace(moved, source_line="\t    os.system(cmd)")
    respaced = dataclasses.replace(finding, source_line="os.system(cmd)   ")
    changed = dataclasses.replace(finding, source_line="os.system(other)")
    other_file = dataclasses.replace(finding, location=dataclasses.replace(finding.location, path="n.py"))
    other_rule = dataclasses.replace(finding, rule_id="code-injection-eval")

    assert fingerprint(moved) == fingerprint(finding)
    assert fingerprint(reindented) == fingerprint(finding)
    assert fingerprint(respaced) == fingerprint(finding)
    assert fingerprint(changed) != fingerprint(finding)
    assert fingerprint(other_file) != fingerprint(finding)
    assert fingerprint(other_rule) != fingerprint(finding)
    assert len(fingerprint(finding)) == 64 and int(fingerprint(finding), 16) >= 0

    # And the same holds for what lands in the SARIF log.
    def sarif_fingerprint(f: Finding) -> str:
        review = Review(files=(FileReview(path=f.location.path, lines=50, findings=(f,)),), verdicts=())
        (result,) = run_of(sarif(review))["results"]
        return result["partialFingerprints"][FINGERPRINT_VERSION]

    assert sarif_fingerprint(moved) == sarif_fingerprint(finding)
    assert sarif_fingerprint(changed) != sarif_fingerprint(finding)


def test_fingerprint_ignores_path_separator_style() -> None:
    (finding,) = secreview.review_source("import os\nos.system(cmd)\n", filename="pkg/m.py").findings
    windows = dataclasses.replace(finding, location=dataclasses.replace(finding.location, path="pkg\\m.py"))
    assert fingerprint(windows) == fingerprint(finding)


def test_output_is_deterministic() -> None:
    review = secreview.review_source(MANY_RULES + SUPPRESSED, filename="pkg/app.py")
    first = render(review)
    assert first == render(review)
    assert first == render(secreview.review_source(MANY_RULES + SUPPRESSED, filename="pkg/app.py"))
    assert first.endswith("\n") and first.startswith('{\n  "$schema"')


def test_a_finding_with_a_mechanical_fix_carries_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = "import yaml\n\n\ndef read(text):\n    return yaml.load(text, Loader=yaml.Loader)  # config\n"
    (tmp_path / "conf.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    (result,) = run_of(sarif(secreview.review_paths(["conf.py"])))["results"]
    (fix,) = result["fixes"]
    assert "safe_load" in fix["description"]["text"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "conf.py", "uriBaseId": "%SRCROOT%"}
    lines = source.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:  # SARIF lines and code-point columns are 1-based
        return sum(len(x) for x in lines[:line - 1]) + column - 1

    fixed = source
    for replacement in reversed(change["replacements"]):  # regions of the file as reviewed
        region = replacement["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        fixed = fixed[:start] + replacement.get("insertedContent", {}).get("text", "") + fixed[end:]
    assert fixed == source.replace("yaml.load(text, Loader=yaml.Loader)", "yaml.safe_load(text)")
