#!/usr/bin/env python3
"""Benchmark ``onedrive-doctor scan`` against sslyze, testssl.sh and nmap on local OpenSSL servers.

For each profile of ``tests/servers/tls_profiles.py`` (a real ``openssl s_server`` behind a
counting TCP front on 127.0.0.1), every tool scans the same port ``--runs`` times. Reported per
tool: median wall time, TCP connections (counted by the front, identical for every tool), time
ratio against ours, and whether its accepted suites per protocol equal the oracle's (OpenSSL
negotiating each suite offered alone). Nothing leaves 127.0.0.1.

    python bench/bench_scan.py [--runs 5] [--profiles afd-like,legacy] [--tools ours,sslyze,...]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeAlias

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers.oracle import accepted_all_protocols, openssl_suites  # noqa: E402
from servers.tls_profiles import OPENSSL, PROFILES, TlsServer, tls_server  # noqa: E402

PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
SHORT = {"SSLv2": "2", "SSLv3": "3", "TLSv1.0": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2"}
SHORT["TLSv1.3"] = "1.3"
DEFAULT_SSLYZE_VENV = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "onedrive-doctor-bench"
    / "sslyze-venv"
)

ORACLE = "(oracle: s_client per suite)"
#: protocol → accepted IANA names; ``None`` for a protocol the tool does not test.
Accepted: TypeAlias = "dict[str, list[str] | None]"


class ToolError(Exception):
    """A tool ran but its output could not be used."""


def _code_to_iana() -> dict[str, str]:
    return {s.code.upper(): s.iana for s in openssl_suites()}


# --------------------------------------------------------------------------------------------
# Tools


@dataclass
class Tool:
    name: str
    version: str = ""

    def unavailable(self) -> str | None:
        """``None`` when the tool can run, else why not."""
        raise NotImplementedError

    def argv(self, port: int, out: Path) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str] | None:
        return None

    def parse(self, stdout: str, out: Path) -> Accepted:
        raise NotImplementedError


JSON = ("--format", "json")


class Ours(Tool):
    def __init__(self) -> None:
        super().__init__("onedrive-doctor scan")

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
        )
        return env

    def unavailable(self) -> str | None:
        # Measure the tool as `pip install` leaves it: with its bytecode compiled (pip does this
        # at install time; an editable checkout under PYTHONDONTWRITEBYTECODE never gets any).
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "onedrive_doctor")],
            capture_output=True,
            timeout=120,
            check=False,
        )
        probe = subprocess.run(
            [sys.executable, "-m", "onedrive_doctor", "scan", "--help"],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=60,
            check=False,
        )
        if probe.returncode != 0:
            return "not available"
        return None

    def argv(self, port: int, out: Path) -> list[str]:
        return [sys.executable, "-m", "onedrive_doctor", "scan", f"127.0.0.1:{port}", *JSON]

    def parse(self, stdout: str, out: Path) -> Accepted:
        try:
            data = json.loads(stdout)
        except json.JSONDecodeError as exc:
            raise ToolError(f"not JSON: {exc}: {stdout[:200]!r}") from exc
        protocols: dict[str, Any] = data.get("protocols") or {}
        result: Accepted = {}
        for proto in PROTOCOLS:
            entry = protocols.get(proto)
            if entry is None:
                result[proto] = None
            elif not entry.get("accepted"):
                result[proto] = []
            else:
                result[proto] = [c["name"] for c in entry.get("cipher_suites") or []]
        return result


class Sslyze(Tool):
    KEYS: ClassVar[dict[str, str]] = {
        "ssl_2_0_cipher_suites": "SSLv2",
        "ssl_3_0_cipher_suites": "SSLv3",
        "tls_1_0_cipher_suites": "TLSv1.0",
        "tls_1_1_cipher_suites": "TLSv1.1",
        "tls_1_2_cipher_suites": "TLSv1.2",
        "tls_1_3_cipher_suites": "TLSv1.3",
    }

    def __init__(self) -> None:
        super().__init__("sslyze")
        self.python: str | None = None

    def unavailable(self) -> str | None:
        candidates = [os.environ.get("SSLYZE_PYTHON", "")]
        venv = Path(os.environ.get("SSLYZE_VENV", DEFAULT_SSLYZE_VENV))
        candidates += [str(venv / "bin" / "python"), sys.executable]
        for python in candidates:
            if not python or not Path(python).exists():
                continue
            probe = subprocess.run(
                [python, "-c", "from sslyze.__version__ import __version__; print(__version__)"],
                capture_output=True,
                text=True,
                check=False,
            )
            if probe.returncode == 0:
                self.python, self.version = python, probe.stdout.strip()
                return None
        return "not installed"

    def argv(self, port: int, out: Path) -> list[str]:
        assert self.python is not None
        return [
            self.python,
            "-m",
            "sslyze",
            *("--tlsv1", "--tlsv1_1", "--tlsv1_2", "--tlsv1_3", "--sslv3", "--sslv2"),
            "--mozilla_config=disable",  # else it exits non-zero on a non-compliant server
            "--quiet",
            f"--json_out={out}",
            f"127.0.0.1:{port}",
        ]

    def parse(self, stdout: str, out: Path) -> Accepted:
        data = json.loads(out.read_text())
        server = data["server_scan_results"][0]
        if server.get("scan_status") != "COMPLETED":
            raise ToolError(f"scan status {server.get('scan_status')}")
        result: Accepted = dict.fromkeys(PROTOCOLS)
        for key, proto in self.KEYS.items():
            attempt = server["scan_result"].get(key) or {}
            if attempt.get("status") != "COMPLETED":
                continue
            accepted = attempt["result"]["accepted_cipher_suites"]
            result[proto] = [a["cipher_suite"]["name"] for a in accepted]
        return result


class Testssl(Tool):
    PROTO: ClassVar[dict[str, str]] = {
        "ssl2": "SSLv2",
        "ssl3": "SSLv3",
        "tls1": "TLSv1.0",
        "tls1_1": "TLSv1.1",
        "tls1_2": "TLSv1.2",
        "tls1_3": "TLSv1.3",
    }
    ID = re.compile(r"^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-fA-F]+)$")

    def __init__(self) -> None:
        super().__init__("testssl.sh")
        self.path: str | None = None

    def unavailable(self) -> str | None:
        # Debian installs it as /usr/bin/testssl; upstream's script is testssl.sh.
        self.path = shutil.which("testssl.sh") or shutil.which("testssl")
        if self.path is None:
            return "not installed"
        probe = subprocess.run([self.path, "--version"], capture_output=True, text=True)
        match = re.search(
            r"testssl(?:\.sh)?\s+([0-9][^\s]*)", re.sub(r"\x1b\[[0-9;]*m", "", probe.stdout)
        )
        self.version = match.group(1) if match else ""
        return None

    def argv(self, port: int, out: Path) -> list[str]:
        assert self.path is not None
        # -E (each cipher, per protocol) rather than -e: -e lists accepted suites without
        # saying for which protocol, so it cannot be compared per protocol.
        return [
            self.path,
            "-E",
            *("--jsonfile", str(out)),
            *("--warnings", "off", "--quiet", "--color", "0"),
            *("--openssl", OPENSSL),
            f"127.0.0.1:{port}",
        ]

    def parse(self, stdout: str, out: Path) -> Accepted:
        codes = _code_to_iana()
        result: Accepted = {p: [] for p in PROTOCOLS}
        for entry in json.loads(out.read_text()):
            match = self.ID.match(entry.get("id", ""))
            if not match:
                continue
            proto = self.PROTO[match.group(1)]
            last = entry.get("finding", "").split()[-1:]
            if last and last[0].startswith(("TLS_", "SSL_")):
                name = last[0]
            else:
                code = "0x" + match.group(2).upper().rjust(4, "0")
                name = codes.get(code, code)
            suites = result[proto]
            assert suites is not None
            suites.append(name)
        return result


class Nmap(Tool):
    def __init__(self) -> None:
        super().__init__("nmap ssl-enum-ciphers")
        self.path: str | None = None

    def unavailable(self) -> str | None:
        self.path = shutil.which("nmap")
        if self.path is None:
            return "not installed"
        probe = subprocess.run([self.path, "--version"], capture_output=True, text=True)
        match = re.search(r"Nmap version (\S+)", probe.stdout)
        self.version = match.group(1) if match else ""
        return None

    def argv(self, port: int, out: Path) -> list[str]:
        assert self.path is not None
        # "+" forces the script on a port its portrule does not recognise as SSL (any port but
        # 443 & co. without -sV, which would add service probes and connections).
        script = ("--script", "+ssl-enum-ciphers")
        return [self.path, "-Pn", "-p", str(port), *script, "-oX", "-", "127.0.0.1"]

    def parse(self, stdout: str, out: Path) -> Accepted:
        root = ET.fromstring(stdout)
        script = root.find(".//script[@id='ssl-enum-ciphers']")
        if script is None:
            raise ToolError("no ssl-enum-ciphers output")
        result: Accepted = {p: [] for p in PROTOCOLS}
        result["SSLv2"] = None  # ssl-enum-ciphers starts at SSLv3 (sslv2 is another script)
        for table in script.findall("table"):
            proto = table.get("key", "")
            if proto not in result:
                continue
            names = [
                (e.text or "").replace("TLS_AKE_WITH_", "TLS_")  # nmap's TLS 1.3 names
                for e in table.findall("table[@key='ciphers']/table/elem[@key='name']")
            ]
            result[proto] = names
        return result


TOOLS: dict[str, Callable[[], Tool]] = {
    "ours": Ours,
    "sslyze": Sslyze,
    "testssl": Testssl,
    "nmap": Nmap,
}


# --------------------------------------------------------------------------------------------
# Running


@dataclass
class Row:
    profile: str
    tool: str
    status: str = "ok"  # ok | not installed | not available | failed: ... | timeout
    times: list[float] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)
    accepted: Accepted | None = None
    version: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def median_connections(self) -> int | None:
        return int(statistics.median(self.connections)) if self.connections else None


def _settle(server: TlsServer, quiet_for: float = 0.1, limit: float = 3.0) -> int:
    """Wait until the front has accepted everything the tool left queued; return the count."""
    deadline = time.monotonic() + limit
    last, since = server.connections, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now = server.connections
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_for:
            break
    return last


def run_once(tool: Tool, server: TlsServer, timeout: float, row: Row, workdir: Path) -> None:
    out = workdir / f"{tool.name.split()[0]}-{len(row.times)}.json"
    out.unlink(missing_ok=True)
    argv = tool.argv(server.port, out)
    _settle(server)
    server.reset_connections()
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=tool.env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        row.status = f"timeout after {timeout:.0f}s"
        return
    elapsed = time.perf_counter() - start
    row.connections.append(_settle(server))
    row.times.append(elapsed)
    try:
        accepted = tool.parse(proc.stdout, out)
    except (ToolError, OSError, ValueError, KeyError, IndexError, ET.ParseError) as exc:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        row.status = f"failed (rc {proc.returncode}): {exc}; {' | '.join(tail)}"[:300]
        return
    if row.accepted is None:
        row.accepted = accepted
    elif row.accepted != accepted:
        row.status = "ok (results differ between runs)"


def _fmt_accepted(accepted: Accepted | None) -> str:
    if accepted is None:
        return ""
    parts = []
    for proto in PROTOCOLS:
        suites = accepted.get(proto)
        if suites:
            parts.append(f"{SHORT[proto]}:{len(suites)}")
    return " ".join(parts) or "none"


def compare(reference: Accepted, accepted: Accepted) -> list[str]:
    """Per-protocol differences of ``accepted`` from ``reference`` (protocols both tested)."""
    problems = []
    for proto in PROTOCOLS:
        want, got = reference.get(proto), accepted.get(proto)
        if want is None or got is None:
            continue
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        if missing:
            problems.append(f"{proto}: missing {', '.join(missing)}")
        if extra:
            problems.append(f"{proto}: extra {', '.join(extra)}")
        if len(got) != len(set(got)):
            problems.append(f"{proto}: duplicates in {got}")
    return problems


def bench_profile(
    profile: str, tools: list[Tool], unavailable: dict[str, str], args: argparse.Namespace
) -> tuple[list[Row], list[str]]:
    tool_rows = [Row(profile, t.name, version=t.version) for t in tools]
    rows: list[Row] = []
    notes: list[str] = []
    reference: Accepted | None = None
    with tls_server(profile) as server, tempfile.TemporaryDirectory(prefix="od-bench-") as tmp:
        if args.oracle:
            # The reset front would also reset the oracle's TLS 1.3 hellos: ask s_server directly.
            port = server.backend_port if server.definition.reset_threshold else server.port
            oracle_row = Row(profile, ORACLE)
            server.reset_connections()
            start = time.perf_counter()
            reference = dict(accepted_all_protocols(port, profile=profile))
            oracle_row.times.append(time.perf_counter() - start)
            oracle_row.connections.append(_settle(server))
            oracle_row.accepted = reference
            rows.append(oracle_row)
        for run in range(args.runs):
            for tool, row in zip(tools, tool_rows, strict=True):
                if row.status.startswith(("failed", "timeout")):
                    continue
                print(f"[{profile}] {tool.name} run {run + 1}/{args.runs}", file=sys.stderr)
                run_once(tool, server, args.tool_timeout, row, Path(tmp))
        if server.process.poll() is not None:
            notes.append(f"{profile}: s_server died during the bench:\n{server.log()[-2000:]}")
    rows += tool_rows
    rows += [Row(profile, name, status=why) for name, why in unavailable.items()]
    measured = [r for r in tool_rows if r.accepted is not None]
    if reference is None and measured:
        reference = measured[0].accepted
    if reference is not None:
        for row in measured:
            problems = compare(reference, row.accepted or {})
            if problems:
                notes.append(f"{profile}: {row.tool} disagrees with the reference:")
                notes.extend(f"    {p}" for p in problems)
    return rows, notes


def markdown(rows: list[Row], ours_name: str) -> str:
    lines = [
        "| profile | tool | median s | runs | connections | time ÷ ours | accepted per protocol |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    ours_time = {r.profile: r.median for r in rows if r.tool == ours_name and r.median}
    for r in rows:
        tool = f"{r.tool} {r.version}".strip()
        if r.median is None:
            lines.append(f"| {r.profile} | {tool} | {r.status} | | | | |")
            continue
        base = ours_time.get(r.profile)
        if r.tool == ours_name:
            ratio = "1.0"
        elif r.tool == ORACLE or base is None:
            ratio = "n/a"
        else:
            ratio = f"{r.median / base:.1f}"
        status = "" if r.status == "ok" else f" ({r.status})"
        lines.append(
            f"| {r.profile} | {tool} | {r.median:.2f} | {len(r.times)} | "
            f"{r.median_connections} | {ratio} | {_fmt_accepted(r.accepted)}{status} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and profile (median)")
    parser.add_argument(
        "--profiles",
        default="afd-like,afd-2023,legacy,tls10-only",
        help=f"comma-separated, from: {', '.join(PROFILES)}",
    )
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help=f"comma-separated, from: {', '.join(TOOLS)}"
    )
    parser.add_argument("--tool-timeout", type=float, default=900.0, help="seconds per run")
    parser.add_argument(
        "--no-oracle",
        dest="oracle",
        action="store_false",
        help="skip the OpenSSL oracle (then tools are compared with the first tool's result)",
    )
    parser.add_argument("--json-out", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    # Turn SIGTERM into SystemExit so the servers' context managers stop s_server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    for p in profiles:
        if p not in PROFILES:
            parser.error(f"unknown profile {p!r}")
    tools: list[Tool] = []
    unavailable: dict[str, str] = {}
    for key in (t.strip() for t in args.tools.split(",") if t.strip()):
        if key not in TOOLS:
            parser.error(f"unknown tool {key!r}")
        tool = TOOLS[key]()
        why = tool.unavailable()
        if why is None:
            tools.append(tool)
        else:
            unavailable[tool.name] = why
            print(f"{tool.name}: {why}", file=sys.stderr)

    print(
        f"openssl: {OPENSSL}; host: {os.uname().nodename}; cpus: {os.cpu_count()}", file=sys.stderr
    )
    all_rows: list[Row] = []
    all_notes: list[str] = []
    for profile in profiles:
        rows, notes = bench_profile(profile, tools, unavailable, args)
        all_rows += rows
        all_notes += notes

    print(markdown(all_rows, Ours().name))
    print()
    if all_notes:
        print("Disagreements / problems:")
        print("\n".join(all_notes))
    else:
        print("All tools that ran agree with the reference on every protocol they test.")
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                [
                    {
                        "profile": r.profile,
                        "tool": r.tool,
                        "version": r.version,
                        "status": r.status,
                        "times_s": r.times,
                        "connections": r.connections,
                        "accepted": r.accepted,
                    }
                    for r in all_rows
                ],
                indent=2,
            )
        )
    return 1 if any("disagrees" in n for n in all_notes) else 0


if __name__ == "__main__":
    sys.exit(main())
