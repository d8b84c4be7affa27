from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from onedrive_doctor.tls import NamedGroup, ProtocolVersion, SignatureScheme
from onedrive_doctor.tls.suites import SUITES, by_name
from onedrive_doctor.windows import (
    FAMILIES,
    KB_UPDATES,
    ProtocolState,
    WindowsFamily,
    family_by_label,
    family_for,
    protocols_in_mask,
)

ECDHE_RSA_GCM = ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
DHE_RSA_GCM = ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")
RSA_GCM = ("TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256")
TLS13 = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
BY_KEY = {f.key: f for f in FAMILIES}


def codes(family: WindowsFamily) -> list[int]:
    found = [by_name(name) for name in family.cipher_suites]
    assert all(found), family.key
    return [s.code for s in found if s is not None]


def rank(family: WindowsFamily, suite: str) -> int:
    """1-based position in the page's table (Windows spelling).

    As docs/knowledge/windows-tls.md §3.2 counts.
    """
    return family.schannel_cipher_suites.index(suite) + 1


# --- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_every_label_and_alias_resolves_to_its_family(family):
    for alias in family.aliases:
        assert family_by_label(alias) is family
        assert family_by_label(alias.upper()) is family


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("7 SP1", "win7"),
        ("Windows 7", "win7"),
        ("windows 7 service pack 1", "win7"),
        ("8", "win8"),
        ("Windows 8.1", "win8.1"),
        ("10 22H2", "win10-22h2"),
        ("10 1809", "win10-1809"),
        ("Windows 10, version 1809", "win10-1809"),
        ("10 v1607", "win10-1607"),
        ("10 2009", "win10-20h2"),
        ("11 24H2", "win11-24h2"),
        ("Windows 11 version 23H2", "win11-23h2"),
        ("Server 2019", "server2019"),
        ("2012 R2", "server2012r2"),
        ("Windows Server 2012 R2", "server2012r2"),
        ("2008 R2 SP1", "server2008r2"),
        ("Server 2008 R2", "server2008r2"),
        ("server_2025", "server2025"),
    ],
)
def test_human_labels_resolve(label, key):
    assert family_by_label(label).key == key


@pytest.mark.parametrize("label", ["10", "Vista", "11", "22H2", "Server 2003", ""])
def test_unknown_label_raises_listing_accepted_labels(label):
    with pytest.raises(ValueError, match=r"accepted: 7 SP1, 8, 8\.1, 10 1507") as info:
        family_by_label(label)
    assert "Server 2025" in str(info.value)


# --- builds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "server", "key"),
    [
        (7600, False, "win7"),
        (7601, False, "win7"),
        (9199, False, "win7"),
        (9200, False, "win8"),
        (9600, False, "win8.1"),
        (10239, False, "win8.1"),
        (10240, False, "win10-1507"),
        (10586, False, "win10-1511"),
        (14393, False, "win10-1607"),
        (15063, False, "win10-1703"),
        (16299, False, "win10-1709"),
        (17134, False, "win10-1803"),
        (17763, False, "win10-1809"),
        (18362, False, "win10-1903"),
        (18363, False, "win10-1909"),
        (19041, False, "win10-2004"),
        (19042, False, "win10-20h2"),
        (19043, False, "win10-21h1"),
        (19044, False, "win10-21h2"),
        (19045, False, "win10-22h2"),
        (21999, False, "win10-22h2"),
        (22000, False, "win11-21h2"),
        (22620, False, "win11-21h2"),
        (22621, False, "win11-22h2"),
        (22631, False, "win11-23h2"),
        (26100, False, "win11-24h2"),
        (26200, False, "win11-25h2"),
        (28000, False, "win11-25h2"),
        (7601, True, "server2008r2"),
        (9200, True, "server2012"),
        (9600, True, "server2012r2"),
        (14393, True, "server2016"),
        (17763, True, "server2019"),
        (19042, True, "server2019"),
        (20348, True, "server2022"),
        (26100, True, "server2025"),
        (30000, True, "server2025"),
    ],
)
def test_build_maps_to_family_at_boundaries(build, server, key):
    family = family_for(build, server)
    assert family.key == key
    assert family.server is server


@pytest.mark.parametrize("server", [False, True])
def test_builds_before_windows_7_are_rejected(server):
    with pytest.raises(ValueError, match="7600"):
        family_for(7599, server)


