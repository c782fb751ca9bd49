"""A2P 10DLC registration with the real Twilio SDK: bundles, brand, review decisions, campaign
(R-TEXT-3: the registration has a status, visible, moved here by the sandbox's reviewers)."""

from __future__ import annotations

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

POLICY_SID = "RN806dd6cd175f314e1f96a9727ee271f4"


def submitted_bundles(twilio_client: Client) -> tuple[str, str]:
    """(customer profile, A2P trust product) sids, each with an end user, evaluated and submitted."""
    trusthub = twilio_client.trusthub.v1
    profile = trusthub.customer_profiles.create(
        friendly_name="Happy Paws", email="owner@happypaws.test", policy_sid=POLICY_SID
    )
    address = twilio_client.addresses.create(
        customer_name="Happy Paws",
        street="1 Bark St",
        city="Austin",
        region="TX",
        postal_code="78701",
        iso_country="US",
    )
    document = trusthub.supporting_documents.create(
        friendly_name="address", type="customer_profile_address", attributes={"address_sids": address.sid}
    )
    owner = trusthub.end_users.create(
        friendly_name="owner",
        type="starter_customer_profile_information",
        attributes={
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "owner@happypaws.test",
            "phone_number": "+15125550100",
        },
    )
    for object_sid in (owner.sid, document.sid):
        trusthub.customer_profiles(profile.sid).customer_profiles_entity_assignments.create(
            object_sid=object_sid
        )
    evaluation = trusthub.customer_profiles(profile.sid).customer_profiles_evaluations.create(
        policy_sid=POLICY_SID
    )
    assert evaluation.status == "compliant"
    assert trusthub.customer_profiles(profile.sid).update(status="pending-review").status == "pending-review"

    product = trusthub.trust_products.create(
        friendly_name="A2P", email="owner@happypaws.test", policy_sid=POLICY_SID
    )
    sole_proprietor = trusthub.end_users.create(
        friendly_name="sp",
        type="sole_proprietor_information",
        attributes={"mobile_phone_number": "+15125550100"},
    )
    trusthub.trust_products(product.sid).trust_products_entity_assignments.create(
        object_sid=sole_proprietor.sid
    )
    trusthub.trust_products(product.sid).update(status="pending-review")
    return profile.sid, product.sid


def test_trust_hub_records_keep_what_was_submitted(twilio_client: Client) -> None:
    profile_sid, _ = submitted_bundles(twilio_client)
    profile = twilio_client.trusthub.v1.customer_profiles(profile_sid).fetch()
    assert (profile.sid[:2], profile.friendly_name, profile.email, profile.status) == (
        "BU",
        "Happy Paws",
        "owner@happypaws.test",
        "pending-review",
    )
    assignments = twilio_client.trusthub.v1.customer_profiles(
        profile_sid
    ).customer_profiles_entity_assignments.list()
    assert len(assignments) == 2
    (owner,) = [
        u
        for u in twilio_client.trusthub.v1.end_users.list()
        if u.type == "starter_customer_profile_information"
    ]
    assert owner.attributes["first_name"] == "Ann"


def test_a_brand_goes_pending_in_review_approved_as_the_reviewers_decide(
    twilio_client: Client, twilio_sandbox: httpx.Client
) -> None:
    profile_sid, product_sid = submitted_bundles(twilio_client)
    brands = twilio_client.messaging.v1.brand_registrations
    brand = brands.create(
        customer_profile_bundle_sid=profile_sid,
        a2p_profile_bundle_sid=product_sid,
        brand_type="SOLE_PROPRIETOR",
    )
    assert brand.sid.startswith("BN") and len(brand.sid) == 34
    assert (brand.status, brand.brand_type, brand.tcr_id) == ("PENDING", "SOLE_PROPRIETOR", None)
    assert brand.customer_profile_bundle_sid == profile_sid and brand.a2p_profile_bundle_sid == product_sid
    assert [b.sid for b in brands.list()] == [brand.sid]

    twilio_sandbox.post(
        f"/sandbox/brands/{brand.sid}/status", json={"status": "IN_REVIEW"}
    ).raise_for_status()
    assert brands(brand.sid).fetch().status == "IN_REVIEW"
    twilio_sandbox.post(f"/sandbox/brands/{brand.sid}/status", json={"status": "APPROVED"}).raise_for_status()
    approved = brands(brand.sid).fetch()
    assert approved.status == "APPROVED" and approved.tcr_id
    assert approved.identity_status == "UNVERIFIED", "a sole proprietor still has to answer the OTP text"
    brands(brand.sid).brand_registration_otps.create()  # re-sending the OTP is accepted


