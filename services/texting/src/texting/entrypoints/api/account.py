"""The company's texting account: status (with the plan billing published, R-PLAN-1), on/off,
number, registration, settings. Admins and office managers only. Each route builds the command, calls the
use case and shapes the answer."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from petcare_kit.identity import MANAGERS, allow

from texting.domain.registration import RegistrationForm
from texting.entrypoints.api.deps import ContextDep
from texting.entrypoints.api.schemas import (
    AvailableNumberView,
    NumberView,
    OtpView,
    RegistrationStatusView,
    RegistrationView,
    SettingsView,
    StatusView,
    TurnedOnView,
)
from texting.service_layer import account
from texting.service_layer.commands import (
    BuyNumber,
    ChangeSettings,
    RefreshRegistration,
    Register,
    ReleaseNumber,
    ResendOtp,
    SearchNumbers,
    TurnTexting,
)

router = APIRouter(tags=["texting account"])


@router.get("/status", response_model=StatusView, **allow(*MANAGERS))
async def status(ctx: ContextDep) -> StatusView:
    """Everything about the company's texting, and why texts cannot go out yet (R-DELIV-9)."""
    return StatusView.of(await account.status(ctx))


@router.post("/turn-on", response_model=TurnedOnView, **allow(*MANAGERS))
async def turn_on(ctx: ContextDep) -> TurnedOnView:
    """R-TEXT-1: only on the Solo and Team plans, not during a free trial."""
    return TurnedOnView(turned_on=(await account.turn_texting(ctx, TurnTexting(on=True))).turned_on)


@router.post("/turn-off", response_model=TurnedOnView, **allow(*MANAGERS))
async def turn_off(ctx: ContextDep) -> TurnedOnView:
    return TurnedOnView(turned_on=(await account.turn_texting(ctx, TurnTexting(on=False))).turned_on)


@router.get("/numbers/available", response_model=list[AvailableNumberView], **allow(*MANAGERS))
async def search_numbers(ctx: ContextDep, area_code: str | None = Query(None, max_length=3),
                         contains: str | None = Query(None, max_length=16),
                         country: Literal["US", "CA"] = "US") -> list[AvailableNumberView]:
    """R-TEXT-2: local numbers by area code or by digits they should contain (* one, % several)."""
    found = await account.search_numbers(ctx, SearchNumbers(area_code=area_code, contains=contains, country=country))
    return [AvailableNumberView.of(number) for number in found]


@router.post("/number", status_code=201, response_model=NumberView, **allow(*MANAGERS))
async def buy_number(body: BuyNumber, ctx: ContextDep) -> NumberView:
    """R-TEXT-2: one text-only number per company."""
    bought = await account.buy_number(ctx, body)
    assert bought.number is not None
    return NumberView(number=bought.number)


@router.delete("/number", status_code=204, response_model=None, **allow(*MANAGERS))
async def release_number(ctx: ContextDep) -> None:
    await account.release_number(ctx, ReleaseNumber())


@router.post("/registration", status_code=201, response_model=RegistrationStatusView, **allow(*MANAGERS))
async def register(body: RegistrationForm, ctx: ContextDep) -> RegistrationStatusView:
    """R-TEXT-3: A2P 10DLC. Texts to clients are held until Twilio approves it."""
    return RegistrationStatusView(status=(await account.register(ctx, Register(form=body))).registration_status)


@router.get("/registration", response_model=RegistrationView, **allow(*MANAGERS))
async def registration(ctx: ContextDep) -> RegistrationView:
    found = await account.refresh_registration(ctx, RefreshRegistration())
    return RegistrationView(status=found.status, failure_reason=found.failure_reason,
                            identity_status=found.identity_status, submitted=found.submitted)


@router.post("/registration/otp", status_code=202, response_model=OtpView, **allow(*MANAGERS))
async def resend_sole_proprietor_otp(ctx: ContextDep) -> OtpView:
    """R-TEXT-3: a sole proprietor brand is verified when the owner answers YES to Twilio's text
    within 24 hours; this sends that text again."""
    await account.resend_sole_proprietor_otp(ctx, ResendOtp())
    return OtpView()


@router.put("/settings", response_model=SettingsView, **allow(*MANAGERS))
async def change_settings(body: ChangeSettings, ctx: ContextDep) -> SettingsView:
    """R-TEXT-4 (mobile field), R-TEXT-5 (max messages), R-TEXT-6 (max images, 10 at most)."""
    return SettingsView.of(await account.change_settings(ctx, body))
