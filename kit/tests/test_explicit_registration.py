"""A service declares the event types it handles; a declared type without a handler (or a handler
nobody declared, or a type whose topic is not subscribed) stops it at start-up instead of silently
dropping every message of that type."""

from __future__ import annotations

import pytest
from petcare_contracts.events import billing, clients
from petcare_kit.consumer import BatchConsumer, EventRouter, UnhandledEventTypes
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.settings import ServiceSettings


async def handler(uow, envelope, payload) -> None:  # a stand-in
    return None


def consumer(router: EventRouter, topics: list[str]) -> BatchConsumer:
    return BatchConsumer(group="demo", topics=topics, router=router, sessions=None)  # type: ignore[arg-type]  # the start-up check opens no database


def test_a_subscribed_event_type_without_a_handler_fails_at_start_up():
    router = EventRouter(handles=[clients.ClientAdded, billing.PaymentSucceeded])
    router.add(clients.ClientAdded, handler)
    with pytest.raises(UnhandledEventTypes, match="billing.payment.succeeded.*no handler"):
        consumer(router, ["clients.events", "billing.events"])
    router.add(billing.PaymentSucceeded, handler)
    consumer(router, ["clients.events", "billing.events"])  # complete: starts


async def test_the_service_runtime_refuses_to_be_built_with_a_missing_handler():
    router = EventRouter(handles=[clients.ClientAdded])
    settings = ServiceSettings(service_name="demo", database_url="postgresql+asyncpg://u:p@127.0.0.1:1/demo")
    with pytest.raises(UnhandledEventTypes):
        ServiceRuntime(settings, consumer_group="demo", consumes=["clients.events"], router=router)


def test_a_handler_of_an_undeclared_type_fails_at_start_up():
    router = EventRouter(handles=[clients.ClientAdded])
    router.add(clients.ClientAdded, handler)
    router.add(clients.StaffAdded, handler)
    with pytest.raises(UnhandledEventTypes, match="clients.staff.added.*does not declare"):
        consumer(router, ["clients.events"])


def test_a_handled_type_whose_topic_is_not_subscribed_fails_at_start_up():
    router = EventRouter(handles=[billing.PaymentSucceeded])
    router.add(billing.PaymentSucceeded, handler)
    with pytest.raises(UnhandledEventTypes, match="billing.events is not subscribed"):
        consumer(router, ["clients.events"])


def test_a_router_without_declarations_keeps_ignoring_types_it_has_no_handler_for():
    router = EventRouter()
    router.add(clients.ClientAdded, handler)
    consumer(router, ["clients.events"])
