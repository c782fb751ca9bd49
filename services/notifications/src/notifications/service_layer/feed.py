"""Conversation messages: posted by staff (with an optional per-message delivery override) or by a
client, or arriving from events (a visit's message, an inbound text); reading a feed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from petcare_contracts import SYSTEM, Actor, Envelope
from petcare_contracts.events.common import PersonKind
from petcare_contracts.events.notifications import FeedMessagePosted
from petcare_kit.identity import Identity, Role

from notifications.domain.feeds import Author, FeedMessage, FeedPage
from notifications.domain.preferences import DeliveryOverride
from notifications.domain.recipients import Recipient
from notifications.domain.triggers import Trigger
from notifications.service_layer.commands import PostMessage
from notifications.service_layer.context import Context
from notifications.service_layer.deliver import deliver
from notifications.service_layer.errors import ConversationNotFound, UnknownRecipient
from notifications.service_layer.ports import UnitOfWork


def check_own_feed(identity: Identity, person_id: UUID) -> None:
    """A client reaches only their own feed and settings (others answer as if they did not exist)."""
    if identity.role == Role.CLIENT and identity.person_id != person_id:
        raise ConversationNotFound("No such conversation.")


async def _conversation(ctx: Context, person_id: UUID) -> Recipient:
    check_own_feed(ctx.identity, person_id)
    recipient = await ctx.uow.recipients.find(ctx.company_id, person_id)
    if recipient is None:
        raise ConversationNotFound("No such conversation.")
    return recipient


async def _publish(uow: UnitOfWork, message: FeedMessage, kind: PersonKind, *, actor: Actor = SYSTEM,
                   causation_id: UUID | None = None) -> None:
    await uow.publish(FeedMessagePosted(
        conversation_id=message.person_id, message_id=message.id, person_id=message.person_id, person_kind=kind,
        author=message.author, text=message.text, image_urls=message.image_urls), company_id=message.company_id,
        causation_id=causation_id, actor=actor)


async def read_feed(ctx: Context, person_id: UUID, *, before: datetime | None, limit: int) -> FeedPage:
    """Newest first, with how many the caller has not read. Raises ConversationNotFound."""
    await _conversation(ctx, person_id)
    messages = await ctx.uow.feeds.page(ctx.company_id, person_id, before=before, limit=limit)
    unread = await ctx.uow.feeds.unread_count(ctx.company_id, person_id, ctx.person_id)
    return FeedPage(messages, unread)


async def mark_read(ctx: Context, person_id: UUID) -> None:
    """Everything in the feed up to now is read by the caller. Raises ConversationNotFound."""
    await _conversation(ctx, person_id)
    await ctx.uow.feeds.mark_read(person_id, ctx.person_id, ctx.now())
    await ctx.commit()


async def post_message(ctx: Context, person_id: UUID, command: PostMessage) -> FeedMessage:
    """R-EMAIL-1 / R-DELIV-2/3: a staff member writes to a client's (or a colleague's) feed; the
    recipient gets it in-app plus email/text per their default or this message's override. A client
    writing in their own feed reaches the business in-app only. Raises ConversationNotFound."""
    recipient = await _conversation(ctx, person_id)
    is_staff = ctx.identity.is_staff
    override = DeliveryOverride.of(command.delivery_override) if command.delivery_override and is_staff else None
    message = await ctx.uow.feeds.add(FeedMessage(
        id=uuid4(), company_id=ctx.company_id, person_id=person_id, author="staff" if is_staff else "client",
        author_id=ctx.identity.person_id, text=command.text, image_urls=list(command.image_urls),
        report_card_url=command.report_card_url, source="posted"))
    await _publish(ctx.uow, message, recipient.kind, actor=ctx.identity.actor())
    if is_staff:
        await deliver(ctx.uow, company_id=ctx.company_id, trigger=Trigger.FEED_MESSAGE, recipient_id=person_id,
                      source_id=message.id, data=message.email_data, text_body=message.text,
                      image_urls=message.pictures, override=override, actor=ctx.identity.actor())
    await ctx.commit()
    return message


async def post_from_event(uow: UnitOfWork, envelope: Envelope, *, person_id: UUID, author: Author,
                          author_id: UUID | None, text: str, image_urls: list[str], source: str,
                          report_card_url: str | None = None, trigger: Trigger | None = None) -> None:
    """A message another service's event puts in a feed (R-EMAIL-1 visit messages, R-TEXT-8 inbound
    texts), delivered per `trigger` if any. In the consumer's transaction; raises UnknownRecipient."""
    assert envelope.company_id is not None
    recipient = await uow.recipients.find(envelope.company_id, person_id)
    if recipient is None:
        raise UnknownRecipient(person_id, envelope.company_id)
    message = await uow.feeds.add(FeedMessage(
        id=uuid4(), company_id=envelope.company_id, person_id=person_id, author=author, author_id=author_id,
        text=text, image_urls=image_urls, report_card_url=report_card_url, source=source, source_id=envelope.id))
    await _publish(uow, message, recipient.kind, causation_id=envelope.id)
    if trigger is not None:
        await deliver(uow, company_id=envelope.company_id, trigger=trigger, recipient_id=person_id,
                      source_id=message.id, data=message.email_data, text_body=text, image_urls=message.pictures)
