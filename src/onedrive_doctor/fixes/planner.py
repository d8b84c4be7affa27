r"""Findings -> one ordered plan of typed changes (pure: no I/O, no clock).

:func:`plan_fixes` takes the failing findings in the order "What to do" gives them
(:mod:`onedrive_doctor.report._priority`: root causes first, then the article's order) and turns
each check's :class:`~onedrive_doctor.model.Fix` into plan steps: the registry writes and
commands the check already carries, with their ``before`` values read again from the evidence's
registry, and per check the rules of issue 12:

- WHT001 and INE001 *add* TLS 1.2 (0x800) to the mask in force and keep the other TLS bits;
  SSL 2.0 / 3.0 bits are dropped, TLS 1.0 / 1.1 are added only with ``legacy_tls``.
- SCH002 / SCH003 put the AFD-compatible suites this build implements on top:
  ``Enable-TlsCipherSuite -Position 0`` on Windows 10 and later (undone by putting the suite
  back), the local ``Functions`` list before that.
- A value under ``...\Policies\...`` is never written here: Group Policy would put it back at
  its next refresh. A manual step says exactly what to put in the policy (the list to paste,
  within the 1,023 characters the policy allows) and how to find the GPO (``gpresult /h``).
- IDN001: restart first; ``dsregcmd /leave`` + ``/join`` only when IDN004 shows the
  organisation's network.
- ODC002 / ODC003: reset OneDrive; the Office identity cache is moved aside, never deleted.

Every plan is checked against the safety invariants (:func:`unsafe_steps`): no SSL 2.0 / 3.0,
no RC4, 3DES, DES, NULL, EXPORT or anonymous suite, nothing that switches TLS 1.2 / 1.3 off. A
plan that would break one raises ``ValueError``: that is a bug, never something to apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..evidence import Evidence
from ..knowledge.windows_families import PROTOCOL_BITS
from ..model import Finding, Status
from ..registry.regfile import Registry, normalize_key
from ..tls import ProtocolVersion
from ..tls.suites import by_name
from ..windows.client_model import (
    LOCAL_SSL_KEY,
    POLICY_SSL_KEY,
    ClientProfile,
)
from .changes import (
    ABSENT,
    UNKNOWN,
    Before,
    Change,
    DeleteKey,
    DeleteValue,
    ManualStep,
    RunCommand,
    SetValue,
    Shell,
    ValueType,
    split_hive,
)
from .plan import Plan, PlanStep, Skipped

__all__ = ["GPRESULT_STEP", "POLICY_LIMIT", "plan_fixes", "unsafe_steps"]

#: "The list is limited to 1,023 characters" (manage-tls, docs/knowledge/windows-tls.md §4.6).
POLICY_LIMIT = 1023
#: How an administrator finds the GPO that sets a value: the Resultant Set of Policy report
#: (gpresult, https://learn.microsoft.com/windows-server/administration/windows-commands/gpresult).
GPRESULT_STEP = (
    "To find the GPO that sets it, run `gpresult /h report.html` in an elevated Command Prompt "
    "and open report.html: Computer Details > Settings names the winning GPO next to the "
    "setting. If it is the local policy, gpedit.msc changes it; if a domain GPO, its owner must."
)

_SSL_BITS = PROTOCOL_BITS[ProtocolVersion.SSLv2] | PROTOCOL_BITS[ProtocolVersion.SSLv3]
_TLS12_BIT = PROTOCOL_BITS[ProtocolVersion.TLSv1_2]
_LEGACY_BITS = PROTOCOL_BITS[ProtocolVersion.TLSv1_0] | PROTOCOL_BITS[ProtocolVersion.TLSv1_1]
_NO_LOCAL_FIX = {
    "OS001": "no local fix exists: no setting makes this Windows meet the front door's TLS "
    "policy; upgrade Windows",
    "OS002": "no local fix exists: this Windows is out of support; upgrade Windows",
}
# Office's sign-in caches, per user: moved aside (never deleted) so Office and OneDrive build
# new ones at the next sign-in, and undo can move them back.
_IDENTITY_CACHES = ("IdentityCache", "OneAuth")
_ASIDE = ".onedrive-doctor-aside"


def plan_fixes(
    findings: Iterable[Finding], evidence: Evidence, *, legacy_tls: bool = False
) -> Plan:
    """The ordered plan for every failing check of ``findings``.

    ``legacy_tls``: also tick TLS 1.0 and 1.1 where a mask is written (WinHTTP, Internet
    Options), as the article's "tick all three" does; off by default, since TLS 1.2 is enough.
    """
    from ..report._priority import plan_fixes as priority

    everything = list(findings)
    by_id = {f.id: f for f in everything}
    builder = _Builder(evidence, by_id, legacy_tls)
    for planned in priority(everything):
        builder.add(planned.finding)
    plan = builder.plan()
    problems = unsafe_steps(plan, evidence)
    if problems:
        raise ValueError("the plan breaks a safety rule: " + "; ".join(problems))
    return plan


class _Builder:
    def __init__(self, evidence: Evidence, by_id: dict[str, Finding], legacy_tls: bool) -> None:
        self.ev = evidence
        self.by_id = by_id
        self.legacy = legacy_tls
        self.registry = evidence.registry or Registry()
        self.profile: ClientProfile | None = evidence.profile.value
        self.steps: list[PlanStep] = []
        self.skipped: list[Skipped] = []
        self.restart_for: list[str] = []

    # --- the result ---------------------------------------------------------------------------

    def plan(self) -> Plan:
        return Plan(tuple(self.steps), tuple(self.skipped), self._after())

    def _after(self) -> tuple[str, ...]:
        if not self.steps:
            return ()
        after = []
        restart = [s for s in self.steps if s.needs_restart]
        if restart:
            checks = ", ".join(dict.fromkeys(s.check_id for s in restart))
            readers = ", ".join(dict.fromkeys(_reader(s) for s in restart))
            after.append(
                f"Restart Windows, once, after the steps above ({checks}): they take effect at "
                f"start ({readers}; Enable-TlsCipherSuite needs no restart)."
            )
        elif any(s.hive is not None or s.is_command for s in self.steps):
            after.append("Quit OneDrive and start it again, so it opens new connections.")
        if self._failing("OS001"):
            after.append(
                "These steps set this PC's TLS right, but while OS001 stands no setting lets "
                "this Windows sign in: upgrade Windows (OS001)."
            )
        after.append("Then sign in to OneDrive again.")
        return tuple(after)

    def _step(self, check_id: str, change: Change) -> None:
        key = _identity(change)
        if key is not None:
            for index, step in enumerate(self.steps):
                if _identity(step.change) == key:
                    if check_id != step.check_id and check_id not in step.also:
                        self.steps[index] = PlanStep(
                            step.check_id, step.change, (*step.also, check_id)
                        )
                    return
        self.steps.append(PlanStep(check_id, change))

    def _skip(self, check_id: str, reason: str) -> None:
        self.skipped.append(Skipped(check_id, reason))

    def _failing(self, check_id: str) -> bool:
        found = self.by_id.get(check_id)
        return found is not None and found.status is Status.FAIL

    # --- per check ----------------------------------------------------------------------------

    def add(self, finding: Finding) -> None:
        fix = finding.fix
        check = finding.id
        if check in _NO_LOCAL_FIX:
            self._skip(check, _NO_LOCAL_FIX[check])
            return
        if fix is None:
            self._skip(check, "the check gives no fix")
            return
        special = {
            "SCH002": self._suites,
            "SCH003": self._suites,
            "SCH004": self._policy_override,
            "SCH006": self._curves,
            "SCH008": self._malformed_list,
            "WHT001": self._winhttp,
            "WHT002": self._kb3140245,
            "INE001": self._internet_options,
            "IDN001": self._join,
            "ODC002": self._reset,
            "ODC003": self._oneauth,
        }.get(check)
        if special is not None:
            special(finding)
            return
        self._typed(finding)

    def _typed(self, finding: Finding, *, keep_manual: bool = False) -> None:
        """The fix's registry writes and commands as they are (``before`` read again)."""
        assert finding.fix is not None
        added = 0
        for change in finding.fix.changes:
            if isinstance(change, ManualStep):
                if keep_manual:
                    self._step(finding.id, change)
                    added += 1
                continue
            self._step(finding.id, self._refresh(change))
            added += 1
        if not added:
            self._skip(finding.id, f"no change the tool can make: {finding.fix.title}")

    def _refresh(self, change: Change) -> Change:
        """A registry change with its ``before`` read from the evidence's registry."""
        if isinstance(change, SetValue):
            return _replace_before(change, self._before(change.full_key, change.name))
        if isinstance(change, DeleteValue):
            return DeleteValue(
                change.hive,
                change.key,
                change.name,
                before=self._before(change.full_key, change.name),
                needs_restart=change.needs_restart,
                safety=change.safety,
                how=change.how,
            )
        return change

    def _before(self, key: str, name: str) -> Before:
        """The data the bundle shows; absent when an export covers the key; else unknown."""
        from ..checks._windows import registry_before

        before = registry_before(self.registry, key, name)
        return ABSENT if before is UNKNOWN and self.ev.key_absent(key) else before

    def _set_functions(self, check_id: str, functions: tuple[str, ...]) -> None:
        """Plan the local Schannel suite list (``Functions``, REG_MULTI_SZ) as ``functions``."""
        hive, path = split_hive(normalize_key(LOCAL_SSL_KEY))
        self._step(
            check_id,
            SetValue(
                hive,
                path,
                "Functions",
                ValueType.REG_MULTI_SZ,
                functions,
                before=self._before(LOCAL_SSL_KEY, "Functions"),
                needs_restart=True,
            ),
        )

    def _set_dword(
        self,
        check_id: str,
        change: SetValue,
        target: int,
        *,
        needs_restart: bool = False,
        how: str | None = None,
    ) -> None:
        """Plan the value a check's ``change`` names as the DWORD ``target``, at its safety."""
        self._step(
            check_id,
            SetValue(
                change.hive,
                change.key,
                change.name,
                ValueType.REG_DWORD,
                target,
                before=self._before(change.full_key, change.name),
                needs_restart=needs_restart,
                safety=change.safety,
                how=how,
            ),
        )

    # SCH002 / SCH003: the suites on top.
    def _suites(self, finding: Finding) -> None:
        assert finding.fix is not None
        changes = finding.fix.changes
        if any(isinstance(c, (RunCommand, DeleteValue, SetValue)) for c in changes):
            self._typed(finding)
            return
        profile = self.profile
        wanted = _wanted_suites(finding, profile)
        if profile is None or not wanted:
            self._skip(finding.id, f"no local fix: {finding.fix.title}")
            return
        if profile.cipher_source == "policy":
            self._policy_list(finding.id, _spelled(profile, wanted), profile.listed_suites)
            return
        # Before Windows 10 there are no TLS cmdlets: the local list Enable-TlsCipherSuite
        # would edit is the REG_MULTI_SZ Functions under ...\Configuration\Local\SSL\00010002.
        listed = [*_spelled(profile, wanted)]
        current = self.registry.value(LOCAL_SSL_KEY, "Functions")
        if current is not None and isinstance(current.data, (tuple, str)):
            # What the list holds stays after them as written, minus the weak suites.
            names = current.data if isinstance(current.data, tuple) else (current.data,)
            listed.extend(n.strip() for n in names if _allowed_spelled(n))
        else:
            listed.extend(_spelled(profile, [s for s in profile.listed_suites if _allowed(s)]))
        self._set_functions(finding.id, tuple(dict.fromkeys(listed)))

    def _policy_list(self, check: str, first: Sequence[str], rest: Iterable[str]) -> None:
        """A manual step with the exact 'SSL Cipher Suite Order' list to paste."""
        profile = self.profile
        names = list(first)
        if profile is not None:
            names += _spelled(profile, [s for s in rest if _allowed(s)])
        text = _fit(list(dict.fromkeys(names)), POLICY_LIMIT)
        self._step(
            check,
            ManualStep(
                "A Group Policy owns the cipher suite order (Functions at "
                f"{POLICY_SSL_KEY}), so the tool does not edit it: the next policy refresh "
                "would put it back. Set Computer Configuration > Administrative Templates > "
                "Network > SSL Configuration Settings > SSL Cipher Suite Order to Enabled with "
                f"this list ({len(text)} of at most {POLICY_LIMIT:,} characters): {text}",
                link="https://learn.microsoft.com/windows-server/security/tls/manage-tls",
                needs_admin=True,
                needs_restart=True,
            ),
        )
        self._step(check, ManualStep(GPRESULT_STEP, needs_admin=True))

    def _policy_override(self, finding: Finding) -> None:
        if self._failing("SCH002") or self._failing("SCH003"):
            self._skip("SCH004", "the policy list is handled by SCH002 / SCH003's policy step")
        else:
            self._skip(
                "SCH004",
                "nothing to change for sign-in: the Group Policy list already lets this PC "
                "reach the front door (its owner decides the rest)",
            )

    def _curves(self, finding: Finding) -> None:
        profile = self.profile
        if profile is not None and profile.curve_source == "policy":
            curves = ["NistP256", "NistP384", *profile.curves]
            self._step(
                finding.id,
                ManualStep(
                    "A Group Policy owns the curve order (EccCurves at "
                    f"{POLICY_SSL_KEY}), so the tool does not edit it. Set Computer "
                    "Configuration > Administrative Templates > Network > SSL Configuration "
                    "Settings > ECC Curve Order to Enabled with these curves, one per line: "
                    + ", ".join(dict.fromkeys(curves)),
                    link="https://learn.microsoft.com/windows-server/security/tls/manage-tls",
                    needs_admin=True,
                    needs_restart=True,
                ),
            )
            self._step(finding.id, ManualStep(GPRESULT_STEP, needs_admin=True))
            return
        self._typed(finding)

    def _malformed_list(self, finding: Finding) -> None:
        profile = self.profile
        if profile is None:
            self._skip(finding.id, "the Windows build is unknown")
            return
        usable = [s for s in profile.listed_suites if _allowed(s)]
        policy_list = self.registry.value(POLICY_SSL_KEY, "Functions")
        # The check computes the local rewrites itself (a curve list without its spaced
        # elements, a suite list without the names this build lacks): take those as they are,
        # and add the policy's list, which only an admin can change, when a policy sets one.
        assert finding.fix is not None
        writes = [c for c in finding.fix.changes if isinstance(c, (SetValue, DeleteValue))]
        if writes:
            for change in writes:
                self._step(finding.id, self._refresh(change))
            if policy_list is not None and usable:
                self._policy_list(finding.id, [], usable)
            return
        if policy_list is None and self.registry.value(LOCAL_SSL_KEY, "Functions") is None:
            # Not the suite list (e.g. the curve policy): the check's own steps say what to set.
            self._typed(finding, keep_manual=True)
            return
        if policy_list is not None or self.registry.value(LOCAL_SSL_KEY, "Functions") is None:
            if not usable:
                self._skip(finding.id, "no suite this Windows can use is left to list")
                return
            self._policy_list(finding.id, [], usable)
            return
        if not usable:
            self._skip(finding.id, "the local list names no suite this Windows can use")
            return
        self._set_functions(finding.id, tuple(dict.fromkeys(_spelled(profile, usable))))

    # WHT001 / WHT002: WinHTTP's DefaultSecureProtocols.
    def _winhttp(self, finding: Finding) -> None:
        assert finding.fix is not None
        profile = self.profile
        writes = [c for c in finding.fix.changes if isinstance(c, SetValue)]
        if not writes or profile is None:
            self._typed(finding)
            return
        if profile.kb3140245 is False and not self._failing("WHT002"):
            self._kb3140245(finding)
        for change in writes:
            view = "wow64" if "\\WOW6432NODE\\" in change.full_key.upper() else "native"
            value = self.registry.value(change.full_key, change.name)
            current = (
                value.data
                if value is not None and isinstance(value.data, int)
                else profile.winhttp.get(view, profile.family.winhttp_default_protocols)
            )
            self._set_dword(finding.id, change, self._gains_tls12(current), needs_restart=True)

    def _gains_tls12(self, mask: int) -> int:
        """``mask`` with TLS 1.2, without SSL 2.0 / 3.0, with TLS 1.0 / 1.1 only if asked."""
        target = (mask & ~_SSL_BITS) | _TLS12_BIT
        return target | _LEGACY_BITS if self.legacy else target

    def _kb3140245(self, finding: Finding) -> None:
        from ..checks.wht import KB3140245_CATALOG, KB3140245_URL

        self._step(
            "WHT002",
            ManualStep(
                "Install update KB3140245 (Windows Update lists it as Recommended; or the "
                f"Microsoft Update Catalog: {KB3140245_CATALOG}), then restart Windows: "
                "without it WinHTTP ignores DefaultSecureProtocols. Reinstall it after adding a "
                "language pack.",
                link=KB3140245_URL,
                needs_admin=True,
                needs_restart=True,
            ),
        )

    # INE001: Internet Options' SecureProtocols.
    def _internet_options(self, finding: Finding) -> None:
        assert finding.fix is not None
        writes = [c for c in finding.fix.changes if isinstance(c, SetValue)]
        profile = self.profile
        if not writes or profile is None:
            # A policy sets it: the check's steps say which policy; add how to find the GPO.
            self._typed(finding, keep_manual=True)
            self._step(finding.id, ManualStep(GPRESULT_STEP, needs_admin=True))
            return
        for change in writes:
            self._set_dword(finding.id, change, self._gains_tls12(profile.wininet), how=change.how)

    # IDN001: restart first; leave / join only on the organisation's network.
    def _join(self, finding: Finding) -> None:
        assert finding.fix is not None
        self._step(
            finding.id,
            ManualStep(
                "Restart the PC while it is on the organisation's network (office, or a VPN "
                "that reaches a domain controller), sign in, and run `dsregcmd /status`: "
                "Windows retries the hybrid join at sign-in. Go on only if it still shows "
                "AzureAdJoined : NO.",
                needs_restart=True,
            ),
        )
        commands = [c for c in finding.fix.changes if isinstance(c, RunCommand)]
        dc = self.by_id.get("IDN004")
        if commands and dc is not None and dc.status is Status.PASS:
            for command in commands:
                self._step(finding.id, command)
            return
        why = (
            "no domain controller answers (IDN004)"
            if dc is not None and dc.status is Status.FAIL
            else "the bundle does not show that a domain controller answers (IDN004)"
        )
        self._step(
            finding.id,
            ManualStep(
                f"Do not run `dsregcmd /leave` now: {why}; off the organisation's network a "
                "leave would leave the device unjoined. Run `onedrive-doctor fix` again there: "
                "the leave / join step is planned once a domain controller answers."
            ),
        )

    # ODC002 / ODC003: reset OneDrive; the identity cache moved aside.
    def _reset(self, finding: Finding) -> None:
        assert finding.fix is not None
        windows = any(
            isinstance(c, RunCommand) and c.shell is Shell.CMD for c in finding.fix.changes
        )
        if windows:
            self._caches(finding.id)
        self._typed(finding, keep_manual=False)

    def _oneauth(self, finding: Finding) -> None:
        self._caches(finding.id)
        self._typed(finding)

    def _caches(self, check: str) -> None:
        self._step(
            check,
            ManualStep(
                "Quit OneDrive and close the Office apps (Outlook, Teams, Word, Excel) before "
                "the identity caches are moved aside."
            ),
        )
        for name in _IDENTITY_CACHES:
            here = rf"$env:LOCALAPPDATA\Microsoft\{name}"
            aside = f"{name}{_ASIDE}"
            self._step(
                check,
                RunCommand(
                    f'if (Test-Path -LiteralPath "{here}") {{ Rename-Item -LiteralPath '
                    f'"{here}" -NewName "{aside}" }}',
                    Shell.POWERSHELL,
                    undo=f'if (Test-Path -LiteralPath "{here}{_ASIDE}") {{ Rename-Item '
                    f'-LiteralPath "{here}{_ASIDE}" -NewName "{name}" }}',
                    how="As the signed-in user, in PowerShell: {command}",
                ),
            )


