"""Numbers converted from request data, followed through helpers (CWE-369 division, CWE-789 sizes)."""
import math
import os
from decimal import Decimal

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
MAX_PAGE_SIZE = 200
MAX_PADDING = 4096


def page_size_arg():
    """The helper every listing uses: an int, but nothing checks it is at least 1."""
    return int(request.args.get("size", "20"))


def pages_for(total, size):
    # ruleid: division-by-untrusted-value
    return math.ceil(total / size)


@app.route("/items")
def list_items():
    size = page_size_arg()
    return jsonify(pages=pages_for(1000, size))


@app.route("/items/checked")
def list_items_checked():
    size = page_size_arg()
    if size < 1 or size > MAX_PAGE_SIZE:
        abort(400)
    # ok: division-by-untrusted-value
    return jsonify(pages=math.ceil(1000 / size))


@app.route("/items/clamped")
def list_items_clamped():
    size = max(1, page_size_arg())
    # ok: division-by-untrusted-value
    return jsonify(pages=math.ceil(1000 / size))


@app.route("/shard")
def shard():
    shards = int(request.args["shards"])
    key = int(request.args["key"])
    # ruleid: division-by-untrusted-value
    return jsonify(shard=key % shards)


@app.route("/shard/checked")
def shard_checked():
    shards = int(request.args["shards"])
    key = int(request.args["key"])
    if not shards:
        return jsonify(shard=0)
    # ok: division-by-untrusted-value
    return jsonify(shard=key % shards)


@app.route("/split")
def split():
    people = Decimal(request.args["people"])
    # ruleid: division-by-untrusted-value
    share, rest = divmod(Decimal("100.00"), people)
    return jsonify(share=str(share), rest=str(rest))


@app.route("/split/guarded")
def split_guarded():
    people = Decimal(request.args["people"])
    try:
        # ok: division-by-untrusted-value
        share = Decimal("100.00") / people
    except ZeroDivisionError:
        abort(400)
    return jsonify(share=str(share))


@app.route("/ratio")
def ratio():
    parts = int(request.args.get("parts", "1")) or 1
    # ok: division-by-untrusted-value
    return jsonify(ratio=1 / parts)


@app.route("/user/<name>")
def greeting(name):
    # ok: division-by-untrusted-value
    return jsonify(greeting="Hello %s" % request.args.get("title", name))


@app.route("/pad")
def pad():
    width = int(request.args["width"])
    # ruleid: allocation-size-from-input
    return b"\0" * (width + 16)


@app.route("/pad/bounded")
def pad_bounded():
    width = min(int(request.args["width"]), MAX_PADDING)
    # ok: allocation-size-from-input
    return b"\0" * width


def random_blob(length):
    # ruleid: allocation-size-from-input
    return os.urandom(length)


@app.route("/blob")
def blob():
    length = int(request.args["length"])
    return random_blob(length)


@app.route("/blob/checked")
def blob_checked():
    length = int(request.args["length"])
    if length > MAX_PADDING:
        abort(413)
    # ok: allocation-size-from-input
    return os.urandom(length)


@app.route("/grid")
def grid():
    rows = int(request.json["rows"])
    # ruleid: allocation-size-from-input
    return jsonify(grid=[[0] * 8] * rows)


@app.route("/grid/bounded")
def grid_bounded():
    rows = int(request.json["rows"])
    if 0 < rows <= 64:
        # ok: allocation-size-from-input
        return jsonify(grid=[[0] * 8] * rows)
    abort(400)


@app.route("/query")
def query():
    # int() still clears request data for SQL: a number holds no SQL text.
    item = int(request.args["id"])
    cur = app.config["DB"].cursor()
    # ok: taint-sql-injection
    cur.execute("SELECT name FROM items WHERE id = %d" % item)
    return jsonify(cur.fetchall())
