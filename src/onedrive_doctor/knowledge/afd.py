"""Azure Front Door (AFD) TLS policy generations, as data with their sources.

Sources (docs/knowledge/windows-tls.md §2.2):
- [ARTICLE] Error 0x8004de40 article: "For TLS 1.2, the following cipher suites are supported by
  Azure Front Door" (four suites), citing the AFD FAQ.
- [AFD-2025] articles/frontdoor/standard-premium/tls-policy.md (ms.date 03/16/2025): predefined
  policies TLSv1.2_2023 (default), TLSv1.2_2022, TLSv1.1/1.0_2019; table order is priority.
- [AFD-2026] articles/frontdoor/tls-policy.md (ms.date 08/13/2026): the RSA and DHE suites and
  the 2019 column are gone; TLSv1.2_2022 keeps only ECDHE-RSA GCM and CBC-SHA256/384.
"TLS 1.3 is always enabled no matter what minimum version is enabled" [AFD-2025].
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "AFD_CHANGES",
    "AFD_POLICIES",
    "DEFAULT_POLICY",
    "AfdChange",
    "AfdPolicy",
    "change_removing",
    "match_policy",
    "policy_at",
]

_TLS13 = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
_ECDHE_GCM = ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
_ECDHE_CBC2 = ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")
_DHE_GCM = ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")
_RSA_2022 = (
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
)
_SHA1_2019 = (
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
)


@dataclass(frozen=True)
class AfdPolicy:
    """One AFD TLS policy: the TLS 1.2 suites in priority order, and where that comes from.

    ``variants`` are other TLS 1.2 lists Microsoft has documented under the same name (the
    policy tables changed between documentation versions); a scan matching any of them is this
    policy. ``legacy_protocols`` is True for the 2019 policy, which still allows TLS 1.0 / 1.1.
    """

    name: str
    tls12: tuple[str, ...]
    source: str
    tls13: tuple[str, ...] = _TLS13
    variants: tuple[tuple[str, ...], ...] = ()
    legacy_protocols: bool = False

    def accepts(self, suite: str) -> bool:
        """True when the policy accepts this TLS 1.2 or 1.3 suite (IANA name)."""
        return suite in self.tls13 or any(suite in v for v in (self.tls12, *self.variants))

    def tls12_lists(self) -> tuple[tuple[str, ...], ...]:
        """Every documented TLS 1.2 list of this policy, the current one first."""
        return (self.tls12, *self.variants)


AFD_POLICIES: Mapping[str, AfdPolicy] = {
    policy.name: policy
    for policy in (
        AfdPolicy("afd-legacy-4", _ECDHE_GCM + _DHE_GCM, "ARTICLE (AFD FAQ four-suite list)"),
        AfdPolicy(
            "TLSv1.2_2019",
            _ECDHE_GCM + _RSA_2022[:2] + _RSA_2022[2:] + _DHE_GCM + _ECDHE_CBC2 + _SHA1_2019,
            "AFD-2025 (documented as TLSv1.1/1.0_2019)",
            legacy_protocols=True,
        ),
        AfdPolicy(
            "TLSv1.2_2022",
            _ECDHE_GCM + _ECDHE_CBC2,
            "AFD-2026",
            variants=(_ECDHE_GCM + _RSA_2022 + _DHE_GCM + _ECDHE_CBC2,),
        ),
        AfdPolicy("TLSv1.2_2023", _ECDHE_GCM, "AFD-2025, AFD-2026 (the default)"),
    )
}

# Checks that compare a PC with the front door judge against this one when no scan of the
# endpoint is in the bundle: the strictest documented policy (docs/spec/checks.md).
DEFAULT_POLICY = AFD_POLICIES["TLSv1.2_2023"]


def match_policy(tls12_accepted: Iterable[str], legacy_accepted: bool = False) -> str | None:
    """The AFD policy whose TLS 1.2 suite set equals what a server accepts, or ``None``.

    ``legacy_accepted`` says the server also accepts TLS 1.0 or 1.1, which only the 2019 policy
    allows. Order is ignored: it tells the server's preference, not the policy.
    """
    accepted = frozenset(tls12_accepted)
    if not accepted:
        return None
    for policy in AFD_POLICIES.values():
        if policy.legacy_protocols != legacy_accepted:
            continue
        if any(accepted == frozenset(suites) for suites in policy.tls12_lists()):
            return policy.name
    return None


@dataclass(frozen=True)
class AfdChange:
    """A dated change to what every AFD policy negotiates, with its source."""

    day: _dt.date
    removed: tuple[str, ...]
    summary: str
    source: str


#: Dated changes, oldest first. Microsoft, articles/frontdoor/diffie-hellman-ciphers.md: AFD stops
#: negotiating the DHE_RSA AES-GCM suites on 2026-04-01; an earlier removal announced for January
#: 2023 was reverted, so it is not recorded as a change.
AFD_CHANGES: tuple[AfdChange, ...] = (
    AfdChange(
        _dt.date(2026, 4, 1),
        _DHE_GCM,
        "AFD stopped negotiating the DHE_RSA AES-GCM suites",
        "https://learn.microsoft.com/azure/frontdoor/diffie-hellman-ciphers",
    ),
)


def policy_at(policy: AfdPolicy, day: _dt.date | None) -> AfdPolicy:
    """``policy`` as AFD applied it on ``day`` (``None``: as documented, without the changes)."""
    if day is None:
        return policy
    gone = {s for change in AFD_CHANGES if change.day <= day for s in change.removed}
    if not gone:
        return policy

    def keep(suites: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in suites if s not in gone)

    return dataclasses.replace(
        policy, tls12=keep(policy.tls12), variants=tuple(keep(v) for v in policy.variants)
    )


def change_removing(suite: str, day: _dt.date | None) -> AfdChange | None:
    """The change in force on ``day`` that removed ``suite``, if any."""
    if day is None:
        return None
    for change in AFD_CHANGES:
        if change.day <= day and suite in change.removed:
            return change
    return None
