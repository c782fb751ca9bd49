"""What callers ask facility to do, one command per use case (imperative names). They are also
the API's request bodies: unknown fields are refused and sizes bounded, so bad input is a 422
before anything changes. Updates subclass `petcare_kit.validation.PatchBody`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddExample(Command):
    title: Title
