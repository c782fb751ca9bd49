"""The Client Hub across services (issue 12): facility, billing, clients and the gateway as real
processes on the real broker. Through /api/facility/... a daycare day and an overnight stay with an
add-on are scheduled; the hub shows them un-invoiced (R-FAC-1, R-INV-1: nothing is invoiced by
itself); an invoice is created from one (facility asks billing on billing.commands; billing answers
on billing.events) and it moves to the invoiced view while billing's own API shows the invoice
(R-FAC-4); the other is moved onto that invoice; the stay is duplicated to three future dates
(R-FAC-5); a package is added from the hub and one copy redeemed against it, and the hub's % used
changes (R-FAC-6, R-PKG-1)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from petcare_tools.testing.suite import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
ZONE = ZoneInfo("America/New_York")


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def days_ahead(n: int, today: date | None = None) -> str:
    """The date `n` days after `today` (default: today in New York)."""
    return ((today or datetime.now(ZONE).date()) + timedelta(days=n)).isoformat()


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 120) -> Any:
    """`check()`'s first truthy result, polled: 120 s for what another service's consumer does (facility
    reading clients.events, billing answering on billing.events) on a loaded CI machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.3)
    raise AssertionError(f"{what}: not reached in {timeout}s")


class Hub:
    """The Client Hub of one client through the gateway."""

    def __init__(self, http: httpx.AsyncClient, admin: dict[str, str], client_id: str) -> None:
        self.http, self.admin, self.base = http, admin, f"/api/facility/hub/clients/{client_id}"

    async def get(self, view: str) -> list[dict[str, Any]]:
        answer = await self.http.get(f"{self.base}/{view}", headers=self.admin)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    async def views(self) -> tuple[set[str], dict[str, str | None]]:
        """(un-invoiced event ids, invoiced event id → invoice number)."""
        uninvoiced = {i["event"]["id"] for i in await self.get("uninvoiced-events")}
        invoiced = {i["event"]["id"]: i["invoice"]["number"] for i in await self.get("invoiced-events")}
        return uninvoiced, invoiced

    async def ask(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a hub action (202, pending) and wait for billing's answer; returns the answered request."""
        sent = await self.http.post(path, headers=self.admin, json=body)
        assert sent.status_code == 202 and sent.json()["state"] == "pending", sent.text
        request_id = sent.json()["request_id"]

        async def answered() -> dict[str, Any] | None:
            answer = (await self.http.get(f"/api/facility/hub/requests/{request_id}", headers=self.admin)).json()
            return answer if answer["state"] != "pending" else None

        request: dict[str, Any] = await eventually(answered, f"billing's answer to {path}")
        assert request["state"] == "done", request
        return request


async def test_r_fac_1_r_fac_4_r_fac_6_the_client_hub_invoices_moves_duplicates_and_redeems_through_billing(
        processes: Any, kafka_bootstrap_servers: str, postgres_admin_url: str) -> None:
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    await suite.start("clients")
    await suite.start("billing")
    await suite.start("facility")
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        company = (await http.post("/api/clients/signup", json={
            "company_name": "Hub Paws", "time_zone": "America/New_York",
            "admin": {"first_name": "A", "last_name": "Admin", "email": "admin@hubpaws.com",
                      "password": PASSWORD}})).json()
        admin = bearer(company["tokens"]["access_token"])
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ed", "last_name": "Owner", "emails": ["ed@example.com"]})).json()
        pets = [(await http.post(f"/api/clients/clients/{client['id']}/pets", headers=admin,
                                 json={"name": name, "species": "dog"})).json() for name in ("Dot", "Rex")]
        space = (await http.post("/api/facility/spaces", headers=admin, json={"name": "Suite A", "capacity": 10}))
        assert space.status_code == 201, space.text
        daycare = (await http.post("/api/facility/services", headers=admin, json={
            "name": "Daycare", "kind": "daycare", "price_cents": 3000, "taxable": True})).json()
        boarding = (await http.post("/api/facility/services", headers=admin, json={
            "name": "Boarding", "kind": "overnight", "price_cents": 4500, "taxable": True})).json()
        bath = (await http.post("/api/facility/services", headers=admin, json={
            "name": "Bath", "kind": "add_on", "price_cents": 1500, "main_service_ids": [boarding["id"]]})).json()

        async def scheduled(body: dict[str, Any]) -> httpx.Response:
            """POST the event, again while facility's read model of clients.events has not caught up
            with the client or any of its pets (each pet's events are keyed by the pet, so one pet
            known says nothing of the other)."""
            async def attempt() -> httpx.Response | None:
                answer = await http.post("/api/facility/events", headers=admin, json=body)
                waiting = answer.json().get("error", {}).get("code") in ("client_not_found", "pets_not_allowed",
                                                                         "company_not_known_yet")
                return None if waiting else answer

            answer: httpx.Response = await eventually(attempt, "facility knows the company's client and pets")
            return answer

        today = datetime.now(ZONE).date()  # once: a stay from day 3 to day 5 is 2 nights even across midnight
        day = await scheduled({
            "client_id": client["id"], "pet_ids": [pets[0]["id"]], "service_id": daycare["id"],
            "space_id": space.json()["id"], "starts_on": days_ahead(1, today), "start_time": "08:00",
            "end_time": "17:00"})
        assert day.status_code == 201, day.text
        day_id = day.json()["event"]["id"]
        stay = await scheduled({
            "client_id": client["id"], "pet_ids": [p["id"] for p in pets], "service_id": boarding["id"],
            "space_id": space.json()["id"], "starts_on": days_ahead(3, today), "ends_on": days_ahead(5, today)})
        assert stay.status_code == 201, stay.text
        stay_id = stay.json()["event"]["id"]
        with_bath = await http.post(f"/api/facility/events/{stay_id}/add-ons", headers=admin,
                                    json={"service_id": bath["id"]})
        assert with_bath.status_code == 201, with_bath.text

        # R-FAC-1, R-INV-1: both events un-invoiced; nothing went on an invoice by itself
        hub = Hub(http, admin, client["id"])
        assert await hub.views() == ({day_id, stay_id}, {})
        assert await hub.get("invoices") == []

        # R-FAC-4: a new invoice from the stay (with its add-on), made by billing
        made = await hub.ask(f"/api/facility/hub/events/{stay_id}/invoice", {})
        invoice_id = made["invoice_id"]

        async def stay_invoiced() -> Any:
            uninvoiced, invoiced = await hub.views()
            return invoiced.get(stay_id) and uninvoiced == {day_id}

        await eventually(stay_invoiced, "the stay in the hub's invoiced view")
        shown = await http.get(f"/api/billing/invoices/{invoice_id}", headers=admin)
        assert shown.status_code == 200, shown.text
        assert [line["description"] for line in shown.json()["lines"]] == ["Boarding, 2 nights (Dot, Rex)",
                                                                            "Bath (Dot, Rex)"]

        # R-FAC-4: the day moved onto that invoice
        moved = await hub.ask(f"/api/facility/hub/events/{day_id}/invoice", {"invoice_id": invoice_id})
        assert moved["invoice_id"] == invoice_id

        async def both_on_it() -> Any:
            uninvoiced, invoiced = await hub.views()
            return not uninvoiced and invoiced.get(day_id) == invoiced.get(stay_id) is not None

        await eventually(both_on_it, "both events on one invoice in the hub")
        billed = (await http.get(f"/api/billing/invoices/{invoice_id}", headers=admin)).json()
        assert [line["description"] for line in billed["lines"]][-1] == "Daycare (Dot)"
        assert billed["totals"]["total_cents"] == 2 * 4500 + 1500 + 3000  # no sales tax set
        invoices = await eventually(lambda: hub.get("invoices"), "the invoice in the hub")
        assert [i["invoice_id"] for i in invoices] == [invoice_id]

        # R-FAC-5: the stay duplicated to three future dates; the copies are new, un-invoiced events
        copies = await http.post(f"/api/facility/events/{stay_id}/duplicate", headers=admin,
                                 json={"dates": [days_ahead(n, today) for n in (10, 17, 24)]})
        assert copies.status_code == 201, copies.text
        copy_ids = [c["event"]["id"] for c in copies.json()["created"]]
        assert len(copy_ids) == 3
        assert (await hub.views())[0] == set(copy_ids)

        # R-FAC-6, R-PKG-1: a package added from the hub, one copy redeemed: % used changes
        package = await http.post("/api/billing/packages", headers=admin, json={
            "name": "Stay bundle", "services": [{"service_id": boarding["id"], "count": 4}], "discount_percent": "50"})
        assert package.status_code == 201, package.text
        added = await hub.ask(f"/api/facility/hub/clients/{client['id']}/packages",
                              {"package_id": package.json()["id"]})
        held = added["client_package_id"]

        async def percent_used(expected: str) -> Any:
            return [p for p in await hub.get("packages") if p["percent_used"] == expected]

        await eventually(lambda: percent_used("0.00"), "the package in the hub")
        await hub.ask(f"/api/facility/hub/events/{copy_ids[0]}/redemptions", {"client_package_id": held})
        [redeemed] = await eventually(lambda: percent_used("25.00"), "% used after the redemption")
        assert (redeemed["used"], redeemed["remaining"]) == (1, 3)
