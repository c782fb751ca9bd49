"""SQL for invoices, their lines, company billing settings and per-client rates (R-INV-1..4, R-EMAIL-5, R-NEVER-1).
Never commits: the unit of work does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from petcare_kit.client_directory import Directory, DirectoryPerson
from petcare_kit.errors import TransientError
from sqlalchemy import ColumnElement, and_, delete, false, func, not_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.adapters.invoices_tables import (
    billing_settings,
    client_rates,
    client_tax_rates,
    invoice_lines,
    invoice_numbers,
    invoices,
    visit_package_covers,
)
from billing.domain.billing_settings import ClientBilling, CompanyBillingSettings
from billing.domain.due_dates import DueDateBasis, DueDateRule
from billing.domain.invoices import Discount, Invoice, InvoiceNotFound, InvoiceStatus, Line, invoice_number
from billing.service_layer.invoices_ports import InvoiceFilter

_t = invoices.c


class SqlInvoices:
    """The invoices repository on the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ---- invoices ----
    async def get(self, company_id: UUID, invoice_id: UUID) -> Invoice:
        return await self._one(company_id, invoice_id, lock=False)

    async def get_for_update(self, company_id: UUID, invoice_id: UUID) -> Invoice:
        return await self._one(company_id, invoice_id, lock=True)

    async def _one(self, company_id: UUID, invoice_id: UUID, *, lock: bool) -> Invoice:
        query = select(invoices).where(_t.company_id == company_id, _t.id == invoice_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).one_or_none()
        if row is None:
            raise InvoiceNotFound("No such invoice.", details={"invoice_id": str(invoice_id)})
        return (await self._with_lines([row]))[0]

    async def id_in_use(self, invoice_id: UUID) -> bool:
        return (await self.session.execute(select(_t.id).where(_t.id == invoice_id))).first() is not None

    async def add(self, invoice: Invoice) -> None:
        """Raises TransientError when a concurrent transaction created an invoice with this id first
        (two visits of one new invoice consumed by two replicas): the retry then finds it."""
        statement = (insert(invoices).values(id=invoice.id, company_id=invoice.company_id, client_id=invoice.client_id,
                                             number=invoice.number, created_at=invoice.created_at, **_state(invoice))
                     .on_conflict_do_nothing(index_elements=["id"]).returning(_t.id))
        if (await self.session.execute(statement)).first() is None:
            raise TransientError(f"invoice {invoice.id} was created concurrently")
        await self._insert_lines(invoice)

    async def save(self, invoice: Invoice) -> None:
        await self.session.execute(update(invoices).where(_t.company_id == invoice.company_id, _t.id == invoice.id)
                                   .values(**_state(invoice), updated_at=func.now()))
        # Lines are few per invoice: replace them all (ids kept), in one delete and one insert.
        await self.session.execute(delete(invoice_lines).where(invoice_lines.c.invoice_id == invoice.id))
        await self._insert_lines(invoice)

    async def _insert_lines(self, invoice: Invoice) -> None:
        if invoice.lines:
            await self.session.execute(invoice_lines.insert(), [
                _line_values(invoice, position, line) for position, line in enumerate(invoice.lines)])

    async def open_for_client(self, company_id: UUID, client_id: UUID) -> list[Invoice]:
        query = (select(invoices).where(_t.company_id == company_id, _t.client_id == client_id,
                                        not_(_t.voided), not_(_paid()))
                 .order_by(_t.created_at, _t.number))
        return await self._with_lines((await self.session.execute(query)).all())

    async def for_visit(self, company_id: UUID, visit_id: UUID) -> Invoice | None:
        invoice_id = (await self.session.execute(select(invoice_lines.c.invoice_id).where(
            invoice_lines.c.company_id == company_id, invoice_lines.c.visit_id == visit_id))).scalar()
        return None if invoice_id is None else await self.get_for_update(company_id, invoice_id)

    async def for_facility_event(self, company_id: UUID, facility_event_id: UUID) -> Invoice | None:
        lines = invoice_lines.c
        invoice_id = (await self.session.execute(
            select(lines.invoice_id).join(invoices, _t.id == lines.invoice_id)
            .where(lines.company_id == company_id, lines.facility_event_id == facility_event_id,
                   not_(_t.voided)).limit(1))).scalar()
        return None if invoice_id is None else await self.get_for_update(company_id, invoice_id)

    async def page(self, company_id: UUID, query: InvoiceFilter) -> list[Invoice]:
        statement = (select(invoices).where(*_filters(company_id, query))
                     .order_by(_t.created_at.desc(), _t.number.desc()).limit(query.limit).offset(query.offset))
        return await self._with_lines((await self.session.execute(statement)).all())

    async def count(self, company_id: UUID, query: InvoiceFilter) -> int:
        statement = select(func.count()).select_from(invoices).where(*_filters(company_id, query))
        return int((await self.session.execute(statement)).scalar_one())

    async def next_number(self, company_id: UUID) -> str:
        # One statement, so two transactions never take the same number.
        statement = (insert(invoice_numbers).values(company_id=company_id, last_number=1)
                     .on_conflict_do_update(index_elements=["company_id"],
                                            set_={"last_number": invoice_numbers.c.last_number + 1})
                     .returning(invoice_numbers.c.last_number))
        return invoice_number(int((await self.session.execute(statement)).scalar_one()))

    async def time_zone(self, company_id: UUID) -> str | None:
        company = await Directory(self.session).company(company_id)
        return company.time_zone if company else None

    async def client(self, company_id: UUID, client_id: UUID) -> DirectoryPerson | None:
        person = await Directory(self.session).person(company_id, client_id)
        return person if person is not None and person.kind == "client" else None

    async def _with_lines(self, rows: Sequence[Any]) -> list[Invoice]:
        if not rows:
            return []
        lines: dict[UUID, list[Line]] = {row.id: [] for row in rows}
        query = (select(invoice_lines).where(invoice_lines.c.invoice_id.in_(list(lines)))
                 .order_by(invoice_lines.c.invoice_id, invoice_lines.c.position))
        for line in (await self.session.execute(query)).all():
            lines[line.invoice_id].append(_line(line))
        return [_invoice(row, lines[row.id]) for row in rows]

    # ---- settings (R-INV-2, R-INV-3) ----
    async def settings(self, company_id: UUID) -> CompanyBillingSettings:
        row = (await self.session.execute(select(billing_settings).where(
            billing_settings.c.company_id == company_id))).one_or_none()
        if row is None:
            return CompanyBillingSettings(company_id)
        return CompanyBillingSettings(company_id, row.tax_rate_percent, row.cancellation_fee_percent,
                                      DueDateRule(DueDateBasis(row.due_date_basis), row.due_date_days))

    async def put_settings(self, settings: CompanyBillingSettings) -> None:
        values = {"tax_rate_percent": settings.tax_rate_percent,
                  "cancellation_fee_percent": settings.cancellation_fee_percent,
                  "due_date_basis": settings.due_date_rule.basis.value, "due_date_days": settings.due_date_rule.days}
        await self.session.execute(insert(billing_settings).values(company_id=settings.company_id, **values)
                                   .on_conflict_do_update(index_elements=["company_id"],
                                                          set_={**values, "updated_at": func.now()}))

    async def client_billing(self, company_id: UUID, client_id: UUID) -> ClientBilling:
        rate = (await self.session.execute(select(client_tax_rates.c.tax_rate_percent).where(
            client_tax_rates.c.company_id == company_id, client_tax_rates.c.client_id == client_id))).scalar()
        rows = (await self.session.execute(select(client_rates.c.service_id, client_rates.c.rate_cents).where(
            client_rates.c.company_id == company_id, client_rates.c.client_id == client_id))).all()
        return ClientBilling(company_id, client_id, rate, {row.service_id: row.rate_cents for row in rows})

    async def set_client_tax_rate(self, company_id: UUID, client_id: UUID, percent: Decimal | None) -> None:
        key = and_(client_tax_rates.c.company_id == company_id, client_tax_rates.c.client_id == client_id)
        if percent is None:
            await self.session.execute(delete(client_tax_rates).where(key))
            return
        await self.session.execute(insert(client_tax_rates)
                                   .values(company_id=company_id, client_id=client_id, tax_rate_percent=percent)
                                   .on_conflict_do_update(index_elements=["company_id", "client_id"],
                                                          set_={"tax_rate_percent": percent}))

    async def put_client_rate(self, company_id: UUID, client_id: UUID, service_id: UUID, cents: int) -> None:
        await self.session.execute(insert(client_rates)
                                   .values(company_id=company_id, client_id=client_id, service_id=service_id,
                                           rate_cents=cents)
                                   .on_conflict_do_update(index_elements=["company_id", "client_id", "service_id"],
                                                          set_={"rate_cents": cents}))

    async def delete_client_rate(self, company_id: UUID, client_id: UUID, service_id: UUID) -> bool:
        result = await self.session.execute(delete(client_rates).where(
            client_rates.c.company_id == company_id, client_rates.c.client_id == client_id,
            client_rates.c.service_id == service_id).returning(client_rates.c.service_id))
        return result.first() is not None

    # ---- a redeemed visit's cover (R-PKG-1) ----
    async def visit_cover(self, company_id: UUID, visit_id: UUID) -> Decimal | None:
        covers = visit_package_covers.c
        return (await self.session.execute(select(covers.cover_percent).where(
            covers.company_id == company_id, covers.visit_id == visit_id))).scalar()

    async def set_visit_cover(self, company_id: UUID, visit_id: UUID, percent: Decimal | None) -> None:
        covers = visit_package_covers.c
        if percent is None:
            await self.session.execute(delete(visit_package_covers).where(
                covers.company_id == company_id, covers.visit_id == visit_id))
            return
        await self.session.execute(insert(visit_package_covers)
                                   .values(company_id=company_id, visit_id=visit_id, cover_percent=percent)
                                   .on_conflict_do_update(index_elements=["company_id", "visit_id"],
                                                          set_={"cover_percent": percent}))


