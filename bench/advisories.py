"""Published advisories, reviewed on the vulnerable and the fixed release of each library.

For every row of `ADVISORIES` (advisory id, package, vulnerable and fixed
versions, the file the fix changed, CWE) both source releases are downloaded
at run time (`pip download --no-deps --no-binary :all:`) into `--workdir`
(never committed), the Python files the fix changed are found by diffing the
two releases, and each side's changed files are reviewed. It prints, per
advisory:

* found: the vulnerable release has a finding in the advisory's CWE-1000
  pillar within `NEAR` lines of a line the fix changed (at the finding's line or
  at a step of its data flow);
* silent: the fixed release has no finding of those rules near its changed lines.

Packages kept aside to check results independently are never in the table
(see `KEPT_ASIDE`); a test-free run needs the network to the package index.

    python bench/advisories.py --workdir /work/bench/advisories [--only Django] [--python OTHER/bin/python]
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from secreview.cwe.catalog import catalog

REVIEWER = sys.executable  # the interpreter whose secreview reviews (`--python` compares another build)
NEAR = 5  # lines either side of a changed line that still count as "at the fix"
KEPT_ASIDE = frozenset({"urllib3", "requests", "aiohttp", "pillow", "jinja2", "jinja", "werkzeug", "jupyter_server",
                        "setuptools", "gitpython", "twisted", "scrapy", "starlette", "nltk", "pyjwt", "paramiko",
                        "pyyaml", "tornado", "pyload-ng", "pyload"})


@dataclass(frozen=True)
class Advisory:
    """One published advisory: the release pair that its fix separates."""

    id: str
    package: str
    vulnerable: str
    fixed: str
    file: str  # the file the fix changed (suffix of its path in the release)
    cwe: str


ADVISORIES = [
    Advisory("CVE-2023-36053", "Django", "4.2.2", "4.2.3", "django/core/validators.py", "1333"),
    Advisory("CVE-2023-43665", "Django", "4.2.5", "4.2.6", "django/utils/text.py", "1333"),
    Advisory("CVE-2024-27351", "Django", "5.0.2", "5.0.3", "django/utils/text.py", "1333"),
    Advisory("CVE-2019-14232", "Django", "2.2.3", "2.2.4", "django/utils/text.py", "1333"),
    Advisory("CVE-2021-3281", "Django", "3.1.5", "3.1.6", "django/utils/archive.py", "22"),
    Advisory("CVE-2021-33203", "Django", "3.2.3", "3.2.4", "django/contrib/admindocs/views.py", "22"),
    Advisory("CVE-2021-31542", "Django", "3.2", "3.2.1", "django/http/multipartparser.py", "22"),
    Advisory("CVE-2023-23969", "Django", "4.1.5", "4.1.6", "django/utils/translation/trans_real.py", "400"),
    Advisory("CVE-2022-34265", "Django", "4.0.5", "4.0.6", "django/db/models/functions/datetime.py", "89"),
    Advisory("CVE-2022-36359", "Django", "4.0.6", "4.0.7", "django/http/response.py", "494"),
    Advisory("CVE-2023-46695", "Django", "4.2.6", "4.2.7", "django/contrib/auth/forms.py", "400"),
    Advisory("CVE-2020-5236", "waitress", "1.4.2", "1.4.3", "waitress/rfc7230.py", "1333"),
    Advisory("CVE-2022-24761", "waitress", "2.1.0", "2.1.1", "waitress/utilities.py", "444"),
    Advisory("CVE-2020-7695", "uvicorn", "0.11.6", "0.11.7", "uvicorn/protocols/http/httptools_impl.py", "113"),
    Advisory("CVE-2024-24762", "python-multipart", "0.0.6", "0.0.7", "multipart/multipart.py", "1333"),
    Advisory("CVE-2016-9964", "bottle", "0.12.10", "0.12.11", "bottle.py", "93"),
    Advisory("CVE-2020-28473", "bottle", "0.12.18", "0.12.19", "bottle.py", "444"),
    Advisory("CVE-2021-20270", "Pygments", "2.7.3", "2.7.4", "pygments/lexers/ml.py", "835"),
    Advisory("CVE-2021-27291", "Pygments", "2.7.3", "2.7.4", "pygments/lexers/objective.py", "1333"),
    Advisory("CVE-2022-40896", "Pygments", "2.14.0", "2.15.0", "pygments/lexers/smithy.py", "1333"),
    Advisory("CVE-2021-42771", "Babel", "2.9.0", "2.9.1", "babel/localedata.py", "22"),
    Advisory("CVE-2021-32839", "sqlparse", "0.4.1", "0.4.2", "sqlparse/filters/others.py", "1333"),
    Advisory("CVE-2023-30608", "sqlparse", "0.4.3", "0.4.4", "sqlparse/keywords.py", "1333"),
    Advisory("CVE-2021-21240", "httplib2", "0.18.1", "0.19.0", "httplib2/__init__.py", "1333"),
    Advisory("CVE-2020-11078", "httplib2", "0.17.4", "0.18.0", "httplib2/__init__.py", "93"),
    Advisory("CVE-2019-20916", "pip", "19.1.1", "19.2", "pip/_internal/download.py", "22"),
    Advisory("CVE-2021-28957", "lxml", "4.6.2", "4.6.3", "lxml/html/clean.py", "79"),
    Advisory("CVE-2022-34749", "mistune", "2.0.2", "2.0.3", "mistune/plugins/table.py", "1333"),
    Advisory("CVE-2023-40587", "pyramid", "2.0.1", "2.0.2", "pyramid/static.py", "22"),
    # Fixed in 19.5.0 (process_headers rejects control characters from then on; 19.7.1 already had the check).
    Advisory("CVE-2018-1000164", "gunicorn", "19.4.5", "19.5.0", "gunicorn/http/wsgi.py", "93"),
    Advisory("CVE-2024-39614", "Django", "5.0.6", "5.0.7", "django/utils/translation/trans_real.py", "400"),
    # Protocol framing (issue 14): SMTP smuggling, request smuggling by lenient line endings and chunks.
    Advisory("CVE-2024-27305", "aiosmtpd", "1.4.4.post2", "1.4.5", "aiosmtpd/smtp.py", "93"),
    Advisory("CVE-2019-16785", "waitress", "1.3.1", "1.4.0", "waitress/parser.py", "444"),
    Advisory("CVE-2024-1135", "gunicorn", "21.2.0", "22.0.0", "gunicorn/http/message.py", "444"),
    Advisory("CVE-2025-43859", "h11", "0.14.0", "0.16.0", "h11/_readers.py", "444"),
    # Path containment (issue 14): string containment checks, archive members, download names.
    Advisory("CVE-2022-35918", "streamlit", "1.11.0", "1.11.1", "streamlit/components/v1/components.py",
             "22"),
    Advisory("CVE-2020-10691", "ansible", "2.9.6", "2.9.7", "lib/ansible/galaxy/collection.py", "22"),
    Advisory("CVE-2022-44900", "py7zr", "0.20.0", "0.20.2", "py7zr/py7zr.py", "22"),
    Advisory("CVE-2021-40978", "mkdocs", "1.2.2", "1.2.3", "mkdocs/livereload/__init__.py", "22"),
    # Unbounded resources, credentials and redirects, more ReDoS (issue 14, second session).
    Advisory("CVE-2025-55197", "pypdf", "5.9.0", "6.0.0", "pypdf/filters.py", "409"),
    Advisory("CVE-2023-24580", "Django", "4.1.6", "4.1.7", "django/http/multipartparser.py", "400"),
    Advisory("CVE-2018-14574", "Django", "2.0.7", "2.0.8", "django/middleware/common.py", "601"),
    Advisory("CVE-2020-26215", "notebook", "6.1.4", "6.1.5", "notebook/base/handlers.py", "601"),
    Advisory("CVE-2019-10255", "notebook", "5.7.5", "5.7.6", "notebook/auth/login.py", "601"),
    Advisory("CVE-2022-24737", "httpie", "3.0.2", "3.1.0", "httpie/client.py", "200"),
    Advisory("CVE-2020-6817", "bleach", "3.1.3", "3.1.4", "bleach/sanitizer.py", "1333"),
    Advisory("CVE-2020-29651", "py", "1.9.0", "1.10.0", "py/_path/svnwc.py", "1333"),
    Advisory("CVE-2021-26813", "markdown2", "2.3.10", "2.4.0", "markdown2.py", "1333"),
    Advisory("CVE-2021-32837", "mechanize", "0.4.5", "0.4.6", "mechanize/_urllib2_fork.py", "1333"),
    Advisory("CVE-2021-46823", "python-ldap", "3.3.1", "3.4.0", "ldap/schema/tokenizer.py", "1333"),
]


def fetch(package: str, version: str, workdir: Path) -> Path | None:
    """The unpacked source release, downloaded once; None when the index has none."""
    target = workdir / f"{package}-{version}"
    if (target / ".unpacked").exists():
        return target
    download = workdir / "downloads" / f"{package}-{version}"
    download.mkdir(parents=True, exist_ok=True)
    for kind in ("--no-binary", "--only-binary"):  # the source release; its wheel when its setup.py no longer runs
        if any(download.iterdir()):
            break
        result = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                                 kind, ":all:", f"{package}=={version}", "-d", str(download)],
                                capture_output=True, text=True, timeout=600, check=False)
    else:
        if not any(download.iterdir()):
            print(f"  {package} {version}: download failed: {result.stderr.strip()[-200:]}", file=sys.stderr)
            return None
    archive = next(iter(sorted(download.iterdir())))
    target.mkdir(parents=True, exist_ok=True)
    if archive.suffix in (".zip", ".whl"):
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                if info.filename.endswith(".py") and ".." not in info.filename and not info.filename.startswith("/"):
                    # a wheel has no top folder: give it one, as an sdist has
                    zipped.extract(info, target / "wheel" if archive.suffix == ".whl" else target)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(target, members=[m for m in tar.getmembers() if m.name.endswith(".py") and m.isfile()],
                           filter="data")
    (target / ".unpacked").touch()
    return target


def python_files(root: Path) -> dict[str, Path]:
    """Each Python file by its path below the release's top folder (tests and docs left out)."""
    out: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).parts[1:]
        if not relative or {"tests", "test", "docs", "testing"} & set(relative[:-1]):
            continue
        out["/".join(relative)] = path
    return out


