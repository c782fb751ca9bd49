"""The API of saved cards, payments and refunds (R-PAY-1..4, R-EMAIL-3, R-EMAIL-4). Thin: parse,
call one use case, shape the answer.

The client (portal, `/portal/...`) saves cards and pays their own sent invoices; a manager (admin,
office manager) saves cards for a client, charges them against chosen invoices, and refunds. Staff
have no access. A payment answers 201 when it went through, 202 when Stripe's answer to the charge
was lost (the recovery job finishes it: look again), and 402 in the one error shape when the card
refused it (`card_declined`, `card_requires_authentication`), nothing changed. The payment routes
open their own transactions, one per step (service_layer/payments.py), and resume the attempt of an
earlier request with the same `Idempotency-Key` instead of charging again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from petcare_kit.app import RuntimeDep
from petcare_kit.idempotency import request_hash
from petcare_kit.identity import MANAGERS, IdentityDep, Role, allow
from petcare_kit.validation import Limit, Offset

from billing.adapters.payments_units import card_processor, units_for
from billing.config import BillingSettings
from billing.domain.payments import ChargeOutcome, PaymentAttempt, refusal_of
from billing.entrypoints.api.deps import ContextDep
from billing.entrypoints.api.payment_schemas import CardView, PaymentPage, PaymentView, RefundView
from billing.service_layer import payments, payments_cards, payments_refunds
from billing.service_layer.payments import AfterConfirm, PaymentRequest, Units
from billing.service_layer.payments_commands import PayInvoices, RefundPayment, SaveCard
from billing.service_layer.payments_ports import CardProcessor

log = logging.getLogger(__name__)
router = APIRouter(tags=["payments"])
CLIENT = Role.CLIENT


def _processor(request: Request) -> CardProcessor:
    state = request.app.state
    if getattr(state, "card_processor", None) is None:
        state.card_processor = card_processor(state.runtime.settings)
    processor: CardProcessor = state.card_processor
    return processor


ProcessorDep = Annotated[CardProcessor, Depends(_processor)]


async def _units(runtime: RuntimeDep, identity: IdentityDep) -> AsyncIterator[Units]:
    yield units_for(runtime.sessions, identity)


UnitsDep = Annotated[Units, Depends(_units)]


# ---- saved cards --------------------------------------------------------------------------------

@router.get("/portal/cards", response_model=list[CardView], **allow(CLIENT))
async def my_cards(ctx: ContextDep) -> list[CardView]:
    return [CardView.of(c) for c in await payments_cards.list_cards(ctx, ctx.signed_in_person_id)]


@router.post("/portal/cards", status_code=201, response_model=CardView, **allow(CLIENT))
async def save_my_card(command: SaveCard, ctx: ContextDep, processor: ProcessorDep) -> CardView:
    """R-PAY-4: the card was tokenised by Stripe.js in the browser; only its `pm_...` comes here."""
    return CardView.of(await payments_cards.save_card(ctx, processor, ctx.signed_in_person_id, command))


@router.delete("/portal/cards/{card_id}", status_code=204, **allow(CLIENT))
async def remove_my_card(card_id: UUID, ctx: ContextDep, processor: ProcessorDep) -> Response:
    await payments_cards.remove_card(ctx, processor, ctx.signed_in_person_id, card_id)
    return Response(status_code=204)


@router.get("/clients/{client_id}/cards", response_model=list[CardView], **allow(*MANAGERS))
async def client_cards(client_id: UUID, ctx: ContextDep) -> list[CardView]:
    await payments_cards.known_client(ctx, client_id)
    return [CardView.of(c) for c in await payments_cards.list_cards(ctx, client_id)]


@router.post("/clients/{client_id}/cards", status_code=201, response_model=CardView, **allow(*MANAGERS))
async def save_client_card(client_id: UUID, command: SaveCard, ctx: ContextDep, processor: ProcessorDep) -> CardView:
    return CardView.of(await payments_cards.save_card(ctx, processor, client_id, command))


@router.delete("/clients/{client_id}/cards/{card_id}", status_code=204, **allow(*MANAGERS))
async def remove_client_card(client_id: UUID, card_id: UUID, ctx: ContextDep, processor: ProcessorDep) -> Response:
    await payments_cards.remove_card(ctx, processor, client_id, card_id)
    return Response(status_code=204)


# ---- payments -----------------------------------------------------------------------------------

@router.post("/portal/payments", status_code=201, response_model=PaymentView, **allow(CLIENT),
             responses={202: {"model": PaymentView}, 402: {"description": "the card refused the payment"}})
async def pay_my_invoices(command: PayInvoices, request: Request, response: Response, identity: IdentityDep,
                          units: UnitsDep, processor: ProcessorDep) -> PaymentView:
    """R-PAY-1: the client pays their own sent invoices, in full or part, with an optional tip."""
    assert identity.person_id is not None  # a client always has one
    return await _take(request, response, units, processor,
                       await _request_of(command, identity.person_id, "client", request))


@router.post("/clients/{client_id}/payments", status_code=201, response_model=PaymentView, **allow(*MANAGERS),
             responses={202: {"model": PaymentView}, 402: {"description": "the card refused the payment"}})
async def charge_client_card(client_id: UUID, command: PayInvoices, request: Request, response: Response,
                             units: UnitsDep, processor: ProcessorDep) -> PaymentView:
    """R-PAY-2: a manager charges the client's saved card against chosen invoices."""
    return await _take(request, response, units, processor, await _request_of(command, client_id, "business", request))


