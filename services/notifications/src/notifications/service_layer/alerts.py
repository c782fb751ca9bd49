"""R-DELIV-8's texts (visit started, client requests, staff late) and R-TEXT-9's email to the
company: who receives them. The wording is in domain/alerts.py. In the consumer's transaction."""

from __future__ import annotations

from uuid import UUID

from petcare_contracts import Envelope
from petcare_contracts.events import scheduling, texting

from notifications.domain import alerts
from notifications.domain.triggers import Trigger
from notifications.service_layer.deliver import deliver
from notifications.service_layer.errors import UnknownRecipient
from notifications.service_layer.ports import UnitOfWork


def _company(envelope: Envelope) -> UUID:
    assert envelope.company_id is not None, "these events always name their company"
    return envelope.company_id


async def _text(uow: UnitOfWork, envelope: Envelope, trigger: Trigger, recipient_id: UUID, body: str) -> None:
    await deliver(uow, company_id=_company(envelope), trigger=trigger, recipient_id=recipient_id,
                  source_id=envelope.id, data={"text": body}, text_body=body)


async def _text_managers(uow: UnitOfWork, envelope: Envelope, trigger: Trigger, body: str) -> None:
    for manager_id in await uow.recipients.managers(_company(envelope)):
        await _text(uow, envelope, trigger, manager_id, body)


async def _name(uow: UnitOfWork, envelope: Envelope, person_id: UUID) -> str:
    person = await uow.recipients.find(_company(envelope), person_id)
    if person is None:
        raise UnknownRecipient(person_id, envelope.company_id)
    return person.name


async def visit_started(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitStarted) -> None:
    """R-DELIV-8 "Event Started": the client is texted (switch and mobile-app setting permitting)."""
    await _text(uow, envelope, Trigger.VISIT_STARTED, event.client_id, alerts.visit_started(event.visit))


async def services_requested(uow: UnitOfWork, envelope: Envelope, event: scheduling.ServiceRequestSubmitted) -> None:
    """R-DELIV-8 "Client Requests Services": every manager is texted."""
    name = await _name(uow, envelope, event.client_id)
    await _text_managers(uow, envelope, Trigger.CLIENT_REQUESTED_SERVICES,
                         alerts.services_requested(name, event.visits))


async def change_requested(uow: UnitOfWork, envelope: Envelope, event: scheduling.ChangeRequestSubmitted) -> None:
    """R-DELIV-8 "Client Requests Change": every manager is texted."""
    name = await _name(uow, envelope, event.client_id)
    await _text_managers(uow, envelope, Trigger.CLIENT_REQUESTED_CHANGE,
                         alerts.change_requested(name, event.kind, event.visits))


async def staff_late(uow: UnitOfWork, envelope: Envelope, event: scheduling.StaffLate) -> None:
    """Two switches: the late staff member is texted, and so are all admins and office managers."""
    await _text(uow, envelope, Trigger.STAFF_LATE_OWN_EVENT, event.staff_id,
                alerts.you_are_late(event.minutes_late, event.visit))
    name = await _name(uow, envelope, event.staff_id)
    await _text_managers(uow, envelope, Trigger.STAFF_LATE_EVENT,
                         alerts.staff_is_late(name, event.minutes_late, event.visit))


async def unassigned_text_received(uow: UnitOfWork, envelope: Envelope,
                                   event: texting.UnassignedTextReceived | texting.UnassignedTextReceivedV2) -> None:
    """R-TEXT-9: the company (its admins and office managers) is emailed that a text arrived; from
    version 2 on, naming the people who share its number (R-TEXT-8)."""
    for manager_id in await uow.recipients.managers(_company(envelope)):
        await deliver(uow, company_id=_company(envelope), trigger=Trigger.UNASSIGNED_TEXT_ARRIVED,
                      recipient_id=manager_id, source_id=envelope.id, data=event.model_dump(mode="json"))
