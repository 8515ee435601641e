"""Text from reviewed code made safe to print (a terminal, a log, a prompt, a page's data).

Shared by the reporters, the diff reader's errors and the model prompt, so it sits below all of them.
"""

from __future__ import annotations

import re

# C0/C1 control characters except tab: reviewed code must not drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def neutralise(text: str) -> str:
    """Make text from reviewed code safe to print: control characters become \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
