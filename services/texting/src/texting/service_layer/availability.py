"""Tell notifications when the company's ability to text clients changes (R-DELIV-9)."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts.events.texting import TextingAvailabilityChanged
from petcare_kit.unit_of_work import UnitOfWork

from texting.adapters import repository
from texting.domain.availability import blockers


async def publish_if_changed(uow: UnitOfWork, company_id: UUID) -> None:
    row = await repository.company(uow.session, company_id)
    reasons = blockers(repository.texting_state(row), to_client=True)
    if (not reasons) != row.available:
        await repository.update_company(uow.session, company_id, available=not reasons)
        await uow.publish(TextingAvailabilityChanged(company_id=company_id, available=not reasons, reasons=reasons),
                          company_id=company_id)
