"""The clients directory as another service sees it: a read model of `clients.events`, ready to mount.

Every service that reads `clients.events` needs the same thing: who the people of a company are
(clients and staff: name, emails, phones, custom fields, role, active) and the company's own
settings (name, time zone...). This module is that read model, once:

- tables `directory_companies` and `directory_people` (create them with
  `petcare_kit.migrations.kit_tables.create_client_directory_tables()` in a migration);
- `Directory(session)`, the repository: reads return `DirectoryPerson` / `DirectoryCompany`, writes
  never commit;
- `mount(router, then=...)`, which registers the handlers of the ten company and people events on an
  `EventRouter` and returns their payload models (add them to the router's `handles`). `then` is the
  service's hook, called in the same transaction after each change with a `DirectoryChange`: the
  place for what the service derives (notifications' starting preferences, texting's number index)
  and for `router.replay_waiting(uow, change.entity_id)`.

Ordering: events of one person are keyed by that person on `clients.events`, so they arrive in
order; a `*.details_updated` carries the whole contact, so it is applied even when the `*.added`
was never seen (an old topic), and keeps the person active unless they were known inactive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import clients
from petcare_contracts.events.common import Contact
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from petcare_kit.unit_of_work import UnitOfWork

DIRECTORY_METADATA = MetaData()

directory_companies = Table(
    "directory_companies", DIRECTORY_METADATA,
    Column("company_id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("slug", Text, nullable=True),
    Column("time_zone", Text, nullable=True, comment="IANA name; null until an event carried it"),
    Column("portal_request_mode", Text, nullable=True),
    Column("cancellations_auto_approve", Boolean, nullable=True),
    Column("notify_client_when_visit_starts", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

directory_people = Table(
    "directory_people", DIRECTORY_METADATA,
    Column("person_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("kind", Text, nullable=False, comment="client or staff"),
    Column("role", Text, nullable=False, comment="client, admin, office_manager or staff"),
    Column("first_name", Text, nullable=False),
    Column("last_name", Text, nullable=False),
    Column("emails", JSONB, nullable=False, server_default="[]"),
    Column("phones", JSONB, nullable=False, server_default="[]", comment="[{label, number, e164}] as published"),
    Column("custom_fields", JSONB, nullable=False, server_default="{}"),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("directory_people_by_company_role", "company_id", "role"),
)

PersonKind = Literal["client", "staff"]


@dataclass(frozen=True)
class DirectoryPerson:
    """A client or staff member as clients.events last described them."""

    person_id: UUID
    company_id: UUID
    kind: PersonKind
    role: str
    """client, admin, office_manager or staff."""
    first_name: str
    last_name: str
    emails: tuple[str, ...] = ()
    phones: tuple[dict[str, Any], ...] = ()
    """As published: `{"label": "mobile", "number": "(416) 555-0199", "e164": "+14165550199"}`."""
    custom_fields: dict[str, str] = field(default_factory=dict)
    active: bool = True

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def email(self) -> str | None:
        """The first email: where emails go."""
        return self.emails[0] if self.emails else None

    @property
    def is_manager(self) -> bool:
        return self.role in ("admin", "office_manager")


@dataclass(frozen=True)
class DirectoryCompany:
    company_id: UUID
    name: str
    slug: str | None = None
    time_zone: str | None = None
    portal_request_mode: str | None = None
    cancellations_auto_approve: bool | None = None
    notify_client_when_visit_starts: bool = False


@dataclass(frozen=True)
class DirectoryChange:
    """What `mount`'s handlers just changed, for the service's hook. `event` is the event type."""

    event: str
    person: DirectoryPerson | None = None
    company: DirectoryCompany | None = None

    @property
    def entity_id(self) -> UUID:
        if self.person is not None:
            return self.person.person_id
        assert self.company is not None
        return self.company.company_id


class Directory:
    """The repository of the read model. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def person(self, company_id: UUID, person_id: UUID) -> DirectoryPerson | None:
        """The person of that company, or None (unknown, or of another company)."""
        row = (await self.session.execute(select(directory_people).where(
            directory_people.c.company_id == company_id, directory_people.c.person_id == person_id))).one_or_none()
        return _person(row) if row else None

    async def people(self, company_id: UUID, *, kind: PersonKind | None = None, roles: tuple[str, ...] | None = None,
                     active: bool | None = None) -> list[DirectoryPerson]:
        """The company's people, oldest first, narrowed by kind, roles and active."""
        query = select(directory_people).where(directory_people.c.company_id == company_id)
        if kind is not None:
            query = query.where(directory_people.c.kind == kind)
        if roles is not None:
            query = query.where(directory_people.c.role.in_(roles))
        if active is not None:
            query = query.where(directory_people.c.active.is_(active))
        query = query.order_by(directory_people.c.added_at, directory_people.c.person_id)
        return [_person(row) for row in await self.session.execute(query)]

    async def company(self, company_id: UUID) -> DirectoryCompany | None:
        row = (await self.session.execute(select(directory_companies).where(
            directory_companies.c.company_id == company_id))).one_or_none()
        if row is None:
            return None
        return DirectoryCompany(row.company_id, row.name, row.slug, row.time_zone, row.portal_request_mode,
                                row.cancellations_auto_approve, row.notify_client_when_visit_starts)

    async def save_person(self, person: DirectoryPerson) -> None:
        values = {"company_id": person.company_id, "kind": person.kind, "role": person.role,
                  "first_name": person.first_name, "last_name": person.last_name, "emails": list(person.emails),
                  "phones": list(person.phones), "custom_fields": dict(person.custom_fields),
                  "active": person.active}
        await self.session.execute(insert(directory_people).values(person_id=person.person_id, **values)
                                   .on_conflict_do_update(index_elements=["person_id"],
                                                          set_={**values, "updated_at": func.now()}))

    async def set_active(self, person_id: UUID, active: bool) -> DirectoryPerson | None:
        """The person after the change, or None when they are not known."""
        row = (await self.session.execute(
            update(directory_people).where(directory_people.c.person_id == person_id)
            .values(active=active, updated_at=func.now()).returning(directory_people))).one_or_none()
        return _person(row) if row else None

    async def save_company(self, company_id: UUID, **values: Any) -> DirectoryCompany:
        """Insert or update the given columns (`name` is required the first time)."""
        await self.session.execute(insert(directory_companies).values(company_id=company_id, **values)
                                   .on_conflict_do_update(index_elements=["company_id"],
                                                          set_={**values, "updated_at": func.now()}))
        company = await self.company(company_id)
        assert company is not None
        return company


