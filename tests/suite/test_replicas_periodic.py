"""R-SCALE-1 for periodic jobs: with three replicas running the same job, each unit of work is done
once, and each event it causes is published once by the outbox relays (one leader among three).

- billing ×3, the plans job (R-PLAN-1): every company's trial ends once: one
  `billing.plan.changed {in_trial: false}` per company on billing.events, one replica killed (-9) and
  started again while trials are ending.

- scheduling ×3, the template job (R-SCHED-5): each template's due period is approved once (its
  visits created once: no date twice, one `scheduling.visit.scheduled` per visit), and the late job
  (R-SCHED-9) reports each late visit once (one `scheduling.visit.staff_late` per visit).

Late detection with a replica killed and restarted is test_scheduling_late_replicas.py (R-SCHED-9);
the email and text dispatchers with three replicas and a kill are test_replicas.py.

Real processes on the real broker. The companies are registered the way clients announces them
(`clients.company.registered` on clients.events), so that a few dozen cost no HTTP set-up.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from petcare_contracts import EventPayload, envelope_headers, new_envelope
from petcare_contracts.events.clients import CompanyRegistered
from petcare_tools.testing.topics import envelope_of, published_envelopes, read_topic_to_end
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from suite.suite_harness import Suite
from suite.test_scheduling_late_replicas import book
from suite.test_texting_crash import eventually

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(900),
]
REPLICAS = 3
COMPANIES = 60
QUIET = {"LOG_LEVEL": "WARNING"}
BILLING_ENV = {**QUIET, "BILLING_TRIAL_LENGTH_SECONDS": "20", "BILLING_PLANS_JOB_INTERVAL_SECONDS": "0.2"}
"""Trials of 20 s, looked for five times a second by each replica: the three race for every trial. Not
shorter: a registration billing reads after its trial is over already announces in_trial=false, and
the job then announces it again (seen with 3 s trials while a killed replica's partitions waited for
the group to notice it was gone)."""
TEMPLATES, LATE_VISITS = 8, 4
SCHEDULING_ENV = {**QUIET, "SCHEDULING_TEMPLATE_APPROVAL_INTERVAL_SECONDS": "0.2",
                  "SCHEDULING_LATE_CHECK_INTERVAL_SECONDS": "0.2"}
ZONE = ZoneInfo("America/Toronto")
PASSWORD = "a long enough password"


async def publish(bootstrap: str, payloads: list[tuple[UUID, EventPayload]], key: str) -> None:
    """Each payload as its service publishes it (envelope, headers, key field `key`), for its company."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all", linger_ms=5)
    await producer.start()
    try:
        sent = []
        for company_id, payload in payloads:
            envelope = new_envelope(payload, company_id=company_id, correlation_id="suite-replicas-periodic")
            sent.append(await producer.send(payload.topic, envelope.model_dump_json().encode(),
                                            key=str(getattr(payload, key)).encode(),
                                            headers=envelope_headers(envelope)))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def scalar(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(sql))).scalar_one())


def once_each(envelopes: list[dict[str, Any]], unit: Any) -> Counter[Any]:
    """How many distinct events (envelope ids) each unit got: a relay leader killed between publishing
    and marking re-publishes the same envelope (same id, dropped by consumers), which is not a
    second event."""
    ids: dict[Any, set[str]] = defaultdict(set)
    for envelope in envelopes:
        ids[unit(envelope)].add(envelope["id"])
    return Counter({key: len(found) for key, found in ids.items()})


