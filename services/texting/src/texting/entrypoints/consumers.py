"""What texting reads: people and companies (clients.events, through the kit's clients directory
read model), plans (billing.events) and the send-a-text commands of notifications
(texting.commands). Registered explicitly by `register(router)` from the composition root
(bootstrap.py), which also declares every handled type, so a forgotten registration stops the
service at start-up."""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import billing
from petcare_contracts.events.texting import SendTextRequested
from petcare_kit import client_directory
from petcare_kit.client_directory import DirectoryChange
from petcare_kit.consumer import EventRouter
from petcare_kit.unit_of_work import UnitOfWork

from texting.adapters.unit_of_work import SqlUnitOfWork
from texting.service_layer import people, plans, sending
from texting.service_layer.commands import ApplyPlan, IndexPersonNumbers, SendText
from texting.service_layer.context import Context


async def on_directory_change(uow: UnitOfWork, envelope: Envelope, change: DirectoryChange) -> None:
    """After the directory applied a person's change: their numbers for the inbound match (R-TEXT-8)."""
    person = change.person
    if person is not None:
        await people.index_numbers(Context(SqlUnitOfWork(uow)), IndexPersonNumbers(
            company_id=person.company_id, person_id=person.person_id, phones=[dict(p) for p in person.phones],
            custom_fields=dict(person.custom_fields)))


async def on_plan_changed(uow: UnitOfWork, envelope: Envelope, event: billing.PlanChanged) -> None:
    """R-TEXT-1: a plan without texting (or a trial) turns texting off until the plan allows it."""
    await plans.apply_plan(Context(SqlUnitOfWork(uow)), ApplyPlan(company_id=event.company_id, plan=event.plan,
                                                                  in_trial=event.in_trial))


async def on_send_text_requested(uow: UnitOfWork, envelope: Envelope, command: SendTextRequested) -> None:
    assert envelope.company_id is not None  # texting.commands are always a company's
    await sending.accept(Context(SqlUnitOfWork(uow)), SendText(company_id=envelope.company_id,
                                                               causation_id=envelope.id, request=command))


def register(router: EventRouter) -> list[type[EventPayload]]:
    """The clients directory (people and companies, with the numbers hook), plans and send commands.
    Returns the registered types."""
    directory = client_directory.mount(router, then=on_directory_change)
    router.add(billing.PlanChanged, on_plan_changed)
    router.add(SendTextRequested, on_send_text_requested)
    return [*directory, billing.PlanChanged, SendTextRequested]