# --- helpers -----------------------------------------------------------------------------------


def _reader(step: PlanStep) -> str:
    """What reads a step's setting only at start, for the closing restart line."""
    change = step.change
    key = change.full_key.upper() if isinstance(change, (SetValue, DeleteValue, DeleteKey)) else ""
    if "\\WINHTTP" in key:
        return "WinHTTP"
    if "\\SCHANNEL" in key or "\\CRYPTOGRAPHY\\" in key:
        return "Schannel"
    if isinstance(change, RunCommand) and "TlsEccCurve" in change.command:
        return "Schannel's curve list"
    if step.check_id.startswith("IDN"):
        return "the device join"
    if step.check_id == "WHT002":
        return "the KB3140245 update"
    if isinstance(change, ManualStep) and "Group Policy" in change.text:
        return "Group Policy"
    return "Windows"


def _identity(change: Change) -> tuple[str, ...] | None:
    if isinstance(change, (SetValue, DeleteValue)):
        return (change.kind, change.full_key.upper(), change.name.upper())
    if isinstance(change, DeleteKey):
        return (change.kind, change.full_key.upper())
    if isinstance(change, RunCommand):
        return (change.kind, change.shell.value, change.command)
    return ("manual", change.text)


def _replace_before(change: SetValue, before: Before) -> SetValue:
    return SetValue(
        change.hive,
        change.key,
        change.name,
        change.value_type,
        change.after,
        before=before,
        needs_restart=change.needs_restart,
        safety=change.safety,
        how=change.how,
    )


