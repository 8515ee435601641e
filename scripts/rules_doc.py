#!/usr/bin/env python3
"""Write docs/rules.md from the registered rules (run after adding or changing a rule).

    python scripts/rules_doc.py
"""

from __future__ import annotations

from pathlib import Path

from secreview.report.rules_doc import markdown

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    target.write_text(markdown(), encoding="utf-8")
    print(f"wrote {target}")
