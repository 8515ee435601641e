"""Write a file whole or not at all: beside its final name, then renamed over it.

A failed or interrupted run never leaves half a report, and a reader never sees one.
Only a regular file (or a new name) is replaced that way: `-o /dev/null`, `-o /dev/stdout`
or a named pipe are written in place, since renaming over them would replace the device or
pipe itself with a plain file (as root, /dev/null for the whole machine).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_text(target: Path, text: str) -> None:
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(target, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        return
    handle, temp = tempfile.mkstemp(dir=str(target.parent), prefix=".secreview-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
