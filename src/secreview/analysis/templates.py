"""Which variables of an inline Jinja or Django template are rendered without escaping.

Flask's `render_template_string(source, **context)` escapes every `{{ name }}`
(autoescaping is on for templates rendered from a string), except a variable
passed through `|safe` or rendered inside `{% autoescape false %}`. Django's
`Template(source).render(Context({...}))` escapes the same way, except through
`|safe`/`|safeseq` or inside `{% autoescape off %}`. When the source is a
constant the taint pass can read, the context values bound to those names are
HTML sinks (`[[sink]] unescaped_variables = true`, `django_context = true`), and
the others are not.
"""

from __future__ import annotations

import re

_SAFE_FILTERED = re.compile(r"{{-?\s*([A-Za-z_]\w*)[^{}]*?\|\s*safe(?:seq)?\b")
# Jinja spells it `false`, Django `off`.
_AUTOESCAPE_OFF = re.compile(r"{%-?\s*autoescape\s+(?:false|off)\s*-?%}(.*?)(?:{%-?\s*endautoescape\s*-?%}|$)", re.DOTALL)
_VARIABLE = re.compile(r"{{-?\s*([A-Za-z_]\w*)")


def unescaped_variables(source: str) -> frozenset[str]:
    """Names whose value the template inserts as markup: `{{ x|safe }}` or inside autoescape false."""
    names = set(_SAFE_FILTERED.findall(source))
    for block in _AUTOESCAPE_OFF.findall(source):
        names.update(_VARIABLE.findall(block))
    return frozenset(names)
