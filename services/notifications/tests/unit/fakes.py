"""In-memory repositories and unit of work for the use cases (service_layer/ports.py): no database."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from notifications.domain.company import CompanyState
from notifications.domain.deliveries import DeliveryRecord, NewDelivery, text_state_may_change
from notifications.domain.feeds import FeedMessage
from notifications.domain.preferences import DefaultDelivery, Preferences, PreferencesChange
from notifications.domain.recipients import NumberFacts, Recipient
from notifications.domain.switches import CompanySwitches, Switch, TextingAvailability
from petcare_contracts import SYSTEM, Actor, EventPayload, new_envelope


class FakeRecipients:
    def __init__(self) -> None:
        self.people: dict[UUID, tuple[UUID, Recipient]] = {}
        self.opted_out: set[tuple[UUID, str]] = set()

    def add(self, company_id: UUID, recipient: Recipient) -> Recipient:
        self.people[recipient.person_id] = (company_id, recipient)
        return recipient

    async def find(self, company_id: UUID, person_id: UUID) -> Recipient | None:
        found = self.people.get(person_id)
        if found is None or found[0] != company_id:
            return None
        recipient = found[1]
        number = recipient.mobile.e164 if recipient.mobile else None
        opted = frozenset({number}) if number and (company_id, number) in self.opted_out else frozenset()
        return replace(recipient, opted_out_numbers=opted)

    async def managers(self, company_id: UUID) -> list[UUID]:
        return [r.person_id for c, r in self.people.values() if c == company_id and r.is_manager and r.active]

    async def reply_to_address(self, company_id: UUID) -> str | None:
        return next((r.email for c, r in self.people.values()
                     if c == company_id and r.role == "admin" and r.active and r.email), None)


class FakeCompanies:
    def __init__(self, recipients: FakeRecipients) -> None:
        self.states: dict[UUID, CompanyState] = {}
        self.recipients = recipients

    async def state(self, company_id: UUID) -> CompanyState:
        return self.states.get(company_id, CompanyState())

    def _change(self, company_id: UUID, **changes: Any) -> None:
        self.states[company_id] = replace(self.states.get(company_id, CompanyState()), **changes)

    async def set_switches_off(self, company_id: UUID, off: list[str]) -> None:
        current = (await self.state(company_id)).switches
        self._change(company_id, switches=replace(current, on=frozenset(Switch) - {Switch(s) for s in off}))

    async def set_defaults(self, company_id: UUID, kind: str, change: PreferencesChange) -> None:
        state = await self.state(company_id)
        name = "client_defaults" if kind == "client" else "staff_defaults"
        self._change(company_id, **{name: change.applied_to(getattr(state, name))})

    async def set_texting(self, company_id: UUID, available: bool, reasons: list[str]) -> None:
        self._change(company_id, texting=TextingAvailability(available, tuple(reasons)))

    async def set_mobile_field(self, company_id: UUID, mobile_field: str | None) -> None:
        self._change(company_id, mobile_field=mobile_field)

    async def set_opted_out(self, company_id: UUID, number: str, opted_out: bool) -> None:
        (self.recipients.opted_out.add if opted_out else self.recipients.opted_out.discard)((company_id, number))


class FakePreferences:
    def __init__(self, recipients: FakeRecipients) -> None:
        self.rows: dict[tuple[UUID, UUID], Preferences] = {}
        self.held_changes: dict[tuple[UUID, UUID], PreferencesChange] = {}
        self.recipients = recipients

    async def get(self, company_id: UUID, person_id: UUID) -> Preferences | None:
        return self.rows.get((company_id, person_id))

    async def save(self, company_id: UUID, person_id: UUID, preferences: Preferences) -> None:
        self.rows[(company_id, person_id)] = preferences

    async def lock(self, company_id: UUID, person_id: UUID) -> None:
        """One task at a time here: nothing to wait for."""

    async def start(self, company_id: UUID, person_id: UUID, preferences: Preferences) -> None:
        self.rows.setdefault((company_id, person_id), preferences)

    async def bulk_set(self, company_id: UUID, kind: str, *, default_delivery: DefaultDelivery | None,
                       texting_enabled: bool | None) -> int:
        change, count = PreferencesChange(default_delivery, texting_enabled), 0
        for (company, person), prefs in list(self.rows.items()):
            known = self.recipients.people.get(person)
            if company == company_id and known and known[1].kind == kind:
                self.rows[(company, person)] = change.applied_to(prefs)
                count += 1
        return count

    async def held(self, company_id: UUID, person_id: UUID) -> PreferencesChange | None:
        return self.held_changes.get((company_id, person_id))

    async def hold(self, company_id: UUID, person_id: UUID, change: PreferencesChange) -> None:
        self.held_changes[(company_id, person_id)] = change

    async def release(self, company_id: UUID, person_id: UUID) -> PreferencesChange | None:
        return self.held_changes.pop((company_id, person_id), None)


class FakeFeeds:
    def __init__(self) -> None:
        self.messages: list[FeedMessage] = []
        self.reads: dict[tuple[UUID, UUID], datetime] = {}

    async def add(self, message: FeedMessage) -> FeedMessage:
        if message.source_id is not None and any(m.source_id == message.source_id for m in self.messages):
            raise AssertionError("one feed message per event")
        stored = replace(message, created_at=datetime.now(UTC))
        self.messages.append(stored)
        return stored

    async def page(self, company_id: UUID, person_id: UUID, *, before: datetime | None,
                   limit: int) -> list[FeedMessage]:
        mine = [m for m in self.messages if m.company_id == company_id and m.person_id == person_id
                and (before is None or (m.created_at and m.created_at < before))]
        return list(reversed(mine))[:limit]

    async def mark_read(self, person_id: UUID, reader_id: UUID, at: datetime) -> None:
        self.reads[(person_id, reader_id)] = max(at, self.reads.get((person_id, reader_id), at))

    async def unread_count(self, company_id: UUID, person_id: UUID, reader_id: UUID) -> int:
        last = self.reads.get((person_id, reader_id))
        return sum(1 for m in self.messages if m.company_id == company_id and m.person_id == person_id
                   and m.author_id != reader_id and (last is None or (m.created_at and m.created_at > last)))


class FakeDeliveries:
    def __init__(self) -> None:
        self.added: list[NewDelivery] = []
        self.text_states: dict[UUID, tuple[str, str | None]] = {}

    async def add(self, delivery: NewDelivery) -> bool:
        key = (delivery.source_id, delivery.recipient_id, delivery.trigger)
        if any((d.source_id, d.recipient_id, d.trigger) == key for d in self.added):
            return False
        self.added.append(delivery)
        self.text_states[delivery.id] = ("requested" if delivery.text_requested else "none", None)
        return True

    async def set_text_state(self, delivery_id: UUID, state: str, error: str | None = None) -> None:
        current = self.text_states.get(delivery_id, ("none", None))[0]
        if text_state_may_change(current, state):
            self.text_states[delivery_id] = (state, error)

    def _record(self, d: NewDelivery) -> DeliveryRecord:
        state, error = self.text_states[d.id]
        return DeliveryRecord(d.id, d.trigger, d.recipient_id, datetime.now(UTC), d.decision,
                              "pending" if d.email else "none", state, d.email or {}, text_error=error)

    async def for_recipient(self, company_id: UUID, recipient_id: UUID, limit: int) -> list[DeliveryRecord]:
        mine = [d for d in self.added if d.company_id == company_id and d.recipient_id == recipient_id]
        return [self._record(d) for d in reversed(mine)][:limit]

    async def get(self, company_id: UUID, delivery_id: UUID) -> DeliveryRecord | None:
        return next((self._record(d) for d in self.added if d.company_id == company_id and d.id == delivery_id), None)


@dataclass
class FakeUnitOfWork:
    recipients: FakeRecipients = field(default_factory=FakeRecipients)
    published: list[EventPayload] = field(default_factory=list)
    commits: int = 0
    replayed_for: list[UUID] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.companies = FakeCompanies(self.recipients)
        self.preferences = FakePreferences(self.recipients)
        self.feeds = FakeFeeds()
        self.deliveries = FakeDeliveries()

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = SYSTEM,
                      causation_id: UUID | None = None) -> Any:
        self.published.append(payload)
        return new_envelope(payload, company_id=company_id, actor=actor, causation_id=causation_id,
                            correlation_id="unit")

    async def replay_waiting(self, entity_id: UUID) -> int:
        self.replayed_for.append(entity_id)
        return 0

    async def commit(self) -> None:
        self.commits += 1

    def of_type(self, kind: type) -> list[Any]:
        return [p for p in self.published if isinstance(p, kind)]


def person(kind: str = "client", *, role: str | None = None, name: str = "Ada King", email: str | None = "ada@x.com",
           mobile: str | None = "+14165550199", active: bool = True, person_id: UUID | None = None) -> Recipient:
    from uuid import uuid4

    return Recipient(person_id or uuid4(), kind, role or kind, name, email,  # type: ignore[arg-type]
                     NumberFacts.of(mobile), active)


def texting_company(name: str = "Happy Paws") -> CompanyState:
    return CompanyState(name=name, switches=CompanySwitches(notify_client_when_visit_starts=True),
                        texting=TextingAvailability(True, ()))
