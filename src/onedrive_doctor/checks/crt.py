"""CRT: the certificates on the PC (the trusted root store and automatic root update)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..evidence import Evidence
from ..fixes import Change, ManualStep, RunCommand, Safety, Shell
from ..knowledge.microsoft_pki import (
    DOCUMENTED_ROOTS,
    PKI_REPOSITORY,
    RootCa,
    common_name,
    documented_root,
    is_microsoft_issuer,
)
from ..model import Fix, Outcome
from ..parsers.root_store import RootStore
from ..probes.results import ScanResult
from ._common import not_windows
from ._windows import exported

__all__ = ["AUTHROOT_POLICY_KEY", "root_store_incomplete"]

# The policy behind "Turn off Automatic Root Certificates Update" (Computer Configuration >
# Administrative Templates > System > Internet Communication Management > Internet
# Communication settings): DisableRootAutoUpdate=1 stops Windows fetching roots from Windows
# Update ("Configure Trusted Roots and Disallowed Certificates", Microsoft Learn).
AUTHROOT_POLICY_KEY = r"HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot"
_TRUSTED_ROOTS_DOC = (
    "https://learn.microsoft.com/windows-server/identity/ad-cs/"
    "configure-trusted-roots-disallowed-certificates"
)
_GPO_SETTING = "Turn off Automatic Root Certificates Update"
_GPO_PATH = (
    "Computer Configuration > Administrative Templates > System > Internet Communication "
    "Management > Internet Communication settings"
)
_ROOT_FILE = "root-store.txt"
_COMMAND = "certutil -store root"


@dataclass(frozen=True)
class _Required:
    """A root the endpoints need: its name, known thumbprint and why it is needed."""

    name: str
    root: RootCa | None
    why: str


def root_store_incomplete(ev: Evidence) -> Outcome:
    r"""The root the sign-in endpoints chain to is missing while automatic root update is off.

    What it checks:
        Which root CA the required endpoints' certificate chains end in: from the bundle's TLS
        scan when it has one (the issuer of the last certificate of each chain), else
        Microsoft's documented root for Microsoft 365 and Entra ID, DigiCert Global Root G2
        (SHA-1 DF3C24F9BFD666761B268073FE06D1CC8D4F82A4). Fails when that root (matched by its
        SHA-1 thumbprint) is not in the PC's Trusted Root Certification Authorities store and
        the policy `DisableRootAutoUpdate`=1 under
        HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot has switched automatic root
        update off. A missing root with automatic update on passes: Windows fetches a root from
        Windows Update the first time a chain needs it.

    Why it matters:
        Without the root, Windows cannot build a trusted chain to login.microsoftonline.com or
        the OneDrive hosts: the TLS handshake fails on the PC's side (Schannel sends alert 48
        unknown_ca) and OneDrive shows 0x8004de40. With automatic root update off (a hardening
        GPO, an isolated network), a root Microsoft moved to (DigiCert Global Root G2 for
        Azure and Microsoft 365) never arrives.

    Evidence:
        root-store.txt (`certutil -store root`, or `Get-ChildItem Cert:\LocalMachine\Root`;
        localized certutil output is read), registry/ with the AuthRoot policy key, and the TLS
        scans' certificate chains in probes.json when present.

    Fix:
        Import the root: download it from DigiCert's root certificate page or Microsoft's PKI
        repository, check its SHA-1 thumbprint, then `certutil -addstore root <file>` in an
        elevated prompt (or distribute it by Group Policy, Computer Configuration > Windows
        Settings > Security Settings > Public Key Policies > Trusted Root Certification
        Authorities). Then have the GPO setting "Turn off Automatic Root Certificates Update"
        set back to Not Configured or Disabled, or keep the store current another way.

    Fix safety:
        Manual: adding a trusted root is a security decision an administrator takes after
        checking the certificate's thumbprint, and the automatic-update switch is a Group
        Policy (a local edit would be reverted at the next refresh). Needs admin rights.

    References:
        - Azure Certificate Authority details (the roots and their thumbprints):
          https://learn.microsoft.com/azure/security/fundamentals/azure-ca-details
        - Configure Trusted Roots and Disallowed Certificates (DisableRootAutoUpdate):
          https://learn.microsoft.com/windows-server/identity/ad-cs/configure-trusted-roots-disallowed-certificates
        - certutil -addstore: https://learn.microsoft.com/windows-server/administration/windows-commands/certutil#-addstore

    """
    store = _store(ev)
    if isinstance(store, Outcome):
        return store
    required, basis = _required_roots(ev)
    auto_update, policy_text = _auto_update(ev)
    present: list[str] = []
    missing: list[_Required] = []
    for need in required:
        found = _find(store, need)
        if found:
            present.append(f"{need.name} ({found})")
        else:
            missing.append(need)
    evidence: dict[str, Any] = {
        "required": [
            {"name": n.name, "sha1": n.root.sha1 if n.root else None, "why": n.why}
            for n in required
        ],
        "basis": basis,
        "store": {"certificates": len(store.certificates), "listed_by": store.source},
        "auto_update": auto_update,
        "policy": policy_text,
    }
    if not missing:
        return Outcome.passed(
            f"The PC's root store ({len(store.certificates)} certificates, {store.source}) holds "
            f"{', '.join(present)}, the root {basis}.",
            **evidence,
        )
    names = ", ".join(_label(n) for n in missing)
    evidence["missing"] = [n.name for n in missing]
    if auto_update is True:
        return Outcome.passed(
            f"{names} is not in the PC's root store ({len(store.certificates)} certificates), "
            f"but automatic root update is on ({policy_text}): Windows fetches the root from "
            "Windows Update the first time a chain needs it (ctldl.windowsupdate.com must be "
            "reachable).",
            **evidence,
        )
    if auto_update is None:
        return Outcome.unknown(
            f"{names} is not in the PC's root store ({len(store.certificates)} certificates), "
            f"and whether automatic root update is off is unknown: {policy_text} (needs "
            f"registry/: {AUTHROOT_POLICY_KEY})",
            **evidence,
        )
    return Outcome.failed(
        f"{' and '.join(n.name for n in missing)} is missing from the PC's root store and "
        "automatic root update is off, so Windows cannot trust the sign-in endpoints' "
        f"certificates and the TLS handshake fails on the PC's side. Missing: {names}, the root "
        f"{basis}; the store lists {len(store.certificates)} certificates ({store.source}); "
        f"{policy_text}.",
        fix=_fix(missing),
        **evidence,
    )


def _store(ev: Evidence) -> RootStore | Outcome:
    parsed = ev.root_store
    if parsed.value is not None:
        return parsed.value
    if parsed.problem is not None:
        return Outcome.unknown(f"unreadable evidence: {parsed.problem}")
    other = not_windows(ev)
    if other is not None:
        return other
    if _ROOT_FILE in ev.unavailable:
        return Outcome.not_applicable(
            f"{ev.unavailable[_ROOT_FILE]} does not exist on this Windows (unavailable.txt)"
        )
    return Outcome.unknown(
        f"no {_ROOT_FILE} in this bundle, so the PC's trusted roots are unknown (needs "
        f"`{_COMMAND}` or `Get-ChildItem Cert:\\LocalMachine\\Root`)"
    )


def _required_roots(ev: Evidence) -> tuple[list[_Required], str]:
    """The roots the endpoints' chains end in (from the scan), else the documented default."""
    found: dict[str, _Required] = {}
    net = ev.network
    for scan in net.of("tls_scan") if net is not None else ():
        if not scan.ok:
            continue
        chain = scan.read(ScanResult).certificate_chain
        if not chain:
            continue
        last = chain[-1]
        issuer = last.issuer or last.subject
        name = common_name(issuer) if issuer else None
        # A chain that does not end in Microsoft's PKI is re-signed on the path: TLS002's
        # finding, not a root this PC should import.
        if not name or not issuer or not is_microsoft_issuer(issuer):
            continue
        host = scan.target.rsplit(":", 1)[0]
        if name.casefold() not in found:
            found[name.casefold()] = _Required(
                name, documented_root(name), f"that {host}'s chain ends in (TLS scan)"
            )
    if found:
        return list(found.values()), "the scanned endpoints' chains end in (TLS scan)"
    default = DOCUMENTED_ROOTS[0]
    why = (
        "Microsoft documents for Microsoft 365 and Entra ID endpoints (assumed: the bundle has "
        "no TLS scan with a certificate chain)"
    )
    return [_Required(default.name, default, why)], why


