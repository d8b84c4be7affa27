"""The command line (docs/spec/cli.md). The only module that calls ``sys.exit``.

Imports of the heavy modules happen inside the commands so that ``--help`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .._version import __version__

if TYPE_CHECKING:
    from ..probes.connectivity import NetworkOptions
    from ..report import Report

__all__ = ["EXIT_FAIL", "EXIT_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0  # nothing failed
EXIT_FAIL = 1  # at least one check failed with severity error
EXIT_USAGE = 2  # the command line is wrong
EXIT_INPUT = 3  # the input could not be read or the run could not start
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it (docs/spec/cli.md)

_COMMANDS = (
    "diagnose",
    "collect",
    "analyze",
    "scan",
    "simulate",
    "checks",
    "explain",
    "collector-script",
    "fix",
    "undo",
)


def _fatal(message: str, code: int = EXIT_INPUT) -> NoReturn:
    from ..report.console import printable

    # The message may quote a bundle value or a zip member name: no escape codes reach the tty.
    print(f"onedrive-doctor: error: {printable(message)}", file=sys.stderr)
    sys.exit(code)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- argument parsing ---------------------------------------------------------------------


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(
            f"must be greater than 0 and at most 3600 seconds: {text!r}"
        )
    return value


def _resolve_entry(text: str) -> tuple[str, int, str]:
    host, sep1, rest = text.partition(":")
    port, sep2, address = rest.partition(":")
    if not (sep1 and sep2 and host and port.isdigit() and address):
        raise argparse.ArgumentTypeError(f"expected HOST:PORT:ADDRESS, got {text!r}")
    address = address[1:-1] if address.startswith("[") and address.endswith("]") else address
    import ipaddress

    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ADDRESS must be an IP address in {text!r}") from None
    return host.lower(), int(port), address


def _host_port(text: str) -> tuple[str, int]:
    from ..knowledge.endpoints import parse_host_port

    try:
        host, port = parse_host_port(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    _check_name(host, text)
    return host, port


def _check_name(host: str, text: str) -> None:
    """Refuse what neither the resolver nor the SNI extension can carry.

    RFC 1035 2.3.4: labels of 1-63 octets, 253 in all; an IP address is fine. Else the idna
    codec or the hello builder fails deep inside a probe, with a traceback.
    """
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    try:
        encoded = host.rstrip(".").encode("idna")
    except UnicodeError:
        raise argparse.ArgumentTypeError(
            f"not a valid host name (empty label, or a label over 63 characters): {text[:80]!r}"
        ) from None
    if not encoded or len(encoded) > 253:
        raise argparse.ArgumentTypeError(
            f"not a valid host name (1 to 253 characters): {text[:80]!r}"
        )


def _server_name(text: str) -> str:
    _check_name(text, text)
    return text


def _scan_target(text: str) -> tuple[str, int]:
    """``HOST[:PORT]``, or a URL (``https://host:8443/path``): its host and port."""
    from urllib.parse import urlsplit

    if "://" in text:
        scheme = text.partition("://")[0].lower()
        if scheme not in ("http", "https"):
            raise argparse.ArgumentTypeError(f"only https:// or http:// URLs, got {text!r}")
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"bad URL {text!r}: {exc}") from None
        if not parts.hostname:
            raise argparse.ArgumentTypeError(f"no host in {text!r}")
        return parts.hostname, port or (443 if scheme == "https" else 80)
    return _host_port(text)


