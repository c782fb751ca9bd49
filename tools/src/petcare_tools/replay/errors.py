"""What the tool's exit codes mean, and the errors that carry them."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
"""The broker or the database failed while working (some messages may have been written: the audit says how many)."""
EXIT_BAD_INPUT = 2
"""Unknown topic, bad range, unreadable file...: found before anything is written."""
EXIT_REFUSED = 3
"""`rewind` refused: the group has live members."""


class BadInput(Exception):
    """The user's input cannot be carried out (exit code 2); raised before any write."""


class Refused(Exception):
    """The command is refused in the broker's current state (exit code 3); nothing was written."""


class Failed(Exception):
    """The broker or database failed part-way (exit code 1)."""
