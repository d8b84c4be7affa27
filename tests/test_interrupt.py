"""Ctrl-C (issue 9.6): one line, exit 130, no traceback, nothing half-written.

The CLI runs in a real subprocess against a loopback server that accepts TCP and never answers,
so it is mid-run (waiting on the network) when SIGINT arrives.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from winbundles import bundle, current_version, default_registry

SRC = Path(__file__).resolve().parent.parent / "src"
INTERRUPTED = "onedrive-doctor: interrupted"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")


@contextmanager
def silent_server() -> Iterator[tuple[int, threading.Event]]:
    """Accept connections, hold them, never send a byte; the event is set on the first one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    listener.settimeout(0.1)
    accepted = threading.Event()
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue
            accepted.set()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1]), accepted
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def interrupt(*args: str) -> tuple[int, list[str]]:
    """Run the CLI until it connects to the silent server, send SIGINT; (exit code, stderr)."""
    with silent_server() as (port, accepted):
        argv = [a.replace("PORT", str(port)) for a in args]
        env = dict(os.environ, PYTHONPATH=str(SRC), NO_COLOR="1")
        child = subprocess.Popen(
            [sys.executable, "-m", "onedrive_doctor", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            assert accepted.wait(30), "the CLI never reached the server"
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=90)
        finally:
            child.kill()
            child.wait()
    return child.returncode, err.decode().splitlines()


NET = ("--timeout", "60", "--budget", "120", "--endpoint", "127.0.0.1:PORT")


def test_analyze_live_interrupted_is_one_line_130_and_no_report(tmp_path: Path) -> None:
    root = bundle(tmp_path / "b", default_registry(current_version("Windows 10 Pro", 19045)))
    report = tmp_path / "report.txt"
    code, err = interrupt("analyze", str(root), "--live", *NET, "-o", str(report))
    assert code == 130
    assert err == [INTERRUPTED]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no report, no .part file


def test_diagnose_interrupted_leaves_the_previous_report_whole(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("previous\n")
    code, err = interrupt(
        "diagnose", *NET, "--probe-url", "http://127.0.0.1:PORT/", "-o", str(report)
    )
    assert code == 130
    assert err[-1] == INTERRUPTED
    assert err.count(INTERRUPTED) == 1
    assert not [line for line in err if "Traceback" in line or "exception" in line]
    assert report.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_collect_interrupted_removes_the_folder_it_created(tmp_path: Path) -> None:
    target = tmp_path / "new" / "bundle"
    code, err = interrupt("collect", "-o", str(target), *NET)
    assert code == 130
    assert err[-1] == INTERRUPTED
    assert not [line for line in err if "Traceback" in line or "exception" in line]
    assert list(tmp_path.iterdir()) == []


def test_collect_interrupted_keeps_what_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    # A folder holding someone's files is refused unless --force (issue 11 point 3): with it,
    # the interrupted run still leaves that file alone.
    code, err = interrupt("collect", "-o", str(tmp_path), "--force", *NET)
    assert code == 130
    assert err[-1] == INTERRUPTED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
