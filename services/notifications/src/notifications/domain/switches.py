"""The company's notification switches (R-DELIV-8) and what else gates texts (R-DELIV-9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Switch(StrEnum):
    MESSAGE_SENT_TO_CLIENTS = "message_sent_to_clients"
    EVENT_STARTED = "event_started"
    STAFF_IS_SENT_MESSAGE = "staff_is_sent_message"
    CLIENT_REQUESTS_SERVICES = "client_requests_services"
    CLIENT_REQUESTS_CHANGE = "client_requests_change"
    STAFF_LATE_TO_OWN_EVENT = "staff_late_to_own_event"
    STAFF_LATE_TO_EVENT = "staff_late_to_event"


@dataclass(frozen=True)
class CompanySwitches:
    on: frozenset[Switch] = frozenset(Switch)
    """Every switch starts on; the business turns off what it does not want."""
    notify_client_when_visit_starts: bool = False
    """The mobile-app setting (owned by clients' company settings) that Event Started also needs."""

    def allows(self, switch: Switch) -> bool:
        if switch == Switch.EVENT_STARTED and not self.notify_client_when_visit_starts:
            return False
        return switch in self.on


@dataclass(frozen=True)
class TextingAvailability:
    """Whether the company can text at all now, as texting reports it (plan, number, A2P approval)."""

    available: bool = False
    reasons: tuple[str, ...] = field(default=("texting is not set up for this company",))


def switches_off_after(current: CompanySwitches, changes: dict[Switch, bool]) -> list[Switch]:
    """R-DELIV-8: the switches that are off once `changes` are applied (a switch not named keeps its
    state), in a stable order."""
    on = {s for s in Switch if s in current.on and changes.get(s, True)} | {s for s, v in changes.items() if v}
    return sorted(s for s in Switch if s not in on)
