"""Proxy auto-config (PAC) files, evaluated with a real JavaScript engine (pacparser).

The engine runs in a child process: pacparser holds the GIL while it runs JavaScript, so a PAC
file that loops (``while(true){}``) would freeze this whole process for good. A child can be
killed when its time is up; the parent only waits on a pipe.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from ._streams import bounded
from ._tasks import wait_for

__all__ = ["PacError", "evaluate_pac"]

_OUTPUT_LIMIT = 1024 * 1024  # a child that writes more is broken

# The child: read {"script", "urls"} on stdin, write {"answers"} or {"error"} on stdout.
_CHILD = r"""
import json, sys
request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
try:
    import pacparser
except ImportError:
    print(json.dumps({"error": "no PAC engine: install the 'pacparser' package"}))
    sys.exit(0)
pacparser.init()
try:
    pacparser.parse_pac_string(request["script"])
except Exception as exc:
    print(json.dumps({"error": "the PAC file does not parse: %s" % exc}))
    sys.exit(0)
answers = {}
for url, host in request["urls"]:
    try:
        answers[url] = str(pacparser.find_proxy(url, host))
    except Exception as exc:
        print(json.dumps({"error": "FindProxyForURL failed for %s: %s" % (url, exc)}))
        sys.exit(0)
print(json.dumps({"answers": answers}))
"""


class PacError(Exception):
    """The PAC file could not be evaluated (syntax error, no FindProxyForURL, no engine)."""


async def evaluate_pac(script: str, urls: list[tuple[str, str]], timeout: float) -> dict[str, str]:
    """``FindProxyForURL(url, host)`` for each ``(url, host)``; raises ``PacError``.

    The child process is killed when ``timeout`` (or the run's budget) runs out.
    """
    request = json.dumps({"script": script, "urls": urls}).encode("utf-8")
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            "-c",
            _CHILD,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError as exc:
        raise PacError(f"the PAC engine could not start: {exc}") from exc
    try:
        limit = bounded(timeout)
        out, _ = await wait_for(child.communicate(request), limit)
    except asyncio.TimeoutError as exc:
        raise PacError(f"the PAC file took longer than {timeout:g} s to evaluate") from exc
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    return _answers(out)


def _answers(out: bytes) -> dict[str, str]:
    if len(out) > _OUTPUT_LIMIT:
        raise PacError("the PAC engine gave an oversized answer")
    try:
        reply: Any = json.loads(out.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PacError("the PAC engine stopped without an answer") from exc
    if isinstance(reply, dict) and isinstance(reply.get("error"), str):
        raise PacError(reply["error"])
    answers = reply.get("answers") if isinstance(reply, dict) else None
    if not isinstance(answers, dict):
        raise PacError("the PAC engine gave no answers")
    return {str(url): str(answer) for url, answer in answers.items()}
