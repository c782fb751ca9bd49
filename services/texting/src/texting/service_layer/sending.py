"""A send-a-text command from notifications: check, render, split, and queue the texts. Twilio is
called afterwards by the dispatcher, once the texts are stored (R-TEXT-5..7, R-DELIV-5, R-DELIV-9)."""

from __future__ import annotations

from uuid import uuid4

from petcare_contracts import Envelope
from petcare_contracts.events.texting import SendTextRequested, TextNotSent
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import func

from texting.adapters import repository
from texting.domain.availability import blockers, plan_blockers
from texting.domain.numbers import check_number
from texting.domain.rendering import plain_text
from texting.domain.segments import segment_count, split_for_sms

MAX_PICTURES_PER_MESSAGE = 10
CUT_MARKER = "..."


async def accept(uow: UnitOfWork, envelope: Envelope, command: SendTextRequested) -> None:
    company_id = envelope.company_id
    assert company_id is not None
    company = await repository.company(uow.session, company_id)
    reason = await _refusal(uow, company, command)
    if reason is not None:
        await uow.publish(TextNotSent(delivery_id=command.delivery_id, recipient_id=command.recipient_id,
                                      reason=reason), company_id=company_id, causation_id=envelope.id)
        return
    # "..." (GSM-7) rather than "…", which would force the whole last text into UCS-2 (70 characters).
    parts = split_for_sms(plain_text(command.body), max_messages=company.max_messages, marker=CUT_MARKER)
    pictures = command.image_urls[: min(company.max_images, MAX_PICTURES_PER_MESSAGE)]
    bodies = [(text, []) for text in parts] + [("", [url]) for url in pictures]  # R-TEXT-6: one MMS per image
    for index, (body, media) in enumerate(bodies):
        await repository.add_text(
            uow.session, id=uuid4(), company_id=company_id, direction="outbound", delivery_id=command.delivery_id,
            part=index, person_id=command.recipient_id, person_kind=command.recipient_kind,
            number=check_number(command.to_number).e164, company_number=company.number, body=body, media_urls=media,
            segments=segment_count(body) if body else 1, status="pending", purpose=command.purpose,
            next_attempt_at=func.now())


async def _refusal(uow: UnitOfWork, company, command: SendTextRequested) -> str | None:  # type: ignore[no-untyped-def]
    state = repository.texting_state(company)
    if plan_blockers(state.plan, state.in_trial) or not state.turned_on:
        return "texting_unavailable"
    if state.number is None:
        return "no_company_number"
    if command.recipient_kind == "client" and blockers(state, to_client=True):
        return "registration_not_approved"
    validity = check_number(command.to_number)
    if not validity.valid:
        return "invalid_number"
    if not validity.textable:
        return "outside_usa_canada"
    if await repository.is_opted_out(uow.session, company.company_id, validity.e164):
        return "opted_out"
    return None