@router.get("/portal/payments", response_model=PaymentPage, **allow(CLIENT))
async def my_payments(ctx: ContextDep, limit: Limit = 50, offset: Offset = 0) -> PaymentPage:
    found = await payments.payments_of(ctx, ctx.signed_in_person_id, limit=limit, offset=offset)
    return PaymentPage(items=[PaymentView.of(p) for p in found], limit=limit, offset=offset)


@router.get("/clients/{client_id}/payments", response_model=PaymentPage, **allow(*MANAGERS))
async def client_payments(client_id: UUID, ctx: ContextDep, limit: Limit = 50, offset: Offset = 0) -> PaymentPage:
    await payments_cards.known_client(ctx, client_id)
    found = await payments.payments_of(ctx, client_id, limit=limit, offset=offset)
    return PaymentPage(items=[PaymentView.of(p) for p in found], limit=limit, offset=offset)


@router.get("/portal/payments/{payment_id}", response_model=PaymentView, **allow(CLIENT))
async def my_payment(payment_id: UUID, ctx: ContextDep) -> PaymentView:
    return PaymentView.of(await payments.payment(ctx, payment_id, client_id=ctx.signed_in_person_id))


@router.get("/payments/{payment_id}", response_model=PaymentView, **allow(*MANAGERS))
async def get_payment(payment_id: UUID, ctx: ContextDep) -> PaymentView:
    return PaymentView.of(await payments.payment(ctx, payment_id))


@router.post("/payments/{payment_id}/refunds", status_code=201, response_model=RefundView, **allow(*MANAGERS),
             responses={202: {"model": RefundView}})
async def refund_payment(payment_id: UUID, command: RefundPayment, response: Response, units: UnitsDep,
                         processor: ProcessorDep, request: Request) -> RefundView:
    """R-PAY-3: refund all that is left of a payment, or `amount_cents` of it."""
    refund = await payments_refunds.refund_payment(units, processor, payment_id, command.amount_cents,
                                                   recover_after=_recover_after(_settings(request)),
                                                   request_key=request.headers.get("idempotency-key"),
                                                   request_hash=await _fingerprint(request))
    if refund.status == "pending":
        response.status_code = 202
    return RefundView.of(refund)


# ---- helpers ------------------------------------------------------------------------------------

async def _fingerprint(request: Request) -> str:
    """The request as its Idempotency-Key must match it (the kit's fingerprint: method, path, query,
    JSON body by value), stored with the attempt or refund (R-PAY-3)."""
    return request_hash(request.method, request.url.path, request.url.query.encode(), await request.body())


async def _request_of(command: PayInvoices, client_id: UUID, by: str, request: Request) -> PaymentRequest:
    return PaymentRequest(client_id=client_id, card_id=command.card_id,
                          asked=[(part.invoice_id, part.amount_cents) for part in command.invoices],
                          tip_cents=command.tip_cents, initiated_by="client" if by == "client" else "business",
                          request_key=request.headers.get("idempotency-key"), request_hash=await _fingerprint(request))


async def _take(request: Request, response: Response, units: Units, processor: CardProcessor,
                payment_request: PaymentRequest) -> PaymentView:
    settings = _settings(request)
    attempt = await payments.take_payment(units, processor, payment_request, after_confirm=_fault(settings),
                                          recover_after=_recover_after(settings))
    refusal = refusal_of(attempt)
    if refusal is not None:
        raise refusal
    if attempt.is_open:
        response.status_code = 202
    return PaymentView.of(attempt)


def _settings(request: Request) -> BillingSettings:
    settings: BillingSettings = request.app.state.runtime.settings
    return settings


def _recover_after(settings: BillingSettings) -> timedelta:
    return timedelta(seconds=settings.payment_recover_after_seconds)


def _fault(settings: BillingSettings) -> AfterConfirm | None:
    """BILLING_FAULT_EXIT_AFTER_STRIPE_CONFIRM (tests only, refused in production): die like kill -9
    after Stripe charged and before the outcome is committed (docs/billing.md, `## Payments`)."""
    if not settings.fault_exit_after_stripe_confirm:
        return None

    def exit_now(attempt: PaymentAttempt, outcome: ChargeOutcome) -> None:
        log.critical("fault injection: exiting after Stripe confirmed %s (%s) before the commit",
                     attempt.id, outcome.status)
        os._exit(137)

    return exit_now

