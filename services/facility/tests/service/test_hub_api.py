"""The Client Hub through facility's HTTP API and its consumer of billing.events, on PostgreSQL
(R-FAC-1, R-FAC-4, R-FAC-6, R-INV-1): the three invoicing views and the packages, the actions
that ask billing on billing.commands (pending until billing's answer, then done or refused with
billing's reason), the read models kept by revision, roles and tenants."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from petcare_contracts.events.billing import (
    ClientPackageChanged,
    CommandAnswered,
    InvoiceUpdatedV2,
    PackageServiceCount,
)

from ..conftest import Service, admin_of
from .helpers import Facility, days_ahead, make_facility, ok

pytestmark = pytest.mark.asyncio(loop_scope="session")
COMMANDS = "billing.commands"


def invoice_state(f: Facility, invoice_id: UUID, event_ids: list[str], *, revision: int = 1, status: str = "draft",
                  client_id: UUID | None = None, number: str = "INV-0001") -> InvoiceUpdatedV2:
    return InvoiceUpdatedV2(invoice_id=invoice_id, client_id=client_id or f.world.client_id, number=number,
                            status=status, total_cents=15_000, paid_cents=0, balance_cents=15_000, revision=revision,
                            facility_event_ids=[UUID(e) for e in event_ids])


def answered(request: dict[str, Any], command: str, **fields: Any) -> CommandAnswered:
    return CommandAnswered(request_id=UUID(request["request_id"]), command=command,
                           client_id=UUID(request["client_id"]), outcome=fields.pop("outcome", "done"), **fields)


async def commands(service: Service, since: int = 0) -> list[dict[str, Any]]:
    return [e for e in await service.outbox(COMMANDS, since=since)]


async def views(service: Service, f: Facility) -> tuple[list[str], list[tuple[str, str | None]]]:
    base = f"/hub/clients/{f.world.client_id}"
    uninvoiced = ok(await service.call(f.world.admin, "GET", f"{base}/uninvoiced-events"))["items"]
    invoiced = ok(await service.call(f.world.admin, "GET", f"{base}/invoiced-events"))["items"]
    return ([i["event"]["id"] for i in uninvoiced],
            [(i["event"]["id"], i["invoice"]["number"] if i["invoice"] else None) for i in invoiced])


async def test_r_fac_1_r_fac_4_an_event_is_invoiced_by_hand_through_billing_and_moves_between_the_views(
        service: Service) -> None:
    f = await make_facility(service)
    day, stay = f.daycare_event["id"], f.stay_event["id"]
    assert await views(service, f) == ([day, stay], [])  # R-INV-1: nothing invoiced by itself
    assert await commands(service) == []
    since = await service.last_seq(COMMANDS)

    request = ok(await service.call(f.world.admin, "POST", f"/hub/events/{stay}/invoice", json={}), 202)
    assert (request["state"], request["kind"]) == ("pending", "billing.facility_invoice.requested")
    [sent] = await commands(service, since)
    assert (sent["type"], sent["key"] if "key" in sent else str(f.world.client_id)) == (
        "billing.facility_invoice.requested", str(f.world.client_id))
    charges = sent["data"]["charges"]
    assert sent["data"]["invoice_id"] is None
    assert [(c["description"], c["price_cents"], c["add_on_id"] is not None) for c in charges] == [
        ("Boarding, 3 nights (Rex, Tom)", 13_500, False), ("Bath (Rex, Tom)", 1_500, True)]
    uninvoiced = ok(await service.call(f.world.admin, "GET", f"/hub/clients/{f.world.client_id}/uninvoiced-events"))
    assert [len(i["pending"]) for i in uninvoiced["items"]] == [0, 1]  # the stay shows its pending request

    invoice_id = uuid4()
    await service.feed(answered(request, sent["type"], invoice_id=invoice_id), f.world.company_id)
    await service.feed(invoice_state(f, invoice_id, [stay]), f.world.company_id)
    assert await views(service, f) == ([day], [(stay, "INV-0001")])
    done = ok(await service.call(f.world.admin, "GET", f"/hub/requests/{request['request_id']}"))
    assert (done["state"], done["invoice_id"]) == ("done", str(invoice_id))
    invoices = ok(await service.call(f.world.admin, "GET", f"/hub/clients/{f.world.client_id}/invoices"))["items"]
    assert [(i["invoice_id"], i["number"], i["facility_event_ids"]) for i in invoices] == [
        (str(invoice_id), "INV-0001", [stay])]

    # move the daycare day onto that invoice: the command names it; billing's answer comes back
    move = ok(await service.call(f.world.admin, "POST", f"/hub/events/{day}/invoice",
                                 json={"invoice_id": str(invoice_id)}), 202)
    assert (await commands(service, since))[-1]["data"]["invoice_id"] == str(invoice_id)
    await service.feed(answered(move, "billing.facility_invoice.requested"), f.world.company_id)
    await service.feed(invoice_state(f, invoice_id, [stay, day], revision=2), f.world.company_id)
    await service.feed(invoice_state(f, invoice_id, [stay], revision=1), f.world.company_id)  # late: ignored
    assert await views(service, f) == ([], [(day, "INV-0001"), (stay, "INV-0001")])


async def test_r_fac_4_billing_s_refusal_is_shown_with_its_reason(service: Service) -> None:
    f = await make_facility(service)
    request = ok(await service.call(f.world.admin, "POST", f"/hub/events/{f.daycare_event['id']}/invoice",
                                    json={"invoice_id": str(uuid4())}), 202)
    again = await service.call(f.world.admin, "POST", f"/hub/events/{f.daycare_event['id']}/invoice", json={})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "request_pending")
    refusal = answered(request, "billing.facility_invoice.requested", outcome="refused", code="invoice_not_found",
                       message="No such invoice.")
    await service.feed(refusal, f.world.company_id)
    await service.feed(refusal, f.world.company_id)  # a replay changes nothing
    shown = ok(await service.call(f.world.admin, "GET", f"/hub/clients/{f.world.client_id}/requests"))["items"]
    assert [(r["state"], r["code"], r["message"]) for r in shown] == [
        ("refused", "invoice_not_found", "No such invoice.")]
    assert (await views(service, f))[0] == [f.daycare_event["id"], f.stay_event["id"]]


async def test_r_fac_4_the_hub_refuses_what_its_read_model_knows_cannot_be_done(service: Service) -> None:
    f = await make_facility(service)
    day, stay = f.daycare_event["id"], f.stay_event["id"]
    mine, theirs, void = uuid4(), uuid4(), uuid4()
    await service.feed(invoice_state(f, mine, [stay]), f.world.company_id)
    await service.feed(invoice_state(f, theirs, [], client_id=f.world.other_client_id, number="INV-0002"),
                       f.world.company_id)
    await service.feed(invoice_state(f, void, [], status="void", number="INV-0003"), f.world.company_id)
    since = await service.last_seq(COMMANDS)
    for event_id, invoice_id, status, code in (
            (day, theirs, 422, "invoice_of_another_client"), (day, void, 409, "invoice_not_open"),
            (stay, mine, 409, "event_already_on_invoice"), (str(uuid4()), None, 404, "facility_event_not_found")):
        answer = await service.call(f.world.admin, "POST", f"/hub/events/{event_id}/invoice",
                                    json={"invoice_id": str(invoice_id) if invoice_id else None})
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), answer.text
    ok(await service.call(f.world.admin, "POST", f"/events/{day}/cancel"))
    cancelled = await service.call(f.world.admin, "POST", f"/hub/events/{day}/invoice", json={})
    assert (cancelled.status_code, cancelled.json()["error"]["code"]) == (409, "event_cancelled")
    assert await commands(service, since) == []


async def test_r_fac_6_a_package_added_and_an_event_redeemed_from_the_hub_show_percent_used(
        service: Service) -> None:
    f = await make_facility(service)
    since, package_id = await service.last_seq(COMMANDS), uuid4()
    add = ok(await service.call(f.world.admin, "POST", f"/hub/clients/{f.world.client_id}/packages",
                                json={"package_id": str(package_id)}), 202)
    held = uuid4()
    await service.feed(answered(add, "billing.package.add_requested", client_package_id=held), f.world.company_id)

    def state(used: int, revision: int) -> ClientPackageChanged:
        return ClientPackageChanged(
            client_package_id=held, client_id=f.world.client_id, package_id=package_id, name="Stay bundle",
            services=[PackageServiceCount(service_id=UUID(f.overnight_id), covered=4, used=used)], used=used,
            remaining=4 - used, percent_used=f"{used * 25}.00", revision=revision)

    await service.feed(state(0, 1), f.world.company_id)
    redeem = ok(await service.call(f.world.admin, "POST", f"/hub/events/{f.stay_event['id']}/redemptions",
                                   json={"client_package_id": str(held)}), 202)
    sent = [e["data"] for e in await commands(service, since)]
    assert sent[0] == {"request_id": add["request_id"], "client_id": str(f.world.client_id),
                       "package_id": str(package_id)}
    assert (sent[1]["service_id"], sent[1]["on"], sent[1]["facility_event_id"]) == (
        f.overnight_id, days_ahead(5), f.stay_event["id"])
    await service.feed(answered(redeem, "billing.package.redeem_requested", client_package_id=held),
                       f.world.company_id)
    await service.feed(state(1, 2), f.world.company_id)
    packages = ok(await service.call(f.world.admin, "GET", f"/hub/clients/{f.world.client_id}/packages"))["items"]
    assert [(p["name"], p["used"], p["remaining"], p["percent_used"]) for p in packages] == [
        ("Stay bundle", 1, 3, "25.00")]
    requests = ok(await service.call(f.world.admin, "GET", f"/hub/clients/{f.world.client_id}/requests"))["items"]
    assert {r["state"] for r in requests} == {"done"}


async def test_r_fac_1_the_hub_is_for_managers_of_the_client_s_own_company(service: Service) -> None:
    f = await make_facility(service)
    base = f"/hub/clients/{f.world.client_id}"
    for who in (f.world.staff, f.world.client):
        for method, path in (("GET", f"{base}/uninvoiced-events"), ("GET", f"{base}/packages"),
                             ("POST", f"/hub/events/{f.stay_event['id']}/invoice")):
            answer = await service.call(who, method, path, json={} if method == "POST" else None)
            assert answer.status_code == 403, answer.text
    ok(await service.call(f.world.office_manager, "GET", f"{base}/invoices"))
    stranger = admin_of()
    for path in (f"{base}/uninvoiced-events", f"{base}/invoiced-events", f"{base}/invoices", f"{base}/packages"):
        answer = await service.call(stranger, "GET", path)
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, "client_not_found")
    moved = await service.call(stranger, "POST", f"/hub/events/{f.stay_event['id']}/invoice", json={})
    assert moved.status_code == 404
    bad = await service.call(f.world.admin, "POST", f"/hub/events/{f.stay_event['id']}/invoice",
                             json={"invoice_id": "nope"})
    assert (bad.status_code, set(bad.json()["error"])) == (422, {"code", "message", "details"})
