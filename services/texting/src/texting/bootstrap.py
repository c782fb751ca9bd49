"""The composition root: consumer (people, plans, send commands), the text dispatcher, Twilio
webhooks and the texting API."""

from fastapi import FastAPI
from petcare_kit.app import create_service_app
from petcare_kit.runtime import ServiceRuntime

from texting.adapters.twilio_gateway import TwilioGateway
from texting.config import TextingSettings
from texting.entrypoints import jobs
from texting.entrypoints.api import account, messages, webhooks
from texting.entrypoints.consumers import events
from texting.service_layer.text_dispatcher import TextDispatcher

CONSUMES = ["clients.events", "billing.events", "texting.commands"]
DESCRIPTION = """Everything on the Twilio side: the company's text-only number, its A2P 10DLC
registration, every text sent or received, unassigned texts, opt-outs and usage."""


def create_app(settings: TextingSettings | None = None) -> FastAPI:
    settings = settings or TextingSettings()
    # "billing.events" only for the PUT /plan stand-in (service_layer/account.py: set_plan): drop it
    # when the billing service lands and publishes billing.plan.changed itself.
    runtime = ServiceRuntime(settings, publishes=["texting.events", "billing.events"], consumer_group="texting",
                             consumes=CONSUMES, router=events)
    twilio = TwilioGateway(settings)
    if settings.run_text_dispatcher:
        runtime.add_background_task("text-dispatcher", TextDispatcher(runtime.sessions, twilio, settings).run_forever)
    if settings.run_relay:  # the replicas that publish also close finished usage months, once each
        runtime.add_background_task("usage-months", lambda: jobs.close_months_forever(runtime.sessions))
    app = create_service_app(runtime, title="Texting", description=DESCRIPTION,
                             routers=[account.router, messages.router, webhooks.router])
    app.state.twilio = twilio
    return app
