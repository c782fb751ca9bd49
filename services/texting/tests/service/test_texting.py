"""Texting through the real twilio SDK and the Twilio sandbox: R-TEXT-1..13."""

from __future__ import annotations

from uuid import uuid4

import pytest
from petcare_contracts.events.billing import PlanChanged
from petcare_contracts.events.texting import SendTextRequested
from sqlalchemy import text

pytestmark = pytest.mark.asyncio(loop_scope="session")
CLIENT_MOBILE = "+14165550199"
REGISTRATION = {
    "brand_type": "STANDARD", "business_name": "Happy Paws LLC", "phone": "+12125550100",
    "email": "owner@happypaws.com", "website": "https://happypaws.com", "ein": "12-3456789",
    "address": {"street": "1 Bark St", "city": "New York", "region": "NY", "postal_code": "10001"},
}


def command(company, body="Rex had a **great** walk!", to=CLIENT_MOBILE, kind="client", images=(), person=None):
    return SendTextRequested(delivery_id=uuid4(), recipient_id=person or company.client_id, recipient_kind=kind,
                             to_number=to, body=body, image_urls=list(images), purpose="conversation_message")


async def sent_to(service, number: str) -> list[dict]:
    body = await service.sandbox_get("/sandbox/messages", params={"to": number})
    messages = body["messages"] if isinstance(body, dict) else body
    return [m for m in messages if m.get("direction") == "outbound-api"]  # not Twilio's STOP auto-replies


async def sql(service, statement: str, **params):  # type: ignore[no-untyped-def]
    async with service.runtime.engine.begin() as connection:
        result = await connection.execute(text(statement), params)
        return list(result) if result.returns_rows else []


async def approve_registration(service, company) -> None:
    admin = service.as_(company.admin)
    response = await admin.request("POST", "/registration", json=REGISTRATION)
    assert response.status_code == 201, response.text
    [row] = await sql(service, "SELECT brand_sid FROM companies WHERE company_id = :c", c=company.id)
    assert (await service.sandbox_post(f"/sandbox/brands/{row.brand_sid}/status",
                                       json={"status": "APPROVED"})).status_code < 300
    assert (await admin.request("GET", "/registration")).json()["status"] == "APPROVED"


async def test_r_text_1_texting_needs_solo_or_team_and_no_trial(service, company):
    admin = service.as_(company.admin)
    for plan, trial in (("lite", False), ("team", True)):
        await service.feed(PlanChanged(company_id=company.id, plan=plan, in_trial=trial), company.id)
        refused = await admin.request("POST", "/turn-on")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "plan_does_not_include_texting"
    await service.feed(PlanChanged(company_id=company.id, plan="team", in_trial=False), company.id)
    assert (await admin.request("POST", "/turn-on")).status_code == 200


