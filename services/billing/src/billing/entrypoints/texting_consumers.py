"""What billing does with `texting.events`: numbers held (R-BILL-1), every text sent and received and
closed months (R-BILL-2..5), counted in the company's local calendar months. Each handler builds the
command and calls the use case (service_layer/texting_charges.py); handlers never commit: the batch
does. An event for a company whose clients.events were not read yet waits for it (CompanyNotKnownYet)."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import texting
from petcare_kit.consumer import EventRouter
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.service_layer import texting_charges
from billing.service_layer.context import Context
from billing.service_layer.texting_charges_commands import (
    CloseTextingMonth,
    RecordNumberProvisioned,
    RecordNumberReleased,
    RecordTextUsage,
)

EVENTS: tuple[type[EventPayload], ...] = (
    texting.NumberProvisioned, texting.NumberReleased, texting.UsageRecorded, texting.UsageMonthClosed,
)
"""The texting event types billing handles (declared in bootstrap's HANDLES)."""


def _context(uow: UnitOfWork, company_id: UUID) -> Context:
    return Context(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=company_id))


async def on_number_provisioned(uow: UnitOfWork, envelope: Envelope, event: texting.NumberProvisioned) -> None:
    await texting_charges.record_number_provisioned(_context(uow, event.company_id), RecordNumberProvisioned(
        company_id=event.company_id, number=event.number, provisioned_at=event.provisioned_at))


async def on_number_released(uow: UnitOfWork, envelope: Envelope, event: texting.NumberReleased) -> None:
    await texting_charges.record_number_released(_context(uow, event.company_id), RecordNumberReleased(
        company_id=event.company_id, number=event.number, released_at=event.released_at))


async def on_usage_recorded(uow: UnitOfWork, envelope: Envelope, event: texting.UsageRecorded) -> None:
    await texting_charges.record_text_usage(_context(uow, event.company_id), RecordTextUsage(
        company_id=event.company_id, text_id=event.text_id, direction=event.direction, units=event.units,
        occurred_at=event.occurred_at))


async def on_usage_month_closed(uow: UnitOfWork, envelope: Envelope, event: texting.UsageMonthClosed) -> None:
    await texting_charges.close_texting_month(_context(uow, event.company_id), CloseTextingMonth(
        company_id=event.company_id, month=event.month, sent=event.sent, received=event.received))


def register(router: EventRouter) -> None:
    """Add a handler for each of EVENTS."""
    router.add(texting.NumberProvisioned, on_number_provisioned)
    router.add(texting.NumberReleased, on_number_released)
    router.add(texting.UsageRecorded, on_usage_recorded)
    router.add(texting.UsageMonthClosed, on_usage_month_closed)
