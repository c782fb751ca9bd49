"""facility's use cases on fakes (no database, no broker): what they store, publish and commit, and
the explicit handler registration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from facility import bootstrap
from facility.config import FacilitySettings
from facility.domain.catalogue import ServiceKind
from facility.domain.errors import DateInPast, PetsNotAllowed, SpaceFull, SpaceNotFound
from facility.domain.pets import Pet
from facility.service_layer import catalogue, duplication, events, spaces
from facility.service_layer.catalogue_commands import AddService
from facility.service_layer.context import Context
from facility.service_layer.events_commands import AddAddOn, DuplicateEvent, ScheduleEvent
from facility.service_layer.spaces_commands import AddSpace, SetFacilitySettings
from petcare_kit.client_directory import DirectoryCompany, DirectoryPerson
from petcare_kit.consumer import EventRouter, UnhandledEventTypes
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

NY = ZoneInfo("America/New_York")
NOTE = "STAFF-NOTE-unit-3b1f: bites when fed"


def today() -> date:
    return datetime.now(NY).date()


@dataclass
class Company:
    ctx: Context
    uow: FakeUnitOfWork
    client_id: UUID
    pet_ids: tuple[UUID, UUID]
    other_pet: UUID
    space_id: UUID
    overnight_id: UUID
    bath_id: UUID


@pytest.fixture
async def company() -> Company:
    uow = FakeUnitOfWork()
    company_id, client_id, other = uuid4(), uuid4(), uuid4()
    ctx = Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=company_id))
    uow.people.companies[company_id] = DirectoryCompany(company_id, "Happy Paws", time_zone="America/New_York")
    for person in (client_id, other):
        uow.people.people[person] = DirectoryPerson(person, company_id, "client", "client", "Ada", "Tester")
    pets = (uuid4(), uuid4())
    for pet, owner in ((pets[0], client_id), (pets[1], client_id)):
        await uow.pets.save(Pet(pet, company_id, owner, "Rex", "dog"))
    other_pet = uuid4()
    await uow.pets.save(Pet(other_pet, company_id, other, "Bella", "dog"))
    space = await spaces.add_space(ctx, AddSpace(name="Suite 1", capacity=2))
    overnight = await catalogue.add_service(ctx, AddService(name="Boarding", kind=ServiceKind.OVERNIGHT,
                                                            price_cents=4500, taxable=True))
    bath = await catalogue.add_service(ctx, AddService(name="Bath", kind=ServiceKind.ADD_ON, price_cents=1500,
                                                       main_service_ids=[overnight.id]))
    uow.commits = 0
    return Company(ctx, uow, client_id, pets, other_pet, space.id, overnight.id, bath.id)


def stay(c: Company, starts_in: int, nights: int = 2, pets: int = 1) -> ScheduleEvent:
    return ScheduleEvent(client_id=c.client_id, pet_ids=list(c.pet_ids[:pets]), service_id=c.overnight_id,
                         space_id=c.space_id, starts_on=today() + timedelta(days=starts_in),
                         ends_on=today() + timedelta(days=starts_in + nights), note=NOTE)


async def test_r_fac_2_scheduling_stores_the_event_publishes_its_state_without_the_note_and_commits_once(
        company: Company) -> None:
    booked = await events.schedule_event(company.ctx, stay(company, 3))

    assert booked.warnings == [] and company.uow.commits == 1
    [published] = company.uow.events_of("facility.event.changed")
    assert published["facility_event_id"] == str(booked.details.event.id)
    assert published["nights"] == 2 and published["price_cents"] == 9000 and published["status"] == "scheduled"
    assert NOTE not in str(published) and "note" not in published


async def test_r_fac_2_another_client_s_pets_or_another_company_s_space_change_nothing(company: Company) -> None:
    with pytest.raises(PetsNotAllowed):
        await events.schedule_event(company.ctx, stay(company, 3).model_copy(update={"pet_ids": [company.other_pet]}))
    with pytest.raises(SpaceNotFound):
        await events.schedule_event(company.ctx, stay(company, 3).model_copy(update={"space_id": uuid4()}))
    assert company.uow.events.rows == {} and company.uow.published == [] and company.uow.commits == 0


async def test_capacity_warns_and_as_a_hard_limit_refuses(company: Company) -> None:
    await events.schedule_event(company.ctx, stay(company, 3, pets=2))
    over = await events.schedule_event(company.ctx, stay(company, 4))
    assert [(w.code, w.on) for w in over.warnings] == [("over_capacity", today() + timedelta(days=4))]

    await spaces.set_settings(company.ctx, SetFacilitySettings(capacity_is_hard_limit=True))
    with pytest.raises(SpaceFull):
        await events.schedule_event(company.ctx, stay(company, 4))
    assert len(company.uow.events.rows) == 2


async def test_r_fac_4_an_add_on_is_added_at_its_price_and_published(company: Company) -> None:
    event = (await events.schedule_event(company.ctx, stay(company, 3))).details.event
    details = await events.add_add_on(company.ctx, event.id, AddAddOn(service_id=company.bath_id))
    assert [(a.service_id, a.price_cents) for a in details.event.add_ons] == [(company.bath_id, 1500)]
    last = company.uow.events_of("facility.event.changed")[-1]
    assert last["revision"] == 2 and last["add_ons"][0]["service_name"] == "Bath"


async def test_r_fac_5_duplication_creates_each_future_date_and_refuses_past_and_full_dates_one_by_one(
        company: Company) -> None:
    await spaces.set_settings(company.ctx, SetFacilitySettings(capacity_is_hard_limit=True))
    source = (await events.schedule_event(company.ctx, stay(company, 3, nights=1, pets=2))).details.event
    await events.add_add_on(company.ctx, source.id, AddAddOn(service_id=company.bath_id))
    company.uow.published.clear()
    dates = [today() - timedelta(days=1), today() + timedelta(days=10), today() + timedelta(days=3),
             today() + timedelta(days=20)]

    done = await duplication.duplicate_event(company.ctx, source.id, DuplicateEvent(dates=dates))

    assert [b.details.event.when.starts_on for b in done.created] == [dates[1], dates[3]]
    assert [(r.on, r.code) for r in done.refused] == [(dates[0], "date_in_past"), (dates[2], "space_full")]
    assert all(b.details.event.note == NOTE and len(b.details.event.add_ons) == 1 for b in done.created)
    assert [e["duplicated_from"] for e in company.uow.events_of("facility.event.changed")] == [str(source.id)] * 2


async def test_r_fac_5_a_duplication_with_only_refused_dates_changes_nothing(company: Company) -> None:
    source = (await events.schedule_event(company.ctx, stay(company, 3))).details.event
    company.uow.published.clear()
    commits = company.uow.commits
    with pytest.raises(DateInPast) as refused:
        await duplication.duplicate_event(company.ctx, source.id, DuplicateEvent(dates=[today() - timedelta(days=2)]))
    assert refused.value.details["refused"][0]["code"] == "date_in_past"
    assert len(company.uow.events.rows) == 1 and company.uow.published == [] and company.uow.commits == commits


def test_every_declared_event_type_has_its_handler() -> None:
    router = bootstrap.build_router(FacilitySettings())
    router.check(bootstrap.CONSUMES)
    assert len(router.handled_types) == len(bootstrap.HANDLES)


def test_a_declared_event_type_without_a_handler_stops_the_start_up() -> None:
    router = EventRouter(handles=bootstrap.HANDLES)  # consumers.register(router) forgotten
    with pytest.raises(UnhandledEventTypes, match="no handler"):
        router.check(bootstrap.CONSUMES)
