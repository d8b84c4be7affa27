"""EVT001 / EVT002: the Schannel and AAD Operational logs, as wevtutil exports them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.bundle.redact import redact_files
from onedrive_doctor.collect.hosts import FAKE_HOST_ENV
from servers.tls_profiles import tls_server
from winbundles import (
    WIN7,
    WIN10_22H2,
    WIN10_HOTFIXES,
    bundle,
    default_registry,
    findings,
    status,
)

EVENTS = Path(__file__).parent / "fixtures" / "events"
SCHANNEL_ALERTS = (EVENTS / "schannel_alerts_win10_utf16.xml").read_bytes()
SCHANNEL_QUIET = (EVENTS / "schannel_quiet_win11_utf8.xml").read_bytes()
AAD_ERRORS = (EVENTS / "aad_operational_errors_win11_utf8.xml").read_bytes()
AAD_QUIET = (EVENTS / "aad_operational_quiet_win10_utf16.xml").read_bytes()
WINDOW = "in the 7 days before collection (2026-11-13 10:00 to 2026-11-20 10:00 UTC)"


@pytest.fixture
def analyze(cli: Any, tmp_path: Path) -> Any:
    """``analyze(**files)`` -> the EVT, SCH and TLS findings of a Windows 10 bundle."""

    def run(version: str = WIN10_22H2, **files: bytes | str) -> dict[str, Any]:
        root = bundle(tmp_path, default_registry(version), **files)
        return findings(cli, root, ("EVT", "SCH", "TLS"))

    return run


# --- EVT001 schannel-errors-logged ----------------------------------------------------------------


def test_evt001_decodes_every_schannel_error_of_the_window(analyze: Any) -> None:
    found = analyze(events_schannel_xml=SCHANNEL_ALERTS)["EVT001"]
    assert status(found) == ("EVT001", "fail", "warning")
    assert found["message"] == (
        f"The System log holds 6 Schannel error(s) {WINDOW}: "
        "3 × 36887 fatal alert 40 handshake_failure received from the remote endpoint: the "
        "server found no protocol version, cipher suite or curve in common with this PC's "
        "ClientHello: the front door refuses what Schannel offers; "
        "1 × 36888 fatal alert 48 unknown_ca generated and sent (error state 552): this PC does "
        "not trust the root of the server's chain: the root is missing from the PC's store "
        "while automatic root update is off (CRT001), or a TLS-inspecting proxy re-signs the "
        "connection (TLS002); "
        "1 × 36871 fatal error creating a client credential, internal error state 10013: "
        "Schannel could not build a credential from its settings (no usable protocol, cipher "
        "suite or key; seen with cipher suite policies naming suites this Windows does not "
        "implement); "
        "1 × 36874 a TLS 1.2 connection request from a remote client had no cipher suite in "
        "common with this PC (this PC was the TLS server: its suite list is that narrow). "
        "The checks that find the cause: CRT001, OS001, SCH001, SCH002, SCH005, SCH006, SCH008, "
        "TLS001, TLS002."
    )
    evidence = found["evidence"]
    assert evidence["events_read"] == 8
    assert evidence["events_in_window"] == 7  # the 36880 counts as read, not as an error
    assert [
        (e["event_id"], e["count"], e["alert"], e["direction"]) for e in evidence["errors"]
    ] == [
        (36887, 3, 40, "received"),
        (36888, 1, 48, "sent"),
        (36871, 1, None, None),
        (36874, 1, None, None),
    ]
    assert evidence["errors"][0]["newest"] == "2026-11-20T09:41:07.552694+00:00"
    assert found["fix"]["safety"] == "manual"
    assert found["fix"]["title"].startswith("Fix the cause the logged TLS errors point to (CRT001")


def test_evt001_passes_when_the_window_holds_only_informational_and_old_events(
    analyze: Any,
) -> None:
    found = analyze(events_schannel_xml=SCHANNEL_QUIET)["EVT001"]
    assert status(found) == ("EVT001", "pass", None)
    assert found["message"] == (
        "The System log holds no Schannel error (36871, 36874, 36887, 36888) "
        f"{WINDOW} (2 Schannel event(s) read from events-schannel.xml)."
    )


def test_evt001_passes_on_an_empty_export(analyze: Any) -> None:
    # wevtutil writes nothing at all when the query matches no event.
    found = analyze(events_schannel_xml=b"")["EVT001"]
    assert status(found) == ("EVT001", "pass", None)
    assert "(0 Schannel event(s) read from events-schannel.xml)" in found["message"]


def test_evt001_is_unknown_without_the_export(analyze: Any) -> None:
    found = analyze()["EVT001"]
    assert status(found) == ("EVT001", "unknown", None)
    assert found["message"] == (
        "no events-schannel.xml in this bundle (needs `wevtutil qe System "
        "/q:\"*[System[Provider[@Name='Schannel']]]\" /c:200 /rd:true /f:xml`)"
    )


def test_evt001_is_unknown_with_the_reason_when_the_export_is_not_xml(analyze: Any) -> None:
    text = "TimeCreated : 20.11.2026 09:41:07\r\nId : 36887\r\n"
    found = analyze(events_schannel_xml=text)["EVT001"]
    assert status(found) == ("EVT001", "unknown", None)
    assert found["message"] == (
        "unreadable evidence: events-schannel.xml: not wevtutil XML output (no <Event> element; "
        "expected `wevtutil qe LOG /f:xml`)"
    )


def test_evt001_refuses_a_doctype_and_says_where(analyze: Any) -> None:
    hostile = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n'
        "<Event><System><Provider Name='Schannel'/><EventID>36887</EventID></System></Event>"
    )
    found = analyze(events_schannel_xml=hostile)["EVT001"]
    assert status(found) == ("EVT001", "unknown", None)
    assert found["message"] == (
        "unreadable evidence: events-schannel.xml:2: a DOCTYPE declaration is not allowed in an "
        "event export"
    )


def test_evt001_is_not_applicable_when_the_collector_could_not_export_the_log(
    analyze: Any,
) -> None:
    found = analyze(unavailable_txt="wevtutil events-schannel.xml\r\n")["EVT001"]
    assert status(found) == ("EVT001", "not_applicable", None)
    assert found["message"] == (
        "wevtutil cannot export this log on this Windows (unavailable.txt): it does not exist here"
    )


# --- EVT002 aad-errors-logged ---------------------------------------------------------------------


def test_evt002_decodes_the_aad_error_codes_and_their_classes(analyze: Any) -> None:
    found = analyze(events_aad_xml=AAD_ERRORS)["EVT002"]
    assert status(found) == ("EVT002", "fail", "warning")
    assert found["message"] == (
        f"The Microsoft-Windows-AAD/Operational log holds 4 error(s) {WINDOW}: "
        "2 × 0xcaa82ee7 ERROR_INTERNET_NAME_NOT_RESOLVED: The server name could not be resolved "
        "[network]; "
        "1 × 0xcaa20003 authorization problem: You ran into an authorization problem; Microsoft: "
        "make sure the date and time are set correctly, else secure (https) sites cannot be "
        "reached [authorization]; "
        "1 × 0x80072f8f WININET_E_DECODING_FAILED: The secure connection could not be "
        "validated; Microsoft: ensure that the network proxy is not interfering and modifying "
        "the server response (also a wrong clock) [tls]. "
        "Classes: authorization (token request refused; check the clock), network (the "
        "endpoint could not be reached), TLS / certificate (the secure connection failed). "
        "Entra ID answered AADSTS700082."
    )
    evidence = found["evidence"]
    assert [(c["code"], c["count"], c["class"]) for c in evidence["codes"]] == [
        ("0xcaa82ee7", 2, "network"),
        ("0xcaa20003", 1, "authorization"),
        ("0x80072f8f", 1, "tls"),
    ]
    assert evidence["classes"] == ["authorization", "network", "tls"]
    assert evidence["events_read"] == 6
    steps = found["fix"]["steps"]
    assert steps[0].startswith("Authorization class: make sure the PC's date, time")
    assert found["fix"]["safety"] == "manual"


def test_evt002_passes_when_only_warnings_and_old_errors_are_logged(analyze: Any) -> None:
    found = analyze(events_aad_xml=AAD_QUIET)["EVT002"]
    assert status(found) == ("EVT002", "pass", None)
    assert found["message"] == (
        f"The Microsoft-Windows-AAD/Operational log holds no error {WINDOW} "
        "(2 event(s) read from events-aad.xml)."
    )


def test_evt002_is_unknown_without_the_export(analyze: Any) -> None:
    found = analyze()["EVT002"]
    assert status(found) == ("EVT002", "unknown", None)
    assert found["message"] == (
        "no events-aad.xml in this bundle (needs `wevtutil qe Microsoft-Windows-AAD/Operational "
        "/c:200 /rd:true /f:xml`)"
    )


def test_evt002_does_not_apply_to_windows_7(analyze: Any) -> None:
    found = analyze(WIN7)["EVT002"]
    assert status(found) == ("EVT002", "not_applicable", None)
    assert found["message"] == (
        "Windows 7 SP1 (build 7601) has no Microsoft-Windows-AAD/Operational log (Windows 10 and "
        "later): its sign-in does not go through the Entra broker"
    )


def test_evt002_is_unknown_when_the_export_is_cut_off(analyze: Any) -> None:
    found = analyze(events_aad_xml=AAD_ERRORS[:700])["EVT002"]
    assert status(found) == ("EVT002", "unknown", None)
    assert found["message"].startswith("unreadable evidence: events-aad.xml:1: malformed event XML")


# --- corroboration: SCH002 with the alert the front door sent -------------------------------------

CBC_POLICY = (
    r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]"
    "\n"
    '"Functions"="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,TLS_ECDHE_RSA_WITH_AES_128_CBC_'
    'SHA256_P256"'
)


def test_sch002_says_certain_when_schannel_logged_the_handshake_failure(
    cli: Any, tmp_path: Path
) -> None:
    registry = default_registry(WIN10_22H2)
    registry["ssl-policy"] = CBC_POLICY
    plain = findings(cli, bundle(tmp_path / "plain", registry, hotfixes_txt=WIN10_HOTFIXES))
    logged = findings(
        cli,
        bundle(
            tmp_path / "logged",
            registry,
            hotfixes_txt=WIN10_HOTFIXES,
            events_schannel_xml=SCHANNEL_ALERTS,
        ),
    )
    assert status(plain["SCH002"]) == status(logged["SCH002"]) == ("SCH002", "fail", "error")
    note = (
        "Windows logged it: Schannel event 36887 (3 × alert 40 handshake_failure, received) "
        f"{WINDOW} (events-schannel.xml), so this is observed, not inferred."
    )
    assert logged["SCH002"]["message"] == plain["SCH002"]["message"] + " " + note
    assert logged["SCH002"]["evidence"]["logged"] == note
    assert "logged" not in plain["SCH002"]["evidence"]


def test_tls001_quotes_the_logged_alert_when_a_real_server_rejects_the_replay(
    cli: Any, tmp_path: Path
) -> None:
    host = "login.microsoftonline.com"
    root = bundle(tmp_path, {"currentversion": WIN7}, events_schannel_xml=SCHANNEL_ALERTS)
    with tls_server("afd-2023") as server:
        live = [
            "--endpoint",
            f"{host}:{server.port}",
            "--resolve",
            f"{host}:{server.port}:127.0.0.1",
        ]
        result = cli("analyze", str(root), "--live", "--format", "json", *live, "--timeout", "3")
    finding = result.finding("TLS001")
    assert status(finding) == ("TLS001", "fail", "error")
    note = (
        "Windows logged it: Schannel event 36887 (3 × alert 40 handshake_failure, received) "
        f"{WINDOW} (events-schannel.xml), so this is observed, not inferred."
    )
    assert finding["message"].endswith("No ServerHello, so OneDrive cannot sign in. " + note)
    assert finding["evidence"]["logged"] == note


def test_redaction_hides_the_pc_and_the_account_but_keeps_the_findings(analyze: Any) -> None:
    files = {"events-aad.xml": AAD_ERRORS, "events-schannel.xml": SCHANNEL_ALERTS}
    redacted, _ = redact_files(files)
    for name, data in redacted.items():
        text = data.decode("utf-16" if data.startswith(b"\xff\xfe") else "utf-8")
        assert "PC42" not in text and "contoso" not in text, name
        assert "S-1-5-21-3623811015" not in text, name
        assert "S-1-5-18" in text or name == "events-aad.xml"  # well-known SIDs stay
    plain = analyze(events_aad_xml=AAD_ERRORS, events_schannel_xml=SCHANNEL_ALERTS)
    hidden = analyze(
        events_aad_xml=redacted["events-aad.xml"],
        events_schannel_xml=redacted["events-schannel.xml"],
    )
    for check in ("EVT001", "EVT002"):
        assert hidden[check]["message"] == plain[check]["message"]


def test_evt002_reads_a_decimal_error_value_and_decodes_it_by_its_structure(
    analyze: Any,
) -> None:
    event = (
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
        "<Provider Name='Microsoft-Windows-AAD' Guid='{4de9bc9c-b27a-43c9-8994-0915f1a5e24f}'/>"
        "<EventID>1098</EventID><Level>2</Level>"
        "<TimeCreated SystemTime='2026-11-20T08:00:00.0000000Z'/></System><EventData>"
        "<Data Name='Error'>2326069467</Data><Data Name='ErrorMessage'>Broker failed</Data>"
        "</EventData></Event>\r\n"
    )
    found = analyze(events_aad_xml=event)["EVT002"]
    assert status(found) == ("EVT002", "fail", "warning")
    assert found["evidence"]["codes"][0] == {
        "code": "0x8aa500db",
        "name": "token broker error",
        "meaning": "An error of the Web Account Manager broker",
        "class": "broker",
        "source": "https://learn.microsoft.com/troubleshoot/microsoft-365-apps/authentication/"
        "connection-issue-when-sign-in-office-2016",
        "inferred": True,
        "count": 1,
        "newest": "2026-11-20T08:00:00+00:00",
    }
    assert "(decoded from its structure) [broker]" in found["message"]


def test_collect_then_analyze_on_fake_pcs_gives_the_evt_and_crt_findings(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    roots = Path(__file__).parent / "fixtures" / "roots"
    policy = (
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot]"
        '\n"DisableRootAutoUpdate"=dword:00000001'
    )
    registry = default_registry(WIN10_22H2)
    registry["authroot-policy"] = policy
    pc = bundle(
        tmp_path / "pc",
        registry,
        events_schannel_xml=SCHANNEL_ALERTS,
        events_aad_xml=AAD_ERRORS,
        root_store_txt=(roots / "certutil_store_root_de_cp850.txt").read_bytes(),
    )
    (pc / "manifest.json").unlink()  # a PC has no manifest; collect writes one
    monkeypatch.setenv(FAKE_HOST_ENV, str(pc))
    out = tmp_path / "bundle"
    assert cli("collect", "--no-network", "-o", str(out)).code == 0
    # Judged as of the fixtures' collection day, like every bundle (the manifest says when).
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["created"] = "2026-11-20T10:00:00+00:00"
    (out / "manifest.json").write_text(json.dumps(manifest))
    found = findings(cli, out, ("EVT", "CRT"))
    assert status(found["EVT001"]) == ("EVT001", "fail", "warning")
    assert status(found["EVT002"]) == ("EVT002", "fail", "warning")
    assert status(found["CRT001"]) == ("CRT001", "fail", "error")
    assert found["CRT001"]["evidence"]["policy"].startswith("DisableRootAutoUpdate=1 at ")


def test_collect_on_windows_7_makes_evt002_not_applicable(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pc = bundle(tmp_path / "pc", default_registry(WIN7), events_schannel_xml=b"")
    (pc / "manifest.json").unlink()
    monkeypatch.setenv(FAKE_HOST_ENV, str(pc))
    out = tmp_path / "bundle"
    assert cli("collect", "--no-network", "-o", str(out)).code == 0
    assert "wevtutil events-aad.xml\n" in (out / "unavailable.txt").read_text()
    found = findings(cli, out, ("EVT",))
    assert status(found["EVT002"]) == ("EVT002", "not_applicable", None)
    assert found["EVT002"]["message"] == (
        "wevtutil cannot export this log on this Windows (unavailable.txt): it does not exist here"
    )
    assert status(found["EVT001"]) == ("EVT001", "pass", None)
