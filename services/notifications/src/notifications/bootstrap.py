"""The composition root: the event types notifications handles (declared, and checked against the
registered handlers at start-up), the consumer with its waiting room, the email dispatcher, the API."""

from datetime import timedelta

from fastapi import FastAPI
from petcare_contracts import EventPayload
from petcare_contracts.events import billing, clients, scheduling, texting
from petcare_kit.app import create_service_app
from petcare_kit.client_directory import DIRECTORY_EVENTS
from petcare_kit.consumer import EventRouter
from petcare_kit.runtime import ServiceRuntime
from petcare_kit.waiting import WaitingRoom

from notifications.adapters.sendgrid_sender import SendGridEmailSender
from notifications.config import NotificationsSettings
from notifications.entrypoints import alerts, consumers
from notifications.entrypoints.api import feeds, settings_api
from notifications.service_layer.email_dispatcher import EmailDispatcher

GROUP = "notifications"
CONSUMES = ["clients.events", "scheduling.events", "billing.events", "texting.events"]
HANDLES: list[type[EventPayload]] = [
    *DIRECTORY_EVENTS,  # people and companies (petcare_kit.client_directory)
    clients.ActivationEmailRequested, clients.PasswordResetRequested, clients.PortalInstructionsRequested,
    scheduling.ServiceRequestAnswered, scheduling.ServiceRequestAnsweredV2, scheduling.ChangeRequestAnswered,
    scheduling.ConfirmationRequested,
    scheduling.VisitCompleted, scheduling.VisitStarted, scheduling.ServiceRequestSubmitted,
    scheduling.ChangeRequestSubmitted, scheduling.StaffLate,
    billing.PaymentSucceeded, billing.PaymentSucceededV2, billing.InvoiceEmailRequested,
    texting.TextReceived, texting.UnassignedTextAssigned, texting.UnassignedTextReceived,
    texting.UnassignedTextReceivedV2, texting.MobileFieldChanged,
    texting.TextSent, texting.TextDelivered, texting.TextFailed, texting.TextNotSent,
    texting.OptOutChanged, texting.TextingAvailabilityChanged,
]
"""Every event type notifications acts on. Any other type on the topics it reads is ignored (that
is how R-NEVER-1..4 hold); a type listed here without a registered handler stops the start-up."""
DESCRIPTION = """The one place that decides how each message reaches each person: conversation feeds
(in-app), email and text, with the reasons recorded for every decision."""


def build_router(settings: NotificationsSettings) -> EventRouter:
    """The declared types, their handlers, and the room where events wait for unknown people."""
    room = WaitingRoom(GROUP, timedelta(seconds=settings.unknown_recipient_wait_seconds))
    router = EventRouter(handles=HANDLES, waiting=room)
    consumers.register(router)
    alerts.register(router)
    return router


def create_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    router = build_router(settings)
    runtime = ServiceRuntime(settings, publishes=["notifications.events", "texting.commands"],
                             consumer_group=GROUP, consumes=CONSUMES, router=router)
    if settings.run_email_dispatcher:
        sender = SendGridEmailSender(settings.sendgrid_api_key, settings.sendgrid_host, settings.from_email)
        dispatcher = EmailDispatcher(runtime.sessions, sender, settings)
        runtime.add_background_task("email-dispatcher", dispatcher.run_forever)
    if settings.run_consumers and router.waiting is not None:
        expiry = router.waiting.expiry_job(runtime.sessions)
        runtime.add_background_task(expiry.name, expiry.run_forever)
    return create_service_app(runtime, title="Notifications", description=DESCRIPTION,
                              routers=[feeds.router, settings_api.router])