# ---- rows ↔ domain ----
def _state(invoice: Invoice) -> dict[str, Any]:
    totals = invoice.totals()
    discount = invoice.discount
    return {"revision": invoice.revision, "published_visit_ids": list(invoice.published_visit_ids),
            "applied_ids": list(invoice.applied_ids), "tax_rate_percent": invoice.tax_rate_percent,
            "discount_cents": discount.amount_cents if discount else None,
            "discount_percent": discount.percent if discount else None,
            "tips_cents": invoice.tips_cents, "paid_cents": invoice.paid_cents,
            "refunded_cents": invoice.refunded_cents, "sent": invoice.sent, "voided": invoice.voided,
            "due_date": invoice.due_date, "due_date_by_hand": invoice.due_date_by_hand,
            "total_cents": totals.total_cents, "balance_cents": totals.balance_cents}


def _line_values(invoice: Invoice, position: int, line: Line) -> dict[str, Any]:
    return {"id": line.line_id, "company_id": invoice.company_id, "invoice_id": invoice.id, "position": position,
            "description": line.description, "unit_cents": line.unit_cents, "quantity": line.quantity,
            "taxable": line.taxable, "visit_id": line.visit_id, "service_id": line.service_id,
            "visit_date": line.visit_date,
            "discount_cents": line.discount.amount_cents if line.discount else None,
            "discount_percent": line.discount.percent if line.discount else None,
            "cancellation_fee_percent": line.cancellation_fee_percent,
            "package_cover_percent": line.package_cover_percent, "client_package_id": line.client_package_id,
            "facility_event_id": line.facility_event_id, "add_on_id": line.add_on_id}


