"""scheduling's unit of work with the templates repository as well (R-SCHED-5)."""

from __future__ import annotations

from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from scheduling.adapters.templates import SqlTemplates
from scheduling.adapters.unit_of_work import SqlUnitOfWork


class SqlTemplatesUnitOfWork(SqlUnitOfWork):
    """`SqlUnitOfWork` plus `templates`, on the same transaction."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        super().__init__(uow)
        self._templates = SqlTemplates(uow.session)

    @property
    def templates(self) -> SqlTemplates:
        return self._templates
