"""The templates repository over SQL (R-SCHED-5). Returns domain objects; never commits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from petcare_kit.background import claim_due
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.adapters.templates_tables import template_periods, templates
from scheduling.domain.billing_periods import BillingFrequency
from scheduling.domain.recurrence import Recurrence
from scheduling.domain.templates import Template, TemplateNotFound
from scheduling.service_layer.templates_ports import ApprovedBy

CLAIM_LEASE_SECONDS = 120.0
"""How long a replica holds a template it is approving; a crashed replica's claim runs out then."""


class SqlTemplates:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, template: Template, *, next_auto_at: datetime | None) -> None:
        await self.session.execute(insert(templates).values(
            id=template.id, company_id=template.company_id, client_id=template.client_id,
            pet_ids=list(template.pet_ids), service_id=template.service_id, block_id=template.block_id,
            start_time=template.recurrence.local_time, duration_minutes=template.duration_minutes,
            staff_id=template.staff_id, rrule=template.recurrence.rule, starts_on=template.starts_on,
            time_zone=template.time_zone, billing_kind=template.billing.kind,
            billing_every_weeks=template.billing.every_weeks, auto_approve_days=template.auto_approve_days,
            ends_on=template.ends_on, **_auto(next_auto_at)))

    async def save(self, template: Template, *, next_auto_at: datetime | None) -> None:
        await self.session.execute(update(templates).where(
            templates.c.company_id == template.company_id, templates.c.id == template.id,
        ).values(ends_on=template.ends_on, **_auto(next_auto_at)))

    async def get(self, company_id: UUID, template_id: UUID, *, for_update: bool = False) -> Template:
        query = select(templates).where(templates.c.company_id == company_id, templates.c.id == template_id)
        row = (await self.session.execute(query.with_for_update() if for_update else query)).one_or_none()
        if row is None:
            raise TemplateNotFound("No such template in your company.", details={"template_id": str(template_id)})
        return _template(row)

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   running_only: bool = False) -> list[Template]:
        query = select(templates).where(templates.c.company_id == company_id)
        if client_id is not None:
            query = query.where(templates.c.client_id == client_id)
        if running_only:
            query = query.where(templates.c.ends_on.is_(None))
        query = query.order_by(templates.c.starts_on, templates.c.id).limit(limit).offset(offset)
        return [_template(row) for row in await self.session.execute(query)]

    async def running_of_client(self, company_id: UUID, client_id: UUID) -> list[Template]:
        query = select(templates).where(templates.c.company_id == company_id, templates.c.client_id == client_id,
                                        templates.c.ends_on.is_(None)).order_by(templates.c.id).with_for_update()
        return [_template(row) for row in await self.session.execute(query)]

    async def approved_starts(self, company_id: UUID, template_id: UUID) -> set[date]:
        rows = await self.session.execute(select(template_periods.c.period_start).where(
            template_periods.c.company_id == company_id, template_periods.c.template_id == template_id))
        return {row.period_start for row in rows}

    async def record_approval(self, company_id: UUID, template_id: UUID, start: date, end: date, *,
                              by: ApprovedBy, visit_count: int) -> bool:
        # ON CONFLICT DO NOTHING on the (template, period start) key: a concurrent approver waits
        # for our commit, then inserts nothing, and so creates no visit (R-SCHED-5: approved once).
        inserted = await self.session.execute(
            pg_insert(template_periods).values(template_id=template_id, period_start=start, company_id=company_id,
                                               period_end=end, approved_by=by, visit_count=visit_count)
            .on_conflict_do_nothing(index_elements=["template_id", "period_start"])
            .returning(template_periods.c.template_id))
        return inserted.first() is not None


async def claim_due_templates(session: AsyncSession, *, limit: int) -> list[tuple[UUID, UUID]]:
    """The periodic job's claim (petcare_kit.background.claim_due): up to `limit` templates whose
    next automatic approval has come, held for CLAIM_LEASE_SECONDS (a crashed replica's claim then
    runs out). Returns (company_id, template_id); the caller commits the claim."""
    rows = await claim_due(session, templates, state=templates.c.auto_state, due_at=templates.c.auto_due_at,
                           ready=("waiting", "claimed"), claimed="claimed", lease_seconds=CLAIM_LEASE_SECONDS,
                           limit=limit)
    return [(row.company_id, row.id) for row in rows]


def _auto(next_auto_at: datetime | None) -> dict[str, Any]:
    return {"auto_state": "idle" if next_auto_at is None else "waiting", "auto_due_at": next_auto_at}


def _template(row: Any) -> Template:
    return Template(
        row.id, row.company_id, row.client_id, tuple(row.pet_ids), row.service_id, row.block_id,
        row.duration_minutes, row.staff_id, Recurrence(row.rrule, row.starts_on, row.time_zone, row.start_time),
        BillingFrequency(row.billing_kind, row.billing_every_weeks), row.auto_approve_days, ends_on=row.ends_on,
        created_at=row.created_at)
