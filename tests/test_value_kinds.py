"""Value kinds as flow states: what the spec forms for kinds say, and that a value reaches only its kind's sinks.

The kinds (untrusted data, secret material, weak randomness, passwords) share the one taint
engine: a kind is the set of sink classes its atoms are not cut for. These tests check the spec
forms the kinds need (sinks by keyword on any call, by assigned name, on calls that are also
sources, `in_functions` parameter sources, a sink's confidence) and the kinds' separation.
"""

from __future__ import annotations

import textwrap

import pytest

from secreview import review_source
from secreview.analysis import specs as spec_module
from secreview.core.model import Confidence
from secreview.settings.config import Config


def findings(code: str, rule_id: str) -> list:
    review = review_source(textwrap.dedent(code), "app.py", Config())
    return [f for f in review.findings if f.rule_id == rule_id]


def test_every_kind_reaches_only_its_own_sink_classes() -> None:
    reach = {kind: set(spec_module.SINK_KINDS) - cuts for kind, cuts in spec_module.VALUE_KINDS.items()}
    # HTML built by string formatting is followed from directory listings only (analysis.framing); the number
    # sinks are reached once a conversion marked the value a number (specs.NUMBER, analysis.numbers).
    assert reach["untrusted"] == set(spec_module.UNTRUSTED_SINK_KINDS) - {"markup"} | set(spec_module.NUMBER_SINK_KINDS)
    assert reach["filename"] == {"markup"}
    assert reach["weak_random"] == {"random_secret"}
    # a credential written to a cleartext transport (a Telnet session) is a secret sink too
    assert reach["secret"] == {"secret_log", "secret_compare", "secret_error", "cookie_secure", "cookie_httponly",
                               "cleartext"}
    assert reach["password"] == reach["secret"] | {"password_hash"}
    assert reach["untrusted_secret"] == reach["untrusted"] | reach["secret"]
    # only a secret the server keeps must never be sent: a token made for the asking user is issued
    assert reach["stored_secret"] == reach["secret"] | {"secret_response", "weak_hash_key"}
    # MD5 and SHA-1 output reaches only the uses where collisions forge something
    assert reach["fast_hash"] == {"weak_hash"}


def test_a_keyword_sink_applies_to_any_call_and_only_to_its_keywords() -> None:
    code = """\
        import random

        def invite(users, name):
            code = str(random.randint(0, 10**6))
            users.create(name, password=code)
            users.create(name, note=code)
        """
    [finding] = findings(code, "insecure-random-for-secret")
    assert finding.location.line == 5
    assert "by its keyword" in finding.message and finding.confidence is Confidence.HIGH


def test_a_keyword_given_by_double_star_is_no_keyword_sink() -> None:
    code = """\
        import random

        def invite(users, name):
            users.create(name, **{"password": str(random.random())})
        """
    assert findings(code, "insecure-random-for-secret") == []


def test_a_name_sink_is_low_confidence_and_gives_way_to_any_other_use() -> None:
    alone = """\
        import random

        def new_session():
            session_id = random.getrandbits(128)
            return session_id
        """
    [finding] = findings(alone, "insecure-random-for-secret")
    assert finding.confidence is Confidence.LOW and "known only by this name" in finding.message
    used = alone.replace("return session_id", "return open_session(token=session_id)")
    [finding] = findings(used, "insecure-random-for-secret")
    assert finding.location.line == 5 and finding.confidence is Confidence.HIGH


def test_a_source_call_is_also_checked_as_a_sink() -> None:
    code = """\
        import hashlib
        import hmac
        import random

        def sign(body):
            key = random.randbytes(32)
            return hmac.new(key, body, hashlib.sha256).hexdigest()
        """
    [finding] = findings(code, "insecure-random-for-secret")
    assert finding.location.line == 7 and "the key of a MAC" in finding.message


def test_system_random_and_secrets_are_no_weak_randomness() -> None:
    code = """\
        import random
        import secrets

        def invite(users, name):
            users.create(name, password=str(random.SystemRandom().random()))
            users.create(name, password=secrets.token_urlsafe(12))
        """
    assert findings(code, "insecure-random-for-secret") == []


def test_in_functions_limits_a_parameter_source_to_functions_of_those_names() -> None:
    code = """\
        import hashlib

        class Account:
            def set_password(self, raw_password):
                self.digest = hashlib.md5(raw_password.encode()).hexdigest()

            def fingerprint(self, raw_password):
                return hashlib.md5(raw_password.encode()).hexdigest()
        """
    by_line = {f.location.line: f.confidence for f in findings(code, "fast-hash-for-password")}
    # The API's parameter is a password; the same name elsewhere is judged by its name only.
    assert by_line == {5: Confidence.HIGH, 8: Confidence.LOW}


def test_a_key_derivation_on_the_way_makes_a_key_not_a_password() -> None:
    code = """\
        import getpass
        import hashlib

        def enrol(store):
            entered = getpass.getpass()
            key = hashlib.pbkdf2_hmac("sha256", entered.encode(), b"salt-from-elsewhere", 600_000)
            store["k"] = hashlib.sha256(key).hexdigest()
            store["fast"] = hashlib.sha256(entered.encode()).hexdigest()
        """
    assert [f.location.line for f in findings(code, "fast-hash-for-password")] == [8]


