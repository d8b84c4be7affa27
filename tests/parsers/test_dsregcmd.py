from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedrive_doctor.errors import InputError
from onedrive_doctor.parsers.dsregcmd import DsregcmdParseError, DsregcmdStatus, parse_dsregcmd
from onedrive_doctor.parsers.text import decode_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dsregcmd"
SAMPLES = sorted(p.name for p in FIXTURES.glob("dsregcmd_*.txt"))
PARSABLE = [name for name in SAMPLES if name != "dsregcmd_help_switches.txt"]
BORDER = "+" + "-" * 70 + "+"


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(name: str) -> DsregcmdStatus:
    return parse_dsregcmd(text(name))


def block(name: str, *lines: str) -> str:
    """One section as dsregcmd prints it: bordered header, blank line, aligned body."""
    return "\n".join([BORDER, f"| {name:<69}|", BORDER, "", *lines, ""])


def section_names(status: DsregcmdStatus) -> list[str]:
    return [s.name for s in status.sections]


def test_the_fixtures_are_the_shared_samples_plus_two_from_the_knowledge_file():
    # Seven copies of the project's saved samples (tests/test_docs.py checks them byte for byte
    # against shared/samples/ wherever that folder is beside the clone) and two outputs listed
    # in docs/knowledge/windows-client.md §10 but never saved there.
    assert SAMPLES == [
        "dsregcmd_domain_joined_scp_missing_newer_format_unelevated.txt",
        "dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt",
        "dsregcmd_entra_joined_prt_ok_win10.txt",
        "dsregcmd_help_switches.txt",
        "dsregcmd_hybrid_joined_adfs_fr_locale_qna.txt",
        "dsregcmd_msdocs_old_format_and_prt_ok.txt",
        "dsregcmd_msdocs_reference_sections.txt",
        "dsregcmd_unjoined_workgroup_issue48791_partial.txt",
        "dsregcmd_workgroup_workplace_joined_it_locale.txt",
    ]
    for name in SAMPLES:
        assert text(name).startswith("source: "), name  # each names where it was captured


# --- one test per sample: what its header note says -----------------------------------------


def test_ws2022_elevated_sample_is_domain_joined_with_scp_missing_and_system_diagnostics():
    status = parse("dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt")
    assert (status.azure_ad_joined, status.enterprise_joined, status.domain_joined) == (
        False,
        False,
        True,
    )
    assert status.domain_name == "RCMLAB"
    assert status.device_name == "rcmlab-ws2022-s.rcmlab.local"
    assert status.join_type == "domain joined (not Entra hybrid joined)"
    assert status.azure_ad_prt is False
    assert status.device_auth_status is None
    assert status.user_context == "SYSTEM"
    assert status.ran_elevated
    diagnostics = status.diagnostics
    assert [(t.name, t.status, t.codes) for t in diagnostics.tests] == [
        ("AD Connectivity Test", "PASS", ()),
        ("AD Configuration Test", "FAIL", ("0x80070002",)),
        ("DRS Discovery Test", "SKIPPED", ()),
        ("DRS Connectivity Test", "SKIPPED", ()),
        ("Token acquisition Test", "SKIPPED", ()),
    ]
    assert diagnostics.client_errors == (("discover", "0x801c001d"),)
    assert diagnostics.fallback_to_sync_join == "ENABLED"
    assert diagnostics.client_time == "2022-11-07 15:51:42.000 UTC"
    assert section_names(status) == [
        "Device State",
        "User State",
        "SSO State",
        "Diagnostic Data",
        "IE Proxy Config for System Account",
        "URL Specific Proxy Config",
        "IE Proxy Config for Current User",
        "WinHttp Default Proxy Config",
        "Ngc Prerequisite Check",
    ]
    assert "Waiting for Diagnostics Task to complete. This could take a few minutes..." in (
        status.other_lines
    )
    assert r"PS C:\Users\rcmlabmaster> dsregcmd.exe /status" in status.other_lines


def test_ws2022_sample_rejoins_the_line_the_console_wrapped_at_90_columns():
    status = parse("dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt")
    proxy = status.section("URL Specific Proxy Config")
    assert proxy is not None
    assert proxy.entries == (
        (
            "Auto Detect PAC Status",
            "Failed to auto detect the Proxy Auto-Configuration (PAC) script using WPAD. "
            "code: 0x80072f94",
        ),
        ("Executing Account Name", r"RCMLAB\RCMLAB-WS2022-S$, RCMLAB-WS2022-S$@rcmlab.local"),
    )


