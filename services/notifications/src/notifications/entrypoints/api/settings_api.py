"""Delivery preferences (per person and bulk), the company's switches, and the decision log."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, Request
from petcare_kit.identity import MANAGERS, PEOPLE, STAFF_ROLES, Role, allow

from notifications.domain.switches import Switch
from notifications.entrypoints.api.deps import ContextDep
from notifications.entrypoints.api.schemas import (
    BulkResult,
    DeliveryView,
    MailboxView,
    PreferencesView,
    SwitchesView,
)
from notifications.service_layer import delivery_settings
from notifications.service_layer.commands import ChangeEveryonesPreferences, ChangePreferences, ChangeSwitches

router = APIRouter(tags=["delivery settings"])


@router.get("/preferences/{person_id}", response_model=PreferencesView, **allow(*PEOPLE))
async def get_preferences(person_id: UUID, ctx: ContextDep) -> PreferencesView:
    return PreferencesView.of(await delivery_settings.get_preferences(ctx, person_id))


@router.put("/preferences/{person_id}", response_model=PreferencesView, **allow(*MANAGERS, Role.CLIENT))
async def set_preferences(person_id: UUID, body: ChangePreferences, ctx: ContextDep) -> PreferencesView:
    """R-DELIV-4: a client switches only "texting enabled", on their own profile; the default delivery
    is the business's choice. A person just added and not known here yet is accepted (`pending`)."""
    return PreferencesView.of(await delivery_settings.set_preferences(ctx, person_id, body))


@router.post("/preferences/bulk", response_model=BulkResult, **allow(*MANAGERS))
async def bulk_preferences(body: ChangeEveryonesPreferences, ctx: ContextDep) -> BulkResult:
    """R-DELIV-6: everyone of the audience now, and the default for people added later."""
    return BulkResult(updated=await delivery_settings.set_everyones_preferences(ctx, body))


@router.get("/switches", response_model=SwitchesView, **allow(*STAFF_ROLES))
async def get_switches(ctx: ContextDep) -> SwitchesView:
    return SwitchesView.of(await delivery_settings.switches(ctx))


@router.put("/switches", response_model=SwitchesView, **allow(*MANAGERS))
async def set_switches(body: dict[Switch, bool], ctx: ContextDep) -> SwitchesView:
    """R-DELIV-8: turn each company notification on or off."""
    return SwitchesView.of(await delivery_settings.change_switches(ctx, ChangeSwitches(changes=body)))


@router.get("/deliveries", response_model=list[DeliveryView], **allow(*MANAGERS))
async def decision_log(ctx: ContextDep, person_id: UUID, limit: int = Query(50, ge=1, le=200)) -> list[DeliveryView]:
    """R-DELIV-7: "why did this client get / not get a text?" Every decision with its reasons and
    what became of each channel."""
    return [DeliveryView.of(d) for d in await delivery_settings.decision_log(ctx, person_id, limit)]


@router.get("/deliveries/{delivery_id}", response_model=DeliveryView, **allow(*MANAGERS))
async def delivery(delivery_id: UUID, ctx: ContextDep) -> DeliveryView:
    return DeliveryView.of(await delivery_settings.delivery(ctx, delivery_id))


@router.get("/dev/mailbox", response_model=MailboxView, **allow(*STAFF_ROLES))
async def mailbox(request: Request) -> MailboxView:
    """Where the dev run's emails can be read (the SendGrid sandbox); null with the real SendGrid."""
    host = request.app.state.runtime.settings.sendgrid_host
    return MailboxView(mailbox_url=f"{host.rstrip('/')}/sandbox/" if host else None)
