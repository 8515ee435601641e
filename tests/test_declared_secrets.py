"""Secrets a project declares (oslo.config `secret=True`) are secrets wherever they are read, and
the join of declarations and reads gives the same report cold, warm, after an edit and in parallel."""

from __future__ import annotations

from pathlib import Path

from tests.test_incremental import report, write


CONF_OPTS = ('from oslo_config import cfg\n\n'
             'opts = [cfg.StrOpt("host"), cfg.StrOpt("admin_password", secret=True), cfg.StrOpt("token_file")]\n\n\n'
             'def register_opts(conf):\n    conf.register_opts(opts, group="backend")\n')
PROJECT = {
    "svc/__init__.py": "",
    "svc/conf/__init__.py": "from oslo_config import cfg\n\nfrom svc.conf import backend\n\nCONF = cfg.CONF\n"
                            "backend.register_opts(CONF)\n",
    "svc/conf/backend.py": CONF_OPTS,
    "svc/client.py": ("import logging\n\nimport svc.conf\n\nCONF = svc.conf.CONF\nLOG = logging.getLogger(__name__)\n\n\n"
                      "def _password():\n    return CONF.backend.admin_password\n\n\n"
                      "def connect(login):\n    LOG.info('login to %s with %s', CONF.backend.host, _password())\n"
                      "    LOG.info('token file %s', CONF.backend.token_file)\n"
                      "    return login(CONF.backend.host, _password())\n"),
    "svc/direct.py": ("import logging\n\nfrom oslo_config import cfg\n\nLOG = logging.getLogger(__name__)\n\n\n"
                      "def show():\n    LOG.debug('password: %s', cfg.CONF.backend.admin_password)\n"),
}


def secret_findings(found: dict) -> set[tuple[str, int, str]]:
    return {(Path(f["path"]).name, f["line"], f["rule_id"]) for f in found["findings"]
            if f["rule_id"].startswith("secret-")}


def warm_cold_parallel(root: Path, tmp_path: Path) -> set[tuple[str, int, str]]:
    warm = report(root, tmp_path / "warm.json", "--cache-dir", str(tmp_path / "cache"))
    cold = report(root, tmp_path / "cold.json", "--no-cache")
    parallel = report(root, tmp_path / "jobs2.json", "--no-cache", "--jobs", "2")
    assert warm == cold
    assert secret_findings(parallel) == secret_findings(cold)
    return secret_findings(cold)


def test_an_option_declared_secret_in_one_module_is_a_secret_where_another_reads_it(
        tmp_path: Path, relinks: list[int]) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    declared = {("client.py", 14, "secret-in-log"), ("direct.py", 9, "secret-in-log")}
    # the token file is named like a secret but declared as none
    assert warm_cold_parallel(root, tmp_path) == declared

    (root / "svc/conf/backend.py").write_text(CONF_OPTS.replace(", secret=True", ""), encoding="utf-8")
    assert warm_cold_parallel(root, tmp_path) == set(), "a name alone never makes a secret"
    (root / "svc/conf/backend.py").write_text(CONF_OPTS, encoding="utf-8")
    assert warm_cold_parallel(root, tmp_path) == declared
    assert len(relinks) == 2, "both edits of the declaration were re-linked incrementally"


def test_a_read_of_an_option_no_module_declares_is_no_secret(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, {name: text for name, text in PROJECT.items() if name != "svc/conf/backend.py"})
    assert warm_cold_parallel(root, tmp_path) == set()


def test_the_group_an_option_is_registered_in_is_part_of_what_is_declared(tmp_path: Path, relinks: list[int]) -> None:
    """`admin_password` is secret in the group it is registered in: moving it to another group makes the
    reads of `CONF.backend.admin_password` plain, incrementally; an option never registered where it is
    declared may be in any group."""
    root = tmp_path / "project"
    write(root, PROJECT)
    declared = {("client.py", 14, "secret-in-log"), ("direct.py", 9, "secret-in-log")}
    assert warm_cold_parallel(root, tmp_path) == declared

    moved = CONF_OPTS.replace('group="backend"', 'group="frontend"')
    (root / "svc/conf/backend.py").write_text(moved, encoding="utf-8")
    assert warm_cold_parallel(root, tmp_path) == set(), "secret in the group frontend, read in backend"
    unregistered = CONF_OPTS.replace('    conf.register_opts(opts, group="backend")\n', '    return opts\n')
    (root / "svc/conf/backend.py").write_text(unregistered, encoding="utf-8")
    assert warm_cold_parallel(root, tmp_path) == declared, "declared, its group unknown: any group"
    assert len(relinks) == 2, "both edits of the registration were re-linked incrementally"


def test_secret_true_is_found_after_other_mentions_of_secret_and_across_lines() -> None:
    """The text test before the walk tries every "secret" in the module, not only the first."""
    import ast

    from secreview.analysis.taint import summarise_module

    def declared(keyword: str) -> tuple[str, ...]:
        source = ('from oslo_config import cfg\n\n# the client_secret=True of the old API is gone; secret:\n'
                  f'opts = [cfg.StrOpt("client_secret"), cfg.StrOpt("admin_password", {keyword})]\n')
        return summarise_module("conf.py", ast.parse(source), "svc.conf", source).declared

    assert declared("secret=True") == ("oslo:*.admin_password",)
    assert declared("secret = \\\n    True") == ("oslo:*.admin_password",)
    assert declared("secret=  # masked in dumps\n    True") == ("oslo:*.admin_password",)
    assert declared("secret=False") == ()
