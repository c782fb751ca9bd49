"""Use cases on client profiles. Each opens no transaction of its own: it works in the caller's unit
of work and commits it once, with the events the change causes (outbox)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from petcare_contracts.events.clients import (
    ClientAdded,
    ClientDeactivated,
    ClientDetailsUpdated,
    ClientReactivated,
)
from petcare_kit.identity import Identity, Role

from clients.adapters import accounts, directory
from clients.domain.clients import Client, changed_fields
from clients.domain.contact import normalise_emails, normalise_phone
from clients.domain.errors import ClientNotFound, EmailAlreadyUsed
from clients.service_layer import portal
from clients.service_layer.commands import AddClient, DeactivateClient, UpdateClient
from clients.service_layer.context import Context


def check_can_see(identity: Identity, client_id: UUID) -> None:
    """Staff see every client of their company; a client sees only themself (as if others did not exist)."""
    if identity.role == Role.CLIENT and identity.person_id != client_id:
        raise ClientNotFound("No such client in your company.")


async def add_client(ctx: Context, command: AddClient) -> Client:
    client = Client(
        id=uuid4(), company_id=ctx.company_id, first_name=command.first_name, last_name=command.last_name,
        emails=normalise_emails(command.emails), phones=[normalise_phone(p.label, p.number) for p in command.phones],
        address=command.address, custom_fields=dict(command.custom_fields), notes=command.notes,
    )
    if client.portal_email and await accounts.login_email_taken(ctx.session, ctx.company_id, client.portal_email):
        raise EmailAlreadyUsed("Another person of your company already signs in with this email.",
                               details={"email": client.portal_email})
    await directory.add_client(ctx.session, client)
    if client.portal_email:
        await accounts.upsert_account(ctx.session, person_id=client.id, company_id=ctx.company_id,
                                      person_kind="client", login_email=client.portal_email)
    await ctx.publish(ClientAdded(client_id=client.id, contact=client.contact, address=client.address))
    if command.send_activation_email:
        await portal.request_activation_email(ctx, client, requested_by="business")
    await ctx.commit()
    return client


async def update_client(ctx: Context, client_id: UUID, command: UpdateClient) -> Client:
    """R-NEVER-3: publishes `details_updated` only; nobody is notified of a detail change."""
    check_can_see(ctx.identity, client_id)
    before = await directory.get_client(ctx.session, ctx.company_id, client_id, for_update=True)
    changes = command.model_dump(exclude_unset=True)
    if "emails" in changes:
        changes["emails"] = normalise_emails(command.emails or [])
    if "phones" in changes:
        changes["phones"] = [normalise_phone(p.label, p.number) for p in command.phones or []]
    if "address" in changes:
        changes["address"] = command.address
    after = replace(before, **changes)
    changed = changed_fields(before, after)
    if not changed:
        return before
    if after.portal_email != before.portal_email and after.portal_email:
        if await accounts.login_email_taken(ctx.session, ctx.company_id, after.portal_email, except_person=client_id):
            raise EmailAlreadyUsed("Another person of your company already signs in with this email.",
                                   details={"email": after.portal_email})
        await accounts.upsert_account(ctx.session, person_id=client_id, company_id=ctx.company_id,
                                      person_kind="client", login_email=after.portal_email)
    await directory.save_client(ctx.session, after)
    await ctx.publish(ClientDetailsUpdated(client_id=client_id, contact=after.contact, address=after.address,
                                           changed_fields=changed))
    await ctx.commit()
    return after


async def deactivate_client(ctx: Context, client_id: UUID, command: DeactivateClient) -> Client:
    """R-INACT-1..3, R-INACT-5: one client; sign-ins and open sessions end at once; the options go to
    the services that own visits and templates; no notification of any kind (R-NEVER-4)."""
    client = (await directory.get_client(ctx.session, ctx.company_id, client_id, for_update=True)).deactivated()
    await directory.save_client(ctx.session, client)
    await accounts.revoke_sessions(ctx.session, client_id)
    await ctx.publish(ClientDeactivated(client_id=client_id, delete_future_visits=command.delete_future_visits,
                                        delete_templates=command.delete_templates))
    await ctx.commit()
    return client


async def reactivate_client(ctx: Context, client_id: UUID) -> Client:
    """R-INACT-4: inactive is reversible; sign-in works again (old tokens stay revoked)."""
    client = (await directory.get_client(ctx.session, ctx.company_id, client_id, for_update=True)).reactivated()
    await directory.save_client(ctx.session, client)
    await ctx.publish(ClientReactivated(client_id=client_id))
    await ctx.commit()
    return client
