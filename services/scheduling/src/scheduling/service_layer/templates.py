"""Use cases of templates, a client's repeat schedules (R-SCHED-5; R-SCHED-11 ends them): create, list,
get with the 12-month projection, approve a period by hand, end, approve due periods automatically,
end a deactivated client's templates. Each commits once, except when called from a consumer (the
batch commits).

Approving a period creates its visits as visits scheduled by the business (`scheduling.visit.scheduled`
v2, never a notice to the client, R-NEVER-2), each carrying `template_id`; the period's visits share
one new invoice (R-INV-1), whose id is derived from the template and the period's start
(`domain.invoice_choice.period_invoice_id`). A period is approved once: the
approval row (template, period start) is written before the visits, and a second approver, by hand,
on another replica or after a restart, finds it and creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from scheduling.domain import local_time
from scheduling.domain.billing_periods import BillingFrequency, Period
from scheduling.domain.conflicts import check_no_conflicts
from scheduling.domain.invoice_choice import period_invoice_id
from scheduling.domain.recurrence import Recurrence, build_rule
from scheduling.domain.templates import PeriodAlreadyApproved, ProjectedPeriod, Template
from scheduling.domain.visits import Visit, place
from scheduling.service_layer.context import Context
from scheduling.service_layer.summaries import company_zone, pet_names, staff_of, summary_of
from scheduling.service_layer.templates_commands import ApprovePeriod, CreateTemplate, EndTemplate
from scheduling.service_layer.templates_ports import ApprovedBy, repos
from scheduling.service_layer.visit_invoicing import scheduled_event
from scheduling.service_layer.visits import check_client, check_client_pets, check_staff

FIRST_DATES_CHECKED = 14
"""How many of a block template's first dates are checked against the block's weekdays."""


@dataclass(frozen=True)
class TemplateWithProjection:
    template: Template
    today: date
    periods: list[ProjectedPeriod]


async def create_template(ctx: Context, command: CreateTemplate) -> Template:
    """R-SCHED-5: a repeat schedule for an active client's own pets with an active service, at a
    local time or in one of the service's blocks, by a staff member or nobody yet. Nothing is on the
    calendar until a period is approved. Raises CompanyNotKnownYet, ClientNotFound, ClientInactive,
    PetsNotAllowed, ServiceNotFound, ServiceDisabled, BlockNotFound, BlockNotAllowed (a date of the
    rule the block is not offered on), StaffNotFound, StaffInactive, InvalidRecurrence,
    InvalidBillingFrequency, InvalidTemplate (422/404/409)."""
    tz = await company_zone(ctx)
    await check_client(ctx, command.client_id)
    pet_ids = await check_client_pets(ctx, command.client_id, command.pet_ids)
    service = await ctx.uow.services.get(ctx.company_id, command.service_id)
    service.check_bookable()
    await check_staff(ctx, command.staff_id)
    repeat = command.repeat
    rule = build_rule(repeat.frequency, interval=repeat.interval, weekdays=repeat.weekdays,
                      month_days=repeat.month_days)
    recurrence = Recurrence(rule, command.starts_on, tz.key, command.start_time)
    template = Template(uuid4(), ctx.company_id, command.client_id, pet_ids, service.id, command.schedule_block_id,
                        command.duration_minutes or service.duration_minutes, command.staff_id, recurrence,
                        BillingFrequency(command.billing.frequency, command.billing.every_weeks),
                        command.auto_approve_days, created_at=ctx.now())
    if template.block_id is not None:
        block = await ctx.uow.blocks.get(ctx.company_id, template.block_id)
        for occurrence in recurrence.first(FIRST_DATES_CHECKED):
            service.check_block(block, occurrence.date())
    today = template.today(ctx.now())
    await repos(ctx).templates.add(template, next_auto_at=template.next_auto_approval(today, set()))
    await ctx.commit()
    return template


async def list_templates(ctx: Context, *, limit: int, offset: int, client_id: UUID | None = None,
                         running_only: bool = False) -> list[Template]:
    """The company's templates by first date (a client's with `client_id`)."""
    return await repos(ctx).templates.page(ctx.company_id, limit=limit, offset=offset, client_id=client_id,
                                           running_only=running_only)


async def get_template(ctx: Context, template_id: UUID) -> TemplateWithProjection:
    """R-SCHED-5: the template with its periods projected 12 months ahead (visits' local starts,
    approval day, approved or not). Raises TemplateNotFound (404)."""
    template = await repos(ctx).templates.get(ctx.company_id, template_id)
    approved = await repos(ctx).templates.approved_starts(ctx.company_id, template_id)
    today = template.today(ctx.now())
    return TemplateWithProjection(template, today, template.projection(today, approved))


async def approve_period(ctx: Context, template_id: UUID, command: ApprovePeriod) -> list[Visit]:
    """R-SCHED-5: approve by hand the period starting `period_start`: its visits from today on are
    created. Raises TemplateNotFound, PeriodNotApprovable, PeriodAlreadyApproved (409, also when a
    replica's automatic approval got there first), ClientInactive, StaffConflict (R-SCHED-4, unless
    `override_conflicts`)."""
    templates = repos(ctx).templates
    template = await templates.get(ctx.company_id, template_id, for_update=True)
    today = template.today(ctx.now())
    period = template.approvable(command.period_start, today,
                                 await templates.approved_starts(ctx.company_id, template_id))
    await check_client(ctx, template.client_id)
    visits = await _approve(ctx, template, period, today, by="hand", override_conflicts=command.override_conflicts)
    if visits is None:
        raise PeriodAlreadyApproved("That period has already been approved.",
                                    details={"period_start": period.start.isoformat()})
    await _save_next(ctx, template, today)
    await ctx.commit()
    return visits


async def end_template(ctx: Context, template_id: UUID, command: EndTemplate) -> Template:
    """R-SCHED-5: the template covers no date after `last_date` (today by default); visits already
    on the calendar stay (the scheduler moves or deletes them like any other). Raises
    TemplateNotFound (404), TemplateEnded (409)."""
    templates = repos(ctx).templates
    template = await templates.get(ctx.company_id, template_id, for_update=True)
    ended = template.ended(command.last_date or template.today(ctx.now()))
    await templates.save(ended, next_auto_at=None)
    await ctx.commit()
    return ended


async def approve_due(ctx: Context, template_id: UUID, now: datetime) -> int:
    """R-SCHED-5: approve automatically the template's periods whose day has come (the periodic
    job, for one claimed template; the caller commits). Returns the number of periods approved by
    this call: 0 for those another replica approved already (each period is approved once)."""
    templates = repos(ctx).templates
    template = await templates.get(ctx.company_id, template_id, for_update=True)
    today = template.today(now)
    approved = await templates.approved_starts(ctx.company_id, template_id)
    done = 0
    client = await ctx.uow.people.person(ctx.company_id, template.client_id)
    if template.ends_on is None and client is not None and client.active:
        for period in template.due_for_approval(today, approved):
            # The job cannot ask anyone about a staff conflict: visits are created, and the scheduler
            # sees both on the calendar (R-SCHED-4 is about a person's explicit assignment).
            if await _approve(ctx, template, period, today, by="auto", override_conflicts=True) is not None:
                done += 1
    await _save_next(ctx, template, today)
    return done


async def end_client_templates(ctx: Context, client_id: UUID, last_date: date | None = None) -> list[Template]:
    """R-SCHED-11 / R-INACT-3: end every running template of a deactivated client: they cover no
    date after `last_date` (default: yesterday, local), so no visit of today or later is ever
    created from them. Publishes nothing, notifies no one (R-NEVER-4). The caller (the consumer)
    commits. Returns the templates ended."""
    templates = repos(ctx).templates
    ended = []
    for template in await templates.running_of_client(ctx.company_id, client_id):
        today = template.today(ctx.now())
        last = last_date or today - timedelta(days=1)
        done = template.ended(last)
        await templates.save(done, next_auto_at=None)
        ended.append(done)
    return ended


async def _approve(ctx: Context, template: Template, period: Period, today: date, *, by: ApprovedBy,
                   override_conflicts: bool) -> list[Visit] | None:
    """Record the period's approval, then create its visits; None (and nothing created) when the
    period was approved already. The period's visits and their events are written in one insert
    each, and what the events name (service, block, pets, staff) is read once: every visit of a
    template has the same. Their events name the service's price and taxable flag now and the
    period's one new invoice (R-INV-1)."""
    tz = local_time.zone(template.time_zone)
    occurrences = template.occurrences(period, not_before=today)
    recorded = await repos(ctx).templates.record_approval(
        ctx.company_id, template.id, period.start, period.end, by=by, visit_count=len(occurrences))
    if not recorded:
        return None
    block = await ctx.uow.blocks.get(ctx.company_id, template.block_id) if template.block_id else None
    start_time = template.recurrence.local_time
    created = []
    for occurrence in occurrences:
        where = place(occurrence.date(), start_time, block, template.duration_minutes, tz)
        created.append(Visit(uuid4(), ctx.company_id, template.client_id, template.pet_ids, template.service_id,
                             where.visit_date, where.start_time, where.block_id, template.duration_minutes,
                             where.starts_at, where.ends_at, staff_id=template.staff_id, template_id=template.id))
    if not created:
        return created
    if not override_conflicts:
        await _check_conflicts(ctx, created)
    await ctx.uow.visits.add_many(created)
    service = await ctx.uow.services.get(ctx.company_id, template.service_id)
    pets = await pet_names(ctx, ctx.company_id, template.pet_ids)
    staff = await staff_of(ctx, ctx.company_id, template.staff_id)
    invoice_id = period_invoice_id(template.id, period.start)
    await repos(ctx).publish_many(
        [scheduled_event(visit, service, summary_of(visit, service, block, pets, staff, tz), invoice_id)
         for visit in created],
        company_id=ctx.company_id, actor=ctx.identity.actor())
    return created


async def _check_conflicts(ctx: Context, new: list[Visit]) -> None:
    """R-SCHED-4 for each new visit against the staff member's calendar and the new visits before
    it (as if added one by one), with one query over the whole period. Raises StaffConflict (409).
    Not called when conflicts are overridden: the check would accept everything."""
    staff_id = new[0].staff_id
    if staff_id is None:
        return
    around = await ctx.uow.visits.of_staff_between(ctx.company_id, staff_id, min(v.starts_at for v in new),
                                                   max(v.ends_at for v in new))
    for index, visit in enumerate(new):
        check_no_conflicts(visit, [*around, *new[:index]], override=False)


async def _save_next(ctx: Context, template: Template, today: date) -> None:
    approved = await repos(ctx).templates.approved_starts(ctx.company_id, template.id)
    await repos(ctx).templates.save(template, next_auto_at=template.next_auto_approval(today, approved))
