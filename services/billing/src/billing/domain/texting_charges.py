"""Texting charges, R-BILL-1..5 (seed 001): $10 a month for the reserved number, 250 texts a month
per active staff member pooled across the company, unused texts roll over to the next month, and
texts beyond allowance + rollover are billed at the end of the month at $0.025 a text.

Months are the company's local calendar months; the caller counts the texts in them. Sent and
received texts both count (R-TEXT-13; failed sends are not billed). Rollover is not capped (the seed
names no cap), and which texts are spent first does not change the sums. The overage
charge is one invoice line, so it is rounded half-up to the cent once (e.g. 3 texts = 7.5 ¢ → 8 ¢).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from petcare_kit.errors import InvalidInput

from billing.domain.money import round_to_cent

NUMBER_FEE_CENTS = 1_000  # R-BILL-1: $10 a month
TEXTS_PER_ACTIVE_STAFF = 250  # R-BILL-2
OVERAGE_CENTS_PER_TEXT = Decimal("2.5")  # R-BILL-4: $0.025 a text

# Kinds of transactions in the history (R-BILL-5): every text, and the month's charges.
TEXT_SENT = "text_sent"
TEXT_RECEIVED = "text_received"
NUMBER_FEE = "number_fee"
OVERAGE = "overage"


class InvalidUsage(InvalidInput):
    code = "invalid_texting_usage"


@dataclass(frozen=True)
class Charge:
    """One transaction of the texting history (R-BILL-5): what and how many cents."""

    month: str
    description: str
    cents: int
    kind: str = NUMBER_FEE
    """NUMBER_FEE or OVERAGE."""


@dataclass(frozen=True)
class TextingPeriod:
    """R-BILL-5: one month's record. `month` is "YYYY-MM" in the company's zone."""

    month: str
    active_staff: int
    texts_sent: int
    texts_received: int
    allowance: int
    rolled_over_in: int
    overage_texts: int
    rolled_over_out: int
    number_fee_cents: int
    overage_cents: int

    @property
    def texts_used(self) -> int:
        return self.texts_sent + self.texts_received

    @property
    def total_cents(self) -> int:
        return self.number_fee_cents + self.overage_cents

    def charges(self) -> list[Charge]:
        """The month's transactions: the number fee if the number was held, the overage if any."""
        charges = []
        if self.number_fee_cents:
            charges.append(Charge(self.month, "Reserved texting number", self.number_fee_cents, NUMBER_FEE))
        if self.overage_cents:
            charges.append(Charge(self.month, f"{self.overage_texts} texts over the allowance at $0.025",
                                  self.overage_cents, OVERAGE))
        return charges


def close_month(*, month: str, active_staff: int, texts_sent: int, texts_received: int,
                rolled_over_in: int, number_held: bool = True) -> TextingPeriod:
    """R-BILL-1..4: bill a finished month. `active_staff` is the company's count of active staff
    members for the month; `rolled_over_in` is the previous period's `rolled_over_out` (0 for the
    first). Raises `InvalidUsage` for negative counts."""
    counts = {"active_staff": active_staff, "texts_sent": texts_sent, "texts_received": texts_received,
              "rolled_over_in": rolled_over_in}
    negative = {name: value for name, value in counts.items() if value < 0}
    if negative:
        raise InvalidUsage("Counts of staff and texts cannot be negative.", details=negative)
    allowance = active_staff * TEXTS_PER_ACTIVE_STAFF
    available = allowance + rolled_over_in
    used = texts_sent + texts_received
    overage = max(used - available, 0)
    return TextingPeriod(
        month=month, active_staff=active_staff, texts_sent=texts_sent, texts_received=texts_received,
        allowance=allowance, rolled_over_in=rolled_over_in, overage_texts=overage,
        rolled_over_out=max(available - used, 0),
        number_fee_cents=NUMBER_FEE_CENTS if number_held else 0,
        overage_cents=round_to_cent(overage * OVERAGE_CENTS_PER_TEXT),
    )


# Months: the company's LOCAL calendar months (its IANA zone from the clients directory).


def zone_of(name: str | None) -> tzinfo:
    """The company's zone; UTC while none is known (or the name is not an IANA zone). Never raises."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def month_of(moment: datetime, tz: tzinfo) -> str:
    """The local "YYYY-MM" an aware instant falls in (23:30 on 31 January in New York, 04:30 UTC
    on 1 February, is "….-01")."""
    return moment.astimezone(tz).strftime("%Y-%m")


def month_bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """A local "YYYY-MM" as [its first instant, the next month's first instant), in UTC."""
    year, number = int(month[:4]), int(month[5:7])
    start = datetime(year, number, 1, tzinfo=tz)
    return start.astimezone(UTC), datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz).astimezone(UTC)


