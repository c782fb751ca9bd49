"""The base of every command and the field types they share. Commands (one per use case, imperative
names, in `<area>_commands.py`) are also the API's request bodies: unknown fields are refused and
sizes bounded, so bad input is a 422 before anything changes. Updates subclass `PatchBody`."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from petcare_kit.validation import AsciiInteger
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Note = Annotated[str, StringConstraints(max_length=5000)]
Cents = Annotated[int, AsciiInteger, Field(ge=0, le=100_000_000, description="integer cents (exact money)")]
Count = Annotated[int, Field(ge=1, le=10_000)]

EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a local wall-clock time has no offset: send 09:30, not 09:30+02:00")
    return value


def _bookable_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST}")
    return value


LocalTime = Annotated[time, AfterValidator(_local_time)]
"""A wall-clock time of the company's zone ("09:30")."""
LocalDate = Annotated[date, AfterValidator(_bookable_date)]
"""A date of the company's calendar, within the bookable years."""


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
