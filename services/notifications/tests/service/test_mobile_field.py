"""R-TEXT-4 and R-TEXT-8 as notifications takes them from texting: the client phone number field
texting publishes picks the number a message is texted to; an unassigned text's email names the
people who share its number."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from petcare_contracts.events import texting
from petcare_contracts.events.clients import ClientAdded
from petcare_contracts.events.common import Contact, Phone

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _text_only(service, company, person_id) -> None:
    await service.feed(texting.TextingAvailabilityChanged(company_id=company.id, available=True), company.id)
    response = await service.as_(company.admin).request("PUT", f"/preferences/{person_id}", json={
        "default_delivery": "text_only", "texting_enabled": True})
    assert response.status_code == 200, response.text


async def _post(service, company, person_id, text: str) -> None:
    response = await service.as_(company.admin).request("POST", f"/conversations/{person_id}/messages",
                                                        json={"text": text})
    assert response.status_code == 201, response.text


async def test_r_text_4_the_field_texting_publishes_picks_the_number_texted(service, company):
    client_id = uuid4()
    await service.feed(ClientAdded(client_id=client_id, contact=Contact(
        first_name="Cy", last_name="Cell", emails=["cy@example.com"], custom_fields={"Cell": "(646) 555-0123"},
        phones=[Phone(label="mobile", number="(416) 555-0177", e164="+14165550177")])), company.id)
    await _text_only(service, company, client_id)

    await _post(service, company, client_id, "Before the setting")
    await service.feed(texting.MobileFieldChanged(company_id=company.id, mobile_field="Cell"), company.id)
    await _post(service, company, client_id, "With the setting")
    await service.feed(texting.MobileFieldChanged(company_id=company.id, mobile_field=None), company.id)
    await _post(service, company, client_id, "Setting cleared")

    texted = [(c["data"]["body"], c["data"]["to_number"]) for c in await service.commands()]
    assert texted == [("Before the setting", "+14165550177"), ("With the setting", "+16465550123"),
                      ("Setting cleared", "+14165550177")]


async def test_r_text_8_the_unassigned_text_email_names_who_shares_the_number(service, company):
    await service.feed(texting.UnassignedTextReceivedV2(
        unassigned_id=uuid4(), from_number="+14165550199", body="Whose phone is this?",
        received_at=datetime.now(UTC), candidates=[
            texting.Candidate(id=company.client_id, kind="client", name="Ada Lovelace"),
            texting.Candidate(id=company.admin_id, kind="staff", name="Olive Owner")]), company.id)
    assert await service.send_emails() == 1
    [mail] = await service.mailbox("olive@happypaws.com")
    text = str(mail)
    assert "Ada Lovelace (client) and Olive Owner (staff member)" in text
    assert "Whose phone is this?" in text
