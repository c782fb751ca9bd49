"""scheduling's unit of work with the calendar feeds as well (R-SCHED-12), templates included (a
feed expands them)."""

from __future__ import annotations

from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from scheduling.adapters.calendar_feeds import SqlCalendarFeeds
from scheduling.adapters.templates_unit_of_work import SqlTemplatesUnitOfWork


class SqlCalendarUnitOfWork(SqlTemplatesUnitOfWork):
    """`SqlTemplatesUnitOfWork` plus `calendar_feeds`, on the same transaction."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        super().__init__(uow)
        self._calendar_feeds = SqlCalendarFeeds(uow.session)

    @property
    def calendar_feeds(self) -> SqlCalendarFeeds:
        return self._calendar_feeds
