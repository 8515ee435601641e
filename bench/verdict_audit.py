"""Audit the verdict sentences on real code: every sentence with its cited lines, and every claim verified.

    python bench/verdict_audit.py --workdir /tmp/secreview-bench [--out verdict-audit.txt]

Nova and Django are fetched at run time from their source distributions into
--workdir (never into the repository; `bench/speed.py` does the same and its
download helper is reused). A fixed sample of files — half test code, half
product code, from both projects — is reviewed one file at a time. For each
file the audit writes every clean verdict sentence, then each line the
sentence cites with the source text of that line, so that a reader can judge
each sentence against the code beside it; findings are listed by rule and
line. Then the claim verifier (`secreview.review.claims`, what
`--verify-verdicts` runs) checks every claim, and the audit prints how many
sentences, cited facts and relations it checked and every claim that failed.

Exit status 1 when a claim fails, so the audit can guard a wording change.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import prepare_sdist

from secreview import review_paths
from secreview.review.claims import cited_lines, verify_file
from secreview.settings.config import Config

PINNED = {"nova": "nova==34.0.0", "django": "django==5.1"}
# (project, path inside the sdist, test code?): chosen for the idioms the verdicts must read well —
# functional tests with fixtures, mock stacks and polling; unit tests; API controllers with policy
# checks; privsep; file storage, sessions, auth views and the autoreloader.
SAMPLE: tuple[tuple[str, str, bool], ...] = (
    ("nova", "nova/tests/functional/regressions/test_bug_1595962.py", True),
    ("nova", "nova/tests/functional/libvirt/test_live_migration.py", True),
    ("nova", "nova/tests/functional/compute/test_live_migration.py", True),
    ("nova", "nova/tests/unit/test_utils.py", True),
    ("nova", "nova/tests/fixtures/nova.py", True),
    ("nova", "nova/tests/unit/virt/libvirt/test_imagebackend.py", True),
    ("nova", "nova/api/openstack/compute/servers.py", False),
    ("nova", "nova/api/openstack/compute/keypairs.py", False),
    ("nova", "nova/privsep/utils.py", False),
    ("nova", "nova/virt/libvirt/imagebackend.py", False),
    ("nova", "nova/utils.py", False),
    ("nova", "nova/virt/libvirt/utils.py", False),
    ("django", "tests/auth_tests/test_views.py", True),
    ("django", "tests/file_storage/tests.py", True),
    ("django", "tests/sessions_tests/tests.py", True),
    ("django", "tests/admin_views/test_actions.py", True),
    ("django", "tests/test_client/views.py", True),
    ("django", "django/contrib/auth/views.py", False),
    ("django", "django/core/files/storage/filesystem.py", False),
    ("django", "django/contrib/sessions/backends/file.py", False),
    ("django", "django/utils/autoreload.py", False),
    ("django", "django/contrib/admin/views/main.py", False),
)


def audit(root: Path, relative: str, out: list[str]) -> tuple[int, int, list[str]]:
    """Write one file's verdicts with their cited lines; return (sentences, cited facts, failed claims)."""
    path = root / relative
    source = path.read_text("utf-8")
    lines = source.splitlines()
    file_review = review_paths([path], Config()).files[0]
    out.append(f"\n=== {relative} ({len(lines)} lines, {len(file_review.findings)} findings)")
    for finding in file_review.findings:
        out.append(f"  finding {finding.rule_id} line {finding.location.line}: {finding.message[:120]}")
    sentences = cited = 0
    for verdict in file_review.verdicts:
        if verdict.status != "clean":
            continue
        sentences += 1
        out.append(f"\n  CWE-{verdict.pillar}: {verdict.summary}")
        numbers = sorted(cited_lines(verdict.summary))
        cited += len(numbers)
        for number in numbers:
            text = lines[number - 1].strip() if 0 < number <= len(lines) else "<outside the file>"
            out.append(f"      {number:>5} | {text[:110]}")
    problems = verify_file(ast.parse(source), relative, file_review.findings, file_review.facts)
    return sentences, cited, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="where the sdists are fetched and unpacked")
    parser.add_argument("--out", type=Path, default=Path("verdict-audit.txt"), help="the sentences, for reading")
    args = parser.parse_args()
    roots = {name: prepare_sdist(args.workdir, name, requirement) for name, requirement in PINNED.items()}
    out: list[str] = []
    sentences = cited = 0
    problems: list[str] = []
    tests = sum(1 for _, _, test in SAMPLE if test)
    for project, relative, _ in SAMPLE:
        found = audit(roots[project], relative, out)
        sentences, cited, problems = sentences + found[0], cited + found[1], problems + found[2]
    args.out.write_text("\n".join(out) + "\n", "utf-8")
    print(f"{len(SAMPLE)} files ({tests} test code, {len(SAMPLE) - tests} product code), {sentences} clean "
          f"sentences citing {cited} lines, written to {args.out}; {len(problems)} claims failed")
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
