from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from onedrive_doctor.tls.suites import PROTOCOLS, SUITES, CipherSuite, by_name, suites_for

ALL_LEGACY = frozenset({"SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"})


def suite(code: int) -> CipherSuite:
    return SUITES[code]


# --- known values -------------------------------------------------------------------------


def test_ecdhe_rsa_aes256_gcm() -> None:
    s = suite(0xC030)
    assert s.code == 0xC030
    assert s.code_hex == "0xC030"
    assert s.name == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
    assert s.openssl_name == "ECDHE-RSA-AES256-GCM-SHA384"
    assert (s.kex, s.auth, s.cipher, s.mac) == ("ECDHE", "RSA", "AES_256_GCM", "AEAD")
    assert s.protocols == {"TLSv1.2"}
    assert not s.insecure
    assert s.forward_secret
    assert s.aead
    assert not s.signalling
    assert not s.export


def test_dhe_rsa_aes256_gcm() -> None:
    s = suite(0x009F)
    assert s.name == "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"
    assert s.openssl_name == "DHE-RSA-AES256-GCM-SHA384"
    assert (s.kex, s.auth, s.cipher, s.mac) == ("DHE", "RSA", "AES_256_GCM", "AEAD")
    assert s.protocols == {"TLSv1.2"}
    assert s.forward_secret
    assert not s.insecure


def test_tls13_aes128_gcm() -> None:
    s = suite(0x1301)
    assert s.name == "TLS_AES_128_GCM_SHA256"
    assert s.openssl_name == "TLS_AES_128_GCM_SHA256"
    assert (s.kex, s.auth, s.cipher, s.mac) == ("TLS13", "TLS13", "AES_128_GCM", "AEAD")
    assert s.protocols == {"TLSv1.3"}
    assert s.forward_secret
    assert s.aead
    assert not s.insecure


def test_tls13_suites_are_tls13_only() -> None:
    for code in range(0x1301, 0x1306):
        assert suite(code).protocols == {"TLSv1.3"}, hex(code)
        assert suite(code).kex == "TLS13"
    tls13 = [s.code for s in suites_for("TLSv1.3")]
    assert set(range(0x1301, 0x1306)) <= set(tls13)
    assert {0x00C6, 0x00C7, 0xC0B4, 0xC103} <= set(tls13)  # SM4, RFC 9150, GOST MGM
    assert all("TLSv1.3" not in s.protocols for s in suites_for("TLSv1.2") if s.kex != "ECCPWD")


def test_rsa_3des_is_insecure_and_legacy() -> None:
    s = suite(0x000A)
    assert s.name == "TLS_RSA_WITH_3DES_EDE_CBC_SHA"
    assert s.openssl_name == "DES-CBC3-SHA"
    assert (s.kex, s.auth, s.cipher, s.mac) == ("RSA", "RSA", "3DES_EDE_CBC", "SHA")
    assert s.protocols == ALL_LEGACY
    assert s.insecure
    assert not s.forward_secret
    assert not s.aead


def test_rc4() -> None:
    s = suite(0x0005)
    assert s.name == "TLS_RSA_WITH_RC4_128_SHA"
    assert s.openssl_name == "RC4-SHA"
    assert s.cipher == "RC4_128"
    assert s.mac == "SHA"
    assert s.insecure
    assert s.protocols == ALL_LEGACY


def test_export_only_ssl3_tls10() -> None:
    s = suite(0x0003)
    assert s.name == "TLS_RSA_EXPORT_WITH_RC4_40_MD5"
    assert s.openssl_name == "EXP-RC4-MD5"
    assert (s.kex, s.auth, s.cipher, s.mac) == ("RSA", "RSA", "RC4_40", "MD5")
    assert s.export
    assert s.insecure
    assert s.protocols == {"SSLv3", "TLSv1.0"}
    exports = [s for s in SUITES.values() if s.export]
    assert len(exports) == 15
    assert all(s.protocols == {"SSLv3", "TLSv1.0"} for s in exports)
    assert all(s not in suites_for("TLSv1.1") for s in exports)


def test_ecdhe_ecdsa() -> None:
    s = suite(0xC02B)
    assert s.name == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    assert s.openssl_name == "ECDHE-ECDSA-AES128-GCM-SHA256"
    assert (s.kex, s.auth, s.cipher, s.mac) == ("ECDHE", "ECDSA", "AES_128_GCM", "AEAD")
    assert s.protocols == {"TLSv1.2"}
    assert s.forward_secret
    assert not s.insecure


