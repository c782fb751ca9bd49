"""What the API answers. A client's own view never shows the business's private notes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from petcare_contracts.events.common import Address, Phone
from pydantic import BaseModel

from clients.adapters.directory import Pet, StaffMember
from clients.domain.clients import Client
from clients.domain.company import Company


class ClientView(BaseModel):
    id: UUID
    first_name: str
    last_name: str
    emails: list[str]
    phones: list[Phone]
    address: Address | None
    custom_fields: dict[str, str]
    active: bool
    notes: str | None = None
    """Staff only: never present in a client's own view."""

    @classmethod
    def of(cls, client: Client, *, for_staff: bool) -> ClientView:
        return cls(id=client.id, first_name=client.first_name, last_name=client.last_name, emails=client.emails,
                   phones=client.phones, address=client.address, custom_fields=client.custom_fields,
                   active=client.active, notes=client.notes if for_staff else None)


class StaffView(BaseModel):
    id: UUID
    role: str
    first_name: str
    last_name: str
    emails: list[str]
    phones: list[Phone]
    active: bool

    @classmethod
    def of(cls, member: StaffMember) -> StaffView:
        return cls(id=member.id, role=member.role, first_name=member.first_name, last_name=member.last_name,
                   emails=member.emails, phones=member.phones, active=member.active)


class PetView(BaseModel):
    id: UUID
    client_id: UUID
    name: str
    species: str
    breed: str | None
    birthday: date | None
    notes: str | None

    @classmethod
    def of(cls, pet: Pet) -> PetView:
        return cls(id=pet.id, client_id=pet.client_id, name=pet.name, species=pet.species, breed=pet.breed,
                   birthday=pet.birthday, notes=pet.notes)


class CompanyView(BaseModel):
    id: UUID
    slug: str
    name: str
    time_zone: str
    portal_request_mode: str
    cancellations_auto_approve: bool
    notify_client_when_visit_starts: bool

    @classmethod
    def of(cls, company: Company) -> CompanyView:
        s = company.settings
        return cls(id=company.id, slug=company.slug, name=s.name, time_zone=s.time_zone,
                   portal_request_mode=s.portal_request_mode, cancellations_auto_approve=s.cancellations_auto_approve,
                   notify_client_when_visit_starts=s.notify_client_when_visit_starts)


class TokensView(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class SignedUpView(BaseModel):
    company: CompanyView
    admin_id: UUID
    tokens: TokensView


class SessionCheck(BaseModel):
    """The gateway's answer on every request: the token's session is still open (else 401)."""

    active: bool = True


class Accepted(BaseModel):
    status: str = "accepted"
    message: str
