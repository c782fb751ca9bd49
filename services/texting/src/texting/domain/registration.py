"""The A2P 10DLC registration form (R-TEXT-3): what a business must give, checked before anything
reaches Twilio. The tax id travels to Twilio once and is kept only as its last four digits."""

from __future__ import annotations

import re
from typing import Any, Literal

import phonenumbers
from petcare_kit.errors import InvalidInput
from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl, model_validator


class RegistrationAddress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    street: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    region: str = Field(min_length=2, max_length=50)
    postal_code: str = Field(min_length=3, max_length=20)
    country: Literal["US", "CA"] = "US"


class RegistrationForm(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    brand_type: Literal["STANDARD", "SOLE_PROPRIETOR"]
    business_name: str = Field(min_length=2, max_length=200)
    phone: str = Field(max_length=40)
    email: EmailStr
    website: HttpUrl | None = None
    address: RegistrationAddress
    ein: str | None = Field(None, repr=False)
    """STANDARD: the 9-digit Employer Identification Number (12-3456789)."""
    ssn: str | None = Field(None, repr=False)
    """SOLE_PROPRIETOR: the owner's Social Security Number, 9 digits."""

    @model_validator(mode="after")
    def _tax_id_and_phone(self) -> RegistrationForm:
        if self.brand_type == "STANDARD":
            if not self.ein or not re.fullmatch(r"\d{2}-?\d{7}", self.ein):
                raise ValueError("a standard brand needs its EIN, 9 digits like 12-3456789")
            if self.website is None:
                raise ValueError("a standard brand needs its website")
        elif not self.ssn or not re.fullmatch(r"\d{3}-?\d{2}-?\d{4}", self.ssn):
            raise ValueError("a sole proprietor needs the owner's SSN, 9 digits")
        try:
            parsed = phonenumbers.parse(self.phone, "US")
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise ValueError("the phone number is not a valid number")
        return self

    @property
    def tax_id_digits(self) -> str:
        return re.sub(r"\D", "", self.ein or self.ssn or "")

    def stored(self) -> dict[str, Any]:
        """What we keep: everything but the tax id, of which only the last four digits."""
        kept = self.model_dump(mode="json", exclude={"ein", "ssn"})
        kept["tax_id_last4"] = self.tax_id_digits[-4:]
        return kept


def check(form: RegistrationForm) -> RegistrationForm:
    if form.brand_type == "SOLE_PROPRIETOR" and form.address.country != "US":
        raise InvalidInput("Sole proprietor brands are for US businesses only.", code="sole_proprietor_us_only")
    return form
