"""Issue 9 item 12: right after a client is created, its delivery can be set, before notifications
has consumed the client; the change applies as soon as the client arrives."""

from __future__ import annotations

from uuid import uuid4

import pytest
from petcare_contracts.events import texting
from petcare_contracts.events.clients import ClientAdded
from petcare_contracts.events.common import Contact, Phone

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_preferences_set_before_the_client_is_consumed_apply_when_it_arrives(service, company):
    admin, newcomer = service.as_(company.admin), uuid4()
    held = await admin.request("PUT", f"/preferences/{newcomer}", json={"default_delivery": "text_only"})
    assert held.status_code == 200, held.text
    assert held.json()["pending"] is True and held.json()["default_delivery"] == "text_only"
    await admin.request("PUT", f"/preferences/{newcomer}", json={"texting_enabled": True})
    pending = (await admin.request("GET", f"/preferences/{newcomer}")).json()
    assert (pending["pending"], pending["default_delivery"], pending["texting_enabled"]) == (True, "text_only", True)

    await service.feed(ClientAdded(client_id=newcomer, contact=Contact(
        first_name="Nia", last_name="New", emails=["nia@example.com"],
        phones=[Phone(label="mobile", number="+12125550123")])), company.id)
    known = (await admin.request("GET", f"/preferences/{newcomer}")).json()
    assert (known["pending"], known["default_delivery"], known["texting_enabled"]) == (False, "text_only", True)

    await service.feed(texting.TextingAvailabilityChanged(company_id=company.id, available=True), company.id)
    posted = await admin.request("POST", f"/conversations/{newcomer}/messages", json={"text": "Welcome!"})
    assert posted.status_code == 201
    assert [c["data"]["to_number"] for c in await service.commands()] == ["+12125550123"]  # texted, as set


async def test_preferences_of_someone_never_heard_of_are_not_found_until_set(service, company):
    admin = service.as_(company.admin)
    response = await admin.request("GET", f"/preferences/{uuid4()}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "person_not_found"
