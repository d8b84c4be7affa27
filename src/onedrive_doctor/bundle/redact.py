"""Redaction of a bundle meant to be shared (docs/spec/bundle.md, ``collect --redact``).

User names, e-mail addresses (UPNs), tenant and device IDs, host and domain names are replaced by
stable placeholders: the same value gives the same placeholder everywhere in one bundle, in every
file, so the bundle still analyses to the same findings. Microsoft's own endpoint names are kept:
they are public, and the checks need them.

Replacement is by context, never by bare word: a user name is replaced where it stands in a
profile path or a named field, not wherever the same word appears (a user called "Test" must not
turn dsregcmd's "DRS Discovery Test" into something else). Host names learnt from fields, URLs and
proxy settings are then replaced wherever they appear, since a dotted name cannot be mistaken
for anything else.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["Redactor", "redact_bundle"]

# Public names the checks rely on: never redacted.
_PUBLIC_SUFFIXES = (
    "microsoftonline.com",
    "microsoftonline-p.com",
    "microsoft.com",
    "microsoftazuread-sso.com",
    "live.com",
    "live.net",
    "windows.net",
    "windows.com",
    "sfx.ms",
    "msftconnecttest.com",
    "msftncsi.com",
    "msauth.net",
    "msftauth.net",
    "office.com",
    "office.net",
    "onedrive.com",
    "digicert.com",
    "example.invalid",
)
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b")
_GUID = re.compile(
    r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f])"
)
# C:\Users\alice, C:\\Users\\alice (a .reg string), /Users/alice (macOS)
_USER_PATH = re.compile(r"(?i)((?:\\\\|\\|/)(?:Users|home)(?:\\\\|\\|/))([^\\/\"\s:;,]+)")
# A OneDrive for Business site is /personal/<UPN with _ for @ and .>.
_PERSONAL_SITE = re.compile(r"(?i)(/personal/)([A-Za-z0-9._-]+?)(?=[/\"\s]|$)")
# The business sync folder is named after the organisation: "OneDrive - Contoso".
_ORG_FOLDER = re.compile(r"(OneDrive - )([^\\/\"\r\n]+)")
_NOT_USERS = frozenset({"public", "default", "all users", "default user", "shared"})
_SHAREPOINT = re.compile(
    r"(?i)(?<![A-Za-z0-9-])([a-z0-9][a-z0-9-]*?)((?:-my|-admin|-files|-myfiles)?\.sharepoint\.com)"
)
# dsregcmd / nltest lines ("Key : value") whose value names a user, device, tenant or domain.
_FIELD = re.compile(
    r"(?im)^(\s*(?:Device Name|DomainName|TenantName|User Identity|Executing Account Name|"
    r"Dom Name|Forest Name|DC|Dc Site Name|Our Site Name|KerbTopLevelNames|"
    r"Logon User|User Name|Computer Name)\s*:\s*)(\S.*?)(\s*)$"
)
# .reg values that name the user or the tenant.
_REG_FIELD = re.compile(
    r'(?im)^("(?:UserEmail|UserName|DisplayName|ConfiguredTenantId|TenantName|'
    r'ProxyServer|ProxyOverride|AutoConfigURL)"=")([^"]*)(")'
)
_URL_HOST = re.compile(r"(?i)\b(?:https?|ldap)://([a-z0-9.-]+)")
_HOST = re.compile(r"(?i)^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*$")
_KINDS = {
    "user": "user{}",
    "host": "host{}.example.invalid",
    "domain": "DOMAIN{}",
    "tenant": "tenant{}",
    "guid": "00000000-0000-4000-8000-{:012d}",
    "email": "user{}@example.invalid",
}


class Redactor:
    """Learns sensitive values from a bundle's files, then replaces them in context."""

    def __init__(self) -> None:
        self._map: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        self._hosts: dict[str, str] = {}

    def placeholder(self, kind: str, value: str) -> str:
        """The stable placeholder of ``value`` (case-insensitive) of ``kind``."""
        key = (kind, value.lower())
        if key not in self._map:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._map[key] = _KINDS[kind].format(self._counts[kind])
        return self._map[key]

    @property
    def count(self) -> int:
        """How many distinct values were replaced."""
        return len(self._map)

    def learn(self, text: str) -> None:
        """Collect the host names a file shows, so every file can hide them."""
        for match in _URL_HOST.finditer(text):
            self._learn_host(match.group(1))
        for match in _FIELD.finditer(text):
            for part in re.split(r"[\\\s,]+", match.group(2)):
                self._learn_host(part)
        for match in _REG_FIELD.finditer(text):
            for part in re.split(r"[;=\s]+", match.group(2)):
                self._learn_host(part.rsplit(":", 1)[0] if part.count(":") == 1 else part)

    def _learn_host(self, value: str) -> None:
        value = value.strip().strip("\\/").rstrip(".")
        if (
            "." in value
            and _HOST.match(value)
            and not _is_public(value)
            and not value.lower().endswith(".sharepoint.com")
        ):
            self._hosts[value.lower()] = self.placeholder("host", value)

    def apply(self, text: str) -> str:
        """The text with every sensitive value replaced."""
        text = _EMAIL.sub(lambda m: self._email(m.group(0)), text)
        text = _GUID.sub(lambda m: self.placeholder("guid", m.group(0)), text)
        text = _SHAREPOINT.sub(lambda m: self.placeholder("tenant", m.group(1)) + m.group(2), text)
        text = _USER_PATH.sub(self._user_path, text)
        text = _ORG_FOLDER.sub(lambda m: m.group(1) + self.placeholder("tenant", m.group(2)), text)
        text = _PERSONAL_SITE.sub(
            lambda m: m.group(1) + self.placeholder("user", m.group(2)) + "_example_invalid", text
        )
        text = _FIELD.sub(self._field, text)
        text = _REG_FIELD.sub(lambda m: m.group(1) + self._value(m.group(2)) + m.group(3), text)
        if self._hosts:
            hosts = sorted(self._hosts, key=len, reverse=True)
            pattern = re.compile(
                r"(?<![A-Za-z0-9.-])("
                + "|".join(re.escape(h) for h in hosts)
                + r")(?![A-Za-z0-9-])",
                re.IGNORECASE,
            )
            text = pattern.sub(lambda m: self._hosts[m.group(1).lower()], text)
        return text

    def _email(self, address: str) -> str:
        # Every address names a person, whatever its domain (outlook.com included).
        return self.placeholder("email", address)

    def _user_path(self, match: re.Match[str]) -> str:
        name = match.group(2)
        if name.lower() in _NOT_USERS:
            return match.group(0)
        return match.group(1) + self.placeholder("user", name)

    def _field(self, match: re.Match[str]) -> str:
        key = match.group(1).split(":")[0].strip().lower()
        return match.group(1) + self._value(match.group(2), key) + match.group(3)

    def _value(self, value: str, key: str = "") -> str:
        """A field's value with its user, domain and host names replaced."""
        if not value or value.upper() in ("YES", "NO", "NONE", "(NULL)", "NOT SET"):
            return value
        if key == "tenantname":
            return self.placeholder("tenant", value)
        if "://" in value:
            return value  # a URL: its host was learnt and is replaced with the other hosts
        pieces = re.split(r"([,;]\s*)", value)
        return "".join(p if n % 2 else self._piece(p) for n, p in enumerate(pieces))

    def _piece(self, piece: str) -> str:
        bare = piece.strip()
        if (
            not bare
            or "example.invalid" in bare
            or _is_public(bare.split(":")[0])
            or re.fullmatch(r"[0-9.:\[\]*<>-]+", bare)
            or re.fullmatch(r"(?:user|DOMAIN|tenant)\d+", bare)
        ):
            return piece
        if bare.startswith("\\\\"):
            return piece.replace(bare[2:], self._name(bare[2:]))
        if "\\" in bare:
            domain, _, user = bare.rpartition("\\")
            named = f"{self.placeholder('domain', domain)}\\{self.placeholder('user', user)}"
            return piece.replace(bare, named)
        if "@" in bare:
            return piece.replace(bare, self.placeholder("email", bare))
        if ":" in bare and bare.rsplit(":", 1)[1].isdigit():  # host:port of a proxy
            host = bare.rsplit(":", 1)[0]
            return piece.replace(host, self._name(host))
        return piece.replace(bare, self._name(bare))

    def _name(self, value: str) -> str:
        if value.lower() in self._hosts:
            return self._hosts[value.lower()]
        if "." in value:
            return self.placeholder("host", value)
        return self.placeholder("domain" if value.isupper() else "user", value)


def _is_public(value: str) -> bool:
    lowered = value.lower().rstrip(".")
    return any(lowered == s or lowered.endswith("." + s) for s in _PUBLIC_SUFFIXES)


def _decode(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of a bundle file, or None when it is not text this module rewrites."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            if len(data) % 2:
                return None
            try:
                return data[2:].decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


def redact_bundle(root: str | Path) -> int:
    """Redact every text file of the bundle folder in place; returns how many values went."""
    folder = Path(root)
    files: dict[Path, tuple[str, str]] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == "manifest.json":
            continue
        decoded = _decode(path.read_bytes())
        if decoded is not None:
            files[path] = decoded
    redactor = Redactor()
    for text, _ in files.values():
        redactor.learn(text)
    for path, (text, encoding) in files.items():
        redacted = redactor.apply(text)
        if path.suffix == ".json":
            try:
                json.loads(redacted)
            except json.JSONDecodeError:
                continue  # never turn a readable JSON file into an unreadable one
        if redacted != text:
            path.write_bytes(_encode(redacted, encoding))
    return redactor.count
