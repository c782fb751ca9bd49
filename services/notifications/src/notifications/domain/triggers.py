"""Why notifications is asked to reach someone, and what each reason allows.

This table is the R-EMAIL list: an email to a client is possible only for a trigger marked with an
R-EMAIL rule; everything else a client could be emailed about (invoices created, scheduler edits,
detail updates, deactivation: R-NEVER-1..4) is simply not a trigger.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from notifications.domain.switches import Switch


class Trigger(StrEnum):
    FEED_MESSAGE = "feed_message"                            # R-EMAIL-1, R-DELIV-2/3
    VISIT_COMPLETED_MESSAGE = "visit_completed_message"      # R-EMAIL-1
    REQUEST_ANSWERED = "request_answered"                    # R-EMAIL-2
    CLIENT_PAID_BY_CARD = "client_paid_by_card"              # R-EMAIL-3
    CARD_CHARGED_BY_BUSINESS = "card_charged_by_business"    # R-EMAIL-4
    INVOICE_EMAILED = "invoice_emailed"                      # R-EMAIL-5
    PASSWORD_RESET = "password_reset"                        # R-EMAIL-6
    ACTIVATION_REQUESTED_BY_CLIENT = "activation_requested_by_client"  # R-EMAIL-6
    ACTIVATION_SENT_BY_BUSINESS = "activation_sent_by_business"        # R-EMAIL-7
    PORTAL_INSTRUCTIONS = "portal_instructions"              # R-EMAIL-8
    SCHEDULE_CONFIRMATION = "schedule_confirmation"          # R-EMAIL-9
    VISIT_STARTED = "visit_started"                          # R-DELIV-8 Event Started
    CLIENT_REQUESTED_SERVICES = "client_requested_services"  # R-DELIV-8
    CLIENT_REQUESTED_CHANGE = "client_requested_change"      # R-DELIV-8
    STAFF_LATE_OWN_EVENT = "staff_late_own_event"            # R-DELIV-8
    STAFF_LATE_EVENT = "staff_late_event"                    # R-DELIV-8
    UNASSIGNED_TEXT_ARRIVED = "unassigned_text_arrived"      # R-TEXT-9 (email to the company)


@dataclass(frozen=True)
class TriggerRule:
    rule: str
    email: str
    """"preference": per the recipient's default (or the override); "always"; "never"."""
    text: str
    in_app: bool = False
    audience: frozenset[str] = frozenset({"client", "staff"})
    """Who may receive it: a client is never texted a staff alert nor emailed a staff notice."""
    text_switch: Switch | None = None
    """For feed messages the switch depends on the recipient: see `feed_switch`."""


_CONVERSATION = TriggerRule("R-EMAIL-1", email="preference", text="preference", in_app=True)


CLIENTS, STAFF = frozenset({"client"}), frozenset({"staff"})


def _email(rule: str, audience: frozenset[str] = CLIENTS) -> TriggerRule:
    return TriggerRule(rule, email="always", text="never", audience=audience)


def _text(switch: Switch, audience: frozenset[str] = STAFF) -> TriggerRule:
    return TriggerRule("R-DELIV-8", email="never", text="always", audience=audience, text_switch=switch)


RULES: dict[Trigger, TriggerRule] = {
    Trigger.FEED_MESSAGE: _CONVERSATION,
    Trigger.VISIT_COMPLETED_MESSAGE: _CONVERSATION,
    Trigger.REQUEST_ANSWERED: _email("R-EMAIL-2"),
    Trigger.CLIENT_PAID_BY_CARD: _email("R-EMAIL-3"),
    Trigger.CARD_CHARGED_BY_BUSINESS: _email("R-EMAIL-4"),
    Trigger.INVOICE_EMAILED: _email("R-EMAIL-5"),
    Trigger.PASSWORD_RESET: _email("R-EMAIL-6", audience=CLIENTS | STAFF),
    Trigger.ACTIVATION_REQUESTED_BY_CLIENT: _email("R-EMAIL-6"),
    Trigger.ACTIVATION_SENT_BY_BUSINESS: _email("R-EMAIL-7"),
    Trigger.PORTAL_INSTRUCTIONS: _email("R-EMAIL-8"),
    Trigger.SCHEDULE_CONFIRMATION: _email("R-EMAIL-9"),
    Trigger.VISIT_STARTED: _text(Switch.EVENT_STARTED, audience=CLIENTS),
    Trigger.CLIENT_REQUESTED_SERVICES: _text(Switch.CLIENT_REQUESTS_SERVICES),
    Trigger.CLIENT_REQUESTED_CHANGE: _text(Switch.CLIENT_REQUESTS_CHANGE),
    Trigger.STAFF_LATE_OWN_EVENT: _text(Switch.STAFF_LATE_TO_OWN_EVENT),
    Trigger.STAFF_LATE_EVENT: _text(Switch.STAFF_LATE_TO_EVENT),
    Trigger.UNASSIGNED_TEXT_ARRIVED: _email("R-TEXT-9", audience=STAFF),
}

CLIENT_EMAIL_TRIGGERS = frozenset(t for t, r in RULES.items()
                                  if r.rule.startswith("R-EMAIL") and r.email != "never" and "client" in r.audience)
"""The only triggers that may email a client."""


def feed_switch(recipient_kind: str) -> Switch:
    """Conversation texts: "Message Sent To Clients" for clients, "Staff Is Sent Message" for staff."""
    return Switch.MESSAGE_SENT_TO_CLIENTS if recipient_kind == "client" else Switch.STAFF_IS_SENT_MESSAGE


def activation_trigger(requested_by: str) -> Trigger:
    """R-EMAIL-7 when the business ticked "send activation email", R-EMAIL-6 when the client asked."""
    return Trigger.ACTIVATION_SENT_BY_BUSINESS if requested_by == "business" else Trigger.ACTIVATION_REQUESTED_BY_CLIENT


def payment_trigger(initiated_by: str) -> Trigger:
    """R-EMAIL-3 when the client paid by card, R-EMAIL-4 when the business charged the card."""
    return Trigger.CLIENT_PAID_BY_CARD if initiated_by == "client" else Trigger.CARD_CHARGED_BY_BUSINESS
