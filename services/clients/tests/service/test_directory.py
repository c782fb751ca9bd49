"""Clients, pets, staff and company settings: what a business sees and what each change publishes."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from petcare_kit.identity import Identity, Role

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_CLIENT = {
    "first_name": "Ada", "last_name": "Lovelace", "emails": ["Ada@Example.com", "ada.work@example.com"],
    "phones": [{"label": "mobile", "number": "(416) 555-0199"}, {"label": "home", "number": "+44 20 7946 0958"}],
    "address": {"line1": "1 Bark St", "city": "Toronto", "region": "ON", "postal_code": "M5V 1A1", "country": "CA"},
    "custom_fields": {"Gate code": "1234"}, "notes": "Dog is shy with strangers.",
}


async def add_client(service, company, **overrides) -> dict:
    """A new client; each gets its own sign-in email unless the test names one."""
    unique = {"emails": [f"client.{uuid4().hex[:8]}@example.com"]}
    response = await service.as_(company.admin).post("/clients", json=NEW_CLIENT | unique | overrides)
    assert response.status_code == 201, response.text
    return response.json()


def types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


async def test_adding_a_client_publishes_one_event_with_the_contact(service, company):
    since = await service.last_seq()
    client = await add_client(service, company, emails=NEW_CLIENT["emails"])
    assert client["emails"] == ["ada@example.com", "ada.work@example.com"]
    assert client["phones"][0]["e164"] == "+14165550199"
    [event] = await service.events(since=since)
    assert event["type"] == "clients.client.added" and event["version"] == 1
    assert event["company_id"] == str(company.id)
    assert event["actor"] == {"kind": "admin", "id": str(company.admin.person_id)}
    assert event["data"]["client_id"] == client["id"]
    assert event["data"]["contact"]["custom_fields"] == {"Gate code": "1234"}


async def test_r_email_7_send_activation_email_ticked_requests_the_email(service, company):
    since = await service.last_seq()
    client = await add_client(service, company, send_activation_email=True, emails=["Ada@Example.com"])
    events = await service.events(since=since)
    assert types(events) == ["clients.client.added", "clients.portal.activation_email_requested"]
    request = events[1]["data"]
    assert request["client_id"] == client["id"] and request["email"] == "ada@example.com"
    assert request["requested_by"] == "business"
    assert "token=" in request["activation_url"]


async def test_r_email_7_without_the_box_ticked_no_email_is_requested(service, company):
    since = await service.last_seq()
    await add_client(service, company, send_activation_email=False)
    assert types(await service.events(since=since)) == ["clients.client.added"]


async def test_r_never_3_updating_client_or_pet_details_requests_no_email(service, company):
    client = await add_client(service, company)
    admin = service.as_(company.admin)
    pet = (await admin.post(f"/clients/{client['id']}/pets", json={"name": "Rex", "species": "dog"})).json()
    since = await service.last_seq()
    response = await admin.patch(f"/clients/{client['id']}",
                                 json={"phones": [{"label": "mobile", "number": "4165550100"}]})
    assert response.status_code == 200 and response.json()["phones"][0]["e164"] == "+14165550100"
    assert (await admin.patch(f"/clients/{client['id']}/pets/{pet['id']}", json={"breed": "Collie"})).status_code == 200
    events = await service.events(since=since)
    assert types(events) == ["clients.client.details_updated", "clients.pet.details_updated"]
    assert events[0]["data"]["changed_fields"] == ["phones"]
    assert events[1]["data"]["changed_fields"] == ["breed"]


async def test_an_update_that_changes_nothing_publishes_nothing(service, company):
    client = await add_client(service, company)
    since = await service.last_seq()
    response = await service.as_(company.admin).patch(f"/clients/{client['id']}", json={"first_name": "Ada"})
    assert response.status_code == 200
    assert await service.events(since=since) == []


async def test_r_inact_4_a_client_cannot_be_deleted_and_is_told_to_deactivate(service, company):
    client = await add_client(service, company)
    since = await service.last_seq()
    response = await service.as_(company.admin).delete(f"/clients/{client['id']}")
    assert response.status_code == 405
    error = response.json()["error"]
    assert error["code"] == "client_delete_not_supported" and "inactive" in error["message"]
    assert (await service.as_(company.admin).get(f"/clients/{client['id']}")).status_code == 200
    assert await service.events(since=since) == []


async def test_r_inact_3_deactivation_publishes_the_options_defaulting_on(service, company):
    admin = service.as_(company.admin)
    first, second = await add_client(service, company), await add_client(service, company)
    since = await service.last_seq()
    assert (await admin.post(f"/clients/{first['id']}/deactivate")).json()["active"] is False
    response = await admin.post(f"/clients/{second['id']}/deactivate", json={"delete_templates": False})
    assert response.status_code == 200
    events = await service.events(since=since)
    assert [(e["type"], e["data"]["delete_future_visits"], e["data"]["delete_templates"]) for e in events] == [
        ("clients.client.deactivated", True, True), ("clients.client.deactivated", True, False)]


async def test_r_inact_1_deactivating_twice_is_refused_and_reactivation_works(service, company):
    admin = service.as_(company.admin)
    client = await add_client(service, company)
    await admin.post(f"/clients/{client['id']}/deactivate")
    again = await admin.post(f"/clients/{client['id']}/deactivate")
    assert again.status_code == 409 and again.json()["error"]["code"] == "client_already_inactive"
    since = await service.last_seq()
    assert (await admin.post(f"/clients/{client['id']}/reactivate")).json()["active"] is True
    assert types(await service.events(since=since)) == ["clients.client.reactivated"]
    listed = (await admin.get("/clients", params={"active": "true"})).json()
    assert client["id"] in [c["id"] for c in listed]


async def test_r_never_4_r_inact_5_deactivation_and_reactivation_request_no_notification(service, company):
    admin = service.as_(company.admin)
    client = await add_client(service, company, send_activation_email=True)
    since = await service.last_seq()
    await admin.post(f"/clients/{client['id']}/deactivate")
    await admin.post(f"/clients/{client['id']}/reactivate")
    assert not [t for t in types(await service.events(since=since)) if t.endswith("_requested")]


async def test_r_email_8_portal_instructions_are_requested_for_the_client(service, company):
    client = await add_client(service, company, emails=["ada@example.com"])
    since = await service.last_seq()
    response = await service.as_(company.admin).post(f"/clients/{client['id']}/portal-instructions")
    assert response.status_code == 202
    [event] = await service.events(since=since)
    assert event["type"] == "clients.portal.instructions_requested"
    assert event["data"]["email"] == "ada@example.com" and company.slug in event["data"]["portal_url"]


async def test_portal_emails_need_an_email_and_an_active_client(service, company):
    admin = service.as_(company.admin)
    no_email = await add_client(service, company, emails=[])
    response = await admin.post(f"/clients/{no_email['id']}/portal-instructions")
    assert response.status_code == 422 and response.json()["error"]["code"] == "client_has_no_email"
    inactive = await add_client(service, company)
    await admin.post(f"/clients/{inactive['id']}/deactivate")
    response = await admin.post(f"/clients/{inactive['id']}/activation-email")
    assert response.status_code == 409 and response.json()["error"]["code"] == "client_inactive"


async def test_two_people_of_one_company_cannot_share_a_sign_in_email(service, company, new_company):
    await add_client(service, company, emails=["shared@example.com"])
    response = await service.as_(company.admin).post("/clients", json=NEW_CLIENT | {"emails": ["SHARED@example.com"]})
    assert response.status_code == 409 and response.json()["error"]["code"] == "email_already_used"
    other_company = await new_company("Other Paws", "boss@other.com")
    assert (await service.as_(other_company.admin).post(
        "/clients", json=NEW_CLIENT | {"emails": ["shared@example.com"]})).status_code == 201


async def test_company_settings_change_publishes_a_snapshot(service, company):
    since = await service.last_seq()
    response = await service.as_(company.admin).patch("/company", json={
        "portal_request_mode": "specific_visits", "cancellations_auto_approve": True})
    assert response.status_code == 200 and response.json()["portal_request_mode"] == "specific_visits"
    [event] = await service.events(since=since)
    assert event["type"] == "clients.company.settings_changed"
    assert event["data"] | {} == event["data"] and event["data"]["cancellations_auto_approve"] is True
    assert event["data"]["time_zone"] == "America/Toronto"
    bad = await service.as_(company.admin).patch("/company", json={"time_zone": "Mars/Olympus"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_time_zone"


async def test_staff_lifecycle_and_only_admins_make_admins(service, company):
    admin = service.as_(company.admin)
    since = await service.last_seq()
    manager = (await admin.post("/staff", json={"role": "office_manager", "first_name": "Mo", "last_name": "Manager",
                                                "email": "mo@happypaws.com"})).json()
    as_manager = service.as_(Identity(Role.OFFICE_MANAGER, person_id=UUID(manager["id"]), company_id=company.id))
    refused = await as_manager.post("/staff", json={"role": "admin", "first_name": "X", "last_name": "Y",
                                                    "email": "x@happypaws.com"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "admin_only"
    walker = (await as_manager.post("/staff", json={"first_name": "Wally", "last_name": "Walker",
                                                    "email": "wally@happypaws.com",
                                                    "phones": [{"number": "212-555-0123"}]})).json()
    assert (await as_manager.post(f"/staff/{walker['id']}/deactivate")).json()["active"] is False
    assert types(await service.events(since=since)) == [
        "clients.staff.added", "clients.staff.added", "clients.staff.deactivated"]
