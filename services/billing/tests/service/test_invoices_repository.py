"""The invoices repository on PostgreSQL (R-INV-1..3): what the fake promises, SQL keeps."""

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from billing.adapters.invoices import SqlInvoices
from billing.domain.billing_settings import CompanyBillingSettings
from billing.domain.due_dates import DueDateBasis, DueDateRule
from billing.domain.invoices import Discount, Invoice, InvoiceNotFound, InvoiceStatus, Line, visit_line
from billing.service_layer.invoices_ports import InvoiceFilter
from petcare_kit.errors import TransientError
from petcare_tools.testing.service import ServiceUnderTest

pytestmark = pytest.mark.asyncio(loop_scope="session")
TODAY = date(2026, 3, 10)


async def test_r_inv_1_invoices_lines_numbers_and_settings_round_trip(service: ServiceUnderTest) -> None:
    company, client, visit, service_id = uuid4(), uuid4(), uuid4(), uuid4()
    async with service.runtime.sessions() as session, session.begin():
        repo = SqlInvoices(session)
        assert [await repo.next_number(company), await repo.next_number(company)] == ["INV-0001", "INV-0002"]
        line = visit_line(visit_id=visit, description="Walk", service_price_cents=2_500, taxable=True,
                          service_id=service_id, visit_date=TODAY, package_cover_percent=Decimal(50))
        invoice = Invoice(company_id=company, client_id=client, number="INV-0001",
                          created_at=datetime(2026, 3, 1, tzinfo=UTC), tax_rate_percent=Decimal("8.875"),
                          lines=[line, Line("Key pickup", 1_000, discount=Discount(percent=Decimal(10)))],
                          due_date=TODAY)
        await repo.add(invoice)
        other = Invoice(company_id=company, client_id=uuid4(), number="INV-0002",
                        created_at=datetime(2026, 3, 2, tzinfo=UTC))
        await repo.add(other)
    async with service.runtime.sessions() as session, session.begin():
        repo = SqlInvoices(session)
        loaded = await repo.get_for_update(company, invoice.id)
        assert loaded == invoice
        assert (await repo.for_visit(company, visit)) == invoice
        assert await repo.for_visit(uuid4(), visit) is None
        with pytest.raises(InvoiceNotFound):
            await repo.get(uuid4(), invoice.id)  # another company's: not found
        assert await repo.id_in_use(invoice.id)
        loaded.sent, loaded.revision = True, 3
        loaded.remove_visit(visit)
        await repo.save(loaded)
        assert (await repo.get(company, invoice.id)) == loaded
        assert [i.id for i in await repo.open_for_client(company, client)] == [invoice.id]
        everything = InvoiceFilter(today=TODAY)
        assert [i.id for i in await repo.page(company, everything)] == [other.id, invoice.id]
        assert await repo.count(company, InvoiceFilter(today=TODAY, status=InvoiceStatus.SENT)) == 1
        draft = await repo.page(company, InvoiceFilter(today=TODAY, status=InvoiceStatus.DRAFT))
        assert [i.id for i in draft] == [other.id]
        past_due = InvoiceFilter(today=date(2026, 3, 11), status=InvoiceStatus.PAST_DUE, client_id=client)
        assert await repo.count(company, past_due) == 1

        assert await repo.settings(company) == CompanyBillingSettings(company)
        chosen = CompanyBillingSettings(company, Decimal("7.25"), Decimal(50),
                                        DueDateRule(DueDateBasis.DAYS_AFTER_LAST_SERVICE, 15))
        await repo.put_settings(chosen)
        assert await repo.settings(company) == chosen
        await repo.set_client_tax_rate(company, client, Decimal(0))
        await repo.put_client_rate(company, client, service_id, 2_000)
        billing = await repo.client_billing(company, client)
        assert (billing.tax_rate_percent, billing.rates) == (Decimal(0), {service_id: 2_000})
        assert await repo.delete_client_rate(company, client, service_id)
        assert not await repo.delete_client_rate(company, client, service_id)
        await repo.set_client_tax_rate(company, client, None)
        assert (await repo.client_billing(company, client)).tax_rate_percent is None


async def test_r_pkg_1_a_visit_cover_is_kept_and_forgotten(service: ServiceUnderTest) -> None:
    company, visit = uuid4(), uuid4()
    async with service.runtime.sessions() as session, session.begin():
        repo = SqlInvoices(session)
        assert await repo.visit_cover(company, visit) is None
        await repo.set_visit_cover(company, visit, Decimal(50))
        await repo.set_visit_cover(company, visit, Decimal(100))
        assert await repo.visit_cover(company, visit) == Decimal(100)
        assert await repo.visit_cover(uuid4(), visit) is None
        await repo.set_visit_cover(company, visit, None)
        assert await repo.visit_cover(company, visit) is None


async def test_r_inv_1_an_invoice_created_concurrently_is_retried_not_dead_lettered(service: ServiceUnderTest) -> None:
    company, invoice_id = uuid4(), uuid4()
    async with service.runtime.sessions() as session, session.begin():
        repo = SqlInvoices(session)
        await repo.add(Invoice(id=invoice_id, company_id=company, client_id=uuid4(), number="INV-0001",
                               created_at=datetime(2026, 3, 1, tzinfo=UTC)))
        with pytest.raises(TransientError):  # the consumer retries the batch: then it finds it
            await repo.add(Invoice(id=invoice_id, company_id=company, client_id=uuid4(), number="INV-0002",
                                   created_at=datetime(2026, 3, 1, tzinfo=UTC)))
