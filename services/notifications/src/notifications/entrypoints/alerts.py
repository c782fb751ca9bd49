"""Subscribers of R-DELIV-8's texts (visit started, client requests, staff late), R-TEXT-9's email
to the company, and texting's reports (R-TEXT-4's client phone number field among them).
Registered explicitly by `register(router)`."""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import scheduling, texting
from petcare_kit.consumer import EventRouter

from notifications.entrypoints.consumers import Subscriber, register_all
from notifications.service_layer import alerts, reports
from notifications.service_layer.ports import UnitOfWork


async def on_text_sent(uow: UnitOfWork, envelope: Envelope, event: texting.TextSent) -> None:
    await reports.text_state(uow, event.delivery_id, "sent")


async def on_text_delivered(uow: UnitOfWork, envelope: Envelope, event: texting.TextDelivered) -> None:
    await reports.text_state(uow, event.delivery_id, "delivered")


async def on_text_failed(uow: UnitOfWork, envelope: Envelope, event: texting.TextFailed) -> None:
    await reports.text_state(uow, event.delivery_id, "failed", reports.failure_reason(event.reason, event.error_code))


async def on_text_not_sent(uow: UnitOfWork, envelope: Envelope, event: texting.TextNotSent) -> None:
    await reports.text_state(uow, event.delivery_id, "not_sent", event.reason)


async def on_opt_out_changed(uow: UnitOfWork, envelope: Envelope, event: texting.OptOutChanged) -> None:
    """R-TEXT-12."""
    assert envelope.company_id is not None
    await reports.opt_out_changed(uow, envelope.company_id, event.number, event.opted_out)


async def on_mobile_field_changed(uow: UnitOfWork, envelope: Envelope, event: texting.MobileFieldChanged) -> None:
    """R-TEXT-4: texting owns the setting; the number notifications texts is picked with it."""
    await reports.mobile_field_changed(uow, event.company_id, event.mobile_field)


async def on_texting_availability_changed(uow: UnitOfWork, envelope: Envelope,
                                          event: texting.TextingAvailabilityChanged) -> None:
    await reports.texting_availability_changed(uow, event.company_id, event.available, list(event.reasons))


SUBSCRIBERS: dict[type[EventPayload], Subscriber] = {
    scheduling.VisitStarted: alerts.visit_started,
    scheduling.ServiceRequestSubmitted: alerts.services_requested,
    scheduling.ChangeRequestSubmitted: alerts.change_requested,
    scheduling.StaffLate: alerts.staff_late,
    texting.UnassignedTextReceived: alerts.unassigned_text_received,  # v1, still on the topic
    texting.UnassignedTextReceivedV2: alerts.unassigned_text_received,
    texting.MobileFieldChanged: on_mobile_field_changed,
    texting.TextSent: on_text_sent,
    texting.TextDelivered: on_text_delivered,
    texting.TextFailed: on_text_failed,
    texting.TextNotSent: on_text_not_sent,
    texting.OptOutChanged: on_opt_out_changed,
    texting.TextingAvailabilityChanged: on_texting_availability_changed,
}


def register(router: EventRouter) -> list[type[EventPayload]]:
    """Returns the registered types."""
    return register_all(router, SUBSCRIBERS)
