"""Check-then-use races on files (CWE-367)."""
import os
from pathlib import Path


def write_report(path, text):
    if os.access(path, os.W_OK):
        # ruleid: check-then-use-race
        with open(path, "w") as handle:
            handle.write(text)


def write_pid(lock_path):
    if not os.path.exists(lock_path):
        # ruleid: check-then-use-race
        with open(lock_path, "w") as handle:
            handle.write(str(os.getpid()))


def write_marker(marker: Path):
    if not marker.exists():
        # ruleid: check-then-use-race
        marker.write_text("done")


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
