#!/usr/bin/env python3
"""Refresh the CWE catalogue that the package ships.

The catalogue is generated upstream (see shared/data/cwe/README.md for how
MITRE's XML becomes `cwe-1000.json`). This script copies a generated file into
the package after checking that it has the shape secreview relies on: ten
pillars, and a primary pillar for every weakness. It never edits the data.

    python scripts/refresh_cwe_catalog.py [SOURCE_JSON]

SOURCE_JSON defaults to ../shared/data/cwe/cwe-1000.json beside the checkout.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "secreview" / "cwe" / "cwe-1000.json"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "cwe" / "cwe-1000.json"
PILLARS = {"284", "435", "664", "682", "691", "693", "697", "703", "707", "710"}


def check(data: dict) -> list[str]:
    """Problems that would make the catalogue unusable; empty when fine."""
    problems = []
    if set(data.get("pillars", {})) != PILLARS:
        problems.append(f"pillars are {sorted(data.get('pillars', {}))}, expected the ten of CWE-1000")
    for key in ("version", "date", "terms_of_use", "weaknesses"):
        if key not in data:
            problems.append(f"missing key {key!r}")
    for cwe, weakness in data.get("weaknesses", {}).items():
        if weakness.get("primary_pillar") not in PILLARS:
            problems.append(f"CWE-{cwe} has no primary pillar")
        elif weakness["primary_pillar"] not in weakness.get("pillars", []):
            problems.append(f"CWE-{cwe}: primary pillar not among its pillars")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.source.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        print(f"cannot read {args.source}: {exc}", file=sys.stderr)
        return 1
    problems = check(data)
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        return 1
    shutil.copyfile(args.source, TARGET)
    print(f"copied CWE {data['version']} ({len(data['weaknesses'])} weaknesses) to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
