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
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..parsers.text import decode_text_as, encode_text
from ._place import BUNDLE_FILES

__all__ = ["Redactor", "redact_bundle", "redact_copy", "redact_files"]

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
# \w, not [A-Za-z0-9]: "jürgen@contoso.com" must go whole, not leave "jü" behind.
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b")
_GUID = re.compile(
    r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f])"
)
# C:\Users\alice, C:\\Users\\alice (a .reg string), /Users/alice (macOS)
_USER_PATH = re.compile(r"(?i)((?:\\\\|\\|/)(?:Users|home)(?:\\\\|\\|/))([^\\/\"\s:;,]+)")
# A OneDrive for Business site is /personal/<UPN with _ for @ and .>.
_PERSONAL_SITE = re.compile(r"(?i)(/personal/)([\w.-]+?)(?=[/\"\s]|$)")
# The business sync folder is named after the organisation: "OneDrive - Contoso".
_ORG_FOLDER = re.compile(r"(OneDrive - )([^\\/\"\r\n]+)")
_NOT_USERS = frozenset({"public", "default", "all users", "default user", "shared"})
_SHAREPOINT = re.compile(
    r"(?i)(?<![A-Za-z0-9-])([a-z0-9][a-z0-9-]*?)((?:-my|-admin|-files|-myfiles)?\.sharepoint\.com)"
)
# dsregcmd / nltest lines ("Key : value") whose value names a user, device, tenant or domain.
_FIELD = re.compile(
    r"(?im)^(\s*(?:Device Name|DomainName|TenantName|WorkplaceTenantName|User Identity|"
    r"Executing Account Name|CSName|InstalledBy|"
    r"Dom Name|Forest Name|DC|Dc Site Name|Our Site Name|KerbTopLevelNames|"
    r"Logon User|User Name|Computer Name)\s*:\s*)(\S.*?)(\s*)$"
)
# .reg values that name the user or the tenant.
_REG_FIELD = re.compile(
    r'(?im)^("(?:UserEmail|UserName|DisplayName|ConfiguredTenantId|TenantName|'
    r'WorkplaceTenantName|ProxyServer|ProxyOverride|AutoConfigURL|cid|UserCid)"=")([^"]*)(")'
)
# OneDrive keeps one key per tenant, named after it: ...\Accounts\Business1\Tenants\Contoso
# (a .reg key line has one backslash, a .reg string two).
_TENANT_KEY = re.compile(r"(?i)(\\{1,2}Tenants\\{1,2})([^\\\]\r\n\"]+)")
# The Microsoft account ID (CID) of a personal OneDrive account: 16 hex digits.
_CID_KEYS = frozenset({"cid", "usercid"})
# Get-HotFix / wmic qfe tables: the columns that name the PC and the account that installed.
_HOTFIX_COLUMNS = frozenset({"source", "csname", "installedby"})
_HOTFIX_LIST = re.compile(r"(?im)^(Source\s*:\s*)(\S.*?)(\s*)$")
# Well-known principals name no person and no PC.
_WELL_KNOWN = re.compile(r"(?i)^(?:NT AUTHORITY|BUILTIN|NT SERVICE)\\")
# wevtutil's event XML (events-*.xml): the account's SID (a domain or Entra SID names one
# person; well-known SIDs such as S-1-5-18 name nobody).
_ACCOUNT_SID = re.compile(r"\bS-1-(?:5-21|12-1)(?:-[0-9]{1,10}){3,5}\b")
_URL_HOST = re.compile(r"(?i)\b(?:https?|ldap)://([a-z0-9.-]+)")
_HOST = re.compile(r"(?i)^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*$")
# Issue 13: wevtutil's XML (events-*.xml) names the PC in every event's <Computer>.
_EVENT_COMPUTER = re.compile(r"<Computer>([^<>]{1,255})</Computer>")
_KINDS = {
    "user": "user{}",
    "host": "host{}.example.invalid",
    "domain": "DOMAIN{}",
    "tenant": "tenant{}",
    "guid": "00000000-0000-4000-8000-{:012d}",
    "email": "user{}@example.invalid",
    "cid": "{:016x}",
    "sid": "S-1-5-21-0-0-0-{}",
}


