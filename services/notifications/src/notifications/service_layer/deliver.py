"""Turning a trigger into deliveries: decide (pure), record the decision with its reasons, queue
the email for the dispatcher and the text as a command to texting, all in the caller's transaction.
Providers are called later, after the decision is stored (the dispatcher, the texting service)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID, uuid4

from petcare_contracts import Actor
from petcare_contracts.events.notifications import ChannelDecision, DeliveryDecided
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import func

from notifications.adapters import deliveries_repo, preferences_repo, read_models
from notifications.adapters.email_templates import render_email
from notifications.domain.decision import Decision, decide
from notifications.domain.preferences import DeliveryOverride
from notifications.domain.triggers import Trigger


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
    """Returns the decision, or None when this cause was already delivered to this person (replay)."""
    session = uow.session
    recipient = await read_models.get_recipient(session, company_id, recipient_id)
    preferences = await preferences_repo.get_preferences(session, company_id, recipient_id)
    company = await read_models.company_state(session, company_id)
    if not company.name:  # emails carry the business's name: wait for the company's own event
        raise read_models.UnknownCompany(company_id)
    decision = decide(trigger, recipient, preferences, company.switches, company.texting, override)
    delivery_id = uuid4()
    email = None
    if decision.email.chosen:
        subject, text, html = render_email(trigger, recipient_name=recipient.name, company_name=company.name,
                                           data=data)
        email = {"to": recipient.email, "to_name": recipient.name, "subject": subject, "text": text, "html": html,
                 "from_name": company.name or "Your pet-care team",
                 "reply_to": await read_models.reply_to_address(session, company_id), "category": trigger.value}
    added = await deliveries_repo.add(
        session, id=delivery_id, company_id=company_id, trigger=trigger.value, recipient_id=recipient_id,
        source_id=source_id, decision=[asdict(c) for c in decision.channels],
        email_state="pending" if email else "none", email=email,
        email_next_attempt_at=func.now() if email else None,
        text_state="requested" if decision.text.chosen else "none")
    if not added:
        return None
    if decision.text.chosen:
        assert recipient.mobile is not None and recipient.mobile.e164 is not None
        await uow.publish(SendTextRequested(
            delivery_id=delivery_id, recipient_id=recipient_id, recipient_kind=recipient.kind,
            to_number=recipient.mobile.e164, body=text_body or data.get("text", ""), image_urls=image_urls or [],
            purpose=trigger.value), company_id=company_id, **({"actor": actor} if actor else {}))
    await uow.publish(DeliveryDecided(
        delivery_id=delivery_id, trigger=trigger.value, recipient_id=recipient_id,
        channels=[ChannelDecision(channel=c.channel, chosen=c.chosen, reasons=list(c.reasons))
                  for c in decision.channels]), company_id=company_id, **({"actor": actor} if actor else {}))
    return decision