def test_signalling_values() -> None:
    reneg = suite(0x00FF)
    assert reneg.name == "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"
    assert reneg.signalling
    assert reneg.protocols == frozenset()
    assert not reneg.insecure
    fallback = suite(0x5600)
    assert fallback.name == "TLS_FALLBACK_SCSV"
    assert fallback.signalling
    assert [s.code for s in SUITES.values() if s.signalling] == [0x00FF, 0x5600]
    for protocol in PROTOCOLS:
        assert not any(s.signalling for s in suites_for(protocol))


def test_other_families() -> None:
    assert (suite(0x0000).kex, suite(0x0000).cipher, suite(0x0000).mac) == ("NULL", "NULL", "NULL")
    assert suite(0x0000).insecure
    assert suite(0x0034).auth == "anon"  # TLS_DH_anon_WITH_AES_128_CBC_SHA
    assert suite(0x0034).insecure
    assert suite(0xC018).auth == "anon"  # TLS_ECDH_anon_WITH_AES_128_CBC_SHA
    assert not suite(0xC018).forward_secret
    assert (suite(0xC0AA).kex, suite(0xC0AA).mac) == ("DHE_PSK", "AEAD")  # TLS_PSK_DHE_...
    assert suite(0xC0B0).kex == "ECCPWD"
    assert suite(0xC0B0).protocols == {"TLSv1.2", "TLSv1.3"}
    assert (suite(0xC100).kex, suite(0xC100).cipher, suite(0xC100).mac) == (
        "GOSTR341112_256",
        "KUZNYECHIK_CTR",
        "OMAC",
    )
    assert suite(0xC100).protocols == {"TLSv1.2"}
    assert suite(0xC103).protocols == {"TLSv1.3"}  # GOST MGM suites are TLS 1.3 ones
    assert (suite(0xC0B4).cipher, suite(0xC0B4).mac) == ("NULL", "SHA256")
    assert suite(0xC0B4).insecure
    assert suite(0xCCA8).cipher == "CHACHA20_POLY1305"
    assert suite(0xC09C).cipher == "AES_128_CCM"  # no hash in the name: still AEAD
    assert suite(0xC09C).aead
    assert suite(0xC0A0).cipher == "AES_128_CCM_8"


def test_protocol_rules() -> None:
    assert suite(0x002F).protocols == ALL_LEGACY  # AES128-SHA
    assert suite(0x003C).protocols == {"TLSv1.2"}  # AES128-SHA256
    assert suite(0xC013).protocols == {"TLSv1.0", "TLSv1.1", "TLSv1.2"}  # ECC: no SSLv3
    assert suite(0x008C).protocols == {"TLSv1.0", "TLSv1.1", "TLSv1.2"}  # PSK: no SSLv3
    assert suite(0x00AE).protocols == {"TLSv1.0", "TLSv1.1", "TLSv1.2"}  # PSK CBC SHA256
    assert suite(0xC027).protocols == {"TLSv1.2"}  # ECDHE CBC SHA256 (RFC 5289)
    assert suite(0x001E).protocols == ALL_LEGACY  # KRB5
    assert all(s.protocols <= {"TLSv1.2", "TLSv1.3"} for s in SUITES.values() if s.aead)
    assert all(s.kex in {"TLS13", "ECCPWD"} for s in suites_for("TLSv1.3"))
    ssl3 = suites_for("SSLv3")
    assert all(s.kex in {"NULL", "RSA", "DH", "DHE", "KRB5"} for s in ssl3)
    assert {s.code for s in ssl3} >= set(range(0x0000, 0x001C))
    assert suites_for("TLSv1") == suites_for("TLSv1.0")
    with pytest.raises(ValueError, match="unknown protocol"):
        suites_for("TLSv1.4")


def test_suites_for_is_in_code_order() -> None:
    for protocol in PROTOCOLS:
        codes = [s.code for s in suites_for(protocol)]
        assert codes == sorted(codes)
        assert codes


def test_insecure_classification() -> None:
    for s in SUITES.values():
        if s.signalling:
            continue
        weak = (
            "_NULL_" in f"_{s.cipher}_"
            or "anon" in s.name
            or "EXPORT" in s.name
            or any(w in s.name for w in ("RC4", "RC2", "_DES", "3DES", "IDEA"))
            or s.name.endswith("_MD5")
            or s.name == "TLS_NULL_WITH_NULL_NULL"
        )
        assert s.insecure == weak, s.name
    good = [s for s in suites_for("TLSv1.2") if not s.insecure and s.forward_secret and s.aead]
    assert {0xC02B, 0xC02C, 0xC02F, 0xC030, 0xCCA8, 0xCCA9, 0x009E, 0x009F} <= {
        s.code for s in good
    }


# --- by_name ------------------------------------------------------------------------------


