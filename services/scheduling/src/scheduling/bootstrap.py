"""The composition root: the event types scheduling handles (declared, and checked against the
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

from scheduling.config import SchedulingSettings
from scheduling.entrypoints import consumers, field_jobs, invoices_consumers, template_consumers, template_jobs
from scheduling.entrypoints.api import calendar, catalogue, field, invoices, requests, templates, visits

GROUP = "scheduling"
"""The consumer group (and dead-letter topic `scheduling.dlq`); replicas share it."""
PUBLISHES = ["scheduling.events"]
CONSUMES = ["clients.events", "billing.events"]
HANDLES: list[type[EventPayload]] = [
    *DIRECTORY_EVENTS,  # people and companies (petcare_kit.client_directory)
    *consumers.PET_EVENTS,  # scheduling's pets read model
    *invoices_consumers.INVOICE_EVENTS,  # which visits are on which invoice (R-SCHED-10)
]
"""Every event type scheduling acts on; any other type on the topics it reads is ignored."""
DESCRIPTION = """Scheduling: the service catalogue, schedule blocks, visits, templates (repeat schedules),
client requests and the day in the field (start, complete, late) of each company; publishes
`scheduling.events`."""


def build_router(settings: SchedulingSettings) -> EventRouter:
    """The declared types, their handlers, and the room where events wait for unknown people."""
    room = WaitingRoom(GROUP, timedelta(seconds=settings.unknown_person_wait_seconds))
    router = EventRouter(handles=HANDLES, waiting=room)
    consumers.register(router)
    template_consumers.register(router)  # after consumers: it wraps the client.deactivated handler
    invoices_consumers.register(router)
    return router


def create_app(settings: SchedulingSettings | None = None) -> FastAPI:
    settings = settings or SchedulingSettings()
    router = build_router(settings)
    runtime = ServiceRuntime(settings, publishes=PUBLISHES, consumer_group=GROUP, consumes=CONSUMES, router=router)
    if settings.run_consumers and router.waiting is not None:
        expiry = router.waiting.expiry_job(runtime.sessions)
        runtime.add_background_task(expiry.name, expiry.run_forever)
    if settings.run_consumers:  # background work runs where the consumers do (off in service tests)
        late = field_jobs.late_job(runtime.sessions, settings.late_check_interval_seconds)
        runtime.add_background_task(late.name, late.run_forever)
    template_jobs.start(runtime)
    return create_service_app(runtime, title="Scheduling", description=DESCRIPTION,
                              routers=[catalogue.router, visits.router, templates.router, requests.router,
                                       field.router, invoices.router, calendar.router])
