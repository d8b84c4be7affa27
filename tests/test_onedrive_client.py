"""Finding the OneDrive client: registry traces, onedrive.json, the live listing, reset commands."""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.collect.onedrive_listing import live_onedrive_json
from onedrive_doctor.parsers.onedrive_client import (
    ClientInfo,
    Install,
    OneDriveJsonError,
    find_client,
    reset_command,
    reset_steps,
)
from onedrive_doctor.registry.regfile import Registry
from regfiles import reg_bytes

HKCU = r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive]"
ALICE_EXE = r"C:\Users\alice\AppData\Local\Microsoft\OneDrive\OneDrive.exe"


def registry(*blocks: str) -> Registry:
    return Registry.from_files([("registry/onedrive.reg", reg_bytes(*blocks))])


def client(*blocks: str, listing: Any = None) -> ClientInfo:
    return find_client(registry(*blocks) if blocks else None, listing)


# --- registry -------------------------------------------------------------------------------------


def test_per_user_install_from_onedrive_trigger_and_version() -> None:
    info = client(
        HKCU
        + '\n"Version"="24.070.0407.0003"\n'
        + r'"OneDriveTrigger"="C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe"'
    )
    assert info.known and info.platform == "windows"
    assert info.registry_keys == (r"HKCU\Software\Microsoft\OneDrive",)
    assert info.installs == (
        Install(
            ALICE_EXE,
            "per-user",
            "24.070.0407.0003",
            source=r"HKCU\Software\Microsoft\OneDrive OneDriveTrigger",
        ),
    )
    assert info.primary is info.installs[0]


def test_per_user_version_alone_assumes_the_documented_per_user_path() -> None:
    (install,) = client(HKCU + '\n"Version"="23.1.0.1"').installs
    assert install.path == r"%LOCALAPPDATA%\Microsoft\OneDrive\OneDrive.exe"
    assert (install.scope, install.version, install.path_seen) == ("per-user", "23.1.0.1", False)


def test_per_machine_install_from_hklm_version() -> None:
    (install,) = client(
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\OneDrive]\n"Version"="24.1"'
    ).installs
    assert install.path == r"C:\Program Files\Microsoft OneDrive\OneDrive.exe"
    assert (install.scope, install.version, install.path_seen) == ("per-machine", "24.1", False)
    assert install.source == r"HKLM\SOFTWARE\Microsoft\OneDrive Version"


def test_per_machine_install_from_the_wow6432node_version() -> None:
    info = client(
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\OneDrive]\n"Version"="22.5"'
    )
    (install,) = info.installs
    assert install.path == r"C:\Program Files (x86)\Microsoft OneDrive\OneDrive.exe"
    assert install.source == r"HKLM\SOFTWARE\WOW6432Node\Microsoft\OneDrive Version"
    assert info.registry_keys == (r"HKLM\SOFTWARE\WOW6432Node\Microsoft\OneDrive",)


def test_trigger_under_program_files_is_the_per_machine_install_with_hklm_version() -> None:
    info = client(
        HKCU + '\n"OneDriveTrigger"="C:\\\\Program Files\\\\Microsoft OneDrive\\\\OneDrive.exe"',
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\OneDrive]\n"Version"="25.2"',
    )
    (install,) = info.installs
    assert install.path == r"C:\Program Files\Microsoft OneDrive\OneDrive.exe"
    assert (install.scope, install.version, install.path_seen) == ("per-machine", "25.2", True)


def test_per_user_trigger_and_a_per_machine_version_are_two_installs() -> None:
    info = client(
        HKCU + "\n" + r'"OneDriveTrigger"="C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive'
        r'\\OneDrive.exe"',
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\OneDrive]\n"Version"="25.2"',
    )
    assert [(i.scope, i.path_seen) for i in info.installs] == [
        ("per-user", True),
        ("per-machine", False),
    ]
    assert info.primary is not None and info.primary.path == ALICE_EXE


def test_current_version_path_is_only_a_fallback_and_marked_unseen() -> None:
    (install,) = client(
        HKCU + "\n"
        r'"CurrentVersionPath"="C:\\Users\\bob\\AppData\\Local\\Microsoft\\OneDrive\\24.1.0.2"'
    ).installs
    assert install.path == r"C:\Users\bob\AppData\Local\Microsoft\OneDrive\OneDrive.exe"
    assert (install.scope, install.path_seen) == ("per-user", False)


def test_registry_key_without_install_values_shows_no_install() -> None:
    info = client(HKCU + '\n"ClientEverSignedIn"=dword:00000001')
    assert info.known and info.installs == () and info.primary is None


def test_no_registry_and_no_listing_knows_nothing() -> None:
    info = find_client(None)
    assert not info.known and info.platform is None


