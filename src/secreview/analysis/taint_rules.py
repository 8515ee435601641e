"""The taint rules: one rule per sink class, registered in the ordinary rule registry.

Taint findings are produced by the project pass (`secreview.analysis.flows`),
not by the one-walk engine. Their rules are still registered with `@rule` so
that `secreview rules` lists them, `secreview explain` documents them,
`--select/--ignore` choose them and suppressions name them. A taint rule asks
the engine for nothing (no `nodes`, `calls` or `methods`), so the engine never
calls its function; the function exists to carry the documentation. The
`taint` tag marks these rules, and `TAINT_RULES` maps a sink class to its rule.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from secreview.analysis.specs import UNTRUSTED_SINK_KINDS
from secreview.core.model import Confidence, Severity
from secreview.rules.base import REGISTRY, Context, Rule, rule

TAG = "taint"


@dataclass(frozen=True)
class _Doc:
    kind: str
    id: str
    name: str
    cwe: str
    severity: Severity
    harm: str
    example: str
    instead: str
    fix: str
    origin: str = ("Follows data from where it enters the program (request data, command-line arguments, the "
                   "environment, sockets, ...)")


_RULES = (
    _Doc("command", "taint-command-injection", "Untrusted data reaches an OS command", "78", Severity.CRITICAL,
         "Shell metacharacters in the data run commands of the attacker's choosing with the program's rights.",
         'name = request.args["name"]\nos.system(f"tar czf /tmp/{name}.tgz data")',
         'subprocess.run(["tar", "czf", f"/tmp/{name}.tgz", "data"], check=True)',
         "Pass an argument list without shell=True; if a shell is unavoidable, quote each value with shlex.quote()."),
    _Doc("sql", "taint-sql-injection", "Untrusted data reaches the text of an SQL statement", "89", Severity.HIGH,
         "Quotes in the data end the literal and let the attacker add SQL: read, change or delete any row.",
         'owner = request.form["owner"]\ncur.execute(f"SELECT * FROM items WHERE owner = \'{owner}\'")',
         'cur.execute("SELECT * FROM items WHERE owner = ?", (owner,))',
         "Keep the SQL constant and pass values as query parameters (cursor.execute(sql, params))."),
    _Doc("code", "taint-code-injection", "Untrusted data is evaluated as Python code", "95", Severity.CRITICAL,
         "Whoever controls the text runs arbitrary Python inside the process.",
         'result = eval(request.args["expr"])',
         'result = ast.literal_eval(request.args["expr"])',
         "Never evaluate data: parse it with ast.literal_eval() or json.loads(), or dispatch on allowed names."),
    _Doc("template", "taint-template-injection", "Untrusted data becomes template source", "1336", Severity.HIGH,
         "Template syntax in the data runs in the template engine, which reaches Python objects (SSTI).",
         'render_template_string("Hello " + request.args["name"])',
         'render_template_string("Hello {{ name }}", name=request.args["name"])',
         "Keep templates constant and pass data as context variables."),
    _Doc("xss", "taint-xss", "Untrusted data is written into HTML without escaping", "79", Severity.HIGH,
         "Markup and script in the data run in other users' browsers with the site's privileges.",
         'return Markup(f"<p>{request.args[\'q\']}</p>")',
         'return render_template("page.html", q=request.args["q"])',
         "Let the template engine escape it, or escape explicitly with markupsafe.escape()/html.escape()."),
    _Doc("markup", "taint-html-formatting", "File names are formatted into HTML without escaping", "79",
         Severity.MEDIUM,
         "A file name may hold `<script>` or a quote that ends an attribute: a listing page built by string "
         "formatting runs it in the browser of whoever opens the page.",
         'items = [f"<li><a href=\'{name}\'>{name}</a></li>" for name in os.listdir(root)]',
         'items = [f"<li><a href=\'{quote(name)}\'>{html.escape(name)}</a></li>" for name in os.listdir(root)]',
         "Escape each value with html.escape() (and urllib.parse.quote() inside an href), or build the page "
         "with a template engine that escapes.",
         origin="Follows file names read from a directory listing (`os.listdir`, `os.scandir`, `os.walk`, "
                "`glob`, `Path.iterdir`)"),
    _Doc("path", "taint-path-traversal", "Untrusted data chooses a file path", "22", Severity.HIGH,
         "`../` segments or an absolute path in the data reach files outside the intended directory.",
         'open(os.path.join(UPLOADS, request.args["file"]))',
         'path = (UPLOADS / secure_filename(request.args["file"])).resolve()\n'
         'if not path.is_relative_to(UPLOADS):\n    abort(404)',
         "Reduce the name with werkzeug.utils.secure_filename() or os.path.basename(), or resolve the path and "
         "check it is_relative_to() the base directory."),
    _Doc("deserialization", "taint-unsafe-deserialization", "Untrusted data is deserialised into objects", "502",
         Severity.CRITICAL,
         "pickle and object-constructing YAML loaders call functions named by the data: remote code execution.",
         'state = pickle.loads(base64.b64decode(request.cookies["state"]))',
         'state = json.loads(base64.b64decode(request.cookies["state"]))',
         "Use a data-only format (json.loads, yaml.safe_load); never unpickle data from outside the program."),
    _Doc("ssrf", "taint-ssrf", "Untrusted data chooses the URL of a server-side request", "918", Severity.HIGH,
         "The server fetches what the attacker names: internal services, cloud metadata, local files.",
         'requests.get(request.args["url"], timeout=5)',
         'url = request.args["url"]\nif urlsplit(url).hostname not in ALLOWED_HOSTS:\n    abort(400)',
         "Allow-list the scheme and host (or map an identifier to a fixed URL) before making the request."),
    _Doc("redirect", "taint-open-redirect", "Untrusted data chooses a redirect target", "601", Severity.MEDIUM,
         "Links on the trusted site send users to a phishing page of the attacker's choosing.",
         'return redirect(request.args["next"])',
         'target = request.args["next"]\nif target not in ALLOWED_PAGES:\n    target = "/"\nreturn redirect(target)',
         "Redirect only to relative paths or allow-listed hosts (django url_has_allowed_host_and_scheme)."),
    _Doc("xxe", "taint-xxe", "Untrusted XML is parsed with external entities enabled", "611", Severity.HIGH,
         "External entities read local files or make the server fetch URLs; nested entities exhaust memory.",
         'doc = lxml.etree.fromstring(request.data)',
         'doc = defusedxml.ElementTree.fromstring(request.data)',
         "Parse untrusted XML with defusedxml, or an lxml parser with resolve_entities=False, no_network=True."),
    _Doc("ldap", "taint-ldap-injection", "Untrusted data is spliced into an LDAP filter", "90", Severity.HIGH,
         "Filter metacharacters (`*()|&`) in the data change which entries the search returns.",
         'conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={request.form[\'user\']})")',
         'conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(uid=%s)" % escape_filter_chars(user))',
         "Escape values with ldap.filter.escape_filter_chars() (or filter_format())."),
    _Doc("xpath", "taint-xpath-injection", "Untrusted data is spliced into an XPath expression", "643",
         Severity.HIGH,
         "Quotes in the data rewrite the query and expose or bypass what it selects.",
         'tree.xpath(f"//user[name=\'{request.args[\'name\']}\']")',
         'tree.xpath("//user[name=$name]", name=request.args["name"])',
         "Pass values as XPath variables (tree.xpath(expr, name=value)) instead of building the expression."),
    _Doc("header", "taint-header-injection", "Untrusted data is written into an HTTP response header", "113",
         Severity.MEDIUM,
         "CR/LF in the data end the header and let the attacker add headers or a body (response splitting).",
         'self.send_header("Location", self.path)',
         'self.send_header("Location", quote(self.path))',
         "Reject or remove CR and LF (or URL-quote the value) before putting it into a header."),
    _Doc("crlf", "taint-crlf-injection", "Untrusted data is written into a CR LF framed protocol line", "93",
         Severity.MEDIUM,
         "CR/LF in the data end the line: an extra HTTP header or a second response (splitting, smuggling), an "
         "extra SMTP command or recipient, an extra e-mail header.",
         'sock.sendall(f"HTTP/1.1 {status} {reason}\\r\\n".encode())',
         'if "\\r" in reason or "\\n" in reason:\n    raise ValueError("reason phrase holds a line break")\n'
         'sock.sendall(f"HTTP/1.1 {status} {reason}\\r\\n".encode())',
         "Reject values holding CR, LF (or NUL) before they are framed, as http.client does for header values.",
         origin="Follows data from where it enters the program (request data, sockets, ...) and, for this "
                "class, the arguments of a library's public functions (low confidence: the caller's data)"),
    _Doc("log", "taint-log-injection", "Untrusted data becomes the format of a log message", "117", Severity.LOW,
         "Newlines in the data forge log entries; format directives in it garble or break the record.",
         'log.info(f"login failed for {request.form[\'user\']}")',
         'log.info("login failed for %r", request.form["user"])',
         "Keep the message constant and pass data as arguments (logged with %r, which escapes newlines)."),
    _Doc("path_oracle", "taint-path-oracle", "Untrusted data chooses a file whose existence or metadata is revealed",
         "22", Severity.LOW,
         "`../` or an absolute path in the data probes for files outside the intended directory: whether they "
         "exist, their size and times. Less than reading them, but it maps the server and confirms targets.",
         'if os.path.exists(os.path.join(UPLOADS, request.args["file"])):\n    return "taken"',
         'name = secure_filename(request.args["file"])\nif os.path.exists(os.path.join(UPLOADS, name)):\n'
         '    return "taken"',
         "Reduce the name with werkzeug.utils.secure_filename() or os.path.basename(), or resolve the path and "
         "check it is_relative_to() the base directory, before asking about the file."),
    _Doc("trust", "taint-trust-boundary", "Request data is stored in the server-side session", "501", Severity.LOW,
         "The session is read later as if the server had put it there: code that trusts a session value "
         "(a role, a user id, a redirect target) trusts whatever the request said.",
         'session["next"] = request.args["next"]',
         'session["next"] = url_for("index") if not is_local(request.args["next"]) else request.args["next"]',
         "Validate the value before storing it in the session, or store only values the server computed."),
    _Doc("secret_log", "secret-in-log", "Password, token or key written to a log", "532", Severity.MEDIUM,
         "Logs are copied to files, collectors, tickets and dashboards, kept for months and read by many more "
         "people than the credential store: a secret in a log is a leaked secret.",
         'token = secrets.token_urlsafe(32)\nlogger.info("reset token for %s: %s", user, token)',
         'logger.info("reset token for %s issued (ends %s)", user, token[-4:])',
         "Log that a credential was used, not the credential: an identifier, the last four characters, or a "
         "hash such as hashlib.sha256(token.encode()).hexdigest()[:8]; mask text that may hold one "
         "(oslo_utils.strutils.mask_password).",
         origin="Follows secret material, judged by where the value was made and never by its name "
                "(`secrets.token_*`, `os.urandom`, `hmac.new(...)` digests, `hashlib.pbkdf2_hmac`/`scrypt`, "
                "`getpass.getpass`, loaded private keys, Django's `settings.SECRET_KEY`, an oslo.config option "
                "declared `secret=True` in its group, a model field declared of a credential type (SQLAlchemy-Utils "
                "`PasswordType`/`EncryptedType`, Django's encrypted fields) read from an instance the code made, "
                "queried or was given as an annotated parameter, a form field declared a password input; "
                "`secret_uuid`, `token_loc` or a plain `CharField` named `password` are not secrets). Evidence "
                "needed: such an origin, and a path from it"),
    _Doc("secret_compare", "timing-unsafe-comparison", "Secret compared with == (timing side channel)", "208",
         Severity.MEDIUM,
         "`==` on strings and bytes stops at the first differing byte, so response times reveal how much of "
         "a guess is right; an attacker can recover a MAC or token byte by byte.",
         'expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()\nif expected != request.headers["X-Sig"]:\n'
         '    abort(403)',
         'expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()\n'
         'if not hmac.compare_digest(expected, request.headers["X-Sig"]):\n    abort(403)',
         "Compare secrets in constant time: hmac.compare_digest(expected, provided) (or secrets.compare_digest).",
         origin="Follows secret material, judged by where the value was made and never by its name "
                "(`secrets.token_*`, `os.urandom`, `hmac.new(...)` digests, `hashlib.pbkdf2_hmac`/`scrypt`, a "
                "fast hash of one of them, loaded private keys, Django's `settings.SECRET_KEY`; a MAC address, "
                "an error code, `digest_size` or `token_loc` are not secrets). Evidence needed: such an origin, a "
                "path from it to one side of `==`/`!=`, and data on the other side (a parameter, request data, a "
                "call's result), not a constant"),
    _Doc("secret_error", "secret-in-exception", "Password, token or key written into an exception message", "209",
         Severity.MEDIUM,
         "Exception messages end up in tracebacks, error pages, API error bodies, crash reports and logs, "
         "read by people (and sometimes clients) who must never see the credential.",
         'expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()\n'
         'if not hmac.compare_digest(expected, given):\n'
         '    raise PermissionError(f"bad signature {given}, expected {expected}")',
         'if not hmac.compare_digest(expected, given):\n    raise PermissionError("bad signature")',
         "Say what failed, not the secret: drop the value, or show an identifier or the last four characters; "
         "mask text that may hold one (oslo_utils.strutils.mask_password).",
         origin="Follows secret material and passwords, judged by where the value was made and never by its "
                "name (`secrets.token_*`, `os.urandom`, `hmac.new(...)` digests, derived keys, `getpass`, "
                "loaded private keys, Django's `settings.SECRET_KEY`, the password parameter of password APIs, a "
                "model field declared of a credential type, a form field declared a password input). "
                "Evidence needed: such an origin, and a path from it to the message of a builtin or framework "
                "exception (or a class of the module deriving from one)"),
    _Doc("secret_response", "secret-in-response", "Kept secret sent in an HTTP response", "200", Severity.HIGH,
         "Whoever can call the endpoint (or read a proxy's, a browser's or a client library's copy of the "
         "response) gets the key the server signs sessions with, a database password or a private key: "
         "every session, every account, every signed value.",
         '@app.route("/debug/config")\ndef show_config():\n    return jsonify(secret=settings.SECRET_KEY, db=DB_URL)',
         '@app.route("/debug/config")\ndef show_config():\n    return jsonify(db=strutils.mask_password(DB_URL))',
         "Never send a secret the server keeps: leave it out of the body and headers, or mask it "
         "(oslo_utils.strutils.mask_password, mask_dict_password). Issue a credential of the user's own instead.",
         origin="Follows secrets the server keeps, judged by where the value was made and never by its name: "
                "Django's `settings.SECRET_KEY`, an oslo.config option declared `secret=True` (read as "
                "`CONF.group.name` anywhere in the project), pydantic's `get_secret_value()`, a loaded private "
                "key, a model field declared of a credential type (SQLAlchemy-Utils `PasswordType`/`EncryptedType`, "
                "Django's encrypted fields) read from an instance of the model. A token made in the view for the user who asked (`secrets.token_urlsafe()`, an HMAC, a "
                "derived key) is issued by design and never reported. Evidence needed: such an origin, and a "
                "path from it to a response body (`HttpResponse`, `JsonResponse`, `jsonify`, `make_response`, "
                "aiohttp's and Pyramid's `Response`) or a response header (`response.headers[name] = ...`, "
                "Django's `response[name] = ...`), not masked on the way"),
    _Doc("cleartext", "cleartext-credentials-telnet", "Password or token written to a Telnet session", "319",
         Severity.HIGH,
         "Telnet sends every byte unencrypted: a password answered at its login prompt can be read by anyone "
         "on the network path (`cleartext-protocol-login` is the same for FTP, SMTP, IMAP and POP3 logins).",
         'tn = telnetlib.Telnet("switch.example.net")\ntn.read_until(b"Password: ")\n'
         'tn.write(getpass.getpass().encode() + b"\\n")',
         'with paramiko.SSHClient() as ssh:\n    ssh.connect("switch.example.net", username=user, '
         'password=getpass.getpass())',
         "Log in over SSH (paramiko, asyncssh, netmiko's SSH drivers) or a TLS-wrapped session; keep Telnet "
         "to loopback or a lab network, never for a credential.",
         origin="Follows credentials, judged by where the value was made and never by its name "
                "(`getpass.getpass`, `secrets.token_*`, derived keys, pydantic `get_secret_value()`, Django's "
                "`settings.SECRET_KEY`, a credential header of the request). Evidence needed: such an origin, "
                "and a path from it to `write()` of an object `telnetlib.Telnet(...)` made for a host that is "
                "not loopback"),
    _Doc("cookie_secure", "secret-cookie-without-secure", "Cookie holding a secret sent over plain HTTP", "614",
         Severity.MEDIUM,
         "Without Secure the browser also sends the cookie over plain HTTP, where anyone on the network can "
         "read the secret it holds and replay it.",
         'token = secrets.token_urlsafe(32)\nresponse.set_cookie("remember", token, httponly=True)',
         'token = secrets.token_urlsafe(32)\nresponse.set_cookie("remember", token, httponly=True, secure=True, '
         'samesite="Lax")',
         "Set cookies that hold a token, session or signature with secure=True (and httponly=True, "
         "samesite='Lax').",
         origin="Follows secret material, judged by where the value was made and never by the cookie's "
                "name (`secrets.token_*`, `os.urandom`, `hmac.new(...)` digests, signed or derived values, "
                "loaded keys, a credential the client sent). Evidence needed: a path from such a value to the "
                "value of `set_cookie`/`set_signed_cookie`, and the flag missing or False (the frameworks' "
                "default is False)"),
    _Doc("cookie_httponly", "secret-cookie-without-httponly", "Cookie holding a secret readable by page scripts",
         "1004", Severity.MEDIUM,
         "Any script on the page, including one injected through an XSS bug, can read the cookie and send "
         "the secret it holds to an attacker.",
         'token = secrets.token_urlsafe(32)\nresponse.set_cookie("remember", token, secure=True)',
         'token = secrets.token_urlsafe(32)\nresponse.set_cookie("remember", token, secure=True, httponly=True)',
         "Set cookies that hold a token, session or signature with httponly=True (only a CSRF cookie that "
         "scripts must read is an exception).",
         origin="Follows secret material, judged by where the value was made and never by the cookie's "
                "name (`secrets.token_*`, `os.urandom`, `hmac.new(...)` digests, signed or derived values, "
                "loaded keys, a credential the client sent). Evidence needed: a path from such a value to the "
                "value of `set_cookie`/`set_signed_cookie`, and the flag missing or False (the frameworks' "
                "default is False)"),
    _Doc("random_secret", "insecure-random-for-secret", "Predictable random value used as a secret", "338",
         Severity.HIGH,
         "The random module's Mersenne Twister is recovered from 624 outputs (numpy's generators and uuid1 "
         "are as predictable): every past and future token, password, salt or session id it made is known.",
         'token = "".join(random.choice(ALPHABET) for _ in range(32))\n'
         'response.set_cookie("session", token, secure=True, httponly=True)',
         'token = secrets.token_urlsafe(32)\nresponse.set_cookie("session", token, secure=True, httponly=True)',
         "Use the secrets module: secrets.token_urlsafe(32), secrets.token_hex(16), secrets.choice(alphabet) or "
         "secrets.randbelow(n) (random.SystemRandom draws from the same CSPRNG).",
         origin="Follows predictable values, judged by where they were made (every `random.*` function and "
                "`random.Random` instance, `numpy.random`, `uuid.uuid1`; not `random.SystemRandom` or `secrets`). "
                "Evidence needed: a path from such a value to a use that needs it unguessable: a credential "
                "keyword of any call (`password=`, `token=`, `salt=`, `nonce=`, `session_id=`), the key, IV, "
                "nonce or salt of a crypto API, a cookie value; a value only stored in a name such as "
                "`session_id` is reported at low confidence, and only when it reaches none of these. Jitter, "
                "sampling and shuffles reach none"),
    _Doc("password_hash", "fast-hash-for-password", "Password hashed with a fast digest", "916", Severity.HIGH,
         "Fast digests (MD5, SHA-1, SHA-256, ...) let whoever obtains the hashes try billions of guesses a second "
         "on a GPU; people choose guessable passwords, so most of them fall.",
         'def set_password(self, raw_password):\n    self.pw_hash = hashlib.sha256(raw_password.encode()).hexdigest()',
         'def set_password(self, raw_password):\n    self.pw_hash = argon2.PasswordHasher().hash(raw_password)',
         "Store passwords with a slow, salted KDF: hashlib.scrypt, hashlib.pbkdf2_hmac with at least 600,000 "
         "iterations, argon2-cffi's PasswordHasher, bcrypt, or your framework's password hasher.",
         origin="Follows passwords, judged by where the value comes from (`getpass.getpass`, the password "
                "parameter of `check_password`, `set_password`, `make_password`, `authenticate`, `create_user` "
                "and their project overrides; a parameter only named `password` counts at low confidence and "
                "the finding says so). Evidence needed: a path from such a value to the data of a fast digest "
                "(`hashlib.md5/sha1/sha256/...`, `hashlib.new`); a key-derivation function on the way "
                "(`pbkdf2_hmac`, `scrypt`, bcrypt, argon2) makes a key, not a password"),
    _Doc("weak_hash", "weak-hash-for-security", "MD5 or SHA-1 used for a security purpose", "328", Severity.MEDIUM,
         "Collisions for MD5 and SHA-1 are practical: a digest that authenticates something (a token, a "
         "signature checked against the client's, a cookie, a keyed digest of a secret) can be forged, and "
         "`md5(key + message)` also lets anyone extend a signed message (length extension).",
         'signature = hashlib.md5(settings.SECRET_KEY.encode() + body).hexdigest()\n'
         'if signature != request.headers["X-Signature"]:\n    abort(403)',
         'signature = hmac.new(settings.SECRET_KEY.encode(), body, hashlib.sha256).hexdigest()\n'
         'if not hmac.compare_digest(signature, request.headers["X-Signature"]):\n    abort(403)',
         "Authenticate with HMAC-SHA-256 (hmac.new(key, msg, hashlib.sha256)) and compare with "
         "hmac.compare_digest; make tokens with secrets.token_urlsafe(). If the digest is not "
         "security-relevant, say so with usedforsecurity=False.",
         origin="Follows MD5 and SHA-1 output (`hashlib.md5/sha1`, `hashlib.new(\"md5\")` with the name "
                "written in the code, PyCryptodome's `MD5/SHA1.new`, oslo.utils `secretutils.md5`; not with "
                "`usedforsecurity=False`), judged by where the digest "
                "goes and never by the name it is stored in. Cache keys, ETags (compared with "
                "`If-None-Match`), file names, dedup and checksums compared with another digest the code "
                "made are not findings; nor are HMAC-MD5 and HMAC-SHA1, since HMAC does not rely on collision "
                "resistance (RFC 6151); a password given to any fast digest is `fast-hash-for-password`. "
                "Evidence needed: a path from the digest to a credential keyword of any call (`token=`, "
                "`password=`, `signature=`, `api_key=`), a cookie value, or an `==`/`!=` against a "
                "credential the client sends (an `Authorization` or signature header); or a path from a "
                "secret the server keeps (Django's `SECRET_KEY`, an oslo.config option declared secret, "
                "pydantic's `get_secret_value()`) into the data of MD5 or SHA-1 (a home-made MAC), followed"),
    _Doc("weak_hash_key", "weak-hash-for-security", "MD5 or SHA-1 used for a security purpose", "328",
         Severity.MEDIUM, "", "", "", ""),
    _Doc("argument", "taint-argument-injection", "Untrusted data may be read as an option of a command", "88",
         Severity.MEDIUM,
         "A value starting with `-` becomes an option of git, ssh, curl or tar: `--upload-pack=cmd`, "
         "`-oProxyCommand=cmd` or `--to-command=cmd` run commands; `-o file` overwrites files.",
         'subprocess.run(["git", "clone", request.form["repo"], "/srv/checkout"], check=True)',
         'subprocess.run(["git", "clone", "--", request.form["repo"], "/srv/checkout"], check=True)',
         "Put `--` before values from outside (git, tar, rsync and curl all honour it), or reject values "
         "that start with '-'."),
    _Doc("decompress", "taint-decompression-bomb", "Untrusted data is decompressed without a size bound", "409",
         Severity.MEDIUM,
         "A few megabytes of crafted zlib, gzip, bz2 or lzma data inflate to gigabytes in memory and the worker "
         "is killed (a decompression bomb).",
         'body = zlib.decompress(request.get_data())',
         'd = zlib.decompressobj()\nbody = d.decompress(request.get_data(), MAX_SIZE)\nif d.unconsumed_tail:\n'
         '    abort(413)',
         "Decompress with a decompressobj() and pass max_length; reject the input when unconsumed_tail is left."),
    _Doc("divisor", "division-by-untrusted-value", "Division by a number taken from input without a zero check",
         "369", Severity.LOW,
         "A sender who passes 0 raises ZeroDivisionError: the request fails with a 500 error, and a worker or "
         "loop that does not catch it stops, a denial of service.",
         'page_size = int(request.args["size"])\npages = math.ceil(total / page_size)',
         'page_size = int(request.args["size"])\nif page_size < 1:\n    abort(400)\npages = math.ceil(total / page_size)',
         "Reject zero (and out-of-range values) before dividing: if n < 1: abort(400); or use max(1, n).",
         origin="Follows numbers from input: converted with `int()`, `float()`, `Decimal()` (directly or in a "
                "helper of the project), JSON numbers, and parameters the framework converts (FastAPI `n: int`, "
                "pydantic fields, Flask `<int:n>`, `request.args.get(\"n\", type=int)`). Evidence needed: a path from the conversion to the "
                "divisor of `/`, `//`, `%`, `divmod` or `math.fmod` with no check on the way that excludes zero "
                "(`if n < 1: abort(400)`, `if not n: return`, `max(1, n)`, `n or 1`, `Query(gt=0)`, `PositiveInt`, "
                "`<int(min=1):n>`) and no handler of ZeroDivisionError around the division. Command-line "
                "arguments and the environment are the operator's and do not count; a background task's "
                "arguments count, and the message says so"),
    _Doc("size", "allocation-size-from-input", "Size or count taken from input without an upper bound", "789",
         Severity.MEDIUM,
         "The sender chooses how much memory is allocated or how often a loop runs: one request for "
         "`size=10**10` exhausts the worker's memory or CPU, and every other request with it.",
         'count = int(request.args["count"])\npayload = b"\\0" * count',
         'count = min(int(request.args["count"]), MAX_COUNT)\npayload = b"\\0" * count',
         "Bound it first: n = min(n, LIMIT), or if n > LIMIT: abort(400).",
         origin="Follows numbers from input: converted with `int()` (directly or in a helper of the project), "
                "JSON numbers, and parameters the framework converts (FastAPI `n: int`, pydantic fields, Flask "
                "`<int:n>`, `request.args.get(\"n\", type=int)`). Evidence needed: a path from the number to a "
                "size or count (`bytearray(n)`, `bytes(n)`, `os.urandom(n)`, `os.read(fd, n)`, `f.read(n)`, "
                "`b\"x\" * n`, `[0] * n`, `numpy.zeros(n)`, `itertools.repeat(x, n)`) with no upper bound on the "
                "way (`if n > LIMIT: abort(400)`, `min(n, LIMIT)`, `Query(le=LIMIT)`, `<int(max=LIMIT):n>`). "
                "Command-line arguments and the environment are the operator's; from a background task's "
                "arguments (a queue message) it is one severity level lower than from a request handler"),
    _Doc("loop", "loop-bound-from-input", "Loop count taken from the request without a limit", "834",
         Severity.MEDIUM,
         "One request with `n=10**9` keeps a worker busy (and often allocating) for minutes; a handful of such "
         "requests take the service down.",
         'codes = [secrets.token_hex(4) for _ in range(int(request.args["count"]))]',
         'count = min(int(request.args["count"]), 100)\ncodes = [secrets.token_hex(4) for _ in range(count)]',
         "Cap the count before looping: n = min(int(request.args['n']), 100), or reject values above the "
         "limit with 400.",
         origin="Follows numbers from input: converted with `int()` (directly or in a helper of the project), "
                "JSON numbers, and parameters the framework converts (FastAPI `n: int`, Flask `<int:n>`, "
                "`request.args.get(\"n\", type=int)`). Evidence needed: a path from the number to a bound of "
                "`range()` (a `for` loop or a comprehension) with no upper bound on the way (`if n > LIMIT: "
                "abort(400)`, `min(n, LIMIT)`, `Query(le=LIMIT)`, `<int(max=LIMIT):n>`). Command-line arguments "
                "and the environment are the operator's and do not count; nor does a background task's "
                "argument (the size of the job its publisher asked for: long jobs are what a worker is for)"),
    _Doc("nan", "float-input-nan-unchecked", "Float from input range-checked without rejecting NaN or infinity",
         "1339", Severity.LOW,
         "`float()` accepts \"nan\" and \"inf\". Every ordering comparison with NaN is False, so a check written "
         "\"reject if too large\" lets NaN through to the sums and balances after it; infinity passes lower bounds.",
         'amount = float(request.form["amount"])\nif amount > account.limit:\n    abort(400)',
         'amount = float(request.form["amount"])\nif not math.isfinite(amount) or not 0 < amount <= account.limit:\n'
         '    abort(400)',
         "Reject non-finite values before the range check: if not math.isfinite(value): abort(400); or parse "
         "with decimal.Decimal and check is_finite().",
         origin="Follows floats converted with `float()` from input, directly or in a helper of the project. "
                "Evidence needed: a path from the conversion to an ordering comparison (`<`, `<=`, `>`, `>=`) "
                "with no `math.isfinite`/`math.isnan`/`math.isinf` check or `x != x` before it on that path"),
    _Doc("regex", "taint-regex-injection", "Untrusted data is compiled as a regular expression", "1333",
         Severity.MEDIUM,
         "A crafted pattern backtracks for exponential time and blocks the worker (ReDoS), or matches too much.",
         're.search(request.args["q"], text)',
         're.search(re.escape(request.args["q"]), text)',
         "Escape the text with re.escape() or match it literally (str.find / `in`)."),
)


_TARGETS = {
    "command": "an OS command", "sql": "the text of an SQL statement", "code": "eval/exec/compile",
    "template": "template source", "xss": "HTML output that is not escaped", "path": "a file path",
    "deserialization": "a deserialiser", "ssrf": "the URL of an outgoing request", "redirect": "a redirect target",
    "xxe": "an XML parser that resolves external entities", "ldap": "an LDAP filter",
    "xpath": "an XPath expression", "header": "an HTTP response header",
    "crlf": "a protocol line framed by CR LF (an HTTP status or header line, an SMTP command, an e-mail header)",
    "log": "the message of a log record",
    "regex": "a regular expression", "path_oracle": "a file-existence or metadata check",
    "trust": "the server-side session",
    "markup": "HTML markup built by string formatting (an element in the constant text)", "argument": "the arguments of an option-sensitive program",
    "secret_log": "a log record (message or arguments)", "secret_compare": "an `==` or `!=` comparison with data",
    "random_secret": "a use that needs an unguessable value",
    "secret_error": "an exception message",
    "secret_response": "an HTTP response body or header",
    "cleartext": "a Telnet session (sent unencrypted)",
    "cookie_secure": "a cookie without the Secure flag", "cookie_httponly": "a cookie without the HttpOnly flag",
    "password_hash": "the data of a fast digest",
    "weak_hash": "a credential, a cookie or a check of the client's credential",
    "weak_hash_key": "the data of MD5 or SHA-1 (a home-made MAC)",
    "decompress": "a decompression without a size bound",
    "divisor": "a divisor", "size": "a size to allocate or a count of repetitions", "loop": "the count of a loop",
    "nan": "an ordering comparison (a range check)",
}


def _carrier(doc: _Doc):  # type: ignore[no-untyped-def]
    """A documentation-only check: the engine never calls it (the rule asks for no nodes)."""

    def taint_check(node: ast.AST, ctx: Context) -> None:  # pragma: no cover - never dispatched
        return None

    taint_check.__doc__ = (
        f"## What it does\n{doc.origin} through assignments, containers, string building, "
        f"calls and returns, across functions and modules, to {_TARGETS[doc.kind]} (sink class "
        f"`{doc.kind}`), and reports the path. Sanitisers and guards listed in the specs cut the flow.\n\n"
        f"## Why is this bad\n{doc.harm} (CWE-{doc.cwe})\n\n"
        f"## Example\n```python\n{doc.example}\n```\n\n"
        f"## Use instead\n```python\n{doc.instead}\n```\n"
    )
    taint_check.__name__ = doc.id.replace("-", "_")
    return taint_check


for _doc in _RULES:
    if not _doc.harm:
        continue  # a further sink class of a rule documented by an earlier entry (weak_hash_key)
    _kinds = tuple(d.kind for d in _RULES if d.id == _doc.id)
    rule(id=_doc.id, name=_doc.name, cwe=_doc.cwe, severity=_doc.severity, confidence=Confidence.HIGH,
         fix=_doc.fix, tags=(TAG, *_kinds))(_carrier(_doc))

# The hard-coded credential rules are pattern rules too (rules.access_control: what a name or a
# known format says); their flows are reported under the same ids, at the literal.
_SHARED = {"credential_password": ("hardcoded-password", "259"),
           "credential_key": ("hardcoded-cryptographic-key", "321"),
           "credential_token": ("hardcoded-credential", "798")}
TAINT_RULES: dict[str, str] = {doc.kind: doc.id for doc in _RULES} | {kind: rid for kind, (rid, _) in _SHARED.items()}
FLOW_ONLY_RULES = frozenset(doc.id for doc in _RULES)  # the rules only the flow reports
_CWES: dict[str, str] = {doc.kind: doc.cwe for doc in _RULES} | {kind: cwe for kind, (_, cwe) in _SHARED.items()}
# Pattern findings of these CWEs defer to the flow (see taint_project.merge). Not CWE-1333: its
# pattern rule judges the constant regex itself (catastrophic backtracking), not where a value came from.
# Nor CWE-532: its pattern rule (request-headers-logged) judges a whole mapping, which no kind flow clears.
# Nor CWE-409: its pattern rule (decompression-unbounded) reports a public function's parameter, which
# is no taint source, so a sink the flow sees as clean is not thereby bounded.
# Nor the rules of value kinds (secrets, weak randomness, passwords): a value proven not to be a secret
# says nothing of what a pattern rule judges (a whole mapping logged, a cookie named `session`).
TAINT_CWES = frozenset(cwe for kind, cwe in _CWES.items()
                       if kind in UNTRUSTED_SINK_KINDS and kind not in ("regex", "decompress"))


def cwe_of(kind: str) -> str | None:
    """The CWE of the taint rule for sink class `kind` (None for a class without a rule)."""
    return _CWES.get(kind)


def selected(rules: list[Rule] | None = None) -> dict[str, Rule]:
    """Sink class -> its rule, for the taint rules among `rules` (all registered ones by default)."""
    pool = rules if rules is not None else list(REGISTRY.values())
    ids = set(TAINT_RULES.values())
    by_id = {r.id: r for r in pool if r.id in ids}
    return {kind: by_id[rid] for kind, rid in TAINT_RULES.items() if rid in by_id}