@pytest.mark.parametrize("server", [False, True])
def test_build_ranges_tile_without_gaps_or_overlaps(server):
    ranges = sorted(f.builds for f in FAMILIES if f.server is server)
    assert ranges[0][0] == 7600
    assert ranges[-1][1] is None
    for (_, high), (low, _) in itertools.pairwise(ranges):
        assert high is not None
        assert high + 1 == low


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_nominal_build_is_in_range_and_maps_back(family):
    assert family.contains_build(family.build)
    assert family_for(family.build, family.server) is family


def test_keys_and_labels_are_unique():
    assert len({f.key for f in FAMILIES}) == len(FAMILIES)
    assert len({f.label for f in FAMILIES}) == len(FAMILIES)


# --- cipher suites --------------------------------------------------------------------------


def test_windows_7_default_list_is_the_kb3042058_order_on_the_wire():
    # The Schannel page's order with the _P256/_P384 duplicates folded, without the two DHE_RSA
    # AES-CBC suites no Windows 7 recording sends (IE 11 2017, IE 8-10 2015; issue 10 point 6).
    assert codes(family_by_label("7 SP1")) == [
        0xC028, 0xC027, 0xC014, 0xC013, 0x009F, 0x009E, 0x009D, 0x009C,
        0x003D, 0x003C, 0x0035, 0x002F, 0xC02C, 0xC02B, 0xC024, 0xC023, 0xC00A, 0xC009,
        0x006A, 0x0040, 0x0038, 0x0032, 0x000A, 0x0013, 0x0005, 0x0004,
    ]  # fmt: skip
    family = family_by_label("7 SP1")
    assert "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" in family.supported_cipher_suites
    assert any("no Windows 7 recording" in note for note in family.wire.notes)


@pytest.mark.parametrize("key", ["win7", "server2008r2", "win8", "server2012", "win8.1"])
def test_pre_windows_10_lacks_ecdhe_rsa_gcm_and_tls13_but_has_dhe_rsa_gcm(key):
    family = BY_KEY[key]
    for suite in ECDHE_RSA_GCM:
        assert suite not in family.cipher_suites
        assert suite not in family.supported_cipher_suites
    assert not family.tls13_available
    # §3.2: DHE_RSA_AES_256/128_GCM are #9 and #10 of the page's table.
    assert [rank(family, s) for s in DHE_RSA_GCM] == [9, 10]
    assert family.schannel_cipher_suites[0] == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"


@pytest.mark.parametrize(
    ("key", "ranks"), [("win7", [13, 14]), ("win8", [11, 12]), ("win8.1", [13, 14])]
)
def test_rsa_gcm_rank_matches_the_knowledge(key, ranks):
    assert [rank(BY_KEY[key], s) for s in RSA_GCM] == ranks


def test_windows_8_lacks_dhe_rsa_cbc_that_the_7_page_lists_and_8_1_sends():
    cbc = ("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA")
    assert not set(cbc) & set(BY_KEY["win8"].cipher_suites)
    assert set(cbc) <= set(_iana_page(BY_KEY["win7"]))
    assert not set(cbc) & set(BY_KEY["win7"].cipher_suites)  # the recordings: never sent
    assert set(cbc) <= set(BY_KEY["win8.1"].cipher_suites)  # the 8.1 recording sends them
    assert _iana_page(BY_KEY["win8.1"]) == _iana_page(BY_KEY["win7"])


def test_without_kb3042058_windows_7_has_no_afd_legacy_suite():
    family = BY_KEY["win7"]
    assert family.cipher_suites_update == "KB3042058"
    before = family.cipher_suites_without_update
    assert not set(DHE_RSA_GCM + RSA_GCM) & set(before)
    assert set(before) == {s for s in family.cipher_suites if s not in DHE_RSA_GCM + RSA_GCM}
    # The recorded (2013) order: AES128-SHA, AES256-SHA, RC4-SHA, 3DES, ECDHE-RSA-AES128-SHA...
    assert before[:5] == (
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    )


def test_windows_8_1_defaults_come_from_kb2919355():
    family = BY_KEY["win8.1"]
    assert family.cipher_suites_update == "KB2919355"
    assert not set(DHE_RSA_GCM) & set(family.cipher_suites_without_update)
    assert KB_UPDATES["KB2919355"].assumed  # which suites it added is inferred


