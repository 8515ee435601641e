"""Make tests/annotations.py importable as `annotations` from every test; fixtures several test modules share."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def relinks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many functions each successful incremental re-link linked again."""
    from secreview.analysis import incremental

    done: list[int] = []
    original = incremental.relink

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        relinked = original(*args, **kwargs)
        done.append(relinked.redone)
        return relinked

    monkeypatch.setattr(incremental, "relink", spy)
    return done
