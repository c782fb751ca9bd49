"""Packages through billing's HTTP API on a real PostgreSQL (R-PKG-1, R-FAC-6): define, edit, disable;
add to a client (a set price on a new invoice); redeem with limits and end dates; used / remaining /
% used for managers and the client's portal; a cancelled visit's redemption comes back; tenants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.service_layer import packages
from billing.service_layer.context import Context
from petcare_contracts.events.billing import FacilityCharge, FacilityInvoiceRequested
from petcare_contracts.events.clients import ClientAdded, CompanyRegistered
from petcare_contracts.events.common import Contact
from petcare_contracts.events.scheduling import VisitCancelledByStaff, VisitDeleted, VisitScheduledV2, VisitSummary
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork
from petcare_tools.testing.service import ServiceUnderTest

WALK, DAYCARE = str(uuid4()), str(uuid4())
WALKS = {"name": "Walk bundle", "services": [{"service_id": WALK, "count": 2}, {"service_id": DAYCARE, "count": 1}],
         "price_cents": 9_000}
CHANGED = "billing.package.changed"


@dataclass(frozen=True)
class Company:
    company_id: UUID
    admin: Identity
    client_id: UUID

    @property
    def client(self) -> Identity:
        return Identity(Role.CLIENT, person_id=self.client_id, company_id=self.company_id)


async def company(service: ServiceUnderTest) -> Company:
    """A company (New York) with one client, as clients.events tells billing."""
    company_id, client_id = uuid4(), uuid4()
    await service.feed(CompanyRegistered(company_id=company_id, name="Happy Paws", slug=f"p-{company_id.hex[:8]}",
                                         time_zone="America/New_York", first_admin_id=uuid4()), company_id)
    await service.feed(ClientAdded(client_id=client_id, contact=Contact(first_name="Ada", last_name="Tester",
                                                                        emails=["ada@example.com"], phones=[])),
                       company_id)
    return Company(company_id, Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id), client_id)


async def sell(service: ServiceUnderTest, world: Company, **terms: Any) -> dict[str, Any]:
    admin = service.as_(world.admin)
    package = await admin.post("/packages", json={**WALKS, **terms})
    assert package.status_code == 201, package.text
    held = await admin.post(f"/clients/{world.client_id}/packages", json={"package_id": package.json()["id"]})
    assert held.status_code == 201, held.text
    result: dict[str, Any] = held.json()
    return result


def redemption(on: str, service_id: str = WALK, visit_id: UUID | None = None) -> dict[str, Any]:
    return {"kind": "visit", "id": str(visit_id or uuid4()), "service_id": service_id, "date": on}


async def test_r_pkg_1_a_package_is_defined_edited_and_disabled_never_deleted_once_sold(
        service: ServiceUnderTest) -> None:
    world = await company(service)
    admin = service.as_(world.admin)
    defined = await admin.post("/packages", json={**WALKS, "limit": "same_week", "ends_on": "2030-12-31"})
    assert defined.status_code == 201, defined.text
    shown = ("name", "price_cents", "discount_percent", "limit", "ends_on", "active")
    assert {k: defined.json()[k] for k in shown} == {
        "name": "Walk bundle", "price_cents": 9_000, "discount_percent": None, "limit": "same_week",
        "ends_on": "2030-12-31", "active": True}
    package_id = defined.json()["id"]

    switched = await admin.patch(f"/packages/{package_id}", json={"price_cents": None, "discount_percent": "12.5"})
    assert switched.status_code == 200 and switched.json()["discount_percent"] == "12.50"
    both = await admin.patch(f"/packages/{package_id}", json={"price_cents": 100})
    assert both.status_code == 422 and both.json()["error"]["code"] == "invalid_package"

    await admin.post(f"/clients/{world.client_id}/packages", json={"package_id": package_id})
    refused = await admin.delete(f"/packages/{package_id}")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "package_sold"
    disabled = await admin.patch(f"/packages/{package_id}", json={"active": False})
    assert disabled.json()["active"] is False
    again = await admin.post(f"/clients/{world.client_id}/packages", json={"package_id": package_id})
    assert again.status_code == 409 and again.json()["error"]["details"]["reason"] == "disabled"
    assert [p["id"] for p in (await admin.get("/packages?active=false")).json()["items"]] == [package_id]

    typo = (await admin.post("/packages", json={**WALKS, "name": "Typo"})).json()
    assert (await admin.delete(f"/packages/{typo['id']}")).status_code == 204
    assert (await admin.get(f"/packages/{typo['id']}")).status_code == 404


async def test_r_pkg_1_a_set_price_package_added_to_a_client_goes_on_a_new_invoice_once(
        service: ServiceUnderTest) -> None:
    world = await company(service)
    admin = service.as_(world.admin)
    package_id = (await admin.post("/packages", json=WALKS)).json()["id"]
    key = {"Idempotency-Key": str(uuid4())}
    first = await admin.post(f"/clients/{world.client_id}/packages", json={"package_id": package_id}, headers=key)
    retried = await admin.post(f"/clients/{world.client_id}/packages", json={"package_id": package_id}, headers=key)

    assert first.status_code == retried.status_code == 201, first.text
    assert first.json()["id"] == retried.json()["id"] and first.json()["invoice_id"] is not None
    assert len((await admin.get(f"/clients/{world.client_id}/packages")).json()["items"]) == 1
    invoices = [e["data"] for e in await service.outbox("billing.events") if e["type"] == "billing.invoice.updated"]
    assert {i["invoice_id"] for i in invoices} == {first.json()["invoice_id"]}
    [event] = [e["data"] for e in await service.outbox("billing.events") if e["type"] == CHANGED]
    assert (event["client_id"], event["used"], event["remaining"], event["revision"]) == (
        str(world.client_id), 0, 3, 1)


async def test_r_pkg_1_used_remaining_and_percent_used_for_the_business_and_the_client_only(
        service: ServiceUnderTest) -> None:
    world = await company(service)
    held = await sell(service, world)
    redeemed = await service.as_(world.admin).post(f"/client-packages/{held['id']}/redemptions",
                                                   json=redemption("2026-03-02"))
    assert redeemed.status_code == 201, redeemed.text

    mine = await service.as_(world.client).get(f"/clients/{world.client_id}/packages")
    assert mine.status_code == 200
    [view] = mine.json()["items"]
    assert (view["used"], view["remaining"], view["percent_used"]) == (1, 2, "33.33")
    assert {s["service_id"]: (s["used"], s["remaining"], s["percent_used"]) for s in view["services"]} == {
        WALK: (1, 1, "50.00"), DAYCARE: (0, 1, "0.00")}
    other = Identity(Role.CLIENT, person_id=uuid4(), company_id=world.company_id)
    assert (await service.as_(other).get(f"/clients/{world.client_id}/packages")).status_code == 404
    assert (await service.as_(other).get(f"/client-packages/{held['id']}")).status_code == 404
    assert (await service.as_(world.client).post(f"/client-packages/{held['id']}/redemptions",
                                                 json=redemption("2026-03-03"))).status_code == 403
    staff = Identity(Role.STAFF, person_id=uuid4(), company_id=world.company_id)
    assert (await service.as_(staff).get(f"/clients/{world.client_id}/packages")).status_code == 403
    events = [e["data"] for e in await service.outbox("billing.events") if e["type"] == CHANGED]
    assert [(e["used"], e["percent_used"], e["revision"]) for e in events] == [(0, "0.00", 1), (1, "33.33", 2)]


async def test_r_pkg_1_limits_end_date_and_counts_are_enforced_with_a_reason(service: ServiceUnderTest) -> None:
    world = await company(service)
    held = await sell(service, world, limit="same_week", ends_on="2030-03-31")
    admin = service.as_(world.admin)
    url = f"/client-packages/{held['id']}/redemptions"
    assert (await admin.post(url, json=redemption("2030-03-04"))).status_code == 201  # a Monday

    for body, reason in ((redemption("2030-03-10"), "limit"),  # Sunday of the same ISO week
                         (redemption("2030-04-08"), "ended"),
                         (redemption("2030-03-11", str(uuid4())), "not_covered")):
        refused = await admin.post(url, json=body)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["details"]["reason"] == reason
    assert (await admin.post(url, json=redemption("2030-03-11"))).status_code == 201
    used_up = await admin.post(url, json=redemption("2030-03-18"))
    assert used_up.json()["error"]["details"]["reason"] == "used_up"
    for bad in ({**redemption("2026-03-20"), "kind": "walk"}, {**redemption("2026-03-20"), "date": "tomorrow"},
                {**redemption("2026-03-20"), "extra": 1}):
        answer = await admin.post(url, json=bad)
        assert answer.status_code == 422 and set(answer.json()["error"]) == {"code", "message", "details"}
    assert (await admin.get(f"/client-packages/{held['id']}")).json()["used"] == 2


def scheduled(world: Company, visit_id: UUID, invoice_id: UUID, price_cents: int = 2_500) -> VisitScheduledV2:
    summary = VisitSummary(visit_id=visit_id, service_name="Walk", visit_date=date(2030, 3, 4), pet_names=["Rex"])
    return VisitScheduledV2(visit_id=visit_id, client_id=world.client_id, visit=summary, service_id=UUID(WALK),
                            price_cents=price_cents, taxable=False, invoice_id=invoice_id)


async def invoice_totals(service: ServiceUnderTest, invoice_id: UUID) -> list[int]:
    return [e["data"]["total_cents"] for e in await service.outbox("billing.events")
            if e["type"] == "billing.invoice.updated" and e["data"]["invoice_id"] == str(invoice_id)]


async def test_r_pkg_1_a_cancelled_redeemed_visit_returns_the_redemption(service: ServiceUnderTest) -> None:
    world = await company(service)
    held = await sell(service, world, price_cents=None, discount_percent="40")
    visit_id, invoice_id = uuid4(), uuid4()
    await service.feed(scheduled(world, visit_id, invoice_id), world.company_id)
    admin = service.as_(world.admin)
    url = f"/client-packages/{held['id']}/redemptions"
    assert (await admin.post(url, json=redemption("2030-03-04", visit_id=visit_id))).status_code == 201
    assert (await invoice_totals(service, invoice_id))[-1] == 1_500  # 40 % of the $25 visit covered

    visit = scheduled(world, visit_id, invoice_id).visit
    cancelled = VisitCancelledByStaff(visit_id=visit_id, client_id=world.client_id, visit=visit)
    await service.feed(cancelled, world.company_id)
    await service.feed(cancelled, world.company_id)  # a redelivery gives nothing back twice

    view = (await admin.get(f"/client-packages/{held['id']}")).json()
    assert (view["used"], view["remaining"], view["redemptions"]) == (0, 3, [])
    events = [e["data"] for e in await service.outbox("billing.events") if e["type"] == CHANGED]
    assert [(e["used"], e["revision"]) for e in events] == [(0, 1), (1, 2), (0, 3)]
    assert (await invoice_totals(service, invoice_id))[-1] == 2_500  # the fee (100 %), no longer covered


async def test_r_pkg_1_a_deleted_visit_returns_it_and_a_visit_redeemed_before_it_is_invoiced_is_covered(
        service: ServiceUnderTest) -> None:
    world = await company(service)
    held = await sell(service, world)  # a set price: its visits are covered in full
    visit_id, invoice_id = uuid4(), uuid4()
    admin = service.as_(world.admin)
    assert (await admin.post(f"/client-packages/{held['id']}/redemptions",
                             json=redemption("2030-03-04", visit_id=visit_id))).status_code == 201
    await service.feed(scheduled(world, visit_id, invoice_id), world.company_id)
    assert await invoice_totals(service, invoice_id) == [0]

    await service.feed(VisitDeleted(visit_id=visit_id, client_id=world.client_id), world.company_id)
    assert (await admin.get(f"/client-packages/{held['id']}")).json()["used"] == 0


async def test_r_fac_6_a_facility_event_redeemed_by_hand_covers_its_own_line_until_given_back(
        service: ServiceUnderTest) -> None:
    world = await company(service)
    held = await sell(service, world, price_cents=None, discount_percent="50")
    event_id = uuid4()
    charge = FacilityCharge(facility_event_id=event_id, service_id=UUID(DAYCARE), description="Daycare (Rex)",
                            on=date(2030, 3, 4), price_cents=4_000, taxable=False)
    await service.feed(FacilityInvoiceRequested(request_id=uuid4(), client_id=world.client_id, charges=[charge]),
                       world.company_id)
    [invoice_id] = {e["data"]["invoice_id"] for e in await service.outbox("billing.events")
                    if e["type"] == "billing.invoice.updated" and str(event_id) in e["data"]["facility_event_ids"]}
    admin = service.as_(world.admin)
    body = {"kind": "facility_event", "id": str(event_id), "service_id": DAYCARE, "date": "2030-03-04"}
    redeemed = await admin.post(f"/client-packages/{held['id']}/redemptions", json=body)
    assert redeemed.status_code == 201
    assert {s["service_id"]: s["used"] for s in redeemed.json()["services"]} == {WALK: 0, DAYCARE: 1}
    assert (await invoice_totals(service, UUID(invoice_id)))[-1] == 2_000

    back = await admin.delete(f"/client-packages/{held['id']}/redemptions/{event_id}?kind=facility_event")
    assert back.status_code == 200 and back.json()["used"] == 0
    assert (await invoice_totals(service, UUID(invoice_id)))[-1] == 4_000
    again = await admin.delete(f"/client-packages/{held['id']}/redemptions/{event_id}?kind=facility_event")
    assert again.status_code == 404 and again.json()["error"]["code"] == "redemption_not_found"


async def give_back_visit(service: ServiceUnderTest, company_id: UUID, visit_id: UUID) -> int:
    """What the scheduling consumer does on a cancellation, in its own committed transaction."""
    async with UnitOfWork(service.runtime.sessions) as uow:
        given_back = await packages.give_back_visit(
            Context(SqlUnitOfWork(uow), Identity(Role.INTERNAL, company_id=company_id)), visit_id)
        await uow.commit()
    return given_back


async def test_r_pkg_1_give_back_visit_returns_a_redemption_once(service: ServiceUnderTest) -> None:
    world = await company(service)
    held = await sell(service, world, price_cents=None, discount_percent="100")
    visit_id = uuid4()
    admin = service.as_(world.admin)
    url = f"/client-packages/{held['id']}/redemptions"
    assert (await admin.post(url, json=redemption("2030-03-04", visit_id=visit_id))).status_code == 201

    assert await give_back_visit(service, world.company_id, visit_id) == 1
    assert await give_back_visit(service, world.company_id, visit_id) == 0  # a redelivered cancellation
    assert await give_back_visit(service, uuid4(), visit_id) == 0  # another company's visit id: nothing

    view = (await admin.get(f"/client-packages/{held['id']}")).json()
    assert (view["used"], view["remaining"], view["redemptions"]) == (0, 3, [])
    events = [e["data"] for e in await service.outbox("billing.events") if e["type"] == CHANGED]
    assert [(e["used"], e["revision"]) for e in events] == [(0, 1), (1, 2), (0, 3)]
    assert (await admin.post(url, json=redemption("2030-03-04", visit_id=visit_id))).status_code == 201


async def test_r_pkg_1_another_companys_packages_are_404_and_change_nothing(service: ServiceUnderTest) -> None:
    world, stranger = await company(service), await company(service)
    held = await sell(service, world)
    theirs = service.as_(stranger.admin)
    seq = await service.last_seq()
    answers = [
        await theirs.get(f"/packages/{held['package_id']}"),
        await theirs.patch(f"/packages/{held['package_id']}", json={"active": False}),
        await theirs.delete(f"/packages/{held['package_id']}"),
        await theirs.post(f"/clients/{stranger.client_id}/packages", json={"package_id": held["package_id"]}),
        await theirs.post(f"/clients/{world.client_id}/packages",
                          json={"package_id": (await theirs.post("/packages", json=WALKS)).json()["id"]}),
        await theirs.get(f"/clients/{world.client_id}/packages"),
        await theirs.get(f"/client-packages/{held['id']}"),
        await theirs.post(f"/client-packages/{held['id']}/redemptions", json=redemption("2026-03-02")),
        await theirs.delete(f"/client-packages/{held['id']}/redemptions/{uuid4()}"),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers), [a.text for a in answers]
    assert all(set(a.json()["error"]) == {"code", "message", "details"} for a in answers)
    assert [e["type"] for e in await service.outbox(since=seq)] == []
    assert (await service.as_(world.admin).get(f"/client-packages/{held['id']}")).json()["revision"] == 1
    assert [p["name"] for p in (await service.as_(world.admin).get("/packages")).json()["items"]] == ["Walk bundle"]


async def test_r_pkg_1_bad_input_gets_the_one_error_shape_and_changes_nothing(service: ServiceUnderTest) -> None:
    world = await company(service)
    admin = service.as_(world.admin)
    one = [{"service_id": WALK, "count": 1}]
    for bad in ({**WALKS, "discount_percent": "10"}, {**WALKS, "price_cents": None},
                {**WALKS, "services": []}, {**WALKS, "services": [{"service_id": WALK, "count": 0}]},
                {**WALKS, "services": one + one}, {"name": "x", "services": one, "discount_percent": "120"},
                {"name": "x", "services": one, "discount_percent": "1.234"}, {**WALKS, "price_cents": 12.5},
                {**WALKS, "price_cents": -1}, {**WALKS, "limit": "same_year"}, {**WALKS, "name": " "},
                {**WALKS, "name": "bad\u0000name"}, {**WALKS, "colour": "red"}, {**WALKS, "ends_on": "0001-01-01"}):
        answer = await admin.post("/packages", json=bad)
        assert answer.status_code == 422, (bad, answer.text)
        assert set(answer.json()["error"]) == {"code", "message", "details"}
    package_id = (await admin.post("/packages", json=WALKS)).json()["id"]
    for patch in ({"name": None}, {"limit": None}, {"price_cents": None}, {"services": []}, {"active": None}):
        assert (await admin.patch(f"/packages/{package_id}", json=patch)).status_code == 422, patch
    covers = await admin.patch(f"/packages/{package_id}", json={"services": one, "ends_on": None})
    assert covers.status_code == 200 and covers.json()["services"] == [{"service_id": WALK, "count": 1}]
    assert len((await admin.get("/packages")).json()["items"]) == 1
    unknown = await admin.post(f"/clients/{uuid4()}/packages", json={"package_id": package_id})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "client_not_found"
    assert (await admin.post(f"/clients/{world.client_id}/packages", json={"package_id": str(uuid4())})
            ).json()["error"]["code"] == "package_not_found"


async def test_r_pkg_1_only_managers_change_packages(service: ServiceUnderTest) -> None:
    world = await company(service)
    held = await sell(service, world)
    staff = Identity(Role.STAFF, person_id=uuid4(), company_id=world.company_id)
    manager = Identity(Role.OFFICE_MANAGER, person_id=uuid4(), company_id=world.company_id)
    for who in (staff, world.client):
        caller = service.as_(who)
        answers = [await caller.post("/packages", json=WALKS), await caller.get("/packages"),
                   await caller.patch(f"/packages/{held['package_id']}", json={"active": False}),
                   await caller.post(f"/clients/{world.client_id}/packages", json={"package_id": held["package_id"]}),
                   await caller.post(f"/client-packages/{held['id']}/redemptions", json=redemption("2030-03-04")),
                   await caller.delete(f"/client-packages/{held['id']}/redemptions/{uuid4()}")]
        assert [a.status_code for a in answers] == [403] * len(answers), (who.role, [a.text for a in answers])
    assert (await service.as_(manager).post(f"/client-packages/{held['id']}/redemptions",
                                            json=redemption("2030-03-04"))).status_code == 201
