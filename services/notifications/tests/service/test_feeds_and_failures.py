"""Conversation feeds, inbound texts, unassigned texts; bad events and email failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from petcare_contracts.events import billing, scheduling, texting
from petcare_contracts.events.clients import ClientAdded, PortalInstructionsRequested
from petcare_contracts.events.common import Contact
from petcare_kit.identity import Identity, Role
from petcare_kit.unit_of_work import UnitOfWork
from petcare_kit.waiting import WaitingRoom

pytestmark = pytest.mark.asyncio(loop_scope="session")


def as_client(service, company):
    return service.as_(Identity(Role.CLIENT, person_id=company.client_id, company_id=company.id))


async def test_feed_keeps_messages_newest_first_with_paging_and_unread_counts(service, company):
    admin = service.as_(company.admin)
    for n in range(5):
        await admin.request("POST", f"/conversations/{company.client_id}/messages", json={"text": f"note {n}"})
    me = as_client(service, company)
    first = (await me.request("GET", f"/conversations/{company.client_id}/messages?limit=3")).json()
    assert [m["text"] for m in first["messages"]] == ["note 4", "note 3", "note 2"] and first["unread"] == 5
    older = (await me.request("GET", f"/conversations/{company.client_id}/messages",
                              params={"before": first["messages"][-1]["created_at"]})).json()
    assert [m["text"] for m in older["messages"]] == ["note 1", "note 0"]
    assert (await me.request("POST", f"/conversations/{company.client_id}/read")).status_code == 204
    assert (await me.request("GET", f"/conversations/{company.client_id}/messages")).json()["unread"] == 0
    reply = await me.request("POST", f"/conversations/{company.client_id}/messages", json={"text": "thanks!"})
    assert reply.status_code == 201 and reply.json()["author"] == "client"
    # the business has not read the reply; its own five messages are not unread for their author
    assert (await admin.request("GET", f"/conversations/{company.client_id}/messages")).json()["unread"] == 1


async def test_a_client_cannot_read_or_write_another_feed(service, company):
    me = as_client(service, company)
    for method in ("GET", "POST"):
        response = await me.request(method, f"/conversations/{company.admin_id}/messages",
                                    **({"json": {"text": "hi"}} if method == "POST" else {}))
        assert response.status_code == 404 and response.json()["error"]["code"] == "conversation_not_found"


async def test_r_email_1_a_client_reply_reaches_the_business_in_app_only(service, company):
    await as_client(service, company).request("POST", f"/conversations/{company.client_id}/messages",
                                              json={"text": "see you tomorrow"})
    assert await service.sql("SELECT * FROM deliveries") == []


async def test_r_text_8_an_inbound_text_lands_in_the_senders_feed(service, company):
    await service.feed(texting.TextReceived(text_id=uuid4(), person_id=company.client_id, person_kind="client",
                                            from_number="+14165550199", body="Running late, door code 42",
                                            received_at=datetime.now(UTC)), company.id)
    feed = (await service.as_(company.admin).request("GET", f"/conversations/{company.client_id}/messages")).json()
    assert feed["messages"][0]["text"] == "Running late, door code 42" and feed["messages"][0]["author"] == "client"
    assert await service.sql("SELECT * FROM deliveries") == []


async def test_r_text_9_an_unassigned_text_emails_the_company_and_joins_a_feed_once_assigned(service, company):
    unassigned = uuid4()
    await service.feed(texting.UnassignedTextReceived(unassigned_id=unassigned, from_number="+13125550100",
                                                      body="Is Rex ok?", received_at=datetime.now(UTC)), company.id)
    await service.send_emails()
    [mail] = await service.mailbox(to="olive@happypaws.com")
    assert "(312) 555-0100" in json.dumps(mail) and "Is Rex ok?" in json.dumps(mail)
    assert await service.mailbox(to="ada@example.com") == []
    await service.feed(texting.UnassignedTextAssigned(unassigned_id=unassigned, person_id=company.client_id,
                                                      person_kind="client", from_number="+13125550100",
                                                      body="Is Rex ok?", received_at=datetime.now(UTC)), company.id)
    feed = (await service.as_(company.admin).request("GET", f"/conversations/{company.client_id}/messages")).json()
    assert feed["messages"][0]["text"] == "Is Rex ok?"


async def dead_letters(service) -> list[dict]:
    rows = await service.sql("SELECT headers FROM outbox WHERE topic = 'notifications.dlq'")
    return [{h[0]: h[1] for h in row.headers} for row in rows]


async def test_bad_events_go_to_the_dead_letter_topic_with_a_reason_and_the_service_goes_on(service, company):
    stranger = uuid4()
    await service.feed(scheduling.ServiceRequestAnswered(request_id=uuid4(), client_id=stranger, decision="approved",
                                                         visits=[]), company.id)
    await service.feed(PortalInstructionsRequested(client_id=company.client_id, email="ada@example.com",
                                                   portal_url="http://p", login_email="ada@example.com"),
                       company.id, raw=b'{"type": "clients.portal.instructions_requested", "data": 1}')
    # The malformed one at once; the one naming a stranger waits for them, then gives up with its reason.
    assert [d["dlq-reason"].split(":")[0] for d in await dead_letters(service)] == ["malformed_message"]
    async with UnitOfWork(service.runtime.sessions) as uow:
        assert await WaitingRoom(service.runtime.consumer.group, timedelta(seconds=0)).dead_letter_expired(uow) == 1
    reasons = sorted(d["dlq-reason"].split(":")[0] for d in await dead_letters(service))
    assert reasons == ["malformed_message", "unknown_recipient"]
    assert any(str(stranger) in d["dlq-reason"] for d in await dead_letters(service))
    await service.feed(PortalInstructionsRequested(client_id=company.client_id, email="ada@example.com",
                                                   portal_url="http://p", login_email="ada@example.com"), company.id)
    await service.send_emails()
    assert len(await service.mailbox(to="ada@example.com")) == 1


async def test_an_event_that_arrives_before_its_client_waits_and_is_delivered_once_they_appear(service, company):
    """Topics are not ordered with each other: a payment can be consumed before the client it names."""
    newcomer = uuid4()
    await service.feed(billing.PaymentSucceeded(payment_id=uuid4(), invoice_id=uuid4(), client_id=newcomer,
                                                amount_cents=2500, initiated_by="client"), company.id)
    assert await dead_letters(service) == []
    await service.feed(ClientAdded(client_id=newcomer, contact=Contact(
        first_name="Nia", last_name="New", emails=["nia@example.com"], phones=[])), company.id)
    await service.send_emails()
    [receipt] = await service.mailbox(to="nia@example.com")
    assert "$25.00" in str(receipt)
    assert await service.sql("SELECT 1 FROM waiting_events") == []


async def inject(service, **failure) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{service.mailbox_url}/sandbox/failures", json=failure)
        assert response.status_code < 300, response.text


async def test_a_provider_outage_is_retried_with_backoff_and_sent_once(service, company):
    await inject(service, count=1, status=503)
    await service.feed(PortalInstructionsRequested(client_id=company.client_id, email="ada@example.com",
                                                   portal_url="http://p", login_email="ada@example.com"), company.id)
    await service.send_emails()
    [row] = await service.sql("SELECT email_state, email_attempts, email_error FROM deliveries")
    # not sent; a 503 may hide an accepted email, so the retry will first ask the provider ("sending")
    assert row.email_state in ("pending", "sending") and row.email_attempts == 1 and row.email_error
    await service.sql("UPDATE deliveries SET email_next_attempt_at = now()")  # the backoff has passed
    await service.send_emails()
    assert len(await service.mailbox(to="ada@example.com")) == 1
    [row] = await service.sql("SELECT email_state FROM deliveries")
    assert row.email_state == "sent"


async def test_an_email_that_keeps_failing_ends_as_a_recorded_failure(service, company):
    await inject(service, count=10, status=500)
    await service.feed(PortalInstructionsRequested(client_id=company.client_id, email="ada@example.com",
                                                   portal_url="http://p", login_email="ada@example.com"), company.id)
    for _ in range(service.settings.email_max_attempts):
        await service.sql("UPDATE deliveries SET email_next_attempt_at = now() "
                          "WHERE email_state IN ('pending', 'sending')")
        await service.send_emails()
    [row] = await service.sql("SELECT email_state, email_error FROM deliveries")
    assert row.email_state == "failed" and "gave up" in row.email_error
    events = await service.sql("SELECT 1 FROM outbox "
                               "WHERE convert_from(value, 'UTF8') LIKE '%notifications.email.failed%'")
    assert events


async def test_a_crash_after_the_provider_accepted_does_not_send_twice(service, company):
    """The process died after SendGrid accepted the email and before the outcome was recorded: the
    row is still 'sending'. After the timeout, the dispatcher asks the provider and records it sent."""
    await service.feed(PortalInstructionsRequested(client_id=company.client_id, email="ada@example.com",
                                                   portal_url="http://p", login_email="ada@example.com"), company.id)
    await service.send_emails()
    await service.sql("UPDATE deliveries SET email_state = 'sending', email_provider_id = NULL, "
                      "email_next_attempt_at = now()")
    await service.send_emails()
    assert len(await service.mailbox(to="ada@example.com")) == 1
    [row] = await service.sql("SELECT email_state, email_provider_id FROM deliveries")
    assert row.email_state == "sent" and row.email_provider_id
