"""A small HTTP content-decoding layer, as client and server libraries write it: the body comes from the
peer (a response read from the connection, a request body), so the decoded size must be bounded."""
import bz2
import gzip
import http.client
import io
import lzma
import zlib

MAX_DECODED = 64 * 1024 * 1024


def decode_deflate(body):
    # ruleid: decompression-unbounded
    return zlib.decompress(body)


def decode_deflate_bounded(body):
    decoder = zlib.decompressobj()
    # ok: decompression-unbounded
    out = decoder.decompress(body, MAX_DECODED)
    if decoder.unconsumed_tail:
        raise ValueError("decoded body larger than %d bytes" % MAX_DECODED)
    return out


def decode_raw_deflate(body):
    decoder = zlib.decompressobj(-zlib.MAX_WBITS)
    # ruleid: decompression-unbounded
    return decoder.decompress(body)


def decode_gzip(body):
    # ruleid: decompression-unbounded
    return gzip.decompress(body)


def decode_gzip_stream(body):
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        # ruleid: decompression-unbounded
        return stream.read()


def decode_gzip_stream_bounded(body):
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        # ok: decompression-unbounded
        out = stream.read(MAX_DECODED + 1)
    if len(out) > MAX_DECODED:
        raise ValueError("decoded body too large")
    return out


def decode_bz2(body):
    # ruleid: decompression-unbounded
    return bz2.decompress(body)


def decode_xz(body):
    decoder = lzma.LZMADecompressor()
    # ok: decompression-unbounded
    out = decoder.decompress(body, max_length=MAX_DECODED)
    if not decoder.needs_input:
        raise ValueError("decoded body too large")
    return out


def fetch_compressed(host, path):
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    resp = conn.getresponse()
    raw = resp.read(MAX_DECODED)
    # ruleid: decompression-unbounded
    return gzip.decompress(raw)


def _inflate_cached(blob):
    # ok: decompression-unbounded
    return zlib.decompress(blob)


def packaged_table():
    with open(__file__.replace(".py", ".dat"), "rb") as handle:
        # ok: decompression-unbounded
        return zlib.decompress(handle.read())


def constant_sample():
    # ok: decompression-unbounded
    return zlib.decompress(b"x\x9c\x03\x00\x00\x00\x00\x01")
