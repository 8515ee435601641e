"""Loader classes, unpicklers and parser factories defined in one module and used in another
(analysis/imported_classes.py, analysis/class_facts.py).

The findings come from a project step over per-file records, so they must be the same cold, warm,
serial or parallel, and after an edit of the module that defines the class; a review of one file
judges another module's class by its name and says so.
"""

from __future__ import annotations

import ast
from pathlib import Path

from secreview.analysis import class_facts
from secreview.api import review_source
from secreview.core.model import Confidence
from tests.test_imported_patterns import same_every_way, write

CONSTRUCTORS = ("from yaml.constructor import Constructor, SafeConstructor\n"
                "from yaml.resolver import Resolver\nfrom yaml.cyaml import CParser\n\n\n")
PROJECT = {
    "app/__init__.py": "",
    "app/loaders.py": CONSTRUCTORS + "class Loader(CParser, SafeConstructor, Resolver):\n    pass\n",
    "app/config.py": ("import yaml\n\nfrom app.loaders import Loader\n\n\n"
                      "def read(text):\n    return yaml.load(text, Loader=Loader)\n"),
}


def yaml_findings(root: Path, tmp_path: Path) -> list[tuple[str, int, str, str]]:
    return same_every_way(root, tmp_path, prefix="yaml-")


def test_a_loader_is_judged_by_its_constructor_in_another_module_and_after_edits(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    assert yaml_findings(root, tmp_path) == []
    (root / "app/loaders.py").write_text(CONSTRUCTORS + "class Loader(CParser, Constructor, Resolver):\n    pass\n")
    found = yaml_findings(root, tmp_path)
    assert [(name, line) for name, line, _, _ in found] == [("config.py", 7)]
    assert "Loader `Loader`, whose constructor is not PyYAML's SafeConstructor" in found[0][3]
    (root / "app/loaders.py").write_text(PROJECT["app/loaders.py"])
    assert yaml_findings(root, tmp_path) == []


def test_one_file_judges_another_modules_class_by_its_name_and_says_so() -> None:
    code = ("import yaml\nfrom vendor.loaders import Loader, VendorSafeLoader\n\n"
            "a = yaml.load(text, Loader=Loader)\nb = yaml.load(text, Loader=VendorSafeLoader)\n")
    findings = review_source(code, "use.py").files[0].findings
    assert [(f.rule_id, f.location.line, f.confidence) for f in findings] == [
        ("yaml-unsafe-load", 4, Confidence.MEDIUM)]
    assert "`vendor.loaders.Loader` is defined outside the reviewed code" in findings[0].message


def _find_class(body: str) -> bool | None:
    tree = ast.parse("import pickle\n\nclass U(pickle.Unpickler):\n" + body)
    return class_facts.module_classes(tree, "m", "m.py").classes["U"].find_class


def test_find_class_restricts_only_with_a_refusing_check_before_the_lookup() -> None:
    super_call = "        return super().find_class(module, name)\n"
    assert _find_class("    pass\n") is None
    assert _find_class("    def find_class(self, module, name):\n" + super_call) is False
    assert _find_class("    def find_class(self, module, name):\n        print(module)\n" + super_call) is False
    assert _find_class("    def find_class(self, module, name):\n        if module == 'x':\n            print(1)\n"
                       + super_call) is False
    assert _find_class("    def find_class(self, module, name):\n        if module != 'builtins':\n"
                       "            raise ValueError(module)\n" + super_call) is True
    assert _find_class("    def find_class(self, module, name):\n        return ALLOWED[(module, name)]\n") is True
    assert _find_class("    def find_class(self, module, name):\n"
                       "        return getattr(__import__(module), name)\n") is False