async def test_r_text_2_one_number_per_company_searched_bought_and_released(service, company):
    admin = service.as_(company.admin)
    assert company.number.startswith("+1212")
    again = await admin.request("POST", "/number", json={"phone_number": "+12125550999"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "number_already_held"
    by_digits = (await admin.request("GET", "/numbers/available?contains=555")).json()
    assert by_digits and all("555" in n["phone_number"] for n in by_digits)
    bad = await admin.request("GET", "/numbers/available?area_code=012")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_area_code"
    assert (await admin.request("DELETE", "/number")).status_code == 204
    events = [e["type"] for e in await service.events()]
    assert events.count("texting.number.provisioned") == 1 and events.count("texting.number.released") == 1


async def test_r_text_3_texts_to_clients_wait_for_an_approved_registration(service, company):
    await service.feed(command(company, body="before approval"), company.id)
    await service.feed(command(company, body="to staff", to="+12125550100", kind="staff", person=company.admin_id),
                       company.id)
    await service.dispatch()
    [refused] = [e for e in await service.events() if e["type"] == "texting.text.not_sent"]
    assert refused["data"]["reason"] == "registration_not_approved"
    assert [m["body"] for m in await sent_to(service, "+12125550100")] == ["to staff"]
    status = (await service.as_(company.admin).request("GET", "/status")).json()
    assert any("A2P 10DLC registration is not approved" in r for r in status["cannot_text_clients_because"])

    await approve_registration(service, company)
    await service.feed(command(company, body="after approval"), company.id)
    await service.dispatch()
    assert [m["body"] for m in await sent_to(service, CLIENT_MOBILE)] == ["after approval"]
    availability = [e for e in await service.events() if e["type"] == "texting.availability.changed"]
    assert availability[-1]["data"]["available"] is True


async def test_r_text_3_the_tax_id_is_kept_only_as_its_last_four_digits(service, company):
    await approve_registration(service, company)
    [row] = await sql(service, "SELECT registration::text AS r FROM companies WHERE company_id = :c", c=company.id)
    assert "3456789" not in row.r and '"tax_id_last4": "6789"' in row.r
    bad_phone = dict(REGISTRATION, ein="98-7654321", phone="12")
    response = await service.as_(company.admin).request("POST", "/registration", json=bad_phone)
    assert response.status_code == 422 and "7654321" not in response.text  # never echoed back
    no_ein = await service.as_(company.admin).request("POST", "/registration", json=dict(REGISTRATION, ein=None))
    assert no_ein.status_code == 422 and "EIN" in no_ein.text


async def test_r_text_5_r_text_6_r_text_7_split_capped_pictures_and_plain_text(service, company):
    await approve_registration(service, company)
    changed = await service.as_(company.admin).request("PUT", "/settings", json={"max_messages": 2, "max_images": 10})
    assert changed.status_code == 200, changed.text
    long = "**Great walk** today! " + "Rex chased squirrels all around the park. " * 12
    await service.feed(command(company, body=long, images=[f"https://img.example.com/{n}.jpg" for n in range(12)]),
                       company.id)
    await service.dispatch()
    messages = await sent_to(service, CLIENT_MOBILE)
    texts = [m for m in messages if m["body"]]
    pictures = [m for m in messages if not m["body"]]
    assert len(texts) == 2 and texts[0]["body"].startswith("GREAT WALK today!"), [m["body"] for m in texts]
    assert all(m["num_segments"] in (1, "1") for m in texts)
    assert texts[-1]["body"].endswith("...") and len(texts[-1]["body"]) > 100  # cut visibly, still GSM-7
    assert len(pictures) == 10  # one MMS per picture, never more than 10


async def test_a_redelivered_command_sends_nothing_twice(service, company):
    await approve_registration(service, company)
    order = command(company, body="only once")
    envelope = await service.feed(order, company.id)
    await service.feed(order, company.id, envelope=envelope)
    await service.feed(order.model_copy(), company.id)  # a new envelope for the same delivery id
    await service.dispatch()
    await service.dispatch()
    assert [m["body"] for m in await sent_to(service, CLIENT_MOBILE)] == ["only once"]


async def test_status_callbacks_are_signed_applied_once_and_reported(service, company):
    await approve_registration(service, company)
    order = command(company, body="delivered soon")
    await service.feed(order, company.id)
    await service.dispatch()
    answers = await service.forward_webhooks(at_least=2)  # sent, delivered
    assert all(a.status_code == 204 for a in answers)
    await service.forward_webhooks()
    for hook in service.receiver.received[-2:]:  # Twilio retries: the same callbacks again
        await service.http.post(hook.url.split("/api/texting", 1)[1], data=hook.form,
                                headers={"x-twilio-signature": hook.signature or ""})
    events = [e["type"] for e in await service.events()]
    assert events.count("texting.text.sent") == 1 and events.count("texting.text.delivered") == 1
    assert events.count("texting.usage.recorded") == 1
    log = (await service.as_(company.admin).request("GET", "/messages?direction=outbound")).json()
    assert log["messages"][0]["status"] == "delivered" and log["totals"]["sent"] == 1


async def test_a_forged_webhook_is_refused_and_leaves_no_trace(service, company):
    form = {"MessageSid": "SM" + "f" * 32, "From": "+13125550100", "To": company.number, "Body": "hi",
            "NumMedia": "0"}
    for signature in ("", "bm90IGEgc2lnbmF0dXJl"):
        response = await service.http.post("/webhooks/twilio/inbound", data=form,
                                           headers={"x-twilio-signature": signature})
        assert response.status_code == 403 and response.json()["error"]["code"] == "invalid_twilio_signature"
    assert await sql(service, "SELECT 1 FROM texts") == []
    assert await service.events() == [e for e in await service.events() if e["type"] != "texting.text.received"]


async def test_r_text_8_r_text_9_inbound_from_a_client_and_from_a_stranger(service, company):
    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number,
                                                        "body": "Is Rex back?"})
    await service.sandbox_post("/sandbox/inbound", json={"from": "+13125550100", "to": company.number,
                                                        "body": "Who is this?"})
    await service.forward_webhooks(at_least=2)
    events = await service.events()
    [received] = [e for e in events if e["type"] == "texting.text.received"]
    assert received["data"]["person_id"] == str(company.client_id) and received["data"]["body"] == "Is Rex back?"
    [stranger] = [e for e in events if e["type"] == "texting.unassigned_text.received"]
    admin = service.as_(company.admin)
    [waiting] = (await admin.request("GET", "/unassigned")).json()
    assigned = await admin.request("POST", f"/unassigned/{waiting['id']}/assign",
                                   json={"person_id": str(company.client_id)})
    assert assigned.status_code == 200
    assert (await admin.request("GET", "/unassigned")).json() == []
    [joined] = [e for e in await service.events() if e["type"] == "texting.unassigned_text.assigned"]
    assert joined["data"]["body"] == "Who is this?" and stranger["data"]["from_number"] == "+13125550100"


