"""The composition root: consumer of every topic that can call for a notification, the email
dispatcher, the API."""

from datetime import timedelta

from fastapi import FastAPI
from petcare_kit.app import create_service_app
from petcare_kit.runtime import ServiceRuntime

from notifications.adapters.sendgrid_sender import SendGridEmailSender
from notifications.config import NotificationsSettings
from notifications.entrypoints import alerts  # noqa: F401  (registers its handlers on the router)
from notifications.entrypoints.api import feeds, settings_api
from notifications.entrypoints.consumers import events
from notifications.service_layer import waiting
from notifications.service_layer.email_dispatcher import EmailDispatcher

CONSUMES = ["clients.events", "scheduling.events", "billing.events", "texting.events"]
DESCRIPTION = """The one place that decides how each message reaches each person: conversation feeds
(in-app), email and text, with the reasons recorded for every decision."""


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    runtime = ServiceRuntime(settings, publishes=["notifications.events", "texting.commands"],
                             consumer_group="notifications", consumes=CONSUMES, router=events)
    if settings.run_email_dispatcher:
        sender = SendGridEmailSender(settings.sendgrid_api_key, settings.sendgrid_host, settings.from_email)
        dispatcher = EmailDispatcher(runtime.sessions, sender, settings)
        runtime.add_background_task("email-dispatcher", dispatcher.run_forever)
    if settings.run_consumers:
        wait = timedelta(seconds=settings.unknown_recipient_wait_seconds)
        runtime.add_background_task("expire-waiting-events", lambda: waiting.expire_forever(runtime.sessions, wait))
    return create_service_app(runtime, title="Notifications", description=DESCRIPTION,
                              routers=[feeds.router, settings_api.router])
