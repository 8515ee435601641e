"""Compiles and applies the patterns of `patterns` and `grammar`: the findings are reported here, at the use."""
import re

from . import patterns
from .grammar import TOKEN_LIST, TOKEN_LIST_FIXED
from .patterns import DOTTED, KEY_VALUE, LINEAR_KEY_VALUE, NESTED_WORDS, VERB_LIST, WORD_CHOICES, WORDS_FIXED

# ruleid: regex-catastrophic-backtracking
WORDS = re.compile(NESTED_WORDS)
# ok: regex-catastrophic-backtracking
WORDS_OK = re.compile(WORDS_FIXED)
PAIR = re.compile(KEY_VALUE)
PAIR_FIXED = re.compile(LINEAR_KEY_VALUE)
QUALIFIED = re.compile(DOTTED)


def parse_cookie(cookie):
    # ruleid: regex-polynomial-backtracking
    return PAIR.match(cookie)


def parse_cookie_fixed(cookie):
    # ok: regex-polynomial-backtracking
    return PAIR_FIXED.match(cookie)


def declared_default(line):
    # ok: regex-polynomial-backtracking
    return re.match(patterns.KEY_VALUE, line)  # parses no protocol data: the program's own text


def split_header(value):
    # ruleid: regex-polynomial-backtracking
    return re.match(patterns.KEY_VALUE, value)


def default_pair():
    # ok: regex-polynomial-backtracking
    return re.match(patterns.KEY_VALUE, "name=value;")


def token_list(text):
    # ruleid: regex-catastrophic-backtracking
    return re.match(TOKEN_LIST, text)


def token_list_fixed(text):
    # ok: regex-catastrophic-backtracking
    return re.match(TOKEN_LIST_FIXED, text)


def qualified_name(text):
    # ok: regex-polynomial-backtracking
    return QUALIFIED.fullmatch(text)


def word_choices(text):
    # ruleid: regex-catastrophic-backtracking
    return re.fullmatch(WORD_CHOICES, text)


def verb_list(text):
    # ok: regex-catastrophic-backtracking, regex-polynomial-backtracking
    return re.fullmatch(VERB_LIST, text)
