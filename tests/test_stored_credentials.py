"""A model field declared of a credential type is a secret wherever an instance of the model is read,
across modules, by its type and never by its name; the join gives the same report cold, warm, in
parallel and after editing the model (re-linked incrementally)."""

from __future__ import annotations

import ast
from pathlib import Path

from secreview.analysis.stored_credentials import credential_fields, instance_class, password_fields
from tests.test_declared_secrets import secret_findings, warm_cold_parallel
from tests.test_incremental import report, write

MODELS = ("from flask_sqlalchemy import SQLAlchemy\nfrom sqlalchemy_utils import EncryptedType\n\n"
          "db = SQLAlchemy()\n\n\n"
          "class Account(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
          "    name = db.Column(db.String(80))\n    api_key = db.Column(EncryptedType(db.String, 'k'))\n")
PROJECT = {
    "app/__init__.py": "",
    "app/models.py": MODELS,
    "app/views.py": ("import logging\n\nfrom app.models import Account, db\n\nlog = logging.getLogger(__name__)\n\n\n"
                     "def show(account_id):\n    account = Account.query.get(account_id)\n"
                     "    log.info('account %s', account.name)\n    log.info('key %s', account.api_key)\n\n\n"
                     "def annotated(account: Account):\n    log.info('key %s', account.api_key)\n\n\n"
                     "def by_session(account_id):\n    account = db.session.get(Account, account_id)\n"
                     "    log.info('key %s', account.api_key)\n"),
}
FOUND = {("views.py", 11, "secret-in-log"), ("views.py", 15, "secret-in-log"), ("views.py", 20, "secret-in-log")}


def test_a_field_of_a_credential_type_is_a_secret_where_another_module_reads_it(
        tmp_path: Path, relinks: list[int]) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    assert warm_cold_parallel(root, tmp_path) == FOUND, "the name is logged alone; the key, three ways"

    plain = MODELS.replace("EncryptedType(db.String, 'k')", "db.String(64)")
    (root / "app/models.py").write_text(plain, encoding="utf-8")
    assert warm_cold_parallel(root, tmp_path) == set(), "declared a plain string: its name makes no secret"
    (root / "app/models.py").write_text(MODELS, encoding="utf-8")
    assert warm_cold_parallel(root, tmp_path) == FOUND
    assert len(relinks) == 2, "both edits of the model were re-linked incrementally"


def test_a_read_of_a_model_no_module_declares_is_no_secret(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, {**PROJECT, "app/models.py": MODELS.replace("EncryptedType(db.String, 'k')", "db.String(64)")})
    assert secret_findings(_cold(root, tmp_path)) == set()


def _cold(root: Path, tmp_path: Path) -> dict:
    return report(root, tmp_path / "cold.json", "--no-cache")


# What the names of the snippets below are bound to, as a module's imports would bind them.
IMPORTED = {"PasswordType": "sqlalchemy_utils.PasswordType", "PasswordField": "wtforms.PasswordField", "encrypt": "django_cryptography.fields.encrypt",
            "models": "django.db.models", "User": "app.models.User", "select": "sqlalchemy.select",
            "get_object_or_404": "django.shortcuts.get_object_or_404", "make_user": "app.users.make_user"}


def _qualname(node: ast.expr) -> str | None:
    if type(node) is ast.Name:
        return IMPORTED.get(node.id)
    if type(node) is ast.Attribute:
        base = _qualname(node.value)
        return f"{base}.{node.attr}" if base else None
    if type(node) is ast.Call:
        return _qualname(node.func)
    return None


def test_the_declared_type_decides_not_the_name() -> None:
    tree = ast.parse("class User(Base):\n    password = Column(String(128))\n    token = Column(PasswordType())\n"
                     "    seed = encrypt(models.CharField(max_length=64))\n    secret_uuid = Column(String(36))\n"
                     "class Plain(Base):\n    api_key = Column(String(64))\n")
    assert credential_fields(tree, "app.models", _qualname) == {"app.models.User": frozenset({"token", "seed"})}


def test_a_form_field_is_a_password_by_its_input_type() -> None:
    tree = ast.parse("class Signup(Form):\n    password = models.CharField(max_length=128)\n"
                     "    pin = models.CharField(widget=models.PasswordInput)\n    secret = PasswordField('Secret')\n"
                     "    token = CharField(write_only=True, style={'input_type': 'password'})\n"
                     "    note = CharField(style={'input_type': 'text'})\n")
    assert password_fields(tree, "app.forms", _qualname) == {"app.forms.Signup": frozenset({"pin", "secret", "token"})}


def test_the_class_of_an_instance_made_or_queried() -> None:
    def of(text: str) -> str | None:
        return instance_class(ast.parse(text).body[0].value, _qualname)  # type: ignore[attr-defined]

    for made in ("User(name='x')", "User.query.get(1)", "User.query.filter_by(id=1).first()",
                 "User.objects.get(pk=1)", "User.objects.filter(pk=1).first()", "session.get(User, 1)",
                 "session.query(User).filter(User.id == 1).one()", "get_object_or_404(User, pk=1)",
                 "session.execute(select(User).where(User.id == 1)).scalar_one()"):
        assert of(made) == "app.models.User", made
    for other in ("make_user()", "User.query.all()", "session.get(key)", "len(users)", "user_ids.pop()"):
        assert of(other) is None, other
