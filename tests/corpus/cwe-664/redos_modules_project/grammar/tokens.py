"""Token patterns built from pieces with `%` (folded before they are exported)."""

_TOKEN = r"[\w.-]+"
TOKEN_LIST = r"^(%s,?)*;$" % _TOKEN
TOKEN_LIST_FIXED = r"^%s(,%s)*;$" % (_TOKEN, _TOKEN)