def _person(row: Any) -> DirectoryPerson:
    return DirectoryPerson(row.person_id, row.company_id, row.kind, row.role, row.first_name, row.last_name,
                           tuple(row.emails), tuple(row.phones), dict(row.custom_fields), row.active)


Hook = Callable[[UnitOfWork, Envelope, DirectoryChange], Awaitable[None]]


async def _no_hook(uow: UnitOfWork, envelope: Envelope, change: DirectoryChange) -> None:
    return None


DIRECTORY_EVENTS: tuple[type[EventPayload], ...] = (
    clients.CompanyRegistered, clients.CompanySettingsChanged,
    clients.ClientAdded, clients.ClientDetailsUpdated, clients.ClientDeactivated, clients.ClientReactivated,
    clients.StaffAdded, clients.StaffDetailsUpdated, clients.StaffDeactivated, clients.StaffReactivated,
)
"""The clients.events types the directory follows (mount registers a handler for each)."""


def mount(router: Any, *, then: Hook | None = None) -> tuple[type[EventPayload], ...]:
    """Register the directory's handlers on `router` (a `petcare_kit.consumer.EventRouter`); returns
    `DIRECTORY_EVENTS` for its `handles`. `then(uow, envelope, change)` runs after each change."""
    hook = then or _no_hook

    async def company_registered(uow: UnitOfWork, envelope: Envelope, event: clients.CompanyRegistered) -> None:
        company = await Directory(uow.session).save_company(event.company_id, name=event.name, slug=event.slug,
                                                            time_zone=event.time_zone)
        await hook(uow, envelope, DirectoryChange(envelope.type, company=company))

    async def company_settings_changed(uow: UnitOfWork, envelope: Envelope,
                                       event: clients.CompanySettingsChanged) -> None:
        company = await Directory(uow.session).save_company(
            event.company_id, name=event.name, time_zone=event.time_zone,
            portal_request_mode=event.portal_request_mode, cancellations_auto_approve=event.cancellations_auto_approve,
            notify_client_when_visit_starts=event.notify_client_when_visit_starts)
        await hook(uow, envelope, DirectoryChange(envelope.type, company=company))

    async def save(uow: UnitOfWork, envelope: Envelope, person_id: UUID, kind: PersonKind, role: str,
                   contact: Contact, *, keep_active: bool) -> None:
        assert envelope.company_id is not None, "clients.events about people always name their company"
        directory = Directory(uow.session)
        known = await directory.person(envelope.company_id, person_id) if keep_active else None
        person = DirectoryPerson(
            person_id, envelope.company_id, kind, role, contact.first_name, contact.last_name, tuple(contact.emails),
            tuple(p.model_dump() for p in contact.phones), dict(contact.custom_fields),
            active=known.active if known else True)
        await directory.save_person(person)
        await hook(uow, envelope, DirectoryChange(envelope.type, person=person))

    async def activity(uow: UnitOfWork, envelope: Envelope, person_id: UUID, active: bool) -> None:
        person = await Directory(uow.session).set_active(person_id, active)
        if person is not None:
            await hook(uow, envelope, DirectoryChange(envelope.type, person=person))

    async def client_added(uow: UnitOfWork, envelope: Envelope, event: clients.ClientAdded) -> None:
        await save(uow, envelope, event.client_id, "client", "client", event.contact, keep_active=False)

    async def client_details_updated(uow: UnitOfWork, envelope: Envelope,
                                     event: clients.ClientDetailsUpdated) -> None:
        await save(uow, envelope, event.client_id, "client", "client", event.contact, keep_active=True)

    async def staff_added(uow: UnitOfWork, envelope: Envelope, event: clients.StaffAdded) -> None:
        await save(uow, envelope, event.staff_id, "staff", event.role, event.contact, keep_active=False)

    async def staff_details_updated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffDetailsUpdated) -> None:
        await save(uow, envelope, event.staff_id, "staff", event.role, event.contact, keep_active=True)

    async def client_deactivated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientDeactivated) -> None:
        await activity(uow, envelope, event.client_id, False)

    async def client_reactivated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientReactivated) -> None:
        await activity(uow, envelope, event.client_id, True)

    async def staff_deactivated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffDeactivated) -> None:
        await activity(uow, envelope, event.staff_id, False)

    async def staff_reactivated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffReactivated) -> None:
        await activity(uow, envelope, event.staff_id, True)

    handlers: dict[type[EventPayload], Any] = {
        clients.CompanyRegistered: company_registered, clients.CompanySettingsChanged: company_settings_changed,
        clients.ClientAdded: client_added, clients.ClientDetailsUpdated: client_details_updated,
        clients.ClientDeactivated: client_deactivated, clients.ClientReactivated: client_reactivated,
        clients.StaffAdded: staff_added, clients.StaffDetailsUpdated: staff_details_updated,
        clients.StaffDeactivated: staff_deactivated, clients.StaffReactivated: staff_reactivated,
    }
    assert set(handlers) == set(DIRECTORY_EVENTS)
    for model in DIRECTORY_EVENTS:
        router.add(model, handlers[model])
    return DIRECTORY_EVENTS
