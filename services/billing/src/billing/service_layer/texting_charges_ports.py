"""What the texting charges use cases need from storage: numbers held, periods (local months) and every
texting transaction (R-BILL-1..5), plus the company's zone and active staff from the clients directory
read model. Repositories return domain objects and never commit; every read is scoped to one company."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from petcare_kit.waiting import NotKnownYet

from billing.domain.texting_charges import Holding, Period, Transaction


class CompanyNotKnownYet(NotKnownYet):
    """A texting event for a company whose clients.events have not been read yet: the event waits
    (petcare_kit.waiting) until the company appears, so its months are the company's local ones."""

    reason_code = "company_not_known_yet"


class TextingCharges(Protocol):
    """The texting charges repository (SQL: adapters/texting_charges.py; in memory:
    tests/unit/fakes_texting_charges.py)."""

    async def time_zone(self, company_id: UUID) -> str | None:
        """The company's IANA zone from the clients directory (None: not carried yet). Raises
        CompanyNotKnownYet when the directory does not know the company at all."""

    async def active_staff(self, company_id: UUID) -> int:
        """R-BILL-2: how many of the company's staff members (any role) are active now."""

    async def add_holding(self, company_id: UUID, holding: Holding) -> None:
        """R-BILL-1: a number provisioned (a replay of the same provisioning changes nothing)."""

    async def release_holding(self, company_id: UUID, number: str, released_at: datetime) -> None:
        """The held number's release (the latest provisioning of that number not released yet)."""

    async def holdings(self, company_id: UUID) -> list[Holding]:
        """Every number the company held or holds, oldest first."""

    async def period(self, company_id: UUID, month: str) -> Period | None:
        """The company's period of `month`, if there is one (not locked)."""

    async def period_for_update(self, company_id: UUID, month: str) -> Period:
        """The company's period of `month`, created open when missing, locked until commit (so a
        usage and a close, or two replicas closing, wait for each other)."""

    async def save_period(self, period: Period) -> None:
        """Its counts, and its bill once closed."""

    async def last_closed_month(self, company_id: UUID) -> str | None:
        """The latest closed period's month (periods close in order)."""

    async def first_open_month(self, company_id: UUID) -> str | None:
        """The earliest period not closed yet."""

    async def add_transaction(self, transaction: Transaction) -> bool:
        """Store it; False when a transaction with its id is stored already (a replayed text)."""

    async def periods(self, company_id: UUID) -> list[Period]:
        """R-BILL-5: every period, newest first."""

    async def transactions(self, company_id: UUID, month: str, *, limit: int, offset: int) -> tuple[list[Transaction],
                                                                                                      int]:
        """R-BILL-5: a page of the period's transactions (by time, then id) and how many it has."""

    async def companies_to_close(self, held_since: datetime) -> list[UUID]:
        """Every company with an open period or a number held after `held_since` (the periodic job's
        candidates; closing a company that has nothing due changes nothing)."""