def test_entra_joined_sample_has_prt_device_auth_success_and_tenant_details():
    status = parse("dsregcmd_entra_joined_prt_ok_win10.txt")
    assert (status.azure_ad_joined, status.domain_joined, status.workplace_joined) == (
        True,
        False,
        False,
    )
    assert status.join_type == "Microsoft Entra joined"
    assert status.device_name == "Win10-Client"
    assert status.device_id == "6e4cbe68-588b-499c-8c04-dcfff140a1ca"
    assert status.device_auth_status == "SUCCESS"
    assert status.tenant_name == "INE Security Labs"
    assert status.tenant_id == "d10f84e2-ba05-45c0-90b7-994f1fafa537"
    assert status.azure_ad_prt is True
    assert status.azure_ad_prt_update_time == "2025-03-09 11:00:27.000 UTC"
    assert status.enterprise_prt is False
    tenant = status.section("Tenant Details")
    assert tenant is not None and tenant.get("MdmUrl") == ""
    assert status.value("DeviceCertificateValidity") == (
        "[ 2025-03-09 10:23:00.000 UTC -- 2035-03-09 11:53:00.000 UTC ]"
    )
    assert status.value("WamDefaultGUID") == "{B16898C6-A148-4967-9171-64D755DA8520} (AzureAd)"
    assert status.value("KerbTopLevelNames") == (
        ".windows.net,.windows.net:1433,.windows.net:3342,.azure.net,.azure.net:1433,"
        ".azure.net:3342"
    )
    diagnostics = status.diagnostics
    assert not diagnostics.present
    assert diagnostics.aad_recovery_enabled is False
    assert diagnostics.key_sign_test == "PASSED"
    data = status.section("Diagnostic Data")
    assert data is not None and data.get("Last HostName Update") == "NONE"
    assert len(data.entries) == 7  # the blank lines inside the section do not end it


def test_help_switches_sample_is_rejected_as_not_dsregcmd_status_output():
    with pytest.raises(DsregcmdParseError, match="not dsregcmd /status output") as caught:
        parse("dsregcmd_help_switches.txt")
    assert isinstance(caught.value, InputError)
    assert caught.value.source == "dsregcmd.txt"


def test_old_format_sample_reads_merged_fields_without_a_space_before_the_colon():
    status = parse("dsregcmd_msdocs_old_format_and_prt_ok.txt")
    assert status.old_format
    assert section_names(status) == ["Device State", "User State", "Diagnostic Data", "SSO State"]
    device = status.section("Device State")
    assert device is not None
    # Tenant and device fields sit under Device State in the old format.
    assert device.get("TenantName") == "Contoso"
    assert status.tenant_name == "Contoso"
    assert status.device_id == "5820fbe9-60c8-43b0-bb11-44aee233e4e7"
    assert device.get("dmComplianceUrl") == (
        "https://portal.manage-beta.microsoft.com/?portalAction=Compliance"
    )
    assert status.value("KeySignTest") == "MUST Run elevated to test."
    assert (status.azure_ad_joined, status.domain_joined, status.domain_name) == (
        True,
        True,
        "CONTOSO",
    )
    assert status.join_type == "Microsoft Entra hybrid joined"
    user = status.section("User State")
    assert user is not None and user.get("AzureAdPrt") == "YES"  # merged into User State
    assert status.azure_ad_prt is True
    assert status.device_auth_status is None  # before Windows 10 21H1
    assert status.user_context == "UN-ELEVATED User"
    assert not status.ran_elevated
    drs = status.diagnostics.test("DRS Discovery Test")
    assert drs is not None and drs.failed
    assert drs.codes == ("0x801c0021", "0x80072ee2")


