"""What callers ask notifications to do. These are also the API's request bodies: unknown fields
are refused and sizes are bounded, so bad input is told apart from a bug before anything changes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from notifications.domain.preferences import DefaultDelivery, PreferencesChange
from notifications.domain.switches import Switch

Url = Annotated[str, StringConstraints(max_length=2000)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PostMessage(Command):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    image_urls: list[Url] = Field(default_factory=list, max_length=10)
    report_card_url: Url | None = None
    delivery_override: DefaultDelivery | None = None
    """R-DELIV-3: this message only (staff; ignored for a client)."""


class ChangePreferences(Command):
    default_delivery: DefaultDelivery | None = None
    texting_enabled: bool | None = None

    @property
    def change(self) -> PreferencesChange:
        return PreferencesChange(self.default_delivery, self.texting_enabled)


class ChangeEveryonesPreferences(ChangePreferences):
    """R-DELIV-6: every client (or staff member) now, and the default for people added later."""

    audience: Literal["clients", "staff"]

    @property
    def kind(self) -> str:
        return "client" if self.audience == "clients" else "staff"


class ChangeSwitches(Command):
    """R-DELIV-8: a switch not named keeps its state."""

    changes: dict[Switch, bool]
