"""Handles never released (CWE-775) and credentials written to logs (CWE-532)."""
import contextlib
import json
import logging
import socket

logger = logging.getLogger(__name__)


def write_report(path, report):
    # ruleid: unclosed-resource
    handle = open(path, "w")
    handle.write(report)


def write_report_with(path, report):
    # ok: unclosed-resource
    with open(path, "w") as handle:
        handle.write(report)


def write_report_finally(path, report):
    # ok: unclosed-resource
    handle = open(path, "w")
    try:
        handle.write(report)
    finally:
        handle.close()


def dump_json(path, data):
    # ruleid: unclosed-resource
    out = open(path, "w")
    json.dump(data, out)


def open_for_caller(path):
    # ok: unclosed-resource
    handle = open(path, "rb")
    return handle


def keep_on_object(self, host):
    # ok: unclosed-resource
    conn = socket.create_connection((host, 443), timeout=5)
    self.conn = conn


def probe(host, port):
    # ruleid: unclosed-resource
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(3)
    sock.connect((host, port))
    return sock.recv(16)


def probe_closing(host, port):
    # ok: unclosed-resource
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with contextlib.closing(sock):
        sock.connect((host, port))
        return sock.recv(16)


def read_lines(path):
    # ok: unclosed-resource
    source = open(path)
    for line in source:
        yield line


def read_inline(path):
    # ok: unclosed-resource
    return open(path).read()


def login(username, password, api_token, session):
    # ruleid: secret-in-log
    logger.info("login for %s with password %s", username, password)
    # ok: secret-in-log
    logger.info("login for %s", username)
    # ruleid: secret-in-log
    logger.debug(f"calling upstream with token {api_token}")
    # ok: secret-in-log
    logger.debug("calling upstream with token ending %s", api_token[-4:])
    # ok: secret-in-log
    logger.info("password_length=%d token_type=%s", len(password), session.token_type)
    # ok: secret-in-log
    logger.info("password reset requested for %s", username)


def debug_credentials(user, value):
    # ok: secret-in-log
    logger.debug("Password: %s", "<redacted>")


def tokenizer_stats(tokenizer):
    # ok: secret-in-log
    logger.info("vocabulary size %d for %s", tokenizer.vocab_size, tokenizer)


def unpack_in_memory(payload):
    import io
    import zipfile
    # ok: unclosed-resource
    archive = zipfile.ZipFile(io.BytesIO(payload))
    return archive.namelist()
