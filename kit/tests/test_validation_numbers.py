"""Numbers sent as text are ASCII digits only (`AsciiNumber`, `AsciiInteger`): Python's Decimal and
int read any Unicode digit ("٥" is 5), underscores, spaces and exponents."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import pytest
from petcare_kit.validation import AsciiInteger, AsciiNumber
from pydantic import Field, TypeAdapter, ValidationError

PERCENT = TypeAdapter(Annotated[Decimal, AsciiNumber, Field(ge=0, le=100, decimal_places=4)])
CENTS = TypeAdapter(Annotated[int, AsciiInteger, Field(ge=0)])


@pytest.mark.parametrize("text", ["٥", "５", "1_0", " 5 ", "5e0", ".5", "5.", "NaN", "", "٥.٥"])
def test_numeric_text_with_anything_but_ascii_digits_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        PERCENT.validate_python(text)
    with pytest.raises(ValidationError):
        CENTS.validate_python(text)


def test_ascii_digits_and_json_numbers_pass() -> None:
    assert PERCENT.validate_python("8.875") == Decimal("8.875") and PERCENT.validate_python(10) == 10
    assert CENTS.validate_python("150") == 150 and CENTS.validate_python(150) == 150
    with pytest.raises(ValidationError):
        CENTS.validate_python("150.5")
