"""R-PLAN-1 / R-TEXT-1 through billing's API and consumer: the trial starts when the company's
registration arrives (in its local dates), GET/PUT /plan with roles, billing.plan.changed for every
change, and the trial's end announced once by the periodic job even with two replicas at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from billing.adapters.plans_tables import company_plans
from billing.entrypoints import plans_jobs
from petcare_contracts import new_envelope
from petcare_contracts.events.clients import CompanyRegistered, CompanySettingsChanged
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.service import ServiceUnderTest
from sqlalchemy import update

pytestmark = pytest.mark.asyncio(loop_scope="session")
CHANGED = "billing.plan.changed"
NEW_YORK = "America/New_York"


async def register(service: ServiceUnderTest, company_id: UUID, *, at: datetime | None = None,
                   zone: str = NEW_YORK) -> None:
    payload = CompanyRegistered(company_id=company_id, name="Happy Paws", slug=f"paws-{company_id.hex[:8]}",
                                time_zone=zone, first_admin_id=uuid4())
    envelope = new_envelope(payload, company_id=company_id, correlation_id="test")
    if at is not None:
        envelope = envelope.model_copy(update={"occurred_at": at})
    await service.feed(payload, company_id, envelope)


def as_role(company_id: UUID, role: Role) -> Identity:
    return Identity(role, person_id=uuid4(), company_id=company_id)


async def plan_events(service: ServiceUnderTest, company_id: UUID) -> list[dict[str, object]]:
    return [e["data"] for e in await service.outbox("billing.events") if e["type"] == CHANGED
            and e["company_id"] == str(company_id)]


async def test_r_plan_1_a_registered_company_is_in_a_14_day_team_trial_from_its_local_day(
        service: ServiceUnderTest) -> None:
    company_id = uuid4()
    now = datetime.now(UTC)
    await register(service, company_id, at=now)
    await register(service, company_id, at=now)  # a replayed registration starts nothing twice
    answer = await service.as_(as_role(company_id, Role.OFFICE_MANAGER)).get("/plan")
    assert answer.status_code == 200, answer.text
    plan = answer.json()
    local_day = now.astimezone(ZoneInfo(NEW_YORK)).date()
    assert plan["plan"] == "team" and plan["chosen"] is False and plan["in_trial"] is True
    assert plan["trial_started_on"] == local_day.isoformat() and plan["trial_days_left"] == 14
    assert datetime.fromisoformat(plan["trial_ends_at"]) == datetime.combine(
        local_day + timedelta(days=14), datetime.min.time(), tzinfo=ZoneInfo(NEW_YORK))
    assert plan["texting_included"] is False  # R-TEXT-1: not during the trial
    assert await plan_events(service, company_id) == [
        {"company_id": str(company_id), "plan": "team", "in_trial": True}]


async def test_r_plan_1_only_the_admin_changes_the_plan_and_each_change_is_published(
        service: ServiceUnderTest) -> None:
    company_id = uuid4()
    await register(service, company_id)
    admin = service.as_(as_role(company_id, Role.ADMIN))
    for role in (Role.OFFICE_MANAGER, Role.STAFF, Role.CLIENT):
        refused = await service.as_(as_role(company_id, role)).put("/plan", json={"plan": "solo"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_not_allowed"
    for role in (Role.STAFF, Role.CLIENT):
        assert (await service.as_(as_role(company_id, role)).get("/plan")).status_code == 403
    chosen = await admin.put("/plan", json={"plan": "solo"})
    assert chosen.status_code == 200, chosen.text
    assert (chosen.json()["plan"], chosen.json()["chosen"], chosen.json()["in_trial"]) == ("solo", True, True)
    assert (await admin.put("/plan", json={"plan": "solo"})).status_code == 200  # no change, no event
    assert (await admin.put("/plan", json={"plan": "lite"})).json()["plan"] == "lite"
    assert [(e["plan"], e["in_trial"]) for e in await plan_events(service, company_id)] == [
        ("team", True), ("solo", True), ("lite", True)]


@pytest.mark.parametrize("body", [{"plan": "gold"}, {"plan": "solo", "in_trial": False}, {}, {"plan": "so\x00lo"}])
async def test_r_plan_1_bad_input_is_a_422_in_the_one_shape(service: ServiceUnderTest,
                                                             body: dict[str, object]) -> None:
    company_id = uuid4()
    await register(service, company_id)
    answer = await service.as_(as_role(company_id, Role.ADMIN)).put("/plan", json=body)
    assert answer.status_code == 422 and set(answer.json()["error"]) == {"code", "message", "details"}
    assert len(await plan_events(service, company_id)) == 1


async def test_r_plan_1_a_company_billing_has_not_heard_of_gets_a_404_to_retry(service: ServiceUnderTest) -> None:
    company_id = uuid4()
    for answer in (await service.as_(as_role(company_id, Role.ADMIN)).get("/plan"),
                   await service.as_(as_role(company_id, Role.ADMIN)).put("/plan", json={"plan": "solo"})):
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "plan_not_known_yet"


async def test_r_plan_1_each_company_sees_and_changes_only_its_own_plan(service: ServiceUnderTest) -> None:
    mine, theirs = uuid4(), uuid4()
    await register(service, mine)
    await register(service, theirs)
    assert (await service.as_(as_role(mine, Role.ADMIN)).put("/plan", json={"plan": "lite"})).status_code == 200
    assert (await service.as_(as_role(theirs, Role.ADMIN)).get("/plan")).json()["plan"] == "team"
    assert [e["plan"] for e in await plan_events(service, theirs)] == ["team"]


async def test_r_plan_1_the_trials_end_is_published_once_by_two_replicas_at_once(service: ServiceUnderTest) -> None:
    chose, did_not, late = uuid4(), uuid4(), uuid4()
    await register(service, chose)
    await register(service, did_not, zone="Europe/Paris")
    await register(service, late, at=datetime.now(UTC) - timedelta(days=15))  # heard of after its trial
    assert (await service.as_(as_role(chose, Role.ADMIN)).put("/plan", json={"plan": "solo"})).status_code == 200
    async with service.runtime.sessions() as session:  # 15 days later, for these two
        await session.execute(update(company_plans).where(company_plans.c.company_id.in_([chose, did_not]))
                              .values(trial_ends_at=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()
    ended = await asyncio.gather(*(plans_jobs.end_trials_once(service.runtime.sessions) for _ in range(2)))
    assert sum(ended) >= 2  # (other tests' ended trials may be among them)
    assert await plans_jobs.end_trials_once(service.runtime.sessions) == 0
    assert (await plan_events(service, chose))[-1] == {"company_id": str(chose), "plan": "solo", "in_trial": False}
    assert [(e["plan"], e["in_trial"]) for e in await plan_events(service, did_not)] == [
        ("team", True), ("lite", False)]  # the trial's start, then its end, once
    assert [(e["plan"], e["in_trial"]) for e in await plan_events(service, late)] == [
        ("lite", False)]  # ended when heard of: announced then, and not by the job again
    plan = (await service.as_(as_role(chose, Role.ADMIN)).get("/plan")).json()
    assert (plan["plan"], plan["in_trial"], plan["texting_included"]) == ("solo", False, True)  # R-TEXT-1


async def test_r_plan_1_a_company_that_moves_ends_its_trial_at_its_new_local_midnight(
        service: ServiceUnderTest) -> None:
    company_id = uuid4()
    await register(service, company_id)
    before = (await service.as_(as_role(company_id, Role.ADMIN)).get("/plan")).json()["trial_ends_at"]
    await service.feed(CompanySettingsChanged(
        company_id=company_id, name="Happy Paws", time_zone="America/Los_Angeles",
        portal_request_mode="specific_visits", cancellations_auto_approve=False,
        notify_client_when_visit_starts=False), company_id)
    after = (await service.as_(as_role(company_id, Role.ADMIN)).get("/plan")).json()["trial_ends_at"]
    assert datetime.fromisoformat(after) - datetime.fromisoformat(before) == timedelta(hours=3)
