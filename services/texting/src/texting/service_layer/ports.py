"""What the use cases need from the outside, as protocols: the repositories (SQL in `adapters/`,
in memory in the unit tests) and Twilio. Repositories return domain objects and never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload

from texting.domain.account import TextingAccount
from texting.domain.people import Person
from texting.domain.registration import RegistrationForm
from texting.domain.texts import LogFilter, Text
from texting.domain.unassigned import UnassignedMessage
from texting.domain.usage import UsageTotals


class Accounts(Protocol):
    async def get(self, company_id: UUID, *, for_update: bool = False) -> TextingAccount:
        """The company's account, created empty the first time it is asked for."""

    async def by_number(self, number: str) -> TextingAccount | None:
        """The account holding this texting number (E.164), if any."""

    async def save(self, account: TextingAccount) -> None: ...


class People(Protocol):
    async def get(self, company_id: UUID, person_id: UUID) -> Person:
        """Raises NotFound(person_not_found)."""

    async def in_company(self, company_id: UUID, kind: str | None) -> list[Person]:
        """By name; `kind` client or staff, None for both."""

    async def with_number(self, company_id: UUID, number: str) -> list[Person]:
        """Every active person of the company with this E.164 number among theirs."""

    async def set_numbers(self, company_id: UUID, person_id: UUID, numbers: list[str]) -> None:
        """Replace the E.164 numbers a text from this person is matched by (R-TEXT-8)."""


class Texts(Protocol):
    async def add(self, text: Text) -> bool:
        """False when this (delivery, part) or Twilio sid is already stored (a redelivered command or
        a retried webhook). A `pending` text is due for the dispatcher at once."""

    async def by_sid(self, twilio_sid: str) -> Text | None:
        """The text Twilio knows by this sid, locked for the change a callback brings."""

    async def set_status(self, text_id: UUID, status: str, error_code: int | None) -> None: ...

    async def statuses_of_delivery(self, delivery_id: UUID) -> set[str]: ...

    async def assign(self, text_id: UUID, person_id: UUID, person_kind: str) -> None: ...

    async def log(self, company_id: UUID, where: LogFilter, limit: int) -> list[Text]:
        """R-TEXT-10: newest first."""

    async def totals(self, company_id: UUID, where: LogFilter) -> UsageTotals:
        """R-TEXT-10, R-TEXT-13: the usage totals (domain/usage.py) of the texts matching `where`."""


class UsageMonths(Protocol):
    async def unclosed(self, now: datetime) -> list[tuple[UUID, str, UsageTotals]]:
        """(company, YYYY-MM, totals) of each month with texts that is not closed yet and whose end
        in the company's zone (its local calendar month, domain/months.py) has passed at `now`;
        oldest first."""

    async def time_zone(self, company_id: UUID) -> str | None:
        """The company's IANA zone from the clients directory read model (None: not known yet)."""

    async def close(self, company_id: UUID, month: str, totals: UsageTotals) -> bool:
        """Record the month as closed; False when it already was (another replica closed it)."""


class UnassignedMessages(Protocol):
    async def add(self, message: UnassignedMessage) -> None: ...

    async def get(self, company_id: UUID, unassigned_id: UUID) -> UnassignedMessage:
        """Locked for assignment. Raises NotFound(unassigned_message_not_found)."""

    async def in_company(self, company_id: UUID, *, include_assigned: bool) -> list[UnassignedMessage]:
        """Newest first."""

    async def save(self, message: UnassignedMessage) -> None: ...


class OptOuts(Protocol):
    async def set(self, company_id: UUID, number: str, opted_out: bool) -> None: ...

    async def is_opted_out(self, company_id: UUID, number: str) -> bool: ...


class UnitOfWork(Protocol):
    """One transaction: the repositories above, events queued in it (outbox), one commit."""

    @property
    def accounts(self) -> Accounts: ...

    @property
    def people(self) -> People: ...

    @property
    def texts(self) -> Texts: ...

    @property
    def usage_months(self) -> UsageMonths: ...

    @property
    def unassigned(self) -> UnassignedMessages: ...

    @property
    def opt_outs(self) -> OptOuts: ...

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = ...,
                      causation_id: UUID | None = None) -> Envelope: ...

    async def commit(self) -> None: ...


class AvailableNumber(Protocol):
    phone_number: str
    locality: str | None
    region: str | None


class Twilio(Protocol):
    """The account side of Twilio (adapters/twilio_gateway.py). Synchronous: use cases call it with
    `asyncio.to_thread`. Raises TwilioRejected (will not work) or TwilioUnavailable (retry)."""

    def search_numbers(self, *, area_code: str | None, contains: str | None,
                       country: str = "US") -> list[AvailableNumber]: ...

    def buy_number(self, phone_number: str, *, sms_url: str, status_callback: str, name: str) -> tuple[str, str]:
        """(number sid, number)."""

    def release_number(self, number_sid: str) -> None: ...

    def register_brand(self, form: RegistrationForm, *, company_name: str) -> tuple[str, str]:
        """(brand sid, status)."""

    def brand_status(self, brand_sid: str) -> tuple[str, str | None, str | None]:
        """(status, failure reason, identity status)."""

    def resend_sole_proprietor_otp(self, brand_sid: str) -> None: ...


