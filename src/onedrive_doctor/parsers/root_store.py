r"""``root-store.txt`` -> the trusted root certificates: SHA-1 thumbprint and subject.

Three outputs are read, whichever the helpdesk engineer ran:

* ``certutil -store root``: one block per certificate between
  ``================ Certificate N ================`` lines, with ``Issuer:``, ``Subject:`` and
  ``Cert Hash(sha1): <40 hex digits>`` (Windows 7 writes the hash as 20 space-separated bytes).
  certutil's labels follow the display language (German ``Zertifikat 0``, ``Aussteller:``,
  ``Antragsteller:``, ``Zertifikathash(sha1):``; French ``Émetteur:``, ``Objet:``,
  ``Hachage cert.(sha1):``), so a hash line is found by its ``(sha1)`` marker, which every
  language keeps, and the subject by its label, else as the second distinguished name of the
  block (certutil prints the issuer first, then the subject).
* ``Get-ChildItem Cert:\LocalMachine\Root`` (a ``Thumbprint  Subject`` table; the column
  names are property names, never translated; a subject may end in ``...`` when the table was
  cut to the console width).
* the same piped to ``Format-List`` (``Thumbprint : ...`` / ``Subject : ...``).

References:
- certutil -store: https://learn.microsoft.com/windows-server/administration/windows-commands/certutil#-store
- The Certificate provider (Cert: drive):
  https://learn.microsoft.com/powershell/module/microsoft.powershell.security/about/about_certificate_provider

"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

__all__ = ["RootCertificate", "RootStore", "RootStoreParseError", "parse_root_store"]

_MAX_CHARS = 8 * 1024 * 1024
_MAX_CERTIFICATES = 10_000

_SEPARATOR = re.compile(r"^=+\s*\S.*?\s*=+\s*$")
_HASH = re.compile(r"\(sha-?1\)\s*:\s*((?:[0-9a-fA-F]{2}\s?){20})\s*$", re.IGNORECASE)
# "Label: value" with a distinguished name as the value.
_DN_LINE = re.compile(r"^\s*([^:=]{1,60}?)\s*:\s*((?:CN|OU|O|C|E|DC|L|S|ST|SERIALNUMBER)=.*)$")
# The subject label in the languages certutil is shipped in that we have seen or that
# Microsoft's localized documentation shows; any other language falls back to position.
_SUBJECT_LABELS = frozenset(
    label.casefold()
    for label in (
        "Subject",
        "Antragsteller",  # German
        "Objet",  # French
        "Sujeto",  # Spanish
        "Soggetto",  # Italian
        "Onderwerp",  # Dutch
        "Assunto",  # Portuguese
        "Requerente",  # Portuguese (Portugal)
        "Podmiot",  # Polish
        "Subjekt",  # Czech, Swedish
        "Субъект",  # Russian
    )
)
_TABLE_ROW = re.compile(r"^\s*([0-9A-Fa-f]{40})\s+(\S.*?)\s*$")
_TABLE_HEADER = re.compile(r"^\s*Thumbprint\s+Subject\s*$", re.IGNORECASE)
_LIST_FIELD = re.compile(r"^\s*(Thumbprint|Subject)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_CERTUTIL_FAILED = re.compile(r"^\s*CertUtil:.*\bFAILED\b.*$", re.IGNORECASE | re.MULTILINE)


class RootStoreParseError(InputError):
    """The file is neither certutil's nor PowerShell's listing of the root store."""


@dataclass(frozen=True)
class RootCertificate:
    """One trusted root: its SHA-1 thumbprint (40 upper-case hex digits) and subject.

    ``truncated`` is true when PowerShell cut the subject to the console width (``...``).
    """

    thumbprint: str
    subject: str | None = None
    truncated: bool = False

    @property
    def common_name(self) -> str | None:
        """The subject's CN (the first one), as certutil and PowerShell print it."""
        if not self.subject:
            return None
        match = re.search(r"(?:^|,\s*)CN=((?:[^,\"]|\"[^\"]*\")*)", self.subject)
        return match.group(1).strip().strip('"') if match else None