@pytest.mark.parametrize(("document", "message"), [
    ({"sink": [{"kind": "random_secret", "any_call_keywords": "password"}]}, "must be a list of strings"),
    ({"sink": [{"kind": "random_secret", "assigned_names": ["token"], "confidence": "sure"}]}, "confidence must be"),
    ({"source": [{"label": "x", "kind": "lukewarm"}]}, "kind must be one of"),
    ({"source": [{"label": "x", "in_functions": "set_password"}]}, "must be a list of strings"),
    ({"source": [{"label": "x", "into_argument": "yes"}]}, "must be a boolean"),
    ({"source": [{"label": "x", "unless_given_data": 1}]}, "must be a boolean"),
    ({"sink": [{"kind": "cookie_secure", "unless_true": ["secure"]}]}, "must be a string"),
])
def test_the_kind_spec_forms_are_validated(document: dict, message: str) -> None:
    with pytest.raises(spec_module.SpecError, match=message):
        spec_module.compile_specs({"bad.toml": document})


def test_keyword_and_name_sinks_are_indexed_with_their_confidence() -> None:
    specs = spec_module.compile_specs({"k.toml": {"sink": [
        {"kind": "random_secret", "label": "kw", "any_call_keywords": ["salt"]},
        {"kind": "random_secret", "label": "nm", "assigned_names": ["salt"], "confidence": "low"},
    ]}})
    [keyword] = specs.keyword_sinks["salt"]
    [name] = specs.name_sinks["salt"]
    assert keyword.args == () and keyword.keywords == ("salt",) and keyword.confidence is Confidence.HIGH
    assert name.confidence is Confidence.LOW


def test_a_credential_header_is_request_data_and_a_secret_at_once() -> None:
    code = """\
        import logging
        import subprocess

        from flask import Flask, abort, request

        from app.models import Client

        app = Flask(__name__)
        log = logging.getLogger(__name__)

        @app.route("/hook")
        def hook():
            auth = request.headers.get("Authorization", "")
            agent = request.headers.get("User-Agent", "")
            log.info("call from %r with %r", agent, auth)
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer":
                abort(401)
            if token != Client.stored_token(request.args["id"]):
                abort(403)
            subprocess.run("echo " + auth, shell=True)
            log.info("agent %r", agent)
        """
    review = review_source(textwrap.dedent(code), "app.py", Config())
    lines = {(f.rule_id, f.location.line) for f in review.findings}
    assert ("secret-in-log", 15) in lines  # the Authorization header, not the User-Agent
    assert ("timing-unsafe-comparison", 19) in lines and ("timing-unsafe-comparison", 17) not in lines
    assert ("taint-command-injection", 21) in lines  # still request data for the injection sinks
    assert ("secret-in-log", 22) not in lines  # a header that carries no credential is no secret
    [logged] = [f for f in review.findings if f.rule_id == "secret-in-log"]
    assert "a credential the client sends" in logged.message and "Authorization" in logged.message


@pytest.mark.parametrize(("flags", "reported"), [
    ("", {"secret-cookie-without-secure", "secret-cookie-without-httponly"}),
    ("secure=False, httponly=True", {"secret-cookie-without-secure"}),
    ("secure=settings_secure, httponly=True", set()),  # not known to be False: the setting decides
    ("**COOKIE_FLAGS", set()),  # the flags may be in the mapping
])
def test_unless_true_judges_the_flag_a_cookie_is_given(flags: str, reported: set) -> None:
    code = f"""\
        import secrets

        def remember(response, settings_secure, COOKIE_FLAGS):
            response.set_cookie("keep", secrets.token_urlsafe(32), {flags})
        """
    review = review_source(textwrap.dedent(code), "app.py", Config())
    assert {f.rule_id for f in review.findings if f.rule_id.startswith("secret-cookie")} == reported


def test_the_type_of_a_secret_is_not_the_secret() -> None:
    code = """\
        import getpass

        def ask():
            entered = getpass.getpass()
            if not isinstance(entered, str):
                raise TypeError(f"expected str, not {entered.__class__.__name__}")
            raise ValueError(f"rejected {entered}")
        """
    assert [f.location.line for f in findings(code, "secret-in-exception")] == [7]


def test_the_random_fix_is_at_the_flows_start_and_never_partial() -> None:
    from secreview.fixes import fixes_for

    one = """\
        import random

        def invite(users, name):
            code = "%06d" % random.randrange(10**6)
            return users.create(name, password=code)
        """
    several = """\
        import random

        def invite(users, name):
            code = random.choice("abc") + random.choice("123")
            return users.create(name, password=code)
        """
    for code, offered in ((one, True), (several, False)):
        text = textwrap.dedent(code)
        found = findings(code, "insecure-random-for-secret")
        assert [f.location.line for f in found] == [5]  # at the use, not at the random call
        fixes = fixes_for("app.py", text, found)
        assert bool(fixes) is offered
        if offered:
            assert any("randbelow" in edit.text for edit in fixes[0].edits)