async def test_r_scale_1_r_plan_1_three_billing_replicas_end_each_trial_once(processes, own_embedded_broker,
                                                                            postgres_admin_url):
    kafka_bootstrap_servers = own_embedded_broker.bootstrap_servers  # replicas killed: keep the groups apart
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    await suite.start_replicas("billing", REPLICAS, **BILLING_ENV)
    began = time.monotonic()
    companies = [uuid4() for _ in range(COMPANIES)]
    registered = [(c, CompanyRegistered(company_id=c, name=f"Trial Paws {n}", slug=f"trial-paws-{n}-{c.hex[:6]}",
                                        time_zone="America/Toronto", first_admin_id=uuid4()))
                  for n, c in enumerate(companies)]
    billing = create_async_engine(suite.databases["billing"])
    try:
        await publish(kafka_bootstrap_servers, registered[:COMPANIES // 2], key="company_id")

        async def ended_at_least(count: int) -> bool:
            return await scalar(billing, "SELECT count(*) FROM company_plans WHERE trial_over") >= count

        await eventually(lambda: ended_at_least(COMPANIES // 6), timeout=120, what="some trials ended")
        suite.kill("billing-2")
        await publish(kafka_bootstrap_servers, registered[COMPANIES // 2:], key="company_id")
        await suite.restart("billing-2")

        async def settled() -> bool:  # every trial over, every event of it handed to the broker
            return (await ended_at_least(COMPANIES)
                    and await scalar(billing, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0)

        await eventually(settled, timeout=240, what="every trial over and its event published")
    finally:
        await billing.dispose()

    # Everything is on the broker now (the outbox is empty). Not `at_least=2 * COMPANIES` records: a
    # registration read after its trial ended (a killed replica's partitions wait for the group) has
    # only the in_trial=false record, and the read would wait out its time limit for the missing ones.
    ended = await published_envelopes(kafka_bootstrap_servers, "billing.events",
                                      lambda e: e["company_id"] in {str(c) for c in companies}
                                      and e["type"] == "billing.plan.changed" and e["data"]["in_trial"] is False,
                                      at_least=COMPANIES)
    per_company = once_each(ended, lambda e: e["data"]["company_id"])
    assert per_company == Counter({str(c): 1 for c in companies}), per_company
    print(f"\nR-SCALE-1 periodic: {COMPANIES} trials ended by {REPLICAS} billing replicas (one killed), "
          f"{len(ended)} in_trial=false records for {len(per_company)} companies, {time.monotonic() - began:.1f} s")


async def test_r_scale_1_r_sched_5_r_sched_9_three_scheduling_replicas_approve_and_report_once(
        processes, own_embedded_broker, postgres_admin_url):
    kafka_bootstrap_servers = own_embedded_broker.bootstrap_servers  # three members of groups others join
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    for name in ("clients", "scheduling"):  # migrations one at a time (alembic)
        await suite.database(name)
    await asyncio.gather(suite.start("clients", **QUIET),
                         suite.start_replicas("scheduling", REPLICAS, **SCHEDULING_ENV))
    gateway = await suite.start_gateway()
    began = time.monotonic()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        signup = (await http.post("/api/clients/signup", json={
            "company_name": "Routine Paws", "time_zone": ZONE.key, "admin": {
                "first_name": "Rita", "last_name": "Admin", "email": "rita@routinepaws.com", "password": PASSWORD}}))
        assert signup.status_code == 201, signup.text
        admin = {"authorization": f"Bearer {signup.json()['tokens']['access_token']}"}
        company_id = signup.json()["company"]["id"]
        walker = (await http.post("/api/clients/staff", headers=admin, json={
            "first_name": "Wes", "last_name": "Walker", "email": "wes@routinepaws.com"})).json()
        walk = await http.post("/api/scheduling/services", headers=admin, json={
            "name": "Dog walk", "duration_minutes": 30, "price_cents": 2500, "late_reminder_minutes": 1})
        assert walk.status_code == 201, walk.text
        owners = []
        for n in range(TEMPLATES):
            client = (await http.post("/api/clients/clients", headers=admin, json={
                "first_name": "Owner", "last_name": f"Number{n}", "emails": [f"owner{n}@example.com"]})).json()
            pet = (await http.post(f"/api/clients/clients/{client['id']}/pets", headers=admin,
                                   json={"name": f"Dog{n}", "species": "dog"})).json()
            owners.append((client, pet))

        # Late visits (started 10+ minutes ago, never started): late at once, for all three replicas.
        now = datetime.now(ZONE)
        client, pet = owners[0]
        booking = {"client_id": client["id"], "pet_ids": [pet["id"]], "service_id": walk.json()["id"],
                   "staff_id": walker["id"]}
        late = [await book(http, admin, booking, now - timedelta(minutes=10 + 2 * n), ZONE) for n in range(LATE_VISITS)]

        # Templates approved automatically, their first period due at once.
        templates = [await _template(http, admin, client, pet, walk.json()["id"], now) for client, pet in owners]

    scheduling = create_async_engine(suite.databases["scheduling"])
    try:
        async def settled() -> bool:  # every template approved, every late visit reported, all published
            approved = await scalar(scheduling, "SELECT count(DISTINCT template_id) FROM visits "
                                                "WHERE template_id IS NOT NULL")
            unpublished = await scalar(scheduling, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
            return approved == len(templates) and unpublished == 0

        await eventually(settled, timeout=240, what="every template's due period approved and published")
        async with scheduling.connect() as connection:
            rows = (await connection.execute(text(
                "SELECT template_id, visit_date, count(*) AS n FROM visits WHERE template_id IS NOT NULL "
                "GROUP BY template_id, visit_date"))).all()
    finally:
        await scheduling.dispose()
    assert rows and {row.n for row in rows} == {1}, "a date of a template was approved twice"
    visits_per_client: Counter[str] = Counter()
    owner_of = {t["id"]: t["client_id"] for t in templates}
    for row in rows:
        visits_per_client[owner_of[str(row.template_id)]] += 1

    async def all_late_reported() -> list[dict[str, Any]]:
        # The whole topic each time: a read cut short by a time limit would miss visit.scheduled records
        # counted below, on a loaded machine.
        mine = [e for r in await read_topic_to_end(kafka_bootstrap_servers, "scheduling.events")
                if (e := envelope_of(r))["company_id"] == company_id]
        reported = {e["data"]["visit_id"] for e in mine if e["type"] == "scheduling.visit.staff_late"}
        return mine if reported >= {v["id"] for v in late} else []

    mine = await eventually(all_late_reported, timeout=120, what="every late visit reported")
    reports = once_each([e for e in mine if e["type"] == "scheduling.visit.staff_late"],
                        lambda e: e["data"]["visit_id"])
    assert reports == Counter({v["id"]: 1 for v in late}), reports
    scheduled = [e for e in mine if e["type"] == "scheduling.visit.scheduled"
                 and e["data"]["client_id"] in {t["client_id"] for t in templates}
                 and e["data"]["visit_id"] not in {v["id"] for v in late}]
    per_visit = once_each(scheduled, lambda e: e["data"]["visit_id"])
    assert set(per_visit.values()) == {1}
    # No replica died here: the relays (one leader among three) published each event exactly once.
    copies = Counter(e["id"] for e in mine)
    assert set(copies.values()) == {1}, [i for i, n in copies.items() if n > 1]
    per_client = Counter(e["data"]["client_id"] for e in {e["id"]: e for e in scheduled}.values())
    assert per_client == visits_per_client, (per_client, visits_per_client)
    print(f"\nR-SCALE-1 periodic: {REPLICAS} scheduling replicas, {len(templates)} templates approved once "
          f"({sum(visits_per_client.values())} visits, one event each), {len(late)} late visits reported once each, "
          f"{len(mine)} records on scheduling.events, each once, "
          f"{time.monotonic() - began:.1f} s")


async def _template(http: httpx.AsyncClient, admin: dict[str, str], client: dict[str, Any], pet: dict[str, Any],
                    service_id: str, now: datetime) -> dict[str, Any]:
    """A daily template from tomorrow, billed weekly, each period approved automatically 6 days before
    it starts: its first period is due at once. Retried while scheduling has not heard of the client."""
    body = {"client_id": client["id"], "pet_ids": [pet["id"]], "service_id": service_id,
            "starts_on": (now + timedelta(days=1)).date().isoformat(), "start_time": "16:00",
            "repeat": {"frequency": "daily"}, "billing": {"frequency": "weekly"}, "auto_approve_days": 6}
    deadline = time.monotonic() + 120
    while True:
        answer = await http.post("/api/scheduling/templates", headers=admin, json=body)
        if answer.json().get("error", {}).get("code") not in ("company_not_known_yet", "client_not_found",
                                                               "pets_not_allowed"):
            assert answer.status_code == 201, answer.text
            return dict(answer.json())
        assert time.monotonic() < deadline, f"scheduling never learnt the client: {answer.text}"
        await asyncio.sleep(0.5)
