"""Invoices as the scheduler sees them: "Send Confirmation" (R-SCHED-10, R-EMAIL-9), for the
business's managers. Thin: the route calls the use case and returns what was sent."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from petcare_contracts.events.scheduling import VisitSummary
from petcare_kit.identity import MANAGERS, allow
from pydantic import BaseModel

from scheduling.entrypoints.api.deps import InvoicesContextDep
from scheduling.service_layer import invoices

router = APIRouter(tags=["invoices"])


class ConfirmationView(BaseModel):
    invoice_id: UUID
    client_id: UUID
    visits: list[VisitSummary]
    """What the one email lists, in time order (never the staff-only note)."""


@router.post("/invoices/{invoice_id}/confirmation", status_code=202, response_model=ConfirmationView,
             **allow(*MANAGERS))
async def send_confirmation(invoice_id: UUID, ctx: InvoicesContextDep) -> ConfirmationView:
    """R-SCHED-10 / R-EMAIL-9 "Send Confirmation": one email to the client listing every visit of the
    invoice that is still scheduled (cancelled ones are left out). 404 `invoice_not_found` for an
    invoice billing has not told scheduling about (or another company's), 409 `nothing_to_confirm`."""
    sent = await invoices.send_confirmation(ctx, invoice_id)
    return ConfirmationView(invoice_id=sent.invoice_id, client_id=sent.client_id, visits=sent.visits)
