"""``fix`` and ``undo`` (docs/spec/cli.md): plan, apply with a journal, roll back, undo.

Registered from ``_cli/__init__.py``; errors go through its ``_fatal`` (one line, no traceback),
so this module never calls ``sys.exit`` itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..evidence import Evidence
    from ..fixes import Plan
    from ..model import Finding

__all__ = ["EXIT_FIX_FAILED", "HANDLERS", "add_fix_parsers"]

EXIT_FIX_FAILED = 4  # a step failed and everything done was rolled back (docs/spec/cli.md)
_LIVE_NEEDS_WINDOWS = "live fixes need Windows: use --bundle DIR or an export"


def add_fix_parsers(sub: Any) -> None:
    """Add ``fix`` and ``undo`` to the command parsers ``sub``."""
    fix = sub.add_parser(
        "fix",
        help="plan the fixes for this PC's findings (or a bundle's); --apply applies them "
        "after writing a journal",
    )
    fix.add_argument(
        "--bundle", metavar="DIR", help="plan from this bundle's findings (offline, no network)"
    )
    fix.add_argument(
        "--format", choices=("text", "json", "html"), default="text", help="plan format"
    )
    fix.add_argument("-o", "--output", metavar="FILE", help="write the plan to FILE")
    fix.add_argument(
        "--apply",
        action="store_true",
        help="apply the safe steps (with --bundle: to the bundle's .reg files), journaled",
    )
    fix.add_argument(
        "--yes", action="store_true", help="with --apply, also the needs-confirmation steps"
    )
    fix.add_argument(
        "--legacy-tls",
        action="store_true",
        help="also tick TLS 1.0 and 1.1 where a protocol mask is written (off by default: "
        "TLS 1.2 is enough)",
    )
    fix.add_argument(
        "--journal",
        metavar="FILE",
        help="where --apply writes its journal (default: beside the bundle, "
        "DIR.fix-YYYYmmddTHHMMSSZ.json; live: in the current folder)",
    )
    undo = sub.add_parser(
        "undo", help="restore exactly what a fix journal recorded (refuses an edited one)"
    )
    undo.add_argument("journal", metavar="JOURNAL", help="the journal fix --apply wrote")
    undo.add_argument(
        "--bundle", metavar="DIR", help="the bundle the journal is for (default: as recorded)"
    )


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _findings(path: str) -> tuple[Evidence, list[Finding], str]:
    from ..bundle import open_bundle
    from ..checks import run_checks
    from ..errors import InputError
    from ..evidence import build_evidence
    from . import _fatal

    try:
        bundle = open_bundle(path)
        evidence = build_evidence(bundle)
    except InputError as exc:
        _fatal(str(exc))
    return evidence, list(run_checks(evidence)), bundle.origin


def _live_findings() -> tuple[Evidence, list[Finding]]:
    """Collect on this PC as ``diagnose`` does (no network: no fix comes from the probes)."""
    import tempfile

    from ..collect.collector import collect_bundle
    from ..errors import InputError
    from . import _fatal, _progress

    with tempfile.TemporaryDirectory(prefix="onedrive-doctor-fix-") as scratch:
        try:
            collect_bundle(scratch, None, progress=_progress)
        except InputError as exc:
            _fatal(str(exc))
        _progress("Planning the fixes...")
        evidence, findings, _ = _findings(scratch)
    return evidence, findings


def _emit_plan(
    plan: Plan, origin: str, findings: list[Finding], args: argparse.Namespace, result: Any = None
) -> None:
    from ..report.fix_plan import render_plan_html, render_plan_json, render_plan_text
    from . import _emit

    failing = [f.id for f in findings if f.status.value == "fail"]
    if args.format == "json":
        text = render_plan_json(plan, origin, result=result, failing=failing)
    elif args.format == "html":
        text = render_plan_html(plan, origin, result=result)
    else:
        unknown = sum(1 for f in findings if f.status.value == "unknown")
        text = render_plan_text(plan, origin, result=result, failing=len(failing), unknown=unknown)
    _emit(text, args)


def _is_admin() -> bool:
    """Whether this process is elevated (Windows: shell32 IsUserAnAdmin)."""
    import ctypes

    windll = getattr(ctypes, "windll", None)
    return bool(windll is not None and windll.shell32.IsUserAnAdmin())


def _cmd_fix(args: argparse.Namespace) -> int:
    from ..fixes.planner import plan_fixes
    from . import EXIT_FAIL, EXIT_OK, EXIT_USAGE, _fatal

    if args.yes and not args.apply:
        _fatal("--yes only goes with --apply", EXIT_USAGE)
    if args.journal and not args.apply:
        _fatal("--journal only goes with --apply", EXIT_USAGE)
    if args.apply and args.bundle is None and sys.platform != "win32":
        _fatal(_LIVE_NEEDS_WINDOWS)  # refused before anything is collected or changed
    if args.apply and args.bundle is not None:
        _check_fixable_folder(Path(args.bundle))
    if args.bundle is not None:
        evidence, findings, origin = _findings(args.bundle)
    else:
        evidence, findings = _live_findings()
        origin = "this PC, now"
    try:
        plan = plan_fixes(findings, evidence, legacy_tls=args.legacy_tls)
    except ValueError as exc:  # a safety rule would break: a bug, never applied
        _fatal(f"no plan: {exc}")
    if not args.apply:
        _emit_plan(plan, origin, findings, args)
        return EXIT_FAIL if any(f.is_error for f in findings) else EXIT_OK
    result = _apply(plan, evidence, args)
    _emit_plan(plan, origin, findings, args, result)
    return EXIT_OK


def _check_fixable_folder(folder: Path) -> None:
    from . import _fatal

    if folder.is_file() or folder.suffix.lower() == ".zip":
        _fatal(
            f"{folder}: a .zip bundle cannot be fixed in place: unzip it and use --bundle "
            "with the folder"
        )
    if not folder.is_dir():
        _fatal(f"{folder}: no such bundle folder")


def _apply(plan: Plan, evidence: Evidence, args: argparse.Namespace) -> Any:
    from ..errors import InputError
    from ..fixes.engine import FixFailed, apply, bundle_target
    from . import _fatal, _progress

    backend: Any
    if args.bundle is not None:
        from ..registry import BundleBackend

        folder = Path(args.bundle)
        try:
            backend = BundleBackend(folder)
        except InputError as exc:
            _fatal(str(exc))
        target: dict[str, Any] | None = bundle_target(
            folder, evidence.identity.name, evidence.identity.device_id
        )
        default = Path(f"{folder.resolve()}.fix-{_stamp()}.json")
    else:
        from ..registry import WinRegBackend

        backend = WinRegBackend()
        refusal = _rights_problem(plan, args.yes)
        if refusal:
            _fatal(refusal)
        target = None
        default = Path.cwd() / f"onedrive-doctor-fix-{_stamp()}.json"
    journal = Path(args.journal) if args.journal else default
    if journal.exists():
        _fatal(f"{journal}: a journal is already there; give another --journal FILE")
    try:
        result = apply(plan, backend, journal, include_confirm=args.yes, target=target)
    except FixFailed as exc:
        _fatal(str(exc), EXIT_FIX_FAILED)
    except OSError as exc:  # the journal itself could not be written: nothing was changed
        _fatal(f"cannot write the journal {journal}: {exc.strerror or exc}; nothing was changed")
    if result.journal_path is not None:
        _progress(f"Journal written to {result.journal_path}")
    return result


def _rights_problem(plan: Plan, include_confirm: bool) -> str | None:
    """Why this process may not apply the plan (before anything is changed), or ``None``."""
    admin = [s for s in plan.steps if s.applies(include_confirm) and s.needs_admin]
    if admin and not _is_admin():
        checks = ", ".join(dict.fromkeys(s.check_id for s in admin))
        return (
            f"steps of {checks} change HKLM and need an administrator: run `onedrive-doctor fix "
            "--apply` from an elevated prompt (nothing was changed)"
        )
    return None


def _cmd_undo(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..fixes.engine import FixFailed, bundle_target, live_target, target_problem, undo
    from ..fixes.journal import read_journal
    from . import EXIT_OK, _fatal

    journal_path = Path(args.journal)
    try:
        journal = read_journal(journal_path)
    except InputError as exc:
        _fatal(str(exc))
    backend: Any
    if journal.kind == "bundle":
        from ..registry import BundleBackend

        folder = Path(args.bundle or journal.target["bundle"])
        _check_fixable_folder(folder)
        evidence, _, _ = _findings(str(folder))
        actual = bundle_target(folder, evidence.identity.name, evidence.identity.device_id)
        try:
            backend = BundleBackend(folder)
        except InputError as exc:
            _fatal(str(exc))
    else:
        if args.bundle is not None:
            _fatal("this journal is of a live PC, not of a bundle: drop --bundle")
        if sys.platform != "win32":
            _fatal("this journal is of a live PC: undo it on that PC (Windows)")
        from ..registry import WinRegBackend

        backend = WinRegBackend()
        actual = live_target(backend)
    problem = target_problem(journal, actual)
    if problem is not None:
        _fatal(f"{journal_path}: {problem}; undo refuses it")
    try:
        result = undo(journal, backend, journal_path)
    except ValueError as exc:
        _fatal(f"{journal_path}: {exc}")
    except FixFailed as exc:
        _fatal(f"{journal_path}: undo could not restore everything: {exc.reason}")
    how = (
        "; the bundle's files are byte for byte as before"
        if result.byte_for_byte
        else ("; restored value by value" if journal.kind == "bundle" else "")
    )
    print(f"Undone: restored {result.restored} change(s) from {journal_path}{how}.")
    return EXIT_OK


HANDLERS = {"fix": _cmd_fix, "undo": _cmd_undo}
