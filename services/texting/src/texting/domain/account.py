"""A company's texting account (R-TEXT-1..4, R-TEXT-6): its plan as billing last said, whether
texting is on, its number, its A2P 10DLC registration and its settings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from petcare_kit.errors import Conflict

from texting.domain.availability import CompanyTexting, blockers, check_can_turn_on

MAX_IMAGES_CEILING = 10
"""R-TEXT-6: never more than 10 pictures per conversation message, whatever the setting says."""


@dataclass(frozen=True)
class TextingAccount:
    company_id: UUID
    name: str = ""
    plan: str | None = None
    in_trial: bool = False
    turned_on: bool = False
    number: str | None = None
    number_sid: str | None = None
    registration: dict[str, Any] | None = None
    brand_sid: str | None = None
    registration_status: str = "NOT_SUBMITTED"
    registration_failure: str | None = None
    mobile_field: str | None = None
    max_messages: int = 3
    max_images: int = 3
    available: bool = False
    """Whether clients could be texted when that was last published (R-DELIV-9)."""

    @property
    def texting(self) -> CompanyTexting:
        return CompanyTexting(self.plan, self.in_trial, self.turned_on, self.number, self.registration_status)

    def client_blockers(self) -> list[str]:
        """Why clients cannot be texted now (R-TEXT-1, R-TEXT-3); empty when they can."""
        return blockers(self.texting, to_client=True)

    def turned(self, on: bool) -> TextingAccount:
        """R-TEXT-1: turning on needs Solo or Team, not in a trial (Conflict otherwise)."""
        if on:
            check_can_turn_on(self.plan, self.in_trial)
        return replace(self, turned_on=on)

    def check_can_hold_a_number(self) -> None:
        """R-TEXT-1, R-TEXT-2: one number per company, on a plan with texting. Raises Conflict."""
        check_can_turn_on(self.plan, self.in_trial)
        if self.number:
            raise Conflict("The company already has a texting number; release it first.", code="number_already_held")

    def check_can_register(self) -> None:
        """R-TEXT-3: submitted once, again only after a failure. Raises Conflict."""
        if self.brand_sid and self.registration_status != "FAILED":
            raise Conflict("A registration was already submitted.", code="registration_already_submitted")

    def with_settings(self, *, mobile_field: str | None, max_messages: int | None,
                      max_images: int | None) -> TextingAccount:
        """R-TEXT-4 settings; None leaves a setting as it is, "" clears the mobile field."""
        changes: dict[str, Any] = {}
        if mobile_field is not None:
            changes["mobile_field"] = mobile_field or None
        if max_messages is not None:
            changes["max_messages"] = max_messages
        if max_images is not None:
            changes["max_images"] = min(max_images, MAX_IMAGES_CEILING)
        return replace(self, **changes)
