"""The texting account's use cases on fakes: no database, no Twilio (R-TEXT-1..4, R-DELIV-9)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import uuid4

import pytest
from petcare_kit.errors import Conflict, InvalidInput
from petcare_kit.identity import Identity, Role
from texting.domain.account import TextingAccount
from texting.domain.registration import RegistrationForm
from texting.service_layer import account, plans
from texting.service_layer.commands import (
    ApplyPlan,
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

from .fakes import FakeTwilio, FakeUnitOfWork

REGISTRATION = RegistrationForm.model_validate({
    "brand_type": "STANDARD", "business_name": "Happy Paws LLC", "phone": "+12125550100",
    "email": "owner@happypaws.com", "website": "https://happypaws.com", "ein": "12-3456789",
    "address": {"street": "1 Bark St", "city": "New York", "region": "NY", "postal_code": "10001"}})


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def ctx(uow: FakeUnitOfWork, twilio: FakeTwilio) -> Context:
    identity = Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4())
    return Context(uow, identity, twilio, "https://example.test/api/texting")


async def on_solo(ctx: Context, uow: FakeUnitOfWork, **changes: Any) -> TextingAccount:
    account_ = replace(await uow.accounts.get(ctx.company_id), plan="solo", **changes)
    await uow.accounts.save(account_)
    return account_


async def test_r_text_1_turning_on_needs_solo_or_team_and_no_trial(ctx, uow):
    with pytest.raises(Conflict) as refused:
        await account.turn_texting(ctx, TurnTexting(on=True))
    assert refused.value.code == "plan_does_not_include_texting" and uow.commits == 0
    await plans.apply_plan(ctx, ApplyPlan(company_id=ctx.company_id, plan="team", in_trial=True))
    with pytest.raises(Conflict):
        await account.turn_texting(ctx, TurnTexting(on=True))
    await plans.apply_plan(ctx, ApplyPlan(company_id=ctx.company_id, plan="team", in_trial=False))
    assert (await account.turn_texting(ctx, TurnTexting(on=True))).turned_on
    assert uow.commits == 1  # apply_plan runs in the consumer's batch, which commits


async def test_r_text_2_search_needs_a_filter_and_a_proper_area_code(ctx, twilio):
    with pytest.raises(InvalidInput) as no_filter:
        await account.search_numbers(ctx, SearchNumbers())
    assert no_filter.value.code == "search_needs_a_filter"
    with pytest.raises(InvalidInput) as bad:
        await account.search_numbers(ctx, SearchNumbers(area_code="012"))
    assert bad.value.code == "invalid_area_code"
    assert [o.phone_number for o in await account.search_numbers(ctx, SearchNumbers(area_code="212"))] == [
        "+12125550142"]
    twilio.refuse = "no numbers here"
    with pytest.raises(InvalidInput) as refused:
        await account.search_numbers(ctx, SearchNumbers(contains="555"))
    assert refused.value.code == "search_refused"


async def test_r_text_2_one_number_bought_with_our_webhooks_then_released(ctx, uow, twilio):
    await on_solo(ctx, uow)
    held = await account.buy_number(ctx, BuyNumber(phone_number="+12125550142"))
    assert held.number == "+12125550142" and uow.commits == 1
    assert twilio.bought[0]["sms_url"] == "https://example.test/api/texting/webhooks/twilio/inbound"
    with pytest.raises(Conflict) as again:
        await account.buy_number(ctx, BuyNumber(phone_number="+12125550143"))
    assert again.value.code == "number_already_held"
    await account.release_number(ctx, ReleaseNumber())
    assert (await uow.accounts.get(ctx.company_id)).number is None
    assert len(uow.events("texting.number.provisioned")) == len(uow.events("texting.number.released")) == 1
    with pytest.raises(Conflict) as none:
        await account.release_number(ctx, ReleaseNumber())
    assert none.value.code == "no_number"


async def test_r_text_2_a_number_that_cannot_text_is_refused_before_twilio(ctx, uow, twilio):
    await on_solo(ctx, uow)
    with pytest.raises(InvalidInput) as refused:
        await account.buy_number(ctx, BuyNumber(phone_number="+442071838750"))
    assert refused.value.code == "invalid_number" and twilio.bought == []


async def test_r_text_3_r_deliv_9_registration_then_approval_makes_clients_textable(ctx, uow, twilio):
    await on_solo(ctx, uow, turned_on=True, number="+12125550142")
    assert (await account.register(ctx, Register(form=REGISTRATION))).registration_status == "PENDING"
    with pytest.raises(Conflict) as twice:
        await account.register(ctx, Register(form=REGISTRATION))
    assert twice.value.code == "registration_already_submitted"
    stored = (await uow.accounts.get(ctx.company_id)).registration
    assert stored is not None and stored["tax_id_last4"] == "6789" and "ein" not in stored
    assert uow.events("texting.availability.changed") == []
    brand = (await uow.accounts.get(ctx.company_id)).brand_sid
    assert brand is not None
    twilio.brands[brand] = "APPROVED"
    assert (await account.refresh_registration(ctx, RefreshRegistration())).status == "APPROVED"
    [available] = uow.events("texting.availability.changed")
    assert available["available"] is True and available["reasons"] == []


async def test_r_text_3_the_otp_is_sent_again_only_after_a_registration(ctx, uow, twilio):
    with pytest.raises(InvalidInput) as first:
        await account.resend_sole_proprietor_otp(ctx, ResendOtp())
    assert first.value.code == "registration_not_submitted"
    await account.register(ctx, Register(form=REGISTRATION))
    await account.resend_sole_proprietor_otp(ctx, ResendOtp())
    assert len(twilio.otps) == 1


async def test_r_text_4_settings_change_only_what_is_given_and_cap_pictures(ctx, uow):
    changed = await account.change_settings(ctx, ChangeSettings(mobile_field="Cell", max_messages=2))
    assert (changed.mobile_field, changed.max_messages, changed.max_images) == ("Cell", 2, 3)
    same = await account.change_settings(ctx, ChangeSettings())
    assert same == changed and uow.commits == 2
    cleared = await account.change_settings(ctx, ChangeSettings(mobile_field="", max_images=10))
    assert cleared.mobile_field is None and cleared.max_images == 10
    assert (await account.status(ctx)) == cleared


async def test_r_text_4_a_changed_client_phone_number_field_is_published_once_per_change(ctx, uow):
    """Notifications picks the number it texts with this setting: each change reaches it, once."""
    await account.change_settings(ctx, ChangeSettings(mobile_field="Cell"))
    await account.change_settings(ctx, ChangeSettings(mobile_field="Cell", max_messages=2))
    await account.change_settings(ctx, ChangeSettings(mobile_field=""))
    assert [e["mobile_field"] for e in uow.events("texting.mobile_field.changed")] == ["Cell", None]
