"""The composition root: the event types facility handles (declared, and checked against the
registered handlers at start-up), the consumer with its waiting room, background jobs, the API."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from petcare_contracts import EventPayload
from petcare_kit.app import create_service_app
from petcare_kit.client_directory import DIRECTORY_EVENTS
from petcare_kit.consumer import EventRouter
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.waiting import WaitingRoom

from facility.config import FacilitySettings
from facility.entrypoints import billing_consumers, consumers
from facility.entrypoints.api import catalogue, client_events, events, hub, spaces

GROUP = "facility"
"""The consumer group (and dead-letter topic `facility.dlq`); replicas share it."""
PUBLISHES = ["facility.events", "billing.commands"]  # the Client Hub asks billing (R-FAC-4, R-FAC-6)
CONSUMES = ["clients.events", "billing.events"]
HANDLES: list[type[EventPayload]] = [
    *DIRECTORY_EVENTS,  # people and companies (petcare_kit.client_directory)
    *consumers.PET_EVENTS,  # facility's pets read model
    *billing_consumers.EVENTS,  # the Client Hub: invoices, packages, billing's answers
]
"""Every event type facility acts on; any other type on the topics it reads is ignored."""
DESCRIPTION = """Facility (boarding and daycare): spaces, the facility's service list (daycare, overnight,
add-ons), events with check-in and check-out, the duplication tool; publishes `facility.events`."""


def build_router(settings: FacilitySettings) -> EventRouter:
    """The declared types, their handlers, and the room where events wait for unknown people."""
    room = WaitingRoom(GROUP, timedelta(seconds=settings.unknown_person_wait_seconds))
    router = EventRouter(handles=HANDLES, waiting=room)
    consumers.register(router)
    billing_consumers.register(router)
    return router


def create_app(settings: FacilitySettings | None = None) -> FastAPI:
    settings = settings or FacilitySettings()
    router = build_router(settings)
    runtime = ServiceRuntime(settings, publishes=PUBLISHES, consumer_group=GROUP, consumes=CONSUMES, router=router)
    if settings.run_consumers and router.waiting is not None:
        expiry = router.waiting.expiry_job(runtime.sessions)
        runtime.add_background_task(expiry.name, expiry.run_forever)
    return create_service_app(runtime, title="Facility", description=DESCRIPTION,
                              routers=[spaces.router, catalogue.router, events.router, client_events.router,
                                       hub.router])
