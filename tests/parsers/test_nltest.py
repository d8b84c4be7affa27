from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedrive_doctor.errors import InputError
from onedrive_doctor.parsers.nltest import NltestParseError, NltestResult, parse_nltest
from onedrive_doctor.parsers.text import decode_text

SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "dsregcmd"
    / "nltest_dsgetdc_and_netconnectionprofile.txt"
)


def sample_block(title: str) -> str:
    """One ``### title`` block of the shared sample, up to its first blank line."""
    text = SAMPLE.read_text(encoding="utf-8")
    return text.split(f"### {title}\n")[1].split("\n\n")[0] + "\n"


# Block A of the sample: Microsoft's success output, verbatim.
SUCCESS = sample_block("A. nltest success (Microsoft doc)")
FAILURE = "Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\n"


def test_success_lists_the_domain_controller_and_its_domain():
    result = parse_nltest(SUCCESS)
    assert result.dc_found
    assert result.dc_name == "DC.contoso.com"
    assert result.dc_address == "10.0.1.2"
    assert result.domain == "contoso.com"
    assert result.forest == "contoso.com"
    assert result.dc_site == result.client_site == "Default-First-Site-Name"
    assert "CLOSE_SITE" in result.flags and "KDC" in result.flags
    assert (result.status_code, result.status_name) == (None, None)
    assert result.summary == "nltest found domain controller DC.contoso.com for contoso.com"


def test_failure_gives_the_win32_status_code_and_name():
    result = parse_nltest(FAILURE)
    assert result == NltestResult(
        dc_found=False,
        status_code=1355,
        status_name="ERROR_NO_SUCH_DOMAIN",
        status_line="Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN",
    )
    assert result.summary == (
        "nltest found no domain controller (Status = 1355 ERROR_NO_SUCH_DOMAIN)"
    )


def test_failure_takes_the_domain_from_an_echoed_command_line():
    result = parse_nltest("C:\\> nltest /dsgetdc:RCMLAB\n" + FAILURE)
    assert not result.dc_found
    assert result.domain == "RCMLAB"


def test_failure_with_only_a_number_gets_its_name():
    result = parse_nltest("Getting DC name failed: Status = 1311 0x51f\n")
    assert (result.status_code, result.status_name) == (1311, "ERROR_NO_LOGON_SERVERS")


def test_the_dsgetdcname_wording_of_the_failure_is_read_too():
    result = parse_nltest("DsGetDcName function Failed with ERROR_NO_SUCH_DOMAIN\n")
    assert not result.dc_found
    assert result.status_name == "ERROR_NO_SUCH_DOMAIN"


def test_the_whole_sample_file_parses_and_its_last_run_wins():
    text = SAMPLE.read_text(encoding="utf-8")
    result = parse_nltest(text)
    assert not result.dc_found  # block C, the failure, comes after block A's success
    assert result.status_code == 1355
    assert parse_nltest(text.split("### B.")[0]).dc_found


def test_utf16_redirected_output_parses_identically():
    data = b"\xff\xfe" + SUCCESS.replace("\n", "\r\n").encode("utf-16-le")
    assert parse_nltest(decode_text(data, "nltest.txt")) == parse_nltest(SUCCESS)


@pytest.mark.parametrize(
    "foreign",
    [
        "",
        "hello",
        "The command completed successfully\n",
        "| Device State |\n AzureAdJoined : YES\n",
        "'nltest' is not recognized as an internal or external command,\n",
    ],
)
def test_text_that_is_not_nltest_dsgetdc_output_is_rejected(foreign: str):
    with pytest.raises(NltestParseError, match="not nltest /dsgetdc output") as caught:
        parse_nltest(foreign)
    assert isinstance(caught.value, InputError)
    assert caught.value.source == "nltest.txt"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_random_text_never_raises_anything_but_the_parse_error(garbage: str):
    try:
        result = parse_nltest(garbage)
    except NltestParseError:
        return
    assert isinstance(result, NltestResult)
