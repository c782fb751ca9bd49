"""Every email the suite can send (R-EMAIL-1..9, R-TEXT-9) says what its reader needs, in plain text
and in HTML; what a person typed never injects markup; money is exact."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest
from notifications.adapters.email_templates import render_email
from notifications.domain.emails import format_money
from notifications.domain.triggers import RULES, Trigger
from petcare_contracts.events.billing import InvoiceEmailRequested, PaymentSucceeded
from petcare_contracts.events.clients import (
    ActivationEmailRequested,
    PasswordResetRequested,
    PortalInstructionsRequested,
)
from petcare_contracts.events.scheduling import (
    ChangeRequestAnswered,
    ConfirmationRequested,
    ServiceRequestAnswered,
    VisitSummary,
)
from petcare_contracts.events.texting import UnassignedTextReceived

COMPANY = "Happy Paws"
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
EXPIRES = datetime(2025, 3, 4, 20, 30, tzinfo=UTC)


def visit(day: int, service: str = "Dog Walk (30 min)", *, at: str | None = None, block: str | None = None,
          pets: tuple[str, ...] = ("Rex",), staff: str | None = "Sam") -> VisitSummary:
    return VisitSummary(visit_id=uuid4(), service_name=service, visit_date=date(2025, 3, day),
                        starts_at=datetime.fromisoformat(f"2025-03-{day:02d}T{at}") if at else None,
                        time_block=block, pet_names=list(pets), staff_name=staff)


def feed(text: str = "Rex had a great walk!\nHe loved the park.", **extra: Any) -> dict[str, Any]:
    return {"text": text, "image_urls": ["https://files.petcare.test/rex.jpg"],
            "report_card_url": "https://app.petcare.test/report-cards/42", "author_name": "Sam"} | extra


def payment(by: str, cents: int = 1234) -> dict[str, Any]:
    return PaymentSucceeded(payment_id=uuid4(), invoice_id=uuid4(), client_id=uuid4(), amount_cents=cents,
                            initiated_by=by, card_last4="4242").model_dump(mode="json")


def invoice(total: int = 4500, balance: int = 4500) -> dict[str, Any]:
    return InvoiceEmailRequested(invoice_id=uuid4(), client_id=uuid4(), number="INV-1007", total_cents=total,
                                 balance_cents=balance,
                                 invoice_url="https://app.petcare.test/invoices/1007?t=a&b=c").model_dump(mode="json")


def activation(by: str) -> dict[str, Any]:
    return ActivationEmailRequested(client_id=uuid4(), email="ann@example.com", expires_at=EXPIRES,
                                    activation_url="https://portal.petcare.test/activate/tok123",
                                    requested_by=by).model_dump(mode="json")


def confirmation() -> dict[str, Any]:
    visits = [visit(5, at="14:30:00-05:00", pets=("Rex", "Bella")), visit(3, "Overnight", staff=None),
              visit(5, "Drop-in Visit", block="Morning", pets=("Rex", "Bella", "Max"), staff="Jo")]
    return ConfirmationRequested(invoice_id=uuid4(), client_id=uuid4(), visits=visits).model_dump(mode="json")


EXAMPLES: dict[Trigger, dict[str, Any]] = {
    Trigger.FEED_MESSAGE: feed(),
    Trigger.VISIT_COMPLETED_MESSAGE: feed(),
    Trigger.REQUEST_ANSWERED: ServiceRequestAnswered(
        request_id=uuid4(), client_id=uuid4(), decision="approved", visits=[visit(7, at="09:00:00")],
        message="See you Friday!").model_dump(mode="json"),
    Trigger.CLIENT_PAID_BY_CARD: payment("client"),
    Trigger.CARD_CHARGED_BY_BUSINESS: payment("business"),
    Trigger.INVOICE_EMAILED: invoice(),
    Trigger.PASSWORD_RESET: PasswordResetRequested(
        person_id=uuid4(), person_kind="client", email="ann@example.com", expires_at=EXPIRES,
        reset_url="https://portal.petcare.test/reset/secret-token").model_dump(mode="json"),
    Trigger.ACTIVATION_REQUESTED_BY_CLIENT: activation("client"),
    Trigger.ACTIVATION_SENT_BY_BUSINESS: activation("business"),
    Trigger.PORTAL_INSTRUCTIONS: PortalInstructionsRequested(
        client_id=uuid4(), email="ann@example.com", portal_url="https://portal.petcare.test/happy-paws",
        login_email="ann@example.com").model_dump(mode="json"),
    Trigger.SCHEDULE_CONFIRMATION: confirmation(),
    Trigger.UNASSIGNED_TEXT_ARRIVED: UnassignedTextReceived(
        unassigned_id=uuid4(), from_number="+14155550123", body="Hi, is Rex's walk still on for today?",
        received_at=EXPIRES).model_dump(mode="json"),
}
"""What each trigger's email must contain, checked below: one example per email-capable trigger."""
MUST_SAY: dict[Trigger, tuple[str, ...]] = {
    Trigger.FEED_MESSAGE: ("Sam", "Rex had a great walk!", "https://app.petcare.test/report-cards/42"),
    Trigger.VISIT_COMPLETED_MESSAGE: ("Sam", "He loved the park.", "https://files.petcare.test/rex.jpg"),
    Trigger.REQUEST_ANSWERED: ("approved", "Friday, March 7, 2025, 9:00 AM", "Dog Walk (30 min)",
                               "See you Friday!"),
    Trigger.CLIENT_PAID_BY_CARD: ("$12.34", "4242"),
    Trigger.CARD_CHARGED_BY_BUSINESS: ("$12.34", "4242"),
    Trigger.INVOICE_EMAILED: ("INV-1007", "$45.00", "https://app.petcare.test/invoices/1007"),
    Trigger.PASSWORD_RESET: ("https://portal.petcare.test/reset/secret-token",
                             "March 4, 2025 at 8:30 PM UTC"),
    Trigger.ACTIVATION_REQUESTED_BY_CLIENT: ("https://portal.petcare.test/activate/tok123", "8:30 PM UTC"),
    Trigger.ACTIVATION_SENT_BY_BUSINESS: ("https://portal.petcare.test/activate/tok123",
                                          "set up a client portal account for you"),
    Trigger.PORTAL_INSTRUCTIONS: ("https://portal.petcare.test/happy-paws", "ann@example.com"),
    Trigger.SCHEDULE_CONFIRMATION: ("Monday, March 3, 2025", "2:30 PM", "Morning", "Rex, Bella and Max",
                                    "Jo"),
    Trigger.UNASSIGNED_TEXT_ARRIVED: ("(415) 555-0123", "is Rex's walk still on", "Unassigned Messages"),
}
EMAIL_TRIGGERS = sorted(t for t, rule in RULES.items() if rule.email != "never")