def _find(store: RootStore, need: _Required) -> str | None:
    """How ``need`` was found in the store (its thumbprint), or ``None``."""
    if need.root is not None:
        cert = store.find(need.root.sha1)
        return f"SHA-1 {cert.thumbprint}" if cert else None
    # A root whose thumbprint we do not carry is matched on its subject's common name.
    named = store.named(need.name)
    return f"SHA-1 {named[0].thumbprint}, matched by name" if named else None


def _label(need: _Required) -> str:
    return f"{need.name} (SHA-1 {need.root.sha1})" if need.root else need.name


def _auto_update(ev: Evidence) -> tuple[bool | None, str]:
    """Whether automatic root update is on (True), off (False) or unknown (None), and why."""
    registry = ev.registry
    problem = _policy_problem(ev)
    if problem is not None:
        return None, f"the AuthRoot policy export is unreadable ({problem})"
    if registry is not None:
        value = registry.value(AUTHROOT_POLICY_KEY, "DisableRootAutoUpdate")
        if value is not None:
            data = value.data
            if isinstance(data, int) and not isinstance(data, bool):
                state = "off" if data == 1 else "on"
                return data != 1, (
                    f"DisableRootAutoUpdate={data} at {AUTHROOT_POLICY_KEY}: automatic root "
                    f"update is {state}"
                )
            return None, (
                f"DisableRootAutoUpdate at {AUTHROOT_POLICY_KEY} is not a REG_DWORD ({data!r})"
            )
        if registry.has_key(AUTHROOT_POLICY_KEY):
            return True, f"no DisableRootAutoUpdate at {AUTHROOT_POLICY_KEY} (the default: on)"
        if exported(registry, AUTHROOT_POLICY_KEY):  # an ancestor was exported without it
            return True, f"{AUTHROOT_POLICY_KEY} does not exist (the default: on)"
    if ev.key_absent(AUTHROOT_POLICY_KEY) or _absent_under_export(ev) or _absent_by_note(ev):
        return True, f"{AUTHROOT_POLICY_KEY} does not exist (the default: on)"
    return None, f"{AUTHROOT_POLICY_KEY} was not exported"


