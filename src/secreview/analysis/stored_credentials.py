"""Credentials a model stores, read from its instances: a join at link time, as for declared options.

A model class says itself which of its fields hold a credential, by the *type* it declares them
with: SQLAlchemy-Utils' `PasswordType` (a password hash), `EncryptedType`/`StringEncryptedType` (a
value kept encrypted at rest, read back in clear), and the encrypted fields of Django's
django-cryptography (`encrypt(models.CharField())`), django-encrypted-model-fields and
django-fernet-fields. Whoever reads `user.api_key` from an instance of such a class holds the
secret (the kind `stored_secret`: it must not reach a log, an exception or a response); its name
decides nothing, and `user.password` of a model whose `password` is a plain `CharField` is no secret.

The declaration and the reads are often in different modules (`models.py` and `views.py`), so this
works like `secreview.analysis.declared_secrets`: each module's summary declares the keys
`model:<class qualname>.<field>` of its credential fields (`ModuleSummary.declared`), and a read of
a field of an instance whose class the pass knows is a *pending* source of that key, kept by the
link only when some module declares it. A class of the same module is judged at once: only its
credential fields make a pending read.

An instance's class is known when the function made it or asked the ORM for it (`User(...)`,
`User.query.get(...)`, `User.query.filter_by(...).first()`, `User.objects.get(...)`,
`session.get(User, ...)`, `session.query(User)...first()`, `get_object_or_404(User, ...)`), or
from a parameter's annotation (`user: User`). Only a class of the project (not a library's), spelt
like one (PEP 8: capitalised): that keeps every `x = make_thing(); x.attr` from becoming a pending read.

pydantic's `SecretStr` is no such type here: pydantic prints it as '**********', so the field
itself shows no secret (`get_secret_value()` is the source, see rules/specs/secrets.toml).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.analysis.specs import VALUE_KINDS, SourceSpec
from secreview.core.model import Confidence

MODEL = "model:"

# package -> the names of its credential field types (by their last component: the packages
# re-export them, `sqlalchemy_utils.PasswordType` is `sqlalchemy_utils.types.password.PasswordType`)
_CREDENTIAL_TYPES = {
    "sqlalchemy_utils": frozenset({"PasswordType", "EncryptedType", "StringEncryptedType"}),
    "django_cryptography": frozenset({"encrypt"}),
    "encrypted_model_fields": frozenset({"EncryptedCharField", "EncryptedTextField", "EncryptedEmailField"}),
    "fernet_fields": frozenset({"EncryptedCharField", "EncryptedTextField", "EncryptedEmailField"}),
}
PACKAGES = frozenset(_CREDENTIAL_TYPES)
FORM_PACKAGES = frozenset({"wtforms", "flask_wtf", "django", "rest_framework"})
FORM = "form:"

# What a person typed into a form's password field (`form.password.data`, `form.cleaned_data["password"]`,
# `serializer.validated_data["password"]`): a password, as a parameter named so would be, but by its type.
FORM_PASSWORD = SourceSpec(
    label="a password typed into a form (a field declared as a password input)", confidence=Confidence.HIGH,
    kind="password", not_for=VALUE_KINDS["password"])
SUBMITTED = frozenset({"cleaned_data", "validated_data"})  # Django forms', DRF serializers' checked input

# Not for the timing rule: a `PasswordType` value compares by verifying the candidate against the hash
# (passlib), and the link knows only that some module declares the field, not with which type.
STORED_FIELD = SourceSpec(
    label="a credential a model stores (a field of a password or encrypted type)", confidence=Confidence.HIGH,
    kind="stored_secret", not_for=VALUE_KINDS["stored_secret"] | {"secret_compare"})



def credential_fields(tree: ast.Module, module: str, qualname: Callable[[ast.expr], str | None]
                      ) -> dict[str, frozenset[str]]:
    """Class qualname -> the fields its body declares of a credential type (module-level classes)."""
    return _declared(tree, module, lambda value: _credential_type(value, qualname))


def password_fields(tree: ast.Module, module: str, qualname: Callable[[ast.expr], str | None]
                    ) -> dict[str, frozenset[str]]:
    """Form or serializer class qualname -> its fields declared as password inputs (module-level classes)."""
    return _declared(tree, module, lambda value: _password_input(value, qualname))


def _declared(tree: ast.Module, module: str, judge: Callable[[ast.expr], bool]) -> dict[str, frozenset[str]]:
    found = {}
    for stmt in tree.body:
        if type(stmt) is not ast.ClassDef:
            continue
        fields = frozenset(name for name, value in _assignments(stmt.body) if judge(value))  # type: ignore[attr-defined]
        if fields:
            found[f"{module}.{stmt.name}"] = fields  # type: ignore[attr-defined]
    return found


def declarations(models: dict[str, frozenset[str]], forms: dict[str, frozenset[str]]) -> tuple[str, ...]:
    """The declaration keys of `credential_fields`' and `password_fields`' answers."""
    return tuple(sorted([f"{prefix}{cls}.{name}" for prefix, fields in ((MODEL, models), (FORM, forms))
                         for cls, names in fields.items() for name in names]))


def _assignments(body: list[ast.stmt]) -> list[tuple[str, ast.expr]]:
    found = []
    for stmt in body:
        if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:  # type: ignore[attr-defined]
            found.append((stmt.targets[0].id, stmt.value))  # type: ignore[attr-defined]
        elif type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name and stmt.value is not None:  # type: ignore[attr-defined]
            found.append((stmt.target.id, stmt.value))  # type: ignore[attr-defined]
    return found


def _password_input(value: ast.expr, qualname: Callable[[ast.expr], str | None]) -> bool:
    """`PasswordField("Password")` (WTForms), `forms.CharField(widget=forms.PasswordInput)` (Django),
    `serializers.CharField(write_only=True, style={"input_type": "password"})` (Django REST framework)."""
    for node in ast.walk(value):
        kind = type(node)
        if kind is ast.Name or kind is ast.Attribute:
            qual = qualname(node)  # type: ignore[arg-type]
            if qual:
                top, _, name = qual.partition(".")
                name = name.rpartition(".")[2]
                if name == "PasswordField" and top in ("wtforms", "flask_wtf") or \
                        name == "PasswordInput" and top == "django":
                    return True
        elif kind is ast.Dict and any(type(k) is ast.Constant and k.value == "input_type" and type(v) is ast.Constant  # type: ignore[attr-defined]
                                      and v.value == "password" for k, v in zip(node.keys, node.values)):  # type: ignore[attr-defined]
            return True
    return False


def _credential_type(value: ast.expr, qualname: Callable[[ast.expr], str | None]) -> bool:
    """`Column(PasswordType(schemes=[...]))`, `db.Column(EncryptedType(db.String, key))`, `encrypt(CharField())`."""
    for node in ast.walk(value):
        if type(node) is ast.Name or type(node) is ast.Attribute:
            qual = qualname(node)  # type: ignore[arg-type]
            if qual:
                top, _, rest = qual.partition(".")
                names = _CREDENTIAL_TYPES.get(top)
                if names is not None and (rest or qual).rpartition(".")[2] in names:
                    return True
    return False


def instance_class(node: ast.expr | None, qualname: Callable[[ast.expr], str | None]) -> str | None:
    """The class whose instance an assigned value is, when the code made it or the ORM returned it
    (spelt like a class: see `_class_like`); None when the pass cannot tell."""
    if type(node) is not ast.Call:
        return None
    func = node.func  # type: ignore[attr-defined]
    args = node.args  # type: ignore[attr-defined]
    if type(func) is ast.Attribute and func.attr in _ONE:  # type: ignore[attr-defined]
        if args and func.attr in _GIVEN_THE_MODEL:  # `session.get(User, id)`, `session.scalar(select(User))`  # type: ignore[attr-defined]
            found = _queried(args[0], qualname)
            if found:
                return found
        return _queried(func.value, qualname)  # type: ignore[attr-defined]
    called = qualname(func)
    if called in _BY_ARGUMENT and args:  # `get_object_or_404(User, pk=pk)`
        return _queried(args[0], qualname)
    return called if called and _class_like(called) else None


# The calls that return one instance of the model the query is about (SQLAlchemy, Flask-SQLAlchemy, Django),
# and those of them given the model (or a `select()` of it) as their first argument.
_ONE = frozenset({"get", "get_or_404", "first", "first_or_404", "one", "one_or_none", "one_or_404", "last",
                  "scalar", "scalar_one", "scalar_one_or_none", "earliest", "latest"})
_GIVEN_THE_MODEL = frozenset({"get", "get_or_404", "one_or_404", "first_or_404", "scalar"})
_MANAGERS = frozenset({"query", "objects"})  # `User.query` (Flask-SQLAlchemy), `User.objects` (Django)
_QUERIES = frozenset({"query", "execute", "scalars"})  # session methods given the model or a `select()`
_BY_ARGUMENT = frozenset({"django.shortcuts.get_object_or_404", "sqlalchemy.select", "sqlalchemy.future.select"})


def _queried(node: ast.expr, qualname: Callable[[ast.expr], str | None]) -> str | None:
    """The model a query (chain) is about: `User`, `User.query.filter_by(...)`, `User.objects.filter(...)`,
    `session.query(User).filter(...)`, `session.execute(select(User).where(...))`."""
    for _ in range(8):
        kind = type(node)
        if kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            args = node.args  # type: ignore[attr-defined]
            if args and (type(func) is ast.Attribute and func.attr in _QUERIES  # type: ignore[attr-defined]
                         or qualname(func) in _BY_ARGUMENT):
                node = args[0]
            else:
                node = func
        elif kind is ast.Attribute and node.attr in _MANAGERS:  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
            break
        elif kind is ast.Attribute:
            found = qualname(node)
            if found and _class_like(found):
                return found
            node = node.value  # type: ignore[attr-defined]
        else:
            break
    found = qualname(node) if type(node) is ast.Name or type(node) is ast.Attribute else None
    return found if found and _class_like(found) else None


def annotated_class(annotation: str, external: Callable[[str], bool]) -> str | None:
    """The project class a parameter's annotation names (`user: User`), if it is spelt like one."""
    return annotation if "." in annotation and _class_like(annotation) and not external(annotation) else None


def _class_like(qual: str) -> bool:
    """Spelt like a class (PEP 8): `app.models.User`, not `app.users.make_user`."""
    return qual.rpartition(".")[2][:1].isupper()
