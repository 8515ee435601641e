"""A progress bar for long runs, on a terminal only.

Nothing is drawn for the first second (short runs stay quiet), nor when
stderr is not a terminal (pipes, CI logs). The bar is drawn on stderr, so
stdout stays the report, and it disappears when the run ends. It runs no
thread of its own (`auto_refresh=False`), so worker processes can still be
forked safely while it is shown.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

DELAY = 1.0  # seconds before the bar appears
_REFRESH = 0.1  # seconds between redraws


def wanted() -> bool:
    """Whether a progress bar belongs on this stderr."""
    stream = sys.stderr
    return bool(stream and stream.isatty()) and os.environ.get("TERM") != "dumb" and not os.environ.get("CI")


class ProgressBar:
    """Counts finished files; call `advance()` once per file and `close()` at the end."""

    def __init__(self, total: int, description: str = "reviewing") -> None:
        self.total = total
        self.description = description
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._bar: Any = None
        self._task: Any = None

    def advance(self) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self.started < DELAY or now - self._drawn < _REFRESH:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True), transient=True,
                                 auto_refresh=False)
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=self.total)
        self._bar.update(self._task, completed=self.done)
        self._bar.refresh()
        self._drawn = now

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
