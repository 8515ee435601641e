"""More standards cases: spellings and near misses (CWE-477, CWE-489)."""
import ssl as tls
from ssl import match_hostname

import werkzeug
from werkzeug.debug import DebuggedApplication as Debugged

# ruleid: deprecated-insecure-api
import cgitb
# ok: deprecated-insecure-api
import html


def check(cert, host):
    # ruleid: deprecated-insecure-api
    match_hostname(cert, host)


def wrap(sock):
    # ruleid: deprecated-insecure-api
    return tls.wrap_socket(sock, cert_reqs=tls.CERT_REQUIRED, ca_certs="/etc/ssl/ca.pem")


def serve(app):
    # ruleid: werkzeug-debugger-exposed
    werkzeug.run_simple("127.0.0.1", 5000, Debugged(app), use_debugger=True)


def serve_no_console(app):
    # ok: werkzeug-debugger-exposed
    werkzeug.run_simple("127.0.0.1", 5000, app, use_debugger=True, use_evalex=False)
    return cgitb, html
