"""What Twilio tells us: status callbacks of texts we sent, and texts people send to a company
number. Both arrive at least once (Twilio retries); each is applied once."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from petcare_contracts.events.texting import (
    OptOutChanged,
    TextDelivered,
    TextFailed,
    TextReceived,
    UnassignedTextReceived,
    UsageRecorded,
)
from petcare_kit.unit_of_work import UnitOfWork
from sqlalchemy import func, select, update

from texting.adapters import repository
from texting.adapters.tables import texts
from texting.domain.keywords import classify
from texting.domain.numbers import normalise
from texting.domain.segments import segment_count

PROGRESS = {"pending": 0, "sending": 0, "accepted": 1, "queued": 1, "sending_carrier": 2, "sent": 3,
            "delivered": 4, "undelivered": 4, "failed": 4, "read": 5}
BILLED_ONCE_AT = "sent"


async def status_callback(uow: UnitOfWork, form: dict[str, str]) -> None:
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    row = (await uow.session.execute(select(texts).where(texts.c.twilio_sid == sid).with_for_update())).one_or_none()
    if row is None or PROGRESS.get(status, -1) <= PROGRESS.get(row.status, 0):
        return  # unknown, or not news: a retried or late callback changes nothing
    error_code = int(form["ErrorCode"]) if form.get("ErrorCode", "").isdigit() else None
    await uow.session.execute(update(texts).where(texts.c.id == row.id).values(
        status=status, error_code=error_code, updated_at=func.now()))
    if status in ("sent", "delivered") and PROGRESS[row.status] < PROGRESS["sent"]:
        # R-TEXT-13: billed once the carrier took it; each text (segment) and each picture counts one.
        await uow.publish(UsageRecorded(company_id=row.company_id, text_id=row.id, direction="outbound",
                                        units=1, occurred_at=datetime.now(UTC)), company_id=row.company_id)
    if status in ("failed", "undelivered"):
        await uow.publish(TextFailed(delivery_id=row.delivery_id, recipient_id=row.person_id, error_code=error_code,
                                     reason=f"Twilio reported {status}"), company_id=row.company_id)
    elif status == "delivered" and await _all_delivered(uow, row.delivery_id):
        await uow.publish(TextDelivered(delivery_id=row.delivery_id, recipient_id=row.person_id),
                          company_id=row.company_id)
    await uow.commit()


async def _all_delivered(uow: UnitOfWork, delivery_id: UUID) -> bool:
    statuses = set(await uow.session.scalars(select(texts.c.status).where(texts.c.delivery_id == delivery_id)))
    return statuses <= {"delivered", "read"}


async def inbound(uow: UnitOfWork, form: dict[str, str]) -> None:
    """R-TEXT-8 (a known sender's feed), R-TEXT-9 (unassigned), R-TEXT-12 (STOP/START/HELP)."""
    company = await repository.company_by_number(uow.session, normalise(form.get("To", "")) or "")
    sender = normalise(form.get("From", "")) or form.get("From", "")
    if company is None:
        return
    body = form.get("Body", "")
    media = [form[f"MediaUrl{i}"] for i in range(int(form.get("NumMedia", "0") or 0)) if f"MediaUrl{i}" in form]
    text_id, now, company_id = uuid4(), datetime.now(UTC), company.company_id
    person = await repository.match_sender(uow.session, company_id, sender)
    recorded = await repository.add_text(
        uow.session, id=text_id, company_id=company_id, direction="inbound",
        person_id=person.person_id if person else None,
        person_kind=person.kind if person else None, number=sender, company_number=company.number, body=body,
        media_urls=media, segments=segment_count(body) if body else 1, status="received", twilio_sid=form["MessageSid"])
    if not recorded:
        return  # Twilio retried the webhook
    await uow.publish(UsageRecorded(company_id=company_id, text_id=text_id, direction="inbound", units=1,
                                    occurred_at=now), company_id=company_id)
    keyword = classify(body)
    if keyword in ("opt_out", "opt_in"):
        await repository.set_opted_out(uow.session, company_id, sender, keyword == "opt_out")
        await uow.publish(OptOutChanged(number=sender, opted_out=keyword == "opt_out", keyword=body.strip().upper()),
                          company_id=company_id)
    elif person is not None:
        await uow.publish(TextReceived(text_id=text_id, person_id=person.person_id, person_kind=person.kind,
                                       from_number=sender, body=body, media_urls=media, received_at=now),
                          company_id=company_id)
    else:
        unassigned_id = uuid4()
        await repository.add_unassigned(uow.session, id=unassigned_id, company_id=company_id, text_id=text_id,
                                        from_number=sender, body=body, media_urls=media, received_at=now)
        await uow.publish(UnassignedTextReceived(unassigned_id=unassigned_id, from_number=sender, body=body,
                                                 received_at=now), company_id=company_id)
    await uow.commit()
