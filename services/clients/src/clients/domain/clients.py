"""A client of the business and the rules of their life cycle (R-INACT-*)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from uuid import UUID

from petcare_contracts.events.common import Address, Contact, Phone

from clients.domain.errors import ClientAlreadyActive, ClientAlreadyInactive, ClientsCannotBeDeleted


@dataclass(frozen=True)
class DeactivationOptions:
    """R-INACT-3: both default on; `delete_templates` only matters when the client has templates,
    which the scheduling service owns (it acts on the choice)."""

    delete_future_visits: bool = True
    delete_templates: bool = True


@dataclass(frozen=True)
class Client:
    id: UUID
    company_id: UUID
    first_name: str
    last_name: str
    emails: list[str]
    phones: list[Phone]
    address: Address | None = None
    custom_fields: dict[str, str] = field(default_factory=dict)
    notes: str | None = None
    active: bool = True

    @property
    def contact(self) -> Contact:
        return Contact(first_name=self.first_name, last_name=self.last_name, emails=self.emails,
                       phones=self.phones, custom_fields=self.custom_fields)

    @property
    def portal_email(self) -> str | None:
        return self.emails[0] if self.emails else None

    def deactivated(self) -> Client:
        """R-INACT-1: one client at a time; deactivating twice is a mistake worth telling."""
        if not self.active:
            raise ClientAlreadyInactive("This client is already inactive.")
        return replace(self, active=False)

    def reactivated(self) -> Client:
        if self.active:
            raise ClientAlreadyActive("This client is already active.")
        return replace(self, active=True)


CONTACT_FIELDS = ("first_name", "last_name", "emails", "phones", "address", "custom_fields", "notes")


def changed_fields(before: Client, after: Client) -> list[str]:
    return [name for name in CONTACT_FIELDS if getattr(before, name) != getattr(after, name)]


def refuse_deletion() -> None:
    """R-INACT-4."""
    raise ClientsCannotBeDeleted(
        "Client profiles cannot be deleted. Mark the client inactive instead "
        "(POST /clients/{client_id}/deactivate); you can reactivate them later."
    )
