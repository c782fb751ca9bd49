"""Templates through the HTTP API, the periodic job and the consumer, on a real PostgreSQL (R-SCHED-5,
R-SCHED-11): create, project 12 months, approve by hand once, end; automatic approval with two job
instances racing on one database (each period approved once); a deactivated client's templates end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from petcare_contracts import new_envelope
from petcare_contracts.events.clients import ClientDeactivated
from petcare_tools.testing.local_today import local_today
from scheduling.entrypoints import template_consumers, template_jobs
from scheduling.entrypoints.api import templates as templates_api
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from ..conftest import Service, World, make_world

NY = ZoneInfo("America/New_York")


@pytest_asyncio.fixture(loop_scope="session")
async def app(service: Service) -> AsyncIterator[Service]:
    """The service with the templates routes and consumer handler, whether or not bootstrap has
    registered them yet (then they are added to this test's app only)."""
    fastapi_app: Any = service.http._transport.app  # type: ignore[attr-defined]
    if not any(getattr(route, "path", None) == "/templates" for route in fastapi_app.routes):
        from petcare_kit.http import ERROR_RESPONSES

        fastapi_app.include_router(templates_api.router, responses=ERROR_RESPONSES)
    consumer = service.runtime.consumer
    assert consumer is not None
    probe = new_envelope(ClientDeactivated(client_id=uuid4(), delete_future_visits=False, delete_templates=False),
                         company_id=None, correlation_id="probe")
    if getattr(consumer.router.handler_for(probe), "__name__", "") != "on_client_deactivated":
        template_consumers.register(consumer.router)
    yield service


def next_monday(days_ahead: int) -> date:
    """A Monday at least `days_ahead` days after the company's today."""
    day = local_today() + timedelta(days=days_ahead)
    return day + timedelta(days=(7 - day.weekday()) % 7)


async def walk_service(service: Service, world: World) -> dict[str, Any]:
    answer = await service.call(world.admin, "POST", "/services",
                                json={"name": "Dog walk", "duration_minutes": 30, "price_cents": 2500})
    assert answer.status_code == 201, answer.text
    return answer.json()


def template_body(world: World, walk: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"client_id": str(world.client_id), "pet_ids": [str(world.pets[0])], "service_id": walk["id"],
            "starts_on": next_monday(14).isoformat(), "start_time": "09:00",
            "repeat": {"frequency": "weekly", "interval": 2, "weekdays": ["MO", "WE"]},
            "billing": {"frequency": "weekly"}, "auto_approve_days": None, **changes}


async def template_visits(service: Service, template_id: str) -> list[Any]:
    return await service.sql("SELECT visit_date, start_time FROM visits WHERE template_id = :t ORDER BY visit_date",
                             t=template_id)


async def test_r_sched_5_a_scheduler_creates_projects_approves_and_ends_a_template(app: Service) -> None:
    world = await make_world(app)
    walk = await walk_service(app, world)
    created = await app.call(world.admin, "POST", "/templates", json=template_body(world, walk))
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["rrule"] == "FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=MO,WE"
    assert await template_visits(app, template["id"]) == [], "nothing on the calendar before approval"

    detail = (await app.call(world.admin, "GET", f"/templates/{template['id']}")).json()
    first = detail["periods"][0]
    assert first["start"] == template["starts_on"] and first["approved"] is False and first["approve_on"] is None
    assert [v["starts_at"][11:16] for v in first["visits"]] == ["09:00", "09:00"]
    assert len(detail["periods"]) >= 50, "weekly periods 12 months ahead"
    assert [len(p["visits"]) for p in detail["periods"][:4]] == [2, 0, 2, 0], "every other week"

    approved = await app.call(world.admin, "POST", f"/templates/{template['id']}/approvals",
                              json={"period_start": first["start"]})
    assert approved.status_code == 201, approved.text
    assert [v["template_id"] for v in approved.json()["visits"]] == [template["id"]] * 2
    again = await app.call(world.admin, "POST", f"/templates/{template['id']}/approvals",
                           json={"period_start": first["start"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "period_already_approved"
    assert len(await template_visits(app, template["id"])) == 2
    assert len(await app.published("scheduling.visit.scheduled")) == 2

    ended = await app.call(world.admin, "POST", f"/templates/{template['id']}/end", json={})
    assert ended.status_code == 200 and ended.json()["ends_on"] is not None
    twice = await app.call(world.admin, "POST", f"/templates/{template['id']}/end", json={})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "template_ended"


async def test_r_sched_5_bad_input_and_other_companies_get_the_one_error_shape(app: Service) -> None:
    world = await make_world(app)
    walk = await walk_service(app, world)
    template = (await app.call(world.admin, "POST", "/templates", json=template_body(world, walk))).json()
    stranger = await make_world(app)

    for body, code in (
            (template_body(world, walk, pet_ids=[str(world.other_pet)]), "pets_not_allowed"),
            (template_body(world, walk, repeat={"frequency": "weekly"}), "invalid_recurrence"),
            (template_body(world, walk, repeat={"frequency": "monthly", "month_days": [32]}), "validation_error"),
            (template_body(world, walk, billing={"frequency": "every_n_weeks", "every_weeks": 1}),
             "invalid_billing_frequency"),
            (template_body(world, walk, client_id=str(world.inactive_client_id),
                           pet_ids=[str(world.inactive_pet)]), "client_inactive")):
        answer = await app.call(world.admin, "POST", "/templates", json=body)
        assert answer.status_code in (404, 409, 422), answer.text
        assert answer.json()["error"]["code"] == code and set(answer.json()["error"]) == {"code", "message", "details"}
    for method, path, body in (("GET", f"/templates/{template['id']}", None),
                               ("POST", f"/templates/{template['id']}/end", {}),
                               ("POST", f"/templates/{template['id']}/approvals",
                                {"period_start": template["starts_on"]})):
        answer = await app.call(stranger.admin, method, path, json=body)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "template_not_found"
    assert (await app.call(world.staff, "GET", "/templates")).status_code == 403
    listed = (await app.call(world.admin, "GET", "/templates")).json()["items"]
    assert [t["id"] for t in listed] == [template["id"]]


@pytest.mark.parametrize("replicas", [2])
async def test_r_sched_5_each_period_is_approved_once_with_two_job_instances_racing(app: Service, database_url: str,
                                                                                    replicas: int) -> None:
    world = await make_world(app)
    walk = await walk_service(app, world)
    body = template_body(world, walk, starts_on=next_monday(7).isoformat(), auto_approve_days=20,
                         repeat={"frequency": "daily"})
    template = (await app.call(world.admin, "POST", "/templates", json=body)).json()
    engines = [create_async_engine(database_url) for _ in range(replicas)]
    try:
        jobs = [template_jobs.approve_due_once(async_sessionmaker(engine, expire_on_commit=False))
                for engine in engines]
        await asyncio.gather(*jobs)
        # A replica that died holding its claim: the lease runs out and the template is taken over.
        await app.sql("UPDATE templates SET auto_state = 'claimed', auto_due_at = now() - interval '1 second'")
        await asyncio.gather(*[template_jobs.approve_due_once(async_sessionmaker(engine, expire_on_commit=False))
                               for engine in engines])
        # And approval of one template by two racers that skip the claim: the (template, period) key decides.
        from scheduling.adapters.templates_unit_of_work import SqlTemplatesUnitOfWork
        from scheduling.service_layer import templates as use_cases
        from scheduling.service_layer.context import Context

        async def racer(engine: Any) -> int:
            from petcare_kit.identity import Identity, Role
            from petcare_kit.unit_of_work import UnitOfWork

            async with UnitOfWork(async_sessionmaker(engine, expire_on_commit=False)) as uow:
                ctx = Context(SqlTemplatesUnitOfWork(uow), Identity(Role.INTERNAL, company_id=world.company_id))
                done = await use_cases.approve_due(ctx, template["id"], datetime.now(NY))
                await uow.commit()
                return done

        await app.sql("DELETE FROM template_periods WHERE period_start > (SELECT min(period_start) "
                      "FROM template_periods)")
        await app.sql("DELETE FROM visits WHERE visit_date >= (SELECT min(period_start) + 7 FROM template_periods)")
        results = await asyncio.gather(*[racer(engine) for engine in engines])
    finally:
        for engine in engines:
            await engine.dispose()

    assert sorted(results)[0] == 0 and sum(results) >= 1, "one racer approved, the other found it done"
    periods = await app.sql("SELECT period_start, approved_by, visit_count FROM template_periods ORDER BY 1")
    assert [p.approved_by for p in periods] == ["auto"] * len(periods) and len(periods) >= 2
    visits = await template_visits(app, template["id"])
    dates = [v.visit_date for v in visits]
    assert len(dates) == len(set(dates)) == sum(p.visit_count for p in periods), "one visit per date, never two"
    assert dates[0] == date.fromisoformat(body["starts_on"])


async def test_r_sched_11_a_deactivated_clients_templates_end_and_nothing_is_sent(app: Service) -> None:
    world = await make_world(app)
    walk = await walk_service(app, world)
    kept = (await app.call(world.admin, "POST", "/templates", json=template_body(
        world, walk, client_id=str(world.other_client_id), pet_ids=[str(world.other_pet)]))).json()
    ended = (await app.call(world.admin, "POST", "/templates", json=template_body(world, walk))).json()
    outbox_before = await app.sql("SELECT count(*) AS n FROM outbox")

    await app.feed(ClientDeactivated(client_id=world.client_id, delete_future_visits=True, delete_templates=True),
                   world.company_id)

    rows = {str(r.id): r.ends_on for r in await app.sql("SELECT id, ends_on FROM templates")}
    assert rows[kept["id"]] is None and rows[ended["id"]] is not None
    assert rows[ended["id"]] < date.fromisoformat(ended["starts_on"]), "it covers none of its dates"
    detail = (await app.call(world.admin, "GET", f"/templates/{ended['id']}")).json()
    assert all(p["visits"] == [] for p in detail["periods"])
    assert (await app.sql("SELECT count(*) AS n FROM outbox"))[0].n == outbox_before[0].n, \
        "ending templates publishes nothing (R-NEVER-4)"
    assert (await app.sql("SELECT active FROM directory_people WHERE person_id = :p", p=world.client_id))[0].active \
        is False, "the directory's own handling still ran"
