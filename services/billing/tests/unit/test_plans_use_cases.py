"""R-PLAN-1 / R-TEXT-1 use cases on fakes: the trial starts once at registration, a plan chosen by the
admin, the trial's end applied and announced once; billing.plan.changed for every change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from billing.domain.plans import Plan, PlanNotKnownYet
from billing.service_layer import plans
from billing.service_layer.context import Context
from billing.service_layer.plans_commands import ChoosePlan, MoveTrial, StartTrial
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

CHANGED = "billing.plan.changed"


def contexts() -> tuple[FakeUnitOfWork, Context, Context]:
    uow = FakeUnitOfWork()
    company_id = uuid4()
    return uow, Context(uow), Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id))


async def test_r_plan_1_registration_starts_a_team_trial_once_and_says_so() -> None:
    uow, system, admin = contexts()
    command = StartTrial(company_id=admin.company_id, registered_at=datetime.now(UTC), time_zone="America/New_York")
    assert await plans.start_trial(system, command) is not None
    assert await plans.start_trial(system, command) is None  # redelivered: nothing twice
    assert uow.events(CHANGED) == [{"company_id": str(admin.company_id), "plan": "team", "in_trial": True}]
    view = await plans.get_plan(admin)
    assert (view.plan, view.chosen, view.in_trial, view.trial_days_left, view.texting_included) == (
        Plan.TEAM, False, True, 14, False)


async def test_r_plan_1_the_admin_chooses_a_plan_during_the_trial_texting_waits_r_text_1() -> None:
    uow, system, admin = contexts()
    await plans.start_trial(system, StartTrial(company_id=admin.company_id, registered_at=datetime.now(UTC),
                                               time_zone="America/New_York"))
    view = await plans.choose_plan(admin, ChoosePlan(plan=Plan.SOLO))
    assert (view.plan, view.in_trial, view.texting_included) == (Plan.SOLO, True, False)
    await plans.choose_plan(admin, ChoosePlan(plan=Plan.SOLO))  # the same again: no event
    assert uow.events(CHANGED)[1:] == [{"company_id": str(admin.company_id), "plan": "solo", "in_trial": True}]
    assert uow.commits == 2


async def test_r_plan_1_an_unknown_company_has_no_plan_yet() -> None:
    _, _, admin = contexts()
    with pytest.raises(PlanNotKnownYet):
        await plans.get_plan(admin)
    with pytest.raises(PlanNotKnownYet):
        await plans.choose_plan(admin, ChoosePlan(plan=Plan.TEAM))


async def test_r_plan_1_the_trials_end_is_applied_and_announced_once() -> None:
    uow, system, admin = contexts()
    other = uuid4()
    now = datetime.now(UTC)
    await plans.start_trial(system, StartTrial(company_id=admin.company_id, registered_at=now,
                                               time_zone="America/New_York"))
    await plans.start_trial(system, StartTrial(company_id=other, registered_at=now, time_zone="Europe/Paris"))
    await plans.start_trial(system, StartTrial(company_id=uuid4(), registered_at=now,
                                               time_zone="Europe/Paris"))  # still in its trial
    for ended in (admin.company_id, other):  # 15 days later, for these two
        uow.plans.rows[ended] = replace(uow.plans.rows[ended], trial_ends_at=now - timedelta(seconds=1))
    uow.published.clear()
    uow.plans.rows[admin.company_id] = uow.plans.rows[admin.company_id].choose(Plan.SOLO)
    assert await plans.end_ended_trials(system, limit=10) == 2
    assert await plans.end_ended_trials(system, limit=10) == 0  # once
    assert sorted(uow.events(CHANGED), key=lambda e: e["plan"]) == [
        {"company_id": str(other), "plan": "lite", "in_trial": False},  # chose nothing: Lite
        {"company_id": str(admin.company_id), "plan": "solo", "in_trial": False}]
    view = await plans.get_plan(admin)
    assert (view.plan, view.in_trial, view.texting_included) == (Plan.SOLO, False, True)


async def test_r_plan_1_a_company_that_moves_ends_its_trial_at_its_new_local_midnight() -> None:
    uow, system, admin = contexts()
    await plans.start_trial(system, StartTrial(company_id=admin.company_id, registered_at=datetime.now(UTC),
                                               time_zone="America/New_York"))
    before = uow.plans.rows[admin.company_id].trial_ends_at
    await plans.move_trial(system, MoveTrial(company_id=admin.company_id, time_zone="America/Los_Angeles"))
    moved = uow.plans.rows[admin.company_id]
    assert before is not None and moved.trial_ends_at == before + timedelta(hours=3)
    assert moved.time_zone == "America/Los_Angeles" and len(uow.published) == 1  # only the trial's start


async def test_r_plan_1_a_test_trial_length_makes_a_short_trial() -> None:
    uow, system, admin = contexts()
    await plans.start_trial(system, StartTrial(company_id=admin.company_id,
                                               registered_at=datetime.now(UTC) - timedelta(seconds=2),
                                               time_zone="UTC", trial_length_seconds=1))
    assert uow.events(CHANGED) == [{"company_id": str(admin.company_id), "plan": "lite", "in_trial": False}]
    assert await plans.end_ended_trials(system, limit=10) == 0  # already ended, and announced, at its start


async def test_r_plan_1_a_registration_read_after_its_trial_ended_announces_the_end_once() -> None:
    uow, system, admin = contexts()
    long_ago = datetime.now(UTC) - timedelta(days=15)
    started = await plans.start_trial(system, StartTrial(company_id=admin.company_id, registered_at=long_ago,
                                                         time_zone="America/New_York"))
    assert started is not None and started.trial_over
    assert await plans.end_ended_trials(system, limit=10) == 0  # the job does not announce it again
    assert uow.events(CHANGED) == [{"company_id": str(admin.company_id), "plan": "lite", "in_trial": False}]
    view = await plans.get_plan(admin)
    assert (view.plan, view.in_trial, view.trial_days_left, view.texting_included) == (Plan.LITE, False, 0, False)
