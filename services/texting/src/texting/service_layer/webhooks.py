"""What Twilio tells us: status callbacks of texts we sent, and texts people send to a company
number. Both arrive at least once (Twilio retries); each is applied once, and commits once."""

from __future__ import annotations

from uuid import uuid4

from petcare_contracts.events.texting import (
    Candidate,
    OptOutChanged,
    TextDelivered,
    TextFailed,
    TextReceived,
    UnassignedTextReceivedV2,
    UsageRecorded,
)

from texting.domain.keywords import classify
from texting.domain.numbers import normalise
from texting.domain.people import sender_of
from texting.domain.segments import segment_count
from texting.domain.texts import FINALLY_DELIVERED, Text, is_news
from texting.domain.unassigned import UnassignedMessage
from texting.domain.usage import is_used
from texting.service_layer.commands import ApplyStatusCallback, ReceiveText
from texting.service_layer.context import Context


async def status_callback(ctx: Context, command: ApplyStatusCallback) -> None:
    """Move a text forward; publish usage the first time it counts as used (R-TEXT-13, the same
    definition as the log and the month), `text.failed` on failure, `text.delivered` once every part
    of the delivery is delivered. Unknown texts and old news change nothing."""
    text = await ctx.uow.texts.by_sid(command.sid)
    if text is None or not is_news(text.status, command.status):
        return  # unknown, or not news: a retried or late callback changes nothing
    await ctx.uow.texts.set_status(text.id, command.status, command.error_code)
    if is_used(text.direction, command.status) and not is_used(text.direction, text.status):
        # R-TEXT-13: billed once the carrier took it; each text (segment) and each picture counts one.
        # It occurred when it was stored, the instant texting's months group texts by (usage months,
        # GET /usage), so billing counts it in the same local month texting does.
        await ctx.publish(UsageRecorded(company_id=text.company_id, text_id=text.id, direction="outbound",
                                        units=1, occurred_at=text.created_at or ctx.now()),
                          company_id=text.company_id)
    if text.delivery_id is not None and text.person_id is not None:
        if command.status in ("failed", "undelivered"):
            await ctx.publish(TextFailed(delivery_id=text.delivery_id, recipient_id=text.person_id,
                                         error_code=command.error_code, reason=f"Twilio reported {command.status}"),
                              company_id=text.company_id)
        elif command.status == "delivered" and \
                await ctx.uow.texts.statuses_of_delivery(text.delivery_id) <= FINALLY_DELIVERED:
            await ctx.publish(TextDelivered(delivery_id=text.delivery_id, recipient_id=text.person_id),
                              company_id=text.company_id)
    await ctx.commit()


async def inbound(ctx: Context, command: ReceiveText) -> None:
    """R-TEXT-8 (the one person with that number: their feed), R-TEXT-9 (nobody, or several people:
    Unassigned Messages), R-TEXT-12 (STOP/START change the opt-out, and the text itself lands in the
    feed or Unassigned Messages like any other). A text to a number no company holds is dropped."""
    account = await ctx.uow.accounts.by_number(normalise(command.to_number) or command.to_number)
    if account is None or account.number is None:
        return
    sender = normalise(command.from_number) or command.from_number
    company_id, text_id, now, body = account.company_id, uuid4(), ctx.now(), command.body
    candidates = await ctx.uow.people.with_number(company_id, sender)
    person = sender_of(candidates)
    recorded = await ctx.uow.texts.add(Text(
        id=text_id, company_id=company_id, direction="inbound", person_id=person.person_id if person else None,
        person_kind=person.kind if person else None, number=sender, company_number=account.number, body=body,
        media_urls=list(command.media_urls), segments=segment_count(body) if body else 1, status="received",
        twilio_sid=command.sid))
    if not recorded:
        return  # Twilio retried the webhook
    await ctx.publish(UsageRecorded(company_id=company_id, text_id=text_id, direction="inbound", units=1,
                                    occurred_at=now), company_id=company_id)
    keyword = classify(body)
    if keyword in ("opt_out", "opt_in"):
        await ctx.uow.opt_outs.set(company_id, sender, keyword == "opt_out")
        await ctx.publish(OptOutChanged(number=sender, opted_out=keyword == "opt_out", keyword=body.strip().upper()),
                          company_id=company_id)
    # Keyword replies land where any text would (R-TEXT-8), so staff see why texting stopped.
    if person is not None:
        await ctx.publish(TextReceived(text_id=text_id, person_id=person.person_id, person_kind=person.kind,
                                       from_number=sender, body=body, media_urls=list(command.media_urls),
                                       received_at=now), company_id=company_id)
    else:
        message = UnassignedMessage(id=uuid4(), company_id=company_id, text_id=text_id, from_number=sender,
                                    body=body, media_urls=list(command.media_urls), received_at=now)
        await ctx.uow.unassigned.add(message)
        # R-TEXT-8: a shared number names everyone who has it, so the company's email can say who.
        await ctx.publish(UnassignedTextReceivedV2(
            unassigned_id=message.id, from_number=sender, body=body, received_at=now,
            candidates=[Candidate(id=p.person_id, kind=p.kind, name=p.name) for p in candidates if p.active]),
            company_id=company_id)
    await ctx.commit()
