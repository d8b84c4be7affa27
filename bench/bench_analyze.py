#!/usr/bin/env python3
"""Time ``analyze`` of the largest test bundle in-process (imports excluded), best of N runs.

The bundle holds every file of spec/bundle.md the tests use, in Windows' own formats: all
registry exports (tests/winbundles.py), dsregcmd.txt and nltest.txt (tests/fixtures), the hotfix
list, Get-TlsCipherSuite / Get-TlsEccCurve outputs and probes.json with TLS scans of every
required endpoint.

    PYTHONPATH=src python bench/bench_analyze.py [--runs 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import winbundles as wb  # noqa: E402
from onedrive_doctor.analysis import analyze_bundle  # noqa: E402
from onedrive_doctor.knowledge.endpoints import REQUIRED_ENDPOINTS  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "dsregcmd"
ONEDRIVE = r"""[HKEY_CURRENT_USER\Software\Microsoft\OneDrive]
"Version"="24.201.1006.0005"
"OneDriveTrigger"="C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe"

[HKEY_CURRENT_USER\Software\Microsoft\OneDrive\Accounts\Business1]
"UserEmail"="alice@contoso.com"
"SPOResourceId"="https://contoso.sharepoint.com/"
"""
SUITES = "\r\n".join(
    [
        "",
        "Name",
        "----",
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        *wb.CBC_ONLY,
        "",
    ]
)
CURVES = "curve25519\r\nNistP256\r\nNistP384\r\n"


def largest_bundle(root: Path) -> Path:
    """Every file the checks read, as the collector writes them."""
    registry = wb.default_registry(wb.WIN11_24H2)
    registry["ssl-policy"] = wb.ssl_policy(curves=("curve25519", "NistP256", "NistP384"))
    registry["onedrive-hkcu"] = ONEDRIVE
    scans = [wb.tls_scan(e.host, "TLSv1.2_2023") for e in REQUIRED_ENDPOINTS]
    return wb.bundle(
        root,
        registry,
        dsregcmd_txt=(FIXTURES / "dsregcmd_entra_joined_prt_ok_win10.txt").read_bytes(),
        nltest_txt=(FIXTURES / "nltest_dsgetdc_and_netconnectionprofile.txt").read_bytes(),
        hotfixes_txt=wb.WIN10_HOTFIXES,
        cipher_suites_txt=SUITES,
        ecc_curves_txt=CURVES,
        probes_json=wb.probes(*scans),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = largest_bundle(Path(tmp) / "bundle")
        files = sum(1 for p in path.rglob("*") if p.is_file())
        analyze_bundle(path)  # warm-up: lazy imports inside the checks are not what we time
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            report = analyze_bundle(path)
            times.append(time.perf_counter() - start)
    print(
        f"analyze of a {files}-file bundle ({len(report.findings)} findings): best "
        f"{min(times) * 1000:.1f} ms, median {sorted(times)[len(times) // 2] * 1000:.1f} ms "
        f"over {args.runs} runs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
