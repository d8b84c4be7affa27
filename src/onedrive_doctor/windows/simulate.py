"""``simulate``: the ClientHello a Windows PC would send, and who would accept it.

From a bundle (the PC's own settings) or a named Windows release (its defaults): the protocols,
cipher suites in Schannel's order, groups and signature algorithms, and a verdict per Azure Front
Door policy generation and, with ``--endpoint``, per live endpoint (the hello is really sent).
"""

from __future__ import annotations

from typing import Any

from ..knowledge.afd import AFD_POLICIES
from ..tls.suites import by_name
from .client_model import ClientProfile
from .offer import judge_policy
from .stacks import stacks

__all__ = ["simulation", "verdict_from_replay"]


def simulation(profile: ClientProfile, live: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The simulate JSON document (docs/spec/cli.md).

    ``live`` maps ``live:HOST:PORT`` to verdicts.
    """
    suites = []
    for name in profile.cipher_suites:
        suite = by_name(name)
        suites.append({"name": name, "code": f"0x{suite.code:04X}" if suite else None})
    verdicts: dict[str, Any] = {
        name: judge_policy(profile, policy).to_json() for name, policy in AFD_POLICIES.items()
    }
    verdicts.update(live)
    layers: dict[str, Any] = {}
    for stack in stacks(profile):
        layers[stack.key] = {
            "label": stack.label,
            "mask": None if stack.mask is None else f"0x{stack.mask:X}",
            "source": stack.source,
            "protocols": [v.label for v in stack.profile.offered_protocols],
            "verdicts": {
                name: judge_policy(stack.profile, policy).to_json()
                for name, policy in AFD_POLICIES.items()
            },
        }
    return {
        "client": {
            "windows": profile.os.label if profile.os else profile.family.label,
            "build": profile.os.build if profile.os else profile.family.build,
            "assumed": list(profile.assumed),
            "protocols": [v.label for v in profile.offered_protocols],
            "cipher_suites": suites,
            "cipher_source": profile.cipher_source,
            "groups": list(profile.curves),
            "signature_algorithms": list(profile.signature_algorithms),
        },
        # "verdicts" are Schannel's defaults; "stacks" repeats them per layer, because
        # WinHTTP and WinINet pass their own protocol masks (windows/stacks.py).
        "verdicts": verdicts,
        "verdicts_concern": "schannel",
        "stacks": layers,
    }


def verdict_from_replay(result: dict[str, Any], error: str | None) -> dict[str, Any]:
    """A live endpoint's verdict from a replay attempt's result."""
    if result.get("accepted"):
        return {
            "accepted": True,
            "protocol": result.get("protocol"),
            "cipher_suite": result.get("cipher_suite"),
        }
    if result.get("alert"):
        return {"accepted": False, "reason": f"the endpoint answered alert {result['alert']}"}
    return {
        "accepted": False,
        "reason": error or f"no ServerHello: {result.get('closed', 'no answer')}",
    }
