"""R-DELIV rules through the service: preferences, overrides, switches, texting availability, the
decision log, and texting's reports."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from petcare_contracts.events import scheduling, texting
from petcare_contracts.events.clients import ClientAdded, StaffAdded
from petcare_contracts.events.common import Contact, Phone
from petcare_kit.identity import Identity, Role

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def texting_on(service, company) -> None:
    await service.feed(texting.TextingAvailabilityChanged(company_id=company.id, available=True), company.id)


async def set_prefs(service, company, person_id, **body) -> dict:
    response = await service.as_(company.admin).request("PUT", f"/preferences/{person_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def post(service, company, person_id, text="Rex had a great walk", **body):
    response = await service.as_(company.admin).request(
        "POST", f"/conversations/{person_id}/messages", json={"text": text, **body})
    assert response.status_code == 201, response.text
    return response.json()


async def log_of(service, company, person_id) -> list[dict]:
    response = await service.as_(company.admin).request("GET", f"/deliveries?person_id={person_id}")
    assert response.status_code == 200
    return response.json()


def reasons(delivery: dict, channel: str) -> str:
    return " ".join(next(c for c in delivery["decision"] if c["channel"] == channel)["reasons"])


async def add_client(service, company, number: str) -> UUID:
    client_id = uuid4()
    await service.feed(ClientAdded(client_id=client_id, contact=Contact(
        first_name="Cy", last_name="Client", emails=[f"{client_id.hex[:6]}@example.com"],
        phones=[Phone(label="mobile", number=number)])), company.id)
    return client_id


async def test_r_deliv_4_texting_enabled_but_email_only_gets_no_text(service, company):
    await texting_on(service, company)
    await set_prefs(service, company, company.client_id, default_delivery="email_only", texting_enabled=True)
    await post(service, company, company.client_id)
    assert await service.commands() == []
    [delivery] = await log_of(service, company, company.client_id)
    assert delivery["email"]["state"] == "pending" and delivery["text"]["state"] == "none"
    assert "excludes text" in reasons(delivery, "text")


async def test_r_deliv_3_a_text_only_override_texts_once_and_leaves_the_default(service, company):
    await texting_on(service, company)
    await set_prefs(service, company, company.client_id, default_delivery="email_only", texting_enabled=True)
    message = await post(service, company, company.client_id, delivery_override="text_only")
    [command] = await service.commands()
    assert command["type"] == "texting.text.send_requested"
    assert command["data"]["to_number"] == "+14165550199" and command["data"]["body"] == message["text"]
    prefs = await service.as_(company.admin).request("GET", f"/preferences/{company.client_id}")
    assert prefs.json()["default_delivery"] == "email_only"
    await post(service, company, company.client_id, text="next one follows the default")
    assert len(await service.commands()) == 1


async def test_r_deliv_5_a_canadian_number_texts_and_a_uk_number_does_not(service, company):
    await texting_on(service, company)
    canadian, british = await add_client(service, company, "+1 604 555 0142"), await add_client(
        service, company, "+44 7400 123456")
    for person in (canadian, british):
        await set_prefs(service, company, person, default_delivery="text_only", texting_enabled=True)
        await post(service, company, person)
    assert [c["data"]["recipient_id"] for c in await service.commands()] == [str(canadian)]
    [uk] = await log_of(service, company, british)
    assert "outside the USA and Canada (GB)" in reasons(uk, "text")


async def test_r_deliv_4_a_client_switches_texting_but_not_the_default(service, company):
    me = service.as_(Identity(Role.CLIENT, person_id=company.client_id, company_id=company.id))
    response = await me.request("PUT", f"/preferences/{company.client_id}", json={"texting_enabled": True})
    assert response.status_code == 200 and response.json()["texting_enabled"] is True
    refused = await me.request("PUT", f"/preferences/{company.client_id}", json={"default_delivery": "text_only"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "default_delivery_is_the_business_choice"
    other = await me.request("PUT", f"/preferences/{company.admin_id}", json={"texting_enabled": False})
    assert other.status_code == 404


async def test_r_deliv_6_bulk_update_of_all_clients_and_defaults_for_new_ones(service, company):
    response = await service.as_(company.admin).request("POST", "/preferences/bulk", json={
        "audience": "clients", "default_delivery": "text_and_email", "texting_enabled": True})
    assert response.status_code == 200 and response.json()["updated"] == 1
    newcomer = await add_client(service, company, "+12125550111")
    for person in (company.client_id, newcomer):
        prefs = (await service.as_(company.admin).request("GET", f"/preferences/{person}")).json()
        assert (prefs["default_delivery"], prefs["texting_enabled"]) == ("text_and_email", True)
    admin = (await service.as_(company.admin).request("GET", f"/preferences/{company.admin_id}")).json()
    assert admin["default_delivery"] == "email_only"  # staff untouched


async def test_r_deliv_8_a_switched_off_notification_sends_no_text(service, company):
    await texting_on(service, company)
    await set_prefs(service, company, company.client_id, default_delivery="text_only", texting_enabled=True)
    response = await service.as_(company.admin).request("PUT", "/switches", json={"message_sent_to_clients": False})
    assert response.json()["switches"]["message_sent_to_clients"] is False
    await post(service, company, company.client_id)
    assert await service.commands() == []
    [delivery] = await log_of(service, company, company.client_id)
    assert "message_sent_to_clients' is off" in reasons(delivery, "text")


async def test_r_deliv_8_staff_late_texts_that_staff_and_every_manager(service, company):
    await texting_on(service, company)
    walker = uuid4()
    await service.feed(StaffAdded(staff_id=walker, role="staff", contact=Contact(
        first_name="Wally", last_name="Walker", emails=["wally@example.com"],
        phones=[Phone(label="mobile", number="+12125550177")])), company.id)
    for person in (walker, company.admin_id):
        await set_prefs(service, company, person, texting_enabled=True)
    visit = scheduling.VisitSummary(visit_id=uuid4(), service_name="Dog walk", visit_date="2026-12-01")
    await service.feed(scheduling.StaffLate(visit_id=visit.visit_id, client_id=company.client_id, staff_id=walker,
                                            visit=visit, minutes_late=15), company.id)
    texts = {c["data"]["recipient_id"]: c["data"]["body"] for c in await service.commands()}
    assert set(texts) == {str(walker), str(company.admin_id)}
    assert (texts[str(walker)].startswith("You are 15 min late")
            and "Wally Walker is 15 min late" in texts[str(company.admin_id)])


async def test_r_deliv_9_without_texting_a_text_only_message_still_arrives_by_email(service, company):
    await service.feed(texting.TextingAvailabilityChanged(company_id=company.id, available=False,
                                                          reasons=["A2P registration pending"]), company.id)
    await set_prefs(service, company, company.client_id, default_delivery="text_only", texting_enabled=True)
    await post(service, company, company.client_id)
    await service.send_emails()
    assert await service.commands() == []
    [delivery] = await log_of(service, company, company.client_id)
    assert delivery["email"]["state"] == "sent" and "R-DELIV-9" in reasons(delivery, "email")
    assert "A2P registration pending" in reasons(delivery, "text")


async def test_r_deliv_7_texting_reports_follow_the_delivery(service, company):
    await texting_on(service, company)
    await set_prefs(service, company, company.client_id, default_delivery="text_only", texting_enabled=True)
    await post(service, company, company.client_id)
    [command] = await service.commands()
    delivery_id, client_id = UUID(command["data"]["delivery_id"]), company.client_id
    await service.feed(texting.TextSent(delivery_id=delivery_id, recipient_id=client_id, messages=1), company.id)
    await service.feed(texting.TextDelivered(delivery_id=delivery_id, recipient_id=client_id), company.id)
    await service.feed(texting.TextSent(delivery_id=delivery_id, recipient_id=client_id, messages=1), company.id)
    [delivery] = await log_of(service, company, client_id)
    assert delivery["text"]["state"] == "delivered"  # a late duplicate 'sent' does not undo it


async def test_r_text_12_stop_switches_texting_off_for_that_number_and_start_back_on(service, company):
    await texting_on(service, company)
    await set_prefs(service, company, company.client_id, default_delivery="text_only", texting_enabled=True)
    await service.feed(texting.OptOutChanged(number="+14165550199", opted_out=True, keyword="STOP"), company.id)
    await post(service, company, company.client_id, text="one")
    assert await service.commands() == []
    await service.feed(texting.OptOutChanged(number="+14165550199", opted_out=False, keyword="START"), company.id)
    await post(service, company, company.client_id, text="two")
    assert [c["data"]["body"] for c in await service.commands()] == ["two"]
