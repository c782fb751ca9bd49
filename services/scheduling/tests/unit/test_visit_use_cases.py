"""Visit use cases on fakes (no database): R-SCHED-3, R-SCHED-4, R-SCHED-10 / R-NEVER-2, the DST choice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import UUID, uuid4

import pytest
from petcare_kit.client_directory import DirectoryCompany, DirectoryPerson
from petcare_kit.identity import Identity, Role
from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.errors import (
    BlockNotAllowed,
    ClientInactive,
    ClientNotFound,
    CompanyNotKnownYet,
    PetsNotAllowed,
    ServiceDisabled,
    StaffConflict,
    StaffNotFound,
    VisitNotFound,
    VisitStatusConflict,
)
from scheduling.domain.pets import Pet
from scheduling.domain.visits import VisitStatus
from scheduling.service_layer import visits
from scheduling.service_layer.commands import (
    BulkCancelVisits,
    MoveVisit,
    ReassignVisit,
    ScheduleVisit,
    UpdateVisit,
)
from scheduling.service_layer.context import Context

from .fakes import FakeUnitOfWork

MONDAY = date(2026, 6, 1)
SCHEDULER_EDITS = ("scheduling.visit.scheduled", "scheduling.visit.moved", "scheduling.visit.reassigned",
                   "scheduling.visit.cancelled_by_staff", "scheduling.visit.deleted")


class Company:
    def __init__(self, uow: FakeUnitOfWork, tz: str = "America/New_York") -> None:
        self.uow, self.id = uow, uuid4()
        uow.people.companies[self.id] = DirectoryCompany(self.id, "Happy Paws", time_zone=tz)
        self.client, self.staff, self.other_staff = self.person("client"), self.person("staff"), self.person("staff")
        self.pet = self.add_pet(self.client)
        self.walk = Service(uuid4(), self.id, "Dog walk", 30, 2500, late_reminder_minutes=15)
        uow.services.rows[self.walk.id] = self.walk
        self.morning = ScheduleBlock(uuid4(), self.id, "Morning", time(7), time(11), frozenset({1, 2, 3, 4, 5}))
        uow.blocks.rows[self.morning.id] = self.morning
        self.ctx = Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=self.id))

    def person(self, kind: str, active: bool = True) -> UUID:
        person_id = uuid4()
        self.uow.people.persons[person_id] = DirectoryPerson(person_id, self.id, kind, kind, "Pat", kind.title(),  # type: ignore[arg-type]
                                                             active=active)
        return person_id

    def add_pet(self, owner: UUID, name: str = "Rex") -> UUID:
        pet = Pet(uuid4(), self.id, owner, name, "dog")
        self.uow.pets.rows[pet.id] = pet
        return pet.id

    def visit(self, **changes: object) -> ScheduleVisit:
        fields: dict[str, object] = {"client_id": self.client, "pet_ids": [self.pet], "service_id": self.walk.id,
                                     "visit_date": MONDAY, "start_time": time(9), "staff_id": self.staff}
        return ScheduleVisit.model_validate({**fields, **changes})


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def co(uow: FakeUnitOfWork) -> Company:
    return Company(uow)


async def test_r_sched_3_scheduling_stores_the_visit_publishes_it_and_commits_once(co: Company,
                                                                                  uow: FakeUnitOfWork) -> None:
    visit = await visits.schedule_visit(co.ctx, co.visit(staff_note="Key under the mat"))

    assert (visit.status, visit.duration_minutes, visit.staff_note) == (VisitStatus.SCHEDULED, 30, "Key under the mat")
    assert visit.starts_at == datetime(2026, 6, 1, 13, tzinfo=UTC)  # 09:00 EDT
    [event] = uow.events("scheduling.visit.scheduled")
    assert uow.versions("scheduling.visit.scheduled") == [2], "v2: with price and invoice for billing (R-INV-1)"
    assert event["visit"]["service_name"] == "Dog walk" and event["visit"]["pet_names"] == ["Rex"]
    assert event["visit"]["starts_at"].startswith("2026-06-01T09:00:00-04:00")
    assert "Key under the mat" not in str(event)
    assert uow.commits == 1


async def test_r_sched_3_only_the_clients_own_pets_and_never_an_inactive_client(co: Company,
                                                                              uow: FakeUnitOfWork) -> None:
    stranger = co.person("client")
    strangers_pet = co.add_pet(stranger, "Bella")
    with pytest.raises(PetsNotAllowed):
        await visits.schedule_visit(co.ctx, co.visit(pet_ids=[co.pet, strangers_pet]))
    inactive = co.person("client", active=False)
    with pytest.raises(ClientInactive):
        await visits.schedule_visit(co.ctx, co.visit(client_id=inactive, pet_ids=[co.add_pet(inactive)]))
    with pytest.raises(ClientNotFound):
        await visits.schedule_visit(co.ctx, co.visit(client_id=co.staff))
    with pytest.raises(StaffNotFound):
        await visits.schedule_visit(co.ctx, co.visit(staff_id=co.client))
    assert uow.visits.rows == {} and uow.published == [] and uow.commits == 0


async def test_r_sched_1_a_disabled_service_and_a_block_on_the_wrong_weekday_are_refused(co: Company,
                                                                                       uow: FakeUnitOfWork) -> None:
    with pytest.raises(BlockNotAllowed):
        await visits.schedule_visit(co.ctx, co.visit(start_time=None, schedule_block_id=co.morning.id,
                                                     visit_date=date(2026, 6, 6)))
    uow.services.rows[co.walk.id] = co.walk.changed(active=False)
    with pytest.raises(ServiceDisabled):
        await visits.schedule_visit(co.ctx, co.visit())


async def test_the_company_zone_must_be_known_first(uow: FakeUnitOfWork) -> None:
    co = Company(uow)
    uow.people.companies.clear()
    with pytest.raises(CompanyNotKnownYet):
        await visits.schedule_visit(co.ctx, co.visit())


async def test_dst_scheduling_at_0230_on_the_spring_forward_day_books_0330(co: Company) -> None:
    visit = await visits.schedule_visit(co.ctx, co.visit(visit_date=date(2026, 3, 8), start_time=time(2, 30)))

    assert (visit.visit_date, visit.start_time) == (date(2026, 3, 8), time(3, 30))
    assert visit.starts_at == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


async def test_r_sched_4_an_overlapping_visit_of_the_staff_member_is_refused_naming_it(co: Company,
                                                                                     uow: FakeUnitOfWork) -> None:
    first = await visits.schedule_visit(co.ctx, co.visit())

    with pytest.raises(StaffConflict) as refused:
        await visits.schedule_visit(co.ctx, co.visit(start_time=time(9, 15)))
    assert [c["visit_id"] for c in refused.value.details["conflicts"]] == [str(first.id)]
    assert len(uow.visits.rows) == 1 and uow.commits == 1

    overridden = await visits.schedule_visit(co.ctx, co.visit(start_time=time(9, 15), override_conflicts=True))
    assert overridden.id in uow.visits.rows
    other = await visits.schedule_visit(co.ctx, co.visit(start_time=time(9, 15), staff_id=co.other_staff))
    with pytest.raises(StaffConflict):
        await visits.reassign_visit(co.ctx, other.id, ReassignVisit(staff_id=co.staff))
    with pytest.raises(StaffConflict):
        await visits.move_visit(co.ctx, first.id, MoveVisit(visit_date=MONDAY, start_time=time(9, 30)))


async def test_r_sched_10_moves_reassignments_cancellations_and_deletions_publish_scheduler_edits_only(
        co: Company, uow: FakeUnitOfWork) -> None:
    visit = await visits.schedule_visit(co.ctx, co.visit())
    moved = await visits.move_visit(co.ctx, visit.id, MoveVisit(visit_date=MONDAY, schedule_block_id=co.morning.id))
    assert (moved.start_time, moved.block_id) == (None, co.morning.id)
    await visits.reassign_visit(co.ctx, visit.id, ReassignVisit(staff_id=co.other_staff))
    await visits.cancel_visit(co.ctx, visit.id)
    await visits.delete_visit(co.ctx, visit.id)

    assert [e.type for e in uow.published] == list(SCHEDULER_EDITS)
    assert uow.commits == 5 and uow.visits.rows == {}


async def test_r_sched_3_a_cancelled_visit_cannot_be_moved_or_cancelled_again(co: Company) -> None:
    visit = await visits.schedule_visit(co.ctx, co.visit())
    await visits.cancel_visit(co.ctx, visit.id)

    with pytest.raises(VisitStatusConflict):
        await visits.move_visit(co.ctx, visit.id, MoveVisit(visit_date=MONDAY, start_time=time(10)))
    with pytest.raises(VisitStatusConflict):
        await visits.cancel_visit(co.ctx, visit.id)
    noted = await visits.update_visit(co.ctx, visit.id, UpdateVisit(staff_note="Client travelling"))
    assert noted.staff_note == "Client travelling"


async def test_bulk_cancel_is_all_or_nothing(co: Company, uow: FakeUnitOfWork) -> None:
    one = await visits.schedule_visit(co.ctx, co.visit())
    two = await visits.schedule_visit(co.ctx, co.visit(visit_date=date(2026, 6, 2)))
    done = await visits.schedule_visit(co.ctx, co.visit(visit_date=date(2026, 6, 3)))
    await visits.cancel_visit(co.ctx, done.id)
    before = len(uow.published)

    with pytest.raises(VisitStatusConflict):
        await visits.bulk_cancel_visits(co.ctx, BulkCancelVisits(visit_ids=[one.id, two.id, done.id]))
    with pytest.raises(VisitNotFound):
        await visits.bulk_cancel_visits(co.ctx, BulkCancelVisits(visit_ids=[one.id, uuid4()]))
    assert len(uow.published) == before and uow.visits.rows[one.id].status == VisitStatus.SCHEDULED

    cancelled = await visits.bulk_cancel_visits(co.ctx, BulkCancelVisits(visit_ids=[one.id, two.id]))
    assert {v.status for v in cancelled} == {VisitStatus.CANCELLED}
    assert len(uow.events("scheduling.visit.cancelled_by_staff")) == 3


async def test_staff_see_only_their_own_visits_and_other_companies_see_none(co: Company, uow: FakeUnitOfWork) -> None:
    mine = await visits.schedule_visit(co.ctx, co.visit())
    theirs = await visits.schedule_visit(co.ctx, co.visit(staff_id=co.other_staff))
    staff = Context(uow, Identity(Role.STAFF, person_id=co.staff, company_id=co.id))

    assert [v.id for v in await visits.list_visits(staff, limit=50, offset=0)] == [mine.id]
    assert [v.id for v in await visits.list_visits(staff, limit=50, offset=0, staff_id=co.other_staff)] == [mine.id]
    with pytest.raises(VisitNotFound):
        await visits.get_visit(staff, theirs.id)
    stranger = Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4()))
    with pytest.raises(VisitNotFound):
        await visits.get_visit(stranger, mine.id)
    assert await visits.list_visits(stranger, limit=50, offset=0) == []