def test_reference_sample_keeps_three_diagnostic_blocks_and_the_prt_failure():
    status = parse("dsregcmd_msdocs_reference_sections.txt")
    assert len(status.sections_named("Diagnostic Data")) == 3
    assert status.join_type == "Microsoft Entra hybrid joined"
    assert status.domain_name == "HYBRIDADFS"
    assert status.device_auth_status == "SUCCESS"
    assert status.azure_ad_prt is False
    assert status.attempt_status == "0xc000006d"
    assert status.server_error_code == "invalid_grant"
    assert status.server_error_description == (
        "AADSTS50126: Error validating credentials due to invalid username or password."
    )
    assert status.http_error == "0x0"
    assert status.http_status == "400"  # printed as "HTTP status"
    assert status.value("Endpoint URI") == (
        "https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee/oauth2/token/"
    )
    diagnostics = status.diagnostics
    assert diagnostics.client_errors == (("discover", "0x801c0021"), ("join", "0x801c03f2"))
    assert diagnostics.server_error_code == "DirectoryError"
    assert diagnostics.aad_recovery_enabled is False  # "AadRecoveryEnabled: NO"
    assert diagnostics.key_sign_test == "PASSED"
    assert [t.name for t in diagnostics.failed_tests] == ["DRS Discovery Test"]
    assert status.value("LogonCertTemplateReady") == "YES ( StateReady )"
    assert "### Sample device details output" in status.other_lines


def test_unjoined_partial_sample_is_a_workgroup_device_with_an_empty_last_section():
    status = parse("dsregcmd_unjoined_workgroup_issue48791_partial.txt")
    assert (status.azure_ad_joined, status.enterprise_joined, status.domain_joined) == (
        False,
        False,
        False,
    )
    assert status.join_type == "not joined (workgroup)"
    assert status.wam_default_set == "ERROR"
    ngc = status.section("Ngc Prerequisite Check")  # "| Ngc Prerequisite Check" (cut off)
    assert ngc is not None and ngc.entries == ()
    assert "[... excerpt ends here ...]" in status.other_lines


def test_italian_sample_is_entra_registered_and_keeps_work_account_duplicates_apart():
    status = parse("dsregcmd_workgroup_workplace_joined_it_locale.txt")
    assert (status.azure_ad_joined, status.domain_joined, status.workplace_joined) == (
        False,
        False,
        True,
    )
    assert status.join_type == "Microsoft Entra registered (workgroup)"
    assert status.device_name == "Vagabondo"
    assert status.value("Virtual Desktop") == "NOT SET"
    assert [s.name for s in status.work_accounts] == ["Work Account 1"]
    account = status.work_accounts[0]
    assert account.get("WorkplaceTenantName") == "Almaviva SpA"
    assert account.get("KeyProvider") == "Microsoft Platform Crypto Provider"
    assert account.get("NgcSet") == "NO"
    # The account's key fields are not the device's: there is no Device Details section.
    assert status.value("KeyProvider") is None
    assert status.device_id is None
    assert status.value("WorkAccountCount") == "1"
    assert "Copyright (C) Microsoft Corporation. Tutti i diritti riservati." in status.other_lines


def test_newer_format_sample_reads_indented_headers_and_the_new_fields():
    status = parse("dsregcmd_domain_joined_scp_missing_newer_format_unelevated.txt")
    assert status.join_type == "domain joined (not Entra hybrid joined)"
    assert status.domain_name == "NEKOLAB"
    assert status.wam_default_set == "ERROR (0xd0020017)"
    assert status.user_context == "UN-ELEVATED User"
    assert not status.ran_elevated
    diagnostics = status.diagnostics
    kerberos = diagnostics.test("Kerberos Ticket Test")
    assert kerberos is not None and kerberos.skipped
    assert status.value("Fallback to Fed-Join") == "ENABLED"
    assert diagnostics.client_errors == (("discover", "0x801c001d"),)
    assert diagnostics.executing_account == r"NEKOLAB\installer, installer"
    assert status.value("NgcPreReq") == "ERROR (0xd0020017)"
    assert len(status.sections) == 7


def test_forum_mangled_french_sample_keeps_its_mojibake_and_skips_the_remark():
    status = parse("dsregcmd_hybrid_joined_adfs_fr_locale_qna.txt")
    assert status.join_type == "Microsoft Entra hybrid joined"
    assert status.domain_name == "LAB40"
    assert status.tenant_name == "RÚpertoire par dÚfaut"  # cp1252 bytes read as cp850
    assert status.device_auth_status == "SUCCESS"
    assert (status.azure_ad_prt, status.enterprise_prt) == (True, True)
    assert status.value("EnterprisePrtAuthority") == "https://adfs.lab. xxxxx.fr:443/adfs"
    winhttp = status.section("WinHttp Default Proxy Config")
    assert winhttp is not None and winhttp.entries == (("Access Type", "DIRECT"),)
    assert "Avec les droits ADMIN cette partie en plus" in status.other_lines
    assert status.section("Tenant Details") is not None
    assert status.value("MdmUrl") == ""


# --- encodings ------------------------------------------------------------------------------


