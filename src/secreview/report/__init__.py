"""Reporters only format: every format is rendered from the same `Review`.

Layer 6 of docs/architecture.md. May import every lower layer (core, cwe, sources, settings, the
checks, run, fixes), not `llm`, the API or the front ends.
"""

from __future__ import annotations

from collections.abc import Callable

from secreview.core.model import Review

FORMATS = ("text", "markdown", "json", "sarif", "html")


def renderer(name: str) -> Callable[..., str]:
    """The `render(review, **options)` function of a format (imported lazily)."""
    if name == "text":
        from secreview.report.text import render
    elif name == "markdown":
        from secreview.report.markdown import render
    elif name == "json":
        from secreview.report.json import render
    elif name == "sarif":
        from secreview.report.sarif import render
    elif name == "html":
        from secreview.report.html import render
    else:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    return render


__all__ = ["FORMATS", "Review", "renderer"]
