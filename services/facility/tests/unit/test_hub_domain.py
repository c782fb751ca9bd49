"""The Client Hub's pure rules (R-FAC-1, R-FAC-4): which events are invoiced, where an event may
move, and that billing's answer is recorded once."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from facility.domain.hub import (
    AlreadyOnInvoice,
    HubInvoice,
    HubInvoiceNotOpen,
    HubInvoiceOfAnotherClient,
    HubRequest,
    InvoicingViews,
    RequestKind,
    RequestState,
    check_move_target,
)

CLIENT, COMPANY = uuid4(), uuid4()


def invoice(status: str = "draft", events: tuple[UUID, ...] = (), client_id: UUID = CLIENT) -> HubInvoice:
    return HubInvoice(uuid4(), COMPANY, client_id, "INV-0001", status, 100, 0, 100, None, 1, events)


def test_r_fac_1_an_event_on_a_void_invoice_is_un_invoiced_again() -> None:
    event, other = uuid4(), uuid4()
    live, void = invoice(events=(event,)), invoice("void", (other,))
    assert InvoicingViews.of([live, void]).invoice_of == {event: live}


@pytest.mark.parametrize(("target", "error"), [
    (invoice(client_id=uuid4()), HubInvoiceOfAnotherClient), (invoice("void"), HubInvoiceNotOpen),
    (invoice("paid"), HubInvoiceNotOpen)])
def test_r_fac_4_an_event_moves_only_onto_an_open_invoice_of_its_client(target: HubInvoice,
                                                                         error: type[Exception]) -> None:
    with pytest.raises(error):
        check_move_target(target, CLIENT, None)


def test_r_fac_4_moving_onto_its_own_invoice_is_refused_and_an_unknown_one_is_left_to_billing() -> None:
    current = invoice("sent")
    with pytest.raises(AlreadyOnInvoice):
        check_move_target(current, CLIENT, current)
    check_move_target(None, CLIENT, current)
    check_move_target(invoice("past_due"), CLIENT, current)


def test_billing_s_answer_is_recorded_once() -> None:
    at = datetime(2026, 11, 30, tzinfo=UTC)
    request = HubRequest(uuid4(), COMPANY, CLIENT, RequestKind.REDEEM, at)
    refused = request.answered(done=False, at=at, code="used_up", message="Used up.", invoice_id=None,
                               client_package_id=None)
    assert (refused.state, refused.code) == (RequestState.REFUSED, "used_up")
    assert refused.answered(done=True, at=at, code=None, message=None, invoice_id=None,
                            client_package_id=None) == refused
