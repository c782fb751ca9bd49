"""Calendar feeds through the HTTP API on a real PostgreSQL (R-SCHED-12): the address of a staff
member's and a client's feed, the public .ics behind it parsed back with `icalendar`, a template's
visits expanded, the staff-only note only in the staff feed, wrong and revoked tokens 404, nothing
of another company."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from icalendar import Calendar
from petcare_kit.identity import Identity, Role
from petcare_tools.testing.local_today import local_today

from ..conftest import Service, admin_of, make_world
from .test_templates_api import next_monday, template_body
from .test_visits_api import NOTE, booking, catalogue

NY = ZoneInfo("America/New_York")
PREFIX = "/api/scheduling"


def soon(days: int) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


async def address(service: Service, who: Identity, kind: str, person_id: object, *, regenerate: bool = False) -> str:
    path = f"/calendar/{kind}/{person_id}/subscription" + ("/regenerate" if regenerate else "")
    answer = await service.call(who, "POST", path)
    assert answer.status_code == 200, answer.text
    assert answer.json()["path"].startswith(f"{PREFIX}/calendar/{kind}/{person_id}.ics?token=")
    return str(answer.json()["path"]).removeprefix(PREFIX)


async def read(service: Service, path: str) -> Calendar:
    """What a calendar app does: GET with no identity at all, and parse the text."""
    answer = await service.http.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(answer.content)


def events(calendar: Calendar) -> list[Any]:
    return sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))


async def test_r_sched_12_a_staff_feed_validates_and_carries_their_visits_with_local_times(service: Service) -> None:
    world = await make_world(service)
    walk, block = await catalogue(service, world)
    mine = (await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, visit_date=soon(3), staff_note=NOTE))).json()
    await service.call(world.admin, "POST", "/visits", json=booking(world, walk, visit_date=soon(4), staff_id=None))
    cancelled = (await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, visit_date=soon(5)))).json()
    await service.call(world.admin, "POST", f"/visits/{cancelled['id']}/cancel")

    calendar = await read(service, await address(service, world.staff, "staff", world.staff_id))

    assert calendar["VERSION"] == "2.0" and calendar["X-WR-TIMEZONE"] == "America/New_York"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    [visit] = events(calendar)
    assert visit["UID"] == f"visit-{mine['id']}@petcare"
    starts = visit.decoded("dtstart")
    assert (starts.date().isoformat(), starts.time().isoformat(), str(starts.tzinfo)) == (
        soon(3), "09:00:00", "America/New_York")
    assert visit.decoded("dtend") - starts == timedelta(minutes=30)
    assert "Dog walk: Ada Tester (Rex)" == str(visit["SUMMARY"])
    assert NOTE in str(visit["DESCRIPTION"]), "the staff feed carries the staff-only note"
    assert visit["STATUS"] == "CONFIRMED"


async def test_r_sched_12_the_client_feed_has_their_visits_and_never_the_staff_note(service: Service) -> None:
    world = await make_world(service)
    walk, block = await catalogue(service, world)
    await service.call(world.admin, "POST", "/visits", json=booking(world, walk, visit_date=soon(2), staff_note=NOTE))
    await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, visit_date=soon(3), start_time=None, schedule_block_id=block["id"], staff_note=NOTE))
    await service.call(world.admin, "POST", "/visits", json=booking(
        world, walk, client_id=str(world.other_client_id), pet_ids=[str(world.other_pet)], visit_date=soon(2),
        start_time="13:00"))

    answer = await service.http.get(await address(service, world.client, "clients", world.client_id))

    assert "Alarm code" not in answer.text and "Staff note" not in answer.text
    found = events(Calendar.from_ical(answer.content))
    assert [str(e["SUMMARY"]) for e in found] == ["Dog walk for Rex", "Dog walk for Rex"], "only their own"
    block_visit = found[1]
    assert (block_visit.decoded("dtstart").time().isoformat(), block_visit.decoded("dtend").time().isoformat()) == (
        "07:00:00", "11:00:00"), "a block visit spans its block"
    assert "Your sitter: Sam Tester" in str(found[0]["DESCRIPTION"])


async def test_r_sched_12_a_templates_visits_appear_expanded_real_and_projected(service: Service) -> None:
    world = await make_world(service)
    walk, _ = await catalogue(service, world)
    body = template_body(world, walk, staff_id=str(world.staff_id), starts_on=next_monday(3).isoformat(),
                         repeat={"frequency": "weekly", "interval": 1, "weekdays": ["MO", "TH"]})
    template = (await service.call(world.admin, "POST", "/templates", json=body)).json()
    detail = (await service.call(world.admin, "GET", f"/templates/{template['id']}")).json()
    first = detail["periods"][0]
    approved = await service.call(world.admin, "POST", f"/templates/{template['id']}/approvals",
                                  json={"period_start": first["start"]})
    assert approved.status_code == 201, approved.text
    real = {v["id"] for v in approved.json()["visits"]}
    projected_dates = [v["visit_date"] for p in detail["periods"][1:] for v in p["visits"]]

    for calendar in (await read(service, await address(service, world.staff, "staff", world.staff_id)),
                     await read(service, await address(service, world.client, "clients", world.client_id))):
        found = events(calendar)
        assert {str(e["UID"]) for e in found if e["STATUS"] == "CONFIRMED"} == {f"visit-{v}@petcare" for v in real}
        tentative = [e for e in found if e["STATUS"] == "TENTATIVE"]
        assert [e.decoded("dtstart").date().isoformat() for e in tentative] == projected_dates
        assert all(e.decoded("dtstart").time().isoformat() == "09:00:00" for e in found)
        assert {e.decoded("dtstart").weekday() for e in found} == {0, 3}, "Mondays and Thursdays"
        assert len(found) > 90, "a year of twice-weekly visits"
        assert all("(planned)" in str(e["SUMMARY"]) for e in tentative)


async def test_r_sched_12_a_wrong_missing_or_revoked_token_is_404(service: Service) -> None:
    world = await make_world(service)
    old = await address(service, world.staff, "staff", world.staff_id)
    assert old == await address(service, world.admin, "staff", world.staff_id), "the same address until regenerated"
    path, _, token = old.partition("?token=")

    wrong = await service.http.get(f"{path}?token={token[:-2]}xx")
    missing = await service.http.get(path)
    as_client_feed = await service.http.get(f"/calendar/clients/{world.staff_id}.ics?token={token}")
    new = await address(service, world.staff, "staff", world.staff_id, regenerate=True)
    revoked = await service.http.get(old)

    for answer in (wrong, missing, as_client_feed, revoked):
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, "calendar_feed_not_found")
    assert new != old and (await service.http.get(new)).status_code == 200


async def test_r_sched_12_addresses_only_for_oneself_or_by_a_manager_of_the_same_company(service: Service) -> None:
    world = await make_world(service)
    other_staff = Identity(Role.STAFF, person_id=uuid4(), company_id=world.company_id)
    other_client = Identity(Role.CLIENT, person_id=world.other_client_id, company_id=world.company_id)
    refused = [
        (other_staff, "staff", world.staff_id), (world.client, "staff", world.staff_id),
        (other_client, "clients", world.client_id), (world.staff, "clients", world.client_id),
        (admin_of(), "staff", world.staff_id), (admin_of(), "clients", world.client_id),
        (world.admin, "staff", world.client_id), (world.admin, "clients", world.staff_id),
    ]
    for who, kind, person in refused:
        answer = await service.call(who, "POST", f"/calendar/{kind}/{person}/subscription")
        assert answer.status_code in (403, 404), (who, kind, answer.text)
    assert await service.sql("SELECT * FROM calendar_feeds") == []
    assert await address(service, world.admin, "clients", world.client_id)


async def test_r_sched_12_a_feed_never_shows_another_companys_visits(service: Service) -> None:
    world = await make_world(service)
    elsewhere = await make_world(service)
    for w in (world, elsewhere):
        walk, _ = await catalogue(service, w)
        await service.call(w.admin, "POST", "/visits", json=booking(w, walk, visit_date=soon(2)))
    calendar = await read(service, await address(service, world.client, "clients", world.client_id))
    [only] = events(calendar)
    [visit] = await service.sql("SELECT id FROM visits WHERE company_id = :c", c=world.company_id)
    assert only["UID"] == f"visit-{visit.id}@petcare"
    assert date.fromisoformat(soon(2)) == only.decoded("dtstart").date()


async def test_r_sched_12_a_deactivated_staff_members_feed_stops_answering(service: Service) -> None:
    from petcare_contracts.events.clients import StaffDeactivated

    world = await make_world(service)
    path = await address(service, world.staff, "staff", world.staff_id)
    await service.feed(StaffDeactivated(staff_id=world.staff_id), world.company_id)

    answer = await service.http.get(path)

    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "calendar_feed_not_found")
