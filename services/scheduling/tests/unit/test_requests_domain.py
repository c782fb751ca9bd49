"""The rules of client requests (R-SCHED-6, R-REQ-1..7), without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import pytest
from scheduling.domain.catalogue import Service
from scheduling.domain.errors import VisitNotFound
from scheduling.domain.requests import (
    Decision,
    InvalidRequest,
    RequestAlreadyDecided,
    RequestAlreadyPending,
    RequestKind,
    RequestsAgainstVisitsOff,
    ServiceNotRequestable,
    VisitChange,
    VisitInPast,
    VisitNotRequestable,
    check_portal_mode,
    check_service_requestable,
    check_visit_requestable,
    new_change_request,
    new_service_request,
)
from scheduling.domain.visits import Visit, VisitStatus

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
COMPANY, CLIENT = uuid4(), uuid4()


def service_request(*days: int):  # type: ignore[no-untyped-def]
    return new_service_request(company_id=COMPANY, client_id=CLIENT, service_id=uuid4(), block_id=uuid4(),
                               pet_ids=(uuid4(),), dates=[date(2026, 12, d) for d in days], comments="  gate code 12 ",
                               now=NOW)


def test_r_sched_6_each_date_is_a_pending_visit_and_one_confirmation_follows_the_last_decision() -> None:
    request = service_request(5, 3)
    assert [v.visit_date.day for v in request.visits] == [3, 5] and request.comments == "gate code 12"
    assert request.status == "pending" and not request.confirm(NOW)

    first, second = request.visits
    request.decide(first.id, Decision.APPROVED, now=NOW, visit_id=uuid4())
    assert request.status == "pending" and not request.confirm(NOW)
    request.decide(second.id, Decision.REJECTED, now=NOW, message="Fully booked that day")

    assert request.status == "processed" and request.overall == "partly_approved"
    assert request.confirm(NOW) is True
    assert request.confirm(NOW) is False, "one confirmation per request"
    assert request.message == "Fully booked that day"


def test_r_sched_6_a_visit_is_decided_once() -> None:
    request = service_request(3)
    request.decide(request.visits[0].id, Decision.REJECTED, now=NOW)
    with pytest.raises(RequestAlreadyDecided):
        request.decide(request.visits[0].id, Decision.APPROVED, now=NOW)
    assert request.overall == "rejected"


@pytest.mark.parametrize("days", [(), (3, 3)])
def test_r_sched_6_dates_are_one_or_more_and_distinct(days: tuple[int, ...]) -> None:
    with pytest.raises(InvalidRequest):
        service_request(*days)


def test_r_sched_6_only_enabled_client_selectable_services_can_be_requested() -> None:
    offered = Service(uuid4(), COMPANY, "Dog walk", 30, 2500, client_selectable=True)
    check_service_requestable(offered)
    for service in (offered.changed(client_selectable=False), offered.changed(active=False)):
        with pytest.raises(ServiceNotRequestable):
            check_service_requestable(service)


def test_r_req_1_requests_against_visits_only_in_that_portal_mode() -> None:
    check_portal_mode("specific_visits")
    for mode in ("general_message", None):
        with pytest.raises(RequestsAgainstVisitsOff):
            check_portal_mode(mode)


def test_r_req_2_a_cancellation_auto_approves_when_the_company_says_so() -> None:
    def cancel(auto: bool | None):  # type: ignore[no-untyped-def]
        return new_change_request(company_id=COMPANY, client_id=CLIENT, kind=RequestKind.CANCELLATION,
                                  visit_ids=[uuid4()], change=None, reason=" sick ", now=NOW,
                                  cancellations_auto_approve=auto)

    automatic = cancel(True)
    assert automatic.decision is Decision.APPROVED and automatic.auto_approved and automatic.reason == "sick"
    for setting in (False, None):
        assert cancel(setting).decision is Decision.PENDING


def test_r_req_3_a_change_is_always_reviewed_and_says_what_changes() -> None:
    change = new_change_request(company_id=COMPANY, client_id=CLIENT, kind=RequestKind.CHANGE,
                                visit_ids=[uuid4()], change=VisitChange(new_date=date(2026, 12, 9)), reason=None,
                                now=NOW, cancellations_auto_approve=True)
    assert change.decision is Decision.PENDING and not change.auto_approved
    with pytest.raises(InvalidRequest):
        VisitChange()
    with pytest.raises(InvalidRequest):
        VisitChange(new_start_time=time(9), new_block_id=uuid4())
    with pytest.raises(InvalidRequest):
        new_change_request(company_id=COMPANY, client_id=CLIENT, kind=RequestKind.CHANGE, visit_ids=[uuid4(), uuid4()],
                           change=VisitChange(notes="x"), reason=None, now=NOW, cancellations_auto_approve=False)


def test_r_req_5_several_visits_cancelled_in_one_request() -> None:
    visits = [uuid4(), uuid4(), uuid4()]
    request = new_change_request(company_id=COMPANY, client_id=CLIENT, kind=RequestKind.CANCELLATION,
                                 visit_ids=visits, change=None, reason=None, now=NOW, cancellations_auto_approve=False)
    assert request.visit_ids == tuple(visits)
    with pytest.raises(InvalidRequest):
        new_change_request(company_id=COMPANY, client_id=CLIENT, kind=RequestKind.CANCELLATION,
                           visit_ids=[visits[0], visits[0]], change=None, reason=None, now=NOW,
                           cancellations_auto_approve=False)


def test_r_req_6_a_request_is_approved_or_denied_once() -> None:
    request = new_change_request(company_id=COMPANY, client_id=CLIENT, kind=RequestKind.CANCELLATION,
                                 visit_ids=[uuid4()], change=None, reason=None, now=NOW,
                                 cancellations_auto_approve=False)
    request.decide(Decision.DENIED, now=NOW, message=" We need 24 h notice ")
    assert request.decision is Decision.DENIED and request.message == "We need 24 h notice"
    with pytest.raises(RequestAlreadyDecided):
        request.decide(Decision.APPROVED, now=NOW)


def visit(**changes: object) -> Visit:
    starts = NOW + timedelta(days=1)
    base = Visit(uuid4(), COMPANY, CLIENT, (uuid4(),), uuid4(), starts.date(), time(12), None, 30, starts,
                 starts + timedelta(minutes=30))
    return base._with(**changes)


def test_r_req_7_only_the_client_s_own_future_scheduled_visits_without_a_pending_request() -> None:
    check_visit_requestable(visit(), client_id=CLIENT, now=NOW, pending_request_id=None)
    for changes, error in [({"client_id": uuid4()}, VisitNotFound),
                           ({"status": VisitStatus.COMPLETED}, VisitNotRequestable),
                           ({"status": VisitStatus.CANCELLED}, VisitNotRequestable),
                           ({"status": VisitStatus.IN_PROGRESS}, VisitNotRequestable),
                           ({"starts_at": NOW}, VisitInPast)]:
        with pytest.raises(error):
            check_visit_requestable(visit(**changes), client_id=CLIENT, now=NOW, pending_request_id=None)
    with pytest.raises(RequestAlreadyPending):
        check_visit_requestable(visit(), client_id=CLIENT, now=NOW, pending_request_id=uuid4())
    assert VisitNotFound.status == 404 and VisitInPast.status == 422
