"""A2P 10DLC registration: what a texting service calls to register a company to text US numbers.

Covered, with the SDK calls that reach them:
- trust hub (`client.trusthub.v1`): `customer_profiles` and `trust_products` (the bundles), their
  `entity_assignments` and `evaluations` (always `compliant`), `end_users`, `supporting_documents`;
- addresses (`client.addresses`, 2010-04-01), which supporting documents point at;
- brands (`client.messaging.v1.brand_registrations`): create, fetch, list, and `sms_otp` (re-send
  the sole proprietor's verification text; answered, nothing is texted);
- messaging services (`client.messaging.v1.services`), their sender pool (`phone_numbers`) and
  campaigns (`us_app_to_person`).
Reviews take days at Twilio; here statuses move only when told: `POST /sandbox/brands/{sid}/status`,
`/sandbox/campaigns/{sid}/status`, `/sandbox/bundles/{sid}/status`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from . import errors
from .deps import AccountDep, SandboxDep
from .errors import TwilioApiError, not_found
from .records import RecordKind, RecordRoutes, add_record_routes
from .state import Record, SandboxState

messaging_router = APIRouter(tags=["A2P 10DLC: brands, services, campaigns"])
trusthub_router = APIRouter(tags=["A2P 10DLC: trust hub"])
addresses_router = APIRouter(tags=["A2P 10DLC: addresses"])

BRAND_TYPES = {"STANDARD", "SOLE_PROPRIETOR"}


def _check_brand(state: SandboxState, brand: Record) -> None:
    """A brand needs the account's customer profile and A2P profile bundles, and a known type."""
    fields = brand.fields
    for field_name, kind in (
        ("customer_profile_bundle_sid", "customer_profile"),
        ("a2p_profile_bundle_sid", "trust_product"),
    ):
        if state.record(kind, str(fields.get(field_name)), brand.account_sid) is None:
            raise TwilioApiError(
                errors.INVALID_PARAMETER,
                f"{field_name} {fields.get(field_name)} is not a bundle of this account",
            )
    if fields["brand_type"] not in BRAND_TYPES:
        raise TwilioApiError(errors.INVALID_PARAMETER, f"BrandType must be one of {sorted(BRAND_TYPES)}")


def _check_campaign(state: SandboxState, campaign: Record) -> None:
    """A campaign needs an APPROVED brand of the account; its service then counts as registered."""
    brand_sid = str(campaign.fields.get("brand_registration_sid"))
    brand = state.record("brand", brand_sid, campaign.account_sid)
    if brand is None or brand.fields["status"] != "APPROVED":
        raise TwilioApiError(errors.INVALID_PARAMETER, f"Brand {brand_sid} does not exist or is not APPROVED")
    service = state.records[str(campaign.parent_sid)]
    service.fields["us_app_to_person_registered"] = True
    service.fields["usecase"] = campaign.fields.get("us_app_to_person_usecase")


def _attach_number(state: SandboxState, membership: Record) -> None:
    """A number joins one service's sender pool; the membership's sid is the number's sid."""
    number_sid = str(membership.fields.pop("phone_number_sid", ""))
    number = state.numbers.get(number_sid)
    if number is None or number.account_sid != membership.account_sid:
        raise TwilioApiError(errors.PHONE_NUMBER_INVALID, f"Phone Number Sid {number_sid} is invalid.")
    if number_sid in state.records:
        raise TwilioApiError(
            errors.NUMBER_IN_ANOTHER_SERVICE, "Phone Number is associated with another Messaging Service."
        )
    membership.sid = number_sid
    membership.fields.update(
        phone_number=number.phone_number, country_code=number.iso_country, capabilities=["SMS", "MMS"]
    )


