"""The simulated network of the end-to-end suite: two namespaces, a delaying router, servers.

::

    netns PFX-pc                     this process                  netns PFX-net
    diagnose (fake Windows PC)  --  TUN PFXp <- router.py -> TUN PFXn  --  netside.py: DNS,
    198.51.100.2, 2001:db8:99::2    30 ms each way, loss, drops         NCSI, portal, front
    resolv.conf -> 203.0.113.53                                         doors; proxy.py x2;
                                                                        mitmdump (lazily)

The PC's namespace has the PC side of the link and a default route (IPv4 and IPv6) through it;
the net namespace has the other side and every server address on its loopback. Names come
from ``/etc/netns/PFX-pc/resolv.conf`` (``ip netns exec`` mounts it over /etc/resolv.conf), so
``diagnose`` uses the system resolver as it would on a PC.

Everything is named with a prefix unique to this process (``odd<pid>``); :meth:`World.close`
removes it all (processes, namespaces, /etc/netns folders, temp files), and is safe to call
twice. :func:`leftovers` lists what is left of a prefix: the cleanup test asserts it is empty.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme

from onedrive_doctor.knowledge.endpoints import NCSI_URL, REQUIRED_ENDPOINTS

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
PREFIX = "odd"  # every namespace, interface and folder of this suite starts with it
CLONE_NEWNET = 0x40000000

# Documentation ranges (RFC 5737 TEST-NET-2/-3, RFC 3849 2001:db8::/32): never routed, not
# "private" (NET009 would call a 10.x answer a sinkhole), and 2001:db8:: sorts before IPv4 in
# getaddrinfo's RFC 6724 order, so the PC tries IPv6 first as Windows does.
PC_V4, PC_V6 = "198.51.100.2", "2001:db8:99::2"
NET_V4, NET_V6 = "198.51.100.1", "2001:db8:99::1"
DNS_V4, DNS_V6 = "203.0.113.53", "2001:db8:113::53"
NCSI_V4, NCSI_V6 = "203.0.113.80", "2001:db8:113::80"
PORTAL_V4 = "203.0.113.81"
PROXY_V4, AUTH_PROXY_V4, MITM_V4, DEAD_PROXY_V4 = (
    "203.0.113.30",
    "203.0.113.31",
    "203.0.113.32",
    "203.0.113.33",
)
PROXY_PORT = 3128
PROXY_USER = "helpdesk:s3cret"

#: Front doors: name -> (IPv4, IPv6, policy, mode, clock offset in seconds).
FRONT_DOORS: dict[str, tuple[str, str, str, str, float]] = {
    "afd-2023": ("203.0.113.10", "2001:db8:113::10", "TLSv1.2_2023", "tls", 0.0),
    "afd-2022": ("203.0.113.11", "2001:db8:113::11", "TLSv1.2_2022", "tls", 0.0),
    "afd-legacy-4": ("203.0.113.12", "2001:db8:113::12", "afd-legacy-4", "tls", 0.0),
    "tls10-middlebox": ("203.0.113.13", "2001:db8:113::13", "tls10-only", "tls", 0.0),
    "mute": ("203.0.113.14", "2001:db8:113::14", "", "mute", 0.0),
    "clock-2h": ("203.0.113.15", "2001:db8:113::15", "TLSv1.2_2023", "tls", 7200.0),
}
#: The names a PC asks for: the sign-in and OneDrive endpoints, the NCSI probe host.
NCSI_HOST = NCSI_URL.split("/")[2]
ENDPOINT_HOSTS = tuple(e.host for e in REQUIRED_ENDPOINTS)

_OPENSSL_CONF = """openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_module
[ssl_module]
system_default = system_default_sect
[system_default_sect]
# Azure Front Door's TLS 1.3 suites and groups (Python's ssl cannot set these itself).
Ciphersuites = TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256
Groups = secp384r1:secp256r1:x25519
"""


class WorldError(RuntimeError):
    """The network could not be built (the message says which step)."""


def run(*command: str, timeout: float = 10.0) -> str:
    """Run a setup command; raise ``WorldError`` with its stderr when it fails."""
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise WorldError(f"{' '.join(command)}: {proc.stderr.strip() or proc.returncode}")
    return proc.stdout


def available() -> str | None:
    """Why the suite cannot run here (not root, no ``ip netns``, no TUN), or ``None``."""
    if os.geteuid() != 0:
        return "the end-to-end network needs root (ip netns, TUN devices)"
    if shutil.which("ip") is None:
        return "iproute2 (ip) is not installed"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun does not exist"
    return None


def mitmdump_path() -> str | None:
    """mitmproxy's ``mitmdump``: $ONEDRIVE_DOCTOR_MITMDUMP, its own venv, or PATH."""
    candidates = [
        os.environ.get("ONEDRIVE_DOCTOR_MITMDUMP", ""),
        str(Path.home() / ".cache/onedrive-doctor-e2e/mitmproxy-venv/bin/mitmdump"),
        shutil.which("mitmdump") or "",
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


# --- namespaces ---------------------------------------------------------------------------------


def _setns(name: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {name}")
    finally:
        os.close(fd)


def in_netns(name: str, work: Any) -> Any:
    """``work()`` in a fresh thread that has entered namespace ``name`` (this thread stays)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            _setns(name)
            box["value"] = work()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def wait_listening(netns: str, address: str, port: int, timeout: float = 20.0) -> None:
    """Wait until ``address:port`` accepts TCP inside ``netns``."""

    def probe() -> None:
        deadline = time.monotonic() + timeout
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        while time.monotonic() < deadline:
            with socket.socket(family) as sock:
                sock.settimeout(0.5)
                try:
                    sock.connect((address, port))
                    return
                except OSError:
                    time.sleep(0.05)
        raise WorldError(f"{address}:{port} in {netns} did not listen within {timeout:g} s")

    in_netns(netns, probe)


def leftovers(prefix: str) -> list[str]:
    """What is left of ``prefix``: namespaces, links, /etc/netns folders, processes."""
    found = [f"netns {n}" for n in _netns_names() if n.startswith(prefix)]
    links = run("ip", "-o", "link", "show")
    for line in links.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(prefix):
            found.append(f"link {name}")
    etc = Path("/etc/netns")
    if etc.is_dir():
        found += [f"/etc/netns/{p.name}" for p in etc.iterdir() if p.name.startswith(prefix)]
    found += [f"process {pid}: {cmd}" for pid, cmd in _processes() if prefix in cmd]
    return found


def _netns_names() -> list[str]:
    return [line.split()[0] for line in run("ip", "netns", "list").splitlines() if line.strip()]


def _processes() -> Iterator[tuple[int, str]]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with suppress(OSError):
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if cmd:
                yield int(entry.name), cmd


def clean_stale() -> None:
    """Remove what earlier runs (killed before their cleanup) left: prefixes of dead processes."""
    stale: set[str] = set()
    for name in _netns_names():
        tag = name.split("-")[0]
        if tag.startswith(PREFIX) and tag[len(PREFIX) :].isdigit():
            pid = int(tag[len(PREFIX) :])
            if not Path(f"/proc/{pid}").exists():
                stale.add(tag)
    for tag in stale:
        for pid, cmd in _processes():
            if f"{tag}-" in cmd:
                with suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        for name in _netns_names():
            if name.startswith(f"{tag}-"):
                subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)
        for folder in Path("/etc/netns").glob(f"{tag}-*"):
            shutil.rmtree(folder, ignore_errors=True)


# --- the world ----------------------------------------------------------------------------------


@dataclass
class World:
    """The built network. Use :func:`world` (a context manager) to get one."""

    tag: str
    root: Path
    delay_ms: float = 30.0
    loss: float = 0.0
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Any] = field(default_factory=list)
    ca_file: Path = field(init=False)
    closed: bool = False

    def __post_init__(self) -> None:
        self.pc = f"{self.tag}-pc"
        self.net = f"{self.tag}-net"
        self.pc_if = f"{self.tag}p"
        self.net_if = f"{self.tag}n"
        self.control_path = self.root / "router.sock"
        self.dns_table = self.root / "dns.json"
        self.ca_file = self.root / "ca.pem"
        self._mitm: str | None = None

    # ---- building ----------------------------------------------------------------------------
    def build(self) -> None:
        """Namespaces, router, addresses and routes, then the servers."""
        run("ip", "netns", "add", self.pc)
        run("ip", "netns", "add", self.net)
        # The resolver retries after 1 s, as Windows' DNS client does: a lost datagram on a
        # lossy link costs a second, not the name.
        for ns, lines in (
            (self.pc, [f"nameserver {DNS_V4}", "options timeout:1 attempts:3"]),
            (self.net, [f"nameserver {DNS_V4}", "options timeout:1 attempts:3"]),
        ):
            folder = Path("/etc/netns") / ns
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "resolv.conf").write_text("\n".join(lines) + "\n")
            (folder / "nsswitch.conf").write_text("hosts: files dns\n")
            (folder / "hosts").write_text("127.0.0.1 localhost\n::1 localhost\n")
        self._start(
            [
                sys.executable,
                str(HERE / "router.py"),
                "--pc-if",
                self.pc_if,
                "--net-if",
                self.net_if,
                "--control",
                str(self.control_path),
                "--delay-ms",
                str(self.delay_ms),
                "--loss",
                str(self.loss),
            ],
            "ready",
        )
        run("ip", "link", "set", self.pc_if, "netns", self.pc)
        run("ip", "link", "set", self.net_if, "netns", self.net)
        self._link(self.pc, self.pc_if, (f"{PC_V4}/24", f"{PC_V6}/64"))
        self._link(self.net, self.net_if, (f"{NET_V4}/24", f"{NET_V6}/64"))
        self.route_default(True)
        server_v4 = [DNS_V4, NCSI_V4, PORTAL_V4, PROXY_V4, AUTH_PROXY_V4, MITM_V4, DEAD_PROXY_V4]
        server_v6 = [DNS_V6, NCSI_V6]
        for v4, v6, *_ in FRONT_DOORS.values():
            server_v4.append(v4)
            server_v6.append(v6)
        for address in server_v4:
            run("ip", "-n", self.net, "addr", "add", f"{address}/32", "dev", "lo")
        for address in server_v6:
            run("ip", "-n", self.net, "addr", "add", f"{address}/128", "dev", "lo", "nodad")
        self._certificates()
        self.set_dns(self.names("afd-2023"))
        self._servers()

    def _link(self, ns: str, dev: str, addresses: tuple[str, str]) -> None:
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "-n", ns, "addr", "add", addresses[0], "dev", dev)
        run("ip", "-n", ns, "addr", "add", addresses[1], "dev", dev, "nodad")
        run("ip", "-n", ns, "link", "set", dev, "up")

    def route_default(self, present: bool) -> None:
        """Give the PC its default routes (IPv4 and IPv6), or take them away (no route)."""
        for family in ("-4", "-6"):
            if present:
                run("ip", family, "-n", self.pc, "route", "replace", "default", "dev", self.pc_if)
            else:
                subprocess.run(
                    ["ip", family, "-n", self.pc, "route", "del", "default"],
                    capture_output=True,
                    check=False,
                )
        # The DNS server stays reachable without a default route, as the LAN's resolver does.
        run("ip", "-n", self.pc, "route", "replace", f"{DNS_V4}/32", "dev", self.pc_if)

    def _certificates(self) -> None:
        # The test CA stands in for Microsoft's issuers (--ca-file); the leaf names every host.
        # RSA keys: AFD's suites are ECDHE_RSA / DHE_RSA (trustme's default is ECDSA).
        rsa = trustme.KeyType.RSA
        ca = trustme.CA(
            key_type=rsa, organization_name="onedrive-doctor e2e stand-in for Microsoft"
        )
        leaf = ca.issue_cert(*ENDPOINT_HOSTS, NCSI_HOST, key_type=rsa)
        ca.cert_pem.write_to_path(str(self.ca_file))
        self.cert = self.root / "leaf.pem"
        self.key = self.root / "leaf.key"
        with self.cert.open("wb") as out:
            for pem in leaf.cert_chain_pems:
                out.write(pem.bytes())
        leaf.private_key_pem.write_to_path(str(self.key))
        # RFC 7919 ffdhe2048 for the DHE suites of the four-suite front door.
        self.dh = self.root / "dh.pem"
        pem = run(
            "openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048"
        )
        self.dh.write_text(pem)

    def _servers(self) -> None:
        config = {
            "dns_table": str(self.dns_table),
            "dns": [DNS_V4, DNS_V6],
            "web": [
                {"addresses": [NCSI_V4, NCSI_V6], "mode": "ncsi"},
                {"addresses": [PORTAL_V4], "mode": "portal"},
            ],
            "front_doors": [
                {
                    "addresses": [v4, v6],
                    "policy": policy,
                    "mode": mode,
                    "clock_offset_s": offset,
                }
                for v4, v6, policy, mode, offset in FRONT_DOORS.values()
            ],
            "cert": str(self.cert),
            "key": str(self.key),
            "dh": str(self.dh),
        }
        path = self.root / "netside.json"
        path.write_text(json.dumps(config))
        conf = self.root / "openssl.cnf"
        conf.write_text(_OPENSSL_CONF)
        self._start(
            [*self.exec_in(self.net), sys.executable, str(HERE / "netside.py"), str(path)],
            "ready",
            env={"OPENSSL_CONF": str(conf)},
        )
        for address, port in ((PROXY_V4, PROXY_PORT), (AUTH_PROXY_V4, PROXY_PORT)):
            command = [
                *self.exec_in(self.net),
                sys.executable,
                "-m",
                "proxy",
                "--hostname",
                address,
                "--port",
                str(port),
                "--num-workers",
                "1",
                "--num-acceptors",
                "1",
                "--log-level",
                "WARNING",
                "--timeout",
                "10",
            ]
            if address == AUTH_PROXY_V4:
                command += ["--basic-auth", PROXY_USER]
            self._start(command, None, cwd=self.root)
        for address in (PROXY_V4, AUTH_PROXY_V4):
            wait_listening(self.net, address, PROXY_PORT)

    def mitm(self) -> str:
        """Start mitmproxy (once) on MITM_V4:8080, re-signing with its own CA; its proxy URL."""
        if self._mitm is None:
            mitmdump = mitmdump_path()
            if mitmdump is None:
                raise WorldError("mitmdump not found (.ci/run installs mitmproxy in its own venv)")
            confdir = self.root / "mitmproxy"
            confdir.mkdir(exist_ok=True)
            self._start(
                [
                    *self.exec_in(self.net),
                    mitmdump,
                    "--mode",
                    "regular",
                    "--listen-host",
                    MITM_V4,
                    "--listen-port",
                    "8080",
                    "--set",
                    f"confdir={confdir}",
                    "--set",
                    f"ssl_verify_upstream_trusted_ca={self.ca_file}",
                    "--set",
                    "connection_strategy=lazy",
                    "-q",
                ],
                None,
                cwd=self.root,
            )
            wait_listening(self.net, MITM_V4, 8080, timeout=40)
            self._mitm = f"http://{MITM_V4}:8080"
        return self._mitm

    def exec_in(self, ns: str) -> list[str]:
        """The command prefix that runs a program inside namespace ``ns``."""
        return ["ip", "netns", "exec", ns]

    def _start(
        self,
        command: list[str],
        ready: str | None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        # stdin is a pipe the child watches: if this process dies, the children end too.
        log = (self.root / f"stderr-{len(self.processes)}.log").open("wb")
        self.logs.append(log)
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE if ready else subprocess.DEVNULL,
            stderr=log,
            env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
            cwd=cwd,
        )
        self.processes.append(process)
        if ready:
            assert process.stdout is not None
            line = process.stdout.readline().decode().strip()
            if line != ready:
                raise WorldError(f"{' '.join(command[:6])} did not start: {self._stderr(process)}")
        return process

    def _stderr(self, process: subprocess.Popen[bytes]) -> str:
        index = self.processes.index(process)
        with suppress(OSError):
            return (self.root / f"stderr-{index}.log").read_text()[-2000:]
        return ""

    # ---- scenarios ---------------------------------------------------------------------------
    def names(
        self, door: str, *, v6: bool = False, overrides: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A DNS table pointing every required name at front door ``door`` (AAAA with ``v6``)."""
        v4_address, v6_address, *_ = FRONT_DOORS[door]
        records: dict[str, Any] = {"A": [v4_address]}
        if v6:
            records["AAAA"] = [v6_address]
        names: dict[str, Any] = dict.fromkeys(ENDPOINT_HOSTS, records)
        names[NCSI_HOST] = {"A": [NCSI_V4], **({"AAAA": [NCSI_V6]} if v6 else {})}
        names.update(overrides or {})
        return {"names": names, "servfail": []}

    def set_dns(self, table: dict[str, Any]) -> None:
        """Replace the DNS server's table (it re-reads the file on its next query)."""
        tmp = self.dns_table.with_suffix(".tmp")
        tmp.write_text(json.dumps(table))
        os.replace(tmp, self.dns_table)

    def set_router(self, **settings: Any) -> dict[str, Any] | None:
        """Send the router a control message (``delay_ms``, ``loss``, ``drop``, ``stats``)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.control_path))
            sock.sendall(json.dumps(settings).encode() + b"\n")
            answer = sock.makefile().readline().strip()
        if settings.get("stats"):
            return dict(json.loads(answer))
        if answer != "ok":
            raise WorldError(f"router: {answer}")
        return None

    def reset(self) -> None:
        """The healthy world: AFD TLSv1.2_2023 everywhere, default routes, nothing dropped."""
        self.set_router(delay_ms=self.delay_ms, loss=self.loss, drop=[])
        self.route_default(True)
        self.set_dns(self.names("afd-2023"))

    def diagnose(
        self, pc: Path | None, *args: str, timeout: float = 60.0
    ) -> tuple[int, dict[str, Any], str, float]:
        """Run ``onedrive-doctor diagnose --format json`` in the PC's namespace.

        ``pc`` is a fake Windows host folder (``ONEDRIVE_DOCTOR_FAKE_HOST``), ``None`` for this
        Linux machine. Returns the exit code, the JSON report, stderr and the wall time.
        """
        env = {
            k: v
            for k, v in os.environ.items()
            if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
        }
        env["PYTHONPATH"] = str(SRC)
        if pc is not None:
            env["ONEDRIVE_DOCTOR_FAKE_HOST"] = str(pc)
        command = [
            *self.exec_in(self.pc),
            sys.executable,
            "-m",
            "onedrive_doctor",
            "diagnose",
            "--format",
            "json",
            "--ca-file",
            str(self.ca_file),
            *args,
        ]
        started = time.monotonic()
        proc = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
        wall = time.monotonic() - started
        try:
            report = json.loads(proc.stdout)
        except ValueError as exc:
            raise AssertionError(
                f"diagnose printed no JSON (exit {proc.returncode}): {proc.stderr[-2000:]}"
            ) from exc
        return proc.returncode, report, proc.stderr, wall

    # ---- cleanup -----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop every process, delete the namespaces and files; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        for process in reversed(self.processes):
            with suppress(OSError):
                if process.stdin:
                    process.stdin.close()
            with suppress(OSError):
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            if process.stdout:
                process.stdout.close()
        for log in self.logs:
            log.close()
        for ns in (self.pc, self.net):
            # `ip netns exec` children that outlived their parent (a proxy's workers) still
            # hold the namespace: end every process inside it first.
            pids = subprocess.run(
                ["ip", "netns", "pids", ns], capture_output=True, text=True, check=False
            ).stdout.split()
            for pid in pids:
                with suppress(OSError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
            shutil.rmtree(Path("/etc/netns") / ns, ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def world(
    tag: str | None = None, delay_ms: float | None = None, loss: float | None = None
) -> Iterator[World]:
    """Build the network; tear it all down on exit, also when the body or the build fails.

    ``delay_ms`` (one way) and ``loss`` default to $ONEDRIVE_DOCTOR_E2E_DELAY_MS (30: a 60 ms
    round trip) and $ONEDRIVE_DOCTOR_E2E_LOSS (0). The scenarios' exact findings hold without
    loss: with 2 % loss and ``--timeout 2`` a SYN lost twice (retransmitted after 1 s, then 3 s)
    is a real NET004 failure, so a lossy run shows how the tool copes, not a regression.
    """
    tag = tag or f"{PREFIX}{os.getpid()}"
    if delay_ms is None:
        delay_ms = float(os.environ.get("ONEDRIVE_DOCTOR_E2E_DELAY_MS", "30"))
    if loss is None:
        loss = float(os.environ.get("ONEDRIVE_DOCTOR_E2E_LOSS", "0"))
    built = World(tag, Path(tempfile.mkdtemp(prefix=f"{tag}-")), delay_ms=delay_ms, loss=loss)
    try:
        built.build()
        yield built
    finally:
        built.close()
