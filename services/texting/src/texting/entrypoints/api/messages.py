"""The messages log (R-TEXT-10), unassigned messages (R-TEXT-9) and number validity (R-TEXT-11)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Query
from petcare_contracts.events.texting import UnassignedTextAssigned
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.errors import Conflict
from petcare_kit.identity import MANAGERS, STAFF_ROLES, IdentityDep, allow
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from texting.adapters import repository
from texting.adapters.tables import texts, unassigned
from texting.domain.numbers import check_number
from texting.domain.recipients import mobile_number
from texting.service_layer import usage

router = APIRouter(tags=["texts"])


@router.get("/messages", **allow(*MANAGERS))
async def messages_log(identity: IdentityDep, uow: UnitOfWorkDep,
                       direction: Literal["outbound", "inbound"] | None = None,
                       status: str | None = Query(None, max_length=20), person_id: UUID | None = None,
                       since: datetime | None = None, until: datetime | None = None,
                       limit: int = Query(100, ge=1, le=500)) -> dict:
    """Every text sent, received or failed, newest first, with the totals used."""
    where = [texts.c.company_id == identity.company_id]
    if direction:
        where.append(texts.c.direction == direction)
    if status:
        where.append(texts.c.status == status)
    if person_id:
        where.append(texts.c.person_id == person_id)
    if since:
        where.append(texts.c.created_at >= since)
    if until:
        where.append(texts.c.created_at < until)
    rows = await uow.session.execute(select(texts).where(*where).order_by(texts.c.created_at.desc()).limit(limit))
    totals = (await uow.session.execute(select(
        func.count().filter(texts.c.direction == "outbound", texts.c.status.in_(("sent", "delivered", "read"))),
        func.count().filter(texts.c.direction == "inbound"),
        func.count().filter(texts.c.status.in_(("failed", "undelivered")))).where(*where))).one()
    return {"messages": [_text(row) for row in rows],
            "totals": {"sent": totals[0], "received": totals[1], "failed": totals[2], "used": totals[0] + totals[1]}}


def _text(row) -> dict:  # type: ignore[no-untyped-def]
    return {"id": row.id, "direction": row.direction, "status": row.status, "person_id": row.person_id,
            "person_kind": row.person_kind, "number": row.number, "body": row.body, "media_urls": row.media_urls,
            "segments": row.segments, "error_code": row.error_code, "error": row.error, "purpose": row.purpose,
            "delivery_id": row.delivery_id, "created_at": row.created_at}


@router.get("/usage", **allow(*MANAGERS))
async def monthly_usage(identity: IdentityDep, uow: UnitOfWorkDep,
                        month: str = Query(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m"),
                                           pattern=r"^\d{4}-(0[1-9]|1[0-2])$")) -> dict:
    """R-TEXT-10, R-TEXT-13: texts used in a month (sent and received count; failed sends do not)."""
    return await usage.month_usage(uow.session, identity.company_id, month)


@router.get("/unassigned", **allow(*MANAGERS))
async def unassigned_messages(identity: IdentityDep, uow: UnitOfWorkDep, include_assigned: bool = False) -> list:
    query = select(unassigned).where(unassigned.c.company_id == identity.company_id)
    if not include_assigned:
        query = query.where(unassigned.c.assigned_to.is_(None))
    rows = await uow.session.execute(query.order_by(unassigned.c.received_at.desc()))
    return [dict(row._mapping) for row in rows]


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: UUID


@router.post("/unassigned/{unassigned_id}/assign", **allow(*MANAGERS))
async def assign(unassigned_id: UUID, body: Assignment, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    """R-TEXT-9: give it to a client or staff member; it joins their conversation feed."""
    message = await repository.get_unassigned(uow.session, identity.company_id, unassigned_id)
    if message.assigned_to is not None:
        raise Conflict("This message was already assigned.", code="already_assigned")
    person = await repository.get_person(uow.session, identity.company_id, body.person_id)
    await uow.session.execute(unassigned.update().where(unassigned.c.id == unassigned_id).values(
        assigned_to=person.person_id, assigned_kind=person.kind, assigned_at=datetime.now(UTC)))
    await uow.session.execute(texts.update().where(texts.c.id == message.text_id).values(
        person_id=person.person_id, person_kind=person.kind))
    await uow.publish(UnassignedTextAssigned(
        unassigned_id=unassigned_id, person_id=person.person_id, person_kind=person.kind,
        from_number=message.from_number, body=message.body, media_urls=message.media_urls,
        received_at=message.received_at), company_id=identity.company_id, actor=identity.actor())
    await uow.commit()
    return {"assigned_to": person.person_id, "kind": person.kind}


@router.get("/validity", **allow(*STAFF_ROLES))
async def validity(identity: IdentityDep, uow: UnitOfWorkDep,
                   kind: Literal["client", "staff"] | None = None) -> list:
    """R-TEXT-11: whether each person's mobile number conforms to telecom numbering and is in the USA
    or Canada. Valid is not a promise that it can receive texts."""
    company = await repository.company(uow.session, identity.company_id)
    result = []
    for person in await repository.list_people(uow.session, identity.company_id, kind):
        number = mobile_number(person.phones, person.custom_fields, company.mobile_field)
        facts = check_number(number) if number else None
        result.append({"person_id": person.person_id, "kind": person.kind, "name": person.name, "number": number,
                       "valid": bool(facts and facts.valid), "textable": bool(facts and facts.textable),
                       "reason": facts.reason if facts else "no mobile number on file"})
    return result
