"""More exceptional-condition cases: spellings and near misses (CWE-252, CWE-390)."""
import subprocess

from flask_wtf import FlaskForm
from passlib.hash import pbkdf2_sha256


def change_email(form: FlaskForm, user):
    # ruleid: security-verdict-ignored
    form.validate_on_submit()
    user.email = form.email.data


def change_email_checked(form: FlaskForm, user):
    # ok: security-verdict-ignored
    if form.validate_on_submit():
        user.email = form.email.data


def login(user, password):
    # ruleid: security-verdict-ignored
    pbkdf2_sha256.verify(password, user.password_hash)
    return user


def edit(request, document):
    # ruleid: security-verdict-ignored
    request.user.has_perm("docs.change_document", document)
    document.save()


def edit_checked(request, document):
    # ok: security-verdict-ignored
    allowed = request.user.has_perm("docs.change_document", document)
    if allowed:
        document.save()


def verify_checkout(tag):
    # ruleid: verification-exit-status-ignored
    subprocess.call(["git", "verify-tag", tag])
    subprocess.run(["git", "checkout", tag], check=True)


def verify_checkout_checked(tag):
    # ok: verification-exit-status-ignored
    if subprocess.call(["git", "verify-tag", tag]) != 0:
        raise SystemExit("unsigned tag")
    subprocess.run(["git", "checkout", tag], check=True)


def verify_image(image):
    # ruleid: verification-exit-status-ignored
    outcome = subprocess.run(["cosign", "verify", image], capture_output=True)
    return image


def token_user(token, serializer):
    try:
        return serializer.loads(token)
    # ok: security-exception-swallowed
    except serializer.BadSignature:
        return None


def check_signature(token, verifier):
    try:
        verifier.verify_signature(token)
    # ruleid: security-exception-swallowed
    except BaseException:
        pass
    return True
