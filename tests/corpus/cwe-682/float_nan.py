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
