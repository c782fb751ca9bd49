"""What notifications does with each event it reads: subscribers that hand the event to a use case.
Registered explicitly by `register(router)` from the composition root (bootstrap.py), which also
declares every handled type, so that a forgotten registration stops the service at start-up.

Events with no handler are ignored, and that is how R-NEVER-1..4 hold: invoices created, updated or
finalised, scheduler edits, detail updates and (de)activations reach no handler that sends anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import billing, clients, scheduling, texting
from petcare_kit import client_directory
from petcare_kit.client_directory import DirectoryChange
from petcare_kit.consumer import EventRouter, Handler
from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from notifications.adapters.unit_of_work import SqlUnitOfWork
from notifications.domain.triggers import Trigger, activation_trigger, payment_trigger
from notifications.service_layer import feed, people
from notifications.service_layer.emails import email_about
from notifications.service_layer.ports import UnitOfWork

Subscriber = Callable[[UnitOfWork, Envelope, Any], Awaitable[None]]


def bound(subscriber: Subscriber, router: EventRouter) -> Handler:
    """The kit's handler for a subscriber: the consumer's transaction as notifications' unit of work."""
    async def handle(uow: KitUnitOfWork, envelope: Envelope, payload: Any) -> None:
        await subscriber(SqlUnitOfWork(uow, router), envelope, payload)

    handle.__name__ = getattr(subscriber, "__name__", "handle")
    return handle


def register_all(router: EventRouter, subscribers: dict[type[EventPayload], Subscriber]) -> list[type[EventPayload]]:
    for model, subscriber in subscribers.items():
        router.add(model, bound(subscriber, router))
    return list(subscribers)


# ---- emails the R-EMAIL list asks for ----------------------------------------------------------

async def on_activation_email_requested(uow: UnitOfWork, envelope: Envelope,
                                        event: clients.ActivationEmailRequested) -> None:
    """R-EMAIL-7 (the business ticked the box) or R-EMAIL-6 (the client asked)."""
    await email_about(uow, envelope, activation_trigger(event.requested_by), event.client_id,
                      event.model_dump(mode="json"))


async def on_password_reset_requested(uow: UnitOfWork, envelope: Envelope,
                                      event: clients.PasswordResetRequested) -> None:
    await email_about(uow, envelope, Trigger.PASSWORD_RESET, event.person_id, event.model_dump(mode="json"))


async def on_portal_instructions_requested(uow: UnitOfWork, envelope: Envelope,
                                           event: clients.PortalInstructionsRequested) -> None:
    await email_about(uow, envelope, Trigger.PORTAL_INSTRUCTIONS, event.client_id, event.model_dump(mode="json"))


async def on_service_request_answered(
        uow: UnitOfWork, envelope: Envelope,
        event: scheduling.ServiceRequestAnswered | scheduling.ServiceRequestAnsweredV2) -> None:
    await email_about(uow, envelope, Trigger.REQUEST_ANSWERED, event.client_id, event.model_dump(mode="json"))


async def on_change_request_answered(uow: UnitOfWork, envelope: Envelope,
                                     event: scheduling.ChangeRequestAnswered) -> None:
    await email_about(uow, envelope, Trigger.REQUEST_ANSWERED, event.client_id, event.model_dump(mode="json"))


async def on_confirmation_requested(uow: UnitOfWork, envelope: Envelope,
                                    event: scheduling.ConfirmationRequested) -> None:
    await email_about(uow, envelope, Trigger.SCHEDULE_CONFIRMATION, event.client_id, event.model_dump(mode="json"))


async def on_payment_succeeded(uow: UnitOfWork, envelope: Envelope,
                               event: billing.PaymentSucceeded | billing.PaymentSucceededV2) -> None:
    """R-EMAIL-3 (the client paid) or R-EMAIL-4 (the business charged the card): one email per
    payment; v2 covers several invoices and a tip (billing publishes one v2 per payment)."""
    await email_about(uow, envelope, payment_trigger(event.initiated_by), event.client_id,
                      event.model_dump(mode="json"))


async def on_invoice_email_requested(uow: UnitOfWork, envelope: Envelope,
                                     event: billing.InvoiceEmailRequested) -> None:
    await email_about(uow, envelope, Trigger.INVOICE_EMAILED, event.client_id, event.model_dump(mode="json"))


# ---- conversation messages from visits and texts ---------------------------------------------

async def on_visit_completed(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitCompleted) -> None:
    """R-EMAIL-1: only a visit completed with a message for the client is delivered."""
    if event.message_for_client:
        await feed.post_from_event(uow, envelope, person_id=event.client_id, author="staff", author_id=event.staff_id,
                                   text=event.message_for_client, image_urls=event.image_urls,
                                   report_card_url=event.report_card_url, source="visit_completed",
                                   trigger=Trigger.VISIT_COMPLETED_MESSAGE)


async def on_text_received(uow: UnitOfWork, envelope: Envelope, event: texting.TextReceived) -> None:
    """R-TEXT-8: lands in the sender's feed (in-app only: they wrote it)."""
    await feed.post_from_event(uow, envelope, person_id=event.person_id, author=event.person_kind,
                               author_id=event.person_id, text=event.body, image_urls=event.media_urls,
                               source="text_received")


async def on_unassigned_text_assigned(uow: UnitOfWork, envelope: Envelope,
                                      event: texting.UnassignedTextAssigned) -> None:
    await feed.post_from_event(uow, envelope, person_id=event.person_id, author=event.person_kind,
                               author_id=event.person_id, text=event.body, image_urls=event.media_urls,
                               source="text_assigned")


SUBSCRIBERS: dict[type[EventPayload], Subscriber] = {
    clients.ActivationEmailRequested: on_activation_email_requested,
    clients.PasswordResetRequested: on_password_reset_requested,
    clients.PortalInstructionsRequested: on_portal_instructions_requested,
    scheduling.ServiceRequestAnswered: on_service_request_answered,
    scheduling.ServiceRequestAnsweredV2: on_service_request_answered,  # a decision per visit (R-SCHED-6)
    scheduling.ChangeRequestAnswered: on_change_request_answered,
    scheduling.ConfirmationRequested: on_confirmation_requested,
    billing.PaymentSucceeded: on_payment_succeeded,
    billing.PaymentSucceededV2: on_payment_succeeded,  # one per payment, several invoices, tip
    billing.InvoiceEmailRequested: on_invoice_email_requested,
    scheduling.VisitCompleted: on_visit_completed,
    texting.TextReceived: on_text_received,
    texting.UnassignedTextAssigned: on_unassigned_text_assigned,
}


def register(router: EventRouter) -> list[type[EventPayload]]:
    """The emails and feed messages, and the clients directory read model (people and companies,
    petcare_kit.client_directory) whose changes start preferences and replay waiting events.
    Returns the registered types."""

    async def on_directory_change(uow: KitUnitOfWork, envelope: Envelope, change: DirectoryChange) -> None:
        sql = SqlUnitOfWork(uow, router)
        if change.person is not None:
            person = change.person
            await people.person_known(sql, person.company_id, person.person_id, person.kind)
        else:
            await people.company_known(sql, change.entity_id)

    directory = client_directory.mount(router, then=on_directory_change)
    return [*directory, *register_all(router, SUBSCRIBERS)]
