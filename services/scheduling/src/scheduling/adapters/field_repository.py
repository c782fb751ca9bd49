"""What happens in the field over SQL: completion notes (R-SCHED-8) and late reports (R-SCHED-9).
Never commits."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.adapters.requests_tables import late_reports, visit_completions
from scheduling.adapters.tables import services, visits
from scheduling.domain.lateness import REPORT_HORIZON, LateCandidate


class SqlFieldRecords:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save_completion(self, company_id: UUID, visit_id: UUID, *, staff_id: UUID | None,
                              message_for_client: str | None, image_urls: list[str],
                              report_card_url: str | None, completed_at: datetime) -> None:
        await self.session.execute(insert(visit_completions).values(
            visit_id=visit_id, company_id=company_id, staff_id=staff_id, message_for_client=message_for_client,
            image_urls=image_urls, report_card_url=report_card_url, completed_at=completed_at)
            .on_conflict_do_nothing(index_elements=["visit_id"]))

    async def late_candidates(self, now: datetime, *, limit: int) -> list[tuple[UUID, LateCandidate]]:
        late_at = visits.c.starts_at + func.make_interval(0, 0, 0, 0, 0, services.c.late_reminder_minutes)
        query = (
            select(visits.c.company_id, visits.c.id, visits.c.status, visits.c.starts_at, visits.c.staff_id,
                   services.c.late_reminder_minutes)
            .join(services, and_(services.c.id == visits.c.service_id, services.c.company_id == visits.c.company_id))
            .outerjoin(late_reports, late_reports.c.visit_id == visits.c.id)
            .where(visits.c.status == "scheduled", visits.c.staff_id.is_not(None),
                   services.c.late_reminder_minutes.is_not(None), visits.c.starts_at <= now,
                   late_at <= now, late_at >= now - REPORT_HORIZON, late_reports.c.visit_id.is_(None))
            .order_by(visits.c.starts_at, visits.c.id).limit(limit))
        return [(row.company_id, LateCandidate(row.id, row.status, row.starts_at, row.late_reminder_minutes,
                                               row.staff_id))
                for row in await self.session.execute(query)]

    async def record_late(self, company_id: UUID, visit_id: UUID, staff_id: UUID, minutes_late: int) -> bool:
        # The primary key is the guarantee: a second replica's insert waits for the first's commit,
        # then does nothing; only the caller that inserted publishes.
        still_waiting = select(literal(visit_id), literal(company_id), literal(staff_id), literal(minutes_late)).where(
            select(visits.c.id).where(visits.c.id == visit_id, visits.c.status == "scheduled").exists())
        inserted = await self.session.execute(
            insert(late_reports).from_select(["visit_id", "company_id", "staff_id", "minutes_late"], still_waiting)
            .on_conflict_do_nothing(index_elements=["visit_id"]).returning(late_reports.c.visit_id))
        return inserted.first() is not None

