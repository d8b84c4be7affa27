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
import time
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


def interrupt(*args: str, delay: float = 0.0, burst: int = 1) -> tuple[int, list[str]]:
    """Run the CLI until it connects to the silent server, send SIGINT; (exit code, stderr).

    ``delay`` seconds after the first connection, ``burst`` SIGINTs a millisecond apart.
    """
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
            time.sleep(delay)
            for _ in range(burst):
                child.send_signal(signal.SIGINT)
                time.sleep(0.001)
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


@pytest.mark.parametrize(
    ("delay", "burst"), [(0.0, 1), (0.0, 40), (0.003, 40), (0.02, 40), (0.1, 40), (0.3, 200)]
)
def test_collect_interrupted_at_many_moments_by_many_ctrl_c(
    tmp_path: Path, delay: float, burst: int
) -> None:
    # The SIGINT handler runs between any two bytecodes: it only schedules the cancellation
    # in the loop (a Task.cancel() from the handler could land inside asyncio's own
    # "if not waiter.done(): waiter.set_result()" and raise InvalidStateError), and the
    # further Ctrl-Cs of a burst, up to and during the exit, are ignored, not a traceback.
    target = tmp_path / "new" / "bundle"
    code, err = interrupt("collect", "-o", str(target), *NET, delay=delay, burst=burst)
    assert code == 130, err
    assert err[-1] == INTERRUPTED
    assert err.count(INTERRUPTED) == 1, err
    assert not [line for line in err if "Traceback" in line or "xception" in line], err
    assert list(tmp_path.iterdir()) == []


def test_any_exception_of_an_interrupted_run_is_the_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A probe torn down half-way may raise anything (InvalidStateError, OSError...) on the way
    # out of an interrupted run: still the one line and 130, never its traceback.
    import asyncio

    from onedrive_doctor import _cli

    def boom(args: object) -> int:
        _cli._INTERRUPTED.set()  # as the first Ctrl-C does
        raise asyncio.InvalidStateError("invalid state")

    monkeypatch.setattr(_cli, "_cmd_scan", boom)
    before = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as exit_:
            _cli.main(["scan", "nowhere"])
    finally:
        _cli._INTERRUPTED.clear()
        signal.signal(signal.SIGINT, before)
    assert exit_.value.code == 130
    assert capsys.readouterr().err.splitlines() == [INTERRUPTED]


def test_an_exception_without_ctrl_c_is_not_read_as_an_interruption(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from onedrive_doctor import _cli

    def boom(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(_cli, "_cmd_scan", boom)
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(RuntimeError, match="a bug"):
        _cli.main(["scan", "nowhere"])
    assert signal.getsignal(signal.SIGINT) is before  # put back when not interrupted