def test_accounts_are_read_with_their_values() -> None:
    accounts = r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive\Accounts"
    info = client(
        HKCU,
        accounts
        + r"""\Business1]
"UserEmail"="alice@contoso.com"
"ServiceEndpointUri"="https://contoso-my.sharepoint.com/personal/alice_contoso_com/_api"
"SPOResourceId"="https://contoso-my.sharepoint.com/"
"UserFolder"="C:\\Users\\alice\\OneDrive - Contoso"
"Business"=dword:00000001""",
        accounts + '\\Personal]\n"UserEmail"="alice@outlook.com"',
        accounts + '\\Tenants]\n"x"="y"',
    )
    business, personal = info.accounts
    assert business.name == "Business1" and business.business
    assert business.email == "alice@contoso.com"
    assert business.service_endpoint == (
        "https://contoso-my.sharepoint.com/personal/alice_contoso_com/_api"
    )
    assert business.spo_resource_id == "https://contoso-my.sharepoint.com/"
    assert business.user_folder == r"C:\Users\alice\OneDrive - Contoso"
    assert personal.name == "Personal" and not personal.business
    assert personal.description == "Personal alice@outlook.com"


# --- onedrive.json --------------------------------------------------------------------------------


def test_listing_installs_are_authoritative_and_take_the_registry_version() -> None:
    listing = {
        "schema_version": 1,
        "platform": "windows",
        "installs": [{"path": ALICE_EXE, "version": None, "scope": "per-user"}],
    }
    info = client(
        HKCU + '\n"Version"="24.2"\n'
        r'"OneDriveTrigger"="C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe"',
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\OneDrive]\n"Version"="25.2"',
        listing=listing,
    )
    assert info.listing
    assert info.installs == (Install(ALICE_EXE, "per-user", "24.2"),)


def test_empty_listing_means_no_client_whatever_the_registry_says() -> None:
    info = client(
        HKCU + '\n"Version"="24.2"',
        listing={"platform": "windows", "installs": []},
    )
    assert info.known and info.installs == ()


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        ([], "must hold a JSON object"),
        ({"platform": "linux"}, "'platform' must be"),
        ({"installs": {}}, "'installs' must be a list"),
        ({"installs": [{"version": "1"}]}, "installs[0] has no 'path'"),
        ({"installs": [{"path": "x", "scope": "global"}]}, "'scope' must be"),
        ({"installs": [{"path": "x", "version": 24}]}, "'version' must be"),
    ],
)
def test_malformed_listing_is_an_input_error_naming_the_file(listing: Any, message: str) -> None:
    with pytest.raises(OneDriveJsonError, match=message.replace("[", r"\[")) as caught:
        find_client(None, listing)
    assert str(caught.value).startswith("onedrive.json: ")


def test_macos_standalone_app_from_the_listing() -> None:
    info = find_client(
        None,
        {
            "platform": "macos",
            "installs": [
                {"path": "/Applications/OneDrive.app", "version": "24.1", "scope": "per-machine"}
            ],
            "app_path": "/Applications/OneDrive.app",
            "standalone": True,
        },
    )
    (install,) = info.installs
    assert (install.platform, install.standalone) == ("macos", True)
    assert install.description == "standalone /Applications/OneDrive.app, version 24.1"


def test_macos_app_path_alone_is_an_install() -> None:
    info = find_client(
        None, {"platform": "macos", "app_path": "/Applications/OneDrive.app", "standalone": False}
    )
    assert info.installs == (
        Install("/Applications/OneDrive.app", "per-machine", None, "macos", standalone=False),
    )


# --- reset ----------------------------------------------------------------------------------------


def test_windows_reset_command_is_reset_then_start() -> None:
    install = Install(r"C:\Program Files\Microsoft OneDrive\OneDrive.exe", "per-machine")
    assert reset_command(install) == (
        r'"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /reset',
        r'"C:\Program Files\Microsoft OneDrive\OneDrive.exe"',
    )
    steps = reset_steps(install)
    assert steps[0].startswith(
        r'Press Windows+R, enter `"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /reset`'
    )
    assert "has not started again after a few minutes" in steps[1]
    assert not any("cannot find" in step for step in steps)


def test_reset_of_an_assumed_path_names_the_other_two_locations() -> None:
    install = Install(
        r"C:\Program Files\Microsoft OneDrive\OneDrive.exe", "per-machine", path_seen=False
    )
    steps = reset_steps(install)
    assert steps[1] == (
        "If Windows cannot find that file, use one of the other places OneDrive.exe lives: "
        r"`%LOCALAPPDATA%\Microsoft\OneDrive\OneDrive.exe` or "
        r"`C:\Program Files (x86)\Microsoft OneDrive\OneDrive.exe`."
    )


def test_macos_standalone_reset_runs_the_standalone_script() -> None:
    install = Install("/Applications/OneDrive.app", "per-machine", None, "macos", standalone=True)
    assert reset_command(install) == (
        "osascript -e 'quit app \"OneDrive\"'",
        "/Applications/OneDrive.app/Contents/Resources/ResetOneDriveAppStandalone.command",
        "open /Applications/OneDrive.app",
    )


