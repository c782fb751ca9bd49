"""What notifications knows of a company when it decides: its name (for emails), its switches,
whether it can text, and the starting preferences of new people (R-DELIV-6, R-DELIV-8, R-DELIV-9)."""

from __future__ import annotations

from dataclasses import dataclass, field

from notifications.domain.preferences import Preferences
from notifications.domain.switches import CompanySwitches, TextingAvailability


@dataclass(frozen=True)
class CompanyState:
    name: str | None = None
    """None until clients.events introduced the company: emails carry its name, so they wait."""
    switches: CompanySwitches = field(default_factory=CompanySwitches)
    texting: TextingAvailability = field(default_factory=TextingAvailability)
    client_defaults: Preferences = field(default_factory=Preferences)
    staff_defaults: Preferences = field(default_factory=Preferences)
    mobile_field: str | None = None
    """R-TEXT-4: the custom field holding people's mobile numbers, as texting published it (None:
    the first phone labelled mobile)."""

    def defaults_for(self, kind: str) -> Preferences:
        """R-DELIV-6: a new client (or staff member) starts with the company's defaults for them."""
        return self.client_defaults if kind == "client" else self.staff_defaults
