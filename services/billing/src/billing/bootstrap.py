"""The composition root: the event types billing handles (declared, and checked against the
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

from billing.config import BillingSettings
from billing.entrypoints import (
    consumers,
    facility_commands,
    facility_consumers,
    payments_jobs,
    plans_jobs,
    scheduling_consumers,
    texting_charges_jobs,
    texting_consumers,
)
from billing.entrypoints.api import billing_settings, invoices, packages, payments, plans, texting_charges

GROUP = "billing"
"""The consumer group (and dead-letter topic `billing.dlq`); replicas share it."""
PUBLISHES = ["billing.events"]
CONSUMES = ["clients.events", "scheduling.events", "texting.events", "billing.commands",
            "facility.events"]
HANDLES: list[type[EventPayload]] = [
    *DIRECTORY_EVENTS,  # people and companies (petcare_kit.client_directory); plans start their trial
    *scheduling_consumers.EVENTS,  # visits → invoice lines, cancellation fees, package redemptions
    *texting_consumers.EVENTS,  # numbers and usage → texting charges
    *facility_commands.EVENTS,  # the Client Hub's commands (facility) → invoices, packages; answered once
    *facility_consumers.EVENTS,  # a facility event cancelled → redemptions back, cancellation fee (R-PKG-1)
]
"""Every event type billing acts on; any other type on the topics it reads is ignored."""
DESCRIPTION = """Billing: everything with a price. Company plans and trials, invoices built from
scheduled visits and custom lines, card payments and refunds through Stripe, packages, and the monthly
texting charges. Publishes `billing.events`; never emails an invoice by itself (R-NEVER-1)."""


def build_router(settings: BillingSettings) -> EventRouter:
    """The declared types, their handlers, and the room where events wait for unknown people."""
    room = WaitingRoom(GROUP, timedelta(seconds=settings.unknown_person_wait_seconds))
    router = EventRouter(handles=HANDLES, waiting=room)
    consumers.register(router, settings)
    scheduling_consumers.register(router)
    texting_consumers.register(router)
    facility_commands.register(router)
    facility_consumers.register(router)
    return router


def create_app(settings: BillingSettings | None = None) -> FastAPI:
    settings = settings or BillingSettings()
    router = build_router(settings)
    runtime = ServiceRuntime(settings, publishes=PUBLISHES, consumer_group=GROUP, consumes=CONSUMES, router=router)
    if settings.run_consumers and router.waiting is not None:
        expiry = router.waiting.expiry_job(runtime.sessions)
        runtime.add_background_task(expiry.name, expiry.run_forever)
    payments_jobs.start(runtime)
    plans_jobs.start(runtime)
    texting_charges_jobs.start(runtime)
    return create_service_app(runtime, title="Billing", description=DESCRIPTION,
                              routers=[plans.router, invoices.router, payments.router, packages.router,
                                       texting_charges.router, billing_settings.router])
