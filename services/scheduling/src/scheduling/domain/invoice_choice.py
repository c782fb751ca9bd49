"""Which invoice a newly scheduled visit goes on (R-INV-1), as `scheduling.visit.scheduled` v2 says
it to billing. Pure: no SQLAlchemy, FastAPI, FastStream or I/O.

The choice is an invoice id or None ("do not invoice"):
- a scheduler booking by hand picks one of the client's open invoices, or asks for none, or leaves
  it to us: a new id (uuid4), so the visit goes on a new invoice billing creates on first sight;
- an approved template period's visits share one new invoice, and an approved service request's
  visits share one: their ids are derived (uuid5) from what was approved, so an approval that is
  retried or replayed names the same invoice instead of opening another.

Billing makes the final check (an invoice of another client or company, void or paid, sends the
line to a new invoice); scheduling refuses only what its own read model of billing's invoices
(`billing.invoice.visits_changed`) already shows to be wrong: another client's invoice.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from petcare_kit.errors import InvalidInput

from scheduling.domain.invoices import InvoiceVisits

INVOICE_NAMESPACE = UUID("5c1f4a8e-2b7d-5e0a-9c43-7a1d6b0e3f21")
"""The uuid5 namespace of the invoice ids scheduling derives (never change it: replays rely on it)."""


class InvoiceOfAnotherClient(InvalidInput):
    """The picked invoice is, as far as scheduling knows, another client's (422)."""

    code = "invoice_of_another_client"


def period_invoice_id(template_id: UUID, period_start: date) -> UUID:
    """R-INV-1: the one new invoice of a template's approved period (same template and period
    start: same id, however often the approval is retried or replayed)."""
    return uuid5(INVOICE_NAMESPACE, f"template:{template_id}:{period_start.isoformat()}")


def request_invoice_id(request_id: UUID) -> UUID:
    """R-INV-1: the one new invoice of a service request's approved visits (each approval of the
    request names it)."""
    return uuid5(INVOICE_NAMESPACE, f"service-request:{request_id}")


def check_invoice_of_client(known: InvoiceVisits | None, client_id: UUID) -> None:
    """R-INV-1: a picked invoice must be the visit's client's. `known`: the invoice as scheduling's
    read model has it, None when it has not heard of it (then billing decides). Raises
    InvoiceOfAnotherClient (422) when it is known to be another client's."""
    if known is not None and known.client_id != client_id:
        raise InvoiceOfAnotherClient("That invoice is another client's: pick one of this client's open invoices, "
                                     "or none for a new invoice.",
                                     details={"invoice_id": str(known.invoice_id), "client_id": str(client_id)})
