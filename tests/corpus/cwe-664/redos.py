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
        ^ \w+ ( \s \w+ )*   # a space between words
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

# A header grammar assembled from many pieces: folded however long the chain of `+` is.
HEADER_SPECIALS = re.escape('()<>@,;:\\"/[]?={} \t')
HEADER_QUOTED = r'"(?:\\.|[^"])*"'  # a backslash is both an escape and an ordinary character
HEADER_QUOTED_FIXED = r'"(?:\\.|[^"\\])*"'
# ruleid: regex-catastrophic-backtracking
OPTION = re.compile(r"(?:;|^)\s*([^" + HEADER_SPECIALS + r"]+)\s*=\s*(" + r"(?:[^" + HEADER_SPECIALS + r"]+|"
                    + HEADER_QUOTED + r"))")
# ok: regex-catastrophic-backtracking
OPTION_FIXED = re.compile(r"(?:;|^)\s*([^" + HEADER_SPECIALS + r"]+)\s*=\s*(" + r"(?:[^" + HEADER_SPECIALS + r"]+|"
                          + HEADER_QUOTED_FIXED + r"))")


# Polynomial backtracking matters where text an attacker can make long meets the pattern: in a
# library, the parameter of a public parser of protocol data (a cookie, a header, an auth token).
# A private helper's parameter (_split_cookie below) is reported where the pattern is written.
# ruleid: regex-polynomial-backtracking
PAIR = re.compile(r"^(.*)=(.*);$")
PAIR_FIXED = re.compile(r"^([^=]*)=([^;]*);$")
HEX = "[0-9a-f]"
TOKEN = re.compile(HEX + "+" + HEX + "*x")  # folded from a module constant
TOKEN_FIXED = re.compile(HEX + "+x")
WORDS_OR = re.compile("|".join(["a+", "b+"]) + "[ab]*!")


def parse_cookie_pair(cookie):
    # ruleid: regex-polynomial-backtracking
    return PAIR.match(cookie)


def parse_cookie_pair_fixed(cookie):
    # ok: regex-polynomial-backtracking
    return PAIR_FIXED.match(cookie)


def parse_setting(line):
    # ok: regex-polynomial-backtracking
    return PAIR.match(line)  # parses no protocol data: its callers pass the program's own settings


def parse_auth_token(value):
    # ruleid: regex-polynomial-backtracking
    return TOKEN.search(value)


def parse_auth_token_fixed(value):
    # ok: regex-polynomial-backtracking
    return TOKEN_FIXED.match(value)  # anchored: no retry from every position


def _split_cookie(cookie):
    # ok: regex-polynomial-backtracking
    return PAIR.match(cookie)  # not a public function: reported where PAIR is compiled


def parse_cookie_constant():
    # ok: regex-polynomial-backtracking
    return PAIR.match("a=b;")


def strip_header(value):
    # ruleid: regex-polynomial-backtracking
    return re.sub(r"\s*;\s*$", "", value)


def strip_header_fixed(value):
    # ok: regex-polynomial-backtracking
    return value.rstrip().removesuffix(";").rstrip()


def strip_header_bounded(value):
    # ok: regex-polynomial-backtracking
    return re.sub(r"\s*;\s*$", "", value[:1000])  # at most 1000 characters: half a million steps


def strip_header_checked(value):
    if len(value) > 1024:
        raise ValueError("header too long")
    # ok: regex-polynomial-backtracking
    return re.sub(r"\s*;\s*$", "", value)


def strip_header_barely_bounded(value):
    # ruleid: regex-polynomial-backtracking
    return re.sub(r"\s*;\s*$", "", value[:1000000])  # a million characters: still 10^12 steps


def accept_header_versions(text):
    # ruleid: regex-polynomial-backtracking
    return re.match(f"^{HEX}*{HEX}*$", text)


def accept_header_versions_fixed(text):
    # ok: regex-polynomial-backtracking
    return re.match(f"^{HEX}*$", text)


VCHAR = r"\x21-\x7e"
FIELD_CONTENT = "[" + VCHAR + "]([ \t" + VCHAR + "]+[" + VCHAR + "]){,1}"


def tobytes(text):
    return text.encode("latin-1")


# ruleid: regex-catastrophic-backtracking
HEADER_VALUE = re.compile(tobytes("^(" + FIELD_CONTENT + "){0,}$"))
# ok: regex-catastrophic-backtracking
HEADER_VALUE_FIXED = re.compile(tobytes("^[" + VCHAR + "]+([ \t]+[" + VCHAR + "]+)*$"))


def no_session_check(logical_line, filename):
    # ok: regex-polynomial-backtracking
    return PAIR.match(logical_line)  # a flake8 check: the line is the project's own source


from django.utils.regex_helper import _lazy_re_compile  # noqa: E402

# ruleid: regex-catastrophic-backtracking
LINE_BREAKS = _lazy_re_compile(r"((\r\n|\r|\n)+) *$")
# ok: regex-catastrophic-backtracking
LINE_BREAKS_FIXED = _lazy_re_compile(r"((\r|\n)+) *$")


def is_form_password_ok(password):
    # A password policy written as lookaheads inside the repeat: every character rescans the rest.
    # ruleid: regex-polynomial-backtracking
    return re.match(r"^(?:(?=.*\d)[A-Za-z\d])+$", password)


def is_form_password_ok_fixed(password):
    # ok: regex-polynomial-backtracking
    return re.match(r"^(?=.*\d)[A-Za-z\d]+$", password)  # the lookahead runs once, at the start

# An exponential pattern that only a flake8 check applies, to the project's own source lines.
# ok: regex-catastrophic-backtracking
LOG_WITH_CONTEXT = re.compile(r"(.)*LOG\.(.*)\(.*(context=[_a-zA-Z0-9].*)+.*\)")


def check_log_context(logical_line, filename):
    if LOG_WITH_CONTEXT.match(logical_line):
        yield 0, "N353: do not pass context to LOG calls"


# The same pattern, also applied to a message a caller passes in.
# ruleid: regex-catastrophic-backtracking
LOG_WITH_CONTEXT_TOO = re.compile(r"(.)*LOG\.(.*)\(.*(context=[_a-zA-Z0-9].*)+.*\)")


def check_log_context_too(logical_line, filename):
    if LOG_WITH_CONTEXT_TOO.match(logical_line):
        yield 0, "N353: do not pass context to LOG calls"


def has_log_context(message):
    return LOG_WITH_CONTEXT_TOO.match(message) is not None
