"""A company always keeps an active admin: only an admin makes or changes an admin, so a company
left without one could never get one back (issue 9, item 7)."""

from __future__ import annotations

import asyncio
from uuid import UUID

import pytest
from petcare_kit.identity import Identity, Role

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def add_admin(service, company, email: str) -> Identity:
    response = await service.as_(company.admin).post(
        "/staff", json={"role": "admin", "first_name": "Second", "last_name": "Admin", "email": email})
    assert response.status_code == 201, response.text
    return Identity(Role.ADMIN, person_id=UUID(response.json()["id"]), company_id=company.id)


def assert_last_admin(response) -> None:
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "last_admin"


async def test_the_only_admin_cannot_demote_themself(service, new_company):
    company = await new_company("Solo Paws", "solo@paws.com")
    admin = service.as_(company.admin)
    since = await service.last_seq()
    assert_last_admin(await admin.patch(f"/staff/{company.admin.person_id}", json={"role": "staff"}))
    assert_last_admin(await admin.patch(f"/staff/{company.admin.person_id}", json={"role": "office_manager"}))
    assert (await admin.get(f"/staff/{company.admin.person_id}")).json()["role"] == "admin"
    assert await service.events(since=since) == [], "a refused change publishes nothing"


async def test_the_last_active_admin_cannot_be_deactivated_by_another_admin_who_was_demoted(service, new_company):
    company = await new_company("Duo Paws", "duo@paws.com")
    second = await add_admin(service, company, "second@duo.com")
    # The second admin demotes the first: allowed, one admin (the second) remains.
    response = await service.as_(second).patch(f"/staff/{company.admin.person_id}", json={"role": "staff"})
    assert response.status_code == 200, response.text
    # Now the second is the last one: neither demotion nor deactivation leaves the company without.
    assert_last_admin(await service.as_(second).patch(f"/staff/{second.person_id}", json={"role": "staff"}))
    # An office manager cannot touch an admin anyway; an admin deactivating the last admin is the case.
    third = await add_admin(service, company, "third@duo.com")
    assert (await service.as_(third).post(f"/staff/{second.person_id}/deactivate")).status_code == 200
    assert_last_admin(await service.as_(third).patch(f"/staff/{third.person_id}", json={"role": "staff"}))


async def test_deactivating_the_last_active_admin_is_refused(service, new_company):
    company = await new_company("Trio Paws", "trio@paws.com")
    second = await add_admin(service, company, "second@trio.com")
    # The second admin was made staff meanwhile, but still holds a request signed as an admin.
    await service.sql("UPDATE staff SET role = 'staff' WHERE id = :id", id=second.person_id)
    assert_last_admin(await service.as_(second).post(f"/staff/{company.admin.person_id}/deactivate"))
    assert (await service.as_(company.admin).get(f"/staff/{company.admin.person_id}")).json()["active"] is True


async def test_other_changes_to_the_last_admin_still_work(service, new_company):
    company = await new_company("Name Paws", "name@paws.com")
    response = await service.as_(company.admin).patch(f"/staff/{company.admin.person_id}",
                                                      json={"first_name": "Olivia", "role": "admin"})
    assert response.status_code == 200, response.text
    assert response.json()["first_name"] == "Olivia"


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(service, new_company):
    company = await new_company("Race Paws", "race@paws.com")
    second = await add_admin(service, company, "second@race.com")
    first = company.admin
    responses = await asyncio.gather(
        service.as_(first).patch(f"/staff/{second.person_id}", json={"role": "staff"}),
        service.as_(second).patch(f"/staff/{first.person_id}", json={"role": "staff"}),
    )
    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    staff = (await service.as_(first).get("/staff")).json()
    assert [m for m in staff if m["role"] == "admin" and m["active"]], staff
