"""Events of the clients service (`clients.events`), keyed by the person (or company) they are about.

Naming keeps facts apart from requests: `*.details_updated` says data changed and is never a
reason to notify anyone (R-NEVER-3); a request to email somebody is its own event
(`clients.portal.*_requested`), published only when a person asked for that email.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from petcare_contracts.events.common import Address, Contact, PersonKind
from petcare_contracts.registry import EventPayload, event

TOPIC = "clients.events"
StaffRole = Literal["admin", "office_manager", "staff"]
PortalRequestMode = Literal["general_message", "specific_visits"]


@event("clients.company.registered", version=1, topic=TOPIC, key="company_id")
class CompanyRegistered(EventPayload):
    """A business signed up; its first admin is `first_admin_id`."""

    company_id: UUID
    name: str
    slug: str
    time_zone: str
    first_admin_id: UUID


@event("clients.company.settings_changed", version=1, topic=TOPIC, key="company_id")
class CompanySettingsChanged(EventPayload):
    """The directory's company settings, whole (a snapshot, so a read model needs only the last one)."""

    company_id: UUID
    name: str
    time_zone: str
    portal_request_mode: PortalRequestMode
    cancellations_auto_approve: bool
    notify_client_when_visit_starts: bool


@event("clients.staff.added", version=1, topic=TOPIC, key="staff_id")
class StaffAdded(EventPayload):
    staff_id: UUID
    role: StaffRole
    contact: Contact


@event("clients.staff.details_updated", version=1, topic=TOPIC, key="staff_id")
class StaffDetailsUpdated(EventPayload):
    """Role or contact changed. Never a reason to notify (R-NEVER-3)."""

    staff_id: UUID
    role: StaffRole
    contact: Contact
    changed_fields: list[str]


@event("clients.staff.deactivated", version=1, topic=TOPIC, key="staff_id")
class StaffDeactivated(EventPayload):
    staff_id: UUID


@event("clients.staff.reactivated", version=1, topic=TOPIC, key="staff_id")
class StaffReactivated(EventPayload):
    staff_id: UUID


@event("clients.client.added", version=1, topic=TOPIC, key="client_id")
class ClientAdded(EventPayload):
    """A client profile was created. If the business also asked for the activation email, a separate
    `clients.portal.activation_email_requested` follows (R-EMAIL-7); this event alone emails nobody."""

    client_id: UUID
    contact: Contact
    address: Address | None = None


@event("clients.client.details_updated", version=1, topic=TOPIC, key="client_id")
class ClientDetailsUpdated(EventPayload):
    """Contact details changed (the whole contact after the change). Never notifies (R-NEVER-3)."""

    client_id: UUID
    contact: Contact
    address: Address | None = None
    changed_fields: list[str]


@event("clients.client.deactivated", version=1, topic=TOPIC, key="client_id")
class ClientDeactivated(EventPayload):
    """The client is inactive (R-INACT-*). The options are acted on by the services that own the data
    (scheduling deletes future visits and templates). Never notifies the client (R-NEVER-4)."""

    client_id: UUID
    delete_future_visits: bool
    delete_templates: bool


@event("clients.client.reactivated", version=1, topic=TOPIC, key="client_id")
class ClientReactivated(EventPayload):
    """The client can log in again. Never notifies the client (R-NEVER-4)."""

    client_id: UUID


@event("clients.pet.added", version=1, topic=TOPIC, key="client_id")
class PetAdded(EventPayload):
    """Keyed by the owner, so a client's and their pets' events stay in one order."""

    pet_id: UUID
    client_id: UUID
    name: str
    species: str
    breed: str | None = None
    birthday: date | None = None


@event("clients.pet.details_updated", version=1, topic=TOPIC, key="client_id")
class PetDetailsUpdated(EventPayload):
    """Never notifies (R-NEVER-3)."""

    pet_id: UUID
    client_id: UUID
    name: str
    species: str
    breed: str | None = None
    birthday: date | None = None
    changed_fields: list[str]


@event("clients.portal.activation_email_requested", version=1, topic=TOPIC, key="client_id")
class ActivationEmailRequested(EventPayload):
    """Send the client the portal activation email (R-EMAIL-7 when the business ticked "send
    activation email"; R-EMAIL-6 when the client asked from the portal).

    `activation_url` carries a single-use secret: never log it. It expires at `expires_at`."""

    client_id: UUID
    email: str
    activation_url: str
    expires_at: datetime
    requested_by: Literal["business", "client"]


@event("clients.portal.password_reset_requested", version=1, topic=TOPIC, key="person_id")
class PasswordResetRequested(EventPayload):
    """Send the reset-password email (R-EMAIL-6). `reset_url` is a single-use secret: never log it."""

    person_id: UUID
    person_kind: PersonKind
    email: str
    reset_url: str
    expires_at: datetime


@event("clients.portal.instructions_requested", version=1, topic=TOPIC, key="client_id")
class PortalInstructionsRequested(EventPayload):
    """Quick Actions → "Send Portal Instructions" on a client profile (R-EMAIL-8)."""

    client_id: UUID
    email: str
    portal_url: str
    login_email: str
