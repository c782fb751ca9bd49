"""The words of every email the suite sends (R-EMAIL-1..9, R-TEXT-9): subject, plain text and HTML.

Each trigger becomes one `EmailContent` (what the email says), laid out by two jinja2 templates,
`templates/email.txt` and `templates/email.html`: every email looks alike, and HTML is autoescaped
in one place, so what a person typed (a feed message, a request's answer) never injects markup.
Money arrives as integer cents and is shown exactly, through Decimal, never float. No tracking
pixels: the only images are the photos attached to a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from notifications.domain import emails as words
from notifications.domain.triggers import RULES, Trigger

EXCERPT_CHARS = 300
"""How much of an unknown number's text the admins' notice quotes (R-TEXT-9)."""


@dataclass(frozen=True)
class EmailContent:
    """What one email says, before layout. Every string is plain text (the HTML template escapes)."""

    subject: str
    paragraphs: tuple[str, ...] = ()
    message: str | None = None
    """A person's own words, shown as written, newlines kept."""
    message_intro: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    visits: tuple[words.VisitLine, ...] = ()
    action: tuple[str, str] | None = None
    """(button label, http(s) address): the one thing the reader is asked to do."""
    images: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    signoff: tuple[str, ...] = ()
    """Last lines; empty means "Thanks," and the company's name."""


