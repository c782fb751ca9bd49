"""R-NEVER-2: a visit scheduled by the business (`scheduling.visit.scheduled` v2, with the price and
the invoice for billing, R-INV-1, published instead of v1 by every way a visit is scheduled) never
reaches the client or anyone else through notifications: it reads scheduling.events, declares no
handler for either version, and so its consumer ignores it."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from notifications import bootstrap
from notifications.config import NotificationsSettings
from petcare_contracts import EventPayload, new_envelope
from petcare_contracts.events import scheduling


def summary() -> scheduling.VisitSummary:
    return scheduling.VisitSummary(visit_id=uuid4(), service_name="Dog walk", visit_date=date(2026, 12, 1),
                                   time_block="Morning", pet_names=["Rex"])


@pytest.mark.parametrize("event", [
    scheduling.VisitScheduled(visit_id=uuid4(), client_id=uuid4(), visit=summary()),
    scheduling.VisitScheduledV2(visit_id=uuid4(), client_id=uuid4(), visit=summary(), service_id=uuid4(),
                                price_cents=2500, taxable=True, invoice_id=uuid4()),
], ids=["v1", "v2"])
def test_r_never_2_a_scheduled_visit_of_either_version_notifies_nobody(event: EventPayload) -> None:
    router = bootstrap.build_router(NotificationsSettings())
    envelope = new_envelope(event, company_id=uuid4(), correlation_id="unit")

    assert type(event).topic in bootstrap.CONSUMES
    assert type(event) not in bootstrap.HANDLES
    assert router.handler_for(envelope) is None, "the consumer ignores it: no email, no text, no feed message"
    assert router.batch_handler_for(envelope) is None
    assert ("scheduling.visit.scheduled", envelope.version) not in router.handled_types
