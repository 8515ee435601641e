"""The shipped CWE catalogue decides every pillar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secreview.cwe import catalog
from secreview.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_ten_pillars() -> None:
    assert sorted(catalog().pillars, key=int) == ["284", "435", "664", "682", "691", "693", "697", "703", "707", "710"]


def test_primary_and_secondary_pillars() -> None:
    hard_coded = catalog().weakness("CWE-798")
    assert hard_coded.primary_pillar == "284"
    assert set(hard_coded.secondary_pillars) == {"693", "710"}
    assert catalog().weakness(78).primary_pillar == "707"
    assert catalog().weakness("611").primary_pillar == "664"


def test_unknown_and_deprecated_ids_fail_loudly() -> None:
    with pytest.raises(KeyError):
        catalog().weakness("999999")


def test_every_rule_pillar_comes_from_the_catalogue() -> None:
    for item in all_rules():
        assert item.pillar == catalog().weakness(item.cwe).primary_pillar


def test_shipped_copy_matches_the_shared_source_when_present() -> None:
    shared = ROOT.parent / "shared" / "data" / "cwe" / "cwe-1000.json"
    if not shared.exists():
        pytest.skip("shared data not beside this checkout")
    shipped = ROOT / "src" / "secreview" / "cwe" / "cwe-1000.json"
    assert json.loads(shipped.read_text()) == json.loads(shared.read_text())


def test_refresh_script_rejects_a_broken_catalogue(tmp_path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("refresh", ROOT / "scripts" / "refresh_cwe_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    broken = {"version": "x", "date": "y", "terms_of_use": "z", "pillars": {"284": "a"},
              "weaknesses": {"1": {"pillars": ["284"], "primary_pillar": None}}}
    source = tmp_path / "broken.json"
    source.write_text(json.dumps(broken))
    assert module.main([str(source)]) == 1
    assert module.check(json.loads((ROOT / "src/secreview/cwe/cwe-1000.json").read_text())) == []