async def test_r_text_12_stop_opts_out_and_a_later_text_is_not_sent_until_start(service, company):
    await approve_registration(service, company)
    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number, "body": "STOP"})
    await service.forward_webhooks(at_least=1)
    [opt_out] = [e for e in await service.events() if e["type"] == "texting.opt_out.changed"]
    assert opt_out["data"] == {"number": CLIENT_MOBILE, "opted_out": True, "keyword": "STOP"}
    [in_feed] = [e for e in await service.events() if e["type"] == "texting.text.received"]
    assert in_feed["data"]["body"] == "STOP" and in_feed["data"]["person_id"] == str(company.client_id)
    await service.feed(command(company, body="are you there?"), company.id)
    await service.dispatch()
    assert await sent_to(service, CLIENT_MOBILE) == []
    [not_sent] = [e for e in await service.events() if e["type"] == "texting.text.not_sent"]
    assert not_sent["data"]["reason"] == "opted_out"
    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number, "body": "start"})
    await service.forward_webhooks(at_least=1)
    await service.feed(command(company, body="welcome back"), company.id)
    await service.dispatch()
    assert [m["body"] for m in await sent_to(service, CLIENT_MOBILE)] == ["welcome back"]


async def test_r_text_11_validity_per_person(service, company):
    rows = (await service.as_(company.admin).request("GET", "/validity")).json()
    by_name = {r["name"]: r for r in rows}
    assert by_name["Ada Lovelace"]["valid"] and by_name["Ada Lovelace"]["textable"]
    assert by_name["Olive Owner"]["number"] == "+12125550100"


async def test_r_text_4_the_mobile_number_can_come_from_a_custom_field(service, company):
    from petcare_contracts.events.clients import ClientDetailsUpdated
    from petcare_contracts.events.common import Contact

    await service.feed(ClientDetailsUpdated(client_id=company.client_id, changed_fields=["custom_fields"],
                                            contact=Contact(first_name="Ada", last_name="Lovelace", emails=[],
                                                            phones=[], custom_fields={"Cell": "+1 604 555 0142"})),
                       company.id)
    admin = service.as_(company.admin)
    await admin.request("PUT", "/settings", json={"mobile_field": "Cell"})
    [ada] = [r for r in (await admin.request("GET", "/validity?kind=client")).json()]
    assert ada["number"] == "+1 604 555 0142" and ada["textable"]
    capped = (await admin.request("PUT", "/settings", json={"max_images": 10})).json()
    assert capped["max_images"] == 10
    too_many = await admin.request("PUT", "/settings", json={"max_images": 11})
    assert too_many.status_code == 422


async def test_r_text_13_usage_counts_texts_sent_and_received_not_failed_and_closes_months(service, company):
    await approve_registration(service, company)
    await service.feed(command(company, body="billed"), company.id)
    await service.dispatch()
    await service.forward_webhooks(at_least=2)  # sent, delivered
    await service.sandbox_post("/sandbox/failures", json={"outcome": "rejected", "to": "+12125550100",
                                                          "http_status": 400, "error_code": 21211})
    await service.feed(command(company, body="refused", to="+12125550100", kind="staff", person=company.admin_id),
                       company.id)
    await service.dispatch()
    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number, "body": "hi"})
    await service.forward_webhooks(at_least=1)
    used = (await service.as_(company.admin).request("GET", "/usage")).json()
    assert (used["sent"], used["received"], used["failed_not_billed"]) == (1, 1, 1)
    [failed] = [e for e in await service.events() if e["type"] == "texting.text.failed"]
    assert failed["data"]["error_code"] == 21211

    from datetime import UTC, datetime, timedelta

    from texting.entrypoints.jobs import close_months_once

    next_month = datetime.now(UTC).replace(day=28) + timedelta(days=5)
    for _ in range(2):  # closing twice publishes once
        await close_months_once(service.runtime.sessions, next_month)
    [closed] = [e for e in await service.events() if e["type"] == "texting.usage.month_closed"]
    assert (closed["data"]["sent"], closed["data"]["received"]) == (1, 1)


