"""Only regular files and folders are bundles: devices, FIFOs and unrelated folders are exit 3.

Issue 11 point 7: ``analyze /dev/zero`` grew to 23 GiB (``zipfile.is_zipfile`` read to the end)
and ``analyze FIFO`` blocked forever; issue 9 point 11: ``analyze /etc`` crawled the tree.
Each runs in a child process with a timeout, so a regression fails instead of hanging.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from regfiles import WINDOWS_MANIFEST, write_bundle


def _analyze(path: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onedrive_doctor", "analyze", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def _one_clear_line(done: subprocess.CompletedProcess[str], path: Path | str, what: str) -> None:
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert done.stderr == f"onedrive-doctor: error: {path}: {what}\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")
def test_a_fifo_is_exit_3_at_once_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "bundle.zip"
    os.mkfifo(fifo)
    _one_clear_line(
        _analyze(fifo),
        fifo,
        "not a bundle: this is a named pipe (FIFO); a bundle is a folder or a .zip file",
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_exit_3_without_reading_it() -> None:
    _one_clear_line(
        _analyze("/dev/zero"),
        "/dev/zero",
        "not a bundle: this is a character device; a bundle is a folder or a .zip file",
    )


def test_a_folder_with_none_of_the_bundle_files_is_exit_3(tmp_path: Path) -> None:
    write_bundle(tmp_path, {"passwd": "root:x:0:0\n", "ssh/sshd_config": "Port 22\n"})
    _one_clear_line(
        _analyze(tmp_path),
        tmp_path,
        "not a bundle: the folder holds none of the bundle files (manifest.json, registry/, "
        "dsregcmd.txt, ... see docs/spec/bundle.md)",
    )


@pytest.mark.skipif(not Path("/etc/hostname").exists(), reason="needs a Unix /etc")
def test_analyze_etc_is_exit_3_without_crawling_it() -> None:
    done = _analyze("/etc")
    assert done.returncode == 3
    assert done.stderr.endswith(
        "not a bundle: the folder holds none of the bundle files "
        "(manifest.json, registry/, dsregcmd.txt, ... see docs/spec/bundle.md)\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")
def test_a_fifo_inside_a_bundle_folder_is_skipped_not_read(tmp_path: Path) -> None:
    write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST})
    os.mkfifo(tmp_path / "dsregcmd.txt")
    done = _analyze(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "IDN001" in done.stdout or "Device join" in done.stdout


def test_a_tree_too_deep_for_a_bundle_is_not_walked(tmp_path: Path) -> None:
    deep = tmp_path / "registry" / "a" / "b" / "c" / "d" / "e"
    deep.mkdir(parents=True)
    (deep / "x.reg").write_text("garbage")
    write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST})
    done = _analyze(tmp_path)
    assert done.returncode == 0, done.stderr
