"""Every R-EMAIL and R-NEVER rule: the event in, exactly the expected emails out at the SendGrid
sandbox (none for R-NEVER)."""

from __future__ import annotations

import pytest
from suite.email_rules import EVENTS

pytestmark = pytest.mark.asyncio(loop_scope="session")



@pytest.mark.parametrize("case", list(EVENTS))
async def test_r_email_and_r_never_rules_send_exactly_the_expected_emails(service, company, case):
    expected, make = EVENTS[case]
    before = len(await service.mailbox(to="ada@example.com"))
    envelope = await service.feed(make(company), company.id)
    await service.send_emails()
    mails = await service.mailbox(to="ada@example.com")
    assert len(mails) - before == expected, case
    if expected:
        [delivery] = await service.sql("SELECT id, email_state FROM deliveries WHERE source_id = :s OR source_id IN "
                                       "(SELECT id FROM feed_messages WHERE source_id = :s)", s=envelope.id)
        assert delivery.email_state == "sent"
        assert str(delivery.id) in str(mails[-1])  # the delivery id travels with the email (idempotency key)
    assert await service.commands() == []  # nobody here asked for a text


async def test_redelivered_trigger_sends_nothing_twice(service, company):
    event = EVENTS["R-EMAIL-8 portal instructions"][1](company)
    envelope = await service.feed(event, company.id)
    await service.feed(event, company.id, envelope=envelope)  # the same message again (redelivery, replay)
    await service.send_emails()
    await service.send_emails()
    assert len(await service.mailbox(to="ada@example.com")) == 1


async def test_emails_come_from_the_business_name_and_replies_go_to_its_admin(service, company):
    await service.feed(EVENTS["R-EMAIL-8 portal instructions"][1](company), company.id)
    await service.send_emails()
    [mail] = await service.mailbox(to="ada@example.com")
    assert mail["from"]["name"] == "Happy Paws"
    assert "olive@happypaws.com" in str(mail["reply_to"])
