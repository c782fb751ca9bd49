"""Turning a trigger into deliveries: decide (pure), record the decision with its reasons, queue
the email for the dispatcher and the text as a command to texting, all in the caller's transaction
(no commit here). Providers are called later, after the decision is stored (the dispatcher, the
texting service)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID, uuid4

from petcare_contracts import SYSTEM, Actor
from petcare_contracts.events.notifications import ChannelDecision, DeliveryDecided
from petcare_contracts.events.texting import SendTextRequested

from notifications.adapters.email_templates import render_email
from notifications.domain.decision import Decision, decide
from notifications.domain.deliveries import NewDelivery
from notifications.domain.preferences import DeliveryOverride, Preferences
from notifications.domain.triggers import Trigger
from notifications.service_layer.errors import UnknownCompany, UnknownRecipient
from notifications.service_layer.ports import UnitOfWork


async def deliver(
    uow: UnitOfWork,
    *,
    company_id: UUID,
    trigger: Trigger,
    recipient_id: UUID,
    source_id: UUID,
    data: dict[str, Any],
    text_body: str | None = None,
    image_urls: list[str] | None = None,
    override: DeliveryOverride | None = None,
    actor: Actor | None = None,
) -> Decision | None:
    """Decide how `trigger` reaches `recipient_id` and queue it (R-DELIV-2..9, R-EMAIL-1..9): the
    decision is recorded with its reasons (R-DELIV-7) and published (`DeliveryDecided`), a chosen
    email is queued for the dispatcher, a chosen text is sent to texting (`SendTextRequested`).

    Returns the decision, or None when this cause was already delivered to this person (replay).
    Raises UnknownRecipient / UnknownCompany when clients.events has not introduced them yet (the
    event then waits for them)."""
    recipient = await uow.recipients.find(company_id, recipient_id)
    if recipient is None:
        raise UnknownRecipient(recipient_id, company_id)
    company = await uow.companies.state(company_id)
    if not company.name:  # emails carry the business's name: wait for the company's own event
        raise UnknownCompany(company_id)
    preferences = await uow.preferences.get(company_id, recipient_id) or Preferences()
    decision = decide(trigger, recipient, preferences, company.switches, company.texting, override)
    delivery_id = uuid4()
    email = None
    if decision.email.chosen:
        subject, text, html = render_email(trigger, recipient_name=recipient.name, company_name=company.name,
                                           data=data)
        email = {"to": recipient.email, "to_name": recipient.name, "subject": subject, "text": text, "html": html,
                 "from_name": company.name or "Your pet-care team",
                 "reply_to": await uow.recipients.reply_to_address(company_id), "category": trigger.value}
    added = await uow.deliveries.add(NewDelivery(
        id=delivery_id, company_id=company_id, trigger=trigger.value, recipient_id=recipient_id, source_id=source_id,
        decision=[asdict(c) for c in decision.channels], email=email, text_requested=decision.text.chosen))
    if not added:
        return None
    if decision.text.chosen:
        assert recipient.mobile is not None and recipient.mobile.e164 is not None
        await uow.publish(SendTextRequested(
            delivery_id=delivery_id, recipient_id=recipient_id, recipient_kind=recipient.kind,
            to_number=recipient.mobile.e164, body=text_body or data.get("text", ""), image_urls=image_urls or [],
            purpose=trigger.value), company_id=company_id, actor=actor or SYSTEM)
    await uow.publish(DeliveryDecided(
        delivery_id=delivery_id, trigger=trigger.value, recipient_id=recipient_id,
        channels=[ChannelDecision(channel=c.channel, chosen=c.chosen, reasons=list(c.reasons))
                  for c in decision.channels]), company_id=company_id, actor=actor or SYSTEM)
    return decision
