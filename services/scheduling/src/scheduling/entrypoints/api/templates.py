"""Templates (repeat schedules, R-SCHED-5) over HTTP, for the schedulers (admins, office managers):
create, list, get with the periods projected 12 months ahead, approve a period by hand (its visits
are created), end. Thin: each route builds the command, calls the use case, returns a view."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.identity import MANAGERS, IdentityDep, allow
from petcare_kit.validation import Limit, Offset
from pydantic import BaseModel

from scheduling.adapters.templates_unit_of_work import SqlTemplatesUnitOfWork
from scheduling.domain.recurrence import parts_of
from scheduling.domain.templates import Template
from scheduling.entrypoints.api.schemas import VisitView
from scheduling.service_layer import templates
from scheduling.service_layer.context import Context
from scheduling.service_layer.templates import TemplateWithProjection
from scheduling.service_layer.templates_commands import ApprovePeriod, CreateTemplate, EndTemplate

router = APIRouter(tags=["templates"])


async def _context(uow: UnitOfWorkDep, identity: IdentityDep) -> AsyncIterator[Context]:
    yield Context(SqlTemplatesUnitOfWork(uow), identity)


TemplatesContextDep = Annotated[Context, Depends(_context)]


class BillingView(BaseModel):
    frequency: str
    every_weeks: int


class TemplateView(BaseModel):
    id: UUID
    client_id: UUID
    pet_ids: list[UUID]
    service_id: UUID
    schedule_block_id: UUID | None
    start_time: time | None
    """Local start; None for a block template."""
    duration_minutes: int
    staff_id: UUID | None
    rrule: str
    """The RFC 5545 RRULE value, e.g. FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=MO,WE."""
    starts_on: date
    time_zone: str
    billing: BillingView
    auto_approve_days: int | None
    """None: periods are approved by hand."""
    ends_on: date | None
    """The last date covered, once ended."""

    @classmethod
    def fields_of(cls, t: Template) -> dict[str, object]:
        return {"id": t.id, "client_id": t.client_id, "pet_ids": list(t.pet_ids), "service_id": t.service_id,
                "schedule_block_id": t.block_id, "start_time": t.recurrence.local_time,
                "duration_minutes": t.duration_minutes, "staff_id": t.staff_id, "rrule": t.recurrence.rule,
                "starts_on": t.starts_on, "time_zone": t.time_zone,
                "billing": BillingView(frequency=t.billing.kind, every_weeks=t.billing.every_weeks),
                "auto_approve_days": t.auto_approve_days, "ends_on": t.ends_on}

    @classmethod
    def of(cls, template: Template) -> TemplateView:
        return cls.model_validate(cls.fields_of(template))


class ProjectedVisit(BaseModel):
    visit_date: date
    starts_at: datetime | None
    """Local start with its UTC offset for a timed template; None for a block template."""


class ProjectedPeriodView(BaseModel):
    start: date
    end: date
    approve_on: date | None
    """The day it is approved automatically; None when approved by hand."""
    approved: bool
    visits: list[ProjectedVisit]
    """The visits from today on (created once approved)."""


class TemplateDetail(TemplateView):
    rule_parts: dict[str, str]
    today: date
    """The company's local date the projection starts from."""
    periods: list[ProjectedPeriodView]
    """R-SCHED-5: from the current period to 12 months ahead."""

    @classmethod
    def of_projection(cls, found: TemplateWithProjection) -> TemplateDetail:
        timed = found.template.recurrence.local_time is not None
        periods = [ProjectedPeriodView(
            start=p.period.start, end=p.period.end, approve_on=p.approve_on, approved=p.approved,
            visits=[ProjectedVisit(visit_date=o.date(), starts_at=o if timed else None) for o in p.occurrences])
            for p in found.periods]
        rule = found.template.recurrence.rule
        return cls.model_validate({**cls.fields_of(found.template), "rule_parts": parts_of(rule),
                                   "today": found.today, "periods": periods})


class TemplatePage(BaseModel):
    items: list[TemplateView]
    limit: int
    offset: int


class ApprovedPeriod(BaseModel):
    period_start: date
    visits: list[VisitView]


@router.post("/templates", status_code=201, response_model=TemplateView, **allow(*MANAGERS))
async def create_template(body: CreateTemplate, ctx: TemplatesContextDep) -> TemplateView:
    """R-SCHED-5. Nothing is on the calendar until a period is approved (by hand, or automatically
    `auto_approve_days` before it starts)."""
    return TemplateView.of(await templates.create_template(ctx, body))


@router.get("/templates", response_model=TemplatePage, **allow(*MANAGERS))
async def list_templates(ctx: TemplatesContextDep, limit: Limit = 50, offset: Offset = 0,
                         client_id: UUID | None = None, running_only: bool = False) -> TemplatePage:
    """By first date, then id."""
    found = await templates.list_templates(ctx, limit=limit, offset=offset, client_id=client_id,
                                           running_only=running_only)
    return TemplatePage(items=[TemplateView.of(t) for t in found], limit=limit, offset=offset)


@router.get("/templates/{template_id}", response_model=TemplateDetail, **allow(*MANAGERS))
async def get_template(template_id: UUID, ctx: TemplatesContextDep) -> TemplateDetail:
    """R-SCHED-5: with its periods projected 12 months ahead."""
    return TemplateDetail.of_projection(await templates.get_template(ctx, template_id))


@router.post("/templates/{template_id}/approvals", status_code=201, response_model=ApprovedPeriod,
             **allow(*MANAGERS))
async def approve_period(template_id: UUID, body: ApprovePeriod, ctx: TemplatesContextDep) -> ApprovedPeriod:
    """R-SCHED-5: approve a period by hand; its visits from today on are created. 409
    `period_already_approved` the second time, `period_not_approvable` for a date that starts no
    current or upcoming period, `staff_conflict` (R-SCHED-4) unless `override_conflicts`."""
    created = await templates.approve_period(ctx, template_id, body)
    return ApprovedPeriod(period_start=body.period_start, visits=[VisitView.of(v) for v in created])


@router.post("/templates/{template_id}/end", response_model=TemplateView, **allow(*MANAGERS))
async def end_template(template_id: UUID, body: EndTemplate, ctx: TemplatesContextDep) -> TemplateView:
    """R-SCHED-5: the template covers no date after `last_date` (default today); visits already
    created stay. 409 `template_ended` when it was ended already."""
    return TemplateView.of(await templates.end_template(ctx, template_id, body))
