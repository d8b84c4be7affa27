"""Time limits: every network operation times out, and the whole run keeps to its budget."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from servers.dns import dns_server
from servers.silent import mute_server


def test_silent_servers_end_in_timeouts_within_the_budget(cli: Any) -> None:
    with mute_server() as port:
        start = time.monotonic()
        result = cli(
            "diagnose",
            "--format",
            "json",
            "--timeout",
            "1",
            "--budget",
            "2",
            "--probe-url",
            f"http://127.0.0.1:{port}/",
            "--endpoint",
            f"login.microsoftonline.com:{port}",
            "--resolve",
            f"login.microsoftonline.com:{port}:127.0.0.1",
        )
        elapsed = time.monotonic() - start
    assert elapsed < 3.5
    net001 = result.finding("NET001")
    # TCP connected but nothing answered, neither the probe nor TLS: no false all-clear
    # (issue 9 point 2; this assertion said "pass" before).
    assert (net001["status"], net001["severity"]) == ("fail", "error")
    assert result.finding("NET004")["status"] == "fail"
    assert result.finding("NET002")["status"] == "unknown"
    assert result.finding("NET006")["status"] == "unknown"


def test_budget_stops_slow_probes_and_records_them(cli: Any, tmp_path: Path) -> None:
    with mute_server() as port:
        start = time.monotonic()
        cli(
            "diagnose",
            "--format",
            "json",
            "--timeout",
            "30",
            "--budget",
            "1",
            "--save-bundle",
            str(tmp_path),
            "--probe-url",
            f"http://127.0.0.1:{port}/",
            "--endpoint",
            f"login.microsoftonline.com:{port}",
            "--resolve",
            f"login.microsoftonline.com:{port}:127.0.0.1",
        )
        elapsed = time.monotonic() - start
    assert elapsed < 2.5
    attempts = json.loads((tmp_path / "probes.json").read_text())["attempts"]
    stopped = {a["probe"]: a for a in attempts if a["status"] == "timeout"}
    # ip_family: the IPv4 attempt's TLS handshake to the mute server (NET008)
    assert set(stopped) == {"ncsi", "https", "ip_family"}
    assert stopped["ncsi"]["error"] == "stopped: the run's time budget of 1 s ran out"
    assert stopped["ip_family"]["error"] == "stopped: the run's time budget of 1 s ran out"


def test_offline_machine_names_net001_exits_1_within_10_seconds() -> None:
    # Given a network where no name resolves (a real DNS server answering NXDOMAIN for all)
    with dns_server({}) as port:
        start = time.monotonic()
        # When a new user runs the bare command with the defaults
        done = subprocess.run(
            [sys.executable, "-m", "onedrive_doctor", "--dns-server", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        elapsed = time.monotonic() - start
    # Then a readable report names NET001 and why, with exit code 1, fast, no traceback
    assert done.returncode == 1, done.stderr
    assert elapsed < 10
    assert "NET001 internet-unreachable" in done.stdout
    assert "NXDOMAIN" in done.stdout
    assert "Traceback" not in done.stderr
