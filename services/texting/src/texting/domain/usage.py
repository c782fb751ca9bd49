"""What a text "uses" (R-TEXT-10, R-TEXT-13): the one definition behind the messages log's totals,
the usage figure of a month, the per-text usage events and the month closed for billing, so that
these figures can never disagree for the same texts."""

from __future__ import annotations

from dataclasses import dataclass

BILLED_OUTBOUND = frozenset({"sent", "delivered", "read", "undelivered"})
"""Outbound statuses the carrier took: Twilio bills them even when the handset never got them
(undelivered). `pending`, `sending` and `queued` are not used yet: they may still fail."""
FAILED_OUTBOUND = frozenset({"failed"})
"""Sends that never left: logged, never billed (R-TEXT-13)."""


def is_used(direction: str, status: str) -> bool:
    """R-TEXT-13: does this text count as used? Every received text does; a sent one once the
    carrier took it (`BILLED_OUTBOUND`)."""
    return direction == "inbound" or (direction == "outbound" and status in BILLED_OUTBOUND)


def is_failed(direction: str, status: str) -> bool:
    """A send that failed: shown in the log's `failed` total, not billed."""
    return direction == "outbound" and status in FAILED_OUTBOUND


@dataclass(frozen=True)
class UsageTotals:
    """Counts of texts (each stored text, i.e. each SMS part or picture message, counts one):
    `sent` outbound texts used, `received` inbound texts, `failed` sends not billed."""

    sent: int = 0
    received: int = 0
    failed: int = 0

    @property
    def used(self) -> int:
        """R-TEXT-10, R-TEXT-13: the total used, what billing is told about."""
        return self.sent + self.received

    @classmethod
    def of(cls, texts: list[tuple[str, str]]) -> UsageTotals:
        """Totals of (direction, status) pairs: the in-memory form of the same definition."""
        return cls(sent=sum(1 for d, s in texts if d == "outbound" and is_used(d, s)),
                   received=sum(1 for d, _ in texts if d == "inbound"),
                   failed=sum(1 for d, s in texts if is_failed(d, s)))
