"""Notifications registers its handlers explicitly; a declared event type left without a handler
stops the service at start-up (no side-effect imports, no silently dropped R-DELIV-8 texts)."""

from __future__ import annotations

import pytest
from notifications import bootstrap
from notifications.config import NotificationsSettings
from notifications.entrypoints import consumers
from petcare_kit.consumer import EventRouter, UnhandledEventTypes


def test_every_declared_event_type_has_its_handler():
    router = bootstrap.build_router(NotificationsSettings())
    router.check(bootstrap.CONSUMES)
    assert len(router.handled_types) == len(bootstrap.HANDLES)


def test_forgetting_the_r_deliv_8_handlers_fails_at_start_up():
    router = EventRouter(handles=bootstrap.HANDLES)
    consumers.register(router)  # alerts.register(router) forgotten
    with pytest.raises(UnhandledEventTypes, match="scheduling.visit.started"):
        router.check(bootstrap.CONSUMES)