BRAND = RecordKind(
    kind="brand",
    sid_prefix="BN",
    list_key="data",
    on_create=_check_brand,
    initial={
        "status": "PENDING",
        "brand_type": "STANDARD",
        "tcr_id": None,
        "failure_reason": None,
        "errors": [],
        "identity_status": None,
        "brand_score": None,
        "brand_feedback": None,
        "russell_3000": False,
        "government_entity": False,
        "tax_exempt_status": None,
        "skip_automatic_sec_vet": False,
        "mock": False,
    },
)
MESSAGING_SERVICE = RecordKind(
    kind="messaging_service",
    sid_prefix="MG",
    list_key="services",
    initial={
        "friendly_name": None,
        "inbound_request_url": None,
        "inbound_method": "POST",
        "status_callback": None,
        "sticky_sender": True,
        "usecase": "undeclared",
        "us_app_to_person_registered": False,
        "use_inbound_webhook_on_number": False,
    },
)
CAMPAIGN = RecordKind(
    kind="campaign",
    sid_prefix="QE",
    list_key="compliance",
    parent_kind="messaging_service",
    parent_field="messaging_service_sid",
    on_create=_check_campaign,
    initial={
        "campaign_status": "IN_PROGRESS",
        "campaign_id": None,
        "is_externally_registered": False,
        "rate_limits": {},
        "errors": [],
        "mock": False,
    },
)
SENDER_POOL_NUMBER = RecordKind(
    kind="service_phone_number",
    sid_prefix="PN",
    list_key="phone_numbers",
    parent_kind="messaging_service",
    parent_field="service_sid",
    on_create=_attach_number,
)
MESSAGING = "https://messaging.twilio.com/v1"
TRUSTHUB = "https://trusthub.twilio.com/v1"


def _serve_bundles(kind: str, collection: str) -> None:
    """A trust hub bundle (customer profile or A2P trust product), its assignments and evaluations."""
    children: dict[str, Any] = {"parent_kind": kind, "parent_field": f"{kind}_sid"}
    for path, record_kind in (
        (collection, RecordKind(kind, "BU", "results", initial={"status": "draft", "valid_until": None})),
        (
            f"{collection}/{{parent_sid}}/EntityAssignments",
            RecordKind(f"{kind}_entity_assignment", "BV", "results", **children),
        ),
        (
            f"{collection}/{{parent_sid}}/Evaluations",
            RecordKind(
                f"{kind}_evaluation",
                "EL",
                "results",
                initial={"status": "compliant", "results": []},
                **children,
            ),
        ),
    ):
        add_record_routes(RecordRoutes(trusthub_router, path, TRUSTHUB), record_kind)


add_record_routes(RecordRoutes(messaging_router, "/a2p/BrandRegistrations", MESSAGING), BRAND)
add_record_routes(RecordRoutes(messaging_router, "/Services", MESSAGING), MESSAGING_SERVICE)
add_record_routes(
    RecordRoutes(messaging_router, "/Services/{parent_sid}/PhoneNumbers", MESSAGING), SENDER_POOL_NUMBER
)
add_record_routes(
    RecordRoutes(messaging_router, "/Services/{parent_sid}/Compliance/Usa2p", MESSAGING), CAMPAIGN
)
_serve_bundles("customer_profile", "/CustomerProfiles")
_serve_bundles("trust_product", "/TrustProducts")
add_record_routes(
    RecordRoutes(trusthub_router, "/EndUsers", TRUSTHUB), RecordKind("end_user", "IT", "results")
)
add_record_routes(
    RecordRoutes(trusthub_router, "/SupportingDocuments", TRUSTHUB),
    RecordKind("supporting_document", "RD", "results", initial={"status": "draft", "mime_type": None}),
)
add_record_routes(
    RecordRoutes(addresses_router, "/Accounts/{account_sid}/Addresses.json", "/2010-04-01", style="2010"),
    RecordKind(
        "address",
        "AD",
        "addresses",
        initial={"validated": True, "verified": True, "emergency_enabled": False},
    ),
)


@messaging_router.post("/a2p/BrandRegistrations/{brand_sid}/SmsOtp", status_code=201)
async def resend_sole_proprietor_otp(
    brand_sid: str, request: Request, account: AccountDep, sandbox: SandboxDep
) -> dict[str, Any]:
    brand = sandbox.state.record("brand", brand_sid, account)
    if brand is None:
        raise not_found(request.url.path)
    return {"account_sid": account, "brand_registration_sid": brand_sid}
