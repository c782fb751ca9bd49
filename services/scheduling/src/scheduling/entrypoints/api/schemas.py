"""What the API answers: one pydantic model per answer, so the merged OpenAPI document (from which
frontends generate their clients) says exactly what comes back.

R-SCHED-3: `VisitView` (the business's) carries the staff-only note; `ClientVisitView` (every
answer a client can get) has no such field at all, so no client-facing answer can leak it."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from pydantic import BaseModel

from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.visits import Visit, VisitStatus


class ServiceView(BaseModel):
    id: UUID
    name: str
    duration_minutes: int
    price_cents: int
    """Integer cents."""
    client_selectable: bool
    schedule_block_ids: list[UUID]
    late_reminder_minutes: int | None
    taxable: bool
    active: bool

    @classmethod
    def of(cls, service: Service) -> ServiceView:
        return cls(id=service.id, name=service.name, duration_minutes=service.duration_minutes,
                   price_cents=service.price_cents, client_selectable=service.client_selectable,
                   schedule_block_ids=list(service.block_ids), late_reminder_minutes=service.late_reminder_minutes,
                   taxable=service.taxable, active=service.active)


class ServicePage(BaseModel):
    items: list[ServiceView]
    limit: int
    offset: int


class ScheduleBlockView(BaseModel):
    id: UUID
    title: str
    starts: time
    """Local wall-clock time of the company's zone."""
    ends: time
    weekdays: list[int]
    """ISO weekdays, 1 = Monday ... 7 = Sunday."""
    active: bool

    @classmethod
    def of(cls, block: ScheduleBlock) -> ScheduleBlockView:
        return cls(id=block.id, title=block.title, starts=block.starts, ends=block.ends,
                   weekdays=sorted(block.weekdays), active=block.active)


class ScheduleBlockPage(BaseModel):
    items: list[ScheduleBlockView]
    limit: int
    offset: int


class ClientVisitView(BaseModel):
    """A visit as its client sees it: no staff-only note (R-SCHED-3)."""

    id: UUID
    client_id: UUID
    pet_ids: list[UUID]
    service_id: UUID
    visit_date: date
    """Local date."""
    start_time: time | None
    """Local start of a timed visit; None for a block visit."""
    schedule_block_id: UUID | None
    duration_minutes: int
    starts_at: datetime
    """UTC: the start, or the block's start."""
    ends_at: datetime
    """UTC: start + duration, or the block's end."""
    staff_id: UUID | None
    status: VisitStatus

    @classmethod
    def fields_of(cls, visit: Visit) -> dict[str, object]:
        return {"id": visit.id, "client_id": visit.client_id, "pet_ids": list(visit.pet_ids),
                "service_id": visit.service_id, "visit_date": visit.visit_date, "start_time": visit.start_time,
                "schedule_block_id": visit.block_id, "duration_minutes": visit.duration_minutes,
                "starts_at": visit.starts_at, "ends_at": visit.ends_at, "staff_id": visit.staff_id,
                "status": visit.status}

    @classmethod
    def of(cls, visit: Visit) -> ClientVisitView:
        return cls.model_validate(cls.fields_of(visit))


class VisitView(ClientVisitView):
    """A visit as the business sees it."""

    staff_note: str | None
    template_id: UUID | None
    started_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, visit: Visit) -> VisitView:
        return cls.model_validate({**cls.fields_of(visit), "staff_note": visit.staff_note,
                                   "template_id": visit.template_id, "started_at": visit.started_at,
                                   "completed_at": visit.completed_at})


class VisitPage(BaseModel):
    items: list[VisitView]
    limit: int
    offset: int


class ClientVisitPage(BaseModel):
    items: list[ClientVisitView]
    limit: int
    offset: int


class Cancelled(BaseModel):
    items: list[VisitView]
