"""Polynomial backtracking where the text comes from a private helper's parameter, a request or a socket."""
import re
from http.server import BaseHTTPRequestHandler

from flask import Flask, abort, request

app = Flask(__name__)

# An HTML-aware truncator: the patterns are written here and applied in a private helper.
# ruleid: regex-polynomial-backtracking
TAG_OR_WORD = re.compile(r"<.*?>|((?:\w[-\w]*|&.*?;)+)", re.DOTALL)
# ruleid: regex-polynomial-backtracking
TAG_OR_CHAR = re.compile(r"<.*?>|(.)", re.DOTALL)
# ok: regex-polynomial-backtracking
TAG_OR_WORD_FIXED = re.compile(r"<[^<>]*>|([^<>\s]+)", re.DOTALL)


class Truncator:
    def __init__(self, text):
        self.text = text

    def words(self, num):
        return self._truncate_html(num, self.text, True)

    def _truncate_html(self, length, text, words):
        regex = TAG_OR_WORD if words else TAG_OR_CHAR
        pos, count = 0, 0
        while count < length:
            match = regex.search(text, pos)
            if match is None:
                break
            pos, count = match.end(), count + 1
        return text[:pos]

    def _truncate_fixed(self, length, text):
        pos, count = 0, 0
        while count < length:
            match = TAG_OR_WORD_FIXED.search(text, pos)
            if match is None:
                break
            pos, count = match.end(), count + 1
        return text[:pos]


PAIR = re.compile(r"^(.*)=(.*);$")
PAIR_FIXED = re.compile(r"^([^=]*)=([^;]*);$")


@app.route("/cookie-check")
def cookie_check():
    # ruleid: regex-polynomial-backtracking
    return {"ok": bool(re.match(r"^(.*)=(.*);$", request.args["c"]))}


@app.route("/cookie-check-fixed")
def cookie_check_fixed():
    # ok: regex-polynomial-backtracking
    return {"ok": bool(re.match(r"^([^=]*)=([^;]*);$", request.args["c"]))}


class PairHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(min(int(self.headers["Content-Length"]), 1 << 20)).decode("latin-1")
        # ruleid: regex-polynomial-backtracking
        found = PAIR.match(body)
        # ok: regex-polynomial-backtracking
        found_fixed = PAIR_FIXED.match(body)
        self.send_response(200 if found and found_fixed else 400)
        self.end_headers()


class ModeLine:
    """An editor mode line (`-*- mode: python -*-`) read from the head of an uploaded document."""

    # ruleid: regex-polynomial-backtracking
    ONE_LINER = re.compile(r"-\*-\s*([^\r\n]*?)\s*-\*-")
    # ok: regex-polynomial-backtracking
    ONE_LINER_FIXED = re.compile(r"-\*-\s*(?:(\S[^\r\n]*?)([\r\n]\s*)?)?-\*-")

    # ok: regex-polynomial-backtracking
    ONE_LINER_SHORT = re.compile(r"-\*-\s*([^\r\n]*?)\s*-\*-")

    def _variables(self, upload):
        head = upload[:8192]  # cubic: 8192 characters are still 10^11 steps
        found = self.ONE_LINER.search(head)
        return found.group(1) if found else None

    def _variables_fixed(self, upload):
        head = upload[:8192]
        found = self.ONE_LINER_FIXED.search(head)
        return found.group(1) if found else None

    def _variables_first_line(self, upload):
        head = upload[:120]  # a mode line must be on the first line: 120 characters cost nothing
        found = self.ONE_LINER_SHORT.search(head)
        return found.group(1) if found else None


# A schema tokenizer: a quoted string whose escapes two alternatives can both spell.
# ruleid: regex-catastrophic-backtracking
QUOTED_TOKEN = re.compile(r"('(?:[^'\\]|\\\\|\\.)*?'(?!\w))").findall
# ok: regex-catastrophic-backtracking
QUOTED_TOKEN_FIXED = re.compile(r"('(?:[^'\\]|\\.)*'(?!\w))").findall
# A product version of a User-Agent: digits, optional spaces, then a word; the optional spaces join the two runs.
# ruleid: regex-polynomial-backtracking
AGENT_VERSION = re.compile(r"\s*(\d+)\s*(\S+) (.*)")
# ok: regex-polynomial-backtracking
AGENT_VERSION_FIXED = re.compile(r"\s*(\d+)\s+(\S+) (.*)")
# The same pattern over `git blame` lines the program's own git prints: no parser of data a peer sends.
# ok: regex-polynomial-backtracking
BLAME_LINE = re.compile(r"\s*(\d+)\s*(\S+) (.*)")


def _agent_version(user_agent):
    return AGENT_VERSION.match(user_agent), AGENT_VERSION_FIXED.match(user_agent)


def _blame(line):
    return BLAME_LINE.match(line)


# A content-type parser of a library, as in published advisories: `\s*;\s*` then `(.*)`.
PARAMS = re.compile(r"^([^;]*?)\s*;\s*(.*)$")
PARAMS_FIXED = re.compile(r"^([^;]*);[ \t]*([^ \t].*)?$")


def parse_options_header(value):
    # ruleid: regex-polynomial-backtracking
    return PARAMS.match(value)


def parse_options_header_fixed(value):
    # ok: regex-polynomial-backtracking
    return PARAMS_FIXED.match(value)


def route_parameters(route):
    # ok: regex-polynomial-backtracking
    return PARAMS.match(route)  # a route a developer declares: not a parser of data a peer sends


def load_release_file(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    # ok: regex-polynomial-backtracking
    return PARAMS.match(text)  # a local file the program reads by name (/etc/os-release)


@app.route("/content-type")
def content_type_view():
    # ruleid: regex-polynomial-backtracking
    return {"type": PARAMS.match(request.headers.get("Content-Type", "")) is not None}


@app.route("/content-type-bounded")
def content_type_view_bounded():
    # ok: regex-polynomial-backtracking
    return {"type": PARAMS.match(request.headers.get("Content-Type", "")[:256]) is not None}


@app.route("/content-type-checked")
def content_type_view_checked():
    value = request.headers.get("Content-Type", "")
    if len(value) > 256:
        abort(400)
    # ok: regex-polynomial-backtracking
    return {"type": PARAMS.match(value) is not None}
