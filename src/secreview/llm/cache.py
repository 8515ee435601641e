"""Model answers on disk, so an unchanged file costs no tokens on the next run.

The key is the SHA-256 of (prompt version, model, the full messages). The
messages contain the code, so this is the (prompt version, model, code hash)
key the design asks for, made stricter: a changed static finding or a new
catalogue also changes what the model was asked, and must not reuse an
answer to a different question. Only answers that passed validation are
stored; the raw text is kept (not the parsed result) so that a stricter
parser in a later release re-checks cached answers too.

A cache that cannot be read or written is skipped silently: it is an
optimisation, never a reason to fail a review. Nothing secret is stored —
the key is not part of the request body and never reaches this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from secreview.llm.client import Completion


def cache_key(prompt_version: str, model: str, messages: Sequence[dict[str, str]]) -> str:
    payload = json.dumps([prompt_version, model, list(messages)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


class AnswerCache:
    """One JSON file per answer under `directory/ab/abcdef....json`."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _file(self, key: str) -> Path | None:
        return self.directory / key[:2] / f"{key}.json" if self.directory is not None else None

    def get(self, key: str) -> Completion | None:
        path = self._file(key)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text("utf-8"))
            return Completion(str(data["text"]), int(data.get("prompt_tokens", 0)),
                              int(data.get("completion_tokens", 0)))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, completion: Completion) -> None:
        path = self._file(key)
        if path is None:
            return
        data = {"text": completion.text, "prompt_tokens": completion.prompt_tokens,
                "completion_tokens": completion.completion_tokens}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=str(path.parent), prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(data, stream, ensure_ascii=False)
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return
