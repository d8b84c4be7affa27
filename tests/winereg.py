r"""A throwaway Wine prefix for the tests that run ``reg`` for real (Debian's wine).

``wine_prefix`` boots one prefix in a temporary folder (``wineboot -i``, a few seconds), with
Wine's debug output off and Mono / Gecko not installed (``WINEDLLOVERRIDES``), keeps its
wineserver running for the module and stops it at the end. :func:`wine_path` spells a local
path as Wine's ``Z:`` drive sees it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from onedrive_doctor.registry import RegExeBackend, RegistryModel

WINE = shutil.which("wine")
needs_wine = pytest.mark.skipif(WINE is None, reason="wine is not on PATH (apt-get install wine)")


def wine_path(path: Path) -> str:
    r"""``/tmp/x/a.reg`` -> ``Z:\tmp\x\a.reg``."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


@dataclass
class WinePrefix:
    """A booted prefix: its environment, and ways to run reg in it."""

    root: Path
    env: dict[str, str]

    def reg(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``wine reg ARGS`` in the prefix."""
        assert WINE is not None
        return subprocess.run(
            [WINE, "reg", *args],
            env=self.env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=120,
            check=False,
        )

    def backend(self) -> RegExeBackend:
        """A ``RegExeBackend`` speaking to Wine's reg in this prefix."""
        assert WINE is not None
        return RegExeBackend((WINE, "reg"), env=self.env, path_arg=wine_path, timeout=120)

    def export(self, key: str, out: Path) -> RegistryModel | None:
        """``wine reg export KEY OUT /y`` parsed, or ``None`` when the key is absent."""
        done = self.reg("export", key, wine_path(out), "/y")
        if done.returncode != 0:
            return None
        return RegistryModel.from_reg(out.read_bytes(), out.name)


@pytest.fixture(scope="module")
def wine_prefix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WinePrefix]:
    """One booted Wine prefix for the module's tests."""
    if WINE is None:
        pytest.skip("wine is not on PATH (apt-get install wine)")
    root = tmp_path_factory.mktemp("wineprefix")
    env = {
        **os.environ,
        "WINEPREFIX": str(root / "prefix"),
        "WINEDEBUG": "-all",
        "WINEDLLOVERRIDES": "mscoree,mshtml=",
    }
    (root / "prefix").mkdir()
    server = shutil.which("wineserver")
    if server is not None:
        # A persistent wineserver, started apart with its output to /dev/null: else each reg
        # run starts one that inherits the run's pipes, and every run waits for it to exit.
        subprocess.run(
            [server, "-p"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    boot = subprocess.run(
        [WINE, "wineboot", "-i"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    assert boot.returncode == 0
    try:
        yield WinePrefix(root, env)
    finally:
        if server is not None:
            subprocess.run([server, "-k"], env=env, capture_output=True, timeout=60, check=False)
