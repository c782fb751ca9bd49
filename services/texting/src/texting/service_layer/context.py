"""What a use case works with: the unit of work (repositories, events, one commit), the caller and
Twilio. Built by the entrypoints (HTTP, consumer, background jobs), or with fakes by unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from petcare_kit.identity import Identity
from petcare_kit.use_case import SYSTEM as SYSTEM
from petcare_kit.use_case import UseCaseContext

from texting.service_layer.ports import Twilio, UnitOfWork


@dataclass
class Context(UseCaseContext[UnitOfWork]):
    """`UseCaseContext` on texting's unit-of-work port, acting as the service itself (`SYSTEM`)
    unless given a caller, plus Twilio for the use cases that call it."""

    identity: Identity = field(default=SYSTEM)
    twilio: Twilio | None = None
    webhook_base_url: str = ""
    """The public address Twilio calls back (through the gateway), without a trailing slash."""

    @property
    def provider(self) -> Twilio:
        """Twilio. Raises RuntimeError when the context was built without it (a wiring bug)."""
        if self.twilio is None:
            raise RuntimeError("this use case needs Twilio, and the context was built without it")
        return self.twilio
