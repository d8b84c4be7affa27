from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedrive_doctor.errors import InputError
from onedrive_doctor.parsers.hotfixes import HotfixParseError, parse_hotfixes

# cmd.exe's `wmic qfe get HotFixID > hotfixes.txt` pads every row to the header width and ends
# lines with "\r\r\n" (wmic writes \r\n and the redirection adds \r); PowerShell's redirection
# of the same command arrives as UTF-16, decoded to this str before parsing.
WMIC = "HotFixID   \r\r\nKB3140245  \r\r\nKB2533552  \r\r\nKB976902   \r\r\nKB3042058  \r\r\n\r\r\n"

# `wmic qfe` without a field list: every column padded to its widest value plus two spaces.
WMIC_FULL = "\r\n".join(
    [
        "Caption                                        CSName   Description      FixComments  "
        "HotFixID   InstallDate  InstalledBy          InstalledOn  Name  ServicePackInEffect  "
        "Status  ",
        "http://support.microsoft.com/?kbid=3140245     WIN7-PC  Update                        "
        "KB3140245               NT AUTHORITY\\SYSTEM  5/14/2016                             "
        "          ",
        "http://go.microsoft.com/fwlink/?LinkId=133041  WIN7-PC  Update                        "
        "File 1                  NT AUTHORITY\\SYSTEM  5/14/2016                             "
        "          ",
        "                                               WIN7-PC  Security Update               "
        "KB3042058               WIN7-PC\\admin        10/13/2015                            "
        "          ",
        "",
    ]
)

SELECT_OBJECT = "\r\nHotFixID \r\n-------- \r\nKB5031988\r\nKB5032189\r\nKB5032392\r\n\r\n\r\n"

GET_HOTFIX = """
Source        Description      HotFixID      InstalledBy          InstalledOn
------        -----------      --------      -----------          -----------
DESKTOP-7Q2L  Update           KB5031988     NT AUTHORITY\\SYSTEM  11/15/2023 12:00:00 AM
DESKTOP-7Q2L  Security Update  KB5032189     NT AUTHORITY\\SYSTEM  11/15/2023 12:00:00 AM
DESKTOP-7Q2L  Security Update  KB5032392                          11/16/2023 12:00:00 AM


"""

FORMAT_LIST = """

Source      : DESKTOP-7Q2L
Description : Update
HotFixID    : KB5031988
InstalledBy : NT AUTHORITY\\SYSTEM
InstalledOn : 11/15/2023 12:00:00 AM

Source      : DESKTOP-7Q2L
Description : Security Update
HotFixID    : KB5032189
InstalledBy :
InstalledOn : 11/15/2023 12:00:00 AM

"""

SYSTEMINFO = """
Host Name:                 WIN7-PC
OS Name:                   Microsoft Windows 7 Professional
OS Version:                6.1.7601 Service Pack 1 Build 7601
Processor(s):              1 Processor(s) Installed.
                           [01]: Intel64 Family 6 Model 158 Stepping 10 GenuineIntel ~3192 Mhz
Hotfix(s):                 4 Hotfix(s) Installed.
                           [01]: KB2534111
                           [02]: KB2999226
                           [03]: KB3140245
                           [04]: File 1
Network Card(s):           1 NIC(s) Installed.
                           [01]: Intel(R) PRO/1000 MT Network Connection
                                 Connection Name: Local Area Connection
                                 DHCP Enabled:    Yes
                                 IP address(es)
                                 [01]: 192.168.1.20
"""

