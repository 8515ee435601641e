"""A Flask batch service: numbers Werkzeug converted (`<int:n>`, `args.get(..., type=int)`), JSON numbers, an
uploaded body read by its declared length, and a Celery worker with the same arithmetic (CWE-369, CWE-789,
CWE-834)."""
import argparse
import os

from celery import shared_task
from flask import Flask, abort, jsonify, request

app = Flask(__name__)
MAX_BATCH = 1000
MAX_BODY = 1 << 20


def _batches(total, size):
    count = total
    # ruleid: division-by-untrusted-value
    count //= size
    return count


def _batches_checked(total, size):
    if size < 1:
        abort(400)
    count = total
    # ok: division-by-untrusted-value
    count //= size
    return count


@app.route("/jobs/<int:size>/batches")
def batches(size):
    return jsonify(batches=_batches(10_000, size))


@app.route("/jobs/<int:size>/batches/checked")
def batches_checked(size):
    return jsonify(batches=_batches_checked(10_000, size))


@app.route("/jobs/<int(min=1, max=1000):size>/ratio")
def ratio(size):
    # ok: division-by-untrusted-value
    return jsonify(ratio=10_000 / size)


@app.route("/jobs/<int:size>/ratio/unbounded")
def ratio_unbounded(size):
    # ruleid: division-by-untrusted-value
    return jsonify(ratio=10_000 / size)


@app.route("/jobs/sample")
def sample():
    step = request.args.get("step", 1, type=int)
    # ruleid: division-by-untrusted-value
    return jsonify(bucket=7919 % step)


@app.route("/jobs/sample/checked")
def sample_checked():
    step = request.args.get("step", 1, type=int)
    if step <= 0:
        abort(400)
    # ok: division-by-untrusted-value
    return jsonify(bucket=7919 % step)


@app.post("/jobs")
def create_jobs():
    payload = request.get_json()
    names = []
    # ruleid: loop-bound-from-input
    for index in range(payload["copies"]):
        names.append(f"{payload['name']}-{index}")
    return jsonify(names=names)


@app.post("/jobs/checked")
def create_jobs_checked():
    payload = request.get_json()
    copies = min(payload["copies"], MAX_BATCH)
    names = []
    # ok: loop-bound-from-input
    for index in range(copies):
        names.append(f"{payload['name']}-{index}")
    return jsonify(names=names)


@app.post("/jobs/label")
def label():
    payload = request.get_json()
    # ok: allocation-size-from-input
    return bytes(payload["name"], "utf-8")  # encodes the text: no allocation by count


@app.post("/upload")
def upload():
    archive = request.files["archive"]
    probe = int(request.form.get("probe", "512"))
    # ruleid: allocation-size-from-input
    magic = archive.stream.read(probe)  # the buffer of `probe` bytes is allocated before reading
    return jsonify(zip=magic.startswith(b"PK"))


@app.post("/upload/checked")
def upload_checked():
    archive = request.files["archive"]
    probe = int(request.form.get("probe", "512"))
    if probe > MAX_BODY:
        abort(413)
    # ok: allocation-size-from-input
    magic = archive.stream.read(probe)
    return jsonify(zip=magic.startswith(b"PK"))


@shared_task
def rebuild_index(shard_count, total):
    # ok: loop-bound-from-input
    for shard in range(int(shard_count)):  # the size of the job the publisher asked for: what workers are for
        print("rebuilding shard", shard)
    # ruleid: division-by-untrusted-value
    per_shard = total // int(shard_count)  # a task's argument: reported, one severity level lower
    # ruleid: allocation-size-from-input
    return bytearray(int(shard_count)), per_shard


@shared_task
def rebuild_index_checked(shard_count, total):
    shards = max(1, min(int(shard_count), 64))
    # ok: division-by-untrusted-value
    per_shard = total // shards
    # ok: allocation-size-from-input
    return bytearray(shards), per_shard


def main():
    parser = argparse.ArgumentParser(description="Warm the cache (operator tool)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--fd", type=int, default=0)
    options = parser.parse_args()
    # ok: loop-bound-from-input
    for _ in range(options.rounds):  # the operator's own number: not attacker input
        # ok: allocation-size-from-input
        os.read(options.fd, options.rounds * 4096)
