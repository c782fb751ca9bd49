"""Local TCP ports for the embedded servers: everything binds 127.0.0.1 only."""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOCALHOST = "127.0.0.1"


def is_port_free(port: int, host: str = LOCALHOST) -> bool:
    """True when a server could bind `host:port` now.

    SO_REUSEADDR mirrors what servers set, so a port left in TIME_WAIT by a server that just
    stopped counts as free (it is, for the next server), while a listening socket does not.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
CHOSEN_PORTS = (15000, 32767)
"""Where `free_port` picks: below Linux's usual ephemeral range (32768-60999), so no outgoing
connection is ever given one of these ports as its local port."""


_RANDOM = random.SystemRandom()


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(part) for part in EPHEMERAL_RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        return 32768, 60999
    return low, high


def free_port(host: str = LOCALHOST) -> int:
    """A port that nothing uses right now, picked at random outside the kernel's ephemeral range.

    A caller usually binds the port later (a server process it starts), sometimes much later or again
    after a restart. A port the kernel hands out itself (bind to 0) lies in the range it also gives
    every outgoing connection as local port: one of the many connections the test run opens meanwhile
    could take it, and the server would then fail to bind. Outside that range only servers that
    choose a port compete. Falls back to the kernel's choice when the range leaves no room."""
    low, high = _ephemeral_range()
    candidates = [p for p in range(CHOSEN_PORTS[0], CHOSEN_PORTS[1] + 1) if not low <= p <= high]
    # The system's randomness: a test may seed `random`, and two test workers seeded alike would
    # otherwise pick the same ports in the same order.
    for port in _RANDOM.sample(candidates, min(len(candidates), 200)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def preferred_port(port: int) -> int:
    """`port` when it is free, else any free port; 0 means "any free port"."""
    if port and is_port_free(port):
        return port
    return free_port()
