"""A small command-line tool with no security defects."""
import argparse
import json
import secrets
import subprocess
from pathlib import Path


def make_token() -> str:
    return secrets.token_urlsafe(32)


def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def git_revision() -> str:
    result = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    report = {str(p): count_lines(p) for p in args.files}
    print(json.dumps({"revision": git_revision(), "lines": report, "run": make_token()}))


if __name__ == "__main__":
    main()