def next_month(month: str) -> str:
    """"2026-12" → "2027-01"."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def previous_month(month: str) -> str:
    """"2027-01" → "2026-12"."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def months_through(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive (empty when `last` is before `first`)."""
    months: list[str] = []
    month = first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


@dataclass(frozen=True)
class Holding:
    """A texting number the company held (R-BILL-1): from `provisioned_at` until `released_at`."""

    number: str
    provisioned_at: datetime
    released_at: datetime | None = None


def number_held_in(month: str, tz: tzinfo, holdings: Iterable[Holding]) -> bool:
    """R-BILL-1: was a number held at any moment of the local month? The $10 is a monthly fee with
    no proration: a number held for a day of the month costs the month."""
    start, end = month_bounds(month, tz)
    return any(h.provisioned_at < end and (h.released_at is None or h.released_at > start) for h in holdings)


def first_held_month(tz: tzinfo, holdings: Iterable[Holding]) -> str | None:
    """The local month the first number was provisioned in (None: never held one)."""
    starts = [h.provisioned_at for h in holdings]
    return month_of(min(starts), tz) if starts else None


# What billing keeps (R-BILL-5): each company's periods and every texting transaction.

TRANSACTIONS = UUID("6f1d0c1e-3b0a-4d55-9d1c-7e2a8c4b5a10")
"""Namespace of the transactions' ids: derived from what they are, so a replay writes the same row."""
CLOSED_BY_TEXTING = "texting"  # texting.usage.month_closed
CLOSED_BY_BILLING = "billing"  # billing's own job, when texting's close did not come in time


@dataclass(frozen=True)
class Period:
    """A company's local month. Open while its texts are counted (`texts_sent`, `texts_received`:
    the units of its text transactions); `bill` is set once, when it is closed (R-BILL-2..4)."""

    company_id: UUID
    month: str
    texts_sent: int = 0
    texts_received: int = 0
    bill: TextingPeriod | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    """CLOSED_BY_TEXTING or CLOSED_BY_BILLING."""

    @property
    def is_closed(self) -> bool:
        return self.bill is not None

    def counted(self, kind: str, units: int) -> Period:
        """This open period with one more text transaction."""
        if kind == TEXT_SENT:
            return replace(self, texts_sent=self.texts_sent + units)
        return replace(self, texts_received=self.texts_received + units)


@dataclass(frozen=True)
class Transaction:
    """One line of the texting history (R-BILL-5): a text sent or received (`units` texts, no
    cents: texts are paid for by the month's allowance or overage), or a month's charge (`cents`).
    `month` is the period it counts in: its local month, or the first open period when it arrived
    after its own month was closed (then `description` says so)."""

    id: UUID
    company_id: UUID
    month: str
    kind: str
    description: str
    occurred_at: datetime
    units: int = 0
    cents: int = 0
    text_id: UUID | None = None


def text_transaction(company_id: UUID, text_id: UUID, direction: str, units: int, occurred_at: datetime,
                     occurred_month: str, counted_in: str) -> Transaction:
    """R-BILL-5, R-TEXT-13: the transaction of one text sent ("outbound") or received ("inbound")."""
    if units < 0:
        raise InvalidUsage("A text cannot use a negative number of units.", details={"units": units})
    kind = TEXT_SENT if direction == "outbound" else TEXT_RECEIVED
    description = "Text sent" if kind == TEXT_SENT else "Text received"
    if counted_in != occurred_month:
        description += f" on {occurred_month}, after that month was closed"
    return Transaction(uuid5(TRANSACTIONS, f"{company_id}:text:{text_id}"), company_id, counted_in, kind,
                       description, occurred_at, units=units, text_id=text_id)


def charge_transactions(company_id: UUID, bill: TextingPeriod, at: datetime) -> list[Transaction]:
    """R-BILL-1, R-BILL-4, R-BILL-5: the closed month's charges as transactions (their cents sum to
    `bill.total_cents`)."""
    return [Transaction(uuid5(TRANSACTIONS, f"{company_id}:{charge.month}:{charge.kind}"), company_id,
                        charge.month, charge.kind, charge.description, at, cents=charge.cents)
            for charge in bill.charges()]
