"""Command line: options and output only; the analysis lives behind `api`.

Exit status: 0 when nothing at or above the thresholds is found, 1 when
something is, 2 for usage errors, missing paths, nothing reviewable, or an
internal error (printed as one line; set SECREVIEW_DEBUG=1 for a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secreview.api import DEFAULT_FILE_TIMEOUT, apply_llm, review_diff, review_paths
from secreview.core.atomic import write_text
from secreview.core.gcpause import paused_gc
from secreview.core.model import Confidence, Diagnostic, Review, Severity
from secreview.core.version import __version__
from secreview.llm.settings import MODEL_VARIABLE, URL_VARIABLE, LLMSettings
from secreview.report import FORMATS, renderer
from secreview.review.claims import VERIFY_ENV
from secreview.run.cache import open_cache
from secreview.run.progress import wanted as progress_wanted
from secreview.settings.config import Config, ConfigError
from secreview.settings.config import load as load_config
from secreview.sources.discover import MissingPath

if TYPE_CHECKING:  # baselines, diffs, the model client and the engine are imported where used (see api)
    from secreview.review.baseline import Baseline

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad options (exit status 2)."""


def _csv(values: Sequence[str] | None) -> tuple[str, ...]:
    """`--select a,b --select c` -> ('a', 'b', 'c')."""
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(out)


def _add_shared_options(parser: argparse.ArgumentParser, *, report: bool = True) -> None:
    """The options every reviewing command takes (scan, review; baseline create without the report ones).

    One definition, so an option added here lands on every command at once.
    """
    parser.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching GLOB (repeatable)")
    parser.add_argument("--select", action="append", metavar="RULES",
                        help="only these rule ids or CWE-NNN (comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="RULES",
                        help="skip these rule ids or CWE-NNN (comma-separated)")
    parser.add_argument("--min-severity", choices=[s.label for s in Severity],
                        help="report only at or above this severity")
    parser.add_argument("--min-confidence", choices=[c.label for c in Confidence],
                        help="report only at or above this confidence")
    parser.add_argument("--max-file-size", type=int, metavar="BYTES", help="skip larger files with a diagnostic")
    parser.add_argument("--no-gitignore", action="store_true", help="do not honour .gitignore files")
    parser.add_argument("--include-tests", action="store_true",
                        help="trace data flows in test code too, and list them (by default test code gets the pattern rules only)")
    parser.add_argument("--config", metavar="PYPROJECT", help="read [tool.secreview] from this file")
    _add_run_options(parser)
    if not report:
        return
    parser.add_argument("-f", "--format", choices=FORMATS, default="text", help="report format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--per-file", action="store_true", help="add a section per file to text and markdown reports")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour in text output")
    parser.add_argument("--baseline", metavar="FILE",
                        help="hide findings recorded in FILE by `secreview baseline create` (counted as baselined)")
    parser.add_argument("--link-template", metavar="URL",
                        help="markdown: link file:line to URL, with {path} and {line} replaced "
                             "(e.g. https://github.com/o/r/blob/SHA/{path}#L{line})")
    _add_llm_options(parser)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """How the review runs (never what it finds): processes, cache, time budget."""
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="review files in N processes (default 0: all cores); the report is the same for any N")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    parser.add_argument("--cache-dir", metavar="DIR", help="keep the result cache in DIR (default: the user cache dir)")
    parser.add_argument("--file-timeout", type=float, default=DEFAULT_FILE_TIMEOUT, metavar="SECONDS",
                        help=f"stop reviewing a file after SECONDS with a diagnostic (default: {DEFAULT_FILE_TIMEOUT:g}; "
                             "0: no limit)")
    parser.add_argument("--verify-verdicts", action="store_true",
                        help="check every claim of the verdict sentences against the code; a claim that does not "
                             "hold becomes an internal-error diagnostic (a debugging aid; implies --no-cache)")


