"""A real HTTP CONNECT proxy (proxy.py from PyPI) in a subprocess on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def connect_proxy(basic_auth: str | None = None) -> Iterator[int]:
    """Start proxy.py; yields its port. ``basic_auth`` is ``user:password``."""
    folder = Path(tempfile.mkdtemp(prefix="proxy-"))
    port_file = folder / "port"
    command = [
        sys.executable,
        "-m",
        "proxy",
        "--hostname",
        "127.0.0.1",
        "--port",
        "0",
        "--port-file",
        str(port_file),
        "--num-workers",
        "1",
        "--num-acceptors",
        "1",
        "--log-level",
        "WARNING",
    ]
    if basic_auth:
        command += ["--basic-auth", basic_auth]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            text = port_file.read_text().strip() if port_file.exists() else ""
            if text.isdigit():
                break
            if process.poll() is not None:
                raise RuntimeError("proxy.py exited at start")
            time.sleep(0.05)
        else:
            raise RuntimeError("proxy.py did not start within 20 s")
        _wait_listening(int(text))
        yield int(text)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_listening(port: int) -> None:
    import socket

    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