def test_windows_10_1507_puts_ecdhe_rsa_gcm_first():
    family = BY_KEY["win10-1507"]
    assert family.cipher_suites[:2] == ECDHE_RSA_GCM
    assert [rank(family, s) for s in DHE_RSA_GCM] == [7, 8]


@pytest.mark.parametrize(
    "key",
    ["win10-1511", "win10-1607", "server2016", "win10-1703", "win10-1709", "win10-1803",
     "win10-1809", "server2019", "win10-1903", "win10-1909", "win10-2004", "win10-20h2",
     "win10-21h1", "win10-21h2"],
)  # fmt: skip
def test_windows_10_until_21h2_ranks_afd_suites_3_to_6(key):
    family = BY_KEY[key]
    assert [rank(family, s) for s in ECDHE_RSA_GCM + DHE_RSA_GCM] == [3, 4, 5, 6]


def test_windows_10_22h2_starts_with_ecdhe_gcm_and_leaves_dhe_gcm_off():
    family = family_by_label("10 22H2")
    assert family.cipher_suites[:4] == (
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        *ECDHE_RSA_GCM,
    )
    assert set(DHE_RSA_GCM) <= set(family.supported_cipher_suites)
    assert not set(DHE_RSA_GCM) & set(family.cipher_suites)
    assert "TLS_RSA_WITH_3DES_EDE_CBC_SHA" in family.supported_cipher_suites
    assert any("not verified on a device" in note for note in family.assumed)


@pytest.mark.parametrize("key", ["win11-21h2", "server2022"])
def test_windows_11_21h2_and_server_2022_offer_tls13_then_dhe_gcm(key):
    family = BY_KEY[key]
    assert family.cipher_suites[:2] == TLS13
    assert [rank(family, s) for s in ECDHE_RSA_GCM + DHE_RSA_GCM] == [5, 6, 7, 8]
    assert "TLS_CHACHA20_POLY1305_SHA256" in family.supported_cipher_suites


@pytest.mark.parametrize(
    "key", ["win11-22h2", "win11-23h2", "win11-24h2", "win11-25h2", "server2025"]
)
def test_windows_11_22h2_and_later_drop_dhe_gcm(key):
    family = BY_KEY[key]
    assert family.cipher_suites[:2] == TLS13
    assert [rank(family, s) for s in ECDHE_RSA_GCM] == [5, 6]
    assert set(DHE_RSA_GCM) <= set(family.supported_cipher_suites)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_default_suites_are_iana_names_sent_once(family):
    assert len(set(family.cipher_suites)) == len(family.cipher_suites)
    for name in family.cipher_suites:
        suite = by_name(name)
        assert suite is not None and suite.name == name
    assert not set(family.cipher_suites) & set(family.supported_cipher_suites)
    assert not set(family.cipher_suites) & set(family.explicit_cipher_suites)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_default_suites_only_need_supported_protocols(family):
    # Every default suite is negotiable in some protocol the family implements (on Windows 7
    # the TLS 1.2 suites wait for TLS 1.2 to be switched on).
    offered = {v.label for v in family.protocols.supported}
    for name in family.cipher_suites:
        suite = SUITES[by_name(name).code]  # type: ignore[union-attr]
        assert suite.protocols & offered, (family.key, name)


def test_offers_accepts_windows_and_openssl_spellings():
    assert BY_KEY["win7"].offers("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384")
    assert BY_KEY["win10-22h2"].offers("ECDHE-RSA-AES128-GCM-SHA256")
    assert not BY_KEY["win8.1"].offers("ECDHE-RSA-AES128-GCM-SHA256")


# --- protocols, curves, signature algorithms -----------------------------------------------


def test_protocol_defaults_follow_the_schannel_tables():
    win7 = BY_KEY["win7"].protocols
    assert win7.enabled == (ProtocolVersion.SSLv3, ProtocolVersion.TLSv1_0)
    assert win7.needs_registry == (
        ProtocolVersion.SSLv2,
        ProtocolVersion.TLSv1_1,
        ProtocolVersion.TLSv1_2,
    )
    assert BY_KEY["win8"].protocols.tls1_2 is ProtocolState.ENABLED
    w1607 = BY_KEY["win10-1607"].protocols
    assert w1607.ssl2 is ProtocolState.NOT_SUPPORTED
    assert w1607.ssl3 is ProtocolState.DISABLED_BY_DEFAULT
    assert (
        BY_KEY["win10-22h2"].protocols.state(ProtocolVersion.TLSv1_3) is ProtocolState.NOT_SUPPORTED
    )
    assert BY_KEY["win11-21h2"].protocols.state(ProtocolVersion.TLSv1_3) is ProtocolState.ENABLED
    assert BY_KEY["server2022"].tls13_available
    assert not BY_KEY["server2019"].tls13_available


