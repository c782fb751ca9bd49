"""What the handling of facility's commands needs from storage: which commands were answered
(R-FAC-4, R-FAC-6: each command on `billing.commands` is answered once). Never commits."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class FacilityCommands(Protocol):
    """SQL: adapters/facility_commands.py; in memory: tests/unit/fakes_facility_commands.py."""

    async def answered(self, request_id: UUID) -> bool:
        """Whether the command `request_id` was answered already (by any company: ids are unique)."""

    async def record(self, company_id: UUID, request_id: UUID, command: str, outcome: str, code: str | None) -> None:
        """Remember the answer (`outcome` "done" or "refused", the refusal's `code`)."""
