"""Everything texting asks of Twilio, through the official SDK (pointed at the sandbox in dev and
tests). The SDK is synchronous: callers run these methods with `asyncio.to_thread`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from petcare_kit.providers.twilio import make_twilio_client
from twilio.base.exceptions import TwilioException, TwilioRestException

from texting.config import TextingSettings
from texting.domain.registration import RegistrationForm

OPTED_OUT = 21610
"""Twilio's "the recipient replied STOP" error (R-TEXT-12)."""
PAGE_SIZE = 50
OLDER_IN_A_ROW = 50
"""Messages older than the window, in a row, after which a look-up stops paging."""
A2P_POLICY_SID = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
"""Twilio's policy for A2P messaging profiles (secondary customer profile and trust product)."""


class TwilioRejected(Exception):
    """Twilio refused the request: retrying the same thing will not help."""

    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(f"{message} (Twilio {code})")
        self.code, self.message = code, message


class TwilioUnavailable(Exception):
    """Twilio could not be reached or failed on its side: worth retrying."""


@dataclass(frozen=True)
class AvailableNumber:
    phone_number: str
    locality: str | None
    region: str | None


class TwilioGateway:
    def __init__(self, settings: TextingSettings) -> None:
        self.client = make_twilio_client(settings.twilio_account_sid, settings.twilio_auth_token,
                                         settings.twilio_api_base)

    def search_numbers(self, *, area_code: str | None, contains: str | None,
                       country: str = "US") -> list[AvailableNumber]:
        kwargs: dict[str, Any] = {"sms_enabled": True, "mms_enabled": True, "limit": 20}
        if area_code:
            kwargs["area_code"] = int(area_code)
        if contains:
            kwargs["contains"] = contains
        found = _call(lambda: self.client.available_phone_numbers(country).local.list(**kwargs))
        return [AvailableNumber(n.phone_number, n.locality, n.region) for n in found]

    def buy_number(self, phone_number: str, *, sms_url: str, status_callback: str, name: str) -> tuple[str, str]:
        """R-TEXT-2: text-only (no voice URL is set: calls are not supported on it)."""
        bought = _call(lambda: self.client.incoming_phone_numbers.create(
            phone_number=phone_number, sms_url=sms_url, sms_method="POST", status_callback=status_callback,
            friendly_name=name))
        return bought.sid, bought.phone_number

    def release_number(self, number_sid: str) -> None:
        _call(lambda: self.client.incoming_phone_numbers(number_sid).delete())

    def send(self, *, from_number: str, to: str, body: str, media_urls: list[str], status_callback: str) -> str:
        message = _call(lambda: self.client.messages.create(
            from_=from_number, to=to, body=body or None, media_url=media_urls or None, status_callback=status_callback))
        return message.sid

    def sent_between(self, *, from_number: str, to: str, start: datetime, end: datetime) -> list[str]:
        """Sids of the messages Twilio created from `from_number` to `to` between `start` and `end`,
        oldest first: the look-up of our own earlier attempt after a crash, bounded by its time.

        Twilio keeps no identifier of ours with a message (its Message resource returns neither the
        StatusCallback nor any tag), so the caller makes the window unambiguous: one call at a time
        per (from, to) and the sids it already recorded left out. Pages are read newest first until
        `OLDER_IN_A_ROW` messages in a row are older than `start` (never a fixed number of newest),
        since Twilio's order is by send date and a queued message has none yet.
        """
        def look() -> list[tuple[datetime, str]]:
            found: list[tuple[datetime, str]] = []
            older = 0
            for message in self.client.messages.stream(from_=from_number, to=to, page_size=PAGE_SIZE):
                created = message.date_created
                if created is None or created > end:
                    continue
                if created < start:
                    older += 1
                    if older >= OLDER_IN_A_ROW:
                        break
                    continue
                older = 0
                found.append((created, message.sid))
            return found

        return [sid for _, sid in sorted(_call(look))]

    def status_of(self, sid: str) -> tuple[str, int | None]:
        """(Twilio's status of message `sid`, its error code): the reconciliation of texts whose
        status callbacks were lost. Raises TwilioRejected (e.g. 20404 unknown) or TwilioUnavailable."""
        message = _call(lambda: self.client.messages(sid).fetch())
        return message.status, message.error_code

    def register_brand(self, form: RegistrationForm, *, company_name: str) -> tuple[str, str]:
        """R-TEXT-3: a customer profile and an A2P trust product carrying the business (and its tax
        id), then the brand registration. Returns (brand sid, status)."""
        trusthub = self.client.trusthub.v1
        profile = _call(lambda: trusthub.customer_profiles.create(
            friendly_name=company_name, email=str(form.email), policy_sid=A2P_POLICY_SID))
        product = _call(lambda: trusthub.trust_products.create(
            friendly_name=f"{company_name} A2P", email=str(form.email), policy_sid=A2P_POLICY_SID))
        business = _call(lambda: trusthub.end_users.create(
            friendly_name=form.business_name, type="us_a2p_messaging_profile_information",
            attributes={"company_type": "private", "business_name": form.business_name,
                        "business_registration_identifier": "EIN" if form.ein else "SSN",
                        "business_registration_number": form.tax_id_digits,
                        "phone_number": form.phone, "email": str(form.email),
                        "website": str(form.website) if form.website else None}))
        _call(lambda: trusthub.trust_products(product.sid).trust_products_entity_assignments.create(
            object_sid=business.sid))
        brand = _call(lambda: self.client.messaging.v1.brand_registrations.create(
            customer_profile_bundle_sid=profile.sid, a2p_profile_bundle_sid=product.sid, brand_type=form.brand_type))
        return brand.sid, brand.status

    def brand_status(self, brand_sid: str) -> tuple[str, str | None, str | None]:
        """(status, failure reason, identity status of a sole proprietor)."""
        brand = _call(lambda: self.client.messaging.v1.brand_registrations(brand_sid).fetch())
        return brand.status, brand.failure_reason, getattr(brand, "identity_status", None)

    def resend_sole_proprietor_otp(self, brand_sid: str) -> None:
        _call(lambda: self.client.messaging.v1.brand_registrations(brand_sid).brand_registration_otps.create())


T = TypeVar("T")


def _call(request: Callable[[], T]) -> T:
    try:
        return request()
    except TwilioRestException as error:
        if error.status >= 500 or error.status == 429:
            raise TwilioUnavailable(str(error)) from error
        raise TwilioRejected(error.code, error.msg or str(error)) from error
    except TwilioException as error:
        raise TwilioUnavailable(str(error)) from error
    except OSError as error:
        raise TwilioUnavailable(repr(error)) from error