def _allowed(name: str) -> bool:
    """A suite a plan may list: known, not weak (no RC4, 3DES, DES, NULL, EXPORT, anonymous)."""
    suite = by_name(name)
    return suite is not None and not suite.insecure


def _spelled(profile: ClientProfile, suites: Iterable[str]) -> list[str]:
    from ..checks._windows import windows_spelling

    return [n for s in suites for n in windows_spelling(profile, s)]


def _fit(names: list[str], limit: int) -> str:
    """The comma-separated list, cut at a whole name so it stays within ``limit``."""
    kept: list[str] = []
    for name in names:
        if len(",".join([*kept, name])) > limit:
            break
        kept.append(name)
    return ",".join(kept)


def _wanted_suites(finding: Finding, profile: ClientProfile | None) -> list[str]:
    """The strong suites SCH002 / SCH003 want on top, as their fix title names them."""
    if profile is None or finding.fix is None:
        return []
    from ..checks.sch import strong_suites

    named = re.findall(r"TLS_[A-Z0-9_]+", finding.fix.title)
    return strong_suites(dict.fromkeys(named))


# --- the safety invariants ---------------------------------------------------------------------


def unsafe_steps(plan: Plan, evidence: Evidence | None = None) -> list[str]:
    """Why a plan would weaken TLS, one line per offending step; empty when it is safe.

    A plan never enables SSL 2.0 / 3.0, RC4, 3DES, DES, NULL, EXPORT or anonymous suites and
    never removes or disables TLS 1.2 / 1.3 (docs/knowledge/windows-tls.md; issue 12).
    """
    profile = evidence.profile.value if evidence is not None else None
    tls13_supported = profile is None or profile.family.tls13_available
    problems: list[str] = []
    for number, step in enumerate(plan.steps, 1):
        change = step.change
        if isinstance(change, SetValue):
            found = _unsafe_write(change)
        elif isinstance(change, (DeleteValue, DeleteKey)):
            found = _unsafe_delete(change, tls13_supported)
        elif isinstance(change, RunCommand):
            found = _unsafe_command(change)
        else:
            ssl = "SSL 2.0" in change.text or "SSL 3.0" in change.text
            found = ["asks to tick SSL"] if ssl and "tick" in change.text.lower() else []
        problems.extend(f"step {number} ({step.check_id}) {problem}" for problem in found)
    return problems


