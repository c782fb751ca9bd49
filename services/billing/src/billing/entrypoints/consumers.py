"""What billing does with the events it reads. Registered explicitly by `register(router)` from
the composition root (bootstrap.py), which declares every handled type in `HANDLES`: a declared
type without a handler (or a handler of an undeclared type) stops the service at start-up.

The consumer (petcare_kit.consumer) does the rest: one transaction per batch with the inbox (a
redelivered or replayed message changes nothing twice), dead letters to `billing.dlq` for what
cannot be handled, and the waiting room for events naming someone not known yet (raise
`petcare_kit.waiting.NotKnownYet(person_id)`; they are replayed by the hook below when that person
appears). Handlers never commit: the batch does.

To handle another service's event: a subscriber
`async def on_visit_scheduled(uow: UnitOfWork, envelope: Envelope, event: scheduling.VisitScheduled)`
that builds a command and calls a use case with `Context(SqlUnitOfWork(uow))`, registered with
`router.add(scheduling.VisitScheduled, on_visit_scheduled)` below, its type added to HANDLES and
its topic to CONSUMES in bootstrap.py.
"""

from __future__ import annotations

from petcare_contracts import Envelope, EventPayload
from petcare_contracts.events import clients
from petcare_kit import client_directory
from petcare_kit.client_directory import DirectoryChange
from petcare_kit.consumer import EventRouter
from petcare_kit.unit_of_work import UnitOfWork

from billing.adapters.unit_of_work import SqlUnitOfWork
from billing.config import BillingSettings
from billing.service_layer import plans
from billing.service_layer.context import Context
from billing.service_layer.plans_commands import MoveTrial, StartTrial


def register(router: EventRouter, settings: BillingSettings | None = None) -> list[type[EventPayload]]:
    """The clients directory read model (people and companies of clients.events, kept by the kit in
    `directory_people` / `directory_companies`; read it with `petcare_kit.client_directory.Directory`).
    A registered company starts its free trial (R-PLAN-1); `settings.trial_length_seconds` (tests)
    shortens it. Returns the registered types."""
    trial_length = settings.trial_length_seconds if settings is not None else None

    async def on_directory_change(uow: UnitOfWork, envelope: Envelope, change: DirectoryChange) -> None:
        # What billing derives from a person or company appearing goes here, then: their events
        # that were waiting for them are handled now.
        company = change.company
        if company is not None and change.event == clients.CompanyRegistered.event_type:
            # The trial's first day is the local day the company registered, not the day we heard of it.
            await plans.start_trial(Context(SqlUnitOfWork(uow)), StartTrial(
                company_id=company.company_id, registered_at=envelope.occurred_at,
                time_zone=company.time_zone or "UTC", trial_length_seconds=trial_length))
        elif company is not None and company.time_zone:
            await plans.move_trial(Context(SqlUnitOfWork(uow)), MoveTrial(
                company_id=company.company_id, time_zone=company.time_zone, trial_length_seconds=trial_length))
        await router.replay_waiting(uow, change.entity_id)

    return list(client_directory.mount(router, then=on_directory_change))
