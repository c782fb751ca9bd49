"""A send-a-text command from notifications: check, render, split, and queue the texts. Twilio is
called afterwards by the dispatcher, once the texts are stored (R-TEXT-5..7, R-DELIV-5, R-DELIV-9).

Runs inside the consumer's batch transaction: the consumer commits once per batch (with the
offsets' inbox rows), so this use case does not commit."""

from __future__ import annotations

from uuid import uuid4

from petcare_contracts.events.texting import NotSentReason, TextNotSent

from texting.domain.account import MAX_IMAGES_CEILING, TextingAccount
from texting.domain.availability import plan_blockers
from texting.domain.numbers import check_number
from texting.domain.rendering import plain_text
from texting.domain.segments import segment_count, split_for_sms
from texting.domain.texts import Text
from texting.service_layer.commands import SendText
from texting.service_layer.context import Context

MAX_PICTURES_PER_MESSAGE = MAX_IMAGES_CEILING
CUT_MARKER = "..."


async def accept(ctx: Context, command: SendText) -> int:
    """Queue the texts of one conversation message or alert: its body split into at most the
    company's max messages (R-TEXT-5), one picture message per image up to max images (R-TEXT-6).
    Publishes `texting.text.not_sent` with the reason instead when it cannot go. Returns how many
    texts were queued (0 for a refusal or a redelivered command)."""
    request = command.request
    account = await ctx.uow.accounts.get(command.company_id)
    reason = await _refusal(ctx, account, command)
    if reason is not None:
        await ctx.publish(TextNotSent(delivery_id=request.delivery_id, recipient_id=request.recipient_id,
                                      reason=reason), company_id=command.company_id,
                          causation_id=command.causation_id)
        return 0
    assert account.number is not None  # _refusal checked it
    # "..." (GSM-7) rather than "…", which would force the whole last text into UCS-2 (70 characters).
    parts = split_for_sms(plain_text(request.body), max_messages=account.max_messages, marker=CUT_MARKER)
    pictures = request.image_urls[: min(account.max_images, MAX_PICTURES_PER_MESSAGE)]
    # R-TEXT-6: one MMS per image.
    bodies: list[tuple[str, list[str]]] = [(text, []) for text in parts] + [("", [url]) for url in pictures]
    number = check_number(request.to_number).e164 or request.to_number
    queued = 0
    for index, (body, media) in enumerate(bodies):
        queued += await ctx.uow.texts.add(Text(
            id=uuid4(), company_id=command.company_id, direction="outbound", delivery_id=request.delivery_id,
            part=index, person_id=request.recipient_id, person_kind=request.recipient_kind, number=number,
            company_number=account.number, body=body, media_urls=media, segments=segment_count(body) if body else 1,
            status="pending", purpose=request.purpose))
    return queued


async def _refusal(ctx: Context, account: TextingAccount, command: SendText) -> NotSentReason | None:
    request, state = command.request, account.texting
    if plan_blockers(state.plan, state.in_trial) or not state.turned_on:
        return "texting_unavailable"
    if state.number is None:
        return "no_company_number"
    if request.recipient_kind == "client" and account.client_blockers():
        return "registration_not_approved"
    validity = check_number(request.to_number)
    if not validity.valid:
        return "invalid_number"
    if not validity.textable or validity.e164 is None:
        return "outside_usa_canada"
    if await ctx.uow.opt_outs.is_opted_out(command.company_id, validity.e164):
        return "opted_out"
    return None
