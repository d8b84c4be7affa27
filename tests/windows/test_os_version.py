from __future__ import annotations

import pytest

from onedrive_doctor.registry.regfile import Registry
from onedrive_doctor.windows import OsVersionError, os_version
from regfiles import reg_bytes

KEY = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"

# Shaped like `reg export "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"` on each release
# (values trimmed to the interesting ones plus some noise, DigitalProductId wrapped like regedit).
WINDOWS_7_SP1 = (
    KEY
    + r"""
"CurrentVersion"="6.1"
"CurrentBuild"="7601"
"SoftwareType"="System"
"CurrentType"="Multiprocessor Free"
"InstallDate"=dword:5d7f2a10
"RegisteredOrganization"=""
"RegisteredOwner"="Helpdesk"
"SystemRoot"="C:\\Windows"
"InstallationType"="Client"
"EditionID"="Professional"
"ProductName"="Windows 7 Professional"
"ProductId"="00371-OEM-8992671-00524"
"DigitalProductId"=hex:a4,00,00,00,03,00,00,00,30,30,33,37,31,2d,4f,45,4d,2d,38,\
  39,39,32,36,37,31,2d,30,30,35,32,34,00,aa,00,00,00
"CurrentBuildNumber"="7601"
"BuildLab"="7601.win7sp1_ldr_escrow.210102-1935"
"BuildLabEx"="7601.24544.amd64fre.win7sp1_ldr_escrow.210102-1935"
"BuildGUID"="ffffffff-ffff-ffff-ffff-ffffffffffff"
"CSDBuildNumber"="1130"
"PathName"="C:\\Windows"
"CSDVersion"="Service Pack 1"
"""
)

WINDOWS_10_22H2 = (
    KEY
    + r"""
"SystemRoot"="C:\\WINDOWS"
"BaseBuildRevisionNumber"=dword:00000001
"BuildBranch"="vb_release"
"BuildGUID"="ffffffff-ffff-ffff-ffff-ffffffffffff"
"BuildLab"="19041.vb_release.191206-1406"
"BuildLabEx"="19041.1.amd64fre.vb_release.191206-1406"
"CompositionEditionID"="Enterprise"
"CurrentBuild"="19045"
"CurrentBuildNumber"="19045"
"CurrentMajorVersionNumber"=dword:0000000a
"CurrentMinorVersionNumber"=dword:00000000
"CurrentType"="Multiprocessor Free"
"CurrentVersion"="6.3"
"DisplayVersion"="22H2"
"EditionID"="Professional"
"EditionSubManufacturer"=""
"InstallationType"="Client"
"InstallDate"=dword:6399a0c1
"ProductName"="Windows 10 Pro"
"ReleaseId"="2009"
"SoftwareType"="System"
"UBR"=dword:00001293
"PathName"="C:\\Windows"
"ProductId"="00330-80000-00000-AA585"
"""
)

# Windows 11 keeps ProductName "Windows 10 Pro" (docs/spec/bundle.md).
WINDOWS_11_24H2 = (
    KEY
    + r"""
"SystemRoot"="C:\\WINDOWS"
"BuildBranch"="ge_release"
"BuildLab"="26100.ge_release.240331-1435"
"BuildLabEx"="26100.1.amd64fre.ge_release.240331-1435"
"CurrentBuild"="26100"
"CurrentBuildNumber"="26100"
"CurrentMajorVersionNumber"=dword:0000000a
"CurrentMinorVersionNumber"=dword:00000000
"CurrentVersion"="6.3"
"DisplayVersion"="24H2"
"EditionID"="Professional"
"InstallationType"="Client"
"ProductName"="Windows 10 Pro"
"ReleaseId"="2009"
"UBR"=dword:0000090a
"""
)

SERVER_2022 = (
    KEY
    + r"""
"SystemRoot"="C:\\Windows"
"BuildLabEx"="20348.1.amd64fre.fe_release.210507-1500"
"CurrentBuild"="20348"
"CurrentBuildNumber"="20348"
"CurrentMajorVersionNumber"=dword:0000000a
"CurrentVersion"="6.3"
"DisplayVersion"="21H2"
"EditionID"="ServerStandard"
"InstallationType"="Server"
"ProductName"="Windows Server 2022 Standard"
"ReleaseId"="2009"
"UBR"=dword:00000b21
"""
)

INTERNET_SETTINGS = (
    r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings]"
    + "\n"
    + r'"ActiveXCache"="C:\\Windows\\Downloaded Program Files"'
)
WOW_INTERNET_SETTINGS = (
    r"[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings]"
    + "\n"
    + r'"ActiveXCache"="C:\\Windows\\Downloaded Program Files"'
)


def registry(*blocks: str, name: str = "registry/currentversion.reg") -> Registry:
    return Registry.from_files([(name, reg_bytes(*blocks))])


def without(block: str, *names: str) -> str:
    return "\n".join(
        line for line in block.splitlines() if not line.startswith(tuple(f'"{n}"=' for n in names))
    )


def test_windows_7_sp1():
    version = os_version(registry(WINDOWS_7_SP1))
    assert version is not None
    assert (version.build, version.ubr, version.server, version.windows11) == (
        7601,
        None,
        False,
        False,
    )
    assert version.family.key == "win7"
    assert version.product_name == "Windows 7 Professional"
    assert version.display_version is None
    assert version.bitness == 64
    assert version.label == "Windows 7 SP1 (build 7601)"


def test_windows_7_rtm_label_has_no_service_pack():
    block = WINDOWS_7_SP1.replace('"7601"', '"7600"')
    version = os_version(registry(without(block, "CSDVersion")))
    assert version is not None
    assert version.family.key == "win7"
    assert version.label == "Windows 7 (build 7600)"