def render(trigger: Trigger, data: dict[str, Any] | None = None, name: str = "Ann") -> tuple[str, str, str]:
    return render_email(trigger, recipient_name=name, company_name=COMPANY,
                        data=EXAMPLES[trigger] if data is None else data)


def test_every_trigger_that_can_email_has_an_example_here() -> None:
    assert sorted(EXAMPLES) == sorted(MUST_SAY) == EMAIL_TRIGGERS


@pytest.mark.parametrize("trigger", EMAIL_TRIGGERS)
def test_r_email_each_email_says_what_its_reader_needs_in_text_and_html(trigger: Trigger) -> None:
    subject, text, html = render(trigger)

    assert COMPANY in subject and "\n" not in subject
    assert text.startswith("Hi Ann,\n") and "Hi Ann," in html
    for needed in MUST_SAY[trigger]:
        assert needed in text, needed
        assert needed.replace("'", "&#39;") in html, needed
    assert not TAG.search(text), "plain text carries no HTML"
    # No tracking pixel: the only images are the photos of a message.
    photos = 1 if trigger in (Trigger.FEED_MESSAGE, Trigger.VISIT_COMPLETED_MESSAGE) else 0
    assert html.count("<img") == photos


@pytest.mark.parametrize("trigger", sorted(t for t, rule in RULES.items() if rule.email == "never"))
def test_r_never_a_trigger_that_cannot_email_raises(trigger: Trigger) -> None:
    with pytest.raises(ValueError, match="never sends an email"):
        render_email(trigger, recipient_name="Ann", company_name=COMPANY, data={})


def test_r_email_1_a_message_is_escaped_in_html_and_keeps_its_line_breaks() -> None:
    typed = "Rex <b>ate</b> the <script>alert(1)</script> sock\nAll fine!"
    _, text, html = render(Trigger.FEED_MESSAGE, feed(typed))

    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;ate&lt;/b&gt;" in html
    assert "sock<br>\nAll fine!" in html
    assert typed in text  # text/plain shows it as typed


def test_r_email_1_only_web_links_reach_the_html() -> None:
    links = {"image_urls": ["javascript:alert(1)", "https://files.petcare.test/a.jpg"],
             "report_card_url": "data:text/html,x"}
    subject, text, html = render(Trigger.VISIT_COMPLETED_MESSAGE, feed(**links))

    assert subject == "Visit update from Happy Paws"
    assert "javascript:" not in html + text and "data:" not in html + text
    assert html.count("<img") == 1


def test_a_company_name_or_recipient_name_with_markup_is_escaped() -> None:
    _, text, html = render_email(Trigger.PORTAL_INSTRUCTIONS, recipient_name="<i>Ann</i>",
                                 company_name="Paws & Claws <b>", data=EXAMPLES[Trigger.PORTAL_INSTRUCTIONS])
    assert "Paws &amp; Claws &lt;b&gt;" in html and "&lt;i&gt;Ann&lt;/i&gt;" in html
    assert "<i>" not in html and "Paws & Claws <b>" in text


def test_a_link_keeps_its_query_intact() -> None:
    _, text, html = render(Trigger.INVOICE_EMAILED)
    assert "https://app.petcare.test/invoices/1007?t=a&b=c" in text
    assert 'href="https://app.petcare.test/invoices/1007?t=a&amp;b=c"' in html  # &amp; is how HTML writes &