def _protocol_of(key: str) -> str | None:
    upper = key.upper()
    if "\\SCHANNEL\\PROTOCOLS\\" not in upper:
        return None
    return upper.rsplit("\\PROTOCOLS\\", 1)[1].split("\\", 1)[0]


def _unsafe_write(change: SetValue) -> list[str]:
    found = []
    protocol = _protocol_of(change.full_key)
    name = change.name.upper()
    if protocol is not None and name in ("ENABLED", "DISABLEDBYDEFAULT"):
        turns_on = (name == "ENABLED" and change.after != 0) or (
            name == "DISABLEDBYDEFAULT" and change.after == 0
        )
        if protocol.startswith(("SSL", "PCT", "MULTI-PROTOCOL")) and turns_on:
            found.append(f"switches {protocol} on")
        if protocol in ("TLS 1.2", "TLS 1.3") and not turns_on:
            found.append(f"switches {protocol} off")
    if name in ("DEFAULTSECUREPROTOCOLS", "SECUREPROTOCOLS") and isinstance(change.after, int):
        if change.after & _SSL_BITS:
            found.append("ticks SSL 2.0 / 3.0")
        if not change.after & _TLS12_BIT:
            found.append("leaves TLS 1.2 out")
    if name == "FUNCTIONS":
        data = change.after
        names = data if isinstance(data, tuple) else str(data).split(",")
        weak = [n for n in names if not _allowed_spelled(n)]
        if weak:
            found.append(f"lists weak or unknown suites: {', '.join(weak)}")
    return found


