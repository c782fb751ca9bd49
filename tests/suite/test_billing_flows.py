"""Billing's cross-service flows (issue 11) through the gateway, the real broker, the Stripe sandbox
(localstripe) and the SendGrid sandbox, every service a real process: a visit scheduled becomes a
line on an invoice and nobody is emailed (R-INV-1, R-NEVER-1); "Email To Client" sends the one
invoice email and marks it sent (R-EMAIL-5, R-INV-4); the client pays half by card from the portal
(R-PAY-1, R-EMAIL-3), the admin charges the rest to the saved card (R-PAY-2, R-EMAIL-4), each with
one confirmation; a declined card says so and changes nothing (R-PAY-3).

The processes are started once for the module; each test signs its own company up."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio
from petcare_tools.embedded.ports import free_port
from petcare_tools.testing.processes import ProcessManager
from petcare_tools.testing.sandboxes import run_stripe_sandbox

from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"
ZONE = ZoneInfo("America/New_York")
WAIT_SECONDS = 120.0
"""How long a consumer's effect (a read model of another service, a mail at the sandbox) may take on a
loaded CI machine: two test workers, each with its own services behind the backlog of earlier tests."""
SETTLE_SECONDS = 3.0
"""How long an unwanted email is given to show up before we say none came."""


@dataclass
class World:
    suite: Suite
    gateway: str
    sendgrid: str
    stripe: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                kafka_bootstrap_servers: str, postgres_admin_url: str) -> AsyncIterator[World]:
    """The SendGrid and Stripe sandboxes, clients, notifications, scheduling, billing and the gateway."""
    processes = ProcessManager(log_dir=tmp_path_factory.mktemp("billing-flows"), cwd=request.config.rootpath)
    failed_before = request.session.testsfailed
    try:
        with run_stripe_sandbox() as stripe:
            suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
            sendgrid = await suite.start_sandbox("sendgrid")
            await suite.start("clients")
            await suite.start("notifications", SENDGRID_HOST=sendgrid, SENDGRID_API_KEY="SG.suite")
            await suite.start("scheduling")
            await suite.start("billing", STRIPE_API_BASE=stripe)
            gateway = await suite.start_gateway(port=free_port())
            yield World(suite, gateway, sendgrid, stripe)
    finally:
        if request.session.testsfailed > failed_before:
            print(f"\n{processes.log_tails()}")
        processes.stop_all()


# ---- helpers -----------------------------------------------------------------------------------

def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.3)
    raise AssertionError(f"{what}: not reached in {timeout}s")


def days_ahead(n: int) -> str:
    return (datetime.now(ZONE).date() + timedelta(days=n)).isoformat()


async def mails_to(w: World, address: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=30) as http:
        body = (await http.get(f"{w.sendgrid}/sandbox/messages", params={"to": address})).json()
    return list(body["messages"] if isinstance(body, dict) else body)


async def billing_mails(w: World, address: str) -> list[dict[str, Any]]:
    """The client's emails other than the portal's activation (R-EMAIL-7)."""
    return [m for m in await mails_to(w, address) if "activate" not in m["subject"].lower()
            and "portal" not in m["subject"].lower()]


async def settled_mails(w: World, address: str, count: int, what: str) -> list[dict[str, Any]]:
    """Wait for the `count`-th billing email, give a further one time to come, and return them all."""
    await eventually(lambda: _at_least(billing_mails(w, address), count), what)
    await asyncio.sleep(SETTLE_SECONDS)
    return await billing_mails(w, address)


async def _at_least(mails: Awaitable[list[dict[str, Any]]], count: int) -> bool:
    return len(await mails) >= count


def ok(answer: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert answer.status_code in (statuses or (200,)), f"{answer.request.method} {answer.request.url}: {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


async def until_known(call: Callable[[], Awaitable[httpx.Response]], *codes: str) -> httpx.Response:
    """Repeat `call` while a service answers that its read model of clients.events is behind."""
    waiting = {"company_not_known_yet", "client_not_found", "pets_not_allowed", *codes}
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = await call()
        if answer.status_code < 400 or answer.json().get("error", {}).get("code") not in waiting:
            return answer
        assert time.monotonic() < deadline, f"never caught up in {WAIT_SECONDS} s: {answer.text}"
        await asyncio.sleep(0.3)


@dataclass
class Company:
    http: httpx.AsyncClient
    name: str
    slug: str
    admin: dict[str, str]
    walk: dict[str, Any]


async def sign_up(http: httpx.AsyncClient, name: str) -> Company:
    """A company (New York time) with a $25.00 walk in an every-day Morning block."""
    email = f"admin@{name.lower().replace(' ', '')}.com"
    body = ok(await http.post("/api/clients/signup", json={
        "company_name": name, "time_zone": "America/New_York",
        "admin": {"first_name": "Ann", "last_name": "Admin", "email": email, "password": PASSWORD}}), 201)
    admin = bearer(body["tokens"]["access_token"])
    block = ok(await until_known(lambda: http.post("/api/scheduling/schedule-blocks", headers=admin, json={
        "title": "Morning", "starts": "07:00", "ends": "11:00", "weekdays": [1, 2, 3, 4, 5, 6, 7]})), 201)
    walk = ok(await http.post("/api/scheduling/services", headers=admin, json={
        "name": "Dog walk", "duration_minutes": 30, "price_cents": 2500, "schedule_block_ids": [block["id"]]}), 201)
    return Company(http, name, body["company"]["slug"], admin, walk)


async def add_portal_client(w: World, c: Company, first: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """A client with a dog, activated from the R-EMAIL-7 email and signed in to the portal."""
    email = f"{first.lower()}@example.com"
    client = ok(await c.http.post("/api/clients/clients", headers=c.admin, json={
        "first_name": first, "last_name": "Owner", "emails": [email], "send_activation_email": True}), 201)
    pet = ok(await c.http.post(f"/api/clients/clients/{client['id']}/pets", headers=c.admin,
                               json={"name": f"{first}'s dog", "species": "dog"}), 201)
    [activation] = await eventually(lambda: mails_to(w, email), f"the activation email to {email}")
    token = re.search(r"token=([A-Za-z0-9_\-]+)", str(activation["text"]))
    assert token, activation
    activated = await c.http.post("/api/clients/auth/activate", json={"token": token.group(1), "password": PASSWORD})
    assert activated.status_code == 204, activated.text
    signed_in = ok(await c.http.post("/api/clients/auth/sign-in", json={
        "company": c.slug, "email": email, "password": PASSWORD}))
    return client, pet, bearer(signed_in["access_token"])


async def book(c: Company, client: dict[str, Any], pet: dict[str, Any], day: str) -> dict[str, Any]:
    """A visit booked by the scheduler (the admin); scheduling chooses its invoice (R-INV-1)."""
    return ok(await until_known(lambda: c.http.post("/api/scheduling/visits", headers=c.admin, json={
        "client_id": client["id"], "pet_ids": [pet["id"]], "service_id": c.walk["id"], "visit_date": day,
        "start_time": "14:00", "override_conflicts": True})), 201)


async def invoices_of(c: Company, client_id: str) -> list[dict[str, Any]]:
    answer = await c.http.get("/api/billing/invoices", headers=c.admin, params={"client_id": client_id})
    return list(ok(answer)["items"])


async def invoice(c: Company, invoice_id: str) -> dict[str, Any]:
    return ok(await c.http.get(f"/api/billing/invoices/{invoice_id}", headers=c.admin))


def subjects(mails: list[dict[str, Any]]) -> list[str]:
    return [str(m["subject"]) for m in mails]


# ---- the flows ---------------------------------------------------------------------------------

async def test_r_inv_1_r_email_5_r_pay_1_r_pay_2_a_visit_invoiced_emailed_paid_half_then_charged_the_rest(
        world: World) -> None:
    """A visit scheduled → a line on an invoice, no email (R-INV-1, R-NEVER-1); "Email To Client" →
    one email, status sent (R-EMAIL-5); the client pays half by card → one confirmation, partially
    paid (R-PAY-1, R-EMAIL-3); the admin charges the rest → one confirmation, paid (R-PAY-2, R-EMAIL-4)."""
    async with httpx.AsyncClient(base_url=world.gateway, timeout=30) as http:
        c = await sign_up(http, "Invoice Paws")
        client, pet, portal = await add_portal_client(world, c, "Ivy")
        address = "ivy@example.com"
        day = days_ahead(3)  # once: the due date is checked against it even if midnight passes meanwhile
        visit = await book(c, client, pet, day)

        [listed] = await eventually(lambda: invoices_of(c, client["id"]), "the visit's invoice at billing")
        first = await eventually(lambda: _with_lines(c, listed["id"]), "the visit's line on the invoice")
        [line] = first["lines"]
        assert (line["kind"], line["visit_id"], line["amount_cents"]) == ("visit", visit["id"], 2500)
        assert first["status"] == "draft" and first["totals"]["balance_cents"] == 2500
        assert first["due_date"] == day, "R-INV-3: due on the first service by default"
        await asyncio.sleep(SETTLE_SECONDS)
        assert await billing_mails(world, address) == [], "R-NEVER-1: an invoice is never emailed by itself"
        hidden = await http.get(f"/api/billing/portal/invoices/{first['id']}", headers=portal)
        assert hidden.status_code == 404, "a draft is not shown to the client"

        sent = ok(await http.post(f"/api/billing/invoices/{first['id']}/email", headers=c.admin))
        assert sent["status"] == "sent"
        [mail] = await settled_mails(world, address, 1, "the invoice email")
        assert mail["subject"] == f"Invoice {first['number']} from {c.name}"
        assert "$25.00" in str(mail["text"]) and f"/invoices/{first['id']}" in str(mail["text"])
        mine = ok(await http.get(f"/api/billing/portal/invoices/{first['id']}", headers=portal))
        assert (mine["status"], mine["totals"]["balance_cents"]) == ("sent", 2500)

        # A card needs the client in billing's directory (clients.events): the invoice came from
        # scheduling.events, which says nothing of how far billing has read the client's events.
        card = ok(await until_known(lambda: http.post("/api/billing/portal/cards", headers=portal,
                                                      json={"payment_method_id": "pm_card_visa"})), 201)
        paid = ok(await http.post("/api/billing/portal/payments", headers=portal, json={
            "card_id": card["id"], "invoices": [{"invoice_id": first["id"], "amount_cents": 1250}]}), 201)
        assert paid["status"] == "succeeded" and paid["amount_cents"] == 1250
        mails = await settled_mails(world, address, 2, "the client's payment confirmation (R-EMAIL-3)")
        assert subjects(mails)[1:] == [f"{c.name}: we received your payment of $12.50"]
        half = ok(await http.get(f"/api/billing/portal/invoices/{first['id']}", headers=portal))
        assert (half["status"], half["totals"]["paid_cents"], half["totals"]["balance_cents"]) == (
            "partially_paid", 1250, 1250)

        [saved] = ok(await http.get(f"/api/billing/clients/{client['id']}/cards", headers=c.admin))
        charged = ok(await http.post(f"/api/billing/clients/{client['id']}/payments", headers=c.admin, json={
            "card_id": saved["id"], "invoices": [{"invoice_id": first["id"]}]}), 201)
        assert charged["status"] == "succeeded" and charged["amount_cents"] == 1250
        mails = await settled_mails(world, address, 3, "the charge confirmation (R-EMAIL-4)")
        assert subjects(mails)[2:] == [f"{c.name} charged $12.50 to your card"]
        done = await invoice(c, first["id"])
        assert (done["status"], done["totals"]["paid_cents"], done["totals"]["balance_cents"]) == ("paid", 2500, 0)


async def _with_lines(c: Company, invoice_id: str) -> dict[str, Any] | None:
    found = await invoice(c, invoice_id)
    return found if found["lines"] else None


async def test_r_pay_3_a_declined_card_says_so_changes_nothing_and_emails_no_one(world: World) -> None:
    async with httpx.AsyncClient(base_url=world.gateway, timeout=30) as http:
        c = await sign_up(http, "Decline Paws")
        client, _, portal = await add_portal_client(world, c, "Dora")
        address = "dora@example.com"
        created = ok(await until_known(lambda: http.post("/api/billing/invoices", headers=c.admin,
                                                         json={"client_id": client["id"]})), 201)
        path = f"/api/billing/invoices/{created['id']}"
        ok(await http.post(f"{path}/lines", headers=c.admin, json={"description": "Walks", "unit_cents": 3000}), 201)
        ok(await http.post(f"{path}/email", headers=c.admin))
        await settled_mails(world, address, 1, "the invoice email")
        card = ok(await http.post("/api/billing/portal/cards", headers=portal,
                                  json={"payment_method_id": "pm_card_chargeCustomerFail"}), 201)
        before = await invoice(c, created["id"])

        for who, url in ((portal, "/api/billing/portal/payments"),
                         (c.admin, f"/api/billing/clients/{client['id']}/payments")):
            answer = await http.post(url, headers=who, json={"card_id": card["id"],
                                                             "invoices": [{"invoice_id": created["id"]}]})
            assert answer.status_code == 402, answer.text
            error = answer.json()["error"]
            assert error["code"] == "card_declined" and "declined" in error["message"].lower(), error

        after = await invoice(c, created["id"])
        assert (after["status"], after["totals"], after["revision"]) == ("sent", before["totals"], before["revision"])
        assert after["totals"]["balance_cents"] == 3000
        await asyncio.sleep(SETTLE_SECONDS)
        assert subjects(await billing_mails(world, address)) == [f"Invoice {created['number']} from {c.name}"], \
            "a declined card sends no confirmation"
