"""Secrets compared in variable time (CWE-208)."""
import hmac


def check_webhook(request, expected_signature):
    provided = request.headers["X-Signature"]
    # ruleid: timing-unsafe-comparison
    if provided == expected_signature:
        return True
    # ok: timing-unsafe-comparison
    return hmac.compare_digest(provided, expected_signature)


def check_api_key(api_key, stored):
    # ruleid: timing-unsafe-comparison
    return api_key != stored


def token_shape(token):
    # ok: timing-unsafe-comparison
    if len(token) == 32:
        return True
    # ok: timing-unsafe-comparison
    return token == ""


def passwords_match(password1, password2):
    # ok: timing-unsafe-comparison
    return password1 == password2


class PasswordResetView:
    reset_url_token = "set-password"

    def dispatch(self, token):
        # ok: timing-unsafe-comparison
        return token == self.reset_url_token


def describe_failure(reason, REASON_NO_CSRF_COOKIE):
    # ok: timing-unsafe-comparison
    return reason == REASON_NO_CSRF_COOKIE


def check_reset(token, user):
    # ruleid: timing-unsafe-comparison
    return token == user.reset_token


def check_body(key, body, provided):
    # ruleid: timing-unsafe-comparison
    return hmac.new(key, body, "sha256").hexdigest() == provided


def rule_for(secret_rule, value, current):
    # ok: timing-unsafe-comparison
    return secret_rule(value) != current.rule_id


def unchanged(status, row):
    signature = (status.st_size, status.st_mtime_ns)
    # ok: timing-unsafe-comparison
    return row[:2] == signature
