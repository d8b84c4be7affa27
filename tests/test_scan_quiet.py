"""``scan --quiet`` (and ``simulate --quiet``) silence the progress lines on stderr (spec: cli.md,
"--quiet silences it"); the result or the one error line still comes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from servers.silent import mute_server


def _scan(port: int, *extra: str) -> list[str]:
    """Run ``scan`` with stderr on a terminal (a pty), where progress lines always show."""
    master, slave = pty.openpty()
    try:
        argv = [sys.executable, "-m", "onedrive_doctor", "scan", f"127.0.0.1:{port}"]
        done = subprocess.run(
            [*argv, "--timeout", "5", "--budget", "2.5", *extra],
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=60,
            check=False,
        )
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child's end is closed and everything was read
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if slave != -1:
            os.close(slave)
        os.close(master)
    assert done.returncode == 3
    return b"".join(chunks).decode(errors="replace").splitlines()


def test_scan_quiet_prints_only_the_error_line() -> None:
    with mute_server() as port:
        loud = _scan(port)
        quiet = _scan(port, "--quiet")
    assert len(loud) > 1, loud  # a progress line on a terminal, then the error
    assert len(quiet) == 1 and "error:" in quiet[0], quiet
    assert quiet[0] == loud[-1]


def test_simulate_accepts_quiet() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "onedrive_doctor", "simulate", "--windows", "8.1", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "TLSv1.2" in done.stdout