def _absent_by_note(ev: Evidence) -> bool:
    """reg.exe wrote "unable to find" into the AuthRoot export, whatever the file's stem.

    The collector names the file (collect/plan.py); a stem it does not list there is still
    recognised by "authroot" in its name.
    """
    return any(
        name.startswith("registry/")
        and "authroot" in name.casefold()
        and "does not exist on the PC" in note
        for name, note in ev.notes.items()
    )


def _absent_under_export(ev: Evidence) -> bool:
    """reg.exe said an ancestor of the policy key does not exist, so the key does not either."""
    parts = AUTHROOT_POLICY_KEY.split("\\")
    return any(ev.key_absent("\\".join(parts[:n])) for n in range(3, len(parts)))


def _policy_problem(ev: Evidence) -> str | None:
    for name, reason in sorted(ev.problems.items()):
        if name.startswith("registry/") and "authroot" in name.casefold():
            return reason
    return None


def _import_steps(need: _Required) -> tuple[Change, ...]:
    """Download the root, check it, import it with certutil (undo: delete it again)."""
    root = need.root
    link = root.download if root is not None else PKI_REPOSITORY
    check = f", check that its SHA-1 thumbprint is {root.sha1}" if root else ""
    file_name = need.name.replace(" ", "") + ".crt"
    undo = f"certutil -delstore root {root.sha1}" if root else None
    return (
        ManualStep(
            f"Download {need.name} as {file_name}{check}, from",
            link=link,
            needs_admin=True,
        ),
        RunCommand(
            f'certutil -addstore root "{file_name}"',
            Shell.CMD,
            undo=undo,
            undo_why=None if undo else "the root's thumbprint is not known before it is imported",
            needs_admin=True,
            safety=Safety.MANUAL,
            how="Import it in an elevated Command Prompt, in the folder of the file: {command} "
            "Or distribute it by Group Policy: Computer Configuration > Windows Settings > "
            "Security Settings > Public Key Policies > Trusted Root Certification Authorities.",
        ),
    )


def _fix(missing: list[_Required]) -> Fix:
    steps: list[Change] = [step for need in missing for step in _import_steps(need)]
    steps.append(
        ManualStep(
            f'Have the Group Policy setting "{_GPO_SETTING}" ({_GPO_PATH}) set back to Not '
            "Configured or Disabled (it writes DisableRootAutoUpdate under "
            f"{AUTHROOT_POLICY_KEY}; a local edit is reverted at the next policy refresh), or "
            "keep the root store current by policy if the network cannot reach Windows Update; "
            "how",
            link=_TRUSTED_ROOTS_DOC,
            needs_admin=True,
        )
    )
    return Fix(
        f"Import {' and '.join(n.name for n in missing)} into the Trusted Root Certification "
        "Authorities store and turn automatic root update back on",
        tuple(steps),
        safety=Safety.MANUAL,
        needs_admin=True,
    )
