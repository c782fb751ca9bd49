"""Texting registers its handlers explicitly; a declared event type left without a handler stops the
service at start-up."""

from __future__ import annotations

import pytest
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit.consumer import EventRouter, UnhandledEventTypes
from texting import bootstrap
from texting.entrypoints import consumers


def test_every_declared_event_type_has_its_handler():
    router = bootstrap.build_router()
    router.check(bootstrap.CONSUMES)
    assert len(router.handled_types) == len(bootstrap.HANDLES)


def test_a_declared_type_without_its_handler_fails_at_start_up():
    router = EventRouter(handles=bootstrap.HANDLES)
    for model, handler in [(m, consumers.on_plan_changed) for m in bootstrap.HANDLES if m is not SendTextRequested]:
        router.add(model, handler)
    with pytest.raises(UnhandledEventTypes, match="texting.text.send_requested"):
        router.check(bootstrap.CONSUMES)
