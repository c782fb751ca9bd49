"""In-memory texting charges repository for unit tests: the use cases run on it exactly as on SQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from billing.domain.texting_charges import Holding, Period, Transaction
from billing.service_layer.texting_charges_ports import CompanyNotKnownYet


class FakeTextingCharges:
    """The texting charges repository in memory. `zones` and `staff` stand for the clients
    directory: a company is known once it has a zone entry (None: known, zone not carried yet)."""

    def __init__(self) -> None:
        self.zones: dict[UUID, str | None] = {}
        self.staff: dict[UUID, int] = {}
        self.held: dict[UUID, list[Holding]] = {}
        self.rows: dict[tuple[UUID, str], Period] = {}
        self.history: dict[UUID, Transaction] = {}

    def company(self, company_id: UUID, zone: str | None = "America/New_York", active_staff: int = 1) -> UUID:
        self.zones[company_id] = zone
        self.staff[company_id] = active_staff
        return company_id

    async def time_zone(self, company_id: UUID) -> str | None:
        if company_id not in self.zones:
            raise CompanyNotKnownYet(company_id)
        return self.zones[company_id]

    async def active_staff(self, company_id: UUID) -> int:
        return self.staff.get(company_id, 0)

    async def add_holding(self, company_id: UUID, holding: Holding) -> None:
        holdings = self.held.setdefault(company_id, [])
        if all((h.number, h.provisioned_at) != (holding.number, holding.provisioned_at) for h in holdings):
            holdings.append(holding)

    async def release_holding(self, company_id: UUID, number: str, released_at: datetime) -> None:
        holdings = self.held.get(company_id, [])
        for index in reversed(range(len(holdings))):
            if holdings[index].number == number and holdings[index].released_at is None:
                holdings[index] = replace(holdings[index], released_at=released_at)
                return

    async def holdings(self, company_id: UUID) -> list[Holding]:
        return sorted(self.held.get(company_id, []), key=lambda h: h.provisioned_at)

    async def period(self, company_id: UUID, month: str) -> Period | None:
        return self.rows.get((company_id, month))

    async def period_for_update(self, company_id: UUID, month: str) -> Period:
        return self.rows.setdefault((company_id, month), Period(company_id, month))

    async def save_period(self, period: Period) -> None:
        self.rows[(period.company_id, period.month)] = period

    async def last_closed_month(self, company_id: UUID) -> str | None:
        return max((m for (c, m), p in self.rows.items() if c == company_id and p.is_closed), default=None)

    async def first_open_month(self, company_id: UUID) -> str | None:
        return min((m for (c, m), p in self.rows.items() if c == company_id and not p.is_closed), default=None)

    async def add_transaction(self, transaction: Transaction) -> bool:
        if transaction.id in self.history:
            return False
        self.history[transaction.id] = transaction
        return True

    async def periods(self, company_id: UUID) -> list[Period]:
        return sorted((p for (c, _), p in self.rows.items() if c == company_id), key=lambda p: p.month, reverse=True)

    async def transactions(self, company_id: UUID, month: str, *, limit: int, offset: int) -> tuple[list[Transaction],
                                                                                                      int]:
        found = sorted((t for t in self.history.values() if t.company_id == company_id and t.month == month),
                       key=lambda t: (t.occurred_at, str(t.id)))
        return found[offset:offset + limit], len(found)

    async def companies_to_close(self, held_since: datetime) -> list[UUID]:
        open_ = {c for (c, _), p in self.rows.items() if not p.is_closed}
        held = {c for c, hs in self.held.items() if any(h.released_at is None or h.released_at > held_since
                                                          for h in hs)}
        return sorted(open_ | held, key=str)
