"""The composition root: the event types texting handles (declared, and checked against the
registered handlers at start-up), the consumer, the text dispatcher, the usage-months job, Twilio
webhooks and the texting API."""

from fastapi import FastAPI
from petcare_contracts import EventPayload
from petcare_contracts.events import billing
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit.app import create_service_app
from petcare_kit.client_directory import DIRECTORY_EVENTS
from petcare_kit.consumer import EventRouter
from petcare_kit.runtime import ServiceRuntime

from texting.adapters.twilio_gateway import TwilioGateway
from texting.config import TextingSettings
from texting.entrypoints import consumers, jobs
from texting.entrypoints.api import account, messages, webhooks
from texting.service_layer.text_dispatcher import TextDispatcher

GROUP = "texting"
CONSUMES = ["clients.events", "billing.events", "texting.commands"]
HANDLES: list[type[EventPayload]] = [
    *DIRECTORY_EVENTS,  # people and companies (petcare_kit.client_directory)
    billing.PlanChanged,
    SendTextRequested,
]
"""Every event type texting acts on; any other type on the topics it reads is ignored. A type listed
here without a registered handler stops the start-up.

No waiting room: nothing texting handles needs a person or company it may not know yet. A send
command carries its number (notifications picked it, R-TEXT-4), and a plan or a settings change for
a company texting has not heard of creates the company's account."""
DESCRIPTION = """Everything on the Twilio side: the company's text-only number, its A2P 10DLC
registration, every text sent or received, unassigned texts, opt-outs and usage."""


def build_router() -> EventRouter:
    """The declared types and their handlers."""
    router = EventRouter(handles=HANDLES)
    consumers.register(router)
    return router


def create_app(settings: TextingSettings | None = None) -> FastAPI:
    settings = settings or TextingSettings()
    # Plans are billing's (R-PLAN-1): texting only reads billing.plan.changed, never publishes on billing.events.
    runtime = ServiceRuntime(settings, publishes=["texting.events"], consumer_group=GROUP,
                             consumes=CONSUMES, router=build_router())
    twilio = TwilioGateway(settings)
    if settings.run_text_dispatcher:
        runtime.add_background_task("text-dispatcher", TextDispatcher(runtime.sessions, twilio, settings).run_forever)
    if settings.run_relay:  # the replicas that publish also close finished usage months, once each
        months = jobs.close_months_job(runtime.sessions)
        runtime.add_background_task(months.name, months.run_forever)
    app = create_service_app(runtime, title="Texting", description=DESCRIPTION,
                             routers=[account.router, messages.router, webhooks.router])
    app.state.twilio = twilio
    return app
