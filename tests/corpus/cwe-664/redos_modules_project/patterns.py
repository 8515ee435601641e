"""Pattern text kept as constants; nothing here is compiled, so nothing here is reported."""

# ok: regex-catastrophic-backtracking
NESTED_WORDS = r"^(\w+\s?)*$"
WORDS_FIXED = r"^\w+(\s\w+)*$"
# ok: regex-polynomial-backtracking
KEY_VALUE = r"^(.*)=(.*);$"
LINEAR_KEY_VALUE = r"^([^=]*)=([^;]*);$"
NAME = r"[A-Za-z_]\w*"
DOTTED = NAME + r"(?:\." + NAME + ")*"
WORD_CHOICES = "^(" + "|".join([r"\w+", r"\w+\s?"]) + ")*$"
VERB_LIST = "^(?:" + "|".join(["get", "put"]) + r")(?:,\w+)*$"
