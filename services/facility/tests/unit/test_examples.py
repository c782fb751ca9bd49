"""facility's use cases on fakes (no database, no broker), and its explicit handler registration."""

from __future__ import annotations

from uuid import uuid4

import pytest
from facility import bootstrap
from facility.config import FacilitySettings
from facility.domain.errors import ExampleNotFound, ExampleTitleTaken
from facility.service_layer import examples
from facility.service_layer.commands import AddExample
from facility.service_layer.context import Context
from petcare_kit.consumer import EventRouter, UnhandledEventTypes
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def ctx(uow: FakeUnitOfWork) -> Context:
    return Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4()))


async def test_adding_an_example_stores_it_publishes_it_and_commits_once(ctx: Context, uow: FakeUnitOfWork) -> None:
    example = await examples.add_example(ctx, AddExample(title="Daily walk"))

    assert await examples.get_example(ctx, example.id) == example
    assert uow.events("facility.example.added") == [{"example_id": str(example.id), "title": "Daily walk"}]
    assert uow.published[0].company_id == ctx.company_id
    assert uow.commits == 1


async def test_r_example_1_a_title_taken_in_the_company_is_refused_and_nothing_changes(
        ctx: Context, uow: FakeUnitOfWork) -> None:
    await examples.add_example(ctx, AddExample(title="Daily walk"))

    with pytest.raises(ExampleTitleTaken):
        await examples.add_example(ctx, AddExample(title="  daily   WALK "))
    assert len(uow.examples.rows) == 1 and len(uow.published) == 1 and uow.commits == 1


async def test_another_company_neither_sees_nor_blocks_the_example(ctx: Context, uow: FakeUnitOfWork) -> None:
    example = await examples.add_example(ctx, AddExample(title="Daily walk"))
    other = Context(uow, Identity(Role.ADMIN, person_id=uuid4(), company_id=uuid4()))

    with pytest.raises(ExampleNotFound):
        await examples.get_example(other, example.id)
    assert await examples.list_examples(other, limit=50, offset=0) == []
    await examples.add_example(other, AddExample(title="Daily walk"))


def test_every_declared_event_type_has_its_handler() -> None:
    router = bootstrap.build_router(FacilitySettings())
    router.check(bootstrap.CONSUMES)
    assert len(router.handled_types) == len(bootstrap.HANDLES)


def test_a_declared_event_type_without_a_handler_stops_the_start_up() -> None:
    router = EventRouter(handles=bootstrap.HANDLES)  # consumers.register(router) forgotten
    with pytest.raises(UnhandledEventTypes, match="no handler"):
        router.check(bootstrap.CONSUMES)
