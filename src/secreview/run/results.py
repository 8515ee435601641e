"""One file's result as the run keeps it and the cache stores it: the review and how to recognise the file.

Below both `parallel` (which makes results) and `cache` (which stores them), so neither imports the other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from secreview.core.model import DiagnosticKind, FileReview


@dataclass(frozen=True)
class FileResult:
    """One file's review, plus what the cache needs to recognise the file next time.

    `extras` holds the results of registered per-file passes (`secreview.run.filepasses`),
    by pass name — e.g. the taint engine's summaries — cached together with `review`.
    """

    review: FileReview
    digest: str | None = None  # BLAKE2b of the bytes reviewed; None if the file could not be read
    size: int = -1
    mtime_ns: int = -1
    inode: int = -1
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def cacheable(self) -> bool:
        """Results that may differ on the next run (time budget, crashes) are not kept."""
        transient = (DiagnosticKind.TIMEOUT, DiagnosticKind.INTERNAL, DiagnosticKind.UNREADABLE)
        return self.digest is not None and not any(d.kind in transient for d in self.review.diagnostics)


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()
