"""When clients.events introduces or changes a person or a company (petcare_kit.client_directory
keeps them): what notifications derives, in the consumer's transaction."""

from __future__ import annotations

from uuid import UUID

from notifications.service_layer.ports import UnitOfWork


async def person_known(uow: UnitOfWork, company_id: UUID, person_id: UUID, kind: str) -> None:
    """A person was added or changed: a new person starts with the company's defaults for their kind
    (R-DELIV-6), then a change set before they were known is applied over them (issue 9 item 12),
    then the events that waited for them are handled."""
    await uow.preferences.lock(company_id, person_id)  # a PUT holding a change now commits first
    state = await uow.companies.state(company_id)
    await uow.preferences.start(company_id, person_id, state.defaults_for(kind))
    held = await uow.preferences.release(company_id, person_id)
    if held is not None:
        current = await uow.preferences.get(company_id, person_id) or state.defaults_for(kind)
        await uow.preferences.save(company_id, person_id, held.applied_to(current))
    await uow.replay_waiting(person_id)


async def company_known(uow: UnitOfWork, company_id: UUID) -> None:
    """The company was registered or changed its settings: the events that waited for it (its name)
    are handled."""
    await uow.replay_waiting(company_id)
