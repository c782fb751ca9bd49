"""facility's unit of work over SQL: the kit's transaction (outbox events, one commit) with the
repositories bound to its session. Entrypoints build one per request, consumed batch or job run."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from facility.adapters.catalogue import SqlServices
from facility.adapters.events import SqlEvents, SqlPets
from facility.adapters.people import SqlPeople
from facility.adapters.spaces import SqlSettings, SqlSpaces


class SqlUnitOfWork:
    """Wraps an entered kit UnitOfWork (its transaction is the caller's to open and close)."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        self.kit = uow
        session = uow.session
        self._spaces, self._settings = SqlSpaces(session), SqlSettings(session)
        self._services, self._events = SqlServices(session), SqlEvents(session)
        self._pets, self._people = SqlPets(session), SqlPeople(session)

    @property
    def spaces(self) -> SqlSpaces:
        return self._spaces

    @property
    def settings(self) -> SqlSettings:
        return self._settings

    @property
    def services(self) -> SqlServices:
        return self._services

    @property
    def events(self) -> SqlEvents:
        return self._events

    @property
    def pets(self) -> SqlPets:
        return self._pets

    @property
    def people(self) -> SqlPeople:
        return self._people

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        return await self.kit.publish(payload, company_id=company_id, actor=actor, causation_id=causation_id)

    async def commit(self) -> None:
        await self.kit.commit()
