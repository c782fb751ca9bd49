"""How a person wants conversation messages (R-DELIV-1, R-DELIV-4, R-DELIV-6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
