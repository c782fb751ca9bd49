"""Delivery preferences (per person and bulk), the company's switches, and the decision log."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.errors import Forbidden, NotFound
from petcare_kit.identity import MANAGERS, PEOPLE, STAFF_ROLES, IdentityDep, Role, allow
from pydantic import BaseModel, ConfigDict

from notifications.adapters import deliveries_repo, preferences_repo, read_models
from notifications.domain.preferences import DefaultDelivery
from notifications.domain.switches import Switch
from notifications.entrypoints.api.feeds import check_own_feed

router = APIRouter(tags=["delivery settings"])


class PreferencesView(BaseModel):
    person_id: UUID
    default_delivery: DefaultDelivery
    texting_enabled: bool


class PreferencesChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default_delivery: DefaultDelivery | None = None
    texting_enabled: bool | None = None


class BulkPreferences(PreferencesChange):
    audience: Literal["clients", "staff"]


@router.get("/preferences/{person_id}", response_model=PreferencesView, **allow(*PEOPLE))
async def get_preferences(person_id: UUID, identity: IdentityDep, uow: UnitOfWorkDep) -> PreferencesView:
    check_own_feed(identity, person_id)
    await _known(uow, identity.company_id, person_id)
    prefs = await preferences_repo.get_preferences(uow.session, identity.company_id, person_id)
    return PreferencesView(person_id=person_id, **prefs.__dict__)


@router.put("/preferences/{person_id}", response_model=PreferencesView, **allow(*MANAGERS, Role.CLIENT))
async def set_preferences(person_id: UUID, body: PreferencesChange, identity: IdentityDep,
                          uow: UnitOfWorkDep) -> PreferencesView:
    """R-DELIV-4: a client switches only "texting enabled", on their own profile; the default delivery
    is the business's choice."""
    check_own_feed(identity, person_id)
    if identity.role == Role.CLIENT and body.default_delivery is not None:
        raise Forbidden("The business chooses how messages are delivered; you can switch texting on or off.",
                        code="default_delivery_is_the_business_choice")
    await _known(uow, identity.company_id, person_id)
    prefs = await preferences_repo.set_preferences(uow.session, identity.company_id, person_id,
                                                   default_delivery=body.default_delivery,
                                                   texting_enabled=body.texting_enabled)
    await uow.commit()
    return PreferencesView(person_id=person_id, **prefs.__dict__)


@router.post("/preferences/bulk", **allow(*MANAGERS))
async def bulk_preferences(body: BulkPreferences, identity: IdentityDep, uow: UnitOfWorkDep) -> dict[str, int]:
    """R-DELIV-6: everyone of the audience now, and the default for people added later."""
    kind = "client" if body.audience == "clients" else "staff"
    changed = await preferences_repo.bulk_set(uow.session, identity.company_id, kind,
                                              default_delivery=body.default_delivery,
                                              texting_enabled=body.texting_enabled)
    defaults: dict[str, object] = {}
    if body.default_delivery is not None:
        defaults[f"{kind}_default_delivery"] = body.default_delivery.value
    if body.texting_enabled is not None:
        defaults[f"{kind}_texting_enabled"] = body.texting_enabled
    if defaults:
        await read_models.update_company(uow.session, identity.company_id, **defaults)
    await uow.commit()
    return {"updated": changed}


@router.get("/switches", **allow(*STAFF_ROLES))
async def get_switches(identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    state = await read_models.company_state(uow.session, identity.company_id)
    return {"switches": {s.value: s in state.switches.on for s in Switch},
            "notify_client_when_visit_starts": state.switches.notify_client_when_visit_starts,
            "texting_available": state.texting.available, "texting_unavailable_because": list(state.texting.reasons)}


@router.put("/switches", **allow(*MANAGERS))
async def set_switches(body: dict[Switch, bool], identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    """R-DELIV-8: turn each company notification on or off."""
    state = await read_models.company_state(uow.session, identity.company_id)
    on = {s for s in Switch if s in state.switches.on and body.get(s, True)} | {s for s, v in body.items() if v}
    await read_models.update_company(uow.session, identity.company_id,
                                     switches_off=sorted(s.value for s in Switch if s not in on))
    await uow.commit()
    return await get_switches(identity, uow)


@router.get("/deliveries", **allow(*MANAGERS))
async def decision_log(identity: IdentityDep, uow: UnitOfWorkDep, person_id: UUID,
                       limit: int = Query(50, ge=1, le=200)) -> list[dict]:
    """R-DELIV-7: "why did this client get / not get a text?" Every decision with its reasons and
    what became of each channel."""
    return [_view(d) for d in await deliveries_repo.for_recipient(uow.session, identity.company_id, person_id, limit)]


@router.get("/deliveries/{delivery_id}", **allow(*MANAGERS))
async def delivery(delivery_id: UUID, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    found = await deliveries_repo.get(uow.session, identity.company_id, delivery_id)
    if found is None:
        raise NotFound("No such delivery.", code="delivery_not_found")
    return _view(found)


@router.get("/dev/mailbox", **allow(*STAFF_ROLES))
async def mailbox(request: Request) -> dict[str, str | None]:
    """Where the dev run's emails can be read (the SendGrid sandbox); null with the real SendGrid."""
    host = request.app.state.runtime.settings.sendgrid_host
    return {"mailbox_url": f"{host.rstrip('/')}/sandbox/" if host else None}


def _view(row: dict) -> dict:
    email = row.get("email") or {}
    return {"id": row["id"], "trigger": row["trigger"], "recipient_id": row["recipient_id"],
            "created_at": row["created_at"], "decision": row["decision"],
            "email": {"state": row["email_state"], "to": email.get("to"), "subject": email.get("subject"),
                      "attempts": row["email_attempts"], "provider_id": row["email_provider_id"],
                      "error": row["email_error"]},
            "text": {"state": row["text_state"], "error": row["text_error"]}}


async def _known(uow, company_id, person_id) -> None:  # type: ignore[no-untyped-def]
    try:
        await read_models.get_recipient(uow.session, company_id, person_id)
    except read_models.UnknownRecipient:
        raise NotFound("No such person in your company.", code="person_not_found") from None
