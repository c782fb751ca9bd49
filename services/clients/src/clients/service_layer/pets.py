"""A client's pets. Events are keyed by the owner so a client's story stays in one order."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from petcare_contracts.events.clients import PetAdded, PetDetailsUpdated

from clients.adapters import directory
from clients.adapters.directory import Pet
from clients.service_layer.clients import check_can_see
from clients.service_layer.commands import AddPet, UpdatePet
from clients.service_layer.context import Context


async def list_pets(ctx: Context, client_id: UUID) -> list[Pet]:
    check_can_see(ctx.identity, client_id)
    await directory.get_client(ctx.session, ctx.company_id, client_id)  # 404 for another company's client
    return await directory.list_pets(ctx.session, ctx.company_id, client_id)


async def get_pet(ctx: Context, client_id: UUID, pet_id: UUID) -> Pet:
    check_can_see(ctx.identity, client_id)
    return await directory.get_pet(ctx.session, ctx.company_id, client_id, pet_id)


async def add_pet(ctx: Context, client_id: UUID, command: AddPet) -> Pet:
    check_can_see(ctx.identity, client_id)
    await directory.get_client(ctx.session, ctx.company_id, client_id)
    pet = Pet(uuid4(), ctx.company_id, client_id, command.name, command.species, command.breed, command.birthday,
              command.notes)
    await directory.add_pet(ctx.session, pet)
    await ctx.publish(PetAdded(pet_id=pet.id, client_id=client_id, name=pet.name, species=pet.species,
                               breed=pet.breed, birthday=pet.birthday))
    await ctx.commit()
    return pet


async def update_pet(ctx: Context, client_id: UUID, pet_id: UUID, command: UpdatePet) -> Pet:
    """R-NEVER-3: a pet's details changing notifies nobody."""
    before = await get_pet(ctx, client_id, pet_id)
    after = replace(before, **command.model_dump(exclude_unset=True))
    changed = [n for n in ("name", "species", "breed", "birthday", "notes") if getattr(before, n) != getattr(after, n)]
    if not changed:
        return before
    await directory.save_pet(ctx.session, after)
    await ctx.publish(PetDetailsUpdated(pet_id=pet_id, client_id=client_id, name=after.name, species=after.species,
                                        breed=after.breed, birthday=after.birthday, changed_fields=changed))
    await ctx.commit()
    return after
