r"""``nltest /dsgetdc:<domain>`` output -> whether a domain controller of the domain answered.

The DC locator is the strongest sign that a PC is on its organisation's network (office or a VPN
that reaches a domain controller). Success lists the DC and ends with "The command completed
successfully"::

               DC: \\DC.contoso.com
          Address: \\10.0.1.2
         Dom Name: contoso.com
            Flags: PDC GC DS LDAP KDC ... CLOSE_SITE ...
    The command completed successfully

Failure prints one line, e.g. ``Getting DC name failed: Status = 1355 0x54b
ERROR_NO_SUCH_DOMAIN``. Both shapes are Microsoft's ("Domain-joined machines can't detect the
domain profile", SupportArticles-docs;
tests/fixtures/dsregcmd/nltest_dsgetdc_and_netconnectionprofile.txt).
Whether nltest is localised is unconfirmed (docs/knowledge/windows-client.md §9), so only the
ASCII shapes above are read; anything else is rejected rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

__all__ = ["NltestParseError", "NltestResult", "parse_nltest"]

# "Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN" (nltest's own wording).
# A line may sit in a quote or a list when pasted ("  - `Getting DC name failed: ...`"), but
# prose that merely mentions the error is not a result.
# The lead is skipped by ``_after_lead`` (a loop), not matched by a regex: "[\s>*`-]*" followed
# by "[A-Za-z ]*" backtracks quadratically over a run of blanks (issue 11 point 5), so these
# patterns are matched at the position after it.
_LEAD_MARKS = frozenset(">*`-")
_FAILED_RE = re.compile(
    r"[A-Za-z ]*failed:\s*Status\s*=\s*(?P<code>\d+)\s+(?P<hex>0x[0-9a-f]+)"
    r"(?:\s+(?P<name>[A-Z][A-Z0-9_]+))?",
    re.IGNORECASE | re.ASCII,
)
# "DsGetDcName function Failed with ERROR_NO_SUCH_DOMAIN" (the same doc's wording of the API).
_FAILED_WITH_RE = re.compile(
    r"DsGetDcName function failed with\s+(?P<name>ERROR_[A-Z0-9_]+)", re.IGNORECASE
)
_SUCCESS_RE = re.compile(r"The command completed successfully", re.IGNORECASE)
# "  Dom Name: contoso.com": the value is the rest of the line after one optional blank, trailing
# blanks dropped (by str.rstrip: a lazy ".*?\s*$" was quadratic on blank runs inside a value).
_FIELD_RE = re.compile(r"\s*(?P<key>[A-Za-z][A-Za-z ]{0,20}?)\s*:")
_COMMAND_RE = re.compile(r"/dsgetdc:\s*(?P<domain>[^\s/`'\"]+)", re.IGNORECASE)

# Win32 error names nltest prints for DsGetDcName failures (winerror.h), for the report when a
# line carries only the number.
_STATUS_NAMES = {
    1355: "ERROR_NO_SUCH_DOMAIN",
    1311: "ERROR_NO_LOGON_SERVERS",
    1722: "RPC_S_SERVER_UNAVAILABLE",
    1212: "ERROR_INVALID_DOMAINNAME",
    59: "ERROR_UNEXP_NET_ERR",
}


class NltestParseError(InputError):
    """The text is not ``nltest /dsgetdc`` output."""


@dataclass(frozen=True)
class NltestResult:
    r"""What ``nltest /dsgetdc:<domain>`` reported.

    ``dc_found`` is True when a domain controller answered. ``dc_name`` and ``dc_address`` are
    given without nltest's leading ``\\``. ``domain`` is the ``Dom Name`` of a success, or the
    domain named on an echoed command line. On failure ``status_code`` is the Win32 error
    number (1355) and ``status_name`` its name (ERROR_NO_SUCH_DOMAIN).
    """

    dc_found: bool
    dc_name: str | None = None
    dc_address: str | None = None
    domain: str | None = None
    forest: str | None = None
    dc_site: str | None = None
    client_site: str | None = None
    flags: tuple[str, ...] = ()
    status_code: int | None = None
    status_name: str | None = None
    status_line: str | None = None

    @property
    def summary(self) -> str:
        """One line for a report: the DC found, or nltest's failure status."""
        if self.dc_found:
            where = f" for {self.domain}" if self.domain else ""
            return f"nltest found domain controller {self.dc_name or '(unnamed)'}{where}"
        status = " ".join(
            part for part in (str(self.status_code or ""), self.status_name or "") if part
        )
        return f"nltest found no domain controller (Status = {status or 'failed'})"


def parse_nltest(text: str, source: str = "nltest.txt") -> NltestResult:
    """Parse ``nltest /dsgetdc`` output; raises ``NltestParseError`` for any other text.

    When the text holds several runs (a success and a later failure, say), the last one wins:
    it is the most recent answer.
    """
    command_domain: str | None = None
    fields: dict[str, str] = {}
    flags: tuple[str, ...] = ()
    result: NltestResult | None = None
    for line in text.splitlines():
        command = _COMMAND_RE.search(line)
        if command:
            command_domain = command.group("domain")
            fields = {}
            continue
        lead = _after_lead(line)
        failed = _FAILED_RE.match(line, lead)
        failed_with = None if failed else _FAILED_WITH_RE.match(line, lead)
        if failed or failed_with:
            code = int(failed.group("code")) if failed else None
            name = failed.group("name") if failed else None
            if failed_with:
                name = failed_with.group("name").upper()
            if name is None and code is not None:
                name = _STATUS_NAMES.get(code)
            result = NltestResult(
                dc_found=False,
                domain=command_domain,
                status_code=code,
                status_name=name,
                status_line=line.strip().strip("`").strip(),
            )
            fields = {}
            continue
        if _SUCCESS_RE.search(line):
            if "dc" in fields:
                flags = tuple(fields.get("flags", "").split())
                result = NltestResult(
                    dc_found=True,
                    dc_name=fields["dc"].lstrip("\\") or None,
                    dc_address=fields.get("address", "").lstrip("\\") or None,
                    domain=fields.get("dom name") or command_domain,
                    forest=fields.get("forest name") or None,
                    dc_site=fields.get("dc site name") or None,
                    client_site=fields.get("our site name") or None,
                    flags=flags,
                )
            fields = {}
            continue
        match = _FIELD_RE.match(line)
        if match:
            key = " ".join(match.group("key").lower().split())
            rest = line[match.end() :]
            value = (rest[1:] if rest[:1].isspace() else rest).rstrip()
            fields.setdefault(key, value)
    if result is None:
        raise NltestParseError(
            "not nltest /dsgetdc output (no domain controller listed and no "
            "'Getting DC name failed' status)",
            source,
        )
    return result


def _after_lead(line: str) -> int:
    """Where the text starts after the blanks and quote / list marks of a pasted line."""
    index = 0
    while index < len(line) and (line[index].isspace() or line[index] in _LEAD_MARKS):
        index += 1
    return index