def _dns_server(text: str) -> tuple[str, int]:
    from ..knowledge.endpoints import parse_host_port

    try:
        return parse_host_port(text, default_port=53)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_network_options(parser: argparse.ArgumentParser, endpoints: bool = True) -> None:
    """The network options of docs/spec/cli.md; ``endpoints=False`` for ``scan`` (one target)."""
    group = parser.add_argument_group("network options")
    group.add_argument(
        "--resolve",
        action="append",
        default=[],
        type=_resolve_entry,
        metavar="HOST:PORT:ADDRESS",
        help="connect to ADDRESS for HOST:PORT, keeping HOST as SNI and Host "
        "header (as in curl; repeatable, also for one HOST:PORT: e.g. 127.0.0.1 and [::1])",
    )
    group.add_argument(
        "--timeout",
        type=_positive_float,
        default=5.0,
        metavar="SECONDS",
        help="timeout of each network operation (default 5)",
    )
    group.add_argument(
        "--budget",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="time budget of the whole run (default 8 s for diagnose, 30 s for scan)",
    )
    group.add_argument(
        "--dns-server",
        type=_dns_server,
        metavar="ADDRESS[:PORT]",
        help="resolve names with this DNS server instead of the system resolver",
    )
    group.add_argument(
        "--proxy",
        metavar="URL",
        help="use this HTTP proxy (http://[user:pass@]host:port) instead of the configured ones",
    )
    if not endpoints:
        return
    group.add_argument(
        "--ca-file",
        action="append",
        default=[],
        metavar="PEM",
        help="extra issuers to treat as legitimate (repeatable)",
    )
    group.add_argument(
        "--endpoint",
        action="append",
        default=[],
        type=_host_port,
        metavar="HOST[:PORT]",
        help="probe these endpoints instead of the built-in catalogue (repeatable)",
    )
    group.add_argument(
        "--probe-url",
        metavar="URL",
        help="connectivity probe URL (default: Windows' NCSI URL, "
        "http://www.msftconnecttest.com/connecttest.txt)",
    )


