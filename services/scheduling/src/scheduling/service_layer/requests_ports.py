"""What the request and field use cases need beyond the catalogue and visits (ports.py): their own
repositories, on a unit of work that has those of ports.py too. Repositories never commit; every
read is scoped to one company."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast
from uuid import UUID

from scheduling.domain.cutoffs import CutoffSettings
from scheduling.domain.lateness import LateCandidate
from scheduling.domain.requests import ChangeRequest, ServiceRequest
from scheduling.service_layer.context import Context
from scheduling.service_layer.ports import UnitOfWork


class Cutoffs(Protocol):
    async def get(self, company_id: UUID) -> CutoffSettings:
        """The company's cut-offs; no limit for both when it never set any."""

    async def save(self, company_id: UUID, settings: CutoffSettings) -> None: ...


class ServiceRequests(Protocol):
    async def add(self, request: ServiceRequest) -> None: ...

    async def save(self, request: ServiceRequest) -> None:
        """The request's confirmation and note, and each visit's decision."""

    async def get(self, company_id: UUID, request_id: UUID, *, for_update: bool = False) -> ServiceRequest:
        """Raises RequestNotFound (also another company's). `for_update`: locked until commit, so two
        managers deciding its last two visits at once cannot both miss (or both send) the confirmation."""

    async def of_client(self, company_id: UUID, client_id: UUID, *, pending_only: bool) -> list[ServiceRequest]:
        """Newest first. `pending_only`: those with a visit still waiting for a decision."""

    async def pending(self, company_id: UUID, *, limit: int, offset: int) -> list[ServiceRequest]:
        """The company's requests with a visit still waiting, oldest first."""


class ChangeRequests(Protocol):
    async def add(self, request: ChangeRequest) -> None:
        """Also marks its visits as having a pending request while it is pending. Raises
        RequestAlreadyPending (409) when one of them already has one (two submitted at once)."""

    async def save(self, request: ChangeRequest) -> None:
        """The decision; a decided request's visits no longer carry it."""

    async def get(self, company_id: UUID, request_id: UUID, *, for_update: bool = False) -> ChangeRequest:
        """Raises RequestNotFound (also another company's)."""

    async def of_client(self, company_id: UUID, client_id: UUID, *, pending_only: bool) -> list[ChangeRequest]:
        """Newest first."""

    async def pending(self, company_id: UUID, *, limit: int, offset: int) -> list[ChangeRequest]:
        """Oldest first."""

    async def pending_on(self, company_id: UUID, visit_ids: list[UUID]) -> dict[UUID, ChangeRequest]:
        """R-REQ-4: the pending request on each of these visits that has one."""


class FieldRecords(Protocol):
    async def save_completion(self, company_id: UUID, visit_id: UUID, *, staff_id: UUID | None,
                              message_for_client: str | None, image_urls: list[str],
                              report_card_url: str | None, completed_at: datetime) -> None: ...

    async def late_candidates(self, now: datetime, *, limit: int) -> list[tuple[UUID, LateCandidate]]:
        """(company_id, visit) of every company: scheduled, assigned visits of a service with a late
        delay whose late moment has come within the report horizon and that were never reported,
        oldest first."""

    async def record_late(self, company_id: UUID, visit_id: UUID, staff_id: UUID, minutes_late: int) -> bool:
        """Record the one report of this visit (R-SCHED-9). True when this call recorded it; False
        when it was already recorded (by another replica, or before a restart): then say nothing."""


class RequestsUnitOfWork(UnitOfWork, Protocol):
    @property
    def cutoffs(self) -> Cutoffs: ...

    @property
    def service_requests(self) -> ServiceRequests: ...

    @property
    def change_requests(self) -> ChangeRequests: ...

    @property
    def field(self) -> FieldRecords: ...


def repos(ctx: Context) -> RequestsUnitOfWork:
    """`ctx.uow` with the repositories above: the entrypoints of requests and field actions build
    their contexts on `adapters.requests_unit_of_work.SqlRequestsUnitOfWork`."""
    return cast(RequestsUnitOfWork, ctx.uow)