def test_windows_10_22h2():
    version = os_version(registry(WINDOWS_10_22H2))
    assert version is not None
    assert version.family.key == "win10-22h2"
    assert (version.build, version.ubr, version.display_version) == (19045, 4755, "22H2")
    assert not version.windows11
    assert version.edition_id == "Professional"
    assert version.label == "Windows 10 22H2 (build 19045.4755)"


def test_windows_11_is_recognised_by_build_even_when_product_name_says_10():
    version = os_version(registry(WINDOWS_11_24H2))
    assert version is not None
    assert version.product_name == "Windows 10 Pro"
    assert version.windows11
    assert version.family.key == "win11-24h2"
    assert version.label == "Windows 11 24H2 (build 26100.2314)"


def test_windows_11_release_newer_than_the_table_keeps_its_display_version():
    block = WINDOWS_11_24H2.replace('"26100"', '"26300"').replace('"24H2"', '"26H2"')
    version = os_version(registry(block))
    assert version is not None
    assert version.family.key == "win11-25h2"
    assert version.label == "Windows 11 26H2 (build 26300.2314)"


def test_windows_10_1507_without_release_values_uses_the_family_release():
    block = without(
        WINDOWS_10_22H2.replace('"19045"', '"10240"'), "DisplayVersion", "ReleaseId", "UBR"
    )
    version = os_version(registry(block))
    assert version is not None
    assert version.label == "Windows 10 1507 (build 10240)"


def test_release_id_2009_is_not_shown_as_a_release():
    version = os_version(registry(without(WINDOWS_10_22H2, "DisplayVersion")))
    assert version is not None
    assert version.display_version == "2009"
    assert version.label == "Windows 10 22H2 (build 19045.4755)"


def test_server_2022():
    version = os_version(registry(SERVER_2022))
    assert version is not None
    assert version.server and not version.windows11
    assert version.family.key == "server2022"
    assert version.label == "Windows Server 2022 (build 20348.2849)"


@pytest.mark.parametrize(
    ("edit", "server"),
    [
        (lambda b: b.replace('"Server"', '"Server Core"'), True),
        (lambda b: without(b, "InstallationType"), True),  # ProductName says Server
        (lambda b: without(b, "InstallationType", "ProductName"), True),  # EditionID ServerStandard
        # "Client" does not veto a ProductName that says Server (either one is enough).
        (lambda b: b.replace('"Server"', '"Client"'), True),
        (
            lambda b: without(b, "ProductName", "EditionID").replace('"Server"', '"Client"'),
            False,
        ),
    ],
)
def test_server_detection(edit, server):
    version = os_version(registry(edit(SERVER_2022)))
    assert version is not None
    assert version.server is server
    assert version.family.key == ("server2022" if server else "win10-22h2")


def test_server_2008_r2_from_product_name_only():
    block = (
        without(WINDOWS_7_SP1, "InstallationType", "EditionID", "ProductName")
        + '\n"ProductName"="Windows Server 2008 R2 Enterprise"'
    )
    version = os_version(registry(block))
    assert version is not None
    assert version.family.key == "server2008r2"
    assert version.label == "Windows Server 2008 R2 SP1 (build 7601)"


def test_32_bit_from_build_lab():
    block = WINDOWS_10_22H2.replace("amd64fre", "x86fre")
    version = os_version(registry(block))
    assert version is not None
    assert version.bitness == 32


def test_bitness_from_wow6432node_keys_when_build_lab_is_missing():
    base = without(WINDOWS_10_22H2, "BuildLabEx", "BuildLab")
    assert os_version(registry(base)).bitness is None  # type: ignore[union-attr]
    wow = registry(base, INTERNET_SETTINGS, WOW_INTERNET_SETTINGS)
    assert os_version(wow).bitness == 64  # type: ignore[union-attr]
    native_only = registry(base, INTERNET_SETTINGS)
    assert os_version(native_only).bitness == 32  # type: ignore[union-attr]


def test_values_from_several_export_files_merge():
    reg = Registry.from_files(
        [
            ("registry/a.reg", reg_bytes(INTERNET_SETTINGS, WOW_INTERNET_SETTINGS)),
            ("registry/b.reg", reg_bytes(without(WINDOWS_10_22H2, "BuildLabEx", "BuildLab"))),
        ]
    )
    version = os_version(reg)
    assert version is not None
    assert (version.family.key, version.bitness) == ("win10-22h2", 64)


def test_missing_key_or_build_gives_none():
    assert os_version(registry(INTERNET_SETTINGS)) is None
    assert (
        os_version(registry(without(WINDOWS_10_22H2, "CurrentBuild", "CurrentBuildNumber"))) is None
    )


def test_current_build_number_alone_is_enough():
    version = os_version(registry(without(WINDOWS_10_22H2, "CurrentBuild")))
    assert version is not None
    assert version.build == 19045


def test_non_numeric_build_names_file_and_line():
    block = WINDOWS_10_22H2.replace('"CurrentBuild"="19045"', '"CurrentBuild"="19045a"')
    with pytest.raises(OsVersionError) as info:
        os_version(registry(block))
    assert info.value.source == "registry/currentversion.reg"
    assert info.value.line == 11
    assert "CurrentBuild" in str(info.value)


def test_build_older_than_windows_7_is_an_input_error():
    block = WINDOWS_7_SP1.replace('"7601"', '"6002"')
    with pytest.raises(OsVersionError, match="older than Windows 7"):
        os_version(registry(block))