def _add_report_options(parser: argparse.ArgumentParser, error: bool = True) -> None:
    group = parser.add_argument_group("report options")
    # --error belongs to the check report, and so does its HTML form.
    formats = ("text", "json", "html", "csv") if error else ("text", "json")
    group.add_argument(
        "--format",
        choices=formats,
        default="text",
        help="report format (default text; csv: one row per finding)"
        if error
        else "report format (default text)",
    )
    group.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    group.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colours in the text report (default auto: when stdout is a terminal)",
    )

    if not error:
        # scan and simulate print their table whatever happens; --quiet silences the progress.
        group.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
        return
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the verdict line (the exit code says the rest); no progress lines",
    )
    group.add_argument(
        "--error",
        metavar="CODE",
        help="focus the report on the checks that matter for this OneDrive error "
        "code (e.g. 0x8004de40); `onedrive-doctor explain CODE` says what it means",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="onedrive-doctor",
        description="Finds out why OneDrive says 'Error 0x8004de40: having trouble connecting to "
        "the cloud', following Microsoft's article step by step.",
        epilog="Exit codes: 0 nothing failed; 1 a check failed (severity error); 2 usage error; "
        "3 the input could not be read or the run could not start; 4 a fix failed and was "
        "rolled back.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    diagnose = sub.add_parser(
        "diagnose", help="collect on this PC, analyze, print the report (the default command)"
    )
    _add_network_options(diagnose)
    _add_report_options(diagnose)
    diagnose.add_argument("--save-bundle", metavar="DIR", help="keep the collected bundle in DIR")
    diagnose.add_argument(
        "--force",
        action="store_true",
        help="let --save-bundle write into a non-empty folder that is not a bundle of ours "
        "(files with a bundle's names are replaced, all others kept)",
    )
    diagnose.add_argument(
        "--no-network",
        action="store_true",
        help="skip the network probes (the NET checks report unknown)",
    )

    collect = sub.add_parser(
        "collect", help="write a bundle (docs/spec/bundle.md) for analysis elsewhere"
    )
    collect.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="bundle folder to write"
    )
    collect.add_argument("--no-network", action="store_true", help="skip the network probes")
    collect.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty folder that is not a bundle of ours (files with a "
        "bundle's names are replaced, all others kept)",
    )
    collect.add_argument(
        "--redact",
        action="store_true",
        help="replace user, tenant, device, host and domain names by stable placeholders "
        "(for a bundle meant to be shared; the findings stay the same)",
    )
    _add_network_options(collect)

    analyze = sub.add_parser("analyze", help="run every check on a bundle (folder or .zip)")
    analyze.add_argument("bundle", metavar="BUNDLE", help="bundle folder or .zip")
    analyze.add_argument(
        "--live",
        action="store_true",
        help="replay the bundle's PC's own ClientHello to the endpoints from "
        "here (TLS001); without it, analyze uses no network",
    )
    _add_report_options(analyze)
    _add_network_options(analyze)

    simulate = sub.add_parser(
        "simulate",
        help="the ClientHello a Windows PC would send, and whether each AFD policy generation "
        "(and a live endpoint) accepts it",
    )
    source = simulate.add_mutually_exclusive_group(required=True)
    source.add_argument("--bundle", metavar="BUNDLE", help="a bundle collected on the PC")
    source.add_argument(
        "--windows",
        metavar="RELEASE",
        help='a Windows release with default settings: "7 SP1", "8.1", '
        '"10 22H2", "11 24H2", "Server 2019", ...',
    )
    _add_network_options(simulate)
    _add_report_options(simulate, error=False)

    scan = sub.add_parser(
        "scan",
        help="list the TLS protocols, cipher suites, groups and certificate chain a server "
        "(or the middlebox in front of it) accepts, and the AFD policy that matches",
    )
    scan.add_argument(
        "target",
        metavar="HOST[:PORT]",
        type=_scan_target,
        help="server to scan (port 443 by default), or its https:// URL",
    )
    scan.add_argument(
        "--sni", type=_server_name, metavar="NAME", help="server name to send (default: HOST)"
    )
    scan.add_argument("--no-groups", action="store_true", help="skip the supported-groups scan")
    _add_network_options(scan, endpoints=False)
    _add_report_options(scan, error=False)

    explain = sub.add_parser(
        "explain", help="what a OneDrive error code means, its fix, and which checks matter"
    )
    explain.add_argument("code", metavar="CODE", help="e.g. 0x8004de40, 8004DE40, -2147164608")

    script = sub.add_parser(
        "collector-script",
        help="print a script that builds a bundle on a Windows PC with built-in commands only",
    )
    kind = script.add_mutually_exclusive_group()
    kind.add_argument(
        "--ps1",
        dest="kind",
        action="store_const",
        const="ps1",
        help="PowerShell script (the default; also zips the bundle)",
    )
    kind.add_argument(
        "--cmd", dest="kind", action="store_const", const="cmd", help="cmd.exe batch file"
    )
    script.add_argument("-o", "--output", metavar="FILE", help="write the script to FILE")

    redact = sub.add_parser(
        "redact", help="write a redacted copy of an existing bundle (folder or .zip)"
    )
    redact.add_argument("bundle", metavar="BUNDLE", help="bundle folder or .zip")
    redact.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="new or empty folder for the copy"
    )

    checks = sub.add_parser("checks", help="list the check catalogue, or explain one check")
    checks.add_argument("check_id", nargs="?", metavar="ID", help="a check ID, e.g. NET001")

    from ._fix import add_fix_parsers

    add_fix_parsers(sub)
    return parser


# ---- commands -----------------------------------------------------------------------------


def _network_options(args: argparse.Namespace) -> NetworkOptions:
    from ..knowledge.endpoints import REQUIRED_ENDPOINTS, Endpoint
    from ..probes.connectivity import NetworkOptions

    for path in args.ca_file:
        if not Path(path).is_file():
            _fatal(f"--ca-file {path}: no such file")
        _check_ca_file(path)
    if args.proxy:
        from ..probes.proxy import parse_proxy

        try:
            parse_proxy(args.proxy, "--proxy")
        except ValueError as exc:
            _fatal(f"--proxy: {exc}", EXIT_USAGE)
    if args.probe_url and not args.probe_url.startswith(("http://", "https://")):
        _fatal(f"--probe-url must be an http:// or https:// URL: {args.probe_url}", EXIT_USAGE)
    endpoints = tuple(Endpoint(host, port) for host, port in args.endpoint) or REQUIRED_ENDPOINTS
    defaults = NetworkOptions()
    return NetworkOptions(
        timeout=args.timeout,
        budget=args.budget or 8.0,
        resolve={(host, port): address for host, port, address in reversed(args.resolve)},
        # Repeating --resolve for one HOST:PORT gives it every address (IPv4 and IPv6: NET008).
        resolve_addresses=_pinned_addresses(args.resolve),
        ca_files=tuple(args.ca_file),
        probe_url=args.probe_url or defaults.probe_url,
        endpoints=endpoints,
        dns_server=args.dns_server,
        proxy=args.proxy,
    )


