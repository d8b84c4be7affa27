#!/usr/bin/env bash
# Install the scanners bench/bench_scan.py compares `onedrive-doctor scan` against:
#   testssl.sh and nmap (Debian packages; bsdextrautils gives testssl.sh its hexdump),
#   sslyze (PyPI) into its OWN venv.
#
# Why a separate venv for sslyze: sslyze 6.x pins cryptography<47 (and nassl<6); installing it
# into the project's venv would downgrade the project's cryptography. bench_scan.py finds it at
# $SSLYZE_VENV (default below) or in the current interpreter.
#
# Usage (as root, or with sudo available): bash bench/install-tools.sh
# Env: SSLYZE_VENV (default ${XDG_CACHE_HOME:-$HOME/.cache}/onedrive-doctor-bench/sslyze-venv),
#      SSLYZE_VERSION (default 6.3.1), PYTHON (default python3), SKIP_APT=1, SKIP_SSLYZE=1.
set -euo pipefail

SSLYZE_VENV="${SSLYZE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/onedrive-doctor-bench/sslyze-venv}"
SSLYZE_VERSION="${SSLYZE_VERSION:-6.3.1}"
PYTHON="${PYTHON:-python3}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ "${SKIP_APT:-0}" != 1 ]; then
    echo "== apt: testssl.sh nmap bsdextrautils"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
        testssl.sh nmap bsdextrautils >/dev/null
fi

if [ "${SKIP_SSLYZE:-0}" != 1 ]; then
    echo "== pip: sslyze==${SSLYZE_VERSION} into ${SSLYZE_VENV}"
    if [ ! -x "${SSLYZE_VENV}/bin/python" ]; then
        mkdir -p "$(dirname "${SSLYZE_VENV}")"
        "${PYTHON}" -m venv "${SSLYZE_VENV}"
    fi
    "${SSLYZE_VENV}/bin/python" -m pip install --quiet --disable-pip-version-check \
        "sslyze==${SSLYZE_VERSION}"
fi

echo "== versions"
# Debian installs testssl.sh as /usr/bin/testssl; upstream's script is testssl.sh.
TESTSSL="$(command -v testssl.sh || command -v testssl || true)"
if [ -n "${TESTSSL}" ]; then
    echo "testssl.sh $("${TESTSSL}" --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' \
        | grep -m1 -Eo 'testssl(\.sh)? +[0-9][^ ]*' | awk '{print $2}') (${TESTSSL})"
else
    echo "testssl.sh: not installed"
fi
if command -v nmap >/dev/null 2>&1; then nmap --version | head -1; else echo "nmap: not installed"; fi
if [ -x "${SSLYZE_VENV}/bin/python" ]; then
    "${SSLYZE_VENV}/bin/python" -c \
        'from sslyze.__version__ import __version__; print("sslyze", __version__)' \
        || echo "sslyze: not installed"
else
    echo "sslyze: not installed"
fi
