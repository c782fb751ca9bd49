"""What callers ask the directory to do. These are also the API's request bodies: unknown fields are
refused, sizes are bounded, so bad input is told apart from a bug before anything changes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from petcare_contracts.events.common import Address
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Password = Annotated[str, StringConstraints(max_length=256)]
StaffRole = Literal["admin", "office_manager", "staff"]


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


class ChangeCompanySettings(Command):
    name: Name | None = None
    time_zone: str | None = Field(None, max_length=64)
    portal_request_mode: Literal["general_message", "specific_visits"] | None = None
    cancellations_auto_approve: bool | None = None
    notify_client_when_visit_starts: bool | None = None


class AddStaff(Command):
    role: StaffRole = "staff"
    first_name: Name
    last_name: Name
    email: EmailStr
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    password: Password | None = None


class UpdateStaff(Command):
    role: StaffRole | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    phones: list[PhoneIn] | None = Field(None, max_length=10)


class AddClient(Command):
    first_name: Name
    last_name: Name
    emails: list[EmailStr] = Field(default_factory=list, max_length=10)
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10)
    address: Address | None = None
    custom_fields: dict[Annotated[str, StringConstraints(min_length=1, max_length=100)],
                        Annotated[str, StringConstraints(max_length=1000)]] = Field(default_factory=dict, max_length=50)
    notes: Text | None = None
    send_activation_email: bool = False
    """R-EMAIL-7: the "send activation email" box on the new-client form."""


class UpdateClient(Command):
    first_name: Name | None = None
    last_name: Name | None = None
    emails: list[EmailStr] | None = Field(None, max_length=10)
    phones: list[PhoneIn] | None = Field(None, max_length=10)
    address: Address | None = None
    custom_fields: dict[Annotated[str, StringConstraints(min_length=1, max_length=100)],
                        Annotated[str, StringConstraints(max_length=1000)]] | None = Field(None, max_length=50)
    notes: Text | None = None


class DeactivateClient(Command):
    """R-INACT-3: both options default on."""

    delete_future_visits: bool = True
    delete_templates: bool = True


class AddPet(Command):
    name: Name
    species: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    breed: Name | None = None
    birthday: date | None = None
    notes: Text | None = None


class UpdatePet(Command):
    name: Name | None = None
    species: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] | None = None
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
