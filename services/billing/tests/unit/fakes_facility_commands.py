"""In-memory answers to facility's commands, for unit tests."""

from __future__ import annotations

from uuid import UUID


class FakeFacilityCommands:
    """`answers`: request id → (company id, command, outcome, code)."""

    def __init__(self) -> None:
        self.answers: dict[UUID, tuple[UUID, str, str, str | None]] = {}

    async def answered(self, request_id: UUID) -> bool:
        return request_id in self.answers

    async def record(self, company_id: UUID, request_id: UUID, command: str, outcome: str, code: str | None) -> None:
        self.answers.setdefault(request_id, (company_id, command, outcome, code))
