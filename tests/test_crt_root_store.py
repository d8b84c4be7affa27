"""parsers.root_store: certutil (English, German, Windows 7) and the Cert: drive's listings."""

from __future__ import annotations

from pathlib import Path

import pytest

from onedrive_doctor.parsers.root_store import RootStoreParseError, parse_root_store
from onedrive_doctor.parsers.text import decode_text_as

ROOTS = Path(__file__).parent / "fixtures" / "roots"
G2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4"
G2_SUBJECT = "CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US"


def read(name: str) -> str:
    return decode_text_as((ROOTS / name).read_bytes(), name)[0]


def test_english_certutil_lists_every_thumbprint_and_subject() -> None:
    store = parse_root_store(read("certutil_store_root_en_win10.txt"))
    assert store.source == "certutil"
    assert len(store.certificates) == 8
    g2 = store.find(G2.lower())
    assert g2 is not None and g2.subject == G2_SUBJECT
    assert g2.common_name == "DigiCert Global Root G2"
    assert store.certificates[0].thumbprint == "D4DE20D05E66FC53FE1A50882C78DB2852CAE474"


def test_german_certutil_from_cmd_reads_by_the_sha1_marker_and_its_labels() -> None:
    text = read("certutil_store_root_de_cp850.txt")
    assert 'Root "Vertrauenswürdige Stammzertifizierungsstellen"' in text  # cp850 decoded
    store = parse_root_store(text)
    assert len(store.certificates) == 6
    assert store.find(G2) is None
    telesec = store.named("T-TeleSec GlobalRoot Class 3")
    assert [c.thumbprint for c in telesec] == ["55A6723ECBF2ECCDC3237470199D2ABE11E381D1"]
    assert telesec[0].subject == (
        "CN=T-TeleSec GlobalRoot Class 3, OU=T-Systems Trust Center, "
        "O=T-Systems Enterprise Services GmbH, C=DE"
    )


def test_windows_7_certutil_writes_the_hash_as_spaced_bytes() -> None:
    store = parse_root_store(read("certutil_store_root_en_win7_spaced_hash.txt"))
    assert store.find(G2) is not None
    assert len(store.certificates) == 5


def test_an_unknown_language_falls_back_to_the_second_name_of_the_block() -> None:
    text = (
        "================ Certyfikat 0 ================\r\n"
        "Numer seryjny: 033af1e6a711a9a0bb2864b11d09fae5\r\n"
        f"Wystawca: {G2_SUBJECT}\r\n"
        " NotBefore: 01.08.2013 14:00\r\n"
        f"Temat: {G2_SUBJECT}\r\n"
        f"Skrót certyfikatu(sha1): {G2.lower()}\r\n"
    )
    (cert,) = parse_root_store(text).certificates
    assert (cert.thumbprint, cert.subject) == (G2, G2_SUBJECT)


def test_the_cert_drive_table_redirected_by_powershell() -> None:
    store = parse_root_store(read("get_childitem_cert_root_utf16.txt"))
    assert store.source == "powershell"
    assert len(store.certificates) == 8
    assert store.find(G2) is not None


def test_a_subject_cut_to_the_console_width_is_marked() -> None:
    text = (
        "Thumbprint                                Subject\r\n"
        "----------                                -------\r\n"
        f"{G2}  CN=DigiCert Global Root G2, OU=www.digic...\r\n"
    )
    (cert,) = parse_root_store(text).certificates
    assert cert.truncated is True
    assert cert.common_name == "DigiCert Global Root G2"


def test_format_list_output() -> None:
    text = (
        f"Subject      : {G2_SUBJECT}\r\nIssuer       : {G2_SUBJECT}\r\n"
        f"Thumbprint   : {G2}\r\nFriendlyName : DigiCert Global Root G2\r\n\r\n"
        "Subject      : CN=ISRG Root X1, O=Internet Security Research Group, C=US\r\n"
        "Thumbprint   : CABD2A79A1076A31F21D253635CB039D4329A5E8\r\n"
    )
    store = parse_root_store(text)
    assert [(c.thumbprint, c.common_name) for c in store.certificates] == [
        (G2, "DigiCert Global Root G2"),
        ("CABD2A79A1076A31F21D253635CB039D4329A5E8", "ISRG Root X1"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "root-store.txt: not a root store listing (expected `certutil -store root` or "
            "`Get-ChildItem Cert:\\LocalMachine\\Root` output)",
        ),
        (
            "Thumbprint   Subject\r\n----------   -------\r\n",
            "root-store.txt: the root store listing names no certificate",
        ),
        (
            "CertUtil: -store command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\r\n",
            "root-store.txt: certutil failed: CertUtil: -store command FAILED: 0x80070002 (WIN32: "
            "2 ERROR_FILE_NOT_FOUND)",
        ),
    ],
    ids=["empty", "no-rows", "certutil-failed"],
)
def test_what_is_no_listing_is_one_clear_problem(text: str, message: str) -> None:
    with pytest.raises(RootStoreParseError) as caught:
        parse_root_store(text)
    assert str(caught.value) == message
