"""A Flask endpoint taking compressed uploads: the request body reaches decompression in a helper."""
import os
import sys
import zlib

from flask import Flask, abort, request

app = Flask(__name__)
MAX_UPLOAD = 16 * 1024 * 1024


def _inflate(blob):
    # ruleid: taint-decompression-bomb
    return zlib.decompress(blob)


def _inflate_bounded(blob):
    decoder = zlib.decompressobj()
    # ok: taint-decompression-bomb
    out = decoder.decompress(blob, MAX_UPLOAD)
    if decoder.unconsumed_tail:
        abort(413)
    return out


@app.route("/upload", methods=["POST"])
def upload():
    return {"size": len(_inflate(request.get_data()))}


@app.route("/upload-bounded", methods=["POST"])
def upload_bounded():
    return {"size": len(_inflate_bounded(request.get_data()))}


@app.route("/upload-direct", methods=["POST"])
def upload_direct():
    # ruleid: taint-decompression-bomb
    return {"size": len(zlib.decompress(request.data))}


def unpack_cli():
    """A command-line tool inflates what its operator pipes in or names: not a peer's data."""
    # ok: taint-decompression-bomb, decompression-unbounded
    sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))
    # ok: taint-decompression-bomb
    return zlib.decompress(os.environ["PACKED_SETTINGS"].encode("latin-1"))