@contextmanager
def _running(args: argparse.Namespace, config: Config, paths: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The `review_paths` keyword arguments for the run options; cache warnings go to stderr."""
    if args.jobs < 0 or args.file_timeout < 0:
        raise UsageError("--jobs and --file-timeout must be 0 or more")
    cache = None
    if args.verify_verdicts:
        os.environ[VERIFY_ENV] = "1"  # read by every worker process as it reviews its files
    if not args.no_cache and not args.verify_verdicts:
        cache, warning = open_cache(args.cache_dir, config, paths)
        if warning:
            print(f"secreview: warning: {warning}", file=sys.stderr)
    try:
        yield {"jobs": args.jobs, "cache": cache, "file_timeout": args.file_timeout or None,
               "progress": progress_wanted(), "isolate": True}
    finally:
        if cache is not None:
            for warning in cache.warnings:
                print(f"secreview: warning: {warning}", file=sys.stderr)
            cache.close()


def _add_llm_options(parser: argparse.ArgumentParser) -> None:
    """--llm and its settings; the API key is only ever read from the environment."""
    group = parser.add_argument_group(
        "second opinion from a language model",
        "An OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp, hosted). The API key is read "
        "from SECREVIEW_LLM_API_KEY or OPENAI_API_KEY, never from options or config files.")
    group.add_argument("--llm", action="store_true", help="ask the model for a second opinion on every file")
    group.add_argument("--llm-url", metavar="URL",
                       help="base URL such as http://localhost:11434/v1 (default: $SECREVIEW_LLM_URL)")
    group.add_argument("--llm-model", metavar="NAME", help="model name (default: $SECREVIEW_LLM_MODEL)")
    group.add_argument("--llm-timeout", type=float, default=60.0, metavar="SECONDS",
                       help="time-out per request (default: 60)")
    group.add_argument("--llm-retries", type=int, default=2, metavar="N",
                       help="retries after time-outs, 5xx and 429, with back-off (default: 2)")
    group.add_argument("--llm-concurrency", type=int, default=4, metavar="N",
                       help="requests in flight at once (default: 4)")
    group.add_argument("--llm-cache-dir", metavar="DIR",
                       help="where answers are cached (default: llm/ under --cache-dir, else the user cache dir)")
    group.add_argument("--no-llm-cache", action="store_true", help="neither read nor write cached answers")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="secreview",
        description="Security code review for Python: defects by CWE and CWE-1000 pillar, with lines and fixes.",
    )
    parser.add_argument("--version", action="version", version=f"secreview {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="review files and directories")
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to review")
    fixing = scan.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="apply the mechanical fixes in place, then report what remains")
    fixing.add_argument("--diff", action="store_true",
                        help="print the mechanical fixes as a unified diff instead of the report; write nothing")
    _add_shared_options(scan)

    review = commands.add_parser(
        "review", help="review a change: report the defects it introduces",
        description="Review a change. The whole tree is analysed; the report keeps findings on added or "
                    "modified lines and data flows through them, and counts the others as pre-existing.")
    source = review.add_mutually_exclusive_group(required=True)
    source.add_argument("--diff", metavar="REV_RANGE",
                        help="a git range (origin/main...HEAD, HEAD~1) or - for a unified diff on stdin")
    source.add_argument("--staged", action="store_true", help="the staged changes (what `git commit` would commit)")
    review.add_argument("paths", nargs="*", metavar="PATH", help="report only changed files under these paths")
    review.add_argument("--all", action="store_true", dest="include_all",
                        help="also list the pre-existing findings of the changed files")
    review.add_argument("--root", metavar="DIR",
                        help="directory the diff's paths are relative to (default: the git work tree, else .)")
    _add_shared_options(review)

    baseline = commands.add_parser("baseline", help="record current findings so that --baseline hides them")
    baseline_commands = baseline.add_subparsers(dest="baseline_command", metavar="ACTION", required=True)
    create = baseline_commands.add_parser("create", help="write the findings of PATHS (default: .) to FILE")
    create.add_argument("file", metavar="FILE", help="baseline file to write (JSON)")
    create.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories to review")
    _add_shared_options(create, report=False)

    fleet = commands.add_parser(
        "fleet", help="review many projects on Ray: directories, source archives, @FILE lists",
        description="Review each PROJECT (a directory, a .tar.gz/.tgz/.zip/.whl source archive, or @FILE naming one "
                    "per line) as `secreview scan` would, on a local Ray or a Ray cluster; write DIR/<name>.json and "
                    ".sarif per project, DIR/summary.json and DIR/index.html. Needs `pip install 'secreview[fleet]'`.")
    fleet.add_argument("projects", nargs="+", metavar="PROJECT", help="directory, source archive or @FILE")
    fleet.add_argument("-d", "--output-dir", required=True, metavar="DIR", help="where the reports and summary go")
    fleet.add_argument("--address", metavar="ADDR",
                       help="join this Ray cluster (auto, ray://host:10001); default: a local Ray for this run")
    fleet.add_argument("--project-timeout", type=float, metavar="SECONDS",
                       help="record a project as timed out after SECONDS (default: no limit)")
    fleet.add_argument("--retries", type=int, default=3, metavar="N",
                       help="times Ray retries a task whose worker died (default: 3)")
    fleet.add_argument("--force", action="store_true",
                       help="review every project again, even those unchanged since the last run into DIR")
    _add_shared_options(fleet, report=False)

    llm = commands.add_parser("llm", help="language-model second opinion: inspect what would be sent")
    llm_commands = llm.add_subparsers(dest="llm_command", metavar="ACTION", required=True)
    llm_prompt = llm_commands.add_parser("prompt", help="print the exact prompt(s) --llm would send for FILE")
    llm_prompt.add_argument("file", metavar="FILE")
    llm_prompt.add_argument("--config", metavar="PYPROJECT", help="read [tool.secreview] from this file")

    commands.add_parser("lsp", help="run the language server on stdin/stdout (needs the secreview[lsp] extra)")
    commands.add_parser("rules", help="list every rule with its CWE, pillar and severity")
    explain = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule", metavar="RULE")
    return parser


def _use_color(choice: str, to_file: bool) -> bool:
    if choice != "auto":
        return choice == "always"
    if to_file or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _write(text: str, output: str | None, reviewed: Sequence[str]) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(output).resolve()
    if target.exists() and any(os.path.exists(p) and os.path.samefile(p, target) for p in reviewed):
        raise UsageError(f"--output {output} is one of the reviewed files; refusing to overwrite it")
    write_text(target, text)


def _config(args: argparse.Namespace, start: Path) -> Config:
    """[tool.secreview] from the nearest pyproject.toml (or --config), overridden by the shared options."""
    config = load_config(start, Path(args.config) if args.config else None)
    return config.merged(**_overrides(args))


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The shared options given, as `Config.merged` takes them (None or () where not given)."""
    return {
        "exclude": tuple(args.exclude or ()),
        "select": _csv(args.select),
        "ignore": _csv(args.ignore),
        "min_severity": Severity.parse(args.min_severity) if args.min_severity else None,
        "min_confidence": Confidence.parse(args.min_confidence) if args.min_confidence else None,
        "max_file_size": args.max_file_size,
        "gitignore": False if args.no_gitignore else None,
        "include_tests": True if getattr(args, "include_tests", False) else None,
    }


def _baseline(args: argparse.Namespace) -> Baseline | None:
    if not args.baseline:
        return None
    from secreview.review.baseline import load as load_baseline

    return load_baseline(Path(args.baseline))


def _emit(review: Review, args: argparse.Namespace, reviewed: Sequence[str]) -> None:
    """Render the review in the chosen format and write it to stdout or --output."""
    options: dict[str, object] = {}
    if args.format == "text":
        options = {"color": _use_color(args.color, args.output is not None), "per_file": args.per_file}
    elif args.format == "markdown":
        options = {"per_file": args.per_file, "link_template": args.link_template}
    _write(renderer(args.format)(review, **options), args.output, reviewed)


def _llm_settings(args: argparse.Namespace) -> LLMSettings | None:
    """Settings for --llm, or None without it; usage errors for missing or impossible values."""
    if not args.llm:
        return None
    url = args.llm_url or os.environ.get(URL_VARIABLE, "").strip()
    model = args.llm_model or os.environ.get(MODEL_VARIABLE, "").strip()
    if not url or not model:
        raise UsageError(f"--llm needs --llm-url (or {URL_VARIABLE}) and --llm-model (or {MODEL_VARIABLE})")
    if args.llm_timeout <= 0 or args.llm_retries < 0 or args.llm_concurrency < 1:
        raise UsageError("--llm-timeout must be > 0, --llm-retries >= 0 and --llm-concurrency >= 1")
    cache_dir = args.llm_cache_dir
    if cache_dir is None and getattr(args, "cache_dir", None):  # the run's --cache-dir, where a command has one
        cache_dir = str(Path(args.cache_dir) / "llm")
    return LLMSettings(url=url, model=model, timeout=args.llm_timeout, retries=args.llm_retries,
                       concurrency=args.llm_concurrency, cache_dir=cache_dir, use_cache=not args.no_llm_cache)


def _scan(args: argparse.Namespace) -> int:
    config = _config(args, Path(args.paths[0]))
    baseline = _baseline(args)
    llm = _llm_settings(args)

    def scan() -> Review:
        with _running(args, config, args.paths) as run:
            review = review_paths(args.paths, config, **run)
        if llm is not None:  # before the baseline, so the model's agreement with a baselined finding is hidden with it
            review = apply_llm(review, llm, config)
        if baseline is not None:
            from secreview.review.baseline import apply as apply_baseline

            review = apply_baseline(review, baseline)
        return review

    review = scan()
    if args.diff:
        return _show_fixes(review, args)
    if args.fix and _apply_fixes(review):
        review = scan()  # report what the fixes left
    _emit(review, args, [f.path for f in review.files])
    if not any(f.reviewed for f in review.files):
        print("secreview: nothing reviewable: no Python file could be parsed" if review.files
              else "secreview: no Python files found under the given paths", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_FINDINGS if review.findings else EXIT_CLEAN


def _show_fixes(review: Review, args: argparse.Namespace) -> int:
    """--diff: the fixes as a unified diff; nothing is written. Exit 1 when there is something to fix."""
    from secreview.fixes.files import plan, unified_diff

    planned = plan(review)
    _write(unified_diff(planned), args.output, [f.path for f in review.files])
    return EXIT_FINDINGS if planned else EXIT_CLEAN


def _apply_fixes(review: Review) -> int:
    """--fix: write the fixes (each file atomically, only if it still parses); the number of findings fixed."""
    from secreview.fixes.files import plan, write

    fixed = files = 0
    for item in plan(review):
        problem = write(item)
        if problem:
            print(f"secreview: warning: {problem}", file=sys.stderr)
        else:
            fixed, files = fixed + len(item.applied), files + 1
    print(f"secreview: fixed {fixed} finding{'' if fixed == 1 else 's'} in {files} file{'' if files == 1 else 's'}",
          file=sys.stderr)
    return fixed


def _review(args: argparse.Namespace) -> int:
    start = Path(args.root) if args.root else Path.cwd()
    config = _config(args, start)
    stdin = args.diff == "-"
    if stdin and sys.stdin.isatty():
        raise UsageError("--diff - reads a unified diff from stdin, e.g. `git diff HEAD~1 | secreview review --diff -`")
    diff = sys.stdin.buffer.read().decode("utf-8", "surrogateescape") if stdin else None
    baseline, llm = _baseline(args), _llm_settings(args)
    with _running(args, config, [str(start)]) as run:
        review = review_diff(
            diff,
            rev_range=None if stdin or args.staged else args.diff,
            staged=args.staged,
            root=args.root,
            paths=args.paths,
            config=config,
            include_all=args.include_all,
            baseline=baseline,
            llm=llm,
            **run,
        )
    _emit(review, args, [f.path for f in review.files])
    if review.files and not any(f.reviewed for f in review.files):
        print("secreview: nothing reviewable: no changed Python file could be parsed", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_FINDINGS if review.change is not None and review.change.introduced else EXIT_CLEAN


def _baseline_create(args: argparse.Namespace) -> int:
    config = _config(args, Path(args.paths[0]))
    with _running(args, config, args.paths) as run:
        review = review_paths(args.paths, config, **run)
    from secreview.review.baseline import create as create_baseline

    recorded = create_baseline(review, Path(args.file))
    print(f"secreview: recorded {recorded} finding{'' if recorded == 1 else 's'} in {args.file}", file=sys.stderr)
    return EXIT_CLEAN


def _fleet(args: argparse.Namespace) -> int:
    """Review many projects on Ray; one line per failed project and a total on stdout (the reports are files)."""
    from secreview.fleet.prepare import ConfigSource
    from secreview.fleet.run import FleetOptions, run_fleet

    if args.jobs < 0 or args.file_timeout < 0 or args.retries < 0 or (args.project_timeout or 1) <= 0:
        raise UsageError("--jobs, --file-timeout and --retries must be 0 or more, --project-timeout more than 0")
    if args.address and args.jobs:
        raise UsageError("--jobs sets the cores of the local Ray; with --address the cluster has its own")
    output = Path(args.output_dir)
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output-dir {output} is not a directory")
    source = ConfigSource(Path(args.config) if args.config else None, _overrides(args))
    source.base()  # --config and the rule selection are checked before anything starts
    options = FleetOptions(output, source, address=args.address, cpus=args.jobs,
                           project_timeout=args.project_timeout, file_timeout=args.file_timeout or None,
                           force=args.force, retries=args.retries, cache=not args.no_cache,
                           cache_dir=args.cache_dir, progress=progress_wanted())
    result = run_fleet(args.projects, options)
    for warning in result.warnings:
        print(f"secreview: warning: {warning}", file=sys.stderr)
    summary = result.summary
    for record in summary["projects"]:
        if record["status"] != "ok":
            print(f"{record['status']}: {record['name']} ({record['project']}): {record['reason']}")
    totals = summary["totals"]
    severities = ", ".join(f"{n} {label}" for label, n in totals["by_severity"].items() if n)
    print(f"{totals['projects']} projects: {totals['ok']} ok ({totals['reused']} unchanged since the last run), "
          f"{totals['error']} error, {totals['timeout']} timeout; {totals['findings']} findings"
          + (f" ({severities})" if severities else "") + f"; see {output / 'index.html'}")
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def _llm_prompt(args: argparse.Namespace) -> int:
    """Print what --llm would send for one file, for audit (no request is made)."""
    from secreview.llm.prompt import build_prompts

    path = args.file
    config = load_config(Path(path), Path(args.config) if args.config else None)
    from secreview.sources.parse import parse_file

    parsed = parse_file(path, config.max_file_size)
    if isinstance(parsed, Diagnostic):
        raise UsageError(f"{path}: {parsed.kind.value}: {parsed.message}")
    reviewed = review_paths([path], config).files
    if not reviewed:
        raise UsageError(f"{path} is not a Python file secreview would review (excluded or not Python)")
    file_review = reviewed[0]
    prompts = build_prompts(path, parsed.source, file_review, LLMSettings(url="", model="").max_chunk_lines)
    sys.stdout.write("\n\n".join(p.render() for p in prompts) + "\n")
    return EXIT_CLEAN


def _lsp() -> int:
    try:
        from secreview.lsp.server import main as serve
    except ImportError as exc:
        raise UsageError(f"the language server needs pygls: pip install 'secreview[lsp]' ({exc})") from None
    return serve()


def _rules() -> int:
    from secreview.rules import all_rules

    rows = [(r.id, f"CWE-{r.cwe}", f"CWE-{r.pillar}", r.severity.label, r.confidence.label, r.name) for r in all_rules()]
    header = ("RULE", "CWE", "PILLAR", "SEVERITY", "CONFIDENCE", "NAME")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(widths[i]) if i < 5 else cell for i, cell in enumerate(row)).rstrip())
    return EXIT_CLEAN


def _explain(rule_id: str) -> int:
    from secreview.report.common import cwe_title, pillar_title
    from secreview.rules import REGISTRY

    found = REGISTRY.get(rule_id)
    if found is None:
        raise UsageError(f"unknown rule {rule_id!r}; `secreview rules` lists them")
    print(f"{found.id}: {found.name}")
    print(f"{cwe_title(found.cwe)} — pillar {pillar_title(found.pillar)}")
    print(f"severity {found.severity.label}, confidence {found.confidence.label}\n")
    print(found.doc)
    print(f"\nFix: {found.fix}")
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "lsp":  # a long-lived server: the cyclic collector stays on
        return _run(parser, args)
    with paused_gc():  # see secreview.core.gcpause: a run builds no cycles, and its results are large
        return _run(parser, args)


def _usage_errors() -> tuple[type[Exception], ...]:
    from secreview.fleet.projects import ProjectListError
    from secreview.fleet.run import FleetUnavailable
    from secreview.llm.client import LLMError
    from secreview.review.baseline import BaselineError
    from secreview.sources.diff import ChangeError

    return MissingPath, ConfigError, UsageError, BaselineError, ChangeError, LLMError, ProjectListError, FleetUnavailable


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "review":
            return _review(args)
        if args.command == "baseline":
            return _baseline_create(args)
        if args.command == "fleet":
            return _fleet(args)
        if args.command == "llm":
            return _llm_prompt(args)
        if args.command == "lsp":
            return _lsp()
        if args.command == "rules":
            return _rules()
        if args.command == "explain":
            return _explain(args.rule)
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    except _usage_errors() as exc:  # evaluated only when something is raised
        print(f"secreview: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("secreview: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # no traceback reaches the user unless they ask for it
        if os.environ.get("SECREVIEW_DEBUG"):
            raise
        print(f"secreview: internal error: {type(exc).__name__}: {exc} (SECREVIEW_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return EXIT_ERROR
