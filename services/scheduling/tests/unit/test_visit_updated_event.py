"""`scheduling.visit.updated` on fakes: a PATCH of pets, service or duration is published once with
the new values (for billing), never with the staff-only note; a note-only edit publishes nothing
(R-SCHED-3, R-NEVER-2)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from petcare_contracts.events.scheduling import VisitUpdated
from scheduling.domain.catalogue import Service
from scheduling.service_layer import visits
from scheduling.service_layer.commands import UpdateVisit

from .fakes import FakeUnitOfWork
from .test_visit_use_cases import Company

NOTE = "Spare key in the blue flowerpot"
UPDATED = "scheduling.visit.updated"


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def co(uow: FakeUnitOfWork) -> Company:
    return Company(uow)


async def test_r_sched_3_a_new_service_pets_and_duration_are_published_once_without_the_staff_note(
        co: Company, uow: FakeUnitOfWork) -> None:
    visit = await visits.schedule_visit(co.ctx, co.visit(staff_note=NOTE))
    sitting = Service(uuid4(), co.id, "Cat sitting", 45, 4000, taxable=True)
    uow.services.rows[sitting.id] = sitting
    second = co.add_pet(co.client, "Tom")
    commits = uow.commits

    await visits.update_visit(co.ctx, visit.id, UpdateVisit.model_validate({
        "service_id": str(sitting.id), "pet_ids": [str(co.pet), str(second)], "duration_minutes": 60,
        "staff_note": NOTE + " (moved)"}))

    [event] = uow.events(UPDATED)
    assert (event["visit_id"], event["client_id"]) == (str(visit.id), str(co.client))
    assert (event["service_id"], event["service_name"]) == (str(sitting.id), "Cat sitting")
    assert event["pet_ids"] == [str(co.pet), str(second)] and event["duration_minutes"] == 60
    assert event["visit"]["service_name"] == "Cat sitting" and event["visit"]["pet_names"] == ["Rex", "Tom"]
    assert NOTE not in str(event) and "staff_note" not in event
    assert uow.commits == commits + 1
    assert VisitUpdated.model_validate(event).partition_key() == str(visit.id)


async def test_r_sched_3_only_what_changed_carries_a_value(co: Company, uow: FakeUnitOfWork) -> None:
    visit = await visits.schedule_visit(co.ctx, co.visit())

    await visits.update_visit(co.ctx, visit.id, UpdateVisit(duration_minutes=45))

    [event] = uow.events(UPDATED)
    assert event["duration_minutes"] == 45
    assert (event["service_id"], event["service_name"], event["pet_ids"]) == (None, None, None)


async def test_r_never_2_a_note_only_edit_or_an_edit_that_changes_nothing_publishes_nothing(
        co: Company, uow: FakeUnitOfWork) -> None:
    visit = await visits.schedule_visit(co.ctx, co.visit())

    await visits.update_visit(co.ctx, visit.id, UpdateVisit(staff_note=NOTE))
    await visits.update_visit(co.ctx, visit.id, UpdateVisit.model_validate(
        {"service_id": str(co.walk.id), "pet_ids": [str(co.pet)], "duration_minutes": 30}))

    assert uow.events(UPDATED) == []
    assert uow.visits.rows[visit.id].staff_note == NOTE