def test_macos_app_store_reset_runs_the_app_store_script() -> None:
    install = Install("/Applications/OneDrive.app", "per-machine", None, "macos", standalone=False)
    assert reset_command(install)[1] == (
        "/Applications/OneDrive.app/Contents/Resources/ResetOneDriveApp.command"
    )
    assert "ResetOneDriveApp.command" in reset_steps(install)[1]


def test_macos_reset_quotes_a_path_with_spaces() -> None:
    install = Install("/Users/a b/Applications/OneDrive.app", "per-user", platform="macos")
    assert reset_command(install)[1] == (
        "'/Users/a b/Applications/OneDrive.app/Contents/Resources/"
        "ResetOneDriveAppStandalone.command'"
    )


# --- live listing ---------------------------------------------------------------------------------


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")


def test_live_listing_on_windows_finds_per_user_and_x86_installs(tmp_path: Path) -> None:
    local = tmp_path / "Users" / "alice" / "AppData" / "Local"
    x86 = tmp_path / "Program Files (x86)"
    _touch(local / "Microsoft" / "OneDrive" / "OneDrive.exe")
    for build in ("24.070.0407.0003", "24.101.0519.0001", "logs"):
        (local / "Microsoft" / "OneDrive" / build).mkdir()
    _touch(x86 / "Microsoft OneDrive" / "OneDrive.exe")
    env = {
        "LocalAppData": str(local),
        "ProgramFiles": str(tmp_path / "Program Files"),
        "ProgramFiles(x86)": str(x86),
    }
    listing = live_onedrive_json("Windows", env)
    assert listing == {
        "schema_version": 1,
        "platform": "windows",
        "installs": [
            {
                "path": str(local / "Microsoft" / "OneDrive" / "OneDrive.exe"),
                "version": "24.101.0519.0001",
                "scope": "per-user",
            },
            {
                "path": str(x86 / "Microsoft OneDrive" / "OneDrive.exe"),
                "version": None,
                "scope": "per-machine",
            },
        ],
    }
    assert find_client(None, listing).installs[0].version == "24.101.0519.0001"


def test_live_listing_prefers_programw6432_for_the_native_folder(tmp_path: Path) -> None:
    native = tmp_path / "native"
    _touch(native / "Microsoft OneDrive" / "OneDrive.exe")
    env = {"ProgramW6432": str(native), "ProgramFiles": str(tmp_path / "x86")}
    (found,) = live_onedrive_json("Windows", env)["installs"]
    assert found["path"] == str(native / "Microsoft OneDrive" / "OneDrive.exe")


def test_live_listing_on_windows_without_onedrive_lists_none(tmp_path: Path) -> None:
    env = {"LOCALAPPDATA": str(tmp_path), "ProgramFiles": str(tmp_path)}
    assert live_onedrive_json("Windows", env)["installs"] == []


def _mac_app(root: Path, *, receipt: bool, script: str | None) -> Path:
    app = root / "Applications" / "OneDrive.app"
    (app / "Contents").mkdir(parents=True)
    with (app / "Contents" / "Info.plist").open("wb") as handle:
        plistlib.dump({"CFBundleShortVersionString": "24.226.1110"}, handle)
    if receipt:
        _touch(app / "Contents" / "_MASReceipt" / "receipt")
    if script:
        _touch(app / "Contents" / "Resources" / script)
    return app


def test_live_listing_on_macos_finds_the_standalone_app(tmp_path: Path) -> None:
    app = _mac_app(tmp_path, receipt=False, script="ResetOneDriveAppStandalone.command")
    listing = live_onedrive_json("Darwin", {"HOME": str(tmp_path / "home")}, root=str(tmp_path))
    assert listing == {
        "schema_version": 1,
        "platform": "macos",
        "installs": [{"path": str(app), "version": "24.226.1110", "scope": "per-machine"}],
        "app_path": str(app),
        "standalone": True,
    }
    (install,) = find_client(None, listing).installs
    assert reset_command(install)[1].endswith(
        "/Contents/Resources/ResetOneDriveAppStandalone.command"
    )


def test_live_listing_on_macos_tells_the_app_store_build_by_its_receipt(tmp_path: Path) -> None:
    _mac_app(tmp_path, receipt=True, script=None)
    assert live_onedrive_json("Darwin", {}, root=str(tmp_path))["standalone"] is False


def test_live_listing_on_macos_without_the_app(tmp_path: Path) -> None:
    assert live_onedrive_json("Darwin", {}, root=str(tmp_path)) == {
        "schema_version": 1,
        "platform": "macos",
        "installs": [],
    }


def test_live_listing_elsewhere_is_empty() -> None:
    assert live_onedrive_json("Linux", {}) == {}
