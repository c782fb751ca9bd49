"""How a person wants conversation messages (R-DELIV-1, R-DELIV-4, R-DELIV-6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from petcare_kit.errors import Forbidden


class DefaultDelivery(StrEnum):
    EMAIL_ONLY = "email_only"
    TEXT_ONLY = "text_only"
    TEXT_AND_EMAIL = "text_and_email"

    @property
    def includes_email(self) -> bool:
        return self in (DefaultDelivery.EMAIL_ONLY, DefaultDelivery.TEXT_AND_EMAIL)

    @property
    def includes_text(self) -> bool:
        return self in (DefaultDelivery.TEXT_ONLY, DefaultDelivery.TEXT_AND_EMAIL)


@dataclass(frozen=True)
class Preferences:
    """R-DELIV-1: every recipient has a default delivery and a "texting enabled" flag. The business
    sets both; a client may switch only `texting_enabled`, from the portal (R-DELIV-4)."""

    default_delivery: DefaultDelivery = DefaultDelivery.EMAIL_ONLY
    texting_enabled: bool = False


@dataclass(frozen=True)
class DeliveryOverride:
    """R-DELIV-3: the sender's choice for one message; the recipient's default is untouched."""

    email: bool
    text: bool

    @classmethod
    def of(cls, delivery: DefaultDelivery) -> DeliveryOverride:
        return cls(email=delivery.includes_email, text=delivery.includes_text)


@dataclass(frozen=True)
class PreferencesChange:
    """What a person's preferences should become; None leaves that setting as it is."""

    default_delivery: DefaultDelivery | None = None
    texting_enabled: bool | None = None

    def applied_to(self, current: Preferences) -> Preferences:
        return Preferences(self.default_delivery or current.default_delivery,
                           current.texting_enabled if self.texting_enabled is None else self.texting_enabled)

    def then(self, later: PreferencesChange) -> PreferencesChange:
        """This change followed by `later` (the later one wins where it says something)."""
        return PreferencesChange(later.default_delivery or self.default_delivery,
                                 self.texting_enabled if later.texting_enabled is None else later.texting_enabled)

    @property
    def is_empty(self) -> bool:
        return self.default_delivery is None and self.texting_enabled is None


def check_client_may_change(change: PreferencesChange) -> None:
    """R-DELIV-4: a client switches only "texting enabled", on their own profile; the default
    delivery is the business's choice. Raises Forbidden(default_delivery_is_the_business_choice)."""
    if change.default_delivery is not None:
        raise Forbidden("The business chooses how messages are delivered; you can switch texting on or off.",
                        code="default_delivery_is_the_business_choice")
