"""The one envelope every message on every topic travels in.

`id` is the idempotency key: consumers record it, so a redelivered or replayed message changes
nothing twice. `data` is validated against the payload model registered for (`type`, `version`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

ActorKind = Literal["admin", "office_manager", "staff", "client", "system", "ops"]


class Actor(BaseModel):
    """Who caused the message: a person of a company, the system itself, or ops."""

    model_config = ConfigDict(frozen=True)

    kind: ActorKind
    id: UUID | None = None


SYSTEM = Actor(kind="system")


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: UUID = Field(default_factory=uuid4)
    type: str = Field(min_length=3, pattern=r"^[a-z_]+(\.[a-z_]+)+$")
    version: int = Field(ge=1)
    occurred_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    company_id: UUID | None
    """The tenant. None only for messages about the platform itself, never for a company's data."""
    actor: Actor = SYSTEM
    correlation_id: str
    """Shared by every message caused, directly or not, by one request: follow it through logs."""
    causation_id: UUID | None = None
    """The id of the message that caused this one (None for a message caused by a request)."""
    data: dict[str, Any]


class Headers:
    """Kafka header names the relay sets from the envelope, so tools can filter without parsing."""

    MESSAGE_ID = "message-id"
    EVENT_TYPE = "event-type"
    EVENT_VERSION = "event-version"
    CORRELATION_ID = "correlation-id"
    CONTENT_TYPE = "content-type"


def envelope_headers(envelope: Envelope) -> list[tuple[str, bytes]]:
    return [
        (Headers.MESSAGE_ID, str(envelope.id).encode()),
        (Headers.EVENT_TYPE, envelope.type.encode()),
        (Headers.EVENT_VERSION, str(envelope.version).encode()),
        (Headers.CORRELATION_ID, envelope.correlation_id.encode()),
        (Headers.CONTENT_TYPE, b"application/json"),
    ]