def test_tls12_registry_rule_covers_exactly_7_8_2008r2_2012():
    required = {f.key for f in FAMILIES if f.tls12_registry_required}
    # Issue 10 point 2: Windows 8 / Server 2012 follow the protocols table ("Enabled").
    assert required == {"win7", "server2008r2"}
    assert any("readiness script" in note for note in BY_KEY["win8"].assumed)


@pytest.mark.parametrize(
    ("key", "mask", "versions"),
    [
        ("win7", 0x0A0, ("SSLv3", "TLSv1.0")),
        ("server2012", 0x0A0, ("SSLv3", "TLSv1.0")),
        ("win8.1", 0xAA0, ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2")),
        ("win10-22h2", 0xAA0, ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2")),
        ("win11-24h2", 0x2800, ("TLSv1.2", "TLSv1.3")),
    ],
)
def test_winhttp_defaults(key, mask, versions):
    family = BY_KEY[key]
    assert family.winhttp_default_protocols == mask
    assert tuple(v.label for v in protocols_in_mask(mask)) == versions


def test_winhttp_update_is_kb3140245_where_the_default_lacks_tls12():
    for family in FAMILIES:
        lacks = not family.winhttp_default_protocols & 0x800
        assert (family.winhttp_update == "KB3140245") is lacks, family.key


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_curves_and_signature_algorithms_are_known_names(family):
    for group in (*family.curves, *family.supported_curves):
        NamedGroup[group]
    for scheme in family.signature_algorithms:
        SignatureScheme[scheme]
    assert not set(family.curves) & set(family.supported_curves)
    assert {"secp256r1", "secp384r1"} <= set(family.curves)
    # Only a release no recording shows says its signature_algorithms order is assumed.
    assumed = any("signature_algorithms" in note for note in family.assumed)
    assert assumed is not family.wire.signature_algorithms_recorded


def test_x25519_is_first_from_1607_and_absent_before():
    assert BY_KEY["win10-1511"].curves == ("secp256r1", "secp384r1")
    assert BY_KEY["win10-1607"].curves[0] == "x25519"
    assert BY_KEY["win7"].curves == ("secp256r1", "secp384r1")
    assert "secp521r1" in BY_KEY["win7"].supported_curves


def test_tls_cmdlets_exist_from_windows_10_and_server_2016():
    assert {f.key for f in FAMILIES if not f.tls_cmdlets} == {
        "win7", "win8", "win8.1", "server2008r2", "server2012", "server2012r2"
    }  # fmt: skip


def test_dhe_leading_zero_fix():
    assert not BY_KEY["win10-1507"].dhe_leading_zero_fix
    assert BY_KEY["win10-1511"].dhe_leading_zero_fix
    assert not BY_KEY["server2016"].dhe_leading_zero_fix
    assert BY_KEY["server2016"].dhe_fix_updates == ("KB4537806", "KB4540670")
    assert BY_KEY["server2019"].dhe_leading_zero_fix


# --- updates, sources, lifecycle ----------------------------------------------------------------


def test_kb_updates_reference_existing_families_and_back():
    for kb, update in KB_UPDATES.items():
        assert update.kb == kb
        assert all(key in BY_KEY for key in update.families)
        assert update.url.startswith("https://")
    for family in FAMILIES:
        assert all(kb in KB_UPDATES for kb in family.updates)
        if family.cipher_suites_update:
            assert family.cipher_suites_update in family.updates
            assert family.key in KB_UPDATES[family.cipher_suites_update].families


def test_kb3042058_adds_the_gcm_suites_and_kb3140245_covers_winhttp():
    assert set(KB_UPDATES["KB3042058"].adds_cipher_suites) == set(DHE_RSA_GCM + RSA_GCM)
    assert set(KB_UPDATES["KB3140245"].families) == {"win7", "win8", "server2008r2", "server2012"}
    assert "DefaultSecureProtocols" in KB_UPDATES["KB3140245"].effect


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_every_family_cites_its_sources(family):
    learn = [s for s in family.sources if s.url.startswith("https://learn.microsoft.com/")]
    assert any("tls-cipher-suites-in-windows" in s.url for s in learn)
    assert any(s.url.endswith("protocols-in-tls-ssl--schannel-ssp-") for s in learn)
    assert all(s.section and s.title for s in family.sources)
    assert any(s.section.startswith("§3.2") for s in family.sources)
    assert family.assumed


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_support_dates_are_patch_tuesdays(family):
    life = family.lifecycle
    for day in (life.end, life.enterprise_end, life.ltsc_end):
        if day is not None:
            assert day.weekday() == 1 and 8 <= day.day <= 14, (family.key, day)


def test_support_end_depends_on_edition():
    life = BY_KEY["win11-23h2"].lifecycle
    assert life.end_for("Professional") == dt.date(2025, 11, 11)
    assert life.end_for("Enterprise") == dt.date(2026, 11, 10)
    assert life.end_for(None) == life.end
    assert BY_KEY["win10-1809"].lifecycle.end_for("EnterpriseS") == dt.date(2029, 1, 9)
    assert BY_KEY["win10-22h2"].lifecycle.supported_on(dt.date(2025, 10, 14)) is True
    assert BY_KEY["win10-22h2"].lifecycle.supported_on(dt.date(2025, 10, 15)) is False
    assert BY_KEY["win11-25h2"].lifecycle.supported_on(dt.date(2026, 1, 1)) is None
    assert BY_KEY["win7"].lifecycle.supported_on(dt.date(2026, 1, 1), "Ultimate") is False


def test_families_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FAMILIES[0].build = 1  # type: ignore[misc]


def _iana_page(family):
    """The Microsoft page's list of ``family`` as IANA names, duplicates folded."""
    return tuple(dict.fromkeys(by_name(n).name for n in family.schannel_cipher_suites))


def test_no_assumption_cites_a_section_of_the_knowledge_file():
    # Issue 10 point 7: users read these notes (simulate, findings); "§4.4" means nothing there.
    for family in FAMILIES:
        for note in (*family.assumed, *family.wire.notes):
            assert "§" not in note and "(#" not in note, (family.key, note)


def test_server_2022_23h2_no_longer_enables_3des_and_dhe_gcm():
    # The Server 2022 page's note: not enabled by default from 23H2 (build 25398) on.
    family = family_for(25398, server=True)
    assert family.key == "server2022-23h2"
    for name in (*DHE_RSA_GCM, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"):
        assert name not in family.cipher_suites
        assert name in family.supported_cipher_suites
    assert set(DHE_RSA_GCM) <= set(BY_KEY["server2022"].cipher_suites)


@pytest.mark.parametrize("key", ["win11-24h2", "win11-25h2"])
def test_windows_11_24h2_groups_come_from_the_supported_groups_page(key):
    # "TLS Supported Groups in Windows 11 versions 24H2 and later": curve25519, nistP256,
    # nistP384 enabled; the ML-KEM hybrids supported but not enabled, listed first.
    family = BY_KEY[key]
    assert family.curves == ("x25519", "secp256r1", "secp384r1")
    hybrids = ("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024")
    assert family.supported_curves[:3] == hybrids
    assert [int(NamedGroup[g]) for g in hybrids] == [0x11EC, 0x11EB, 0x11ED]
    assert any("24H2 and later" in s.title for s in family.sources)
    assert not set(hybrids) & set(BY_KEY["win11-23h2"].supported_curves)


def test_confirmed_pages_are_no_longer_assumptions():
    # 20H2, 21H1 and 21H2 share one Microsoft page; Server 2019 is build 17763 (1809).
    for key in ("win10-20h2", "win10-21h1", "win10-21h2"):
        assert BY_KEY[key].sources[1].url.endswith("tls-cipher-suites-in-windows-10-v20H2")
        assert not any("share" in note and "page" in note for note in BY_KEY[key].assumed)
    assert BY_KEY["server2019"].build == BY_KEY["win10-1809"].build == 17763
    assert not any(
        "1809" in note and "Server 2019 is" in note for note in BY_KEY["server2019"].assumed
    )
