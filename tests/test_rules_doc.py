"""docs/rules.md, where the language server links each diagnostic, is current and has every rule's anchor."""

from __future__ import annotations

import re
from pathlib import Path

from secreview.report.rules_doc import markdown, url
from secreview.rules import all_rules

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_page_is_current() -> None:
    assert DOC.read_text("utf-8") == markdown(), "docs/rules.md is stale: run python scripts/rules_doc.py"


def test_every_rule_has_its_own_section_and_link() -> None:
    anchors = re.findall(r"^## (\S+)$", DOC.read_text("utf-8"), re.MULTILINE)
    assert sorted(anchors) == sorted(r.id for r in all_rules())
    assert url("yaml-unsafe-load").endswith("/docs/rules.md#yaml-unsafe-load")
