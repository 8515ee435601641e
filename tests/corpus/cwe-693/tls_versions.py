"""Obsolete TLS versions (CWE-327)."""
import ssl

from OpenSSL import SSL


def legacy_context():
    # ruleid: weak-tls-version
    return ssl.SSLContext(ssl.PROTOCOL_TLSv1)


def floor_too_low(context):
    # ruleid: weak-tls-version
    context.minimum_version = ssl.TLSVersion.TLSv1_1


def pyopenssl_context():
    # ruleid: weak-tls-version
    return SSL.Context(SSL.SSLv3_METHOD)


def modern_context():
    context = ssl.create_default_context()
    # ok: weak-tls-version
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def describe(context):
    # ok: weak-tls-version
    if context.protocol == ssl.PROTOCOL_TLSv1:
        return "legacy"
    return "modern"
