"""The build backend: setuptools, asking for mypy (which holds mypyc) only for a build that compiles.

mypy is a build requirement of the wheel, not of the package: `setup.py` compiles the modules
listed in `compiled-modules.txt` with it. Where nothing will be compiled — an editable install
(which must keep running the sources being edited), `SECREVIEW_NO_MYPYC=1`, or an interpreter
mypyc does not target (PyPy) — mypy is not asked for, so such a build never downloads it.
"""

from __future__ import annotations

import os
import platform

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401 - the hooks used as they are
    build_sdist,
    build_wheel,
    get_requires_for_build_sdist,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

# The mypy that compiles the released wheels and checks them in CI (`mypy --strict`): pinned, because
# what mypyc accepts and generates changes between releases.
MYPY = "mypy==2.4.1"
# Runtime dependencies that compiled modules import: mypyc type-checks those imports, so the isolated
# build environment needs them too (`rules/base.py` builds its word scan with ahocorasick-rs).
COMPILED_IMPORTS = ["ahocorasick-rs>=1.0.3"]
NO_MYPYC = "SECREVIEW_NO_MYPYC"


def compiling() -> bool:
    """Whether a wheel built now is to be compiled (setup.py still falls back if compiling fails)."""
    return os.environ.get(NO_MYPYC, "") in ("", "0") and platform.python_implementation() == "CPython"


def get_requires_for_build_wheel(config_settings: dict[str, object] | None = None) -> list[str]:
    return [*_setuptools.get_requires_for_build_wheel(config_settings),
            *([MYPY, *COMPILED_IMPORTS] if compiling() else [])]


def get_requires_for_build_editable(config_settings: dict[str, object] | None = None) -> list[str]:
    return _setuptools.get_requires_for_build_editable(config_settings)


def build_editable(wheel_directory: str, config_settings: dict[str, object] | None = None,
                   metadata_directory: str | None = None) -> str:
    """An editable install runs the sources: compiled modules would shadow the files being edited."""
    os.environ[NO_MYPYC] = "1"
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
