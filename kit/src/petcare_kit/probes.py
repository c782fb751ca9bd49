"""The answers of the probes every service (and the gateway) serves: `GET /health` and `GET /ready`.

A module of its own, light to import, so the gateway declares the same `/health` model without
loading the service runtime."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    """`GET /health`: the process is alive (it says nothing about the database or the broker)."""

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    """A service's `GET /ready`: its database and broker are reachable, so send traffic."""

    status: Literal["ready"] = "ready"
    relay_leader: bool = Field(description="This replica is the one relaying the outbox to the broker now.")
