"""scheduling's unit of work over SQL: the kit's transaction (outbox events, one commit) with the
repositories bound to its session. Entrypoints build one per request, consumed batch or job run."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from scheduling.adapters.catalogue import SqlScheduleBlocks, SqlServices
from scheduling.adapters.people import SqlPeople
from scheduling.adapters.visits import SqlPets, SqlVisits


class SqlUnitOfWork:
    """Wraps an entered kit UnitOfWork (its transaction is the caller's to open and close)."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        self.kit = uow
        self._services = SqlServices(uow.session)
        self._blocks = SqlScheduleBlocks(uow.session)
        self._pets = SqlPets(uow.session)
        self._visits = SqlVisits(uow.session)
        self._people = SqlPeople(uow.session)

    @property
    def services(self) -> SqlServices:
        return self._services

    @property
    def blocks(self) -> SqlScheduleBlocks:
        return self._blocks

    @property
    def pets(self) -> SqlPets:
        return self._pets

    @property
    def visits(self) -> SqlVisits:
        return self._visits

    @property
    def people(self) -> SqlPeople:
        return self._people

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        return await self.kit.publish(payload, company_id=company_id, actor=actor, causation_id=causation_id)

    async def commit(self) -> None:
        await self.kit.commit()
