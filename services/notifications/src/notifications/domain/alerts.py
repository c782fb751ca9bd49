"""The wording of R-DELIV-8's texts (visit started, client requests, staff late), beside the email
wording (`domain/emails.py`, `adapters/email_templates.py`). Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol


class Visit(Protocol):
    """What a text says of a visit (the contracts' `scheduling.VisitSummary` has it). Read-only
    properties, so that a frozen model matches."""

    @property
    def service_name(self) -> str: ...

    @property
    def visit_date(self) -> date: ...

    @property
    def time_block(self) -> str | None: ...

    @property
    def starts_at(self) -> datetime | None: ...

    @property
    def staff_name(self) -> str | None: ...

    @property
    def pet_names(self) -> list[str]: ...


def when(visit: Visit) -> str:
    """`Dec 1 9:30 AM` for a timed visit, `Dec 01 (Morning)` for a time block, as texts are short."""
    if visit.starts_at is not None:
        return visit.starts_at.strftime("%b %d %I:%M %p").replace(" 0", " ")
    return f"{visit.visit_date:%b %d}" + (f" ({visit.time_block})" if visit.time_block else "")


def _visits(visits: Sequence[Visit]) -> str:
    """At most three visits: a text is not a list."""
    return ", ".join(f"{v.service_name} {when(v)}" for v in visits[:3])


def visit_started(visit: Visit) -> str:
    """R-DELIV-8 "Event Started", to the client."""
    who = visit.staff_name or "Your sitter"
    pets = " and ".join(visit.pet_names) or "your pet"
    return f"{who} has started the {visit.service_name} visit with {pets}."


def services_requested(client_name: str, visits: Sequence[Visit]) -> str:
    """R-DELIV-8 "Client Requests Services", to every manager."""
    return f"{client_name} requested services: {_visits(visits)}."


def change_requested(client_name: str, kind: str, visits: Sequence[Visit]) -> str:
    """R-DELIV-8 "Client Requests Change" (a change or a cancellation), to every manager."""
    return f"{client_name} requested a {kind} of: {_visits(visits)}."


def you_are_late(minutes_late: int, visit: Visit) -> str:
    """R-DELIV-8 "Staff Late To Own Event", to the late staff member."""
    return f"You are {minutes_late} min late for {visit.service_name} {when(visit)}."


def staff_is_late(staff_name: str, minutes_late: int, visit: Visit) -> str:
    """R-DELIV-8 "Staff Late To Event", to every manager."""
    return f"{staff_name} is {minutes_late} min late for {visit.service_name} {when(visit)}."
