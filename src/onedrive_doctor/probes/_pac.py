"""Proxy auto-config (PAC) files, evaluated with a real JavaScript engine (pacparser)."""

from __future__ import annotations

import asyncio
import threading

__all__ = ["PacError", "evaluate_pac"]

# pacparser keeps one global JavaScript context: one evaluation at a time.
_LOCK = threading.Lock()


class PacError(Exception):
    """The PAC file could not be evaluated (syntax error, no FindProxyForURL, no engine)."""


def _evaluate(script: str, urls: list[tuple[str, str]]) -> dict[str, str]:
    try:
        import pacparser
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise PacError("no PAC engine: install the 'pacparser' package") from exc
    with _LOCK:
        pacparser.init()
        try:
            try:
                pacparser.parse_pac_string(script)
            except Exception as exc:  # pacparser raises bare Exception on a bad script
                raise PacError(f"the PAC file does not parse: {exc}") from exc
            answers: dict[str, str] = {}
            for url, host in urls:
                try:
                    answers[url] = str(pacparser.find_proxy(url, host))
                except Exception as exc:  # a runtime error inside FindProxyForURL
                    raise PacError(f"FindProxyForURL failed for {url}: {exc}") from exc
            return answers
        finally:
            pacparser.cleanup()


async def evaluate_pac(script: str, urls: list[tuple[str, str]], timeout: float) -> dict[str, str]:
    """``FindProxyForURL(url, host)`` for each ``(url, host)``; raises ``PacError``.

    It runs in a thread because PAC helpers such as ``dnsResolve`` block on real lookups.
    """
    try:
        return await asyncio.wait_for(asyncio.to_thread(_evaluate, script, urls), timeout)
    except asyncio.TimeoutError as exc:
        raise PacError(f"the PAC file took longer than {timeout:g} s to evaluate") from exc
