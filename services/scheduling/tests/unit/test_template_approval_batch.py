"""R-SCHED-5 / R-SCHED-4: a period's visits are approved as one batch (one visits insert, one
outbox write, names read once) and behave as if created one by one: the events name the service,
pets and staff; automatic approval creates visits where the staff member is busy; a hand approval
refuses a conflict with any of the period's visits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from scheduling.domain.errors import StaffConflict
from scheduling.service_layer import templates
from scheduling.service_layer.templates_commands import ApprovePeriod

from . import test_template_use_cases as base
from .test_template_use_cases import At, World

world = base.world
D = date.fromisoformat


async def test_r_sched_5_each_approved_visit_has_one_event_naming_service_pets_and_staff(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create(staff_id=str(world.staff_id),
                                                                       auto_approve_days=None))

    created = await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=D("2026-03-09")))

    events = world.uow.events("scheduling.visit.scheduled")
    assert world.uow.versions("scheduling.visit.scheduled") == [2, 2]
    assert [e["visit_id"] for e in events] == [str(v.id) for v in created]
    assert {(e["visit"]["service_name"], tuple(e["visit"]["pet_names"]), e["visit"]["staff_name"]) for e in events} \
        == {("Dog walk", ("Rex",), "Sam Sitter")}
    assert [e["visit"]["starts_at"][:16] for e in events] == ["2026-03-09T09:00", "2026-03-11T09:00"]


async def test_r_sched_5_automatic_approval_creates_visits_even_where_the_staff_member_is_busy(world: World) -> None:
    busy = await templates.create_template(world.ctx, world.create(staff_id=str(world.staff_id),
                                                                   auto_approve_days=None, start_time="09:15"))
    await templates.approve_period(world.ctx, busy.id, ApprovePeriod(period_start=D("2026-03-09")))
    template = await templates.create_template(world.ctx, world.create(staff_id=str(world.staff_id)))
    job = At(world.uow, world.ctx.identity)

    assert await templates.approve_due(job, template.id, datetime(2026, 3, 6, 12, tzinfo=UTC)) == 1
    assert sorted(v.visit_date for v in world.uow.visits.rows.values() if v.template_id == template.id) \
        == [D("2026-03-09"), D("2026-03-11")]


async def test_r_sched_4_a_hand_approval_refuses_a_conflict_with_a_later_visit_of_the_period(world: World) -> None:
    busy = await templates.create_template(world.ctx, world.create(
        staff_id=str(world.staff_id), auto_approve_days=None, start_time="09:15",
        repeat={"frequency": "weekly", "weekdays": ["WE"]}))
    [wednesday] = await templates.approve_period(world.ctx, busy.id, ApprovePeriod(period_start=D("2026-03-09")))
    template = await templates.create_template(world.ctx, world.create(staff_id=str(world.staff_id),
                                                                       auto_approve_days=None))

    with pytest.raises(StaffConflict) as refused:
        await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=D("2026-03-09")))
    assert [c["visit_id"] for c in refused.value.details["conflicts"]] == [str(wednesday.id)]
