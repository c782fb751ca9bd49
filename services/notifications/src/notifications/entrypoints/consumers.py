"""What notifications does with each event it reads. Events with no handler here are ignored, and
that is how R-NEVER-1..4 hold: invoices created/updated/finalised, scheduler edits, detail updates
and (de)activations reach no handler that sends anything."""

from __future__ import annotations

from petcare_contracts import Envelope
from petcare_contracts.events import billing, clients, scheduling, texting
from petcare_kit.unit_of_work import UnitOfWork

from notifications.adapters import preferences_repo, read_models
from notifications.domain.recipients import pick_mobile
from notifications.domain.triggers import Trigger
from notifications.service_layer import feed, waiting
from notifications.service_layer.deliver import deliver
from notifications.service_layer.waiting import WaitingRouter

events = WaitingRouter()
"""Handlers whose event names a person not known yet park it until they are (service_layer.waiting)."""


# ---- read models from clients.events ---------------------------------------------------------

@events.on(clients.CompanyRegistered)
async def on_company_registered(uow: UnitOfWork, envelope: Envelope, event: clients.CompanyRegistered) -> None:
    await read_models.update_company(uow.session, event.company_id, name=event.name)
    await waiting.replay_for(uow, event.company_id, events)


@events.on(clients.CompanySettingsChanged)
async def on_company_settings_changed(uow: UnitOfWork, envelope: Envelope,
                                      event: clients.CompanySettingsChanged) -> None:
    await read_models.update_company(uow.session, event.company_id, name=event.name,
                                     notify_client_when_visit_starts=event.notify_client_when_visit_starts)
    await waiting.replay_for(uow, event.company_id, events)


async def _person(uow: UnitOfWork, envelope: Envelope, person_id, kind: str, role: str, contact,  # type: ignore[no-untyped-def]
                  active: bool = True) -> None:
    assert envelope.company_id is not None
    await read_models.upsert_recipient(
        uow.session, person_id=person_id, company_id=envelope.company_id, kind=kind, role=role,
        name=f"{contact.first_name} {contact.last_name}".strip(), email=contact.emails[0] if contact.emails else None,
        mobile=pick_mobile([p.model_dump() for p in contact.phones], contact.custom_fields), active=active)
    await preferences_repo.ensure_preferences(uow.session, envelope.company_id, person_id, kind)
    await waiting.replay_for(uow, person_id, events)


@events.on(clients.ClientAdded)
async def on_client_added(uow: UnitOfWork, envelope: Envelope, event: clients.ClientAdded) -> None:
    await _person(uow, envelope, event.client_id, "client", "client", event.contact)


@events.on(clients.ClientDetailsUpdated)
async def on_client_details_updated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientDetailsUpdated) -> None:
    """R-NEVER-3: the read model follows; nothing is sent."""
    recipient = await read_models.get_recipient(uow.session, envelope.company_id, event.client_id)
    await _person(uow, envelope, event.client_id, "client", "client", event.contact, active=recipient.active)


@events.on(clients.ClientDeactivated)
async def on_client_deactivated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientDeactivated) -> None:
    """R-NEVER-4: the client stops receiving conversation emails and texts; nothing is sent about it."""
    await read_models.set_recipient_active(uow.session, event.client_id, False)


@events.on(clients.ClientReactivated)
async def on_client_reactivated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientReactivated) -> None:
    await read_models.set_recipient_active(uow.session, event.client_id, True)


@events.on(clients.StaffAdded)
async def on_staff_added(uow: UnitOfWork, envelope: Envelope, event: clients.StaffAdded) -> None:
    await _person(uow, envelope, event.staff_id, "staff", event.role, event.contact)


@events.on(clients.StaffDetailsUpdated)
async def on_staff_details_updated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffDetailsUpdated) -> None:
    recipient = await read_models.get_recipient(uow.session, envelope.company_id, event.staff_id)
    await _person(uow, envelope, event.staff_id, "staff", event.role, event.contact, active=recipient.active)


@events.on(clients.StaffDeactivated)
async def on_staff_deactivated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffDeactivated) -> None:
    await read_models.set_recipient_active(uow.session, event.staff_id, False)


@events.on(clients.StaffReactivated)
async def on_staff_reactivated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffReactivated) -> None:
    await read_models.set_recipient_active(uow.session, event.staff_id, True)


# ---- emails the R-EMAIL list asks for ----------------------------------------------------------

