"""What callers ask of texting charges (R-BILL-1..5): the consumer's records of texting.events, the
periodic close, and the history's pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal
from uuid import UUID

from petcare_kit.validation import Month
from pydantic import AwareDatetime, Field

from billing.service_layer.commands import Command


class RecordNumberProvisioned(Command):
    """R-BILL-1: texting.number.provisioned."""

    company_id: UUID
    number: str = Field(max_length=40)
    provisioned_at: AwareDatetime


class RecordNumberReleased(Command):
    company_id: UUID
    number: str = Field(max_length=40)
    released_at: AwareDatetime


class RecordTextUsage(Command):
    """R-TEXT-13, R-BILL-5: texting.usage.recorded, one text sent or received."""

    company_id: UUID
    text_id: UUID
    direction: Literal["outbound", "inbound"]
    units: int = Field(ge=0)
    occurred_at: AwareDatetime


class CloseTextingMonth(Command):
    """texting.usage.month_closed: texting says the company's local `month` is over; `sent` and
    `received` are its own counts (logged beside billing's when they differ)."""

    company_id: UUID
    month: Month
    sent: int = Field(ge=0)
    received: int = Field(ge=0)


class CloseDuePeriods(Command):
    """The periodic job: close each company's finished local months that texting has not closed
    `grace` after their local end."""

    now: AwareDatetime
    grace: timedelta = Field(ge=timedelta(0))


class ListTextingTransactions(Command):
    month: Month
    limit: int = Field(ge=1, le=200)
    offset: int = Field(ge=0)