SYSTEMINFO_DE = """
Hostname:                                    WIN10-PC
Betriebssystemname:                          Microsoft Windows 10 Pro
Hotfix(es):                                  2 Hotfix(es) installiert.
                                             [01]: KB5031988
                                             [02]: KB5032189
Netzwerkkarte(n):                            1 Netzwerkadapter installiert.
                                             [01]: Intel(R) Ethernet Connection
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WMIC, {"KB3140245", "KB2533552", "KB976902", "KB3042058"}),
        (WMIC_FULL, {"KB3140245", "KB3042058"}),
        (SELECT_OBJECT, {"KB5031988", "KB5032189", "KB5032392"}),
        (GET_HOTFIX, {"KB5031988", "KB5032189", "KB5032392"}),
        (FORMAT_LIST, {"KB5031988", "KB5032189"}),
        (SYSTEMINFO, {"KB2534111", "KB2999226", "KB3140245"}),
        (SYSTEMINFO_DE, {"KB5031988", "KB5032189"}),
        ("kb3140245\nKB3042058\n\nQ954430\n", {"KB3140245", "KB3042058", "KB954430"}),
        ("\ufeffHotFixID\r\nKB3140245\r\n", {"KB3140245"}),
    ],
    ids=[
        "wmic",
        "wmic-full-table",
        "select-object",
        "get-hotfix-table",
        "format-list",
        "systeminfo",
        "systeminfo-german",
        "bare-list",
        "bom",
    ],
)
def test_every_shape_gives_normalized_kb_numbers(text, expected):
    assert parse_hotfixes(text) == frozenset(expected)


def test_wmic_without_updates_is_an_empty_set():
    assert parse_hotfixes("No Instance(s) Available.\r\n") == frozenset()


def test_header_only_table_is_an_empty_set():
    assert parse_hotfixes("HotFixID\r\n--------\r\n") == frozenset()


def test_systeminfo_without_hotfixes_is_an_empty_set():
    text = SYSTEMINFO.replace("4 Hotfix(s) Installed.", "N/A")
    text = "\n".join(line for line in text.splitlines() if "KB" not in line and "File" not in line)
    assert parse_hotfixes(text) == frozenset()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("   \r\n\r\n", 1),
        ("hello world\n", 1),
        ("KB3140245\nKB3042058\nnot a hotfix\n", 3),
        ("HotFixID\nKB3140245\n<html>\n", 3),
        ("\nHotFixID\n--------\nKB5031988\nGet-HotFix : Access is denied\n", 5),
        (SYSTEMINFO.replace("[02]: KB2999226", "[02]: garbage"), 9),
        (GET_HOTFIX.replace("DESKTOP-7Q2L  Update ", "x"), 4),
        ("Source : PC\nHotFixID : 12345\n", 2),
        ("Source : PC\nHotFixID : KB1234567\nthis is not a list line\n", 3),
    ],
)
def test_garbage_names_the_file_and_line(text, line):
    with pytest.raises(HotfixParseError) as info:
        parse_hotfixes(text)
    assert info.value.source == "hotfixes.txt"
    assert info.value.line == line
    assert str(info.value).startswith(f"hotfixes.txt:{line}: ")


def test_source_name_is_configurable():
    with pytest.raises(HotfixParseError, match=r"^bundle/hotfixes\.txt:1: "):
        parse_hotfixes("?", source="bundle/hotfixes.txt")


@settings(max_examples=300)
@given(st.text())
def test_random_text_only_raises_the_parse_error(text):
    try:
        result = parse_hotfixes(text)
    except HotfixParseError as exc:
        assert isinstance(exc, InputError)
        assert exc.source == "hotfixes.txt"
    else:
        assert all(kb.startswith("KB") and kb[2:].isdigit() for kb in result)


_LINES = st.sampled_from(
    ["HotFixID", "--------", "KB3140245  ", "File 1", "", "[01]: KB2534111", "HotFixID : KB1",
     "Hotfix(s):  1 Hotfix(s) Installed.", "Source  HotFixID", "------  --------", "x : y"]
)  # fmt: skip


@settings(max_examples=300)
@given(
    st.lists(_LINES | st.text(max_size=12), max_size=8), st.sampled_from(["\n", "\r\n", "\r\r\n"])
)
def test_shuffled_real_lines_only_raise_the_parse_error(lines, newline):
    with contextlib.suppress(HotfixParseError):
        parse_hotfixes(newline.join(lines))
