"""The catalogue through the HTTP API on a real PostgreSQL: services (R-SCHED-1), schedule blocks (R-SCHED-2)."""

from __future__ import annotations

from uuid import uuid4

from petcare_kit.identity import Identity, Role

from ..conftest import Service, admin_of

WALK = {"name": "Dog walk", "duration_minutes": 30, "price_cents": 2500, "client_selectable": True,
        "late_reminder_minutes": 15, "taxable": True}
MORNING = {"title": "Morning", "starts": "07:00", "ends": "11:00", "weekdays": [1, 2, 3, 4, 5]}


async def test_r_sched_1_a_service_has_duration_exact_price_blocks_late_reminder_and_tax(service: Service) -> None:
    admin = admin_of()
    block = (await service.call(admin, "POST", "/schedule-blocks", json=MORNING)).json()
    added = await service.call(admin, "POST", "/services", json={**WALK, "schedule_block_ids": [block["id"]]})

    assert added.status_code == 201, added.text
    assert {k: added.json()[k] for k in (*WALK, "schedule_block_ids", "active")} == {
        **WALK, "schedule_block_ids": [block["id"]], "active": True}


async def test_r_sched_1_a_service_is_renamed_and_disabled_never_deleted(service: Service) -> None:
    admin = admin_of()
    walk = (await service.call(admin, "POST", "/services", json=WALK)).json()

    renamed = await service.call(admin, "PATCH", f"/services/{walk['id']}", json={"name": "Walk (30 min)",
                                                                                  "active": False})
    assert renamed.status_code == 200 and (renamed.json()["name"], renamed.json()["active"]) == ("Walk (30 min)", False)
    assert (await service.call(admin, "DELETE", f"/services/{walk['id']}")).status_code == 405
    listed = (await service.call(admin, "GET", "/services")).json()["items"]
    assert [(s["id"], s["active"]) for s in listed] == [(walk["id"], False)]
    assert (await service.call(admin, "PATCH", f"/services/{walk['id']}", json={"late_reminder_minutes": None})
            ).json()["late_reminder_minutes"] is None


async def test_r_sched_1_names_are_unique_per_company_and_bad_input_changes_nothing(service: Service) -> None:
    admin = admin_of()
    await service.call(admin, "POST", "/services", json=WALK)

    taken = await service.call(admin, "POST", "/services", json={**WALK, "name": "  dog   WALK"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "service_name_taken"
    for bad in ({**WALK, "price_cents": 12.5}, {**WALK, "duration_minutes": 0}, {**WALK, "colour": "red"},
                {**WALK, "schedule_block_ids": [str(uuid4())]}, {**WALK, "name": None}):
        answer = await service.call(admin, "POST", "/services", json={**bad, "name": bad["name"] and "Other"})
        assert answer.status_code in (404, 422), (bad, answer.text)
        assert set(answer.json()["error"]) == {"code", "message", "details"}
    null_name = await service.call(admin, "PATCH", f"/services/{uuid4()}", json={"name": None})
    assert null_name.status_code == 422
    assert len((await service.call(admin, "GET", "/services")).json()["items"]) == 1
    assert (await service.call(admin_of(), "POST", "/services", json=WALK)).status_code == 201  # another company


async def test_r_sched_2_blocks_have_a_title_local_times_and_weekdays(service: Service) -> None:
    admin = admin_of()
    added = await service.call(admin, "POST", "/schedule-blocks", json=MORNING)
    assert added.status_code == 201
    assert {k: added.json()[k] for k in MORNING} == {**MORNING, "starts": "07:00:00", "ends": "11:00:00"}

    for bad in ({**MORNING, "title": "Late", "starts": "11:00", "ends": "07:00"},
                {**MORNING, "title": "Late", "weekdays": []}, {**MORNING, "title": "Late", "weekdays": [0]},
                {**MORNING, "title": "Late", "starts": "07:00+02:00"}):
        answer = await service.call(admin, "POST", "/schedule-blocks", json=bad)
        assert answer.status_code == 422, (bad, answer.text)
    moved = await service.call(admin, "PATCH", f"/schedule-blocks/{added.json()['id']}", json={"ends": "06:00"})
    assert moved.status_code == 422 and moved.json()["error"]["code"] == "invalid_schedule_block"
    blocks = (await service.call(admin, "GET", "/schedule-blocks")).json()["items"]
    assert [b["ends"] for b in blocks] == ["11:00:00"]


async def test_roles_clients_see_only_what_they_may_request_and_only_managers_change(service: Service) -> None:
    admin = admin_of()
    await service.call(admin, "POST", "/services", json=WALK)
    private = (await service.call(admin, "POST", "/services", json={**WALK, "name": "Meds",
                                                                     "client_selectable": False})).json()
    client = Identity(Role.CLIENT, person_id=uuid4(), company_id=admin.company_id)
    staff = Identity(Role.STAFF, person_id=uuid4(), company_id=admin.company_id)

    assert [s["name"] for s in (await service.call(client, "GET", "/services")).json()["items"]] == ["Dog walk"]
    assert (await service.call(client, "GET", f"/services/{private['id']}")).status_code == 404
    for who in (client, staff):
        refused = await service.call(who, "POST", "/services", json={**WALK, "name": "Sneaky"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_not_allowed"


async def test_tenant_another_companys_catalogue_ids_are_not_found(service: Service) -> None:
    admin, stranger = admin_of(), admin_of()
    walk = (await service.call(admin, "POST", "/services", json=WALK)).json()
    block = (await service.call(admin, "POST", "/schedule-blocks", json=MORNING)).json()

    for method, path, body in (("GET", f"/services/{walk['id']}", None),
                               ("PATCH", f"/services/{walk['id']}", {"name": "Mine now"}),
                               ("GET", f"/schedule-blocks/{block['id']}", None),
                               ("PATCH", f"/schedule-blocks/{block['id']}", {"title": "Mine now"}),
                               ("POST", "/services", {**WALK, "schedule_block_ids": [block["id"]]})):
        answer = await service.call(stranger, method, path, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    assert (await service.call(stranger, "GET", "/services")).json()["items"] == []
    assert (await service.call(admin, "GET", f"/services/{walk['id']}")).json()["name"] == "Dog walk"
