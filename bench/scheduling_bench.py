"""Scheduling a month of visits for many clients from templates (R-SCHED-5), the way the
template-approval job does it, in visits/s.

Set-up (not timed), in a fresh scheduling database migrated to head: one company (America/New_York)
with CLIENTS clients, a dog each and STAFF walkers, fed to scheduling's own consumer as clients.events
records (`BatchConsumer.handle_batch`, as Kafka would hand them); a 30-minute "Dog walk"; one
template per client (create_template use case) for a walk every weekday (RRULE FREQ=WEEKLY;BYDAY=
MO,TU,WE,TH,FR) at a quarter-hour slot with one of the walkers, billed monthly from the 1st of next
month, approved automatically so many days before that the period is due today.

Timed: `template_jobs.approve_due_once` (claim up to 20 due templates with SKIP LOCKED, then approve
each in its own transaction: the approval row, the visits with their staff-conflict check, one
`scheduling.visit.scheduled` per visit in the outbox), called again while it claims anything, as the
periodic job does after a full batch. Every run checks one approval per template, the expected visit
count (from the RRULE, for the whole next month), and one outbox event per visit.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from dateutil.rrule import FR, MO, TH, TU, WE, WEEKLY, rrule
from petcare_contracts import new_envelope
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered, PetAdded, StaffAdded
from petcare_contracts.events.common import Contact
from petcare_kit.consumer import BatchConsumer
from petcare_kit.db import create_engine, session_factory
from petcare_kit.identity import Identity, Role
from petcare_kit.migrations import upgrade_to_head
from petcare_kit.unit_of_work import UnitOfWork
from petcare_tools.embedded.databases import create_fresh_database
from petcare_tools.testing.records import record_of
from scheduling.adapters.templates_unit_of_work import SqlTemplatesUnitOfWork
from scheduling.bootstrap import CONSUMES, GROUP, build_router
from scheduling.config import SchedulingSettings
from scheduling.entrypoints.template_jobs import approve_due_once
from scheduling.service_layer import catalogue, templates
from scheduling.service_layer.commands import AddService
from scheduling.service_layer.context import Context
from scheduling.service_layer.templates_commands import Billing, CreateTemplate, RepeatRule
from scheduling.spec import SPEC
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.common import Infra, log, summary

ZONE = ZoneInfo("America/New_York")
STAFF = 20
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
SEED_BATCH = 500  # records per handle_batch, as the service's consumer takes them


def _contact(first: str, n: int) -> Contact:
    return Contact(first_name=first, last_name=f"Bench{n}", emails=[f"{first.lower()}{n}@example.com"], phones=[])


def _next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def expected_visits(clients: int, today: date) -> int:
    """Visits of the whole next month for `clients` weekday templates (dateutil, as a cross-check)."""
    first = _next_month(today)
    last = _next_month(first)
    days = rrule(WEEKLY, byweekday=(MO, TU, WE, TH, FR), dtstart=datetime.combine(first, clock(9)),
                 until=datetime.combine(last, clock(0)))
    return clients * sum(1 for d in days if d.date() < last)


async def _seed(sessions, clients: int) -> tuple[UUID, list[tuple[UUID, UUID]], list[UUID]]:
    """The company, `clients` clients with a dog each and STAFF walkers, through scheduling's consumer."""
    company_id, admin_id = uuid4(), uuid4()
    people = [(uuid4(), uuid4()) for _ in range(clients)]
    walkers = [uuid4() for _ in range(STAFF)]
    payloads = [CompanyRegistered(company_id=company_id, name="Bench Paws", slug=f"bench-{company_id.hex[:8]}",
                                  time_zone=ZONE.key, first_admin_id=admin_id),
                StaffAdded(staff_id=admin_id, role="admin", contact=_contact("Ada", 0))]
    payloads += [StaffAdded(staff_id=w, role="staff", contact=_contact("Walker", n)) for n, w in enumerate(walkers)]
    payloads += [ClientAdded(client_id=c, contact=_contact("Client", n)) for n, (c, _) in enumerate(people)]
    payloads += [PetAdded(pet_id=p, client_id=c, name=f"Dog {n}", species="dog") for n, (c, p) in enumerate(people)]
    consumer = BatchConsumer(group=GROUP, topics=CONSUMES, sessions=sessions,
                             router=build_router(SchedulingSettings()))
    records = [record_of(p, new_envelope(p, company_id=company_id, correlation_id="bench"), offset=i)
               for i, p in enumerate(payloads)]
    for i in range(0, len(records), SEED_BATCH):
        await consumer.handle_batch(records[i:i + SEED_BATCH])
    return company_id, people, walkers