def render_email(
    trigger: Trigger, *, recipient_name: str, company_name: str, data: dict[str, Any]
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the email `trigger` sends to `recipient_name`.

    `data` is the trigger's payload as JSON (`model_dump(mode="json")`); for feed and visit messages
    `{"text", "image_urls", "report_card_url", "author_name"}`. An optional `data["time_zone"]` (the
    company's IANA zone) shows link expiry and arrival times in local time. Raises ValueError for a
    trigger that never emails (R-NEVER-*, R-DELIV-8 texts) or a link that is not http(s), KeyError
    when `data` lacks what the email must say.
    """
    build = _BUILDERS.get(trigger)
    if build is None or RULES[trigger].email == "never":
        raise ValueError(f"the trigger {trigger!s} never sends an email")
    content = build(company_name, data)
    context = {
        "email": content,
        "company": company_name,
        "greeting": f"Hi {recipient_name.strip()}," if recipient_name.strip() else "Hi there,",
        "signoff": content.signoff or ("Thanks,", company_name),
    }
    text = re.sub(r"\n{3,}", "\n\n", _TEMPLATES.get_template("email.txt").render(context)).strip() + "\n"
    return " ".join(content.subject.split()), text, _TEMPLATES.get_template("email.html").render(context)


# ---- one builder per trigger --------------------------------------------------------------------

def _conversation(company: str, data: dict[str, Any], *, after_visit: bool) -> EmailContent:
    """R-EMAIL-1: a feed message, or the note left for the client when a visit was completed."""
    author = (data.get("author_name") or "").strip() or company
    report_card = _web_address(data.get("report_card_url"))
    return EmailContent(
        subject=f"{'Visit update' if after_visit else 'New message'} from {company}",
        message=(data.get("text") or "").strip() or None,
        message_intro=f"{author} left a note after your pet's visit:" if after_visit
        else f"{author} sent you a message:",
        action=("See the report card", report_card) if report_card else None,
        images=tuple(url for url in map(_web_address, data.get("image_urls") or []) if url),
    )


_ANSWER_OPENINGS = {
    ("service", True): "Good news: {company} approved your request. These visits are on the schedule:",
    ("service", False): "{company} wasn't able to take on these visits this time:",
    ("cancellation", True): "Your cancellation is confirmed. These visits are cancelled:",
    ("cancellation", False): "{company} couldn't cancel these visits, so they stay on the schedule:",
    ("change", True): "{company} made the change you asked for. Your visits now look like this:",
    ("change", False): "{company} couldn't make the change you asked for; these visits stay as they were:",
}


def _request_answered(company: str, data: dict[str, Any]) -> EmailContent:
    """R-EMAIL-2: a service request (its payload has no `kind`) or a change/cancellation, answered.
    A service request decided visit by visit (v2: `partly_approved`) lists the approved visits and
    then names the ones the business could not take, in the one email."""
    kind = data["kind"] if data.get("kind") in ("change", "cancellation") else "service"
    partly = data["decision"] == "partly_approved"
    approved = data["decision"] == "approved" or partly
    visits = data.get("visits") or []
    shown = [v for v in visits if v.get("decision", "approved") == "approved"] if partly else visits
    refused = words.visit_lines([v for v in visits if v.get("decision") == "rejected"]) if partly else ()
    answer = "partly approved" if partly else "approved" if approved else "declined"
    return EmailContent(
        subject=f"{company}: your {kind} request was {answer}",
        paragraphs=(_ANSWER_OPENINGS[kind, approved].format(company=company),),
        message=(data.get("message") or "").strip() or None,
        message_intro=f"A note from {company}:",
        visits=words.visit_lines(shown),
        closing=((f"{company} wasn't able to take on: " + "; ".join(f"{v.when}, {v.service}" for v in refused) + ".",)
                 if refused else ()) + (f"Questions? Get in touch with {company} from your client portal.",),
    )


def _payment(company: str, data: dict[str, Any], *, by_client: bool) -> EmailContent:
    """R-EMAIL-3 (the client paid by card) and R-EMAIL-4 (the business charged the client's card)."""
    amount = words.format_money(data["amount_cents"], data.get("currency") or "USD")
    brand = f"{str(data['card_brand']).title()} " if data.get("card_brand") else ""
    card = f"{brand}ending in {data['card_last4']}" if data.get("card_last4") else "on file"
    tip = data.get("tip_cents") or 0  # v2: the tip is part of the amount
    facts = (("Amount", amount),
             *((("Tip included", words.format_money(tip, data.get("currency") or "USD")),) if tip else ()),
             ("Card", card), ("Payment reference", str(data["payment_id"])))
    if by_client:
        thanks = f"Thank you! Your card payment of {amount} to {company} went through."
        return EmailContent(f"{company}: we received your payment of {amount}", (thanks,), facts=facts)
    charged = f"{company} charged {amount} to your card {card}. The payment went through."
    return EmailContent(f"{company} charged {amount} to your card", (charged,), facts=facts,
                        closing=(f"Don't recognise this charge? Please contact {company}.",))


def _invoice(company: str, data: dict[str, Any]) -> EmailContent:
    """R-EMAIL-5: "Email To Client" on an invoice. Paid so far = total - balance, in exact cents."""
    money = partial(words.format_money, currency=data.get("currency") or "USD")
    number, total, balance = str(data["number"]), data["total_cents"], data["balance_cents"]
    facts = [("Invoice", number), ("Total", money(total))]
    if total != balance:
        facts.append(("Paid so far", money(total - balance)))
    due = balance > 0
    facts.append(("Balance due", money(balance) if due else "nothing, it's paid in full"))
    return EmailContent(
        subject=f"Invoice {number} from {company}",
        paragraphs=(f"{company} sent you invoice {number}.",),
        facts=tuple(facts),
        action=("View and pay the invoice" if due else "View the invoice", _link(data["invoice_url"])),
    )


def _password_reset(company: str, data: dict[str, Any]) -> EmailContent:
    """R-EMAIL-6: reset password. The link is a single-use secret: it goes in the email and nowhere else."""
    return EmailContent(
        subject=f"Reset your {company} password",
        paragraphs=(f"We received a request to reset the password of your {company} account.",),
        action=("Choose a new password", _link(data["reset_url"])),
        closing=(f"The link works once and expires on {_instant(data, 'expires_at')}.",
                 "Didn't ask for this? Ignore this email: your password stays as it is."),
    )


def _activation(company: str, data: dict[str, Any], *, by_client: bool) -> EmailContent:
    """R-EMAIL-6 (the client asked from the portal) and R-EMAIL-7 (the business added the client)."""
    opening = ("Here is the link you asked for to activate your client portal account." if by_client
               else f"{company} has set up a client portal account for you.")
    return EmailContent(
        subject=f"Activate your {company} client portal account" if by_client
        else f"{company} invited you to their client portal",
        paragraphs=(opening, f"There you can see your visits, send requests and messages to {company}, "
                             "and view your invoices."),
        action=("Activate my account", _link(data["activation_url"])),
        closing=(f"The link works once and expires on {_instant(data, 'expires_at')}.",
                 *(("Didn't ask for this? You can ignore this email.",) if by_client else ())),
    )


def _portal_instructions(company: str, data: dict[str, Any]) -> EmailContent:
    """R-EMAIL-8: Quick Actions → "Send Portal Instructions" on a client profile."""
    portal, whose = _link(data["portal_url"]), words.possessive(company)
    return EmailContent(
        subject=f"How to sign in to {whose} client portal",
        paragraphs=(f"In {whose} client portal you can see your visits, send requests and messages, "
                    "and view your invoices.",),
        facts=(("Portal address", portal), ("Sign in with", str(data["login_email"]))),
        action=("Open the client portal", portal),
        closing=('Forgot your password, or never set one? Choose "Forgot password" on the sign-in page '
                 "and a link to set one is emailed to you.",),
    )


def _schedule_confirmation(company: str, data: dict[str, Any]) -> EmailContent:
    """R-EMAIL-9: "Send Confirmation": one email listing every visit on the invoice, in date order."""
    return EmailContent(
        subject=f"{company}: your visits are confirmed",
        paragraphs=(f"Here are the visits {company} has scheduled for you:",),
        visits=words.visit_lines(data["visits"]),
        closing=(f"Need a change? Send a request from your client portal or contact {company}.",),
    )


def _unassigned_text(company: str, data: dict[str, Any]) -> EmailContent:
    """R-TEXT-9, to the company's admins: a text arrived from a number that is nobody's, or (R-TEXT-8)
    from a number several people share, which names them (`data["candidates"]`: [{id, kind, name}],
    absent from events of version 1)."""
    body = " ".join(str(data.get("body") or "").split())
    excerpt = body if len(body) <= EXCERPT_CHARS else body[: EXCERPT_CHARS - 1].rstrip() + "…"
    sender = words.format_phone(data["from_number"])
    candidates = [f"{c['name'] or 'someone without a name'} ({_KINDS.get(c['kind'], c['kind'])})"
                  for c in data.get("candidates") or []]
    if candidates:
        subject = f"{company}: a text arrived from a number {len(candidates)} people share"
        said = (f"A text to {words.possessive(company)} number arrived from {sender}, a number that "
                f"{words.join_names(candidates)} all have, so it was not guessed which of them wrote it.")
        closing = ("Open Unassigned Messages to assign it to the one who wrote it: it then joins their "
                   "conversation.",)
    else:
        subject = f"{company}: a text arrived from an unknown number"
        said = (f"A text to {words.possessive(company)} number arrived from {sender}, "
                "a number that belongs to no client or staff member.")
        closing = ("Open Unassigned Messages to assign it to a client or staff member: it then joins "
                   "their conversation.",)
    return EmailContent(
        subject=subject,
        paragraphs=(said,),
        message=excerpt or None,
        message_intro="It says:",
        facts=(("Received", _instant(data, "received_at")),),
        closing=closing,
        signoff=(f"— {company} notifications",),
    )


_KINDS = {"client": "client", "staff": "staff member"}


_BUILDERS: dict[Trigger, Callable[[str, dict[str, Any]], EmailContent]] = {
    Trigger.FEED_MESSAGE: partial(_conversation, after_visit=False),
    Trigger.VISIT_COMPLETED_MESSAGE: partial(_conversation, after_visit=True),
    Trigger.REQUEST_ANSWERED: _request_answered,
    Trigger.CLIENT_PAID_BY_CARD: partial(_payment, by_client=True),
    Trigger.CARD_CHARGED_BY_BUSINESS: partial(_payment, by_client=False),
    Trigger.INVOICE_EMAILED: _invoice,
    Trigger.PASSWORD_RESET: _password_reset,
    Trigger.ACTIVATION_REQUESTED_BY_CLIENT: partial(_activation, by_client=True),
    Trigger.ACTIVATION_SENT_BY_BUSINESS: partial(_activation, by_client=False),
    Trigger.PORTAL_INSTRUCTIONS: _portal_instructions,
    Trigger.SCHEDULE_CONFIRMATION: _schedule_confirmation,
    Trigger.UNASSIGNED_TEXT_ARRIVED: _unassigned_text,
}


# ---- formatting ---------------------------------------------------------------------------------

def _instant(data: dict[str, Any], key: str) -> str:
    """`data[key]` (an ISO instant) in the company's zone when `data["time_zone"]` names it."""
    return words.format_moment(datetime.fromisoformat(data[key]), data.get("time_zone"))


def _web_address(url: Any) -> str | None:
    """Only http(s) links reach an email: escaping cannot make a `javascript:` link safe."""
    parts = urlsplit(url) if isinstance(url, str) else None
    return url if parts and parts.scheme in ("http", "https") and parts.netloc else None


def _link(url: Any) -> str:
    if (found := _web_address(url)) is None:
        raise ValueError("an email's link must be an http(s) address")
    return found


def _nl2br(text: str) -> Markup:
    """A person's text for HTML: escaped, each newline a <br>."""
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["nl2br"] = _nl2br
