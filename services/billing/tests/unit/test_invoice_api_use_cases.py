"""The invoice API's use cases on fakes (R-INV-2..4, R-EMAIL-5, R-NEVER-1): what a paid invoice
refuses, who may do what, what a client sees, and that each change commits once."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from billing.domain.invoices import InvoiceHasPayments, InvoiceNotFound
from billing.service_layer import invoice_effects, invoices
from billing.service_layer.billing_settings import ClientNotFound
from billing.service_layer.context import Context
from billing.service_layer.invoices_commands import AddCustomLine, CreateInvoice, SetDiscount
from petcare_kit.errors import Forbidden
from petcare_kit.identity import Identity, Role

from .fakes import FakeUnitOfWork

EMAIL, UPDATED = "billing.invoice.email_requested", "billing.invoice.updated"
PORTAL = "https://portal.example/"


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.company_id, self.client_id, self.other_client_id = uuid4(), uuid4(), uuid4()
        self.uow.invoices.zones[self.company_id] = "America/New_York"
        for client in (self.client_id, self.other_client_id):
            self.uow.invoices.add_client(self.company_id, client)

    def as_(self, role: Role, person_id: UUID | None = None) -> Context:
        return Context(self.uow, Identity(role, person_id=person_id or uuid4(), company_id=self.company_id))

    @property
    def admin(self) -> Context:
        return self.as_(Role.ADMIN)

    async def invoice(self, cents: int = 2_000, client_id: UUID | None = None) -> UUID:
        created = await invoices.create_invoice(self.admin, CreateInvoice(client_id=client_id or self.client_id))
        await invoices.add_custom_line(self.admin, created.invoice.id, AddCustomLine(description="Walk",
                                                                                     unit_cents=cents))
        return created.invoice.id


@pytest.fixture
def world() -> World:
    return World()


async def test_r_inv_2_a_change_that_would_owe_less_than_was_paid_is_refused(world: World) -> None:
    invoice_id = await world.invoice(2_000)
    await invoice_effects.record_payment(world.admin, uuid4(), world.client_id, {invoice_id: 1_500})
    commits = world.uow.commits
    with pytest.raises(invoices.TotalBelowPaid):
        await invoices.set_discount(world.admin, invoice_id, SetDiscount(percent=Decimal(50)))
    line = (await world.uow.invoices.get(world.company_id, invoice_id)).lines[0]
    with pytest.raises(invoices.TotalBelowPaid):
        await invoices.remove_line(world.admin, invoice_id, line.line_id)
    with pytest.raises(InvoiceHasPayments):
        await invoices.void_invoice(world.admin, invoice_id)
    assert world.uow.commits == commits
    smaller = await invoices.set_discount(world.admin, invoice_id, SetDiscount(amount_cents=500))
    assert smaller.invoice.totals().balance_cents == 0 and smaller.status.value == "paid"


async def test_r_email_5_only_email_to_client_requests_an_email_and_each_change_commits_once(world: World) -> None:
    invoice_id = await world.invoice()
    assert world.uow.events(EMAIL) == [] and world.uow.commits == 2
    sent = await invoices.email_invoice(world.as_(Role.OFFICE_MANAGER), invoice_id, portal_base_url=PORTAL)
    [request] = world.uow.events(EMAIL)
    assert request["invoice_url"] == f"https://portal.example/invoices/{invoice_id}"
    assert (request["total_cents"], request["balance_cents"]) == (2_000, 2_000)
    assert sent.status.value == "sent" and world.uow.commits == 3
    assert [u["revision"] for u in world.uow.events(UPDATED)] == [1, 2, 3]


async def test_staff_and_clients_cannot_manage_invoices_and_managers_have_no_portal(world: World) -> None:
    invoice_id = await world.invoice()
    for role in (Role.STAFF, Role.CLIENT):
        ctx = world.as_(role, world.client_id if role is Role.CLIENT else None)
        with pytest.raises(Forbidden):
            await invoices.list_invoices(ctx, limit=10, offset=0)
        with pytest.raises(Forbidden):
            await invoices.get_invoice(ctx, invoice_id)
        with pytest.raises(Forbidden):
            await invoices.email_invoice(ctx, invoice_id, portal_base_url=PORTAL)
    for role in (Role.ADMIN, Role.OFFICE_MANAGER, Role.STAFF):
        with pytest.raises(Forbidden):
            await invoices.list_my_invoices(world.as_(role), limit=10, offset=0)
    assert world.uow.events(EMAIL) == []


async def test_r_inv_4_a_client_sees_an_invoice_once_sent_or_paid_on_never_another_client_s(world: World) -> None:
    draft, charged, others = await world.invoice(), await world.invoice(), await world.invoice(
        client_id=world.other_client_id)
    await invoice_effects.record_payment(world.admin, uuid4(), world.client_id, {charged: 500})  # R-PAY-2 on a draft
    await invoices.email_invoice(world.admin, others, portal_base_url=PORTAL)
    client = world.as_(Role.CLIENT, world.client_id)
    listed = await invoices.list_my_invoices(client, limit=10, offset=0)
    assert [i.id for i in listed.items] == [charged] and listed.total == 1
    for hidden in (draft, others, uuid4()):
        with pytest.raises(InvoiceNotFound):
            await invoices.get_my_invoice(client, hidden)
    assert (await invoices.get_my_invoice(client, charged)).status.value == "partially_paid"


async def test_an_invoice_only_for_a_client_of_the_company(world: World) -> None:
    with pytest.raises(ClientNotFound):
        await invoices.create_invoice(world.admin, CreateInvoice(client_id=uuid4()))
    assert world.uow.invoices.invoices == {} and world.uow.published == []