def test_by_name_iana_and_openssl() -> None:
    assert by_name("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384") is SUITES[0xC030]
    assert by_name("tls_ecdhe_rsa_with_aes_256_gcm_sha384") is SUITES[0xC030]
    assert by_name("ECDHE-RSA-AES256-GCM-SHA384") is SUITES[0xC030]
    assert by_name("ecdhe-rsa-aes256-gcm-sha384") is SUITES[0xC030]
    assert by_name("  DES-CBC3-SHA ") is SUITES[0x000A]
    assert by_name("TLS_AES_128_GCM_SHA256") is SUITES[0x1301]
    assert by_name("TLS_DH_anon_WITH_AES_128_CBC_SHA") is SUITES[0x0034]
    assert by_name("EDH-RSA-DES-CBC3-SHA") is SUITES[0x0016]  # pre-1.1.0 OpenSSL spelling
    assert by_name("DHE-RSA-DES-CBC3-SHA") is SUITES[0x0016]
    assert by_name("SSL_RSA_WITH_RC4_128_SHA") is SUITES[0x0005]
    assert by_name("TLS_FALLBACK_SCSV") is SUITES[0x5600]


def test_by_name_windows_curve_suffix() -> None:
    assert by_name("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256") is SUITES[0xC028]
    assert by_name("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384") is SUITES[0xC028]
    assert by_name("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P521") is SUITES[0xC02B]
    assert by_name("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256") is SUITES[0xC013]


def test_by_name_unknown() -> None:
    assert by_name("") is None
    assert by_name("TLS_NOT_A_SUITE") is None
    assert by_name("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P999") is None
    assert by_name("GREASE") is None


def test_every_name_round_trips() -> None:
    for s in SUITES.values():
        assert by_name(s.name) is s
        assert by_name(s.code_hex) is None
        if s.openssl_name is not None:
            assert by_name(s.openssl_name) is s


# --- table sanity -------------------------------------------------------------------------


def test_counts_and_uniqueness() -> None:
    assert len(SUITES) > 300
    assert all(code == s.code for code, s in SUITES.items())
    assert list(SUITES) == sorted(SUITES)
    assert all(0 <= code <= 0xFFFF for code in SUITES)
    names = [s.name for s in SUITES.values()]
    assert len(set(names)) == len(names)
    assert len({n.upper() for n in names}) == len(names)
    openssl_names = [s.openssl_name for s in SUITES.values() if s.openssl_name is not None]
    assert len(set(openssl_names)) == len(openssl_names)
    assert len(openssl_names) > 150
    # Reserved / unassigned values are not suites.
    for reserved in (0x001C, 0x001D, 0x0047, 0x0A0A, 0x1300, 0xC000, 0xFEFE, 0xFF00):
        assert reserved not in SUITES


def test_every_field_is_filled() -> None:
    for s in SUITES.values():
        assert s.name.startswith("TLS_")
        assert s.kex and s.auth and s.cipher and s.mac, s.name
        assert s.protocols <= set(PROTOCOLS)
        assert bool(s.protocols) != s.signalling, s.name
        assert re.fullmatch(r"0x[0-9A-F]{4}", s.code_hex)


# --- against the local OpenSSL ------------------------------------------------------------

_OPENSSL_LINE = re.compile(r"^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)\s")
_TLS13_SUITES = (
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"
)


def _openssl_ciphers(openssl: str, *args: str) -> list[tuple[int, str, str]] | None:
    """(code, IANA name, OpenSSL name) rows of ``openssl ciphers -V -stdname``, None on error."""
    proc = subprocess.run(
        [openssl, "ciphers", "-V", "-stdname", *args, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if proc.returncode != 0:
        return None
    rows = []
    for line in proc.stdout.splitlines():
        match = _OPENSSL_LINE.match(line)
        assert match, f"unexpected openssl output line: {line!r}"
        rows.append((int(match[1] + match[2], 16), match[3], match[4]))
    return rows


def test_matches_local_openssl() -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed")
    listed = _openssl_ciphers(openssl)
    if listed is None:
        pytest.skip("this openssl has no 'ciphers -V -stdname'")
    # All five TLS 1.3 suites, not just the default three (ignored if this build lacks one).
    listed += _openssl_ciphers(openssl, "-ciphersuites", _TLS13_SUITES) or []
    assert len(listed) > 20
    for code, iana_name, openssl_name in listed:
        if iana_name == "(NONE)":  # a non-IANA value, e.g. a GOST engine's legacy 0xFF85
            continue
        assert code in SUITES, f"0x{code:04X} {iana_name} missing"
        assert SUITES[code].name == iana_name
        assert SUITES[code].openssl_name == openssl_name
        assert by_name(openssl_name) is SUITES[code]
        assert SUITES[code].protocols, iana_name