def _cp850_as_decoded(value: str) -> str:
    """What decode_text makes of cp850 console bytes: it reads them as cp1252."""
    return value.encode("cp850", errors="replace").decode("cp1252", errors="replace")


@pytest.mark.parametrize("name", PARSABLE)
def test_utf16_with_bom_and_crlf_parses_identically(name: str):
    original = text(name)
    data = b"\xff\xfe" + original.replace("\n", "\r\n").encode("utf-16-le")
    assert parse_dsregcmd(decode_text(data, "dsregcmd.txt")) == parse_dsregcmd(original)


@pytest.mark.parametrize("name", PARSABLE)
def test_cp850_console_bytes_parse_to_the_same_structure(name: str):
    original = text(name)
    data = original.replace("\n", "\r\n").encode("cp850", errors="replace")
    decoded = parse_dsregcmd(decode_text(data, "dsregcmd.txt"))
    expected = parse_dsregcmd(original)
    assert section_names(decoded) == section_names(expected)
    for got, want in zip(decoded.sections, expected.sections, strict=True):
        assert got.entries == tuple((k, _cp850_as_decoded(v)) for k, v in want.entries)
    assert (decoded.azure_ad_joined, decoded.domain_joined, decoded.azure_ad_prt) == (
        expected.azure_ad_joined,
        expected.domain_joined,
        expected.azure_ad_prt,
    )


def test_cp850_bytes_of_a_french_tenant_name_come_back_as_cp1252_mojibake():
    data = (block("Tenant Details", "                TenantName : Répertoire par défaut")).encode(
        "cp850"
    )
    data = block("Device State", "             AzureAdJoined : YES").encode() + data
    status = parse_dsregcmd(decode_text(data, "dsregcmd.txt"))
    # The value is kept as decoded (0x82 is "é" in cp850 and "‚" in cp1252), never dropped.
    assert status.tenant_name == "R‚pertoire par d‚faut"


# --- grammar --------------------------------------------------------------------------------


def test_a_value_wrapped_by_an_80_column_console_is_joined_back():
    value = (
        "https://login.microsoftonline.com/d10f84e2-ba05-45c0-90b7-994f1fafa537/oauth2/authorize"
    )
    line = f"               AuthCodeUrl : {value}"
    wrapped = [line[:80], line[80:]]
    status = parse_dsregcmd(
        block("Device State", "             AzureAdJoined : YES")
        + block("Tenant Details", *wrapped, "            AccessTokenUrl : https://x/token")
    )
    tenant = status.section("Tenant Details")
    assert tenant is not None
    assert tenant.entries == (("AuthCodeUrl", value), ("AccessTokenUrl", "https://x/token"))


def test_a_value_wrapped_twice_is_joined_back_in_order():
    names = ",".join(f".name{i}.windows.net:{1000 + i}" for i in range(12))
    line = f"         KerbTopLevelNames : {names}"
    rows = [line[i : i + 80] for i in range(0, len(line), 80)]
    assert len(rows) >= 3
    status = parse_dsregcmd(block("SSO State", "                AzureAdPrt : YES", *rows))
    assert status.value("KerbTopLevelNames") == names


def test_a_short_line_followed_by_text_is_not_a_wrap():
    status = parse_dsregcmd(
        block(
            "WinHttp Default Proxy Config",
            "               Access Type : DIRECT",
            "Avec les droits ADMIN cette partie en plus",
        )
        + block("Device State", "DomainJoined : NO")
    )
    assert status.value("Access Type") == "DIRECT"
    assert "Avec les droits ADMIN cette partie en plus" in status.other_lines


def test_unknown_sections_and_keys_and_duplicates_are_kept_in_order():
    status = parse_dsregcmd(
        block("Device State", "             AzureAdJoined : NO", "          FutureFlag : ON")
        + block("Quantum Join State", "  Entangled : YES", "  Entangled : NO")
    )
    assert section_names(status) == ["Device State", "Quantum Join State"]
    future = status.section("Quantum Join State")
    assert future is not None
    assert future.entries == (("Entangled", "YES"), ("Entangled", "NO"))
    assert future.get_all("entangled") == ("YES", "NO")
    assert status.value("FutureFlag") == "ON"


def test_keys_are_matched_case_and_spacing_insensitively():
    status = parse_dsregcmd(block("SSO State", "HTTP status : 400", "AzureAdPrt : NO"))
    assert status.value("HTTP Status") == "400"
    assert status.value("http  STATUS") == "400"


