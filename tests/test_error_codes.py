"""The OneDrive error-code catalogue behind `explain CODE` and `diagnose --error CODE`."""

from __future__ import annotations

import pytest

from onedrive_doctor.checks import REGISTRY
from onedrive_doctor.knowledge.error_codes import (
    CATALOGUE,
    focus_checks,
    known_codes,
    lookup,
    parse_code,
    render_explanation,
)

CONFIRMED = (
    "0x8004de40",
    "0x8004de88",
    "0x8004de85",
    "0x8004de8a",
    "0x8004deef",
    "0x8004de80",
    "0x8004de86",
    "0x8004dec5",
    "0x8004e4d0",
    "0x80070194",
)
UNCONFIRMED = ("0x8004de90", "0x8004def0", "0x8004dedc", "0x8004de44", "0x8004de69", "0x8004de9a")


@pytest.mark.parametrize(
    "text",
    [
        "0x8004de40",
        "0X8004DE40",
        "8004DE40",
        "8004de40",
        " 0x8004de40 ",
        "-2147164608",
        "2147802688",
    ],
)
def test_every_form_of_the_code_finds_0x8004de40(text: str) -> None:
    entry = lookup(text)
    assert entry is not None
    assert entry.code == 0x8004DE40
    assert (entry.hex, entry.signed) == ("0x8004de40", -2147164608)


def test_digits_only_hresult_is_read_as_hex_when_decimal_is_unknown() -> None:
    assert parse_code("80070194") == (80070194, 0x80070194)
    entry = lookup("80070194")
    assert entry is not None and entry.code == 0x80070194


@pytest.mark.parametrize("text", ["", "0x", "hello", "0x1234567890", "99999999999", "-1x"])
def test_text_that_is_no_code_is_unknown(text: str) -> None:
    assert lookup(text) is None
    assert focus_checks(text) is None


def test_unknown_code_is_none() -> None:
    assert lookup("0x80070005") is None
    assert focus_checks("0x80070005") is None


def test_catalogue_holds_the_confirmed_and_unconfirmed_codes() -> None:
    assert set(known_codes()) == set(CONFIRMED) | set(UNCONFIRMED) | {"0x8004def4", "0x8004def7"}
    for code in CONFIRMED:
        entry = lookup(code)
        assert entry is not None and entry.confirmed, code
        assert not entry.third_party, code
    for code in UNCONFIRMED:
        entry = lookup(code)
        assert entry is not None and not entry.confirmed, code
        assert entry.title.startswith("unconfirmed"), code


@pytest.mark.parametrize("entry", list(CATALOGUE.values()), ids=lambda e: e.hex)
def test_every_entry_has_title_meaning_and_an_https_source(entry: object) -> None:
    from onedrive_doctor.knowledge.error_codes import ErrorCode

    assert isinstance(entry, ErrorCode)
    assert entry.title and entry.meaning
    assert entry.source.startswith(("https://learn.microsoft.com/", "https://support.microsoft"))
    if entry.confirmed and entry.code >> 16 == 0x8004:
        assert entry.fix, entry.hex  # every Microsoft sign-in article gives steps


def test_microsoft_articles_are_the_sources_of_the_sign_in_codes() -> None:
    de85 = lookup("0x8004de8a")
    assert de85 is not None
    assert de85.source == (
        "https://learn.microsoft.com/troubleshoot/sharepoint/sync/"
        "sign-into-onedrive-error-0x8004de85-or-0x8004de8a"
    )
    de88 = lookup("0x8004de88")
    assert de88 is not None
    assert de88.source.endswith("/error-0x8004de40-in-onedrive")


def test_de40_and_de88_focus_on_every_check_family() -> None:
    for code in ("0x8004de40", "0x8004de88"):
        assert focus_checks(code) == frozenset(REGISTRY)


def test_account_codes_focus_on_the_onedrive_client() -> None:
    assert focus_checks("0x8004de85") == {"ODC001", "ODC002"}
    assert focus_checks("0x8004de8a") == {"ODC001", "ODC002"}
    for code in ("0x8004deef", "0x8004dec5", "0x8004de80", "0x8004de86"):
        assert focus_checks(code) == {"ODC002", "ODC003"}, code


def test_site_user_id_mismatch_has_no_local_check() -> None:
    assert focus_checks("0x8004e4d0") == frozenset()


def test_unconfirmed_code_runs_every_check() -> None:
    assert focus_checks("0x8004de90") == frozenset(REGISTRY)


def test_explanation_of_a_confirmed_code() -> None:
    entry = lookup("0x8004de40")
    assert entry is not None
    text = render_explanation(entry)
    lines = text.splitlines()
    assert lines[0] == "0x8004de40 (also -2147164608 / 2147802688)"
    assert lines[1] == (
        "Message: Login was either interrupted or unsuccessful. Please try logging in again."
    )
    assert "Meaning: OneDrive is having trouble connecting to the cloud." in lines
    assert "Microsoft's fix:" in lines
    assert "  1. Verify that the device is connected to the internet." in lines
    assert any(line.startswith("  6. All computers: finally, reset OneDrive") for line in lines)
    assert "Checks that matter: NET, TLS, SCH, WHT, INE, OS, CRT, EVT, IDN, ODC" in lines
    assert lines[-1] == (
        "Source: https://learn.microsoft.com/troubleshoot/sharepoint/sync/"
        "error-0x8004de40-in-onedrive"
    )
    assert "UNCONFIRMED" not in text


def test_explanation_of_a_tenant_side_code_says_no_local_check() -> None:
    entry = lookup("0x8004e4d0")
    assert entry is not None
    assert "Checks that matter: none on this PC (the cause is in the tenant)." in (
        render_explanation(entry)
    )


def test_explanation_of_an_unconfirmed_code_never_presents_third_parties_as_microsoft() -> None:
    entry = lookup("0x8004de90")
    assert entry is not None
    text = render_explanation(entry)
    assert "UNCONFIRMED: no Microsoft description of this code was found." in text
    assert "they are not Microsoft's word" in text
    assert "  - errorcodelab.com: the OneDrive account has not finished setting up" in text
    assert "organisation has disabled OneDrive" in text
    assert "Microsoft's fix" not in text
    assert "Message:" not in text
    assert "Look it up in Microsoft's list: https://support.microsoft.com/office/" in text


def test_explanation_of_a_code_without_any_description() -> None:
    entry = lookup("0x8004dedc")
    assert entry is not None
    assert "No usable description was found anywhere." in render_explanation(entry)


def test_explanation_of_a_windows_code_without_a_onedrive_article() -> None:
    entry = lookup("0x80070194")
    assert entry is not None
    text = render_explanation(entry)
    assert "Message: The cloud file provider exited unexpectedly." in text
    assert "Microsoft gives no OneDrive-specific fix for this code." in text
