"""The JSON writer gives the same value as `json.dumps`, with long lists one item per line."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from secreview.report import jsontext

_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["files", "a", "é\n\"", ""]), inner,
                                                                max_size=4),
    max_leaves=30,
)


@given(_VALUES)
def test_same_value_as_the_standard_encoder(value: object) -> None:
    assert json.loads(jsontext.dumps(value, flat_lists=("files",))) == value


def test_items_of_flat_lists_are_one_line_each_and_the_rest_is_indented() -> None:
    value = {"summary": {"files": 2}, "files": [{"path": "a.py", "pillars": [1, 2]}, {"path": "b.py"}]}
    lines = jsontext.dumps(value, flat_lists=("files",)).splitlines()
    assert lines[1] == '  "summary": {'
    assert '    {"path": "a.py", "pillars": [1, 2]},' in lines
    assert '    {"path": "b.py"}' in lines


def test_non_ascii_text_is_kept_unless_asked_otherwise() -> None:
    assert '"é"' in jsontext.dumps({"files": ["é"]}, flat_lists=("files",))
    assert '"\\u00e9"' in jsontext.dumps({"k": "é"}, ensure_ascii=True)
