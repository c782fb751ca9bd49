"""Client requests and cut-offs over SQL. Return domain objects; never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Any
from uuid import UUID

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.adapters.requests_tables import (
    change_requests,
    pending_change_visits,
    request_cutoffs,
    service_request_visits,
    service_requests,
)
from scheduling.domain.cutoffs import Cutoff, CutoffKind, CutoffSettings
from scheduling.domain.requests import (
    ChangeRequest,
    Decision,
    RequestAlreadyPending,
    RequestedVisit,
    RequestKind,
    RequestNotFound,
    ServiceRequest,
    VisitChange,
)


class SqlCutoffs:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, company_id: UUID) -> CutoffSettings:
        row = (await self.session.execute(select(request_cutoffs).where(
            request_cutoffs.c.company_id == company_id))).one_or_none()
        if row is None:
            return CutoffSettings()
        return CutoffSettings(_cutoff(row, "new"), _cutoff(row, "change"))

    async def save(self, company_id: UUID, settings: CutoffSettings) -> None:
        values: dict[str, Any] = {}
        for prefix, cutoff in (("new", settings.new_requests), ("change", settings.change_requests)):
            values |= {f"{prefix}_kind": cutoff.kind.value, f"{prefix}_at": cutoff.at,
                       f"{prefix}_hours": cutoff.hours, f"{prefix}_message": cutoff.message}
        await self.session.execute(upsert(request_cutoffs).values(company_id=company_id, **values)
                                   .on_conflict_do_update(index_elements=["company_id"], set_=values))


def _cutoff(row: Any, prefix: str) -> Cutoff:
    return Cutoff(CutoffKind(getattr(row, f"{prefix}_kind")), getattr(row, f"{prefix}_at"),
                  getattr(row, f"{prefix}_hours"), getattr(row, f"{prefix}_message"))


class SqlServiceRequests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, request: ServiceRequest) -> None:
        await self.session.execute(insert(service_requests).values(
            id=request.id, company_id=request.company_id, client_id=request.client_id,
            service_id=request.service_id, block_id=request.block_id, pet_ids=list(request.pet_ids),
            comments=request.comments, submitted_at=request.submitted_at, confirmed_at=request.confirmed_at,
            message=request.message))
        await self.session.execute(insert(service_request_visits), [
            {"id": v.id, "request_id": request.id, "company_id": request.company_id, "visit_date": v.visit_date,
             "decision": v.decision.value, "visit_id": v.visit_id, "decided_at": v.decided_at}
            for v in request.visits])

    async def save(self, request: ServiceRequest) -> None:
        await self.session.execute(update(service_requests).where(service_requests.c.id == request.id).values(
            confirmed_at=request.confirmed_at, message=request.message))
        for v in request.visits:
            await self.session.execute(update(service_request_visits).where(service_request_visits.c.id == v.id)
                                       .values(decision=v.decision.value, visit_id=v.visit_id,
                                               decided_at=v.decided_at))

    async def get(self, company_id: UUID, request_id: UUID, *, for_update: bool = False) -> ServiceRequest:
        query = select(service_requests).where(service_requests.c.company_id == company_id,
                                               service_requests.c.id == request_id)
        row = (await self.session.execute(query.with_for_update() if for_update else query)).one_or_none()
        if row is None:
            raise RequestNotFound("No such request.", details={"request_id": str(request_id)})
        return (await self._with_visits([row]))[0]

    async def of_client(self, company_id: UUID, client_id: UUID, *, pending_only: bool) -> list[ServiceRequest]:
        query = select(service_requests).where(service_requests.c.company_id == company_id,
                                               service_requests.c.client_id == client_id)
        if pending_only:
            query = query.where(_has_pending_visit())
        rows = (await self.session.execute(query.order_by(service_requests.c.submitted_at.desc(),
                                                          service_requests.c.id))).all()
        return await self._with_visits(rows)

    async def pending(self, company_id: UUID, *, limit: int, offset: int) -> list[ServiceRequest]:
        query = (select(service_requests).where(service_requests.c.company_id == company_id, _has_pending_visit())
                 .order_by(service_requests.c.submitted_at, service_requests.c.id).limit(limit).offset(offset))
        return await self._with_visits((await self.session.execute(query)).all())

    async def _with_visits(self, rows: Sequence[Any]) -> list[ServiceRequest]:
        if not rows:
            return []
        visits: dict[UUID, list[RequestedVisit]] = {row.id: [] for row in rows}
        for v in await self.session.execute(select(service_request_visits).where(
                service_request_visits.c.request_id.in_(list(visits)))
                .order_by(service_request_visits.c.visit_date, service_request_visits.c.id)):
            visits[v.request_id].append(RequestedVisit(v.id, v.visit_date, Decision(v.decision), v.visit_id,
                                                       v.decided_at))
        return [ServiceRequest(r.id, r.company_id, r.client_id, r.service_id, r.block_id, tuple(r.pet_ids), r.comments,
                               r.submitted_at, visits[r.id], r.confirmed_at, r.message) for r in rows]


def _has_pending_visit() -> Any:
    return exists().where(service_request_visits.c.request_id == service_requests.c.id,
                          service_request_visits.c.decision == Decision.PENDING.value)


class SqlChangeRequests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, request: ChangeRequest) -> None:
        await self.session.execute(insert(change_requests).values(
            id=request.id, company_id=request.company_id, client_id=request.client_id, kind=request.kind.value,
            visit_ids=list(request.visit_ids), change=_change_json(request.change), reason=request.reason,
            decision=request.decision.value, auto_approved=request.auto_approved,
            submitted_at=request.submitted_at, decided_at=request.decided_at, message=request.message))
        if not request.pending:
            return
        try:
            async with self.session.begin_nested():
                await self.session.execute(insert(pending_change_visits), [
                    {"visit_id": visit_id, "request_id": request.id, "company_id": request.company_id}
                    for visit_id in request.visit_ids])
        except IntegrityError as error:
            raise RequestAlreadyPending("One of these visits already has a request waiting for an answer.") from error

    async def save(self, request: ChangeRequest) -> None:
        await self.session.execute(update(change_requests).where(change_requests.c.id == request.id).values(
            decision=request.decision.value, decided_at=request.decided_at, message=request.message))
        if not request.pending:
            await self.session.execute(delete(pending_change_visits).where(
                pending_change_visits.c.request_id == request.id))

    async def get(self, company_id: UUID, request_id: UUID, *, for_update: bool = False) -> ChangeRequest:
        query = select(change_requests).where(change_requests.c.company_id == company_id,
                                              change_requests.c.id == request_id)
        row = (await self.session.execute(query.with_for_update() if for_update else query)).one_or_none()
        if row is None:
            raise RequestNotFound("No such request.", details={"request_id": str(request_id)})
        return _change_request(row)

    async def of_client(self, company_id: UUID, client_id: UUID, *, pending_only: bool) -> list[ChangeRequest]:
        query = select(change_requests).where(change_requests.c.company_id == company_id,
                                              change_requests.c.client_id == client_id)
        if pending_only:
            query = query.where(change_requests.c.decision == Decision.PENDING.value)
        query = query.order_by(change_requests.c.submitted_at.desc(), change_requests.c.id)
        return [_change_request(row) for row in await self.session.execute(query)]

    async def pending(self, company_id: UUID, *, limit: int, offset: int) -> list[ChangeRequest]:
        query = (select(change_requests).where(change_requests.c.company_id == company_id,
                                               change_requests.c.decision == Decision.PENDING.value)
                 .order_by(change_requests.c.submitted_at, change_requests.c.id).limit(limit).offset(offset))
        return [_change_request(row) for row in await self.session.execute(query)]

    async def pending_on(self, company_id: UUID, visit_ids: list[UUID]) -> dict[UUID, ChangeRequest]:
        if not visit_ids:
            return {}
        query = (select(pending_change_visits.c.visit_id, change_requests)
                 .join(change_requests, change_requests.c.id == pending_change_visits.c.request_id)
                 .where(pending_change_visits.c.company_id == company_id,
                        pending_change_visits.c.visit_id.in_(visit_ids)))
        return {row.visit_id: _change_request(row) for row in await self.session.execute(query)}


def _change_json(change: VisitChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    raw = {"new_date": change.new_date, "new_start_time": change.new_start_time, "new_block_id": change.new_block_id,
           "new_service_id": change.new_service_id, "notes": change.notes,
           "new_pet_ids": list(change.new_pet_ids) if change.new_pet_ids is not None else None}
    return {key: (value.isoformat() if isinstance(value, date | time) else
                  [str(v) for v in value] if isinstance(value, list) else
                  str(value) if isinstance(value, UUID) else value)
            for key, value in raw.items() if value is not None}


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


def _change(raw: dict[str, Any] | None) -> VisitChange | None:
    if raw is None:
        return None
    return VisitChange(
        new_date=date.fromisoformat(raw["new_date"]) if raw.get("new_date") else None,
        new_start_time=time.fromisoformat(raw["new_start_time"]) if raw.get("new_start_time") else None,
        new_block_id=_uuid(raw.get("new_block_id")), new_service_id=_uuid(raw.get("new_service_id")),
        new_pet_ids=tuple(UUID(p) for p in raw["new_pet_ids"]) if raw.get("new_pet_ids") is not None else None,
        notes=raw.get("notes"))


def _change_request(row: Any) -> ChangeRequest:
    return ChangeRequest(row.id, row.company_id, row.client_id, RequestKind(row.kind), tuple(row.visit_ids),
                         row.submitted_at, _change(row.change), row.reason, Decision(row.decision),
                         row.auto_approved, row.decided_at, row.message)
