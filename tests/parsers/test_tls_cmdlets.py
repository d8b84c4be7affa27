from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedrive_doctor.errors import InputError
from onedrive_doctor.parsers.tls_cmdlets import (
    CmdletParseError,
    parse_cipher_suites,
    parse_ecc_curves,
)
from onedrive_doctor.windows import family_by_label

WIN11 = family_by_label("11 24H2").cipher_suites

# `Get-TlsCipherSuite | Format-Table Name` redirected from PowerShell (decoded from UTF-16).
FORMAT_TABLE_NAME = "\r\nName\r\n----\r\n" + "".join(f"{n}\r\n" for n in WIN11) + "\r\n\r\n"


def ps_table(headers: list[str], rows: list[list[str]], numeric: set[str]) -> str:
    """Lay a table out as Format-Table does: dashes under each header, numbers right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def cell(text: str, i: int) -> str:
        return text.rjust(widths[i]) if headers[i] in numeric else text.ljust(widths[i])

    lines = [
        " ".join(cell(h, i) for i, h in enumerate(headers)),
        " ".join(cell("-" * len(h), i) for i, h in enumerate(headers)),
        *(" ".join(cell(c, i) for i, c in enumerate(row)) for row in rows),
    ]
    return "\r\n" + "\r\n".join(line.rstrip() for line in lines) + "\r\n\r\n"


FULL_HEADERS = [
    "KeyType", "Certificate", "MaximumExchangeLength", "MinimumExchangeLength", "Exchange",
    "HashLength", "Hash", "CipherBlockLength", "CipherLength", "BaseCipherSuite", "CipherSuite",
    "Cipher", "Name", "Protocols",
]  # fmt: skip
NUMERIC = {
    "KeyType", "MaximumExchangeLength", "MinimumExchangeLength", "HashLength",
    "CipherBlockLength", "CipherLength", "BaseCipherSuite", "CipherSuite",
}  # fmt: skip
FULL_ROWS = [
    ["0", "", "0", "0", "", "0", "", "16", "256", "4866", "4866", "AES",
     "TLS_AES_256_GCM_SHA384", "{772}"],
    ["0", "ECDSA", "65536", "0", "ECDH", "0", "", "16", "256", "49196", "49196", "AES",
     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "{771, 65277}"],
    # Format-Table cut this one short on a narrow console: the code column still names it.
    ["0", "RSA", "65536", "0", "ECDH", "0", "", "16", "256", "49200", "49200", "AES",
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA3...", "{771, 65277}"],
    ["0", "RSA", "65536", "0", "ECDH", "0", "", "16", "128", "49199", "49199", "AES",
     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "{771, 65277}"],
]  # fmt: skip

# What `Get-TlsCipherSuite` prints by default (Format-List), one block per suite.
FORMAT_LIST = """

KeyType               : 0
Certificate           : ECDSA
MaximumExchangeLength : 65536
MinimumExchangeLength : 0
Exchange              : ECDH
HashLength            : 0
Hash                  :
CipherBlockLength     : 16
CipherLength          : 256
BaseCipherSuite       : 49196
CipherSuite           : 49196
Cipher                : AES
Name                  : TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
Protocols             : {771, 65277}

KeyType               : 0
Certificate           : RSA
MaximumExchangeLength : 65536
MinimumExchangeLength : 0
Exchange              : ECDH
HashLength            : 0
Hash                  :
CipherBlockLength     : 16
CipherLength          : 256
BaseCipherSuite       : 49200
CipherSuite           : 49200
Cipher                : AES
Name                  : TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
Protocols             : {771, 65277, 770, 769,
                        768}

KeyType               : 0
Certificate           : RSA
MaximumExchangeLength : 65536
MinimumExchangeLength : 0
Exchange              : DH
HashLength            : 0
Hash                  :
CipherBlockLength     : 16
CipherLength          : 256
BaseCipherSuite       : 159
CipherSuite           : 159
Cipher                : AES
Name                  : TLS_DHE_RSA_WITH_AES_256_GCM_SHA384_VENDOR
Protocols             : {771, 65277}

"""


# What Windows 7 / 8.1 PowerShell prints instead: the TLS module does not exist there.
CMDLET_MISSING = """\
Get-TlsCipherSuite : The term 'Get-TlsCipherSuite' is not recognized as the name of a cmdlet, \
function, script file, or operable program. Check the spelling of the name, or if a path was \
included, verify that the path is correct and try again.
At line:1 char:1
+ Get-TlsCipherSuite | Format-Table Name
+ ~~~~~~~~~~~~~~~~~~
    + CategoryInfo          : ObjectNotFound: (Get-TlsCipherSuite:String) [], CommandNotFoundEx\
ception
    + FullyQualifiedErrorId : CommandNotFoundException