def test_r_email_6_a_secret_link_that_is_not_a_web_address_is_refused() -> None:
    data = EXAMPLES[Trigger.PASSWORD_RESET] | {"reset_url": "javascript:steal()"}
    with pytest.raises(ValueError, match="http"):
        render(Trigger.PASSWORD_RESET, data)


def test_r_email_6_expiry_in_the_company_time_zone_when_given() -> None:
    data = EXAMPLES[Trigger.PASSWORD_RESET] | {"time_zone": "America/New_York"}
    _, text, _ = render(Trigger.PASSWORD_RESET, data)
    assert "expires on Tuesday, March 4, 2025 at 3:30 PM EST" in text


@pytest.mark.parametrize(
    ("data", "subject", "says"),
    [
        (ServiceRequestAnswered(request_id=uuid4(), client_id=uuid4(), decision="rejected",
                                visits=[visit(7)]),
         "Happy Paws: your service request was declined", "wasn't able to take on these visits"),
        (ChangeRequestAnswered(request_id=uuid4(), client_id=uuid4(), kind="cancellation",
                               decision="approved", auto_approved=True, visits=[visit(7), visit(8)]),
         "Happy Paws: your cancellation request was approved", "Your cancellation is confirmed"),
        (ChangeRequestAnswered(request_id=uuid4(), client_id=uuid4(), kind="change", decision="denied",
                               visits=[visit(7)], message="Sam is away that day."),
         "Happy Paws: your change request was declined", "Sam is away that day."),
    ],
    ids=["service rejected", "cancellation approved", "change denied"],
)
def test_r_email_2_the_answer_to_each_kind_of_request(data: Any, subject: str, says: str) -> None:
    rendered_subject, text, html = render(Trigger.REQUEST_ANSWERED, data.model_dump(mode="json"))
    assert rendered_subject == subject
    assert says in text and "Friday, March 7, 2025" in text and "Friday, March 7, 2025" in html


def test_r_email_3_and_4_the_payment_and_the_charge_read_differently() -> None:
    paid, _, _ = render(Trigger.CLIENT_PAID_BY_CARD)
    charged, text, _ = render(Trigger.CARD_CHARGED_BY_BUSINESS, payment("business", cents=10))
    assert paid == "Happy Paws: we received your payment of $12.34"
    assert charged == "Happy Paws charged $0.10 to your card"
    assert "Don't recognise this charge?" in text


def test_r_email_5_invoice_amounts_are_exact() -> None:
    # $0.10 paid + $0.20 due: a float sum would be 0.30000000000000004.
    _, text, html = render(Trigger.INVOICE_EMAILED, invoice(total=10 + 20, balance=20))
    assert "Total: $0.30" in text and "Paid so far: $0.10" in text and "Balance due: $0.20" in text
    assert "$0.30" in html and "View and pay the invoice" in html

    _, paid_up, _ = render(Trigger.INVOICE_EMAILED, invoice(total=123456789, balance=0))
    assert "Total: $1,234,567.89" in paid_up and "paid in full" in paid_up
    assert "pay the invoice" not in paid_up


def test_money_is_shown_exactly_from_integer_cents() -> None:
    assert format_money(1234) == "$12.34"
    assert format_money(10 + 20) == "$0.30"
    assert format_money(5) == "$0.05" and format_money(0) == "$0.00" and format_money(-250) == "-$2.50"
    assert format_money(1999, "cad") == "CA$19.99" and format_money(1999, "EUR") == "19.99 EUR"
    with pytest.raises(TypeError):
        format_money(0.1 + 0.2)  # type: ignore[arg-type]


def test_r_email_9_the_confirmation_lists_every_visit_in_date_order() -> None:
    _, text, html = render(Trigger.SCHEDULE_CONFIRMATION)
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert lines == [
        "- Monday, March 3, 2025: Overnight for Rex",
        "- Wednesday, March 5, 2025, 2:30 PM: Dog Walk (30 min) for Rex and Bella, with Sam",
        "- Wednesday, March 5, 2025, Morning: Drop-in Visit for Rex, Bella and Max, with Jo",
    ]
    assert html.count("<tr style=\"border-top") == 3


def test_r_text_9_the_admins_notice_quotes_a_short_excerpt() -> None:
    data = EXAMPLES[Trigger.UNASSIGNED_TEXT_ARRIVED] | {"body": "Woof " * 200, "from_number": "+447700900123"}
    subject, text, _ = render(Trigger.UNASSIGNED_TEXT_ARRIVED, data, name="Olivia")
    assert subject == "Happy Paws: a text arrived from an unknown number"
    assert "+447700900123" in text and "Woof Woof" in text and "…" in text
    assert text.count("Woof") < 100


def test_without_a_recipient_name_the_greeting_is_still_friendly() -> None:
    _, text, _ = render(Trigger.PORTAL_INSTRUCTIONS, name="  ")
    assert text.startswith("Hi there,\n") and text.rstrip().endswith("Thanks,\nHappy Paws")
