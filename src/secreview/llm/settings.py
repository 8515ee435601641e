"""How to reach the model, and how patiently. The API key is deliberately not here.

The key is read from the environment (`SECREVIEW_LLM_API_KEY`, else
`OPENAI_API_KEY`) at the moment a request is built, by `api_key()`, and never
stored on an object that could be printed, logged, pickled or cached; config
files are never consulted for it because they get committed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

KEY_VARIABLES = ("SECREVIEW_LLM_API_KEY", "OPENAI_API_KEY")
URL_VARIABLE = "SECREVIEW_LLM_URL"
MODEL_VARIABLE = "SECREVIEW_LLM_MODEL"


def api_key() -> str | None:
    """The bearer token for the endpoint, or None (local servers usually need none)."""
    for name in KEY_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def user_cache_dir() -> Path:
    """The platform's per-user cache directory for secreview's model answers."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "secreview" / "llm"


@dataclass(frozen=True)
class LLMSettings:
    """Endpoint and behaviour of the second opinion.

    `url` is the OpenAI-compatible base URL (`http://localhost:11434/v1`) or the
    full `.../chat/completions` URL. `retries` counts extra attempts after the
    first for transport failures (time-out, 5xx, 429); `backoff` is the first
    wait in seconds, doubled each time and capped by `max_backoff`, unless the
    server's Retry-After says otherwise (also capped). `timeout` bounds each
    connect and each read, as in `urllib`, not a whole reply that keeps
    trickling in. `concurrency` bounds the
    requests in flight. `max_chunk_lines` is where a file starts being split
    by function and class. `cache_dir=None` means `user_cache_dir()`.
    """

    url: str
    model: str
    timeout: float = 60.0
    retries: int = 2
    concurrency: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_chunk_lines: int = 400
    cache_dir: str | None = None
    use_cache: bool = True

    def cache_path(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else user_cache_dir()