class Redactor:
    """Learns sensitive values from a bundle's files, then replaces them in context."""

    def __init__(self) -> None:
        self._map: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        self._hosts: dict[str, str] = {}
        self._tenants: dict[str, str] = {}

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
        for match in _EVENT_COMPUTER.finditer(text):
            self._learn_host(match.group(1))
        # Tenant (organisation) names are then replaced wherever they stand, like host names.
        tenants = [m.group(2) for m in _TENANT_KEY.finditer(text)]
        tenants += [m.group(2) for m in _ORG_FOLDER.finditer(text)]
        tenants += [
            m.group(2)
            for m in _FIELD.finditer(text)
            if m.group(1).split(":")[0].strip().lower() in ("tenantname", "workplacetenantname")
        ]
        for name in tenants:
            name = name.strip()
            # Short names could be ordinary words ("Test"): those go only where they stand.
            if len(name) >= 5 and not _is_public(name):
                self._tenants[name.lower()] = self.placeholder("tenant", name)

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
        # A flat (NetBIOS) PC name is not learnt as a host name: it is replaced where it stands.
        text = _EVENT_COMPUTER.sub(lambda m: f"<Computer>{self._name(m.group(1))}</Computer>", text)
        text = _ACCOUNT_SID.sub(lambda m: self.placeholder("sid", m.group(0)), text)
        text = _REG_FIELD.sub(self._reg_field, text)
        text = _TENANT_KEY.sub(lambda m: m.group(1) + self.placeholder("tenant", m.group(2)), text)
        if self._hosts:
            hosts = sorted(self._hosts, key=len, reverse=True)
            pattern = re.compile(
                r"(?<![A-Za-z0-9.-])("
                + "|".join(re.escape(h) for h in hosts)
                + r")(?![A-Za-z0-9-])",
                re.IGNORECASE,
            )
            text = pattern.sub(lambda m: self._hosts[m.group(1).lower()], text)
        if self._tenants:
            names = sorted(self._tenants, key=len, reverse=True)
            pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE
            )
            text = pattern.sub(lambda m: self._tenants[m.group(1).lower()], text)
        return text

    def apply_hotfixes(self, text: str) -> str:
        """``hotfixes.txt``: also the Source / CSName / InstalledBy columns of its table."""
        text = _HOTFIX_LIST.sub(lambda m: m.group(1) + self._value(m.group(2)) + m.group(3), text)
        lines = text.split("\n")
        columns: list[tuple[int, str]] | None = None
        rows = 0
        for n, line in enumerate(lines):
            if "hotfixid" in line.lower() and not line.lstrip().lower().startswith("hotfixid :"):
                found = [(m.start(), m.group(0).lower()) for m in re.finditer(r"\S+", line)]
                named = {name for _, name in found}
                columns, rows = (found if named & _HOTFIX_COLUMNS else None), 0
                continue
            if not line.strip():
                if rows:
                    columns, rows = None, 0  # a blank line after the rows ends the table
                continue
            if columns is None or set(line.strip()) <= {"-", " "}:
                continue
            body, cr = (line[:-1], "\r") if line.endswith("\r") else (line, "")
            lines[n] = self._hotfix_row(body, columns) + cr
            rows += 1
        return "\n".join(lines)

    def _hotfix_row(self, line: str, columns: list[tuple[int, str]]) -> str:
        """One table row with its naming cells replaced, the column layout kept."""
        bounds = [0] + [start for start, _ in columns[1:]] + [len(line)]
        cells = []
        for i, (_, name) in enumerate(columns):
            cell = line[bounds[i] : bounds[i + 1]] if bounds[i] < len(line) else ""
            value = cell.strip()
            if name in _HOTFIX_COLUMNS and value:
                replaced = cell.replace(value, self._value(value), 1)
                # A longer placeholder still leaves one space before the next column.
                cell = replaced if len(replaced) <= len(cell) else replaced.rstrip() + " "
                cell = cell.ljust(len(line[bounds[i] : bounds[i + 1]]))
            cells.append(cell)
        return "".join(cells)

    def _reg_field(self, match: re.Match[str]) -> str:
        key = match.group(1)[1:].split('"', 1)[0].lower()
        value = match.group(2)
        if key in _CID_KEYS and value:
            return match.group(1) + self.placeholder("cid", value) + match.group(3)
        return match.group(1) + self._value(value, key) + match.group(3)

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
        if key in ("tenantname", "workplacetenantname"):
            return self.placeholder("tenant", value)
        if _WELL_KNOWN.match(value.strip()):
            return value
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


