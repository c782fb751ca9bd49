"""What billing does with facility's commands on `billing.commands` (the Client Hub's actions):
R-FAC-4 (an event and its add-ons on a new invoice or moved to the client's open invoice; R-INV-1:
facility events are invoiced only by hand) and R-FAC-6 / R-PKG-1 (a package added to a client, a
facility event redeemed against one).

Every command is answered exactly once with `billing.command.answered` v1: `done` (with the invoice
or client package) or `refused` with the refusal's stable `code` and a message a person can read.
A command answered before (a replay in a new envelope; the inbox drops same-envelope redeliveries)
changes nothing and is not answered again. Refusals are found before anything changes.

These run inside the consumer's batch: they never commit (`BatchContext.commit` does nothing, so the
packages use cases, which commit at their end when called from the API, join the batch instead).
Nothing here emails (R-NEVER-1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID, uuid5

from petcare_contracts.events.billing import (
    CommandAnswered,
    FacilityInvoiceRequested,
    PackageAddRequested,
    PackageRedeemRequested,
)
from petcare_kit.errors import DomainError
from petcare_kit.waiting import NotKnownYet

from billing.domain.facility_lines import FacilityChargeLine
from billing.domain.packages import ClientPackageNotFound, RedeemedKind
from billing.service_layer import invoice_effects, packages
from billing.service_layer.context import Context
from billing.service_layer.packages_commands import AddClientPackage, Redeem


@dataclass
class BatchContext(Context):
    """A use-case context inside a consumer's batch: `commit` is the batch's, not the use case's."""

    async def commit(self) -> None:
        """Nothing: the consumer commits the whole batch once (its inbox rows with it)."""


class ClientNotKnownYet(NotKnownYet):
    """The command names a client billing has not read from clients.events yet: the command waits
    in the consumer's waiting room and is handled when the client arrives (facility only names
    clients it knows, so billing's directory catches up)."""

    reason_code = "client_not_known_yet"


async def _check_client_known(ctx: Context, client_id: UUID) -> None:
    if await ctx.uow.invoices.client(ctx.company_id, client_id) is None:
        raise ClientNotKnownYet(client_id)


@dataclass(frozen=True)
class Answer:
    """What billing answers: `code` and `message` when refused; the invoice or client package when done."""

    code: str | None = None
    message: str | None = None
    invoice_id: UUID | None = None
    client_package_id: UUID | None = None


def _refusal(error: DomainError) -> Answer:
    # Packages refuse a redemption with one code and the reason in details: the reason is the code
    # the hub shows (not_covered, used_up, ended, limit, already_redeemed, disabled).
    reason = error.details.get("reason") if isinstance(error.details, dict) else None
    return Answer(code=str(reason) if reason else error.code, message=error.message)


async def _answer(ctx: Context, request_id: UUID, command: str, client_id: UUID, answer: Answer,
                  causation_id: UUID | None) -> None:
    outcome: Literal["done", "refused"] = "refused" if answer.code else "done"
    await ctx.uow.facility_commands.record(ctx.company_id, request_id, command, outcome, answer.code)
    await ctx.publish(CommandAnswered(
        request_id=request_id, command=command, client_id=client_id, outcome=outcome, code=answer.code,
        message=answer.message, invoice_id=answer.invoice_id, client_package_id=answer.client_package_id,
    ), causation_id=causation_id)


async def invoice_facility_events(ctx: BatchContext, command: FacilityInvoiceRequested, *,
                                  causation_id: UUID | None = None) -> Answer | None:
    """R-FAC-4: `billing.facility_invoice.requested` → the charges on a new invoice of the client
    (id derived from the request, uuid5, so a replay would find the same one) or on the named open
    invoice; an event already on another invoice moves. Raises ClientNotKnownYet (the command
    waits for the client). Refused (code): no_charges, invoice_not_found, invoice_of_another_client,
    invoice_void, invoice_paid, facility_event_on_paid_invoice. Returns the answer, None when answered before."""
    if await ctx.uow.facility_commands.answered(command.request_id):
        return None
    await _check_client_known(ctx, command.client_id)
    charges = [FacilityChargeLine(c.facility_event_id, c.add_on_id, c.service_id, c.description, c.on,
                                  c.price_cents, c.taxable) for c in command.charges]
    new_id = uuid5(invoice_effects.INVOICE_IDS, f"facility:{command.request_id}")
    try:
        invoice_id = await invoice_effects.put_facility_charges(ctx, command.client_id, command.invoice_id, new_id,
                                                                charges)
        answer = Answer(invoice_id=invoice_id)
    except DomainError as error:
        answer = _refusal(error)
    await _answer(ctx, command.request_id, command.event_type, command.client_id, answer, causation_id)
    return answer


async def add_package(ctx: BatchContext, command: PackageAddRequested, *,
                      causation_id: UUID | None = None) -> Answer | None:
    """R-FAC-6, R-PKG-1: `billing.package.add_requested` → the package added to the client
    (`packages.add_to_client`: terms copied, a set price on a new invoice, `billing.package.changed`).
    Raises ClientNotKnownYet (the command waits for the client). Refused (code): client_inactive,
    package_not_found, disabled, ended.
    Returns the answer, None when answered before."""
    if await ctx.uow.facility_commands.answered(command.request_id):
        return None
    await _check_client_known(ctx, command.client_id)
    try:
        held = await packages.add_to_client(ctx, command.client_id, AddClientPackage(package_id=command.package_id))
        answer = Answer(client_package_id=held.id, invoice_id=held.invoice_id)
    except DomainError as error:
        answer = _refusal(error)
    await _answer(ctx, command.request_id, command.event_type, command.client_id, answer, causation_id)
    return answer


async def redeem_facility_event(ctx: BatchContext, command: PackageRedeemRequested, *,
                                causation_id: UUID | None = None) -> Answer | None:
    """R-FAC-6, R-PKG-1: `billing.package.redeem_requested` → the facility event redeemed against
    the client's package (`packages.redeem`, `billing.package.changed`); its own invoice line, if
    any, is covered as a visit's would be. Refused (code): client_package_not_found (also another
    client's), already_redeemed, not_covered, used_up, ended, limit. Returns the answer, None when
    answered before."""
    if await ctx.uow.facility_commands.answered(command.request_id):
        return None
    try:
        held = await packages.get_client_package(ctx, command.client_package_id)
        if held.client_id != command.client_id:
            raise ClientPackageNotFound("No such package of this client.",
                                        details={"client_package_id": str(command.client_package_id)})
        held = await packages.redeem(ctx, held.id, Redeem(kind=RedeemedKind.FACILITY_EVENT,
                                                          id=command.facility_event_id,
                                                          service_id=command.service_id, date=command.on))
        await invoice_effects.set_facility_event_package_cover(ctx, command.facility_event_id,
                                                               held.definition.covered_percent)
        answer = Answer(client_package_id=held.id)
    except DomainError as error:
        answer = _refusal(error)
    await _answer(ctx, command.request_id, command.event_type, command.client_id, answer, causation_id)
    return answer
