"""What the use cases need from the outside, as protocols: the repositories (SQL in `adapters/`,
in memory in the unit tests). Repositories return domain objects and never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from petcare_contracts import Actor, Envelope, EventPayload

from notifications.domain.company import CompanyState
from notifications.domain.deliveries import DeliveryRecord, NewDelivery
from notifications.domain.feeds import FeedMessage
from notifications.domain.preferences import DefaultDelivery, Preferences, PreferencesChange
from notifications.domain.recipients import Recipient


class Recipients(Protocol):
    """The people of clients.events (petcare_kit.client_directory), as notifications decides on them."""

    async def find(self, company_id: UUID, person_id: UUID) -> Recipient | None:
        """The person with their mobile number's facts and whether it opted out; None when unknown."""

    async def managers(self, company_id: UUID) -> list[UUID]:
        """Every active admin and office manager: who R-DELIV-8's "all admins" texts go to."""

    async def reply_to_address(self, company_id: UUID) -> str | None:
        """Where a client's reply to an email goes: the business (its first active admin), not us."""


class Companies(Protocol):
    async def state(self, company_id: UUID) -> CompanyState:
        """Never fails: an unknown company has the defaults and no name."""

    async def set_switches_off(self, company_id: UUID, off: list[str]) -> None: ...

    async def set_defaults(self, company_id: UUID, kind: str, change: PreferencesChange) -> None:
        """R-DELIV-6: the preferences people of `kind` (client, staff) added later start with."""

    async def set_texting(self, company_id: UUID, available: bool, reasons: list[str]) -> None: ...

    async def set_mobile_field(self, company_id: UUID, mobile_field: str | None) -> None:
        """R-TEXT-4: the custom field `Recipients.find` picks the mobile number from."""

    async def set_opted_out(self, company_id: UUID, number: str, opted_out: bool) -> None:
        """R-TEXT-12: `number` (E.164) replied STOP (True) or START (False)."""


class PreferenceStore(Protocol):
    async def lock(self, company_id: UUID, person_id: UUID) -> None:
        """Until the transaction ends, no other one deciding this person's preferences runs (a PUT
        before the person is known vs. the consumer introducing them)."""

    async def get(self, company_id: UUID, person_id: UUID) -> Preferences | None: ...

    async def save(self, company_id: UUID, person_id: UUID, preferences: Preferences) -> None: ...

    async def start(self, company_id: UUID, person_id: UUID, preferences: Preferences) -> None:
        """Set them only if the person has none yet (their first appearance)."""

    async def bulk_set(self, company_id: UUID, kind: str, *, default_delivery: DefaultDelivery | None,
                       texting_enabled: bool | None) -> int:
        """Every known person of `kind` of the company; returns how many."""

    async def held(self, company_id: UUID, person_id: UUID) -> PreferencesChange | None:
        """A change made before the person was known (issue 9 item 12), not applied yet."""

    async def hold(self, company_id: UUID, person_id: UUID, change: PreferencesChange) -> None: ...

    async def release(self, company_id: UUID, person_id: UUID) -> PreferencesChange | None:
        """Remove and return the held change."""


class Feeds(Protocol):
    async def add(self, message: FeedMessage) -> FeedMessage:
        """Stored, with its `created_at`."""

    async def page(self, company_id: UUID, person_id: UUID, *, before: datetime | None,
                   limit: int) -> list[FeedMessage]:
        """Newest first; pass the oldest `created_at` seen as `before` for the next page."""

    async def mark_read(self, person_id: UUID, reader_id: UUID, at: datetime) -> None:
        """Never moves the reader's mark back."""

    async def unread_count(self, company_id: UUID, person_id: UUID, reader_id: UUID) -> int: ...


class Deliveries(Protocol):
    async def add(self, delivery: NewDelivery) -> bool:
        """False when this cause already produced a delivery for this recipient and trigger (a replay).
        A chosen email is due for the dispatcher at once."""

    async def set_text_state(self, delivery_id: UUID, state: str, error: str | None = None) -> None:
        """Follow texting's reports (`domain.deliveries.text_state_may_change`)."""

    async def for_recipient(self, company_id: UUID, recipient_id: UUID, limit: int) -> list[DeliveryRecord]:
        """Newest first."""

    async def get(self, company_id: UUID, delivery_id: UUID) -> DeliveryRecord | None: ...


class UnitOfWork(Protocol):
    """One transaction: the repositories above, events queued in it (outbox), one commit."""

    # Read-only (properties): an implementation may hold a subtype of each port.
    @property
    def recipients(self) -> Recipients: ...

    @property
    def companies(self) -> Companies: ...

    @property
    def preferences(self) -> PreferenceStore: ...

    @property
    def feeds(self) -> Feeds: ...

    @property
    def deliveries(self) -> Deliveries: ...

    async def publish(self, payload: EventPayload, *, company_id: UUID | None, actor: Actor = ...,
                      causation_id: UUID | None = None) -> Envelope: ...

    async def replay_waiting(self, entity_id: UUID) -> int:
        """Events parked for `entity_id` (petcare_kit.waiting) are handled now; how many."""

    async def commit(self) -> None: ...
