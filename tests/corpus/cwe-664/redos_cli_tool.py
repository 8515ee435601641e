"""A command-line tool: the files and arguments it parses are its operator's, not a peer's (CWE-1333)."""
import argparse
import re

HEADER_LINE = re.compile(r"^([^:]*?)\s*:\s*(.*)$")


def parse_header_line(line):
    # ok: regex-polynomial-backtracking
    return HEADER_LINE.match(line)  # lines of a capture file the operator names on the command line


def main():
    parser = argparse.ArgumentParser(description="summarise the headers of a saved HTTP exchange")
    parser.add_argument("capture")
    args = parser.parse_args()
    with open(args.capture, encoding="utf-8") as handle:
        for line in handle:
            print(parse_header_line(line))
