"""R-EMAIL-2 / R-SCHED-6: a service request decided visit by visit (scheduling.service_request.answered
v2) is confirmed in one email that lists the approved visits and names the rejected ones."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import uuid4

from notifications.adapters.email_templates import render_email
from notifications.bootstrap import HANDLES
from notifications.domain.triggers import Trigger
from notifications.entrypoints.consumers import SUBSCRIBERS
from petcare_contracts.events.scheduling import AnsweredVisit, ServiceRequestAnsweredV2


def answered(day: int, decision: Literal["approved", "rejected"]) -> AnsweredVisit:
    return AnsweredVisit(visit_id=uuid4(), service_name="Dog Walk", visit_date=date(2025, 3, day),
                         time_block="Morning", pet_names=["Rex"], decision=decision)


def render(data: dict[str, Any]) -> tuple[str, str, str]:
    return render_email(Trigger.REQUEST_ANSWERED, recipient_name="Ann", company_name="Happy Paws", data=data)


def test_r_email_2_one_email_lists_the_approved_visits_and_names_the_rejected_ones() -> None:
    event = ServiceRequestAnsweredV2(request_id=uuid4(), client_id=uuid4(), decision="partly_approved",
                                     visits=[answered(7, "approved"), answered(8, "rejected")],
                                     message="Fully booked on Saturday.")
    subject, text, html = render(event.model_dump(mode="json"))
    assert subject == "Happy Paws: your service request was partly approved"
    assert "- Friday, March 7, 2025, Morning: Dog Walk for Rex" in text
    assert "wasn't able to take on: Saturday, March 8, 2025, Morning, Dog Walk." in text
    assert "Fully booked on Saturday." in text and "Saturday, March 8, 2025" in html


def test_r_email_2_all_approved_or_all_rejected_read_as_before() -> None:
    for decision, says in (("approved", "approved your request"), ("rejected", "wasn't able to take on these")):
        event = ServiceRequestAnsweredV2(request_id=uuid4(), client_id=uuid4(), decision=decision,
                                         visits=[answered(7, decision)])
        subject, text, _ = render(event.model_dump(mode="json"))
        assert says in text and "Friday, March 7, 2025" in text, decision


def test_r_sched_6_notifications_consumes_the_v2_confirmation() -> None:
    assert ServiceRequestAnsweredV2 in HANDLES and ServiceRequestAnsweredV2 in SUBSCRIBERS
