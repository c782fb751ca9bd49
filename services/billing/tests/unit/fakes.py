"""In-memory stand-ins for billing's unit of work: the use cases run on it with no database, exactly as
they run on SQL. Each area's repository is in its own tests/unit/fakes_<area>.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope

from .fakes_facility_commands import FakeFacilityCommands
from .fakes_invoices import FakeInvoices
from .fakes_packages import FakePackages
from .fakes_payments import FakePayments
from .fakes_plans import FakePlans
from .fakes_texting_charges import FakeTextingCharges


class FakeUnitOfWork:
    """Events are kept in `published` as they would be queued; `commits` counts commits."""

    def __init__(self) -> None:
        self.invoices = FakeInvoices()
        self.payments = FakePayments()
        self.plans = FakePlans()
        self.texting_charges = FakeTextingCharges()
        self.packages = FakePackages()
        self.facility_commands = FakeFacilityCommands()
        self.published: list[Envelope] = []
        self.commits = 0

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        envelope = new_envelope(payload, company_id=company_id, actor=actor, causation_id=causation_id,
                                correlation_id="unit-test")
        self.published.append(envelope)
        return envelope

    async def commit(self) -> None:
        self.commits += 1

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return [e.data for e in self.published if e.type == event_type]
