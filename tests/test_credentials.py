"""Hard-coded credentials judged by where a literal goes (secreview.analysis.credentials), not by its name."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_incremental import report, write

from secreview import review_source
from secreview.core.model import Confidence
from secreview.settings.config import Config

CREDENTIAL_RULES = ("hardcoded-password", "hardcoded-cryptographic-key", "hardcoded-credential")

PROJECT = {
    "shop/__init__.py": "",
    "shop/settings.py": ('import os\n\nDB_HOST = "db.shop.internal"\nPRIMARY = "Vx9#kq2Lm!8zR"\n'
                         'SIGNER = "k3J9x!vQ2m#Lw8zR5tY0pA7s"\nREPLICA = os.environ["REPLICA_PASSWORD"]\n'),
    "shop/__about__.py": "from shop.settings import PRIMARY as EXPORTED\n",
    "shop/db.py": ("import psycopg2\n\nfrom shop.settings import DB_HOST, PRIMARY, REPLICA\n\n\n"
                   "def primary():\n    return psycopg2.connect(host=DB_HOST, password=PRIMARY)\n\n\n"
                   "def replica():\n    return psycopg2.connect(host=DB_HOST, password=REPLICA)\n"),
    "shop/sign.py": ("import hashlib\nimport hmac\n\nfrom shop import settings\n\n\n"
                     "def sign(body):\n    key = settings.SIGNER.encode()\n"
                     "    return hmac.new(key, body, hashlib.sha256).hexdigest()\n"),
    "shop/unused.py": 'ADMIN_PASSWORD = "S3cure-Adm1n!x"\n',
}


def credentials(found: dict) -> list[tuple[str, int, str, str]]:
    return sorted((Path(f["path"]).name, f["line"], f["rule_id"], f["confidence"]) for f in found["findings"]
                  if f["rule_id"] in CREDENTIAL_RULES)


def test_a_constant_imported_by_another_module_is_reported_where_it_is_written(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    found = report(root, tmp_path / "out.json", "--no-cache")
    assert credentials(found) == [
        ("settings.py", 4, "hardcoded-password", "high"),  # PRIMARY, used in db.py
        ("settings.py", 5, "hardcoded-cryptographic-key", "high"),  # SIGNER, used in sign.py
        ("unused.py", 1, "hardcoded-password", "low"),  # only its name says it is one
    ]
    primary = next(f for f in found["findings"] if f["line"] == 4)
    assert "psycopg2.connect(host=DB_HOST, password=PRIMARY)" in primary["message"]
    assert "db.py" in primary["message"], "the use is cited"
    assert "Vx9#kq2Lm!8zR" not in primary["message"], "the report does not repeat the credential"
    unused = next(f for f in found["findings"] if Path(f["path"]).name == "unused.py")
    assert "its use as a credential was not seen" in unused["message"]


@pytest.mark.parametrize("options", [("--jobs", "2", "--no-cache"), ("--jobs", "1")])
def test_cold_warm_incremental_and_parallel_runs_agree(tmp_path: Path, options: tuple[str, ...],
                                                       relinks: list[int]) -> None:
    root = tmp_path / "project"
    from_environment = PROJECT["shop/settings.py"].replace('PRIMARY = "Vx9#kq2Lm!8zR"', 'PRIMARY = os.environ["P"]')
    write(root, {**PROJECT, "shop/settings.py": from_environment})
    cache = ("--cache-dir", str(tmp_path / "cache"))
    cold = report(root, tmp_path / "cold.json", "--no-cache", "--jobs", "1")
    assert report(root, tmp_path / "run.json", *options, *cache) == cold
    assert report(root, tmp_path / "warm.json", *cache) == cold
    assert not any(f[:2] == ("settings.py", 4) for f in credentials(cold))
    # an edit of the defining module alone: its constant becomes a literal that db.py uses as a password
    (root / "shop" / "settings.py").write_text(PROJECT["shop/settings.py"])
    edited = report(root, tmp_path / "edited.json", *cache)
    assert edited == report(root, tmp_path / "edited-cold.json", "--no-cache", "--jobs", "1")
    assert ("settings.py", 4, "hardcoded-password", "high") in credentials(edited)
    # an edit of the using module alone: the literal is no longer used as a password
    (root / "shop" / "db.py").write_text(PROJECT["shop/db.py"].replace("password=PRIMARY", "options=PRIMARY"))
    unused = report(root, tmp_path / "unused.json", *cache)
    assert unused == report(root, tmp_path / "unused-cold.json", "--no-cache", "--jobs", "1")
    assert not any(f[:2] == ("settings.py", 4) for f in credentials(unused))
    assert len(relinks) == 2, "both edits were re-linked incrementally, not in full"


def findings(code: str, filename: str = "app/service.py") -> list[tuple[int, str, Confidence]]:
    review = review_source(code, filename=filename, config=Config())
    return sorted((f.location.line, f.rule_id, f.confidence) for f in review.findings if f.rule_id in CREDENTIAL_RULES)


def test_the_use_decides_the_rule_whatever_the_name() -> None:
    code = ('import hmac\nimport smtplib\n\nPRIMARY = "Vx9#kq2Lm!8zR"\nLABEL = "Vx9#kq2Lm!8zR"\n\n\n'
            'def mail():\n    server = smtplib.SMTP("relay.internal")\n    server.login("me", PRIMARY)\n\n\n'
            'def sign(body):\n    return hmac.new(b"q8Zt4mYb9xR2wLk7sDf3", body, "sha256")\n\n\n'
            'def show():\n    print(LABEL)\n')
    assert findings(code) == [(4, "hardcoded-password", Confidence.HIGH),
                              (14, "hardcoded-cryptographic-key", Confidence.HIGH)]


def test_placeholders_templates_and_test_modules_are_no_credentials() -> None:
    code = ('import os\nimport psycopg2\n\n\n'
            'def connect(password="changeme", token="${API_TOKEN}"):\n'
            '    psycopg2.connect(password=password)\n    psycopg2.connect(password="<password>")\n'
            '    psycopg2.connect(password=os.environ.get("DB_PASSWORD", ""))\n')
    assert findings(code) == []
    fixture = 'import psycopg2\n\n\ndef test_db():\n    psycopg2.connect(password="Tr0ub4dor&3x-fixture")\n'
    assert findings(fixture, "tests/test_db.py") == []


def test_a_django_settings_module_keeps_its_secret_key() -> None:
    settings = ('INSTALLED_APPS = ["shop"]\nROOT_URLCONF = "shop.urls"\n'
                'SECRET_KEY = "django-insecure-9x!r#m2k@v7p$w4q8z1c6b3n0t5y"\n')
    assert findings(settings, "shop/settings.py") == [(3, "hardcoded-cryptographic-key", Confidence.HIGH)]
    elsewhere = 'SECRET_KEY = "django-insecure-9x!r#m2k@v7p$w4q8z1c6b3n0t5y"\n'
    assert findings(elsewhere, "shop/constants.py") == [(1, "hardcoded-cryptographic-key", Confidence.LOW)]


def test_a_literal_in_a_call_spread_over_lines_is_one_finding_at_the_literal() -> None:
    code = ('import psycopg2\n\n\ndef connect():\n    return psycopg2.connect(\n        host="db.internal",\n'
            '        password="Tr0ub4dor&3x",\n    )\n')
    assert findings(code) == [(7, "hardcoded-password", Confidence.HIGH)]
