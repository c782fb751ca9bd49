"""What callers ask the directory to do. These are also the API's request bodies: unknown fields are
refused, sizes are bounded, so bad input is told apart from a bug before anything changes.

Updates are `PatchBody`s: a field left out is unchanged; a field typed without `| None` (a name, a
list, the custom fields) refuses `null` with 422, since it cannot be emptied; `address`, `notes`,
`breed` and `birthday` accept `null` to clear them (issue 9 item 4)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from petcare_contracts.events.clients import StaffRole
from petcare_contracts.events.common import Address
from petcare_kit.validation import NOT_SENT, PatchBody
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Password = Annotated[str, StringConstraints(max_length=256)]
Species = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
CustomFields = dict[Annotated[str, StringConstraints(min_length=1, max_length=100)],
                    Annotated[str, StringConstraints(max_length=1000)]]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhoneIn(Command):
    label: Literal["mobile", "home", "work", "other"] = "mobile"
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]


class AdminIn(Command):
    first_name: Name
    last_name: Name
    email: EmailStr
    password: Password


class SignUp(Command):
    company_name: Name
    time_zone: str = Field("America/New_York", max_length=64)
    admin: AdminIn


# In the PatchBody classes below, `NOT_SENT` only marks "not sent": the types refuse null.
class ChangeCompanySettings(PatchBody):
    name: Name = NOT_SENT
    time_zone: str = Field(NOT_SENT, max_length=64)
    portal_request_mode: Literal["general_message", "specific_visits"] = NOT_SENT
    cancellations_auto_approve: bool = NOT_SENT
    notify_client_when_visit_starts: bool = NOT_SENT


class AddStaff(Command):
    role: StaffRole = "staff"
    first_name: Name
    last_name: Name
    email: EmailStr
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    password: Password | None = None


class UpdateStaff(PatchBody):
    role: StaffRole = NOT_SENT
    first_name: Name = NOT_SENT
    last_name: Name = NOT_SENT
    phones: list[PhoneIn] = Field(NOT_SENT, max_length=10)


class AddClient(Command):
    first_name: Name
    last_name: Name
    emails: list[EmailStr] = Field(default_factory=list, max_length=10)
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    address: Address | None = None
    custom_fields: CustomFields = Field(default_factory=dict, max_length=50)
    notes: Text | None = None
    send_activation_email: bool = False
    """R-EMAIL-7: the "send activation email" box on the new-client form."""


class UpdateClient(PatchBody):
    first_name: Name = NOT_SENT
    last_name: Name = NOT_SENT
    emails: list[EmailStr] = Field(NOT_SENT, max_length=10)
    phones: list[PhoneIn] = Field(NOT_SENT, max_length=10)
    address: Address | None = None
    """null clears the address."""
    custom_fields: CustomFields = Field(NOT_SENT, max_length=50)
    notes: Text | None = None


class DeactivateClient(Command):
    """R-INACT-3: both options default on."""

    delete_future_visits: bool = True
    delete_templates: bool = True


class AddPet(Command):
    name: Name
    species: Species
    breed: Name | None = None
    birthday: date | None = None
    notes: Text | None = None


class UpdatePet(PatchBody):
    name: Name = NOT_SENT
    species: Species = NOT_SENT
    breed: Name | None = None
    birthday: date | None = None
    notes: Text | None = None


class SignIn(Command):
    company: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    email: EmailStr
    password: Password


class Refresh(Command):
    refresh_token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


class RequestFromPortal(Command):
    """A client (or staff member) asking for an email from the sign-in page: who they say they are."""

    company: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    email: EmailStr


class SetPasswordWithToken(Command):
    token: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    password: Password
