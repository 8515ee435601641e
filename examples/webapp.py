"""A small Flask service with the kind of defects secreview reports."""
import hashlib
import os
import pickle
import random
import subprocess

import requests
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/backup")
def backup():
    name = request.args["name"]
    archive = f"/srv/backups/{name}.tgz"
    subprocess.run(f"tar czf {archive} /srv/data", shell=True)
    return archive


@app.route("/session", methods=["POST"])
def restore_session():
    return pickle.loads(request.get_data())


@app.route("/signup", methods=["POST"])
def signup():
    password = request.form["password"]
    digest = hashlib.md5(password.encode()).hexdigest()
    reset_token = "".join(random.choice("abcdef0123456789") for _ in range(32))
    return {"hash": digest, "token": reset_token}


def load_settings(path):
    with open(path) as handle:
        return yaml.load(handle)


def fetch_feed(url):
    return requests.get(url, verify=False, timeout=5).text


def remove_user(user):
    assert user.is_admin, "admins only"
    os.remove(f"/srv/users/{user.id}")


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
