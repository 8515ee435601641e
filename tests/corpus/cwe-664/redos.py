"""Regular expressions with exponential backtracking (CWE-1333)."""
import re
from re import compile as rx

# ruleid: regex-catastrophic-backtracking
WORDS = re.compile(r"^(\w+\s?)*$")
# ok: regex-catastrophic-backtracking
WORDS_FIXED = re.compile(r"^\w+(\s\w+)*$")
# ruleid: regex-catastrophic-backtracking
NESTED = rx(r"(a+)+$")
# ok: regex-catastrophic-backtracking
VERSION = re.compile(r"^(\d+\.)+\d+$")
# ok: regex-catastrophic-backtracking
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# ok: regex-catastrophic-backtracking
MERGED_ALTERNATIVES = re.compile(r"(\w|\d)+")
# ok: regex-catastrophic-backtracking
ATOMIC = re.compile(r"(?>a+)+$")
# ok: regex-catastrophic-backtracking
QUOTED = re.compile(r'"([^"\\]|\\.)*"')
# ok: regex-catastrophic-backtracking
CSV_NUMBERS = re.compile(r"\d+(,\d+)*")


def strip_comments(text):
    # ruleid: regex-catastrophic-backtracking
    return re.sub(r"(\s+|#.*)*$", "", text)


def any_prefix(text):
    # ruleid: regex-catastrophic-backtracking
    return re.match(r"^(.*)*b$", text)


def verbose(text):
    # ruleid: regex-catastrophic-backtracking
    return re.search(r"""
        ( \s* \w+ )*   # words with optional leading space
        $
    """, text, re.VERBOSE)


def verbose_safe(text):
    # ok: regex-catastrophic-backtracking
    return re.search(r"""
        \w+ ( \s \w+ )*   # a space between words
        $
    """, text, flags=re.X | re.IGNORECASE)


def not_literal(pattern, text):
    # ok: regex-catastrophic-backtracking
    return re.findall(pattern, text)


def invalid(text):
    # ok: regex-catastrophic-backtracking
    return re.compile(r"(unclosed")


def overlapping_alternatives(text):
    # ruleid: regex-catastrophic-backtracking
    return re.fullmatch(r"(a|\w|-x)+", text)


# ruleid: regex-catastrophic-backtracking
EMAIL = re.compile(r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}[a-z]{2,3}$")
# ruleid: regex-catastrophic-backtracking
DOUBLED = re.compile(r"^(a|aa)+$")
# ruleid: regex-catastrophic-backtracking
BOUNDED_BUT_LARGE = re.compile(r"(.*a){20}")
# ok: regex-catastrophic-backtracking
DOTTED_QUAD = re.compile(r"^(\d{1,3}\.){3}\d{1,3}$")
# ok: regex-catastrophic-backtracking
OPTIONAL_SEPARATOR = re.compile(r"^(\.?\w)+$")
# ok: regex-catastrophic-backtracking
LINES = re.compile(r"(?:(?![ ]*$).+$\n?)*", re.MULTILINE)
# ok: regex-catastrophic-backtracking
WORD_RUNS = re.compile(r"(\w+\b\s?)*")