def changed_lines(old: Path, new: Path) -> tuple[set[int], set[int]]:
    """Lines the fix touched, on each side (a pure insertion marks the line it follows)."""
    before = old.read_text(errors="replace").splitlines()
    after = new.read_text(errors="replace").splitlines()
    olds: set[int] = set()
    news: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            olds.update(range(i1 + 1, max(i2, i1 + 1) + 1))
            news.update(range(j1 + 1, max(j2, j1 + 1) + 1))
    return olds, news


def review(paths: list[Path]) -> list[dict]:
    """secreview's findings for these files, every severity and confidence."""
    if not paths:
        return []
    result = subprocess.run([REVIEWER, "-m", "secreview", "scan", *map(str, paths), "--format", "json",
                             "--no-cache", "--no-gitignore", "--min-severity", "low", "--min-confidence", "low",
                             "--jobs", "1"], capture_output=True, text=True, check=False)
    try:
        return json.loads(result.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        print(f"  review failed: {result.stderr.strip()[-300:]}", file=sys.stderr)
        return []


def near(finding: dict, lines: set[int]) -> bool:
    """The finding (a multi-line call by its whole span: a re.compile spanning lines) is within NEAR
    lines of a changed line, or its data flow passes one in the same file (pip's fix changed where the
    Content-Disposition name is read, ten lines above the `open` the flow ends at)."""
    first, last = finding["line"], max(finding.get("end_line") or finding["line"], finding["line"])
    spans = [(first, last), *((step["line"], step["line"]) for step in finding.get("flow", ())
                              if step.get("path") == finding["path"])]
    return any(start - NEAR <= line <= end + NEAR for start, end in spans for line in lines)


def judge(advisory: Advisory, workdir: Path) -> dict:
    """found / silent for one advisory, with the rules that fired."""
    old_root = fetch(advisory.package, advisory.vulnerable, workdir)
    new_root = fetch(advisory.package, advisory.fixed, workdir)
    if old_root is None or new_root is None:
        return {"advisory": advisory.id, "status": "unavailable"}
    old_files, new_files = python_files(old_root), python_files(new_root)
    pairs = {name: (old_files[name], new_files[name]) for name in old_files.keys() & new_files.keys()
             if name.endswith(advisory.file) or name == advisory.file}
    pillar = "CWE-" + catalog().weakness(advisory.cwe).primary_pillar.removeprefix("CWE-")
    found_rules: set[str] = set()
    fixed_rules: set[str] = set()
    for old, new in pairs.values():
        olds, news = changed_lines(old, new)
        if not olds and not news:
            continue
        for finding in review([old]):
            if finding["pillar"] == pillar and near(finding, olds):
                found_rules.add(finding["rule_id"])
        for finding in review([new]):
            if finding["rule_id"] in found_rules and near(finding, news):
                fixed_rules.add(finding["rule_id"])
    return {"advisory": advisory.id, "package": advisory.package, "cwe": advisory.cwe, "pillar": pillar,
            "status": "ok" if pairs else "file not found", "found": bool(found_rules),
            "silent_in_fixed": bool(found_rules) and not fixed_rules, "rules": sorted(found_rules)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/work/bench/advisories"))
    parser.add_argument("--only", help="only the advisories of this package")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--python", help="review with the secreview installed for this interpreter")
    args = parser.parse_args(argv)
    global REVIEWER
    REVIEWER = args.python or sys.executable
    assert not {a.package.lower() for a in ADVISORIES} & KEPT_ASIDE, "a kept-aside package is in the table"
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = [judge(a, args.workdir) for a in ADVISORIES if not args.only or a.package.lower() == args.only.lower()]
    print(f"{'advisory':<18} {'package':<17} {'CWE':<6} {'found':<6} {'silent':<7} rules")
    for row in rows:
        if row["status"] != "ok":
            print(f"{row['advisory']:<18} {row.get('package', ''):<17} {row['status']}")
            continue
        print(f"{row['advisory']:<18} {row['package']:<17} {row['cwe']:<6} {'yes' if row['found'] else 'no':<6} "
              f"{'yes' if row['silent_in_fixed'] else 'no':<7} {', '.join(row['rules'])}")
    usable = [r for r in rows if r["status"] == "ok"]
    print(f"\n{len(usable)} advisories reviewed, {len(rows) - len(usable)} unavailable: "
          f"found in vulnerable {sum(r['found'] for r in usable)}, "
          f"silent in fixed {sum(r['silent_in_fixed'] for r in usable)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
