"""The base of what callers ask billing to do: one command per use case (imperative names), kept in
each area's `<area>_commands.py`. They are also the API's request bodies: unknown fields are refused
and sizes bounded, so bad input is a 422 before anything changes. Updates subclass
`petcare_kit.validation.PatchBody`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
