"""Delivery preferences (per person and bulk), the company's switches, and the decision log.

Preferences can be set for a person notifications has not consumed yet (a frontend creates a client
and sets its delivery at once, issue 9 item 12): the change is held, keyed by company and person,
and applied over the person's starting preferences when clients.events introduces them
(`people.person_known`). See docs/architecture.md, "Preferences set before the person is known"."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from petcare_kit.identity import Role

from notifications.domain.company import CompanyState
from notifications.domain.deliveries import DeliveryRecord
from notifications.domain.preferences import Preferences, check_client_may_change
from notifications.domain.switches import switches_off_after
from notifications.service_layer.commands import ChangeEveryonesPreferences, ChangePreferences, ChangeSwitches
from notifications.service_layer.context import Context
from notifications.service_layer.errors import DeliveryNotFound, PersonNotFound
from notifications.service_layer.feed import check_own_feed


@dataclass(frozen=True)
class PersonPreferences:
    person_id: UUID
    preferences: Preferences
    pending: bool = False
    """True: the person is not known yet; these apply when they are (unset settings then follow the
    defaults of their kind: shown here as a client's)."""


async def get_preferences(ctx: Context, person_id: UUID) -> PersonPreferences:
    """Raises ConversationNotFound (a client asking for someone else), PersonNotFound."""
    check_own_feed(ctx.identity, person_id)
    uow = ctx.uow
    if await uow.recipients.find(ctx.company_id, person_id) is not None:
        return PersonPreferences(person_id, await uow.preferences.get(ctx.company_id, person_id) or Preferences())
    held = await uow.preferences.held(ctx.company_id, person_id)
    if held is None:
        raise PersonNotFound("No such person in your company.")
    state = await uow.companies.state(ctx.company_id)
    return PersonPreferences(person_id, held.applied_to(state.client_defaults), pending=True)


async def set_preferences(ctx: Context, person_id: UUID, command: ChangePreferences) -> PersonPreferences:
    """R-DELIV-1, R-DELIV-4: the business sets both settings; a client switches only "texting
    enabled", on their own profile (Forbidden otherwise). For a person not known yet the change is
    held and applied when they are."""
    check_own_feed(ctx.identity, person_id)
    change = command.change
    if ctx.identity.role == Role.CLIENT:
        check_client_may_change(change)
    uow = ctx.uow
    # Taken before "is the person known?": the consumer introducing them takes it too, so either it
    # committed (found: saved directly) or it releases this held change after we commit.
    await uow.preferences.lock(ctx.company_id, person_id)
    if await uow.recipients.find(ctx.company_id, person_id) is None:
        held = await uow.preferences.held(ctx.company_id, person_id)
        change = held.then(change) if held else change
        await uow.preferences.hold(ctx.company_id, person_id, change)
        state = await uow.companies.state(ctx.company_id)
        await ctx.commit()
        return PersonPreferences(person_id, change.applied_to(state.client_defaults), pending=True)
    current = await uow.preferences.get(ctx.company_id, person_id) or Preferences()
    new = change.applied_to(current)
    await uow.preferences.save(ctx.company_id, person_id, new)
    await ctx.commit()
    return PersonPreferences(person_id, new)


async def set_everyones_preferences(ctx: Context, command: ChangeEveryonesPreferences) -> int:
    """R-DELIV-6: everyone of the audience now, and the default for people added later. Returns how
    many people changed."""
    changed = await ctx.uow.preferences.bulk_set(ctx.company_id, command.kind,
                                                 default_delivery=command.default_delivery,
                                                 texting_enabled=command.texting_enabled)
    if not command.change.is_empty:
        await ctx.uow.companies.set_defaults(ctx.company_id, command.kind, command.change)
    await ctx.commit()
    return changed


async def switches(ctx: Context) -> CompanyState:
    """R-DELIV-8 switches, and whether the company can text now (R-DELIV-9)."""
    return await ctx.uow.companies.state(ctx.company_id)


async def change_switches(ctx: Context, command: ChangeSwitches) -> CompanyState:
    """R-DELIV-8: turn each company notification on or off; a switch not named keeps its state."""
    state = await ctx.uow.companies.state(ctx.company_id)
    off = switches_off_after(state.switches, command.changes)
    await ctx.uow.companies.set_switches_off(ctx.company_id, [s.value for s in off])
    await ctx.commit()
    return await ctx.uow.companies.state(ctx.company_id)


async def decision_log(ctx: Context, person_id: UUID, limit: int) -> list[DeliveryRecord]:
    """R-DELIV-7: "why did this client get / not get a text?" Every decision, newest first, with its
    reasons and what became of each channel."""
    return await ctx.uow.deliveries.for_recipient(ctx.company_id, person_id, limit)


async def delivery(ctx: Context, delivery_id: UUID) -> DeliveryRecord:
    """Raises DeliveryNotFound."""
    found = await ctx.uow.deliveries.get(ctx.company_id, delivery_id)
    if found is None:
        raise DeliveryNotFound("No such delivery.")
    return found
