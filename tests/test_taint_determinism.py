"""The taint engine's result must not depend on the hash seed.

Taint is held in frozensets of atoms whose iteration order follows string
hashes, i.e. PYTHONHASHSEED. When the engine explored atoms in that order, the
path kept for a source (the first one found) and the place where a recursive
call chain was cut changed from run to run: the same project gave different
flows. Each review here runs in its own interpreter with its own seed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

SEEDS = ("0", "9", "123", "2024")

VIEWS = '''
    import os
    import sqlite3
    import subprocess

    from flask import Flask, request

    from app import helpers
    from app.helpers import relay, wrap

    app = Flask(__name__)


    @app.route("/run")
    def run():
        q = request.args["q"]
        name = wrap(q)
        cmd = q + helpers.twice(name) + relay(q, name) + helpers.deep(name, 3)
        os.system(cmd)
        subprocess.call("echo " + helpers.pick(cmd, q) + name, shell=True)
        return "ok"


    @app.route("/eval")
    def evaluate():
        a = request.form["a"]
        b = request.args.get("b", "")
        both = relay(a, b) + helpers.pick(b, a) + a + b
        eval(helpers.twice(both) + wrap(a) + b)
        helpers.execute(both, a)
        helpers.execute(b, helpers.deep(a, 2))
        return "ok"


    @app.route("/query")
    def query():
        who = request.args["who"]
        conn = sqlite3.connect("db")
        text = helpers.twice(who) + relay(who, wrap(who)) + who
        conn.execute("SELECT * FROM t WHERE a = '" + text + "'")
        conn.execute(f"SELECT * FROM t WHERE b = '{helpers.pick(text, who)}{who}'")
        return open(helpers.deep(text, 1) + who).read()
'''

HELPERS = '''
    import os


    def wrap(value):
        return "[" + value + "]"


    def twice(value):
        return wrap(value) + value + wrap(wrap(value))


    def pick(a, b):
        return a if len(a) > len(b) else b


    def relay(a, b):
        return pick(a, b) + wrap(b) + a


    def deep(value, n):
        if n:
            return deep(relay(value, wrap(value)), n - 1) + value
        return value


    def execute(first, second):
        os.system(first + relay(second, first) + second)
        return deep(first, 1) + second
'''


def _project(root: Path) -> Path:
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text(textwrap.dedent(VIEWS))
    (package / "helpers.py").write_text(textwrap.dedent(HELPERS))
    return package


def _flows(seed: str, paths: list[str], cwd: Path) -> list[tuple]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "secreview", "scan", *paths, "--no-cache", "--format", "json",
                           "--jobs", "1"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout, done.stderr
    findings = json.loads(done.stdout)["findings"]
    return sorted((f["rule_id"], f["path"], f["line"],
                   tuple((s["path"], s["line"], s["column"]) for s in f["flow"])) for f in findings)


def test_flows_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    package = _project(tmp_path)
    paths = [str(package)]
    doctest = Path(sysconfig.get_paths()["stdlib"]) / "doctest.py"
    if doctest.is_file():  # a real module whose flows changed with the seed, cheap to review
        paths.append(str(doctest))
    results = {seed: _flows(seed, paths, tmp_path) for seed in SEEDS}
    first = results[SEEDS[0]]
    own = [f for f in first if f[1].startswith(str(package)) and f[0].startswith("taint-")]
    assert len(own) >= 5, own  # the project has flows through helpers, and competing paths for each
    assert any(len(f[3]) > 2 for f in own), own
    for seed in SEEDS[1:]:
        assert results[seed] == first, f"PYTHONHASHSEED={seed} gave other findings than PYTHONHASHSEED={SEEDS[0]}"
