"""Texts of R-DELIV-8 (visit started, client requests, staff late), the company email of R-TEXT-9,
and texting's reports, registered on the same router as the other consumers."""

from __future__ import annotations

from petcare_contracts import Envelope
from petcare_contracts.events import scheduling, texting
from petcare_kit.unit_of_work import UnitOfWork

from notifications.adapters import deliveries_repo, read_models
from notifications.domain.triggers import Trigger
from notifications.entrypoints.consumers import events
from notifications.service_layer.deliver import deliver


def _when(visit: scheduling.VisitSummary) -> str:
    if visit.starts_at is not None:
        return visit.starts_at.strftime("%b %d %I:%M %p").replace(" 0", " ")
    return f"{visit.visit_date:%b %d}" + (f" ({visit.time_block})" if visit.time_block else "")


async def _text(uow: UnitOfWork, envelope: Envelope, trigger: Trigger, recipient_id, body: str) -> None:  # type: ignore[no-untyped-def]
    assert envelope.company_id is not None
    await deliver(uow, company_id=envelope.company_id, trigger=trigger, recipient_id=recipient_id,
                  source_id=envelope.id, data={"text": body}, text_body=body)


async def _text_managers(uow: UnitOfWork, envelope: Envelope, trigger: Trigger, body: str) -> None:
    assert envelope.company_id is not None
    for manager_id in await read_models.managers(uow.session, envelope.company_id):
        await _text(uow, envelope, trigger, manager_id, body)


@events.on(scheduling.VisitStarted)
async def on_visit_started(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitStarted) -> None:
    who = event.visit.staff_name or "Your sitter"
    pets = " and ".join(event.visit.pet_names) or "your pet"
    await _text(uow, envelope, Trigger.VISIT_STARTED, event.client_id,
                f"{who} has started the {event.visit.service_name} visit with {pets}.")


@events.on(scheduling.ServiceRequestSubmitted)
async def on_service_request_submitted(uow: UnitOfWork, envelope: Envelope,
                                       event: scheduling.ServiceRequestSubmitted) -> None:
    client = await read_models.get_recipient(uow.session, envelope.company_id, event.client_id)
    visits = ", ".join(f"{v.service_name} {_when(v)}" for v in event.visits[:3])
    await _text_managers(uow, envelope, Trigger.CLIENT_REQUESTED_SERVICES,
                         f"{client.name} requested services: {visits}.")


@events.on(scheduling.ChangeRequestSubmitted)
async def on_change_request_submitted(uow: UnitOfWork, envelope: Envelope,
                                      event: scheduling.ChangeRequestSubmitted) -> None:
    client = await read_models.get_recipient(uow.session, envelope.company_id, event.client_id)
    visits = ", ".join(f"{v.service_name} {_when(v)}" for v in event.visits[:3])
    await _text_managers(uow, envelope, Trigger.CLIENT_REQUESTED_CHANGE,
                         f"{client.name} requested a {event.kind} of: {visits}.")


@events.on(scheduling.StaffLate)
async def on_staff_late(uow: UnitOfWork, envelope: Envelope, event: scheduling.StaffLate) -> None:
    """Two switches: the late staff member is texted, and so are all admins and office managers."""
    await _text(uow, envelope, Trigger.STAFF_LATE_OWN_EVENT, event.staff_id,
                f"You are {event.minutes_late} min late for {event.visit.service_name} {_when(event.visit)}.")
    staff = await read_models.get_recipient(uow.session, envelope.company_id, event.staff_id)
    await _text_managers(uow, envelope, Trigger.STAFF_LATE_EVENT,
                         f"{staff.name} is {event.minutes_late} min late for {event.visit.service_name} "
                         f"{_when(event.visit)}.")


@events.on(texting.UnassignedTextReceived)
async def on_unassigned_text_received(uow: UnitOfWork, envelope: Envelope,
                                      event: texting.UnassignedTextReceived) -> None:
    """R-TEXT-9: the company (its admins and office managers) is emailed that a text arrived."""
    assert envelope.company_id is not None
    for manager_id in await read_models.managers(uow.session, envelope.company_id):
        await deliver(uow, company_id=envelope.company_id, trigger=Trigger.UNASSIGNED_TEXT_ARRIVED,
                      recipient_id=manager_id, source_id=envelope.id, data=event.model_dump(mode="json"))


# ---- texting's reports ---------------------------------------------------------------------------

@events.on(texting.TextSent)
async def on_text_sent(uow: UnitOfWork, envelope: Envelope, event: texting.TextSent) -> None:
    await deliveries_repo.set_text_state(uow.session, event.delivery_id, "sent")


@events.on(texting.TextDelivered)
async def on_text_delivered(uow: UnitOfWork, envelope: Envelope, event: texting.TextDelivered) -> None:
    await deliveries_repo.set_text_state(uow.session, event.delivery_id, "delivered")


@events.on(texting.TextFailed)
async def on_text_failed(uow: UnitOfWork, envelope: Envelope, event: texting.TextFailed) -> None:
    await deliveries_repo.set_text_state(uow.session, event.delivery_id, "failed",
                                         f"{event.reason} (Twilio {event.error_code})" if event.error_code
                                         else event.reason)


@events.on(texting.TextNotSent)
async def on_text_not_sent(uow: UnitOfWork, envelope: Envelope, event: texting.TextNotSent) -> None:
    await deliveries_repo.set_text_state(uow.session, event.delivery_id, "not_sent", event.reason)


@events.on(texting.OptOutChanged)
async def on_opt_out_changed(uow: UnitOfWork, envelope: Envelope, event: texting.OptOutChanged) -> None:
    """R-TEXT-12: STOP switches texting off for that number; START switches it back."""
    assert envelope.company_id is not None
    await read_models.set_opted_out(uow.session, envelope.company_id, event.number, event.opted_out)


@events.on(texting.TextingAvailabilityChanged)
async def on_texting_availability_changed(uow: UnitOfWork, envelope: Envelope,
                                          event: texting.TextingAvailabilityChanged) -> None:
    await read_models.update_company(uow.session, event.company_id, texting_available=event.available,
                                     texting_reasons=event.reasons)
