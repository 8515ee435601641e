"""A small inventory service: clean example input for the verdict golden tests."""
import json
import logging
import sqlite3

import requests
from flask import Flask, abort, jsonify, request
from flask_login import login_required

app = Flask(__name__)
log = logging.getLogger(__name__)
PRICES_URL = "https://prices.example.com/v1/latest"


def load_catalogue(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def latest_prices():
    try:
        response = requests.get(PRICES_URL, timeout=10)
        response.raise_for_status()
    except requests.RequestException:
        log.exception("price service unavailable")
        raise
    return response.json()


@app.route("/items/<int:item_id>")
@login_required
def item(item_id):
    connection = sqlite3.connect("inventory.db")
    try:
        row = connection.execute("SELECT name, stock FROM items WHERE id = ?", (item_id,)).fetchone()
    finally:
        connection.close()
    if row is None:
        abort(404)
    return jsonify(name=row[0], stock=row[1])


@app.route("/search")
@login_required
def search():
    term = request.args.get("q", "")
    page_size = 20
    with sqlite3.connect("inventory.db") as connection:
        rows = connection.execute("SELECT name FROM items WHERE name LIKE ?", (f"%{term}%",)).fetchall()
    pages = (len(rows) + page_size - 1) // page_size
    return jsonify(results=[r[0] for r in rows[:page_size]], pages=pages)
