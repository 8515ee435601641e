"""A small project whose review exercises every part of the HTML report, and readers for that report.

Findings of all four severities in two categories, more than one page of
them (the list shows 50 at a time), a data flow, a finding spanning many
lines, a suppressed finding, a file that does not parse, and reviewed code and
a file name carrying markup that would run script if the report let it in.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

# Each would set window.pwned (or the title) if the report let it become markup.
PAYLOAD = '</script><script>window.pwned = 1; document.title = "pwned"</script><img src=z onerror="window.pwned = 2">'
HOSTILE_NAME = "x<img src=y onerror=window.pwned=3>.py"
BROKEN_NAME = "<svg onload=window.pwned=4>.py"  # does not parse: named in the page's own HTML (Diagnostics)

APP = '''import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/archive")
def archive():
    name = request.args["name"]
    target = f"/srv/backups/{name}.tgz"
    subprocess.run(f"tar czf {target} /srv/data", shell=True)
    return "started"


def legacy(cmd):
    subprocess.call(cmd, shell=True)  # secreview: ignore[command-injection-shell] cmd is a constant from the config
'''

MANY = '''import socket
import tempfile
import yaml


def load(path):
    with open(path) as handle:
        return yaml.load(handle)


def check(path):
    handle = open(path)


def listen():
    sock = socket.socket()
    sock.bind(("0.0.0.0", 8080))
    return sock


def scratch():
    return tempfile.mktemp()


def calc(values):
    return [
''' + "".join(f"        eval(values[{i}]),\n" for i in range(70)) + "    ]\n"

HOSTILE = f'''import subprocess


def hostile(arg):
    # {PAYLOAD}
    subprocess.call("echo {PAYLOAD.replace('"', "'")}" + arg, shell=True)


def spread(arg):
    subprocess.call(
        "echo "
        + arg
        + "1"
        + "2"
        + "3"
        + "4"
        + "5"
        + "6"
        + "7"
        + "8"
        + "9"
        + "10",
        shell=True,
    )
'''

FILES = {"app.py": APP, "many.py": MANY, HOSTILE_NAME: HOSTILE, BROKEN_NAME: f"def broken(:  # {PAYLOAD}\n"}
FINDINGS = 1 + 74 + 2  # app.py's flow, many.py, the two shell calls in the hostile file
SEVERITIES = {"critical": 1, "high": 73, "medium": 1, "low": 2}


def write(root: Path) -> Path:
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def data_block(page: str) -> dict[str, Any]:
    """The JSON the report's script renders."""
    match = re.search(r'<script type="application/json" id="secreview-data">(.*?)</script>', page, re.DOTALL)
    assert match is not None
    return json.loads(match.group(1))


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of each script and style element."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._open = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.raw[self._open][-1] += data

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]