@dataclass(frozen=True)
class RootStore:
    """The certificates of the store, in file order, and which command listed them."""

    certificates: tuple[RootCertificate, ...]
    source: str  # "certutil" or "powershell"

    @property
    def thumbprints(self) -> frozenset[str]:
        """Every thumbprint in the store."""
        return frozenset(cert.thumbprint for cert in self.certificates)

    def find(self, thumbprint: str) -> RootCertificate | None:
        """The certificate with ``thumbprint`` (any case, spaces allowed), or ``None``."""
        wanted = re.sub(r"\s", "", thumbprint).upper()
        return next((c for c in self.certificates if c.thumbprint == wanted), None)

    def named(self, common_name: str) -> list[RootCertificate]:
        """The certificates whose subject CN is ``common_name`` (any case)."""
        folded = common_name.casefold()
        return [c for c in self.certificates if (c.common_name or "").casefold() == folded]


def parse_root_store(text: str, source: str = "root-store.txt") -> RootStore:
    """Parse the root store listing; raises :class:`RootStoreParseError` when it is not one."""
    if len(text) > _MAX_CHARS:
        raise RootStoreParseError(
            f"too large for a root store listing ({len(text)} characters)", source
        )
    failed = _CERTUTIL_FAILED.search(text)
    if failed and not _HASH.search(text):
        raise RootStoreParseError(f"certutil failed: {failed.group(0).strip()}", source)
    lines = text.splitlines()
    if any(_HASH.search(line) for line in lines):
        certificates = _certutil(lines, source)
        kind = "certutil"
    elif any(_TABLE_HEADER.match(line) for line in lines):
        certificates = _table(lines, source)
        kind = "powershell"
    elif any(_LIST_FIELD.match(line) for line in lines):
        certificates = _list(lines, source)
        kind = "powershell"
    else:
        raise RootStoreParseError(
            "not a root store listing (expected `certutil -store root` or "
            "`Get-ChildItem Cert:\\LocalMachine\\Root` output)",
            source,
        )
    if not certificates:
        raise RootStoreParseError("the root store listing names no certificate", source)
    return RootStore(tuple(certificates), kind)


def _limit(found: list[RootCertificate], source: str) -> None:
    if len(found) > _MAX_CERTIFICATES:
        raise RootStoreParseError(f"more than {_MAX_CERTIFICATES} certificates", source)


def _certutil(lines: list[str], source: str) -> list[RootCertificate]:
    found: list[RootCertificate] = []
    names: list[tuple[str, str]] = []  # (label, distinguished name) of the current block
    for line in lines:
        if _SEPARATOR.match(line):
            names = []
            continue
        dn = _DN_LINE.match(line)
        if dn:
            names.append((dn.group(1).strip(), dn.group(2).strip()))
            continue
        digest = _HASH.search(line)
        if digest:
            found.append(RootCertificate(_hex(digest.group(1)), _subject(names)))
            names = []
            _limit(found, source)
    return found


def _subject(names: list[tuple[str, str]]) -> str | None:
    for label, value in names:
        if label.casefold() in _SUBJECT_LABELS:
            return value
    if len(names) >= 2:
        return names[1][1]
    return names[0][1] if names else None


def _table(lines: list[str], source: str) -> list[RootCertificate]:
    found: list[RootCertificate] = []
    for line in lines:
        row = _TABLE_ROW.match(line)
        if row:
            subject = row.group(2)
            cut = subject.endswith(("...", "\u2026"))
            found.append(RootCertificate(row.group(1).upper(), subject, cut))
            _limit(found, source)
    return found


def _list(lines: list[str], source: str) -> list[RootCertificate]:
    found: list[RootCertificate] = []
    thumbprint: str | None = None
    subject: str | None = None
    for line in [*lines, ""]:
        field = _LIST_FIELD.match(line)
        if field:
            name, value = field.group(1).casefold(), field.group(2)
            if name == "thumbprint" and re.fullmatch(r"[0-9A-Fa-f]{40}", value):
                thumbprint = value.upper()
            elif name == "subject":
                subject = value
            continue
        if not line.strip() and thumbprint is not None:
            found.append(RootCertificate(thumbprint, subject or None))
            thumbprint, subject = None, None
            _limit(found, source)
    return found


def _hex(text: str) -> str:
    return re.sub(r"\s", "", text).upper()
