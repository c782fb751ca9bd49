"""In-memory stand-ins for texting's repositories, unit of work and Twilio: the use cases run on
them with no database and no network, exactly as they run on SQL and the SDK."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from petcare_contracts import SYSTEM, Actor, Envelope, EventPayload, new_envelope
from petcare_kit.errors import NotFound
from texting.adapters.twilio_gateway import TwilioRejected
from texting.domain.account import TextingAccount
from texting.domain.months import is_finished, month_of, zone_of
from texting.domain.people import Person
from texting.domain.registration import RegistrationForm
from texting.domain.texts import LogFilter, Text
from texting.domain.unassigned import UnassignedMessage
from texting.domain.usage import UsageTotals


class FakeAccounts:
    def __init__(self) -> None:
        self.rows: dict[UUID, TextingAccount] = {}

    async def get(self, company_id: UUID, *, for_update: bool = False) -> TextingAccount:
        return self.rows.setdefault(company_id, TextingAccount(company_id))

    async def by_number(self, number: str) -> TextingAccount | None:
        return next((a for a in self.rows.values() if a.number == number), None)

    async def save(self, account: TextingAccount) -> None:
        self.rows[account.company_id] = account


class FakePeople:
    def __init__(self) -> None:
        self.rows: dict[UUID, Person] = {}

    def add(self, person: Person) -> Person:
        self.rows[person.person_id] = person
        return person

    async def get(self, company_id: UUID, person_id: UUID) -> Person:
        person = self.rows.get(person_id)
        if person is None or person.company_id != company_id:
            raise NotFound("No such client or staff member.", code="person_not_found")
        return person

    async def in_company(self, company_id: UUID, kind: str | None) -> list[Person]:
        return sorted((p for p in self.rows.values() if p.company_id == company_id and kind in (None, p.kind)),
                      key=lambda p: p.name)

    async def with_number(self, company_id: UUID, number: str) -> list[Person]:
        return [p for p in self.rows.values() if p.company_id == company_id and p.active and number in p.numbers]

    async def set_numbers(self, company_id: UUID, person_id: UUID, numbers: list[str]) -> None:
        person = self.rows.get(person_id) or Person(person_id, company_id, "client", "")
        self.rows[person_id] = replace(person, numbers=list(numbers))


def _matches(text: Text, company_id: UUID, where: LogFilter) -> bool:
    created = text.created_at or datetime.now(UTC)
    return (text.company_id == company_id and where.direction in (None, text.direction)
            and where.status in (None, text.status) and where.person_id in (None, text.person_id)
            and (where.since is None or created >= where.since) and (where.until is None or created < where.until))


class FakeTexts:
    def __init__(self) -> None:
        self.rows: dict[UUID, Text] = {}

    async def add(self, text: Text) -> bool:
        if any((t.delivery_id is not None and (t.delivery_id, t.part) == (text.delivery_id, text.part))
               or (t.twilio_sid is not None and t.twilio_sid == text.twilio_sid) for t in self.rows.values()):
            return False
        self.rows[text.id] = replace(text, created_at=text.created_at or datetime.now(UTC))
        return True

    async def by_sid(self, twilio_sid: str) -> Text | None:
        return next((t for t in self.rows.values() if t.twilio_sid == twilio_sid), None)

    async def set_status(self, text_id: UUID, status: str, error_code: int | None) -> None:
        self.rows[text_id] = replace(self.rows[text_id], status=status, error_code=error_code)

    async def statuses_of_delivery(self, delivery_id: UUID) -> set[str]:
        return {t.status for t in self.rows.values() if t.delivery_id == delivery_id}

    async def assign(self, text_id: UUID, person_id: UUID, person_kind: str) -> None:
        self.rows[text_id] = replace(self.rows[text_id], person_id=person_id, person_kind=person_kind)

    async def log(self, company_id: UUID, where: LogFilter, limit: int) -> list[Text]:
        found = [t for t in self.rows.values() if _matches(t, company_id, where)]
        return sorted(found, key=lambda t: t.created_at or datetime.min, reverse=True)[:limit]

    async def totals(self, company_id: UUID, where: LogFilter) -> UsageTotals:
        return UsageTotals.of([(t.direction, t.status) for t in self.rows.values() if _matches(t, company_id, where)])


class FakeUsageMonths:
    """Months are the company's local ones: its zone in `zones` (the clients directory's), UTC when absent."""

    def __init__(self, texts: FakeTexts) -> None:
        self.texts = texts
        self.closed: dict[tuple[UUID, str], UsageTotals] = {}
        self.zones: dict[UUID, str] = {}

    async def unclosed(self, now: datetime) -> list[tuple[UUID, str, UsageTotals]]:
        months: dict[tuple[UUID, str], list[tuple[str, str]]] = {}
        for t in self.texts.rows.values():
            zone = zone_of(self.zones.get(t.company_id))
            month = month_of(t.created_at or datetime.now(UTC), zone)
            if is_finished(month, now, zone) and (t.company_id, month) not in self.closed:
                months.setdefault((t.company_id, month), []).append((t.direction, t.status))
        return [(company, month, UsageTotals.of(pairs)) for (company, month), pairs
                in sorted(months.items(), key=lambda item: (item[0][1], str(item[0][0])))]

    async def time_zone(self, company_id: UUID) -> str | None:
        return self.zones.get(company_id)

    async def close(self, company_id: UUID, month: str, totals: UsageTotals) -> bool:
        if (company_id, month) in self.closed:
            return False
        self.closed[(company_id, month)] = totals
        return True


class FakeUnassigned:
    def __init__(self) -> None:
        self.rows: dict[UUID, UnassignedMessage] = {}

    async def add(self, message: UnassignedMessage) -> None:
        self.rows[message.id] = message

    async def get(self, company_id: UUID, unassigned_id: UUID) -> UnassignedMessage:
        message = self.rows.get(unassigned_id)
        if message is None or message.company_id != company_id:
            raise NotFound("No such unassigned message.", code="unassigned_message_not_found")
        return message

    async def in_company(self, company_id: UUID, *, include_assigned: bool) -> list[UnassignedMessage]:
        return sorted((m for m in self.rows.values() if m.company_id == company_id
                       and (include_assigned or m.assigned_to is None)), key=lambda m: m.received_at, reverse=True)

    async def save(self, message: UnassignedMessage) -> None:
        self.rows[message.id] = message


class FakeOptOuts:
    def __init__(self) -> None:
        self.numbers: set[tuple[UUID, str]] = set()

    async def set(self, company_id: UUID, number: str, opted_out: bool) -> None:
        (self.numbers.add if opted_out else self.numbers.discard)((company_id, number))

    async def is_opted_out(self, company_id: UUID, number: str) -> bool:
        return (company_id, number) in self.numbers


class FakeUnitOfWork:
    """Events are kept in `published` as they would be queued; `commits` counts commits."""

    def __init__(self) -> None:
        self.accounts = FakeAccounts()
        self.people = FakePeople()
        self.texts = FakeTexts()
        self.usage_months = FakeUsageMonths(self.texts)
        self.unassigned = FakeUnassigned()
        self.opt_outs = FakeOptOuts()
        self.published: list[Envelope] = []
        self.commits = 0

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Envelope:
        envelope = new_envelope(payload, company_id=company_id, actor=actor, causation_id=causation_id,
                                correlation_id="unit-test")
        self.published.append(envelope)
        return envelope

    async def commit(self) -> None:
        self.commits += 1

    def events(self, type_: str) -> list[Any]:
        return [e.data for e in self.published if e.type == type_]


@dataclass(frozen=True)
class Offer:
    phone_number: str
    locality: str | None = None
    region: str | None = None


@dataclass
class FakeTwilio:
    """Twilio's account side; `refuse` makes every call answer like a 400 from Twilio."""

    offers: list[Offer] = field(default_factory=lambda: [Offer("+12125550142", "New York", "NY")])
    refuse: str | None = None
    released: list[str] = field(default_factory=list)
    brands: dict[str, str] = field(default_factory=dict)
    otps: list[str] = field(default_factory=list)
    bought: list[dict[str, str]] = field(default_factory=list)

    def _check(self) -> None:
        if self.refuse:
            raise TwilioRejected(21452, self.refuse)

    def search_numbers(self, *, area_code: str | None, contains: str | None, country: str = "US") -> list[Offer]:
        self._check()
        return [o for o in self.offers if (not area_code or o.phone_number[2:5] == area_code)
                and (not contains or contains in o.phone_number)]

    def buy_number(self, phone_number: str, *, sms_url: str, status_callback: str, name: str) -> tuple[str, str]:
        self._check()
        self.bought.append({"number": phone_number, "sms_url": sms_url, "status_callback": status_callback})
        return f"PN{len(self.bought):032d}", phone_number

    def release_number(self, number_sid: str) -> None:
        self.released.append(number_sid)

    def register_brand(self, form: RegistrationForm, *, company_name: str) -> tuple[str, str]:
        self._check()
        sid = f"BN{len(self.brands):032d}"
        self.brands[sid] = "PENDING"
        return sid, "PENDING"

    def brand_status(self, brand_sid: str) -> tuple[str, str | None, str | None]:
        status = self.brands[brand_sid]
        return status, "the EIN does not match" if status == "FAILED" else None, None

    def resend_sole_proprietor_otp(self, brand_sid: str) -> None:
        self.otps.append(brand_sid)
