"""Conversation messages: posted by staff (with an optional per-message delivery override) or by a
client, or arriving from events (a visit's message, an inbound text)."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import Envelope
from petcare_contracts.events.notifications import FeedMessagePosted
from petcare_kit.identity import Identity
from petcare_kit.unit_of_work import UnitOfWork

from notifications.adapters import feeds, read_models
from notifications.adapters.feeds import FeedMessage
from notifications.domain.preferences import DeliveryOverride
from notifications.domain.triggers import Trigger
from notifications.service_layer.deliver import deliver


async def _publish(uow: UnitOfWork, company_id: UUID, message: FeedMessage, kind: str, **kw) -> None:  # type: ignore[no-untyped-def]
    await uow.publish(FeedMessagePosted(
        conversation_id=message.person_id, message_id=message.id, person_id=message.person_id, person_kind=kind,
        author=message.author, text=message.text, image_urls=message.image_urls), company_id=company_id, **kw)


async def post_from_event(uow: UnitOfWork, envelope: Envelope, *, person_id: UUID, author: str,
                          author_id: UUID | None, text: str, image_urls: list[str], source: str,
                          report_card_url: str | None = None, trigger: Trigger | None = None) -> None:
    assert envelope.company_id is not None
    recipient = await read_models.get_recipient(uow.session, envelope.company_id, person_id)
    message = await feeds.add_message(uow.session, company_id=envelope.company_id, person_id=person_id,
                                      author=author, author_id=author_id, text=text, image_urls=image_urls,
                                      report_card_url=report_card_url, source=source, source_id=envelope.id)
    await _publish(uow, envelope.company_id, message, recipient.kind, causation_id=envelope.id)
    if trigger is not None:
        await deliver(uow, company_id=envelope.company_id, trigger=trigger, recipient_id=person_id,
                      source_id=message.id, data=_message_data(message), text_body=text,
                      image_urls=_pictures(message))


async def post_message(uow: UnitOfWork, identity: Identity, person_id: UUID, *, text: str, image_urls: list[str],
                       report_card_url: str | None, override: DeliveryOverride | None) -> FeedMessage:
    """R-EMAIL-1 / R-DELIV-2/3: a staff member writes to a client's (or a colleague's) feed; the
    recipient gets it in-app plus email/text per their default or this message's override. A client
    writing in their own feed reaches the business in-app only."""
    assert identity.company_id is not None
    recipient = await read_models.get_recipient(uow.session, identity.company_id, person_id)
    author = "client" if identity.role.value == "client" else "staff"
    message = await feeds.add_message(uow.session, company_id=identity.company_id, person_id=person_id,
                                      author=author, author_id=identity.person_id, text=text, image_urls=image_urls,
                                      report_card_url=report_card_url, source="posted")
    await _publish(uow, identity.company_id, message, recipient.kind, actor=identity.actor())
    if author == "staff":
        await deliver(uow, company_id=identity.company_id, trigger=Trigger.FEED_MESSAGE, recipient_id=person_id,
                      source_id=message.id, data=_message_data(message), text_body=text,
                      image_urls=_pictures(message), override=override, actor=identity.actor())
    await uow.commit()
    return message


def _pictures(message: FeedMessage) -> list[str]:
    """R-TEXT-6: a report card counts as one image."""
    return [*message.image_urls, *([message.report_card_url] if message.report_card_url else [])]


def _message_data(message: FeedMessage) -> dict:
    return {"text": message.text, "image_urls": message.image_urls, "report_card_url": message.report_card_url}