def _unsafe_delete(change: DeleteValue | DeleteKey, tls13_supported: bool) -> list[str]:
    protocol = _protocol_of(change.full_key)
    if protocol not in ("TLS 1.2", "TLS 1.3"):
        return []
    if isinstance(change, DeleteKey):
        return [f"deletes the {protocol} key"]
    if protocol == "TLS 1.2":
        return ["deletes a TLS 1.2 value"]
    # SCH007: on Windows 10 a forced TLS 1.3 is "not a safe system configuration".
    return ["deletes a TLS 1.3 value where TLS 1.3 is supported"] if tls13_supported else []


def _unsafe_command(change: RunCommand) -> list[str]:
    lowered = change.command.lower()
    if lowered.startswith("disable-tlsciphersuite") or "-tlsprotocol" in lowered:
        return [f"disables a suite or protocol: {change.command}"]
    if lowered.startswith("enable-tlsciphersuite"):
        name = change.command.split("-Name", 1)[-1].split()[0].strip("\"'")
        if not _allowed_spelled(name):
            return [f"enables a weak suite: {name}"]
    return []


def _allowed_spelled(name: str) -> bool:
    """Like :func:`_allowed`, also for the pre-Windows 10 ``_P256`` spellings."""
    text = name.strip()
    for suffix in ("_P256", "_P384", "_P521"):
        text = text.removesuffix(suffix)
    if any(word in text.upper() for word in ("RC4", "3DES", "_DES_", "NULL", "EXPORT", "ANON")):
        return False
    return by_name(text) is not None or by_name(name.strip()) is not None
