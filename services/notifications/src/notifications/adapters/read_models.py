"""What notifications keeps of other services' data: recipients (clients.events), company settings
(clients.events, texting.events) and opt-outs (texting.events). Repositories never commit."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import companies, opt_outs, recipients
from notifications.domain.preferences import DefaultDelivery, Preferences
from notifications.domain.recipients import NumberFacts, Recipient
from notifications.domain.switches import CompanySwitches, Switch, TextingAvailability


class UnknownRecipient(LookupError):
    """An event names a person notifications has not heard of (yet: clients.events may be behind the
    other topics). The event waits for them (`service_layer.waiting`), and is dead-lettered if they
    never appear."""

    def __init__(self, person_id: UUID, company_id: UUID | None) -> None:
        super().__init__(f"no recipient {person_id} in company {company_id}")
        self.person_id = person_id


class UnknownCompany(UnknownRecipient):
    """The company's own event (its name, for the emails) has not been consumed yet: wait for it too."""

    def __init__(self, company_id: UUID) -> None:
        LookupError.__init__(self, f"company {company_id} not known yet")
        self.person_id = company_id


@dataclass(frozen=True)
class CompanyState:
    name: str
    switches: CompanySwitches
    texting: TextingAvailability
    client_defaults: Preferences
    staff_defaults: Preferences


async def upsert_recipient(session: AsyncSession, *, person_id: UUID, company_id: UUID, kind: str, role: str,
                           name: str, email: str | None, mobile: str | None, active: bool = True) -> None:
    values = {"company_id": company_id, "kind": kind, "role": role, "name": name, "email": email, "mobile": mobile,
              "active": active}
    statement = insert(recipients).values(person_id=person_id, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=["person_id"], set_=values))


async def set_recipient_active(session: AsyncSession, person_id: UUID, active: bool) -> None:
    await session.execute(update(recipients).where(recipients.c.person_id == person_id).values(active=active))


async def get_recipient(session: AsyncSession, company_id: UUID, person_id: UUID) -> Recipient:
    row = (await session.execute(select(recipients).where(
        recipients.c.company_id == company_id, recipients.c.person_id == person_id))).one_or_none()
    if row is None:
        raise UnknownRecipient(person_id, company_id)
    mobile = NumberFacts.of(row.mobile)
    # Only whether this person's own number opted out: one indexed lookup, not the company's list.
    opted_out = mobile is not None and mobile.e164 is not None and bool(await session.scalar(
        select(opt_outs.c.number).where(opt_outs.c.company_id == company_id, opt_outs.c.number == mobile.e164)))
    return Recipient(row.person_id, row.kind, row.role, row.name, row.email, mobile, row.active,
                     frozenset({mobile.e164}) if opted_out else frozenset())


async def managers(session: AsyncSession, company_id: UUID) -> list[UUID]:
    """Every active admin and office manager: who R-DELIV-8's "all admins" texts go to."""
    return list(await session.scalars(select(recipients.c.person_id).where(
        recipients.c.company_id == company_id, recipients.c.role.in_(("admin", "office_manager")),
        recipients.c.active.is_(True))))


async def reply_to_address(session: AsyncSession, company_id: UUID) -> str | None:
    """Where a client's reply to an email goes: the business (its first active admin), not us."""
    return await session.scalar(select(recipients.c.email).where(
        recipients.c.company_id == company_id, recipients.c.role == "admin", recipients.c.active.is_(True),
        recipients.c.email.is_not(None)).order_by(recipients.c.updated_at).limit(1))


async def ensure_company(session: AsyncSession, company_id: UUID) -> None:
    await session.execute(insert(companies).values(company_id=company_id).on_conflict_do_nothing())


async def update_company(session: AsyncSession, company_id: UUID, **values: object) -> None:
    await ensure_company(session, company_id)
    await session.execute(update(companies).where(companies.c.company_id == company_id).values(**values))


async def company_state(session: AsyncSession, company_id: UUID) -> CompanyState:
    query = select(companies).where(companies.c.company_id == company_id)
    row = (await session.execute(query)).one_or_none()
    if row is None:  # a read writes only the first time a company is seen
        await ensure_company(session, company_id)
        row = (await session.execute(query)).one()
    return CompanyState(
        name=row.name,
        switches=CompanySwitches(on=frozenset(Switch) - {Switch(s) for s in row.switches_off},
                                 notify_client_when_visit_starts=row.notify_client_when_visit_starts),
        texting=TextingAvailability(row.texting_available, tuple(row.texting_reasons)),
        client_defaults=Preferences(DefaultDelivery(row.client_default_delivery), row.client_texting_enabled),
        staff_defaults=Preferences(DefaultDelivery(row.staff_default_delivery), row.staff_texting_enabled),
    )


async def set_opted_out(session: AsyncSession, company_id: UUID, number: str, opted_out: bool) -> None:
    if opted_out:
        await session.execute(insert(opt_outs).values(company_id=company_id, number=number).on_conflict_do_nothing())
    else:
        await session.execute(delete(opt_outs).where(opt_outs.c.company_id == company_id, opt_outs.c.number == number))
