"""Write a file whole or not at all: beside its final name, then renamed over it.

A failed or interrupted run never leaves half a report, and a reader never sees one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(target: Path, text: str) -> None:
    handle, temp = tempfile.mkstemp(dir=str(target.parent), prefix=".secreview-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
