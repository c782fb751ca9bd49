"""The unit of work of client requests and field actions: scheduling's (catalogue, visits, people)
plus the request, cut-off and field repositories, all on the one kit transaction."""

from __future__ import annotations

from petcare_kit.unit_of_work import UnitOfWork as KitUnitOfWork

from scheduling.adapters.field_repository import SqlFieldRecords
from scheduling.adapters.requests_repository import SqlChangeRequests, SqlCutoffs, SqlServiceRequests
from scheduling.adapters.unit_of_work import SqlUnitOfWork


class SqlRequestsUnitOfWork(SqlUnitOfWork):
    """Wraps an entered kit UnitOfWork (its transaction is the caller's to open and close)."""

    def __init__(self, uow: KitUnitOfWork) -> None:
        super().__init__(uow)
        self._cutoffs = SqlCutoffs(uow.session)
        self._service_requests = SqlServiceRequests(uow.session)
        self._change_requests = SqlChangeRequests(uow.session)
        self._field = SqlFieldRecords(uow.session)

    @property
    def cutoffs(self) -> SqlCutoffs:
        return self._cutoffs

    @property
    def service_requests(self) -> SqlServiceRequests:
        return self._service_requests

    @property
    def change_requests(self) -> SqlChangeRequests:
        return self._change_requests

    @property
    def field(self) -> SqlFieldRecords:
        return self._field
