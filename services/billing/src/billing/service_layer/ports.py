"""What the use cases need from the outside, as protocols: one repository per area (each declared in
its `<area>_ports.py`; SQL in `adapters/<area>.py`, in memory in tests/unit/fakes_<area>.py) and the
unit of work. Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload

from billing.service_layer.facility_commands_ports import FacilityCommands
from billing.service_layer.invoices_ports import Invoices
from billing.service_layer.packages_ports import Packages
from billing.service_layer.payments_ports import Payments
from billing.service_layer.plans_ports import Plans
from billing.service_layer.texting_charges_ports import TextingCharges


class UnitOfWork(Protocol):
    """One transaction: the repositories below, events queued in it (outbox), one commit."""

    @property
    def invoices(self) -> Invoices: ...

    @property
    def payments(self) -> Payments: ...

    @property
    def plans(self) -> Plans: ...

    @property
    def texting_charges(self) -> TextingCharges: ...

    @property
    def packages(self) -> Packages: ...

    @property
    def facility_commands(self) -> FacilityCommands: ...

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = ...,
                      causation_id: UUID | None = None) -> Envelope: ...

    async def commit(self) -> None: ...