def test_values_with_colons_brackets_and_parentheses_are_kept_whole():
    status = parse_dsregcmd(
        block(
            "Diagnostic Data",
            "               Client Time : 2019-01-31 09:25:31.000 UTC",
            "        DRS Discovery Test : FAIL [0x801c0021/0x801c000c]",
            "            Server Message : The device object by the given id (a:b) isn't found.",
            "  Some Key : value : with a spaced colon",
        )
        + block("Device State", "DomainJoined : YES")
    )
    assert status.value("Client Time") == "2019-01-31 09:25:31.000 UTC"
    assert status.value("DRS Discovery Test") == "FAIL [0x801c0021/0x801c000c]"
    assert status.value("Server Message") == "The device object by the given id (a:b) isn't found."
    assert status.value("Some Key") == "value : with a spaced colon"


def test_a_paste_without_headers_or_alignment_still_parses():
    status = parse_dsregcmd("AzureAdJoined : YES\nEnterpriseJoined : NO\nDomainJoined : YES\n")
    assert status.sections[0].name == ""
    assert status.join_type == "Microsoft Entra hybrid joined"


def test_bare_section_names_without_pipes_are_headers():
    status = parse_dsregcmd("Device State\nAzureAdJoined : NO\n\nSSO State\nAzureAdPrt : NO\n")
    assert section_names(status) == ["Device State", "SSO State"]


def test_prompts_and_the_footer_end_the_output():
    status = parse_dsregcmd(
        block("Device State", "DomainJoined : NO")
        + "For more information, please visit https://www.microsoft.com/aadjerrors\n"
        + "PS C:\\> Get-Date\n"
        + "Name : not part of dsregcmd\n"
    )
    device = status.section("Device State")
    assert device is not None and device.entries == (("DomainJoined", "NO"),)
    assert "Name : not part of dsregcmd" in status.other_lines


# --- foreign text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "foreign",
    [
        "",
        "   \n\n",
        "hello world",
        "'dsregcmd' is not recognized as an internal or external command,\noperable program or "
        "batch file.",
        "Name : Contoso\nInterfaceAlias : Ethernet\nNetworkCategory : DomainAuthenticated\n",
        '{"AzureAdJoined": "YES"}',
        "           DC: \\\\DC.contoso.com\nThe command completed successfully\n",
        "\ufffd\ufffd\u0001garbage\ufffd",
    ],
)
def test_text_that_is_not_dsregcmd_output_is_rejected(foreign: str):
    with pytest.raises(DsregcmdParseError, match="not dsregcmd /status output"):
        parse_dsregcmd(foreign, "bundle/dsregcmd.txt")


def test_the_parse_error_names_the_file():
    with pytest.raises(DsregcmdParseError) as caught:
        parse_dsregcmd("nothing", "bundle/dsregcmd.txt")
    assert str(caught.value).startswith("bundle/dsregcmd.txt: not dsregcmd /status output")


FRAGMENTS = st.sampled_from(
    [
        BORDER,
        "| Device State |",
        "| Diagnostic Data",
        "| Work Account 7 |",
        "SSO State",
        "             AzureAdJoined : YES",
        "DomainJoined: NO",
        "KeySignTest: : MUST Run elevated to test.",
        "        DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]",
        "          Client ErrorCode : 0x801c001d",
        "               Error Phase : discover",
        "x" * 90,
        "    Auto Detect PAC Status : " + "y" * 80,
        "sing WPAD. code: 0x80072f94",
        "PS C:\\> dsregcmd /status",
        "For more information, please visit https://www.microsoft.com/aadjerrors",
        ":",
        " : ",
        "|",
        "",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_random_text_never_raises_anything_but_the_parse_error(garbage: str):
    try:
        status = parse_dsregcmd(garbage)
    except DsregcmdParseError:
        return
    assert isinstance(status, DsregcmdStatus)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS | st.text(max_size=120), max_size=40))
def test_random_dsregcmd_like_lines_never_crash_the_parser_or_its_accessors(lines: list[str]):
    try:
        status = parse_dsregcmd("\n".join(lines))
    except DsregcmdParseError:
        return
    # Every accessor the checks use works on whatever came out.
    _ = (
        status.join_type,
        status.azure_ad_prt,
        status.device_auth_status,
        status.has_sso_state,
        status.ran_elevated,
        status.diagnostics.failed_tests,
        status.diagnostics.client_errors,
        [t.codes for t in status.diagnostics.tests],
    )
