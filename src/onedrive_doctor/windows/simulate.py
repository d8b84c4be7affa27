"""``simulate``: the ClientHello a Windows PC would send, and who would accept it.

From a bundle (the PC's own settings) or a named Windows release (its defaults): the protocols,
cipher suites in Schannel's order, groups and signature algorithms, the exact ClientHello record
(hex), and a verdict per Azure Front Door policy generation and, with ``--endpoint``, per live
endpoint (the same hello is really sent: :class:`HelloSeed` fixes its random and session id).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..knowledge.afd import AFD_POLICIES
from ..tls import ClientHelloSpec, ExtensionType, build_client_hello, name_of
from ..tls.suites import by_name
from .client_model import ClientProfile
from .offer import client_hello_spec, judge_policy
from .stacks import stacks

__all__ = ["DEFAULT_SERVER_NAME", "HelloSeed", "hello_record", "simulation", "verdict_from_replay"]

#: The SNI of the hello shown when no ``--endpoint`` names one: the first sign-in endpoint.
DEFAULT_SERVER_NAME = "login.microsoftonline.com"


@dataclass(frozen=True)
class HelloSeed:
    """The per-connection fields of one run's hellos, fixed so that the shown one is the sent one.

    ``session_id`` is used only by TLS 1.3 hellos (RFC 8446 §D.4); Schannel sends an empty one
    in TLS 1.2 and older hellos. Key shares are already cached per process.
    """

    random: bytes
    session_id: bytes

    @classmethod
    def fresh(cls) -> HelloSeed:
        """New random values, as Schannel draws for each connection."""
        return cls(os.urandom(32), os.urandom(32))

    def spec(self, profile: ClientProfile, server_name: str | None) -> ClientHelloSpec:
        """``profile``'s hello to ``server_name`` with these fields."""
        spec = client_hello_spec(profile, server_name, random=self.random)
        return replace(spec, session_id=self.session_id if spec.offers_tls13 else b"")

    def spec_for(self, profile: ClientProfile) -> Callable[[str], ClientHelloSpec]:
        """``host -> spec``, as the replay takes it."""
        return lambda host: self.spec(profile, host)


def hello_record(profile: ClientProfile, server_name: str, seed: HelloSeed) -> dict[str, Any]:
    """The ClientHello record for ``server_name``: hex, length, extension names in order.

    A profile that offers no protocol has no hello: ``hex`` is ``None`` and ``reason`` says why.
    """
    try:
        record = build_client_hello(seed.spec(profile, server_name))
    except ValueError as exc:
        return {"server_name": server_name, "hex": None, "length": 0, "reason": str(exc)}
    from ..tls import parse_client_hello

    hello = parse_client_hello(record)
    return {
        "server_name": server_name,
        "hex": record.hex(),
        "length": len(record),
        "extensions": [name_of(ExtensionType, t) for t in hello.extension_types],
    }


def simulation(
    profile: ClientProfile,
    live: dict[str, dict[str, Any]],
    server_name: str = DEFAULT_SERVER_NAME,
    seed: HelloSeed | None = None,
    sent: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The simulate JSON document (docs/spec/cli.md).

    ``live`` maps ``live:HOST:PORT`` to verdicts and ``sent`` to the records replayed there.
    ``client_hello`` is the record for ``server_name`` (with ``seed``'s random and session id:
    those of the replay, if any, so that it equals what went to that endpoint).
    """
    seed = seed or HelloSeed.fresh()
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
            "client_hello": hello_record(stack.profile, server_name, seed),
            "verdicts": {
                name: judge_policy(stack.profile, policy).to_json()
                for name, policy in AFD_POLICIES.items()
            },
        }
    wire = profile.family.wire
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
            "client_hello": hello_record(profile, server_name, seed),
            # Where the hello's layout comes from: recordings of this release, or none.
            "wire": {
                "recordings": [s.title for s in wire.recordings],
                "notes": list(wire.notes),
            },
        },
        # "verdicts" are Schannel's defaults; "stacks" repeats them per layer, because
        # WinHTTP and WinINet pass their own protocol masks (windows/stacks.py).
        "verdicts": verdicts,
        "verdicts_concern": "schannel",
        "stacks": layers,
        # The record each live endpoint was sent (its own server_name), byte for byte.
        "sent": dict(sent or {}),
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
