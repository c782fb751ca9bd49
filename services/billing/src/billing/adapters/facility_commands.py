"""SQL for the answers billing gave to facility's commands (each command answered once)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.facility_commands_tables import facility_command_answers as _t


class SqlFacilityCommands:
    """`billing.service_layer.facility_commands_ports.FacilityCommands` on PostgreSQL. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def answered(self, request_id: UUID) -> bool:
        row = (await self.session.execute(select(_t.c.request_id).where(_t.c.request_id == request_id))).first()
        return row is not None

    async def record(self, company_id: UUID, request_id: UUID, command: str, outcome: str, code: str | None) -> None:
        await self.session.execute(insert(_t).values(
            request_id=request_id, company_id=company_id, command=command, outcome=outcome, code=code,
        ).on_conflict_do_nothing(index_elements=[_t.c.request_id]))
