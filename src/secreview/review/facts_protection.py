"""Facts about protection mechanisms (CWE-693), parsers (CWE-435) and coding standards (CWE-710).

693: `693:hash` (a fast digest), `693:kdf`, `693:hmac`, `693:cipher`,
`693:random` (the `random` module), `693:random-secure` (secrets, urandom,
SystemRandom), `693:tls` (an SSL context), `693:jwt`, `693:csrf` (CSRF
protection enabled), `693:middleware` (security middleware), `693:setting`
(a security setting assigned) — and `693:csrf-exempt` from facts_access.
435: `435:parser` on a call to a URL, e-mail, header, HTML or JSON parser;
`subject` names the family, so two parsers of one family can be told apart.
710: `710:import` / `710:import-deprecated` on every import statement;
`710:debug-on` / `710:debug-off` / `710:debug-external` where debug mode is
set; `710:deprecated-call`.
"""

from __future__ import annotations

import ast
import re

from secreview.review.facts_base import collector, spelled
from secreview.rules.base import Context, keyword
from secreview.rules.heuristics import name_of

_FAST_HASHES = tuple(f"hashlib.{n}" for n in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256",
                                              "sha3_512", "blake2b", "blake2s", "new"))
_KDFS = ("hashlib.pbkdf2_hmac", "hashlib.scrypt", "bcrypt.hashpw", "bcrypt.kdf", "argon2.PasswordHasher",
         "django.contrib.auth.hashers.make_password", "werkzeug.security.generate_password_hash")
_HMACS = ("hmac.new", "hmac.digest", "hmac.HMAC")
_RANDOM = tuple(f"random.{n}" for n in ("random", "randint", "randrange", "choice", "choices", "sample",
                                        "getrandbits", "uniform", "randbytes", "shuffle", "seed", "Random"))
_SECURE_RANDOM = ("secrets.token_bytes", "secrets.token_hex", "secrets.token_urlsafe", "secrets.choice",
                  "secrets.randbelow", "secrets.randbits", "secrets.SystemRandom", "os.urandom",
                  "random.SystemRandom")
_TLS = ("ssl.create_default_context", "ssl.SSLContext", "ssl._create_unverified_context")
_JWT = ("jwt.decode", "jwt.encode")
_CSRF = ("flask_wtf.CSRFProtect", "flask_wtf.csrf.CSRFProtect", "django.views.decorators.csrf.csrf_protect")
_MIDDLEWARE_CALLS = ("flask_talisman.Talisman", "flask_seasurf.SeaSurf", "secure.Secure")
_CIPHER_ROOTS = ("cryptography.", "Crypto.", "Cryptodome.", "nacl.", "passlib.")
_KIND_OF: dict[str, str] = {
    **{n: "693:hash" for n in _FAST_HASHES}, **{n: "693:kdf" for n in _KDFS}, **{n: "693:hmac" for n in _HMACS},
    **{n: "693:random" for n in _RANDOM}, **{n: "693:random-secure" for n in _SECURE_RANDOM},
    **{n: "693:tls" for n in _TLS}, **{n: "693:jwt" for n in _JWT}, **{n: "693:csrf" for n in _CSRF},
    **{n: "693:middleware" for n in _MIDDLEWARE_CALLS},
}
_SECURITY_MIDDLEWARE = re.compile(r"csrf|security|xframe|clickjacking|talisman|cors", re.IGNORECASE)
_SECURITY_SETTINGS = re.compile(
    r"^(WTF_CSRF_ENABLED|CSRF_\w+|SESSION_COOKIE_(SECURE|HTTPONLY|SAMESITE)|SECURE_\w+|X_FRAME_OPTIONS|"
    r"PASSWORD_HASHERS|AUTH_PASSWORD_VALIDATORS|ALLOWED_HOSTS)$")