def _pinned_addresses(
    entries: list[tuple[str, int, str]],
) -> dict[tuple[str, int], tuple[str, ...]]:
    """Every ``--resolve`` address per ``(host, port)``, in the order given, once each."""
    pinned: dict[tuple[str, int], tuple[str, ...]] = {}
    for host, port, address in entries:
        known = pinned.get((host, port), ())
        if address not in known:
            pinned[(host, port)] = (*known, address)
    return pinned


def _check_ca_file(path: str) -> None:
    """``--ca-file`` must hold PEM certificates, or OpenSSL raises deep inside the probes."""
    import ssl

    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except (ssl.SSLError, ValueError, UnicodeError):
        _fatal(f"--ca-file {path}: not a PEM file of certificates", EXIT_USAGE)
    except OSError as exc:
        _fatal(f"--ca-file {path}: cannot read it: {exc.strerror or exc}")


def _use_color(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    return (
        args.color == "auto"
        and not args.output
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )


def _emit(text: str, args: argparse.Namespace) -> None:
    if args.output and args.output != "-":
        from ..atomic import write_whole

        try:
            # Whole or not at all: Ctrl-C or a full disk leave the previous file, or none,
            # never a truncated report.
            write_whole(Path(args.output), text.encode("utf-8"))
        except OSError as exc:
            _fatal(f"cannot write {args.output}: {exc.strerror or exc}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _ascii_only(args: argparse.Namespace) -> bool:
    """Whether the report goes to a stdout that cannot carry the marks (-o files are UTF-8)."""
    from ..report.console import can_encode

    if args.output and args.output != "-":
        return False
    return not can_encode("\u2714\u2718\u2014\u2026\u2022", getattr(sys.stdout, "encoding", None))


def _focus(report: Report, args: argparse.Namespace) -> Report:
    """``--error CODE``: keep the findings of the checks that matter for that code."""
    if not getattr(args, "error", None):
        return report
    import dataclasses

    from ..knowledge.error_codes import focus_checks, lookup

    entry = lookup(args.error)
    focus = focus_checks(args.error)
    if entry is None or focus is None:
        _fatal(
            f"unknown OneDrive error code {args.error!r}; `onedrive-doctor explain CODE` "
            "lists the known ones",
            EXIT_USAGE,
        )
    note = f"Focused on {entry.hex}: {entry.title}"
    if not focus:
        note += (
            " — nothing on this PC causes this error; see `onedrive-doctor explain "
            f"{entry.hex}` for what the administrator must do."
        )
    return dataclasses.replace(
        report,
        findings=tuple(f for f in report.findings if f.id in focus),
        error_code=entry.hex,
        note=note,
    )


def _write_report(report: Report, args: argparse.Namespace) -> int:
    """Render and write the report (focused by ``--error``); returns the exit code."""
    from ..report import render_html, render_json, render_text

    report = _focus(report, args)

    if getattr(args, "quiet", False):
        from ..report.quiet import quiet_line

        _emit(quiet_line(report), args)
    elif args.format == "csv":
        from ..report.csv_report import render_csv

        _emit(render_csv(report), args)
    elif args.format == "json":
        _emit(render_json(report), args)
    elif args.format == "html":
        _emit(render_html(report), args)
    else:
        _emit(render_text(report, color=_use_color(args), ascii_marks=_ascii_only(args)), args)
    return report.exit_code


def _analyze_path(path: str, live: NetworkOptions | None = None) -> Report:
    from ..analysis import analyze_bundle
    from ..errors import InputError

    try:
        return analyze_bundle(path, live)
    except InputError as exc:
        _fatal(str(exc))


def _cmd_analyze(args: argparse.Namespace) -> int:
    live = _network_options(args) if args.live else None
    if live is not None:
        from ._phases import Progress

        Progress(args.quiet)(
            f"Analyzing {args.bundle}, replaying its ClientHello to "
            f"{len(live.endpoints)} endpoint(s)..."
        )
    return _write_report(_analyze_path(args.bundle, live), args)


def _cmd_simulate(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..report.simulate import render_simulation
    from ..windows.client_model import ClientProfile, default_profile
    from ..windows.simulate import (
        DEFAULT_SERVER_NAME,
        HelloSeed,
        hello_record,
        simulation,
        verdict_from_replay,
    )

    profile: ClientProfile | None
    if args.windows is not None:
        from ..windows import family_by_label

        try:
            profile = default_profile(family_by_label(args.windows))
        except ValueError as exc:
            _fatal(f"--windows: {exc}", EXIT_USAGE)
    else:
        from ..bundle import open_bundle
        from ..evidence import build_evidence

        try:
            parsed = build_evidence(open_bundle(args.bundle)).profile
        except InputError as exc:
            _fatal(str(exc))
        if parsed.problem is not None:
            _fatal(parsed.problem)
        profile = parsed.value
        if profile is None:
            _fatal(
                f"{args.bundle}: the bundle does not say which Windows the PC runs "
                "(needs registry/ with HKLM\\SOFTWARE\\Microsoft\\Windows NT\\"
                "CurrentVersion)"
            )
    # One random and session id for the run: the hello shown is byte for byte the one sent.
    seed = HelloSeed.fresh()
    live: dict[str, dict[str, object]] = {}
    sent: dict[str, dict[str, object]] = {}
    server_name = DEFAULT_SERVER_NAME
    if args.endpoint and profile.offered_protocols:
        from ..analysis import replay_profile

        opts = _network_options(args)
        hosts = {e.address: e.host for e in opts.endpoints}
        server_name = opts.endpoints[0].host if opts.endpoints else server_name
        replay = replay_profile(profile, opts, spec_for=seed.spec_for(profile))
        for attempt in replay["attempts"]:
            host = hosts.get(attempt["target"], attempt["target"].rpartition(":")[0])
            key = f"live:{attempt['target']}"
            live[key] = verdict_from_replay(attempt.get("result") or {}, attempt.get("error"))
            sent[key] = hello_record(profile, host, seed)
    doc = simulation(profile, live, server_name, seed, sent)
    if args.format == "json":
        import json

        _emit(json.dumps(doc, indent=2, allow_nan=False) + "\n", args)
    else:
        _emit(render_simulation(doc, color=_use_color(args)), args)
    return EXIT_OK


def _cmd_collect(args: argparse.Namespace) -> int:
    from ..collect.collector import collect_bundle
    from ..errors import InputError

    opts = None if args.no_network else _network_options(args)
    try:
        collect_bundle(args.output, opts, progress=_progress, redact=args.redact, force=args.force)
    except InputError as exc:
        _fatal(str(exc))
    _progress(f"Bundle written to {args.output}")
    return EXIT_OK


def _cmd_diagnose(args: argparse.Namespace) -> int:
    import tempfile

    from ..collect.collector import collect_bundle
    from ..errors import InputError
    from ._phases import Progress

    opts = None if args.no_network else _network_options(args)
    progress = Progress(args.quiet)
    with tempfile.TemporaryDirectory(prefix="onedrive-doctor-") as scratch:
        target = args.save_bundle or scratch
        try:
            collect_bundle(target, opts, progress=progress, force=args.force)
        except InputError as exc:
            _fatal(str(exc))
        progress("Analyzing the collected evidence...")
        report = _analyze_path(target)
    import dataclasses

    origin = (
        f"this PC, now (bundle kept in {args.save_bundle})" if args.save_bundle else "this PC, now"
    )
    return _write_report(dataclasses.replace(report, origin=origin), args)


def _cmd_scan(args: argparse.Namespace) -> int:
    import asyncio
    import ipaddress

    from ..probes.resolver import DnsFailure, resolve
    from ..probes.tls_scan import ScanError, ScanOptions, ScanTarget, scan_sync
    from ._phases import Progress

    progress = Progress(args.quiet)
    host, port = args.target
    proxy = None
    if args.proxy:
        from ..probes.proxy import parse_proxy

        try:
            proxy = parse_proxy(args.proxy, "--proxy")
        except ValueError as exc:
            _fatal(f"--proxy: {exc}", EXIT_USAGE)
    try:
        ipaddress.ip_address(host)
        address: str | None = host
        sni = args.sni
    except ValueError:
        sni = args.sni or host
        pinned = {(h, p): a for h, p, a in args.resolve}
        address = pinned.get((host.lower(), port))
        if address is None and proxy is None:
            progress(f"Resolving {host}...")
            try:
                found, _ = asyncio.run(resolve(host, port, args.timeout, args.dns_server))
            except DnsFailure as exc:
                _fatal(f"{host} does not resolve: {exc}")
            address = found[0]
    options = ScanOptions(
        timeout=args.timeout, budget=args.budget or 30.0, proxy=proxy, groups=not args.no_groups
    )
    shown = f"[{host}]" if ":" in host else host
    progress(f"Scanning {shown}:{port} (protocols, cipher suites, groups, certificate)...")
    try:
        result = scan_sync(ScanTarget(host, port, address, sni), options)
    except ScanError as exc:
        _fatal(str(exc))
    if args.format == "json":
        import json

        text = json.dumps(result, indent=2, allow_nan=False) + "\n"
    else:
        from ..report.scan_text import render_scan

        text = render_scan(result, color=_use_color(args))
    _emit(text, args)
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from ..knowledge.error_codes import known_codes, lookup, render_explanation

    entry = lookup(args.code)
    if entry is None:
        _fatal(
            f"unknown OneDrive error code {args.code!r}; known: {', '.join(known_codes())}",
            EXIT_USAGE,
        )
    sys.stdout.write(render_explanation(entry).rstrip("\n") + "\n")
    return EXIT_OK


def _cmd_collector_script(args: argparse.Namespace) -> int:
    from ..collect.scripts import render_cmd, render_ps1

    # _emit writes -o files as bytes, so the .cmd keeps its CRLF line ends on every OS.
    _emit(render_cmd() if args.kind == "cmd" else render_ps1(), args)
    return EXIT_OK


def _cmd_redact(args: argparse.Namespace) -> int:
    from ..bundle.redact import redact_copy
    from ..errors import InputError

    try:
        count = redact_copy(args.bundle, args.output)
    except InputError as exc:
        _fatal(str(exc))
    _progress(f"Redacted {count} names and identifiers; copy written to {args.output}")
    return EXIT_OK


def _cmd_checks(args: argparse.Namespace) -> int:
    from ..checks import REGISTRY

    if not args.check_id:
        for check in REGISTRY.values():
            print(f"{check.id:<7} {check.name:<36} {check.severity.value:<8} {check.summary}")
        return EXIT_OK
    found = REGISTRY.get(args.check_id.strip().upper())
    if found is None:
        _fatal(f"no check {args.check_id!r}; `onedrive-doctor checks` lists them", EXIT_USAGE)
    check = found
    print(
        f"{check.id} {check.name} (severity {check.severity.value}; "
        f"article step: {check.step.label})"
    )
    print(check.summary)
    for title, body in check.sections().items():
        print(f"\n{title}:")
        for line in body.splitlines():
            print(f"  {line.strip()}" if line.strip() else "")
    return EXIT_OK


_INTERRUPTED = threading.Event()  # set by the first Ctrl-C


def _cancel_all(loop: Any) -> None:
    """Cancel every task of ``loop``, as asyncio's own Ctrl-C handler would (run in the loop).

    The probes settle their tasks and ``asyncio.run`` raises ``CancelledError``, read as Ctrl-C.
    """
    import asyncio

    for task in asyncio.all_tasks(loop):
        task.cancel()


def _watch_interrupts() -> Any:
    """Ctrl-C ends the run within a few seconds, whatever asyncio is waiting for.

    The first Ctrl-C raises KeyboardInterrupt as usual, so every command cleans up on the way
    out (-o files and bundle folders are written to temporary siblings). Should that clean-up
    hang (a task that swallows its cancellation inside asyncio.run's shutdown), a watchdog
    ends the process with the same one line and exit code 130 after a grace period.
    """
    import signal

    if threading.current_thread() is not threading.main_thread():
        return None  # signals are only delivered to the main thread

    def on_sigint(signum: int, frame: object) -> None:
        import asyncio

        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            # Cancelled from the loop, between two callbacks, never from here: this handler
            # runs between any two bytecodes, and Task.cancel() cancels the future the task
            # waits on at once, so it could land between asyncio's own "if not
            # waiter.done()" and "waiter.set_result()" (wait_for, wait, sock_connect) and
            # make that set_result raise InvalidStateError.
            loop.call_soon_threadsafe(_cancel_all, loop)
        if _INTERRUPTED.is_set():
            return  # a second Ctrl-C: the clean-up (and the watchdog) already run
        _INTERRUPTED.set()

        def give_up() -> None:
            from ..bundle import abort_unfinished

            abort_unfinished()  # the staging folder of a bundle being written
            print("onedrive-doctor: interrupted", file=sys.stderr, flush=True)
            os._exit(EXIT_INTERRUPTED)

        timer = threading.Timer(3.0, give_up)
        timer.daemon = True
        timer.start()
        if loop is None:
            raise KeyboardInterrupt from None  # not inside asyncio: the usual way out

    return signal.signal(signal.SIGINT, on_sigint)  # the handler before, put back at the end


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of ``onedrive-doctor`` and ``python -m onedrive_doctor``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (
        arguments[0] not in _COMMANDS
        and arguments[0].startswith("-")
        and arguments[0] not in ("-h", "--help", "--version")
    ):
        arguments.insert(0, "diagnose")
    # A character the output encoding lacks (cp1252 on a redirected Windows stdout) is written
    # as an escape instead of ending the run with a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(arguments)
    handlers = {
        "diagnose": _cmd_diagnose,
        "collect": _cmd_collect,
        "analyze": _cmd_analyze,
        "scan": _cmd_scan,
        "simulate": _cmd_simulate,
        "checks": _cmd_checks,
        "redact": _cmd_redact,
        "collector-script": _cmd_collector_script,
        "explain": _cmd_explain,
    }
    from ._fix import HANDLERS as FIX_HANDLERS

    handlers.update(FIX_HANDLERS)
    previous = _watch_interrupts()
    try:
        code = handlers[args.command](args)
    except BrokenPipeError:
        code = EXIT_OK
    except BaseException as exc:
        # Once Ctrl-C was pressed, whatever the run raises on its way out (CancelledError,
        # KeyboardInterrupt, an error of a probe torn down half-way) is the interruption:
        # one line, no traceback; the -o file and the bundle folder were cleaned up on the way.
        if not (isinstance(exc, KeyboardInterrupt) or _INTERRUPTED.is_set()):
            raise
        print("onedrive-doctor: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    finally:
        if previous is not None:
            import signal

            # After a Ctrl-C, a further one while the process exits is ignored: the handler
            # put back (or SIG_DFL, which the interpreter's shutdown puts back for any Python
            # handler) would kill the process by the signal, or print a traceback.
            signal.signal(signal.SIGINT, signal.SIG_IGN if _INTERRUPTED.is_set() else previous)
    if _INTERRUPTED.is_set() and code != EXIT_INTERRUPTED:
        print("onedrive-doctor: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    sys.exit(code)
