"""simulate shows the exact ClientHello record it sends, in JSON and in words a person reads."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from onedrive_doctor.knowledge.windows_families import FAMILIES
from onedrive_doctor.report.simulate import render_simulation
from onedrive_doctor.tls import ExtensionType, name_of, parse_client_hello
from onedrive_doctor.windows.client_model import default_profile
from onedrive_doctor.windows.simulate import HelloSeed, simulation

HOST = "login.microsoftonline.com"


@contextmanager
def hello_catcher() -> Iterator[tuple[int, list[bytes]]]:
    """A real loopback TCP server that keeps the first TLS record it receives, then hangs up."""
    received: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            data = b""
            while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            received.append(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        thread.join(15)
        server.close()


def test_simulate_json_carries_the_client_hello_record(cli: Any) -> None:
    doc = cli("simulate", "--windows", "10 22H2", "--format", "json").json()
    hello = doc["client"]["client_hello"]
    record = bytes.fromhex(hello["hex"])
    assert hello["length"] == len(record) and record[0] == 0x16
    parsed = parse_client_hello(record)
    assert parsed.server_name == HOST == hello["server_name"]
    codes = [int(s["code"], 16) for s in doc["client"]["cipher_suites"]]
    assert list(parsed.cipher_suites) == codes
    assert hello["extensions"] == [name_of(ExtensionType, t) for t in parsed.extension_types]
    # Each stack's own hello: WinINet / WinHTTP pass their own protocol masks.
    for layer in doc["stacks"].values():
        assert parse_client_hello(bytes.fromhex(layer["client_hello"]["hex"]))


def test_simulate_sends_the_very_hello_it_shows(cli: Any) -> None:
    with hello_catcher() as (port, received):
        doc = cli(
            "simulate", "--windows", "11 24H2", "--format", "json",
            "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1",
            "--timeout", "3",
        ).json()  # fmt: skip
    assert received, "the replay never connected"
    key = f"live:{HOST}:{port}"
    assert doc["verdicts"][key]["accepted"] is False
    assert doc["sent"][key]["hex"] == received[0].hex()
    assert doc["client"]["client_hello"]["hex"] == received[0].hex()


def test_a_seed_makes_the_shown_and_the_sent_hello_equal_and_a_new_run_fresh() -> None:
    profile = default_profile(FAMILIES[-1])
    seed = HelloSeed.fresh()
    first = simulation(profile, {}, HOST, seed)["client"]["client_hello"]["hex"]
    assert simulation(profile, {}, HOST, seed)["client"]["client_hello"]["hex"] == first
    assert simulation(profile, {}, HOST)["client"]["client_hello"]["hex"] != first


def test_a_pc_that_offers_nothing_has_no_hello_and_says_why() -> None:
    import dataclasses

    profile = default_profile(FAMILIES[0])
    off = tuple(dataclasses.replace(p, state="disabled") for p in profile.protocols)
    doc = simulation(dataclasses.replace(profile, protocols=off), {})
    hello = doc["client"]["client_hello"]
    assert hello["hex"] is None and hello["length"] == 0
    assert "no protocol" in hello["reason"]
    assert "ClientHello: none (Schannel on this PC offers no protocol at all)" in (
        render_simulation(doc)
    )


_INTERNALS = (
    "§",
    "(#",
    "docs/knowledge",
    "winhttp_default_protocols",
    "wininet_secure_protocols",
    "dhe_leading_zero_fix",
    "ltsc_end",
    "cipher_suites_without_update",
)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_simulate_text_is_readable_without_the_models_internals(family: Any) -> None:
    doc = simulation(default_profile(family), {})
    text = render_simulation(doc, width=100)
    for token in _INTERNALS:
        assert token not in text, (family.key, token)
    assert "ClientHello record (hex):" in text
    assert f"{doc['client']['client_hello']['length']} bytes" in text
    # The hex lines are the record, whole: copied back together they are the JSON's hex.
    lines = text.split("ClientHello record (hex):\n", 1)[1].splitlines()
    hex_lines = []
    for line in lines:
        if not line.startswith("    ") or not all(c in "0123456789abcdef" for c in line.strip()):
            break
        hex_lines.append(line.strip())
    assert "".join(hex_lines) == doc["client"]["client_hello"]["hex"]


def test_simulate_json_notes_carry_no_section_references() -> None:
    for family in FAMILIES:
        doc = simulation(default_profile(family), {})
        notes = [*doc["client"]["assumed"], *doc["client"]["wire"]["notes"]]
        assert not [n for n in notes if "§" in n or "(#" in n], family.key
