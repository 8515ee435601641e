"""Floats from input range-checked without a NaN/infinity check (CWE-1339, issue 20)."""
import math

from flask import Flask, abort, request

app = Flask(__name__)
MAX_RADIUS_KM = 50.0


@app.route("/nearby")
def nearby():
    radius = float(request.args["radius"])
    # ruleid: float-input-nan-unchecked
    if radius > MAX_RADIUS_KM:
        abort(400)
    return {"radius": radius}


@app.route("/nearby-checked")
def nearby_checked():
    radius = float(request.args["radius"])
    # ok: float-input-nan-unchecked
    if not math.isfinite(radius) or radius > MAX_RADIUS_KM:
        abort(400)
    return {"radius": radius}


@app.route("/zoom")
def zoom():
    level = float(request.args["level"])
    # ok: float-input-nan-unchecked
    if level != level or not 0 <= level <= 20:
        abort(400)
    return {"level": level}


@app.route("/opacity")
def opacity():
    # Not compared: shown back as it came.
    # ok: float-input-nan-unchecked
    value = float(request.args.get("opacity", "1"))
    return {"opacity": value}


def parse_rate(text):
    """The shared parser of the pricing views: a float, finite or not."""
    return float(text)


@app.route("/discount")
def discount():
    rate = parse_rate(request.args["rate"])
    # ruleid: float-input-nan-unchecked
    if rate < 0 or rate > 0.5:
        abort(400)
    return {"rate": rate}


@app.route("/discount-checked")
def discount_checked():
    rate = parse_rate(request.args["rate"])
    if math.isnan(rate) or math.isinf(rate):
        abort(400)
    # ok: float-input-nan-unchecked
    if rate < 0 or rate > 0.5:
        abort(400)
    return {"rate": rate}


@app.route("/pages")
def pages():
    # An int is never NaN: only float() makes the check unsafe.
    count = int(request.args["count"])
    # ok: float-input-nan-unchecked
    if count > 100:
        abort(400)
    return {"count": count}
