"""Build the package; compile its hot modules with mypyc when this build can.

The modules listed in `compiled-modules.txt` become C extensions next to their `.py` sources
(which stay in the wheel: Python imports an extension before a source of the same name). The
package is complete without them, so the build falls back to pure Python, saying why, when
`SECREVIEW_NO_MYPYC=1`, when mypy (mypyc) is not installed, or when there is no working C
compiler. A type error in a compiled module is a bug and fails the build.

`MYPYC_OPT_LEVEL` (0-3, default 3) sets the C compiler's optimisation level.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

HERE = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """The paths (under src/) of the modules to compile, from compiled-modules.txt."""
    listing = (HERE / "compiled-modules.txt").read_text(encoding="utf-8")
    return [line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#")]


def _pure(reason: str) -> list:
    print(f"secreview: building pure Python ({reason})", file=sys.stderr)
    return []


# The commands that build extensions. Others (egg_info and dist_info, asked for requirements and metadata;
# sdist) leave ext_modules empty, so that mypyc runs once per build, not once per hook.
_BUILDING = {"build", "build_ext", "bdist_wheel", "install"}


def mypyc_extensions() -> list:
    if not _BUILDING.intersection(sys.argv[1:]):
        return []
    if os.environ.get("SECREVIEW_NO_MYPYC", "") not in ("", "0"):
        return _pure("SECREVIEW_NO_MYPYC is set")
    if platform.python_implementation() != "CPython":
        return _pure(f"mypyc does not target {platform.python_implementation()}")
    try:
        from mypyc.build import mypycify
    except ImportError:
        return _pure("mypy, which holds mypyc, is not installed")
    # mypyc reads paths relative to the working directory and writes its C under build/.
    os.chdir(HERE / "src")
    try:
        extensions = mypycify(["--config-file", str(HERE / "pyproject.toml"), *compiled_modules()], opt_level=os.environ.get("MYPYC_OPT_LEVEL", "3"),
                              target_dir=str(HERE / "build" / "mypyc"))
    finally:
        os.chdir(HERE)
    for extension in extensions:  # the C sources were written relative to src/
        extension.sources = [source if os.path.isabs(source) else str(HERE / "src" / source)
                             for source in extension.sources]
    return extensions


class OptionalBuildExt(build_ext):
    """Compile the extensions on all cores; if the C compiler fails, ship the pure-Python package.

    All or nothing: mypyc's per-module extensions import one shared library, so a build that
    compiled some of them and not the others must not install any.
    """

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1

    def run(self) -> None:
        try:
            super().run()
        except (CCompilerError, ExecError, PlatformError, OSError) as error:  # no compiler, or it failed
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            self.extensions = []
            _pure(f"the C compiler failed: {error}")


setup(ext_modules=mypyc_extensions(), cmdclass={"build_ext": OptionalBuildExt})
