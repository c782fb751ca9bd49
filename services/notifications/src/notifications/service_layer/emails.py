"""The emails of the R-EMAIL list that another service's event asks for (activation, password
reset, portal instructions, request answers, payments, invoices, confirmations). In the consumer's
transaction. Events with no trigger here are never emailed (R-NEVER-1..4)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from petcare_contracts import Envelope

from notifications.domain.triggers import Trigger
from notifications.service_layer.deliver import deliver
from notifications.service_layer.ports import UnitOfWork


async def email_about(uow: UnitOfWork, envelope: Envelope, trigger: Trigger, recipient_id: UUID,
                      data: dict[str, Any]) -> None:
    """Deliver `trigger` to `recipient_id`, caused by `envelope` (one delivery however often it is
    consumed). Raises UnknownRecipient / UnknownCompany: the event then waits for them."""
    assert envelope.company_id is not None, "events that ask for an email always name their company"
    await deliver(uow, company_id=envelope.company_id, trigger=trigger, recipient_id=recipient_id,
                  source_id=envelope.id, data=data)