@collector(id="protection-calls", calls=tuple(_KIND_OF))
def protection_call(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    ctx.fact(_KIND_OF[name], node, name)


_CIPHER_PACKAGES = tuple(root.rstrip(".") for root in _CIPHER_ROOTS)


# (`imports=`: resolving every call's name only to find it outside them costs more than the rest.)
@collector(id="protection-libraries", nodes=(ast.Call,), imports=_CIPHER_PACKAGES)
def crypto_library(node: ast.Call, ctx: Context) -> None:
    """Ciphers and KDFs of cryptography, PyCryptodome, PyNaCl and passlib, by package."""
    name = ctx.call_name(node)
    if name is not None and name.startswith(_CIPHER_ROOTS):
        ctx.fact("693:kdf" if name.startswith("passlib.") else "693:cipher", node, name)


_PARSERS: dict[str, str] = {
    **{n: "URL" for n in ("urllib.parse.urlparse", "urllib.parse.urlsplit", "urllib.parse.parse_qs",
                          "urllib.parse.parse_qsl", "urllib3.util.parse_url", "urllib3.util.url.parse_url",
                          "rfc3986.urlparse", "rfc3986.uri_reference", "yarl.URL", "furl.furl", "httpx.URL",
                          "werkzeug.urls.url_parse", "hyperlink.parse", "django.utils.http.url_has_allowed_host_and_scheme")},
    **{n: "e-mail address" for n in ("email.utils.parseaddr", "email.utils.getaddresses",
                                     "email_validator.validate_email")},
    **{n: "e-mail message" for n in ("email.message_from_string", "email.message_from_bytes",
                                     "email.parser.Parser", "email.parser.BytesParser")},
    **{n: "header" for n in ("http.cookies.SimpleCookie", "cgi.parse_header", "werkzeug.http.parse_options_header",
                             "email.message.Message")},
    **{n: "HTML" for n in ("html.parser.HTMLParser", "bs4.BeautifulSoup", "lxml.html.fromstring",
                           "html5lib.parse", "bleach.clean")},
    **{n: "JSON" for n in ("json.loads", "json.load", "simplejson.loads", "orjson.loads", "ujson.loads",
                           "rapidjson.loads", "oslo_serialization.jsonutils.loads",
                           "oslo_serialization.jsonutils.load")},
}


@collector(id="parsers", calls=tuple(_PARSERS))
def parser(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    ctx.fact("435:parser", node, name, _PARSERS[name])


DEPRECATED_MODULES = frozenset({"imp", "cgi", "cgitb", "telnetlib", "asynchat", "asyncore", "smtpd", "pipes",
                                "crypt", "nntplib", "distutils", "md5", "sha", "xmlrpclib", "msilib", "audioop",
                                "spwd", "uu", "sndhdr", "imghdr", "nis", "chunk", "mailcap", "ossaudiodev",
                                "sunau", "xdrlib", "popen2", "commands"})
DEPRECATED_CALLS = ("ssl.wrap_socket", "os.tempnam", "os.tmpnam", "platform.linux_distribution",
                    "inspect.getargspec", "xml.etree.cElementTree.parse")


@collector(id="standards-imports", nodes=(ast.Import, ast.ImportFrom))
def imports(node: ast.Import | ast.ImportFrom, ctx: Context) -> None:
    if isinstance(node, ast.Import):
        modules = [alias.name for alias in node.names]
    else:
        modules = [("." * node.level) + (node.module or "")]
    deprecated = [m for m in modules if m.split(".", 1)[0] in DEPRECATED_MODULES]
    kind = "710:import-deprecated" if deprecated and not (isinstance(node, ast.ImportFrom) and node.level) \
        else "710:import"
    ctx.fact(kind, node, ", ".join(deprecated or modules))


@collector(id="standards-deprecated-calls", calls=DEPRECATED_CALLS)
def deprecated_call(node: ast.Call, ctx: Context) -> None:
    ctx.fact("710:deprecated-call", node, ctx.call_name(node) or "")


def _debug_kind(value: ast.expr) -> str:
    if isinstance(value, ast.Constant):
        return "710:debug-on" if value.value else "710:debug-off"
    return "710:debug-external"


@collector(id="standards-debug-run", methods=("run",))
def debug_run(node: ast.Call, ctx: Context) -> None:
    debug = keyword(node, "debug")
    if debug is not None:
        ctx.fact(_debug_kind(debug.value), node, f"{spelled(node.func)}(debug={spelled(debug.value)})")


@collector(id="settings", nodes=(ast.Assign,))
def setting(node: ast.Assign, ctx: Context) -> None:
    """DEBUG, CSRF/cookie settings and MIDDLEWARE lists, as module or config assignments."""
    target = node.targets[0]
    name = name_of(target)
    if not name or not name.isupper() and name != "debug":
        return
    value = node.value
    if name in ("DEBUG", "debug") and (ctx.classes or not ctx.functions or name == "DEBUG"):
        if name == "debug" and not isinstance(target, ast.Attribute):
            return  # a local `debug` flag, not an application's
        ctx.fact(_debug_kind(value), node, f"{spelled(target)} = {spelled(value, 30)}")
    elif name in ("MIDDLEWARE", "MIDDLEWARE_CLASSES") and isinstance(value, (ast.List, ast.Tuple)):
        for element in value.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str) and \
                    _SECURITY_MIDDLEWARE.search(element.value):
                ctx.fact("693:middleware", element, element.value.rsplit(".", 1)[-1])
    elif _SECURITY_SETTINGS.match(name):
        ctx.fact("693:setting", node, f"{name} = {spelled(value, 30)}")