async def _templates(sessions, company_id: UUID, people: list[tuple[UUID, UUID]], walkers: list[UUID],
                     today: date) -> None:
    admin = Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id)

    def ctx(uow: UnitOfWork) -> Context:
        return Context(SqlTemplatesUnitOfWork(uow), admin)

    async with UnitOfWork(sessions) as uow:
        walk = await catalogue.add_service(ctx(uow), AddService(name="Dog walk", duration_minutes=30,
                                                                price_cents=2500))
    starts_on = _next_month(today)
    for n, (client_id, pet_id) in enumerate(people):
        slot = (n // STAFF) % 40  # 08:00 .. 17:45 by quarter hours
        command = CreateTemplate(
            client_id=client_id, pet_ids=[pet_id], service_id=walk.id, starts_on=starts_on,
            start_time=clock(8 + slot // 4, 15 * (slot % 4)), staff_id=walkers[n % STAFF],
            repeat=RepeatRule(frequency="weekly", weekdays=WEEKDAYS), billing=Billing(frequency="monthly"),
            auto_approve_days=(starts_on - today).days)
        async with UnitOfWork(sessions) as uow:
            await templates.create_template(ctx(uow), command)


async def _run(infra: Infra, clients: int) -> dict:
    url = await create_fresh_database(infra.admin_url, "bench_scheduling")
    infra.databases.append(str(make_url(url).database))
    assert SPEC.alembic_dir is not None
    await asyncio.to_thread(upgrade_to_head, SPEC.alembic_dir, url)
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        today = datetime.now(UTC).astimezone(ZONE).date()
        started = time.perf_counter()
        company_id, people, walkers = await _seed(sessions, clients)
        await _templates(sessions, company_id, people, walkers, today)
        seeded = time.perf_counter() - started

        started = time.perf_counter()
        runs = 0
        while await approve_due_once(sessions):
            runs += 1
        elapsed = time.perf_counter() - started

        async with engine.connect() as connection:
            visits = await connection.scalar(text("SELECT count(*) FROM visits WHERE template_id IS NOT NULL"))
            periods = await connection.scalar(text("SELECT count(*) FROM template_periods"))
            scheduled = await connection.scalar(text(
                "SELECT count(*) FROM outbox WHERE convert_from(value, 'UTF8')::jsonb->>'type' "
                "= 'scheduling.visit.scheduled'"))
        expected = expected_visits(clients, today)
        return {"visits": visits, "visits_per_s": visits / elapsed, "seconds": elapsed, "job_runs": runs,
                "seconds_to_seed": seeded,
                "each_period_once_all_visits": periods == clients and visits == expected == scheduled}
    finally:
        await engine.dispose()
        await infra.drop(url)


async def run(infra: Infra, *, clients: int, repetitions: int) -> dict:
    """{"clients", "visits", "visits_per_s": summary, "seconds": summary, "each_period_once_all_visits"}."""
    results: dict = {"clients": clients, "staff": STAFF, "template": "weekdays (RRULE BYDAY=MO..FR), billed monthly",
                     "path": "template_jobs.approve_due_once until nothing is due (claims of 20, SKIP LOCKED)"}
    runs = []
    for rep in range(repetitions):
        r = await _run(infra, clients)
        runs.append(r)
        log(f"scheduling templates run {rep + 1}: {r['visits_per_s']:,.0f} visits/s ({r['visits']:,} visits for "
            f"{clients:,} clients in {r['seconds']:.2f} s, {r['job_runs']} job runs; seeding "
            f"{r['seconds_to_seed']:.1f} s), checks: {r['each_period_once_all_visits']}")
    results["visits"] = runs[0]["visits"]
    results["visits_per_s"] = summary([r["visits_per_s"] for r in runs])
    results["seconds"] = summary([r["seconds"] for r in runs], 2)
    results["seconds_to_seed"] = summary([r["seconds_to_seed"] for r in runs], 1)
    results["each_period_once_all_visits"] = all(r["each_period_once_all_visits"] for r in runs)
    return results