"""


def test_format_table_name_gives_the_ordered_list():
    result = parse_cipher_suites(FORMAT_TABLE_NAME)
    assert result.suites == WIN11
    assert result.unknown == ()
    assert result.windows_names == WIN11


def test_full_format_table_reads_the_name_column_and_recovers_cut_names():
    result = parse_cipher_suites(ps_table(FULL_HEADERS, FULL_ROWS, NUMERIC))
    assert result.suites == (
        "TLS_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    )
    assert result.unknown == ()
    assert result.windows_names[2] == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA3..."


def test_cut_name_without_a_code_column_is_kept_and_reported():
    table = ps_table(["Name"], [["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA3..."]], set())
    result = parse_cipher_suites(table)
    assert result.suites == result.unknown == ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA3...",)


def test_format_list_blocks_in_order_with_code_fallback():
    result = parse_cipher_suites(FORMAT_LIST)
    assert result.suites == (
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        # an unknown Windows name, identified by its CipherSuite code 159
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    )
    assert result.unknown == ()


def test_plain_list_with_windows_7_curve_suffixes_folds_duplicates():
    text = family_by_label("7 SP1").schannel_cipher_suites
    result = parse_cipher_suites("\n".join(text) + "\n")
    # The page's list, duplicates folded (the default hello leaves out two of its suites that no
    # Windows 7 recording sends: windows_families Wire.not_sent).
    family = family_by_label("7 SP1")
    assert set(result.suites) == {*family.cipher_suites, *family.wire.not_sent}
    assert [s for s in result.suites if s in family.cipher_suites] == list(family.cipher_suites)
    assert len(result.windows_names) == len(text)


def test_policy_functions_string_is_read_as_a_comma_list():
    text = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,\r\n"
    assert parse_cipher_suites(text).suites == (
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    )


def test_unknown_well_formed_names_stay_in_place_and_are_reported():
    text = (
        "TLS_AES_256_GCM_SHA384\nTLS_FUTURE_KEM_WITH_AES_256_GCM_SHA384\nTLS_AES_128_GCM_SHA256\n"
    )
    result = parse_cipher_suites(text)
    assert result.suites == (
        "TLS_AES_256_GCM_SHA384",
        "TLS_FUTURE_KEM_WITH_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
    )
    assert result.unknown == ("TLS_FUTURE_KEM_WITH_AES_256_GCM_SHA384",)


def test_header_only_table_is_an_empty_list():
    assert parse_cipher_suites("\r\nName\r\n----\r\n\r\n").suites == ()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "empty"),
        ("\r\n\r\n", 1, "empty"),
        ("TLS_AES_256_GCM_SHA384\nhello world\n", 2, "not a cipher suite name"),
        ("\nName\n----\nTLS_AES_256_GCM_SHA384\n<html>\n", 5, "not a cipher suite name"),
        ("\nName : TLS_AES_256_GCM_SHA384\nrandom words here\n", 3, "Name : value"),
        ("\nName : not-a-suite\n", 2, "not a cipher suite name"),
        (CMDLET_MISSING, 1, "TLS module needs Windows 10"),
        ("\nName Is Here\n", 2, "without its dashes line"),
    ],
)
def test_bad_cipher_suite_output_names_file_and_line(text, line, message):
    with pytest.raises(CmdletParseError, match=message) as info:
        parse_cipher_suites(text)
    assert (info.value.source, info.value.line) == ("cipher-suites.txt", line)


# --- Get-TlsEccCurve ------------------------------------------------------------------------


def test_default_windows_10_curves():
    result = parse_ecc_curves("curve25519\r\nNistP256\r\nNistP384\r\n\r\n")
    assert result.curves == ("x25519", "secp256r1", "secp384r1")
    assert result.curves == family_by_label("10 22H2").curves
    assert result.windows_names == ("curve25519", "NistP256", "NistP384")


def test_other_curve_spellings_map_to_named_groups():
    text = "NistP521\nbrainpoolP256r1\nsecP256k1\nnistP192\nsecp384r1\nX25519MLKEM768\n"
    result = parse_ecc_curves(text)
    assert result.curves == (
        "secp521r1",
        "brainpoolP256r1",
        "secp256k1",
        "secp192r1",
        "secp384r1",
        "X25519MLKEM768",
    )
    assert result.unknown == ()


def test_unknown_curve_is_kept_and_reported_and_duplicates_fold():
    result = parse_ecc_curves("Name\n----\nNistP256\ncurve448\nsecP256r1\n")
    assert result.curves == ("secp256r1", "curve448")
    assert result.unknown == ("curve448",)


def test_ecc_curve_policy_string_is_read_as_a_comma_list():
    assert parse_ecc_curves("NistP384,NistP256").curves == ("secp384r1", "secp256r1")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("NistP256\nNist P384\n", 2),
        ("curve25519\n{772}\n", 2),
        ("Get-TlsEccCurve : The term 'Get-TlsEccCurve' is not recognized\n", 1),
    ],
)
def test_bad_curve_output_names_file_and_line(text, line):
    with pytest.raises(CmdletParseError) as info:
        parse_ecc_curves(text)
    assert (info.value.source, info.value.line) == ("ecc-curves.txt", line)


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text())
def test_random_text_only_raises_input_errors(text):
    for parse in (parse_cipher_suites, parse_ecc_curves):
        try:
            parse(text)
        except CmdletParseError as exc:
            assert isinstance(exc, InputError)
            assert exc.line is not None and exc.line >= 1


_LINES = st.sampled_from(
    ["Name", "----", "TLS_AES_256_GCM_SHA384", "Name : TLS_AES_128_GCM_SHA256", "CipherSuite : 49",
     "", "  768}", "Hash :", "KeyType Name", "------- ----", "      0 TLS_RSA_WITH_NULL_SHA",
     "TLS_X...", "NistP256", "a,b"]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(_LINES | st.text(max_size=10), max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_shuffled_real_lines_only_raise_input_errors(lines, newline):
    for parse in (parse_cipher_suites, parse_ecc_curves):
        try:
            result = parse(newline.join(lines))
        except CmdletParseError:
            continue
        assert len(result.windows_names) >= len(result.unknown)
