"""Path traversal (CWE-22): request data in file paths, and archives extracted unfiltered."""
import os
import shutil
import tarfile
import zipfile

from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOADS = "/srv/uploads"


@app.route("/read")
def read():
    # ruleid: path-traversal
    return open(os.path.join(UPLOADS, request.args["name"]), "rb").read()


@app.route("/read-safe")
def read_safe():
    # ok: path-traversal
    return open(os.path.join(UPLOADS, secure_filename(request.args["name"])), "rb").read()


@app.route("/read-basename")
def read_basename():
    name = os.path.basename(request.args["name"])
    # ok: path-traversal
    return open(os.path.join(UPLOADS, name), "rb").read()


@app.route("/download")
def download():
    target = UPLOADS + "/" + request.args.get("file", "")
    # ruleid: path-traversal
    return send_file(target)


@app.route("/download-dir")
def download_dir():
    # ok: path-traversal
    return send_from_directory(UPLOADS, request.args["file"])


@app.route("/download-any-dir")
def download_any_dir():
    # ruleid: path-traversal
    return send_from_directory(request.args["dir"], "index.html")


@app.route("/files/<path:subpath>")
def nested(subpath):
    # ruleid: path-traversal
    return open(os.path.join(UPLOADS, subpath)).read()


@app.route("/notes/<name>")
def note(name):
    # ok: path-traversal
    return open(os.path.join(UPLOADS, name + ".txt")).read()


@app.route("/delete", methods=["POST"])
def delete():
    # ruleid: path-traversal
    os.remove(os.path.join(UPLOADS, request.form["file"]))


@app.route("/upload", methods=["POST"])
def upload():
    uploaded = request.files["doc"]
    # ruleid: path-traversal
    shutil.copyfileobj(uploaded.stream, open(os.path.join(UPLOADS, uploaded.filename), "wb"))
    # ruleid: path-traversal
    uploaded.save(os.path.join(UPLOADS, uploaded.filename))
    # ok: path-traversal
    uploaded.save(os.path.join(UPLOADS, secure_filename(uploaded.filename)))


@app.route("/checked")
def checked():
    name = request.args["name"]
    if ".." in name or name.startswith("/"):
        return "bad", 400
    # ok: path-traversal
    return open(os.path.join(UPLOADS, name)).read()


def config_paths(settings):
    # ok: path-traversal
    with open(settings.LOG_CONFIG) as handle:
        return handle.read()


def constant_path():
    # ok: path-traversal
    return open("/etc/app/config.toml").read()


def environment_path():
    # ok: path-traversal
    return open(os.environ["APP_CONFIG"]).read()


def unpack(upload, dest):
    with tarfile.open(upload) as tar:
        # ruleid: tar-extract-unfiltered
        tar.extractall(dest)
    with tarfile.open(upload) as tar:
        # ok: tar-extract-unfiltered
        tar.extractall(dest, filter="data")
    # ruleid: unclosed-resource
    archive = tarfile.open(upload)
    # ruleid: tar-extract-unfiltered
    archive.extract("report.csv", dest)
    # ruleid: tar-extract-unfiltered
    archive.extractall(dest, filter="fully_trusted")
    # ok: tar-extract-unfiltered
    archive.extractall(dest, members=[m for m in archive.getmembers() if m.isfile() and ".." not in m.name])


def unpack_zip(upload, dest):
    with zipfile.ZipFile(upload) as archive:
        # ok: tar-extract-unfiltered
        archive.extractall(dest)


def unpack_any(upload, dest):
    # ruleid: tar-extract-unfiltered
    shutil.unpack_archive(upload, dest)
    # ok: tar-extract-unfiltered
    shutil.unpack_archive(upload, dest, filter="data")


def save_model(instance, name):
    # ok: path-traversal
    instance.save(name)


@app.route("/purge", methods=["POST"])
def purge():
    # ruleid: path-traversal
    shutil.rmtree(os.path.join(UPLOADS, request.json["folder"]))
    # ruleid: path-traversal
    os.rename(os.path.join(UPLOADS, "inbox"), request.form["target"])


@app.route("/member")
def member_extract():
    # ok: tar-extract-unfiltered
    with tarfile.open(os.path.join(UPLOADS, "bundle.tar")) as bundle:
        for entry in bundle.getmembers():
            if entry.isfile() and not os.path.isabs(entry.name) and ".." not in entry.name:
                bundle.extract(entry, UPLOADS, filter="data")


@app.route("/exists")
def exists_check_on_another_value():
    if os.path.exists(UPLOADS):
        # ruleid: path-traversal
        return open(os.path.join(UPLOADS, request.args["name"])).read()
    return ""