def _own_file(name: str) -> bool:
    """Whether ``name`` is one of a bundle's own files (docs/spec/bundle.md).

    Only those are redacted and copied; anything else in the folder is not the bundle's.
    """
    parts = name.split("/")
    if len(parts) == 1:
        return parts[0].lower() in BUNDLE_FILES
    return len(parts) == 2 and parts[0] == "registry" and parts[1].lower().endswith(".reg")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _redact_json(value: Any, redactor: Redactor, key: str = "") -> Any:
    """A parsed JSON document with every string (keys too) redacted as data.

    Parsed, not matched as text: a name written with a JSON escape is whole here.
    """
    if isinstance(value, str):
        if key.lower() in _CID_KEYS and value:
            return redactor.placeholder("cid", value)
        return redactor.apply(value)
    if isinstance(value, dict):
        return {redactor.apply(str(k)): _redact_json(v, redactor, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(item, redactor, key) for item in value]
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def redact_files(
    files: Mapping[str, bytes], mark: bool = False, redactor: Redactor | None = None
) -> tuple[dict[str, bytes], int]:
    """The bundle's own files of ``files``, redacted; and how many values were replaced.

    Each file is decoded once by the one decoder (``parsers.text``) and written back in the
    encoding it came in. JSON files are redacted as data and re-serialised (ASCII, so they
    write in any encoding). A file that is not text is left out: it could not be redacted, and
    unreadable evidence is ``unknown`` either way. ``mark`` sets the manifest's ``redacted``.
    ``redactor``: one to share, so that other text (the manifest's error lines) gets the same
    placeholders.
    """
    texts: dict[str, tuple[str, str]] = {}
    docs: dict[str, tuple[Any, str]] = {}
    for name in sorted(files):
        if not _own_file(name):
            continue
        try:
            text, encoding = decode_text_as(files[name], name)
        except InputError:
            continue
        if name.lower().endswith(".json"):
            try:
                docs[name] = (json.loads(text, parse_constant=_no_constant), encoding)
                continue
            except (ValueError, RecursionError):
                pass  # not readable as JSON: redacted as text, so nothing can hide in it
        texts[name] = (text, encoding)
    redactor = redactor if redactor is not None else Redactor()
    for text, _ in texts.values():
        redactor.learn(text)
    for doc, _ in docs.values():
        for string in _strings(doc):
            redactor.learn(string)
    out: dict[str, bytes] = {}
    for name, (text, encoding) in texts.items():
        redacted = redactor.apply(text)
        if name.lower() == "hotfixes.txt":
            redacted = redactor.apply_hotfixes(redacted)
        out[name] = files[name] if redacted == text else encode_text(redacted, encoding)
    for name, (doc, encoding) in docs.items():
        result = _redact_json(doc, redactor)
        if mark and name.lower() == "manifest.json" and isinstance(result, dict):
            result["redacted"] = True
        out[name] = encode_text(json.dumps(result, indent=2) + "\n", encoding)
    return out, redactor.count


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def redact_bundle(root: str | Path, redactor: Redactor | None = None) -> int:
    """Redact the bundle folder's own files in place; returns how many values were replaced.

    Only the files a bundle has (``registry/*.reg`` and the names of docs/spec/bundle.md), only
    regular files: a symbolic link is never followed (it could point anywhere), and a folder's
    other files are not the bundle's to rewrite.
    """
    folder = Path(root)
    files: dict[str, bytes] = {}
    candidates = [folder / name for name in BUNDLE_FILES]
    registry = folder / "registry"
    if registry.is_dir() and not registry.is_symlink():
        candidates += sorted(registry.iterdir())
    for path in candidates:
        name = path.relative_to(folder).as_posix()
        if _own_file(name) and _is_regular(path):
            files[name] = path.read_bytes()
    redacted, count = redact_files(files, redactor=redactor)
    for name, data in files.items():
        path = folder.joinpath(*name.split("/"))
        if name not in redacted:
            path.unlink()  # not text: it cannot be redacted, so it cannot stay
        elif redacted[name] != data:
            flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
            with os.fdopen(os.open(path, flags), "wb") as handle:
                handle.write(redacted[name])
    return count


def redact_copy(source: str | Path, out: str | Path) -> int:
    """``redact BUNDLE -o OUT``: a redacted copy of an existing bundle (folder or .zip).

    ``OUT`` must be missing or an empty folder (never a link); the copy is written to a
    temporary sibling and moved into place when complete. Raises ``InputError``.
    """
    from ._place import check_target, move_into_place
    from ._reader import open_bundle

    target = Path(os.path.abspath(out))
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        check_target(target, force=False)  # the message for a link or a file
    if target.is_dir() and any(target.iterdir()):
        raise InputError("exists and is not empty; give a new or empty folder", str(target))
    bundle = open_bundle(source)
    redacted, count = redact_files(bundle.files, mark=True)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        )
    except OSError as exc:
        raise InputError(f"cannot create the folder: {exc.strerror or exc}", str(target)) from exc
    try:
        for name, data in redacted.items():
            path = staging.joinpath(*name.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        move_into_place(staging, target, force=False)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"cannot write: {exc.strerror or exc}", str(target)) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count
