"""What facility does with the events it reads. Registered explicitly by `register(router)` from
the composition root (bootstrap.py), which declares every handled type in `HANDLES`: a declared
type without a handler (or a handler of an undeclared type) stops the service at start-up.

The consumer (petcare_kit.consumer) does the rest: one transaction per batch with the inbox (a
redelivered or replayed message changes nothing twice), dead letters to `facility.dlq` for what
cannot be handled, and the waiting room for events naming someone not known yet. Handlers never
commit: the batch does.
"""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import clients
from petcare_kit import client_directory
from petcare_kit.client_directory import DirectoryChange
from petcare_kit.consumer import EventRouter
from petcare_kit.unit_of_work import UnitOfWork

from facility.adapters.unit_of_work import SqlUnitOfWork
from facility.service_layer.context import Context
from facility.service_layer.events import cancel_future_events_of
from facility.service_layer.pets import record_pet

PET_EVENTS: tuple[type[EventPayload], ...] = (clients.PetAdded, clients.PetDetailsUpdated)
"""The pets read model (the kit's directory keeps people and companies, not pets)."""


async def on_pet(uow: UnitOfWork, envelope: Envelope, event: clients.PetAdded | clients.PetDetailsUpdated) -> None:
    assert envelope.company_id is not None, "clients.events about pets always name their company"
    await record_pet(Context(SqlUnitOfWork(uow)), company_id=envelope.company_id, pet_id=event.pet_id,
                     client_id=event.client_id, name=event.name, species=event.species)


async def on_client_deactivated(uow: UnitOfWork, envelope: Envelope, change: DirectoryChange) -> None:
    """R-INACT-3: "delete future scheduled services" on: the client's future facility events are cancelled."""
    assert envelope.company_id is not None and change.person is not None
    await cancel_future_events_of(Context(SqlUnitOfWork(uow)), envelope.company_id, change.person.person_id)


def register(router: EventRouter) -> list[type[EventPayload]]:
    """The clients directory read model (people and companies of clients.events, kept by the kit in
    `directory_people` / `directory_companies`: the company's time zone, clients and staff, active
    or not) and facility's pets. Returns the registered types."""

    async def on_directory_change(uow: UnitOfWork, envelope: Envelope, change: DirectoryChange) -> None:
        if change.event == clients.ClientDeactivated.event_type and envelope.data.get("delete_future_visits"):
            await on_client_deactivated(uow, envelope, change)
        # Events that were waiting for this person or company are handled now.
        await router.replay_waiting(uow, change.entity_id)

    registered = list(client_directory.mount(router, then=on_directory_change))
    for model in PET_EVENTS:
        router.add(model, on_pet)
        registered.append(model)
    return registered
