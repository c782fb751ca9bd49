"""Local TCP ports for the embedded servers: everything binds 127.0.0.1 only."""

from __future__ import annotations

import socket

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


def free_port(host: str = LOCALHOST) -> int:
    """A port the kernel reports unused right now (another process could still take it first)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def preferred_port(port: int) -> int:
    """`port` when it is free, else any free port; 0 means "any free port"."""
    if port and is_port_free(port):
        return port
    return free_port()
