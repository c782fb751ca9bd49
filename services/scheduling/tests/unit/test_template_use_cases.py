"""R-SCHED-5 / R-SCHED-11 template use cases on fakes (no database): create, project, approve by hand
and automatically (once), end, and end a deactivated client's templates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID, uuid4

import pytest
from petcare_kit.client_directory import DirectoryCompany, DirectoryPerson
from petcare_kit.identity import Identity, Role
from scheduling.domain.catalogue import ScheduleBlock, Service
from scheduling.domain.errors import BlockNotAllowed, ClientInactive, PetsNotAllowed, StaffConflict
from scheduling.domain.pets import Pet
from scheduling.domain.recurrence import InvalidRecurrence
from scheduling.domain.templates import PeriodAlreadyApproved, Template, TemplateEnded, TemplateNotFound
from scheduling.service_layer import templates
from scheduling.service_layer.context import Context
from scheduling.service_layer.templates_commands import ApprovePeriod, CreateTemplate, EndTemplate
from scheduling.service_layer.templates_ports import ApprovedBy

from .fakes import FakeUnitOfWork

D = date.fromisoformat
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # Wednesday 4 March 2026, 10:00 in New York


class FakeTemplates:
    def __init__(self) -> None:
        self.rows: dict[UUID, Template] = {}
        self.next_auto: dict[UUID, datetime | None] = {}
        self.approvals: dict[tuple[UUID, date], ApprovedBy] = {}

    async def add(self, template: Template, *, next_auto_at: datetime | None) -> None:
        self.rows[template.id], self.next_auto[template.id] = template, next_auto_at

    async def save(self, template: Template, *, next_auto_at: datetime | None) -> None:
        await self.add(template, next_auto_at=next_auto_at)

    async def get(self, company_id: UUID, template_id: UUID, *, for_update: bool = False) -> Template:
        found = self.rows.get(template_id)
        if found is None or found.company_id != company_id:
            raise TemplateNotFound("No such template in your company.")
        return found

    async def page(self, company_id: UUID, *, limit: int, offset: int, client_id: UUID | None = None,
                   running_only: bool = False) -> list[Template]:
        mine = sorted((t for t in self.rows.values() if t.company_id == company_id
                       and client_id in (None, t.client_id) and not (running_only and t.ends_on)),
                      key=lambda t: (t.starts_on, t.id))
        return mine[offset:offset + limit]

    async def running_of_client(self, company_id: UUID, client_id: UUID) -> list[Template]:
        return [t for t in self.rows.values() if t.company_id == company_id and t.client_id == client_id
                and t.ends_on is None]

    async def approved_starts(self, company_id: UUID, template_id: UUID) -> set[date]:
        return {start for (tid, start) in self.approvals if tid == template_id}

    async def record_approval(self, company_id: UUID, template_id: UUID, start: date, end: date, *,
                              by: ApprovedBy, visit_count: int) -> bool:
        if (template_id, start) in self.approvals:
            return False
        self.approvals[(template_id, start)] = by
        return True


class FakeTemplatesUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.templates = FakeTemplates()


@dataclass
class At(Context):
    """A context whose clock reads `at`."""

    at: datetime = NOW

    def now(self) -> datetime:  # type: ignore[override]
        return self.at


@dataclass
class World:
    uow: FakeTemplatesUnitOfWork
    ctx: At
    client_id: UUID
    pet_id: UUID
    service: Service
    staff_id: UUID
    block: ScheduleBlock

    def create(self, **changes: Any) -> CreateTemplate:
        fields: dict[str, Any] = {
            "client_id": self.client_id, "pet_ids": [self.pet_id], "service_id": self.service.id,
            "starts_on": "2026-03-09", "start_time": "09:00",
            "repeat": {"frequency": "weekly", "weekdays": ["MO", "WE"]},
            "billing": {"frequency": "weekly"}, "auto_approve_days": 3}
        return CreateTemplate.model_validate({**fields, **changes})


@pytest.fixture
def world() -> World:
    uow = FakeTemplatesUnitOfWork()
    company_id, client_id, staff_id = uuid4(), uuid4(), uuid4()
    uow.people.companies[company_id] = DirectoryCompany(company_id, "Paws", time_zone="America/New_York")
    uow.people.persons[client_id] = DirectoryPerson(client_id, company_id, "client", "client", "Ada", "Lovelace")
    uow.people.persons[staff_id] = DirectoryPerson(staff_id, company_id, "staff", "staff", "Sam", "Sitter")
    pet = Pet(uuid4(), company_id, client_id, "Rex", "dog")
    uow.pets.rows[pet.id] = pet
    service = Service(uuid4(), company_id, "Dog walk", 30, 2500)
    uow.services.rows[service.id] = service
    block = ScheduleBlock(uuid4(), company_id, "Morning", time(7), time(11), frozenset({1, 3}))
    uow.blocks.rows[block.id] = block
    ctx = At(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id))
    return World(uow, ctx, client_id, pet.id, service, staff_id, block)


async def test_r_sched_5_a_template_is_stored_as_an_rrule_and_puts_nothing_on_the_calendar(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create())

    assert template.recurrence.rule == "FREQ=WEEKLY;WKST=MO;BYDAY=MO,WE"
    assert template.time_zone == "America/New_York" and template.duration_minutes == 30
    assert world.uow.visits.rows == {} and world.uow.published == [] and world.uow.commits == 1
    # The first period (9-15 March) is due on 6 March, local midnight (05:00 UTC).
    assert world.uow.templates.next_auto[template.id] == datetime(2026, 3, 6, 5, 0, tzinfo=UTC)


async def test_r_sched_5_projection_lists_periods_12_months_ahead(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create(billing={"frequency": "monthly"}))

    found = await templates.get_template(world.ctx, template.id)

    assert found.today == D("2026-03-04")
    assert [p.period.start for p in found.periods][:2] == [D("2026-03-01"), D("2026-04-01")]
    assert found.periods[-1].period.start == D("2027-03-01") and len(found.periods) == 13
    assert [o.date() for o in found.periods[0].occurrences] == [D("2026-03-09"), D("2026-03-11"), D("2026-03-16"),
                                                                D("2026-03-18"), D("2026-03-23"), D("2026-03-25"),
                                                                D("2026-03-30")]


async def test_r_sched_5_approving_a_period_by_hand_creates_its_visits_once(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create(auto_approve_days=None))

    created = await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=D("2026-03-09")))

    assert [(v.visit_date, v.start_time) for v in created] == [(D("2026-03-09"), time(9)), (D("2026-03-11"), time(9))]
    assert all(v.template_id == template.id and v.client_id == world.client_id for v in created)
    assert created[0].starts_at == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # 09:00 EDT (DST began 8 March)
    assert len(world.uow.events("scheduling.visit.scheduled")) == 2
    with pytest.raises(PeriodAlreadyApproved):
        await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=D("2026-03-09")))
    assert len(world.uow.visits.rows) == 2


async def test_r_sched_5_automatic_approval_creates_due_periods_once(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create(auto_approve_days=3))
    job = At(world.uow, Identity(Role.INTERNAL, company_id=world.ctx.company_id))

    assert await templates.approve_due(job, template.id, datetime(2026, 3, 5, 12, tzinfo=UTC)) == 0
    assert await templates.approve_due(job, template.id, datetime(2026, 3, 6, 12, tzinfo=UTC)) == 1
    assert await templates.approve_due(job, template.id, datetime(2026, 3, 6, 13, tzinfo=UTC)) == 0

    assert sorted(v.visit_date for v in world.uow.visits.rows.values()) == [D("2026-03-09"), D("2026-03-11")]
    assert world.uow.templates.approvals == {(template.id, D("2026-03-09")): "auto"}
    assert world.uow.templates.next_auto[template.id] == datetime(2026, 3, 13, 4, 0, tzinfo=UTC)  # EDT midnight


async def test_r_sched_4_a_hand_approval_refuses_a_staff_conflict_unless_overridden(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create(staff_id=str(world.staff_id),
                                                                       auto_approve_days=None))
    busy = await templates.create_template(world.ctx, world.create(staff_id=str(world.staff_id),
                                                                   auto_approve_days=None, start_time="09:15"))
    await templates.approve_period(world.ctx, busy.id, ApprovePeriod(period_start=D("2026-03-09")))

    with pytest.raises(StaffConflict):
        await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=D("2026-03-09")))
    assert await world.uow.templates.approved_starts(world.ctx.company_id, template.id) == {D("2026-03-09")}, \
        "the fake has no rollback: the SQL unit of work drops the approval with the refused visits"


async def test_r_sched_5_ending_stops_future_periods(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create())

    ended = await templates.end_template(world.ctx, template.id, EndTemplate(last_date=D("2026-03-10")))

    assert ended.ends_on == D("2026-03-10") and world.uow.templates.next_auto[template.id] is None
    found = await templates.get_template(world.ctx, template.id)
    assert [[o.date() for o in p.occurrences] for p in found.periods] == [[D("2026-03-09")]]
    with pytest.raises(TemplateEnded):
        await templates.end_template(world.ctx, template.id, EndTemplate())


async def test_r_sched_11_a_deactivated_clients_templates_end_from_today(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create(starts_on="2026-03-02"))
    other_client = await templates.create_template(world.ctx, world.create())
    world.uow.templates.rows[other_client.id] = replace(other_client, client_id=uuid4())
    job = At(world.uow, Identity(Role.INTERNAL, company_id=world.ctx.company_id))

    ended = await templates.end_client_templates(job, world.client_id)

    assert [t.id for t in ended] == [template.id]
    assert world.uow.templates.rows[template.id].ends_on == D("2026-03-03")
    assert world.uow.published == [], "nothing is sent to anyone (R-NEVER-4)"
    assert await templates.approve_due(job, template.id, datetime(2026, 3, 20, tzinfo=UTC)) == 0


async def test_r_sched_5_bad_templates_are_refused_and_nothing_is_stored(world: World) -> None:
    other = uuid4()
    world.uow.pets.rows[other] = Pet(other, world.ctx.company_id, uuid4(), "Tom", "cat")
    with pytest.raises(PetsNotAllowed):
        await templates.create_template(world.ctx, world.create(pet_ids=[str(other)]))
    with pytest.raises(InvalidRecurrence):
        await templates.create_template(world.ctx, world.create(repeat={"frequency": "weekly"}))
    with pytest.raises(BlockNotAllowed):  # the Morning block is Mondays and Wednesdays only
        await templates.create_template(world.ctx, world.create(
            start_time=None, schedule_block_id=str(world.block.id),
            repeat={"frequency": "weekly", "weekdays": ["MO", "FR"]}))
    person = world.uow.people.persons[world.client_id]
    world.uow.people.persons[world.client_id] = replace(person, active=False)
    with pytest.raises(ClientInactive):
        await templates.create_template(world.ctx, world.create())
    assert world.uow.templates.rows == {} and world.uow.commits == 0


async def test_r_sched_5_a_block_template_creates_block_visits(world: World) -> None:
    template = await templates.create_template(world.ctx, world.create(start_time=None,
                                                                       schedule_block_id=str(world.block.id)))

    created = await templates.approve_period(world.ctx, template.id, ApprovePeriod(period_start=D("2026-03-09")))

    assert [(v.block_id, v.start_time) for v in created] == [(world.block.id, None)] * 2
    assert created[0].starts_at == datetime(2026, 3, 9, 11, 0, tzinfo=UTC)  # the block's 07:00 EDT
