"""Load the shipped CWE-1000 catalogue once and answer "which pillar?".

Rules name only a specific CWE; the chapter a finding appears under is the
catalogue's `primary_pillar`, i.e. the pillar reached by following MITRE's
*primary* `ChildOf` links. Every other pillar the CWE reaches through any
parent chain is kept as secondary (CWE-798, for example, is filed under
CWE-284 and also reaches CWE-693 and CWE-710). No pillar is typed by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

CATALOG_FILE = "cwe-1000.json"


@dataclass(frozen=True)
class Weakness:
    id: str
    name: str
    primary_pillar: str
    pillars: tuple[str, ...]

    @property
    def secondary_pillars(self) -> tuple[str, ...]:
        return tuple(p for p in self.pillars if p != self.primary_pillar)


class Catalog:
    """Read-only view of `cwe-1000.json`."""

    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        self.date: str = data["date"]
        self.terms_of_use: str = data["terms_of_use"]
        self.pillars: dict[str, str] = dict(data["pillars"])
        self._weaknesses: dict[str, dict] = data["weaknesses"]
        self._deprecated: dict[str, str] = data.get("deprecated", {})

    @staticmethod
    def normalise(cwe: str | int) -> str:
        """'CWE-78', 'cwe78', 78 -> '78'."""
        text = str(cwe).strip().upper()
        if text.startswith("CWE"):
            text = text[3:].lstrip("-_ ")
        return text

    def weakness(self, cwe: str | int) -> Weakness:
        """The weakness with its pillars; KeyError for unknown or deprecated ids."""
        key = self.normalise(cwe)
        raw = self._weaknesses.get(key)
        if raw is None:
            if key in self._deprecated:
                raise KeyError(f"CWE-{key} is deprecated: {self._deprecated[key]}")
            raise KeyError(f"CWE-{key} is not in CWE view 1000 {self.version}")
        return Weakness(
            id=key,
            name=raw["name"],
            primary_pillar=raw["primary_pillar"],
            pillars=tuple(sorted(raw["pillars"], key=int)),
        )

    def __contains__(self, cwe: object) -> bool:
        return isinstance(cwe, (str, int)) and self.normalise(cwe) in self._weaknesses

    def pillar_name(self, pillar: str) -> str:
        return self.pillars[self.normalise(pillar)]

    def find_by_name(self, text: str) -> str | None:
        """Map a free-text weakness name (as a model might write it) to an id."""
        wanted = " ".join(text.lower().split())
        for key, raw in self._weaknesses.items():
            if raw["name"].lower() == wanted:
                return key
        for key, raw in self._weaknesses.items():
            if wanted and wanted in raw["name"].lower():
                return key
        return None


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The shipped catalogue, parsed once per process."""
    text = resources.files(__package__).joinpath(CATALOG_FILE).read_text("utf-8")
    return Catalog(json.loads(text))
