"""What texting reads: people and companies (clients.events), plans (billing.events) and the
send-a-text commands of notifications (texting.commands)."""

from __future__ import annotations

from petcare_contracts import Envelope
from petcare_contracts.events import billing, clients
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit.consumer import EventRouter
from petcare_kit.unit_of_work import UnitOfWork

from texting.adapters import repository
from texting.adapters.unit_of_work import SqlUnitOfWork
from texting.service_layer import plans, sending
from texting.service_layer.commands import ApplyPlan, SendText
from texting.service_layer.context import Context

events = EventRouter()


@events.on(clients.CompanyRegistered)
async def on_company_registered(uow: UnitOfWork, envelope: Envelope, event: clients.CompanyRegistered) -> None:
    await repository.update_company(uow.session, event.company_id, name=event.name)


async def _person(uow: UnitOfWork, envelope: Envelope, person_id, kind: str, contact) -> None:  # type: ignore[no-untyped-def]
    await repository.upsert_person(uow.session, person_id=person_id, company_id=envelope.company_id, kind=kind,
                                   name=f"{contact.first_name} {contact.last_name}".strip(),
                                   phones=[p.model_dump() for p in contact.phones], custom_fields=contact.custom_fields)


@events.on(clients.ClientAdded)
async def on_client_added(uow: UnitOfWork, envelope: Envelope, event: clients.ClientAdded) -> None:
    await _person(uow, envelope, event.client_id, "client", event.contact)


@events.on(clients.ClientDetailsUpdated)
async def on_client_details_updated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientDetailsUpdated) -> None:
    await _person(uow, envelope, event.client_id, "client", event.contact)


@events.on(clients.StaffAdded)
async def on_staff_added(uow: UnitOfWork, envelope: Envelope, event: clients.StaffAdded) -> None:
    await _person(uow, envelope, event.staff_id, "staff", event.contact)


@events.on(clients.StaffDetailsUpdated)
async def on_staff_details_updated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffDetailsUpdated) -> None:
    await _person(uow, envelope, event.staff_id, "staff", event.contact)


@events.on(clients.ClientDeactivated)
async def on_client_deactivated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientDeactivated) -> None:
    await repository.set_person_active(uow.session, event.client_id, False)


@events.on(clients.ClientReactivated)
async def on_client_reactivated(uow: UnitOfWork, envelope: Envelope, event: clients.ClientReactivated) -> None:
    await repository.set_person_active(uow.session, event.client_id, True)


@events.on(clients.StaffDeactivated)
async def on_staff_deactivated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffDeactivated) -> None:
    await repository.set_person_active(uow.session, event.staff_id, False)


@events.on(clients.StaffReactivated)
async def on_staff_reactivated(uow: UnitOfWork, envelope: Envelope, event: clients.StaffReactivated) -> None:
    await repository.set_person_active(uow.session, event.staff_id, True)


@events.on(billing.PlanChanged)
async def on_plan_changed(uow: UnitOfWork, envelope: Envelope, event: billing.PlanChanged) -> None:
    """R-TEXT-1: a plan without texting (or a trial) turns texting off until the plan allows it."""
    await plans.apply_plan(Context(SqlUnitOfWork(uow)), ApplyPlan(company_id=event.company_id, plan=event.plan,
                                                                  in_trial=event.in_trial))


@events.on(SendTextRequested)
async def on_send_text_requested(uow: UnitOfWork, envelope: Envelope, command: SendTextRequested) -> None:
    assert envelope.company_id is not None  # texting.commands are always a company's
    await sending.accept(Context(SqlUnitOfWork(uow)), SendText(company_id=envelope.company_id,
                                                               causation_id=envelope.id, request=command))
