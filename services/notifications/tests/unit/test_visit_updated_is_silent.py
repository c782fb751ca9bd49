"""R-NEVER-2: a scheduler's edit of a visit's pets, service or duration (`scheduling.visit.updated`,
read by billing) never reaches the client or anyone else through notifications: notifications reads
scheduling.events, declares no handler for it, and so its consumer ignores it; the start-up check of
declared types still passes."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from notifications import bootstrap
from notifications.config import NotificationsSettings
from petcare_contracts import new_envelope
from petcare_contracts.events import scheduling


def updated() -> scheduling.VisitUpdated:
    summary = scheduling.VisitSummary(visit_id=uuid4(), service_name="Cat sitting", visit_date=date(2026, 12, 1),
                                      pet_names=["Rex", "Tom"])
    return scheduling.VisitUpdated(visit_id=summary.visit_id, client_id=uuid4(), service_id=uuid4(),
                                   service_name="Cat sitting", pet_ids=[uuid4(), uuid4()], duration_minutes=60,
                                   visit=summary)


def test_r_never_2_a_visit_update_is_on_a_topic_notifications_reads_but_notifies_nobody() -> None:
    router = bootstrap.build_router(NotificationsSettings())
    envelope = new_envelope(updated(), company_id=uuid4(), correlation_id="unit")

    assert scheduling.VisitUpdated.topic in bootstrap.CONSUMES
    assert scheduling.VisitUpdated not in bootstrap.HANDLES
    assert router.handler_for(envelope) is None, "the consumer ignores it: no email, no text, no feed message"
    assert router.batch_handler_for(envelope) is None
    assert ("scheduling.visit.updated", 1) not in router.handled_types


def test_the_start_up_registration_check_still_passes_with_the_new_event_type() -> None:
    router = bootstrap.build_router(NotificationsSettings())
    router.check(bootstrap.CONSUMES)  # raises UnhandledEventTypes on any mismatch