async def test_r_text_12_twilio_21610_records_the_opt_out_we_missed(service, company):
    """STOP reached Twilio but its webhook never reached us: Twilio refuses the send with 21610,
    and texting records the opt-out and tells notifications."""
    await approve_registration(service, company)
    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number, "body": "STOP"})
    service.forwarded = len(service.receiver.received) + 1  # drop that webhook on the floor
    await service.feed(command(company, body="after stop"), company.id)
    await service.dispatch()
    events = await service.events()
    [failed] = [e for e in events if e["type"] == "texting.text.failed"]
    assert failed["data"]["error_code"] == 21610
    assert [e["data"] for e in events if e["type"] == "texting.opt_out.changed"] == [
        {"number": CLIENT_MOBILE, "opted_out": True, "keyword": "STOP"}]


async def test_r_text_8_a_sender_is_matched_by_any_of_their_numbers_and_a_shared_one_is_not_guessed(service,
                                                                                                     company):
    """The index of numbers covers phones and custom fields. A number that two people have (here a
    client's custom field and a staff member's home phone) is not given to either: it waits in
    Unassigned Messages naming both (issue 9, item 11)."""
    from petcare_contracts.events.clients import ClientDetailsUpdated, StaffDetailsUpdated
    from petcare_contracts.events.common import Contact, Phone

    cell = "+12125550177"
    await service.feed(ClientDetailsUpdated(client_id=company.client_id, changed_fields=["custom_fields"],
                                            contact=Contact(first_name="Ada", last_name="Lovelace", emails=[],
                                                            phones=[], custom_fields={"Cell": "(212) 555-0177"})),
                       company.id)
    await service.sandbox_post("/sandbox/inbound", json={"from": cell, "to": company.number, "body": "mine"})
    await service.forward_webhooks(at_least=1)
    [received] = [e for e in await service.events() if e["type"] == "texting.text.received"]
    assert received["data"]["person_id"] == str(company.client_id)

    await service.feed(StaffDetailsUpdated(staff_id=company.admin_id, role="admin", changed_fields=["phones"],
                                           contact=Contact(first_name="Olive", last_name="Owner", emails=[],
                                                           phones=[Phone(label="home", number=cell)])), company.id)
    await service.sandbox_post("/sandbox/inbound", json={"from": cell, "to": company.number, "body": "whose?"})
    await service.forward_webhooks(at_least=1)
    assert len([e for e in await service.events() if e["type"] == "texting.text.received"]) == 1
    [waiting] = (await service.as_(company.admin).request("GET", "/unassigned")).json()
    assert waiting["body"] == "whose?"
    assert sorted((c["name"], c["kind"]) for c in waiting["candidates"]) == [("Ada Lovelace", "client"),
                                                                            ("Olive Owner", "staff")]


async def test_r_text_10_the_messages_log_filters_and_totals(service, company):
    await approve_registration(service, company)
    await service.feed(command(company, body="out one"), company.id)
    await service.feed(command(company, body="to staff", to="+12125550100", kind="staff", person=company.admin_id),
                       company.id)
    await service.dispatch()
    await service.forward_webhooks(at_least=4)  # sent and delivered, twice
    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number, "body": "in"})
    await service.forward_webhooks(at_least=1)
    admin = service.as_(company.admin)

    everything = (await admin.request("GET", "/messages")).json()
    assert [m["body"] for m in everything["messages"]][:1] == ["in"]  # newest first
    assert everything["totals"] == {"sent": 2, "received": 1, "failed": 0, "used": 3}
    inbound = (await admin.request("GET", "/messages?direction=inbound")).json()
    assert [m["body"] for m in inbound["messages"]] == ["in"]
    client_only = (await admin.request("GET", f"/messages?person_id={company.client_id}")).json()
    assert sorted(m["body"] for m in client_only["messages"]) == ["in", "out one"]
    delivered = (await admin.request("GET", "/messages?status=delivered")).json()
    assert sorted(m["body"] for m in delivered["messages"]) == ["out one", "to staff"]
    future = (await admin.request("GET", "/messages", params={"since": "2999-01-01T00:00:00Z"})).json()
    assert future["messages"] == [] and future["totals"]["used"] == 0


