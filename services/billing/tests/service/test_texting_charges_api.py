"""Texting charges through the in-process service (R-BILL-1..5): texting.events fed to billing's
consumer as Kafka would (`service.feed`), periods in the company's LOCAL months, each closed once,
the history over HTTP for admins and office managers only."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from billing.entrypoints.texting_charges_jobs import close_due_once
from petcare_contracts import new_envelope
from petcare_contracts.events.clients import CompanyRegistered, StaffAdded, StaffDeactivated
from petcare_contracts.events.common import Contact
from petcare_contracts.events.texting import NumberProvisioned, UsageMonthClosed, UsageRecorded
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.records import record_of
from petcare_tools.testing.service import ServiceUnderTest

pytestmark = pytest.mark.asyncio(loop_scope="session")

NUMBER = "+12125550142"
JANUARY_NOON = datetime(2026, 1, 10, 17, 0, tzinfo=UTC)


async def company_with_staff(service: ServiceUnderTest, staff: int) -> tuple[UUID, Identity]:
    """A New York company with `staff` active staff members (the first one its admin)."""
    company_id, admin_id = uuid4(), uuid4()
    await service.feed(CompanyRegistered(company_id=company_id, name="Happy Paws", slug=f"paws-{company_id.hex[:8]}",
                                         time_zone="America/New_York", first_admin_id=admin_id), company_id)
    for index in range(staff):
        contact = Contact(first_name=f"Staff{index}", last_name="Member", emails=[], phones=[])
        await service.feed(StaffAdded(staff_id=admin_id if index == 0 else uuid4(),
                                      role="admin" if index == 0 else "staff", contact=contact), company_id)
    return company_id, Identity(Role.ADMIN, person_id=admin_id, company_id=company_id)


async def feed_texts(service: ServiceUnderTest, company_id: UUID, at: datetime, *, sent: int = 0,
                     received: int = 0) -> None:
    """One consumed batch of texting.usage.recorded, one per text (as texting publishes them)."""
    records = []
    for direction, count in (("outbound", sent), ("inbound", received)):
        for _ in range(count):
            payload = UsageRecorded(company_id=company_id, text_id=uuid4(), direction=direction, units=1,
                                    occurred_at=at)
            service.offset += 1
            records.append(record_of(payload, new_envelope(payload, company_id=company_id, correlation_id="test"),
                                     offset=service.offset))
    await service.feed_records(records)


async def periods(service: ServiceUnderTest, who: Identity) -> dict[str, dict]:  # type: ignore[type-arg]
    response = await service.as_(who).get("/texting-charges")
    assert response.status_code == 200, response.text
    return {p["month"]: p for p in response.json()["items"]}


async def test_r_bill_2_r_bill_4_the_seeds_months_fed_from_texting_events(service: ServiceUnderTest) -> None:
    """2 staff → 500 texts; one sends 300 and one 100: no overage; the 100 unused roll over into
    February (R-BILL-3); March goes 101 texts over and is billed $0.025 each ($2.525 → $2.53)."""
    company_id, admin = await company_with_staff(service, 2)
    await service.feed(NumberProvisioned(company_id=company_id, number=NUMBER,
                                         provisioned_at=datetime(2026, 1, 1, 6, tzinfo=UTC)), company_id)
    await feed_texts(service, company_id, JANUARY_NOON, sent=300, received=100)
    await service.feed(UsageMonthClosed(company_id=company_id, month="2026-01", sent=300, received=100), company_id)
    await feed_texts(service, company_id, datetime(2026, 2, 10, 17, tzinfo=UTC), sent=350, received=150)
    await service.feed(UsageMonthClosed(company_id=company_id, month="2026-02", sent=350, received=150), company_id)
    await feed_texts(service, company_id, datetime(2026, 3, 10, 17, tzinfo=UTC), sent=601)
    await service.feed(UsageMonthClosed(company_id=company_id, month="2026-03", sent=601, received=0), company_id)

    seen = await periods(service, admin)
    january, february, march = seen["2026-01"], seen["2026-02"], seen["2026-03"]
    assert (january["allowance"], january["texts_used"], january["overage_texts"], january["total_cents"]) == (
        500, 400, 0, 1_000)
    assert (january["texts_sent"], january["texts_received"], january["rolled_over_out"]) == (300, 100, 100)
    assert (february["rolled_over_in"], february["texts_used"], february["overage_cents"]) == (100, 500, 0)
    assert (february["rolled_over_out"], march["rolled_over_in"]) == (100, 100)
    assert (march["overage_texts"], march["overage_cents"], march["total_cents"]) == (1, 3, 1_003)
    assert [(c["kind"], c["cents"]) for c in march["charges"]] == [("number_fee", 1_000), ("overage", 3)]
    assert {p["closed_by"] for p in (january, february, march)} == {"texting"}


async def test_r_bill_4_an_overage_month_at_2_and_a_half_cents_a_text(service: ServiceUnderTest) -> None:
    company_id, admin = await company_with_staff(service, 2)
    await service.feed(NumberProvisioned(company_id=company_id, number=NUMBER,
                                         provisioned_at=datetime(2026, 1, 1, 6, tzinfo=UTC)), company_id)
    await feed_texts(service, company_id, JANUARY_NOON, sent=500, received=100)
    await service.feed(UsageMonthClosed(company_id=company_id, month="2026-01", sent=500, received=100), company_id)
    january = (await periods(service, admin))["2026-01"]
    assert (january["overage_texts"], january["overage_cents"], january["total_cents"]) == (100, 250, 1_250)


async def test_r_bill_5_a_text_at_23_30_local_on_the_last_day_counts_in_the_local_month(
        service: ServiceUnderTest) -> None:
    company_id, admin = await company_with_staff(service, 1)
    await feed_texts(service, company_id, datetime(2026, 2, 1, 4, 30, tzinfo=UTC), sent=1)  # 31 Jan 23:30 there
    await feed_texts(service, company_id, datetime(2026, 2, 1, 5, 30, tzinfo=UTC), received=1)  # 1 Feb 00:30
    seen = await periods(service, admin)
    assert {m: (p["texts_sent"], p["texts_received"], p["status"]) for m, p in seen.items()} == {
        "2026-01": (1, 0, "open"), "2026-02": (0, 1, "open")}
    page = (await service.as_(admin).get("/texting-charges/2026-01/transactions")).json()
    assert [(t["kind"], t["units"], t["cents"]) for t in page["items"]] == [("text_sent", 1, 0)]


async def test_r_bill_5_each_period_closes_once_with_replays_the_job_and_staff_counted_at_the_close(
        service: ServiceUnderTest) -> None:
    company_id, admin = await company_with_staff(service, 3)
    await service.feed(NumberProvisioned(company_id=company_id, number=NUMBER,
                                         provisioned_at=datetime(2026, 1, 1, 6, tzinfo=UTC)), company_id)
    await feed_texts(service, company_id, JANUARY_NOON, sent=1)
    [leaver] = [row.person_id for row in await service.sql(
        "SELECT person_id FROM directory_people WHERE company_id = :c AND role = 'staff' LIMIT 1", c=company_id)]
    await service.feed(StaffDeactivated(staff_id=leaver), company_id)  # 2 active staff at the close
    closed = UsageMonthClosed(company_id=company_id, month="2026-01", sent=1, received=0)
    envelope = await service.feed(closed, company_id)
    await service.feed(closed, company_id, envelope)  # redelivered
    await service.feed(closed, company_id)  # published again (a replay of texting's outbox)
    # texting never closes February..October (no texts): billing's job does, $10 each for the number
    assert await close_due_once(service.runtime.sessions, lambda: datetime(2026, 11, 30, 12, tzinfo=UTC)) == 9
    assert await close_due_once(service.runtime.sessions, lambda: datetime(2026, 11, 30, 12, tzinfo=UTC)) == 0

    seen = await periods(service, admin)
    assert [m for m, p in seen.items() if p["status"] == "closed"] == [f"2026-{n:02d}" for n in range(10, 0, -1)]
    january = seen["2026-01"]
    assert (january["active_staff"], january["allowance"], january["closed_by"]) == (2, 500, "texting")
    assert (seen["2026-02"]["closed_by"], seen["2026-02"]["total_cents"], seen["2026-02"]["rolled_over_in"]) == (
        "billing", 1_000, 499)
    fees = await service.sql("SELECT month, count(*) AS n FROM texting_transactions WHERE company_id = :c "
                             "AND kind = 'number_fee' GROUP BY month", c=company_id)
    assert len(fees) == 10 and {row.n for row in fees} == {1}


async def test_texting_charges_are_for_managers_of_the_company_only_and_bad_months_are_422(
        service: ServiceUnderTest) -> None:
    company_id, admin = await company_with_staff(service, 1)
    await feed_texts(service, company_id, JANUARY_NOON, received=3)
    office = Identity(Role.OFFICE_MANAGER, person_id=uuid4(), company_id=company_id)
    assert (await periods(service, office))["2026-01"]["texts_received"] == 3
    page = (await service.as_(office).get("/texting-charges/2026-01/transactions",
                                          params={"limit": 2, "offset": 1})).json()
    assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (2, 3, 2, 1)
    for role in (Role.STAFF, Role.CLIENT):
        who = Identity(role, person_id=uuid4(), company_id=company_id)
        for path in ("/texting-charges", "/texting-charges/2026-01/transactions"):
            refused = await service.as_(who).get(path)
            assert refused.status_code == 403 and "error" in refused.json()
    stranger = Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4())
    assert await periods(service, stranger) == {}
    other = (await service.as_(stranger).get("/texting-charges/2026-01/transactions")).json()
    assert (other["items"], other["total"]) == ([], 0)
    for bad in ("2026-13", "0000-01", "2026-1", "january"):
        refused = await service.as_(admin).get(f"/texting-charges/{bad}/transactions")
        assert refused.status_code == 422, bad
        assert set(refused.json()["error"]) >= {"code", "message", "details"}
    refused = await service.as_(admin).get("/texting-charges/2026-01/transactions", params={"limit": 0})
    assert refused.status_code == 422


async def test_r_bill_5_texts_of_a_company_billing_does_not_know_yet_wait_for_its_zone(
        service: ServiceUnderTest) -> None:
    """texting.events can be read before clients.events (a new consumer group reads every topic from
    the start): the text waits, then counts in the company's local month, not a UTC guess."""
    company_id, admin_id = uuid4(), uuid4()
    await feed_texts(service, company_id, datetime(2026, 2, 1, 4, 30, tzinfo=UTC), sent=1)  # 31 Jan 23:30 there
    assert await service.sql("SELECT 1 FROM texting_periods WHERE company_id = :c", c=company_id) == []
    await service.feed(CompanyRegistered(company_id=company_id, name="Late Paws", slug=f"late-{company_id.hex[:8]}",
                                         time_zone="America/New_York", first_admin_id=admin_id), company_id)
    admin = Identity(Role.ADMIN, person_id=admin_id, company_id=company_id)
    assert {m: p["texts_sent"] for m, p in (await periods(service, admin)).items()} == {"2026-01": 1}


async def test_r_bill_5_two_replicas_closing_at_once_close_each_period_once(service: ServiceUnderTest) -> None:
    import asyncio

    company_id, admin = await company_with_staff(service, 1)
    await service.feed(NumberProvisioned(company_id=company_id, number=NUMBER,
                                         provisioned_at=datetime(2026, 1, 1, 6, tzinfo=UTC)), company_id)
    await feed_texts(service, company_id, JANUARY_NOON, sent=300)
    at = datetime(2026, 11, 30, 12, tzinfo=UTC)
    runs = await asyncio.gather(*(close_due_once(service.runtime.sessions, lambda: at) for _ in range(3)))
    assert sum(runs) == 10  # January..October, whoever closed each
    rows = await service.sql("SELECT kind, count(*) AS n, sum(cents) AS cents FROM texting_transactions "
                             "WHERE company_id = :c AND cents > 0 GROUP BY kind ORDER BY kind", c=company_id)
    assert [(row.kind, row.n, row.cents) for row in rows] == [("number_fee", 10, 10_000), ("overage", 1, 125)]
    seen = await periods(service, admin)
    assert sum(p["total_cents"] for p in seen.values()) == 10_125  # the transactions' cents, to the cent
