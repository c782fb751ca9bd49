"""The company's texting account: plan (until billing lands), turning texting on, its number, its
A2P 10DLC registration and its settings (R-TEXT-1..4)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import UUID

from petcare_contracts.events.billing import PlanChanged
from petcare_contracts.events.texting import NumberProvisioned, NumberReleased
from petcare_kit.errors import Conflict, InvalidInput
from petcare_kit.identity import Identity
from petcare_kit.unit_of_work import UnitOfWork

from texting.adapters import repository
from texting.adapters.twilio_gateway import TwilioGateway, TwilioRejected
from texting.domain.availability import check_can_turn_on
from texting.domain.numbers import check_number
from texting.domain.registration import RegistrationForm, check
from texting.service_layer.availability import publish_if_changed

MAX_IMAGES_CEILING = 10


async def set_plan(uow: UnitOfWork, identity: Identity, plan: str, in_trial: bool) -> None:
    """Until billing owns plans, an admin route publishes billing's own event; texting's read model
    (and billing, later) are fed by that event either way."""
    await uow.publish(PlanChanged(company_id=identity.company_id, plan=plan, in_trial=in_trial),
                      company_id=identity.company_id, actor=identity.actor())
    await uow.commit()


async def turn_on(uow: UnitOfWork, company_id: UUID, on: bool) -> None:
    company = await repository.company(uow.session, company_id, for_update=True)
    if on:
        check_can_turn_on(company.plan, company.in_trial)
    await repository.update_company(uow.session, company_id, texting_turned_on=on)
    await publish_if_changed(uow, company_id)
    await uow.commit()


async def buy_number(uow: UnitOfWork, twilio: TwilioGateway, company_id: UUID, phone_number: str,
                     webhook_base_url: str) -> str:
    """R-TEXT-2: one text-only number per company, bought and kept through Twilio."""
    company = await repository.company(uow.session, company_id, for_update=True)
    check_can_turn_on(company.plan, company.in_trial)
    if company.number:
        raise Conflict("The company already has a texting number; release it first.", code="number_already_held")
    validity = check_number(phone_number)
    if not validity.textable:
        raise InvalidInput(f"{phone_number} cannot be a texting number: {validity.reason}.", code="invalid_number")
    base = webhook_base_url.rstrip("/")
    try:
        sid, number = await asyncio.to_thread(
            twilio.buy_number, validity.e164, sms_url=f"{base}/webhooks/twilio/inbound",
            status_callback=f"{base}/webhooks/twilio/status", name=f"{company.name or company_id} texting")
    except TwilioRejected as error:
        raise Conflict(f"Twilio could not provide this number: {error.message}", code="number_not_available") from None
    await repository.update_company(uow.session, company_id, number=number, number_sid=sid)
    await uow.publish(NumberProvisioned(company_id=company_id, number=number, provisioned_at=_now()),
                      company_id=company_id)
    await publish_if_changed(uow, company_id)
    await uow.commit()
    return number


async def release_number(uow: UnitOfWork, twilio: TwilioGateway, company_id: UUID) -> None:
    company = await repository.company(uow.session, company_id, for_update=True)
    if not company.number:
        raise Conflict("The company has no texting number.", code="no_number")
    await asyncio.to_thread(twilio.release_number, company.number_sid)
    await repository.update_company(uow.session, company_id, number=None, number_sid=None)
    await uow.publish(NumberReleased(company_id=company_id, number=company.number, released_at=_now()),
                      company_id=company_id)
    await publish_if_changed(uow, company_id)
    await uow.commit()


async def register(uow: UnitOfWork, twilio: TwilioGateway, company_id: UUID, form: RegistrationForm) -> str:
    """R-TEXT-3: submit once; the tax id goes to Twilio and is kept only as its last four digits."""
    check(form)
    company = await repository.company(uow.session, company_id, for_update=True)
    if company.brand_sid and company.registration_status not in ("FAILED",):
        raise Conflict("A registration was already submitted.", code="registration_already_submitted")
    brand_sid, status = await asyncio.to_thread(twilio.register_brand, form,
                                                company_name=company.name or form.business_name)
    await repository.update_company(uow.session, company_id, registration=form.stored(), brand_sid=brand_sid,
                                    registration_status=status, registration_failure=None)
    await publish_if_changed(uow, company_id)
    await uow.commit()
    return status


async def refresh_registration(uow: UnitOfWork, twilio: TwilioGateway, company_id: UUID) -> dict:
    company = await repository.company(uow.session, company_id, for_update=True)
    if not company.brand_sid:
        return {"status": "NOT_SUBMITTED"}
    status, failure, identity = await asyncio.to_thread(twilio.brand_status, company.brand_sid)
    await repository.update_company(uow.session, company_id, registration_status=status, registration_failure=failure)
    await publish_if_changed(uow, company_id)
    await uow.commit()
    return {"status": status, "failure_reason": failure, "identity_status": identity,
            "submitted": company.registration}


async def change_settings(uow: UnitOfWork, company_id: UUID, *, mobile_field: str | None, max_messages: int | None,
                          max_images: int | None) -> None:
    """R-TEXT-4; R-TEXT-6: never more than 10 pictures per message."""
    values: dict[str, object] = {}
    if mobile_field is not None:
        values["mobile_field"] = mobile_field or None
    if max_messages is not None:
        values["max_messages"] = max_messages
    if max_images is not None:
        values["max_images"] = min(max_images, MAX_IMAGES_CEILING)
    await repository.update_company(uow.session, company_id, **values)
    await uow.commit()


def _now() -> datetime:
    return datetime.now(UTC)