async def _email(uow: UnitOfWork, envelope: Envelope, trigger: Trigger, recipient_id, event) -> None:  # type: ignore[no-untyped-def]
    assert envelope.company_id is not None
    await deliver(uow, company_id=envelope.company_id, trigger=trigger, recipient_id=recipient_id,
                  source_id=envelope.id, data=event.model_dump(mode="json"))


@events.on(clients.ActivationEmailRequested)
async def on_activation_email_requested(uow: UnitOfWork, envelope: Envelope,
                                        event: clients.ActivationEmailRequested) -> None:
    """R-EMAIL-7 (the business ticked the box) or R-EMAIL-6 (the client asked)."""
    trigger = (Trigger.ACTIVATION_SENT_BY_BUSINESS if event.requested_by == "business"
               else Trigger.ACTIVATION_REQUESTED_BY_CLIENT)
    await _email(uow, envelope, trigger, event.client_id, event)


@events.on(clients.PasswordResetRequested)
async def on_password_reset_requested(uow: UnitOfWork, envelope: Envelope,
                                      event: clients.PasswordResetRequested) -> None:
    await _email(uow, envelope, Trigger.PASSWORD_RESET, event.person_id, event)


@events.on(clients.PortalInstructionsRequested)
async def on_portal_instructions_requested(uow: UnitOfWork, envelope: Envelope,
                                           event: clients.PortalInstructionsRequested) -> None:
    await _email(uow, envelope, Trigger.PORTAL_INSTRUCTIONS, event.client_id, event)


@events.on(scheduling.ServiceRequestAnswered)
async def on_service_request_answered(uow: UnitOfWork, envelope: Envelope,
                                      event: scheduling.ServiceRequestAnswered) -> None:
    await _email(uow, envelope, Trigger.REQUEST_ANSWERED, event.client_id, event)


@events.on(scheduling.ChangeRequestAnswered)
async def on_change_request_answered(uow: UnitOfWork, envelope: Envelope,
                                     event: scheduling.ChangeRequestAnswered) -> None:
    await _email(uow, envelope, Trigger.REQUEST_ANSWERED, event.client_id, event)


@events.on(scheduling.ConfirmationRequested)
async def on_confirmation_requested(uow: UnitOfWork, envelope: Envelope,
                                    event: scheduling.ConfirmationRequested) -> None:
    await _email(uow, envelope, Trigger.SCHEDULE_CONFIRMATION, event.client_id, event)


@events.on(billing.PaymentSucceeded)
async def on_payment_succeeded(uow: UnitOfWork, envelope: Envelope, event: billing.PaymentSucceeded) -> None:
    trigger = Trigger.CLIENT_PAID_BY_CARD if event.initiated_by == "client" else Trigger.CARD_CHARGED_BY_BUSINESS
    await _email(uow, envelope, trigger, event.client_id, event)


@events.on(billing.InvoiceEmailRequested)
async def on_invoice_email_requested(uow: UnitOfWork, envelope: Envelope,
                                     event: billing.InvoiceEmailRequested) -> None:
    await _email(uow, envelope, Trigger.INVOICE_EMAILED, event.client_id, event)


# ---- conversation messages from visits and texts ---------------------------------------------

@events.on(scheduling.VisitCompleted)
async def on_visit_completed(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitCompleted) -> None:
    """R-EMAIL-1: only a visit completed with a message for the client is delivered."""
    if event.message_for_client:
        await feed.post_from_event(uow, envelope, person_id=event.client_id, author="staff", author_id=event.staff_id,
                                   text=event.message_for_client, image_urls=event.image_urls,
                                   report_card_url=event.report_card_url, source="visit_completed",
                                   trigger=Trigger.VISIT_COMPLETED_MESSAGE)


@events.on(texting.TextReceived)
async def on_text_received(uow: UnitOfWork, envelope: Envelope, event: texting.TextReceived) -> None:
    """R-TEXT-8: lands in the sender's feed (in-app only: they wrote it)."""
    await feed.post_from_event(uow, envelope, person_id=event.person_id, author=event.person_kind,
                               author_id=event.person_id, text=event.body, image_urls=event.media_urls,
                               source="text_received")


@events.on(texting.UnassignedTextAssigned)
async def on_unassigned_text_assigned(uow: UnitOfWork, envelope: Envelope,
                                      event: texting.UnassignedTextAssigned) -> None:
    await feed.post_from_event(uow, envelope, person_id=event.person_id, author=event.person_kind,
                               author_id=event.person_id, text=event.body, image_urls=event.media_urls,
                               source="text_assigned")
