"""Clients → notifications → SendGrid sandbox, as real processes on the real broker: the emails a
business's actions cause (and do not cause), and a crash between decision and provider call."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from suite.suite_harness import Suite

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "a long enough password"


@pytest.fixture
async def suite(processes, kafka_bootstrap_servers, postgres_admin_url):
    suite = Suite(processes, kafka_bootstrap_servers, postgres_admin_url)
    # The harness's start: a port taken before the sandbox bound it is retried, and a start-up
    # on a loaded machine gets the harness's generous deadline (30 s was this file's own).
    suite.urls["sendgrid"] = await suite.start_sandbox("sendgrid")
    await suite.start("clients")
    return suite


def notifications_env(suite: Suite, **extra: str) -> dict[str, str]:
    return {"SENDGRID_HOST": suite.urls["sendgrid"], "SENDGRID_API_KEY": "SG.suite", **extra}


async def mails_to(suite: Suite, address: str) -> list[dict]:
    async with httpx.AsyncClient() as http:
        body = (await http.get(f"{suite.urls['sendgrid']}/sandbox/messages", params={"to": address})).json()
        return body["messages"] if isinstance(body, dict) else body


async def wait_for_mails(suite: Suite, address: str, count: int, timeout: float = 120) -> list[dict]:
    """The emails to `address` once there are `count`; a deadline, not a wait: notifications may lag
    behind the backlog of a busy machine (two test workers, each with its own services)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = await mails_to(suite, address)
        if len(mails) >= count:
            await asyncio.sleep(1.5)  # an extra (doubled) email would arrive now
            return await mails_to(suite, address)
        await asyncio.sleep(0.2)
    raise AssertionError(f"fewer than {count} emails to {address} after {timeout}s")


async def sign_up(http: httpx.AsyncClient, name: str) -> dict:
    response = await http.post("/api/clients/signup", json={
        "company_name": name, "admin": {"first_name": "A", "last_name": "Admin",
                                        "email": f"admin@{name.lower().replace(' ', '')}.com", "password": PASSWORD}})
    assert response.status_code == 201, response.text
    return response.json()


async def test_r_email_7_r_email_8_r_never_3_r_never_4_through_the_real_broker(suite):
    await suite.start("notifications", **notifications_env(suite))
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        company = await sign_up(http, "Mail Paws")
        admin = {"authorization": f"Bearer {company['tokens']['access_token']}"}
        invited = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Ivy", "last_name": "Invited", "emails": ["ivy@example.com"],
            "send_activation_email": True})).json()
        quiet = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Quin", "last_name": "Quiet", "emails": ["quin@example.com"]})).json()
        [activation] = await wait_for_mails(suite, "ivy@example.com", 1)
        assert "Mail Paws" in activation["subject"] and "token=" in str(activation)

        # R-NEVER-3, R-NEVER-4: detail updates and (de)activation email nobody...
        await http.patch(f"/api/clients/clients/{quiet['id']}", headers=admin, json={"last_name": "Quieter"})
        await http.post(f"/api/clients/clients/{quiet['id']}/deactivate", headers=admin)
        await http.post(f"/api/clients/clients/{quiet['id']}/reactivate", headers=admin)
        # ...while R-EMAIL-8 does: and it arrives after them, so their silence is observed.
        await http.post(f"/api/clients/clients/{quiet['id']}/portal-instructions", headers=admin)
        [instructions] = await wait_for_mails(suite, "quin@example.com", 1)
        assert "portal" in instructions["subject"].lower()
        assert len(await mails_to(suite, "ivy@example.com")) == 1

        # R-DELIV-7 through the gateway: the decision and its reasons. The email reaches the sandbox
        # before notifications records it sent (the provider's answer comes first): wait for that.
        deadline = time.monotonic() + 120
        while True:
            log = await http.get(f"/api/notifications/deliveries?person_id={invited['id']}", headers=admin)
            assert log.status_code == 200, log.text
            [delivery] = log.json()
            if delivery["email"]["state"] not in ("pending", "sending"):
                break
            assert time.monotonic() < deadline, f"the activation email is still {delivery['email']['state']}"
            await asyncio.sleep(0.2)
        assert delivery["trigger"] == "activation_sent_by_business" and delivery["email"]["state"] == "sent"


async def test_a_crash_between_decision_and_provider_call_sends_exactly_once_after_restart(suite):
    await suite.start("notifications", **notifications_env(suite, NOTIFICATIONS_RUN_EMAIL_DISPATCHER="false"))
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        company = await sign_up(http, "Crash Paws")
        admin = {"authorization": f"Bearer {company['tokens']['access_token']}"}
        client = (await http.post("/api/clients/clients", headers=admin, json={
            "first_name": "Cora", "last_name": "Crash", "emails": ["cora@example.com"]})).json()
        await http.post(f"/api/clients/clients/{client['id']}/portal-instructions", headers=admin)
        deadline = time.monotonic() + 120  # notifications may lag behind a busy machine's backlog
        while time.monotonic() < deadline:  # the decision is stored, the email not sent yet
            log = (await http.get(f"/api/notifications/deliveries?person_id={client['id']}", headers=admin)).json()
            if isinstance(log, list) and log and log[0]["email"]["state"] == "pending":
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError("the decision was never stored")
    suite.processes.kill("notifications")  # SIGKILL between the decision and the provider call
    await suite.start("notifications", process_name="notifications", **notifications_env(suite))
    mails = await wait_for_mails(suite, "cora@example.com", 1)
    assert len(mails) == 1


async def test_delivery_can_be_set_right_after_the_client_is_created(suite):
    """Issue 9 item 12: a frontend creates a client and sets its delivery at once, before notifications
    has consumed the new client: the PUT is accepted (pending) and applies when the client arrives."""
    await suite.start("notifications", **notifications_env(suite))
    gateway = await suite.start_gateway()
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        company = await sign_up(http, "Quick Paws")
        admin = {"authorization": f"Bearer {company['tokens']['access_token']}"}
        for n in range(3):
            created = await http.post("/api/clients/clients", headers=admin, json={
                "first_name": "Quick", "last_name": f"Client{n}", "emails": [f"quick{n}@example.com"]})
            assert created.status_code == 201, created.text
            client = created.json()
            response = await http.put(f"/api/notifications/preferences/{client['id']}", headers=admin,
                                      json={"default_delivery": "text_and_email", "texting_enabled": True})
            assert response.status_code == 200, response.text
            deadline = time.monotonic() + 120  # two cores shared with other suites: consumption can lag
            while True:
                prefs = (await http.get(f"/api/notifications/preferences/{client['id']}", headers=admin)).json()
                if prefs.get("pending") is False:
                    break
                assert time.monotonic() < deadline, f"the client never reached notifications: {prefs}"
                await asyncio.sleep(0.2)
            assert (prefs["default_delivery"], prefs["texting_enabled"]) == ("text_and_email", True)
