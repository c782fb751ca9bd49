"""The company's texting account: status, plan (until billing lands), on/off, number, registration,
settings. Admins and office managers only."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Query, Request
from petcare_kit.app import UnitOfWorkDep
from petcare_kit.errors import InvalidInput
from petcare_kit.identity import MANAGERS, IdentityDep, Role, allow
from pydantic import BaseModel, ConfigDict, Field

from texting.adapters import repository
from texting.adapters.twilio_gateway import TwilioRejected
from texting.domain.availability import blockers
from texting.domain.numbers import area_code_ok, search_pattern_ok
from texting.domain.registration import RegistrationForm
from texting.service_layer import account

router = APIRouter(tags=["texting account"])


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan: Literal["lite", "solo", "team"]
    in_trial: bool = False


class NumberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone_number: str = Field(max_length=20)


class SettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mobile_field: str | None = Field(None, max_length=100)
    """R-TEXT-4: the client custom field that holds the mobile number ("" to use the mobile phone)."""
    max_messages: int | None = Field(None, ge=1, le=10)
    max_images: int | None = Field(None, ge=0, le=10)


def twilio(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.twilio


@router.get("/status", **allow(*MANAGERS))
async def status(identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    """Everything about the company's texting, and why texts cannot go out yet (R-DELIV-9)."""
    row = await repository.company(uow.session, identity.company_id)
    state = repository.texting_state(row)
    return {"plan": row.plan, "in_trial": row.in_trial, "turned_on": row.texting_turned_on, "number": row.number,
            "registration_status": row.registration_status, "registration_failure": row.registration_failure,
            "settings": {"mobile_field": row.mobile_field, "max_messages": row.max_messages,
                         "max_images": row.max_images},
            "can_text_clients": not blockers(state, to_client=True),
            "cannot_text_clients_because": blockers(state, to_client=True),
            "cannot_text_staff_because": blockers(state, to_client=False)}


@router.put("/plan", status_code=202, **allow(Role.ADMIN))
async def set_plan(body: PlanIn, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    """Until the billing service lands: publishes billing's own `billing.plan.changed`."""
    await account.set_plan(uow, identity, body.plan, body.in_trial)
    return {"status": "accepted"}


@router.post("/turn-on", **allow(*MANAGERS))
async def turn_on(identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    """R-TEXT-1: only on the Solo and Team plans, not during a free trial."""
    await account.turn_on(uow, identity.company_id, True)
    return {"turned_on": True}


@router.post("/turn-off", **allow(*MANAGERS))
async def turn_off(identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    await account.turn_on(uow, identity.company_id, False)
    return {"turned_on": False}


@router.get("/numbers/available", **allow(*MANAGERS))
async def search_numbers(request: Request, identity: IdentityDep, area_code: str | None = Query(None, max_length=3),
                         contains: str | None = Query(None, max_length=16),
                         country: Literal["US", "CA"] = "US") -> list:
    """R-TEXT-2: local numbers by area code or by digits they should contain (* one, % several)."""
    if not area_code and not contains:
        raise InvalidInput("Give an area code or digits the number should contain.", code="search_needs_a_filter")
    if area_code and not area_code_ok(area_code):
        raise InvalidInput("An area code is three digits, not starting with 0 or 1.", code="invalid_area_code")
    if contains and not search_pattern_ok(contains):
        raise InvalidInput("Use 2 to 16 digits or letters, * for one and % for several.", code="invalid_pattern")
    try:
        found = await asyncio.to_thread(twilio(request).search_numbers, area_code=area_code, contains=contains,
                                        country=country)
    except TwilioRejected as error:
        raise InvalidInput(error.message, code="search_refused") from None
    return [number.__dict__ for number in found]


@router.post("/number", status_code=201, **allow(*MANAGERS))
async def buy_number(body: NumberIn, request: Request, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    number = await account.buy_number(uow, twilio(request), identity.company_id, body.phone_number,
                                      request.app.state.runtime.settings.webhook_base_url)
    return {"number": number}


@router.delete("/number", status_code=204, **allow(*MANAGERS))
async def release_number(request: Request, identity: IdentityDep, uow: UnitOfWorkDep) -> None:
    await account.release_number(uow, twilio(request), identity.company_id)


@router.post("/registration", status_code=201, **allow(*MANAGERS))
async def register(body: RegistrationForm, request: Request, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    """R-TEXT-3: A2P 10DLC. Texts to clients are held until Twilio approves it."""
    return {"status": await account.register(uow, twilio(request), identity.company_id, body)}


@router.get("/registration", **allow(*MANAGERS))
async def registration(request: Request, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    return await account.refresh_registration(uow, twilio(request), identity.company_id)


@router.post("/registration/otp", status_code=202, **allow(*MANAGERS))
async def resend_sole_proprietor_otp(request: Request, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    """R-TEXT-3: a sole proprietor brand is verified when the owner answers YES to Twilio's text
    within 24 hours; this sends that text again."""
    row = await repository.company(uow.session, identity.company_id)
    if not row.brand_sid:
        raise InvalidInput("Submit the registration first.", code="registration_not_submitted")
    await asyncio.to_thread(twilio(request).resend_sole_proprietor_otp, row.brand_sid)
    return {"status": "sent"}


@router.put("/settings", **allow(*MANAGERS))
async def change_settings(body: SettingsIn, identity: IdentityDep, uow: UnitOfWorkDep) -> dict:
    await account.change_settings(uow, identity.company_id, mobile_field=body.mobile_field,
                                  max_messages=body.max_messages, max_images=body.max_images)
    return (await status(identity, uow))["settings"]