def _discount(cents: int | None, percent: Decimal | None) -> Discount | None:
    return None if cents is None and percent is None else Discount(cents, percent)


def _line(row: Any) -> Line:
    return Line(row.description, row.unit_cents, row.quantity, row.taxable, row.visit_id,
                _discount(row.discount_cents, row.discount_percent), row.cancellation_fee_percent,
                row.service_id, row.visit_date, row.package_cover_percent, row.client_package_id, row.id,
                facility_event_id=row.facility_event_id, add_on_id=row.add_on_id)


def _invoice(row: Any, lines: list[Line]) -> Invoice:
    return Invoice(id=row.id, company_id=row.company_id, client_id=row.client_id, number=row.number,
                   created_at=row.created_at, revision=row.revision,
                   published_visit_ids=tuple(row.published_visit_ids), applied_ids=tuple(row.applied_ids),
                   due_date_by_hand=row.due_date_by_hand, tax_rate_percent=row.tax_rate_percent, lines=lines,
                   discount=_discount(row.discount_cents, row.discount_percent), tips_cents=row.tips_cents,
                   paid_cents=row.paid_cents, refunded_cents=row.refunded_cents, sent=row.sent,
                   voided=row.voided, due_date=row.due_date)


# ---- status in SQL: the same rules as Invoice.status_on (R-INV-3) ----
def _paid() -> ColumnElement[bool]:
    net_paid = _t.paid_cents - _t.refunded_cents
    return and_(net_paid > 0, _t.balance_cents <= 0)


def _status(status: InvoiceStatus, today: date) -> ColumnElement[bool]:
    net_paid = _t.paid_cents - _t.refunded_cents
    late = and_(_t.sent, _t.due_date.is_not(None), _t.due_date < today)
    live = and_(not_(_t.voided), not_(_paid()))
    match status:
        case InvoiceStatus.VOID:
            return _t.voided
        case InvoiceStatus.PAID:
            return and_(not_(_t.voided), _paid())
        case InvoiceStatus.PAST_DUE:
            return and_(live, late)
        case InvoiceStatus.PARTIALLY_PAID:
            return and_(live, not_(late), net_paid > 0)
        case InvoiceStatus.SENT:
            return and_(live, not_(late), net_paid <= 0, _t.sent)
        case InvoiceStatus.DRAFT:
            return and_(live, net_paid <= 0, not_(_t.sent))
    return false()  # pragma: no cover - every status is matched above


def _filters(company_id: UUID, query: InvoiceFilter) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [_t.company_id == company_id]
    if query.client_id is not None:
        filters.append(_t.client_id == query.client_id)
    if query.status is not None:
        filters.append(_status(query.status, query.today))
    return filters

