"""The company's texting account: turning texting on (the plan is billing's, R-PLAN-1, kept from
billing.plan.changed by service_layer/plans.py), its number, its A2P 10DLC registration and its
settings (R-TEXT-1..4). Each use case works in the unit of work it is given and commits it once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from petcare_contracts.events.texting import MobileFieldChanged, NumberProvisioned, NumberReleased
from petcare_kit.errors import Conflict, InvalidInput

from texting.adapters.twilio_gateway import TwilioRejected
from texting.domain.account import TextingAccount
from texting.domain.numbers import area_code_ok, check_number, search_pattern_ok
from texting.domain.registration import check
from texting.service_layer.availability import publish_if_changed
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
from texting.service_layer.context import Context
from texting.service_layer.ports import AvailableNumber


async def status(ctx: Context) -> TextingAccount:
    """The account as it is, for the status page (R-DELIV-9 reasons come from the account)."""
    return await ctx.uow.accounts.get(ctx.company_id)


async def turn_texting(ctx: Context, command: TurnTexting) -> TextingAccount:
    """R-TEXT-1: only on the Solo and Team plans, not during a free trial (Conflict)."""
    account = (await ctx.uow.accounts.get(ctx.company_id, for_update=True)).turned(command.on)
    account = await publish_if_changed(ctx, account)
    await ctx.commit()
    return account


async def search_numbers(ctx: Context, command: SearchNumbers) -> list[AvailableNumber]:
    """R-TEXT-2: local numbers by area code or digits. InvalidInput on a bad filter or a refusal."""
    if not command.area_code and not command.contains:
        raise InvalidInput("Give an area code or digits the number should contain.", code="search_needs_a_filter")
    if command.area_code and not area_code_ok(command.area_code):
        raise InvalidInput("An area code is three digits, not starting with 0 or 1.", code="invalid_area_code")
    if command.contains and not search_pattern_ok(command.contains):
        raise InvalidInput("Use 2 to 16 digits or letters, * for one and % for several.", code="invalid_pattern")
    try:
        return await asyncio.to_thread(ctx.provider.search_numbers, area_code=command.area_code,
                                       contains=command.contains, country=command.country)
    except TwilioRejected as error:
        raise InvalidInput(error.message, code="search_refused") from None


async def buy_number(ctx: Context, command: BuyNumber) -> TextingAccount:
    """R-TEXT-2: one text-only number per company, bought and kept through Twilio. Conflict when one
    is held or Twilio refuses; InvalidInput when the number cannot text."""
    account = await ctx.uow.accounts.get(ctx.company_id, for_update=True)
    account.check_can_hold_a_number()
    validity = check_number(command.phone_number)
    if not validity.textable or validity.e164 is None:  # a textable number always has its E.164 form
        raise InvalidInput(f"{command.phone_number} cannot be a texting number: {validity.reason}.",
                           code="invalid_number")
    try:
        sid, number = await asyncio.to_thread(
            ctx.provider.buy_number, validity.e164, sms_url=f"{ctx.webhook_base_url}/webhooks/twilio/inbound",
            status_callback=f"{ctx.webhook_base_url}/webhooks/twilio/status",
            name=f"{account.name or account.company_id} texting")
    except TwilioRejected as error:
        raise Conflict(f"Twilio could not provide this number: {error.message}", code="number_not_available") from None
    account = replace(account, number=number, number_sid=sid)
    await ctx.publish(NumberProvisioned(company_id=account.company_id, number=number, provisioned_at=ctx.now()),
                      company_id=account.company_id)
    account = await publish_if_changed(ctx, account)
    await ctx.commit()
    return account


async def release_number(ctx: Context, command: ReleaseNumber) -> None:
    """Give the number back to Twilio. Conflict(no_number) when there is none."""
    account = await ctx.uow.accounts.get(ctx.company_id, for_update=True)
    if not account.number or not account.number_sid:
        raise Conflict("The company has no texting number.", code="no_number")
    await asyncio.to_thread(ctx.provider.release_number, account.number_sid)
    await ctx.publish(NumberReleased(company_id=account.company_id, number=account.number, released_at=ctx.now()),
                      company_id=account.company_id)
    await publish_if_changed(ctx, replace(account, number=None, number_sid=None))
    await ctx.commit()


async def register(ctx: Context, command: Register) -> TextingAccount:
    """R-TEXT-3: submit once; the tax id goes to Twilio and is kept only as its last four digits."""
    form = check(command.form)
    account = await ctx.uow.accounts.get(ctx.company_id, for_update=True)
    account.check_can_register()
    brand_sid, registration_status = await asyncio.to_thread(ctx.provider.register_brand, form,
                                                             company_name=account.name or form.business_name)
    account = replace(account, registration=form.stored(), brand_sid=brand_sid,
                      registration_status=registration_status, registration_failure=None)
    account = await publish_if_changed(ctx, account)
    await ctx.commit()
    return account


@dataclass(frozen=True)
class Registration:
    """R-TEXT-3: the registration's statuses as Twilio last told them, and what was submitted."""

    status: str
    failure_reason: str | None = None
    identity_status: str | None = None
    submitted: dict[str, Any] | None = None


async def refresh_registration(ctx: Context, command: RefreshRegistration) -> Registration:
    """Ask Twilio how the registration stands; an approval makes clients textable (R-DELIV-9)."""
    account = await ctx.uow.accounts.get(ctx.company_id, for_update=True)
    if not account.brand_sid:
        return Registration(status="NOT_SUBMITTED")
    new_status, failure, identity = await asyncio.to_thread(ctx.provider.brand_status, account.brand_sid)
    account = replace(account, registration_status=new_status, registration_failure=failure)
    await publish_if_changed(ctx, account)
    await ctx.commit()
    return Registration(new_status, failure, identity, account.registration)


async def resend_sole_proprietor_otp(ctx: Context, command: ResendOtp) -> None:
    """R-TEXT-3: a sole proprietor brand is verified when the owner answers YES to Twilio's text
    within 24 hours; this sends that text again. InvalidInput before a registration."""
    account = await ctx.uow.accounts.get(ctx.company_id)
    if not account.brand_sid:
        raise InvalidInput("Submit the registration first.", code="registration_not_submitted")
    await asyncio.to_thread(ctx.provider.resend_sole_proprietor_otp, account.brand_sid)


async def change_settings(ctx: Context, command: ChangeSettings) -> TextingAccount:
    """R-TEXT-4; R-TEXT-6: never more than 10 pictures per message. A changed "client phone number
    field" is published (texting.mobile_field.changed): notifications picks the number it texts with it."""
    before = await ctx.uow.accounts.get(ctx.company_id, for_update=True)
    account = before.with_settings(mobile_field=command.mobile_field, max_messages=command.max_messages,
                                   max_images=command.max_images)
    await ctx.uow.accounts.save(account)
    if account.mobile_field != before.mobile_field:
        await ctx.publish(MobileFieldChanged(company_id=ctx.company_id, mobile_field=account.mobile_field),
                          company_id=ctx.company_id)
    await ctx.commit()
    return account
