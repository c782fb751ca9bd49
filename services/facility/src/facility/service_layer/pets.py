"""The pets read model (R-FAC-2 needs the client's own pets): kept from clients.events. Called by
the consumer, so it does not commit (the batch does)."""

from __future__ import annotations

from uuid import UUID

from facility.domain.pets import Pet
from facility.service_layer.context import Context


async def record_pet(ctx: Context, *, company_id: UUID, pet_id: UUID, client_id: UUID, name: str,
                     species: str) -> Pet:
    """Insert or replace the pet as the event describes it (a replay changes nothing)."""
    pet = Pet(pet_id, company_id, client_id, name, species)
    await ctx.uow.pets.save(pet)
    return pet
