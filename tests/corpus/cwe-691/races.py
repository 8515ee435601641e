"""Check-then-use races on files (CWE-367)."""
import os
import tempfile
from pathlib import Path

LOCK_PATH = "/tmp/app.lock"


def write_report(path, text):
    if os.access(path, os.W_OK):
        # ruleid: check-then-use-race
        with open(path, "w") as handle:
            handle.write(text)


def write_pid():
    if not os.path.exists(LOCK_PATH):
        # ruleid: check-then-use-race
        with open(LOCK_PATH, "w") as handle:
            handle.write(str(os.getpid()))


def write_marker():
    marker = Path(tempfile.gettempdir()) / "build.done"
    if not marker.exists():
        # ruleid: check-then-use-race
        marker.write_text("done")


def create_package(directory):
    init_path = os.path.join(directory, "__init__.py")
    if not os.path.isfile(init_path):
        # ok: check-then-use-race
        open(init_path, "w").close()


def make_writable(path, mode):
    if not os.access(path, os.W_OK):
        # ok: check-then-use-race
        os.chmod(path, mode)


def remove_old_database(path):
    if os.access(path, os.F_OK):
        # ok: check-then-use-race
        os.remove(path)


def write_pid_exclusive(lock_path):
    try:
        # ok: check-then-use-race
        with open(lock_path, "x") as handle:
            handle.write(str(os.getpid()))
    except FileExistsError:
        return False
    return True


def read_config(path):
    if os.path.exists(path):
        # ok: check-then-use-race
        with open(path) as handle:
            return handle.read()
    return ""


def clean(path):
    if os.path.exists(path):
        # ok: check-then-use-race
        os.remove(path)
