"""Client profiles and their pets."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query
from petcare_kit.errors import Forbidden
from petcare_kit.http import Error
from petcare_kit.identity import MANAGERS, PEOPLE, STAFF_ROLES, Role, allow
from petcare_kit.validation import Limit, Offset

from clients.adapters import directory
from clients.domain.clients import refuse_deletion
from clients.entrypoints.api.deps import ContextDep
from clients.entrypoints.api.schemas import Accepted, ClientView, PetView
from clients.service_layer import clients, pets, portal
from clients.service_layer.commands import AddClient, AddPet, DeactivateClient, UpdateClient, UpdatePet

router = APIRouter(tags=["clients"])
CLIENT_OR_MANAGERS = (*MANAGERS, Role.CLIENT)


@router.get("/clients", response_model=list[ClientView], **allow(*STAFF_ROLES))
async def list_clients(ctx: ContextDep, active: bool | None = None, search: str | None = Query(None, max_length=100),
                       limit: Limit = 50, offset: Offset = 0) -> list[ClientView]:
    found = await directory.list_clients(ctx.session, ctx.company_id, active=active, search=search, limit=limit,
                                         offset=offset)
    return [ClientView.of(c, for_staff=True) for c in found]


@router.post("/clients", status_code=201, response_model=ClientView, **allow(*MANAGERS))
async def add_client(body: AddClient, ctx: ContextDep) -> ClientView:
    """Add a client; tick `send_activation_email` to invite them to the portal (R-EMAIL-7)."""
    return ClientView.of(await clients.add_client(ctx, body), for_staff=True)


@router.get("/clients/{client_id}", response_model=ClientView, **allow(*PEOPLE))
async def get_client(client_id: UUID, ctx: ContextDep) -> ClientView:
    clients.check_can_see(ctx.identity, client_id)
    client = await directory.get_client(ctx.session, ctx.company_id, client_id)
    return ClientView.of(client, for_staff=ctx.identity.is_staff)


@router.patch("/clients/{client_id}", response_model=ClientView, **allow(*CLIENT_OR_MANAGERS))
async def update_client(client_id: UUID, body: UpdateClient, ctx: ContextDep) -> ClientView:
    """Update details. Notifies nobody (R-NEVER-3). Clients may edit their own contact details, not notes."""
    if ctx.identity.role == Role.CLIENT and "notes" in body.model_fields_set:
        raise Forbidden("Notes are the business's own; a client cannot edit them.", code="field_not_allowed")
    return ClientView.of(await clients.update_client(ctx, client_id, body), for_staff=ctx.identity.is_staff)


# Never succeeds: the 405 is the documented answer (there is no success body to declare).
@router.delete("/clients/{client_id}", status_code=405, response_model=None, **allow(*MANAGERS),
               responses={405: {"model": Error, "description": "Always (`client_delete_not_supported`): deactivate "
                                                               "the client instead."}})
async def delete_client(client_id: UUID, ctx: ContextDep) -> None:
    """Never allowed (R-INACT-4): mark the client inactive instead."""
    await directory.get_client(ctx.session, ctx.company_id, client_id)
    refuse_deletion()


@router.post("/clients/{client_id}/deactivate", response_model=ClientView, **allow(*MANAGERS))
async def deactivate_client(client_id: UUID, ctx: ContextDep, body: DeactivateClient | None = None) -> ClientView:
    """Mark one client inactive (R-INACT-1..3). No notification goes to the client (R-NEVER-4)."""
    return ClientView.of(await clients.deactivate_client(ctx, client_id, body or DeactivateClient()), for_staff=True)


@router.post("/clients/{client_id}/reactivate", response_model=ClientView, **allow(*MANAGERS))
async def reactivate_client(client_id: UUID, ctx: ContextDep) -> ClientView:
    return ClientView.of(await clients.reactivate_client(ctx, client_id), for_staff=True)


@router.post("/clients/{client_id}/activation-email", status_code=202, response_model=Accepted, **allow(*MANAGERS))
async def send_activation_email(client_id: UUID, ctx: ContextDep) -> Accepted:
    """Send (again) the portal activation email (R-EMAIL-7)."""
    await portal.resend_activation_email(ctx, client_id)
    return Accepted(message="The activation email is on its way.")


@router.post("/clients/{client_id}/portal-instructions", status_code=202, response_model=Accepted,
             **allow(*MANAGERS))
async def send_portal_instructions(client_id: UUID, ctx: ContextDep) -> Accepted:
    """Quick Actions → "Send Portal Instructions" (R-EMAIL-8)."""
    await portal.send_portal_instructions(ctx, client_id)
    return Accepted(message="The portal instructions are on their way.")


@router.get("/clients/{client_id}/pets", response_model=list[PetView], **allow(*PEOPLE))
async def list_pets(client_id: UUID, ctx: ContextDep) -> list[PetView]:
    return [PetView.of(p) for p in await pets.list_pets(ctx, client_id)]


@router.post("/clients/{client_id}/pets", status_code=201, response_model=PetView, **allow(*CLIENT_OR_MANAGERS))
async def add_pet(client_id: UUID, body: AddPet, ctx: ContextDep) -> PetView:
    return PetView.of(await pets.add_pet(ctx, client_id, body))


@router.get("/clients/{client_id}/pets/{pet_id}", response_model=PetView, **allow(*PEOPLE))
async def get_pet(client_id: UUID, pet_id: UUID, ctx: ContextDep) -> PetView:
    return PetView.of(await pets.get_pet(ctx, client_id, pet_id))


@router.patch("/clients/{client_id}/pets/{pet_id}", response_model=PetView, **allow(*CLIENT_OR_MANAGERS))
async def update_pet(client_id: UUID, pet_id: UUID, body: UpdatePet, ctx: ContextDep) -> PetView:
    """Notifies nobody (R-NEVER-3)."""
    return PetView.of(await pets.update_pet(ctx, client_id, pet_id, body))
