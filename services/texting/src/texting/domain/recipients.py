"""Which number is a person's mobile (R-TEXT-4): decided once, in `petcare_kit.phone_numbers`, for
texting and notifications alike; the name is kept for the code that imports it from here."""

from __future__ import annotations

from petcare_kit.phone_numbers import mobile_number

__all__ = ["mobile_number"]
