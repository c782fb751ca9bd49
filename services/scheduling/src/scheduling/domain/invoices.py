"""Which visits are on which invoice (billing's, kept here as a read model of
`billing.invoice.visits_changed`) and what "Send Confirmation" lists (R-SCHED-10, R-EMAIL-9).
Pure: no SQLAlchemy, FastAPI, FastStream or I/O."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from petcare_kit.errors import Conflict, NotFound

from scheduling.domain.visits import Visit, VisitStatus


class InvoiceNotFound(NotFound):
    """No invoice with visits known here for the company (also another company's invoice)."""

    code = "invoice_not_found"


class NothingToConfirm(Conflict):
    """The invoice has no visit left to confirm (none, or all cancelled or deleted)."""

    code = "nothing_to_confirm"


@dataclass(frozen=True)
class InvoiceVisits:
    """The visits billing put on one invoice, as of billing's `revision` of that set."""

    company_id: UUID
    invoice_id: UUID
    client_id: UUID
    visit_ids: tuple[UUID, ...]
    revision: int
    number: str | None = None


def visits_to_confirm(invoice: InvoiceVisits, visits: list[Visit]) -> list[Visit]:
    """R-SCHED-10 / R-EMAIL-9: the visits one confirmation email lists: every visit of the invoice
    still on the calendar and not cancelled (a cancelled visit may stay on the invoice for its fee,
    but confirming it would tell the client it happens), only the invoice's client's own (an email
    never names another client's visit), in time order. Raises NothingToConfirm (409) when none is
    left."""
    wanted = set(invoice.visit_ids)
    listed = sorted((v for v in visits if v.id in wanted and v.client_id == invoice.client_id
                     and v.status != VisitStatus.CANCELLED), key=lambda v: (v.starts_at, v.id))
    if not listed:
        raise NothingToConfirm("This invoice has no scheduled visit to confirm.",
                               details={"invoice_id": str(invoice.invoice_id)})
    return listed
