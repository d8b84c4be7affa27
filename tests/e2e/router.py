#!/usr/bin/env python3
"""A user-space router between two TUN devices: delay, loss and drop rules (no netem here).

    router.py --pc-if NAME --net-if NAME --control SOCKET [--delay-ms 30] [--loss 0.0]

It creates both TUN devices (``IFF_TUN | IFF_NO_PI``: raw IPv4 / IPv6 packets) in the network
namespace it runs in and prints ``ready`` on stdout; the caller then moves each device into its
namespace (``ip link set NAME netns NS``; the file descriptors stay attached) and configures it.
The devices are not persistent: when this process ends, the kernel removes them.

Every packet read from one device is held for ``delay_ms`` (one way: 30 ms each way is a 60 ms
round trip) and then written to the other, in due-time order (a heap of ``(due, seq, packet)``);
``loss`` is the share dropped at random. Drop rules, set at run time over the control socket
(a Unix stream socket, one JSON object per line, answered ``ok``), drop matching packets from
the PC side silently, as a firewall that drops does:

* ``syn``: TCP SYNs without ACK (IPv4 and IPv6): every connection attempt goes unanswered;
* ``ipv6-tcp``: every IPv6 TCP packet (the IPv6 path is broken, IPv4 works);
* ``all``: every packet.

Example: ``{"delay_ms": 30, "loss": 0.0, "drop": ["syn"]}``; every key is optional. ``{"stats":
true}`` answers the counters as JSON instead of ``ok``.
"""

from __future__ import annotations

import argparse
import fcntl
import heapq
import json
import os
import random
import select
import socket
import struct
import sys
import time
from typing import Any

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
MTU = 65535
RULES = ("syn", "ipv6-tcp", "all")


def open_tun(name: str) -> int:
    """A new (non-persistent) TUN device called ``name``; returns its file descriptor."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def tcp_flags(packet: bytes) -> tuple[int, int] | None:
    """``(ip_version, tcp_flags)`` of a TCP packet, else ``None`` (IPv6 extension headers: none)."""
    if not packet:
        return None
    version = packet[0] >> 4
    if version == 4 and len(packet) >= 20 and packet[9] == 6:
        ihl = (packet[0] & 0x0F) * 4
        if len(packet) >= ihl + 14:
            return 4, packet[ihl + 13]
    elif version == 6 and len(packet) >= 54 and packet[6] == 6:
        return 6, packet[40 + 13]
    return None


class Router:
    """The forwarding loop and its settings."""

    def __init__(self, pc_fd: int, net_fd: int, delay_ms: float, loss: float) -> None:
        self.pc_fd = pc_fd
        self.net_fd = net_fd
        self.delay = delay_ms / 1000.0
        self.loss = loss
        self.drop: set[str] = set()
        self.queue: list[tuple[float, int, int, bytes]] = []
        self.seq = 0
        self.stats = {"forwarded": 0, "dropped_rule": 0, "dropped_loss": 0}
        self.clients: list[socket.socket] = []
        self.buffers: dict[socket.socket, bytes] = {}

    def configure(self, settings: dict[str, Any]) -> None:
        """Apply a control message."""
        if "delay_ms" in settings:
            self.delay = float(settings["delay_ms"]) / 1000.0
        if "loss" in settings:
            self.loss = float(settings["loss"])
        if "drop" in settings:
            unknown = set(settings["drop"]) - set(RULES)
            if unknown:
                raise ValueError(f"unknown drop rule(s): {sorted(unknown)}")
            self.drop = set(settings["drop"])

    def dropped(self, packet: bytes) -> bool:
        """Whether a packet from the PC side matches a drop rule."""
        if "all" in self.drop:
            return True
        tcp = tcp_flags(packet)
        if tcp is None:
            return False
        version, flags = tcp
        if "ipv6-tcp" in self.drop and version == 6:
            return True
        syn, ack = flags & 0x02, flags & 0x10
        return "syn" in self.drop and bool(syn) and not ack

    def receive(self, fd: int) -> None:
        """Read every waiting packet of ``fd`` and queue it for the other side."""
        out = self.net_fd if fd == self.pc_fd else self.pc_fd
        while True:
            try:
                packet = os.read(fd, MTU)
            except BlockingIOError:
                return
            except OSError:
                return  # the device went away (its namespace was deleted)
            if fd == self.pc_fd and self.dropped(packet):
                self.stats["dropped_rule"] += 1
                continue
            if self.loss and random.random() < self.loss:
                self.stats["dropped_loss"] += 1
                continue
            self.seq += 1
            heapq.heappush(self.queue, (time.monotonic() + self.delay, self.seq, out, packet))

    def send_due(self) -> None:
        """Write every packet whose time has come."""
        now = time.monotonic()
        while self.queue and self.queue[0][0] <= now:
            _, _, out, packet = heapq.heappop(self.queue)
            try:
                os.write(out, packet)
                self.stats["forwarded"] += 1
            except OSError:
                pass  # the device is down or gone: the packet is lost, as on a real link

    def control(self, conn: socket.socket) -> None:
        """Read control lines from ``conn`` and answer each."""
        try:
            data = conn.recv(4096)
        except OSError:
            data = b""
        if not data:
            self.clients.remove(conn)
            self.buffers.pop(conn, None)
            conn.close()
            return
        buffer = self.buffers.get(conn, b"") + data
        *lines, rest = buffer.split(b"\n")
        self.buffers[conn] = rest
        for line in lines:
            try:
                message = json.loads(line)
                if message.get("stats"):
                    answer = json.dumps(self.stats)
                else:
                    self.configure(message)
                    answer = "ok"
            except (ValueError, TypeError, AttributeError) as exc:
                answer = f"error: {exc}"
            conn.sendall(answer.encode() + b"\n")

    def run(self, listener: socket.socket) -> None:
        """Forward until stdin closes (the parent went away) or SIGTERM."""
        while True:
            timeout = None
            if self.queue:
                timeout = max(0.0, self.queue[0][0] - time.monotonic())
            readable, _, _ = select.select(
                [self.pc_fd, self.net_fd, listener, sys.stdin, *self.clients], [], [], timeout
            )
            for item in readable:
                if item is listener:
                    conn, _ = listener.accept()
                    self.clients.append(conn)
                elif item is sys.stdin:
                    if not sys.stdin.buffer.read1(1):
                        return
                elif isinstance(item, socket.socket):
                    self.control(item)
                else:
                    self.receive(item)
            self.send_due()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pc-if", required=True)
    parser.add_argument("--net-if", required=True)
    parser.add_argument("--control", required=True, help="Unix socket path for control messages")
    parser.add_argument("--delay-ms", type=float, default=30.0, help="one-way delay (default 30)")
    parser.add_argument("--loss", type=float, default=0.0, help="share of packets dropped")
    args = parser.parse_args()
    pc_fd = open_tun(args.pc_if)
    net_fd = open_tun(args.net_if)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(args.control)
    listener.listen(4)
    print("ready", flush=True)
    try:
        Router(pc_fd, net_fd, args.delay_ms, args.loss).run(listener)
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
        os.unlink(args.control)
    return 0


if __name__ == "__main__":
    sys.exit(main())