async def test_r_text_10_r_text_13_the_messages_log_and_the_usage_figure_agree_for_a_month(service, company):
    """Sent, delivered, failed and undelivered texts and a received one: the log's totals over the
    month and the month's usage are the same figures (one definition, domain/usage.py)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    await approve_registration(service, company)
    for number, outcome in (("+12125550161", "failed"), ("+12125550162", "undelivered")):
        assert (await service.sandbox_post("/sandbox/failures", json={"outcome": outcome, "to": number})).is_success
    await service.feed(command(company, body="delivered"), company.id)
    for number in ("+12125550160", "+12125550161", "+12125550162"):
        await service.feed(command(company, body=f"to {number}", to=number, kind="staff", person=company.admin_id),
                           company.id)
    await service.dispatch()
    late = "+12125550160"  # its "delivered" callback never comes: it stays sent
    await service.forward_webhooks(at_least=7, skip=lambda form: (form.get("To"), form.get("MessageStatus")) == (
        late, "delivered"))
    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number, "body": "hi"})
    await service.forward_webhooks(at_least=1)

    admin = service.as_(company.admin)
    now = datetime.now(ZoneInfo("America/New_York"))  # the company's zone: its months are local ones
    month = now.strftime("%Y-%m")
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    dates = {"since": start.isoformat(), "until": end.isoformat()}
    log = (await admin.request("GET", "/messages", params=dates)).json()
    used = (await admin.request("GET", "/usage", params={"month": month})).json()
    assert sorted(m["status"] for m in log["messages"]) == ["delivered", "failed", "received", "sent", "undelivered"]
    assert log["totals"] == {"sent": 3, "received": 1, "failed": 1, "used": 4}
    assert (used["sent"], used["received"], used["used"], used["failed_not_billed"]) == (3, 1, 4, 1)


async def test_signed_webhooks_that_are_not_twilios_shape_and_empty_settings_are_not_500s(service, company):
    """Issue 9, item 4: a correctly signed webhook without MessageSid, or with NumMedia=two, and
    `PUT /settings {}` answered 500."""
    from twilio.request_validator import RequestValidator

    signer = RequestValidator(service.settings.twilio_auth_token)
    base = service.settings.webhook_base_url
    for path, form in (("/webhooks/twilio/inbound", {"From": CLIENT_MOBILE, "To": company.number, "Body": "hi"}),
                       ("/webhooks/twilio/inbound", {"MessageSid": "SM" + "1" * 32, "From": CLIENT_MOBILE,
                                                     "To": company.number, "Body": "hi", "NumMedia": "two"}),
                       ("/webhooks/twilio/status", {"MessageStatus": "delivered"})):
        signature = signer.compute_signature(f"{base}{path}", form)
        answer = await service.http.post(path, data=form, headers={"x-twilio-signature": signature})
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_webhook", answer.text
    assert await sql(service, "SELECT 1 FROM texts") == []
    unchanged = await service.as_(company.admin).request("PUT", "/settings", json={})
    assert unchanged.status_code == 200 and unchanged.json()["max_messages"] == 3


async def test_r_text_13_a_text_at_23_30_local_on_the_months_last_day_counts_in_the_local_month(service, company):
    """The company is in New York: 31 January 23:30 EST is 1 February 04:30 UTC. GET /usage and the
    month closed for billing put the text in January, and January closes at local midnight."""
    from datetime import UTC, datetime

    from texting.entrypoints.jobs import close_months_once

    await service.sandbox_post("/sandbox/inbound", json={"from": CLIENT_MOBILE, "to": company.number, "body": "late"})
    await service.forward_webhooks(at_least=1)
    await sql(service, "UPDATE texts SET created_at = :at WHERE company_id = :c",
              at=datetime(2026, 2, 1, 4, 30, tzinfo=UTC), c=company.id)
    admin = service.as_(company.admin)
    january = (await admin.request("GET", "/usage", params={"month": "2026-01"})).json()
    february = (await admin.request("GET", "/usage", params={"month": "2026-02"})).json()
    assert (january["received"], february["received"]) == (1, 0)

    assert await close_months_once(service.runtime.sessions, datetime(2026, 2, 1, 4, 59, tzinfo=UTC)) == 0
    assert await close_months_once(service.runtime.sessions, datetime(2026, 2, 1, 5, 0, tzinfo=UTC)) == 1
    [closed] = [e for e in await service.events() if e["type"] == "texting.usage.month_closed"]
    assert (closed["data"]["month"], closed["data"]["received"]) == ("2026-01", 1)

    for bad in ("2026-13", "0000-01", "2026-1"):
        refused = await admin.request("GET", "/usage", params={"month": bad})
        assert refused.status_code == 422 and "error" in refused.json()
