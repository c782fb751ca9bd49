"""Run until told to stop: start, report ready, watch the children, stop on a signal.

Ctrl-C (SIGINT) and SIGTERM stop everything cleanly and exit 0, also in the middle of the
start. A child that dies on its own stops the whole run with exit code 1 and its log tail:
a suite missing one service misleads more than it helps, and the log says what to fix.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from types import FrameType

from rich.console import Console
from rich.markup import escape

from petcare_tools.embedded.broker import BrokerError
from petcare_tools.embedded.postgres import PostgresError
from petcare_tools.launch.config import LaunchError
from petcare_tools.testing.processes import ProcessError

EXPECTED_FAILURES = (LaunchError, BrokerError, PostgresError, ProcessError, OSError)


def serve(
    console: Console,
    start: Callable[[], None],
    failures: Callable[[], list[str]],
    stop: Callable[[], None],
    on_ready: Callable[[], None],
) -> int:
    """The exit code: 0 after a requested stop, 1 when something failed."""
    # Explicitly: a shell that starts us in the background hands SIGINT down ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        start()
        on_ready()
        while not (dead := failures()):
            time.sleep(0.5)
        for report in dead:
            console.print(f"[bold red]stopping everything:[/] {escape(report)}", highlight=False)
        return 1
    except KeyboardInterrupt:
        console.print("stopping…")
        return 0
    except EXPECTED_FAILURES as error:
        console.print(f"[bold red]failed:[/] {escape(str(error))}", highlight=False)
        return 1
    except Exception:  # a bug: show where, then still stop what started
        console.print_exception()
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _already_stopping(console))
        stop()
        console.print("stopped")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM takes the same path as Ctrl-C."""
    raise KeyboardInterrupt


def _already_stopping(console: Console) -> Callable[[int, FrameType | None], None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        console.print("already stopping; the children get their time to exit")

    return handler
