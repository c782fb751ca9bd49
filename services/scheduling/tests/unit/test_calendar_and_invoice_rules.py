"""The pure rules of calendar feeds (R-SCHED-12) and "Send Confirmation" (R-SCHED-10)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import pytest
from scheduling.domain.calendar import CalendarFeed, VisitFacts, describe
from scheduling.domain.invoices import InvoiceVisits, NothingToConfirm, visits_to_confirm
from scheduling.domain.visits import Visit, VisitStatus

FACTS = VisitFacts("Dog walk", ("Rex", "Tom"), "Ada Tester", "Sam Tester", "Morning", staff_note="Key under the mat")


def test_r_sched_12_the_staff_note_is_in_a_staff_entry_and_never_in_a_client_entry() -> None:
    staff_summary, staff_text = describe("staff", FACTS)
    client_summary, client_text = describe("client", FACTS)
    assert staff_summary == "Dog walk: Ada Tester (Rex, Tom)" and "Key under the mat" in staff_text
    assert client_summary == "Dog walk for Rex, Tom" and "Key under the mat" not in client_summary + client_text
    assert "Your sitter: Sam Tester" in client_text and "Time block: Morning" in client_text


def test_r_sched_12_a_feed_accepts_only_its_own_token() -> None:
    feed = CalendarFeed(uuid4(), "client", uuid4(), "s3cret-token")
    assert feed.accepts("s3cret-token")
    assert not feed.accepts("s3cret-tokem") and not feed.accepts("") and not feed.accepts("s3cret-token ")
    assert feed.service_path() == f"/calendar/clients/{feed.person_id}.ics?token=s3cret-token"


def _visit(company: object, client: object, day: int, status: VisitStatus = VisitStatus.SCHEDULED) -> Visit:
    starts = datetime(2027, 1, day, 14, tzinfo=UTC)
    return Visit(uuid4(), company, client, (uuid4(),), uuid4(), date(2027, 1, day), time(9), None, 30,  # type: ignore[arg-type]
                 starts, starts + timedelta(minutes=30), None, status, None, None, None, None)


def test_r_sched_10_a_confirmation_lists_the_invoices_scheduled_visits_of_its_client_in_time_order() -> None:
    company, client = uuid4(), uuid4()
    late, early = _visit(company, client, 9), _visit(company, client, 2)
    cancelled, foreign, off_invoice = (_visit(company, client, 3, VisitStatus.CANCELLED), _visit(company, uuid4(), 4),
                                       _visit(company, client, 5))
    invoice = InvoiceVisits(company, uuid4(), client, (late.id, early.id, cancelled.id, foreign.id), revision=1)
    assert visits_to_confirm(invoice, [late, early, cancelled, foreign, off_invoice]) == [early, late]
    with pytest.raises(NothingToConfirm):
        visits_to_confirm(invoice, [cancelled, foreign])