def test_a_failed_brand_shows_why(twilio_client: Client, twilio_sandbox: httpx.Client) -> None:
    profile_sid, product_sid = submitted_bundles(twilio_client)
    brand = twilio_client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=profile_sid, a2p_profile_bundle_sid=product_sid
    )
    twilio_sandbox.post(
        f"/sandbox/brands/{brand.sid}/status",
        json={"status": "FAILED", "failure_reason": "EIN does not match"},
    ).raise_for_status()
    failed = twilio_client.messaging.v1.brand_registrations(brand.sid).fetch()
    assert (failed.status, failed.failure_reason, failed.brand_type) == (
        "FAILED",
        "EIN does not match",
        "STANDARD",
    )


def test_a_brand_needs_bundles_of_the_account(twilio_client: Client) -> None:
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.messaging.v1.brand_registrations.create(
            customer_profile_bundle_sid="BU" + "0" * 32, a2p_profile_bundle_sid="BU" + "1" * 32
        )
    assert (refused.value.status, refused.value.code) == (400, 20001)


def test_a_campaign_needs_an_approved_brand_then_its_service_sends_from_its_pool(
    twilio_client: Client, twilio_sandbox: httpx.Client, company_number: str
) -> None:
    profile_sid, product_sid = submitted_bundles(twilio_client)
    messaging = twilio_client.messaging.v1
    brand = messaging.brand_registrations.create(
        customer_profile_bundle_sid=profile_sid, a2p_profile_bundle_sid=product_sid
    )
    service = messaging.services.create(friendly_name="Happy Paws texting")
    (number,) = twilio_client.incoming_phone_numbers.list(phone_number=company_number)
    assert (
        messaging.services(service.sid).phone_numbers.create(phone_number_sid=number.sid).phone_number
        == company_number
    )
    campaign = dict(
        brand_registration_sid=brand.sid,
        description="Visit updates for pet owners",
        message_flow="Opt-in at signup",
        message_samples=["Rex was walked at 3pm", "Your invoice is ready"],
        us_app_to_person_usecase="MIXED",
        has_embedded_links=False,
        has_embedded_phone=False,
    )
    with pytest.raises(TwilioRestException) as too_early:
        messaging.services(service.sid).us_app_to_person.create(**campaign)
    assert too_early.value.code == 20001

    twilio_sandbox.post(f"/sandbox/brands/{brand.sid}/status", json={"status": "APPROVED"}).raise_for_status()
    created = messaging.services(service.sid).us_app_to_person.create(**campaign)
    assert (created.sid[:2], created.campaign_status, created.message_samples) == (
        "QE",
        "IN_PROGRESS",
        ["Rex was walked at 3pm", "Your invoice is ready"],
    )
    twilio_sandbox.post(
        f"/sandbox/campaigns/{created.sid}/status", json={"status": "VERIFIED"}
    ).raise_for_status()
    assert messaging.services(service.sid).us_app_to_person(created.sid).fetch().campaign_status == "VERIFIED"
    assert messaging.services(service.sid).fetch().us_app_to_person_registered is True

    sent = twilio_client.messages.create(to="+14155550142", messaging_service_sid=service.sid, body="Hi")
    assert (sent.from_, sent.messaging_service_sid, sent.status) == (company_number, service.sid, "accepted")


def test_v1_lists_are_paged_and_the_sdk_follows_the_pages(twilio_client: Client) -> None:
    end_users = twilio_client.trusthub.v1.end_users
    created = [
        end_users.create(friendly_name=f"user {i}", type="authorized_representative_1").sid for i in range(3)
    ]
    assert [u.sid for u in end_users.list(page_size=2)] == created
