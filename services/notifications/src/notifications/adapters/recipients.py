"""The people notifications reaches, from the kit's clients directory read model, with what
deciding needs: the mobile number's facts, picked with the company's client phone number field
(R-TEXT-4, as texting published it), and whether it opted out (R-DELIV-5, R-TEXT-12)."""

from __future__ import annotations

from uuid import UUID

from petcare_kit.client_directory import Directory, DirectoryPerson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import companies, opt_outs
from notifications.domain.recipients import NumberFacts, Recipient, pick_mobile

MANAGER_ROLES = ("admin", "office_manager")


class SqlRecipients:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.directory = Directory(session)

    async def find(self, company_id: UUID, person_id: UUID) -> Recipient | None:
        person = await self.directory.person(company_id, person_id)
        if person is None:
            return None
        mobile_field = await self.session.scalar(select(companies.c.mobile_field).where(
            companies.c.company_id == company_id))
        mobile = NumberFacts.of(pick_mobile(list(person.phones), person.custom_fields, mobile_field))
        # Only whether this person's own number opted out: one indexed lookup, not the company's list.
        opted_out = mobile is not None and mobile.e164 is not None and bool(await self.session.scalar(
            select(opt_outs.c.number).where(opt_outs.c.company_id == company_id, opt_outs.c.number == mobile.e164)))
        return _recipient(person, mobile, frozenset({mobile.e164}) if opted_out and mobile else frozenset())

    async def managers(self, company_id: UUID) -> list[UUID]:
        return [p.person_id for p in await self.directory.people(company_id, roles=MANAGER_ROLES, active=True)]

    async def reply_to_address(self, company_id: UUID) -> str | None:
        admins = await self.directory.people(company_id, roles=("admin",), active=True)
        return next((a.email for a in admins if a.email), None)


def _recipient(person: DirectoryPerson, mobile: NumberFacts | None, opted_out: frozenset) -> Recipient:
    return Recipient(person.person_id, person.kind, person.role, person.name, person.email, mobile, person.active,
                     opted_out)
