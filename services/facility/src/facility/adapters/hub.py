"""SQL for the Client Hub (R-FAC-1, R-FAC-4, R-FAC-6): read models of `billing.events` and the
requests sent to billing. Never commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from facility.adapters.hub_tables import hub_invoices, hub_packages, hub_requests
from facility.domain.hub import HubInvoice, HubPackage, HubRequest, RequestKind, RequestState, ServiceUse


class SqlHub:
    """`facility.service_layer.hub_ports.Hub` on PostgreSQL."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ---- invoices ----
    async def put_invoice(self, invoice: HubInvoice) -> None:
        values = {"invoice_id": invoice.invoice_id, "company_id": invoice.company_id, "client_id": invoice.client_id,
                  "number": invoice.number, "status": invoice.status, "total_cents": invoice.total_cents,
                  "paid_cents": invoice.paid_cents, "balance_cents": invoice.balance_cents,
                  "due_date": invoice.due_date, "revision": invoice.revision,
                  "facility_event_ids": list(invoice.facility_event_ids), "visit_ids": list(invoice.visit_ids)}
        statement = insert(hub_invoices).values(**values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[hub_invoices.c.invoice_id],
            set_={**{k: statement.excluded[k] for k in values if k != "invoice_id"}, "updated_at": func.now()},
            where=hub_invoices.c.revision < statement.excluded.revision))

    async def invoice(self, company_id: UUID, invoice_id: UUID) -> HubInvoice | None:
        row = (await self.session.execute(select(hub_invoices).where(
            hub_invoices.c.company_id == company_id, hub_invoices.c.invoice_id == invoice_id))).first()
        return None if row is None else _invoice(row)

    async def invoices_of(self, company_id: UUID, client_id: UUID) -> list[HubInvoice]:
        rows = (await self.session.execute(select(hub_invoices).where(
            hub_invoices.c.company_id == company_id, hub_invoices.c.client_id == client_id)
            .order_by(hub_invoices.c.number.desc()))).all()
        return [_invoice(row) for row in rows]

    # ---- packages ----
    async def put_package(self, package: HubPackage) -> None:
        values = {"client_package_id": package.client_package_id, "company_id": package.company_id,
                  "client_id": package.client_id, "package_id": package.package_id, "name": package.name,
                  "ends_on": package.ends_on,
                  "services": [{"service_id": str(s.service_id), "covered": s.covered, "used": s.used}
                               for s in package.services],
                  "used": package.used, "remaining": package.remaining, "percent_used": package.percent_used,
                  "revision": package.revision}
        statement = insert(hub_packages).values(**values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[hub_packages.c.client_package_id],
            set_={**{k: statement.excluded[k] for k in values if k != "client_package_id"}, "updated_at": func.now()},
            where=hub_packages.c.revision < statement.excluded.revision))

    async def package(self, company_id: UUID, client_package_id: UUID) -> HubPackage | None:
        row = (await self.session.execute(select(hub_packages).where(
            hub_packages.c.company_id == company_id, hub_packages.c.client_package_id == client_package_id))).first()
        return None if row is None else _package(row)

    async def packages_of(self, company_id: UUID, client_id: UUID) -> list[HubPackage]:
        rows = (await self.session.execute(select(hub_packages).where(
            hub_packages.c.company_id == company_id, hub_packages.c.client_id == client_id)
            .order_by(hub_packages.c.name, hub_packages.c.client_package_id))).all()
        return [_package(row) for row in rows]

    # ---- requests ----
    async def add_request(self, request: HubRequest) -> None:
        await self.session.execute(hub_requests.insert().values(**_request_values(request)))

    async def request(self, request_id: UUID, *, for_update: bool = False) -> HubRequest | None:
        query = select(hub_requests).where(hub_requests.c.request_id == request_id)
        row = (await self.session.execute(query.with_for_update() if for_update else query)).first()
        return None if row is None else _request(row)

    async def save_request(self, request: HubRequest) -> None:
        values = _request_values(request)
        await self.session.execute(update(hub_requests).where(hub_requests.c.request_id == request.request_id)
                                   .values(**{k: v for k, v in values.items() if k != "request_id"}))

    async def requests_of(self, company_id: UUID, client_id: UUID, *, pending_only: bool = False,
                          limit: int = 100) -> list[HubRequest]:
        query = select(hub_requests).where(hub_requests.c.company_id == company_id,
                                           hub_requests.c.client_id == client_id)
        if pending_only:
            query = query.where(hub_requests.c.state == RequestState.PENDING.value)
        rows = (await self.session.execute(query.order_by(hub_requests.c.requested_at.desc()).limit(limit))).all()
        return [_request(row) for row in rows]


def _invoice(row: Any) -> HubInvoice:
    return HubInvoice(row.invoice_id, row.company_id, row.client_id, row.number, row.status, row.total_cents,
                      row.paid_cents, row.balance_cents, row.due_date, row.revision, tuple(row.facility_event_ids),
                      tuple(row.visit_ids))


def _package(row: Any) -> HubPackage:
    services = tuple(ServiceUse(UUID(s["service_id"]), int(s["covered"]), int(s["used"])) for s in row.services)
    return HubPackage(row.client_package_id, row.company_id, row.client_id, row.package_id, row.name, row.ends_on,
                      services, row.used, row.remaining, row.percent_used, row.revision)


def _request_values(request: HubRequest) -> dict[str, Any]:
    return {"request_id": request.request_id, "company_id": request.company_id, "client_id": request.client_id,
            "kind": request.kind.value, "facility_event_id": request.facility_event_id,
            "invoice_id": request.invoice_id, "package_id": request.package_id,
            "client_package_id": request.client_package_id, "state": request.state.value, "code": request.code,
            "message": request.message, "requested_at": request.requested_at, "answered_at": request.answered_at}


def _request(row: Any) -> HubRequest:
    return HubRequest(row.request_id, row.company_id, row.client_id, RequestKind(row.kind), row.requested_at,
                      row.facility_event_id, row.invoice_id, row.package_id, row.client_package_id,
                      RequestState(row.state), row.code, row.message, row.answered_at)
