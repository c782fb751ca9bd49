"""scheduling's explicit handler registration: every declared event type has its handler, and a
forgotten registration stops the start-up (petcare_kit.consumer.UnhandledEventTypes)."""

from __future__ import annotations

import pytest
from petcare_contracts.events.clients import PetAdded, PetDetailsUpdated
from petcare_kit.client_directory import DIRECTORY_EVENTS
from petcare_kit.consumer import EventRouter, UnhandledEventTypes
from scheduling import bootstrap
from scheduling.config import SchedulingSettings


def test_every_declared_event_type_has_its_handler() -> None:
    router = bootstrap.build_router(SchedulingSettings())
    router.check(bootstrap.CONSUMES)
    assert len(router.handled_types) == len(bootstrap.HANDLES)
    assert {*DIRECTORY_EVENTS, PetAdded, PetDetailsUpdated} <= set(bootstrap.HANDLES)


def test_a_declared_event_type_without_a_handler_stops_the_start_up() -> None:
    router = EventRouter(handles=bootstrap.HANDLES)  # consumers.register(router) forgotten
    with pytest.raises(UnhandledEventTypes, match="no handler"):
        router.check(bootstrap.CONSUMES)
