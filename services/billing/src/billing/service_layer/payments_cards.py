"""Saved cards (R-PAY-4): a client saves a card in the portal, or a manager for them, from a Stripe
payment-method id; one Stripe customer per client (company_id and client_id in its metadata).
Only Stripe's ids, the brand, the last 4 digits and the expiry are stored, never a card number."""

from __future__ import annotations

from uuid import UUID, uuid4

from petcare_kit.errors import DomainError

from billing.domain.payments import CardNotFound, ClientNotFound, SavedCard
from billing.service_layer.context import Context
from billing.service_layer.payments_commands import SaveCard
from billing.service_layer.payments_ports import CardProcessor


async def save_card(ctx: Context, processor: CardProcessor, client_id: UUID, command: SaveCard) -> SavedCard:
    """Attach the payment method to the client's Stripe customer (created on the first card) and
    keep its brand, last 4 digits and expiry. Raises ClientNotFound (not a client of this company),
    CardDeclined (Stripe refused the card), InvalidPaymentMethod, CardProcessorUnavailable."""
    payments = ctx.uow.payments
    await known_client(ctx, client_id)
    client = await payments.client(ctx.company_id, client_id)
    assert client is not None
    customer_id = await payments.customer_of(ctx.company_id, client_id)
    if customer_id is None:
        # A crash after this call leaves an unused Stripe customer, never a wrong one: harmless.
        customer_id = await processor.create_customer(
            company_id=str(ctx.company_id), client_id=str(client_id), email=client.email, name=client.name,
            idempotency_key=f"customer-{ctx.company_id}-{client_id}")
        await payments.add_customer(ctx.company_id, client_id, customer_id)
        try:
            details = await processor.attach_card(customer_id=customer_id, payment_method_id=command.payment_method_id)
        except DomainError:
            await ctx.commit()  # the card was refused, but the client keeps their one Stripe customer
            raise
    else:
        details = await processor.attach_card(customer_id=customer_id, payment_method_id=command.payment_method_id)
    card = SavedCard(uuid4(), ctx.company_id, client_id, customer_id, details.payment_method_id, details.brand,
                     details.last4, details.exp_month, details.exp_year, ctx.now())
    await payments.add_card(card)
    await ctx.commit()
    return card


async def known_client(ctx: Context, client_id: UUID) -> None:
    """Raises ClientNotFound unless `client_id` is a client of the caller's company (a manager's
    routes answer 404 for another company's client, never an empty list)."""
    if await ctx.uow.payments.client(ctx.company_id, client_id) is None:
        raise ClientNotFound("No such client.", details={"client_id": str(client_id)})


async def list_cards(ctx: Context, client_id: UUID) -> list[SavedCard]:
    """The client's saved cards, oldest first (none for a client of another company)."""
    return await ctx.uow.payments.cards(ctx.company_id, client_id)


async def card_of(ctx: Context, client_id: UUID, card_id: UUID) -> SavedCard:
    """The client's saved card. Raises CardNotFound (unknown, or another client's: the same answer)."""
    card = await ctx.uow.payments.card(ctx.company_id, card_id)
    if card is None or card.client_id != client_id:
        raise CardNotFound("No such saved card.", details={"card_id": str(card_id)})
    return card


async def remove_card(ctx: Context, processor: CardProcessor, client_id: UUID, card_id: UUID) -> None:
    """Detach the card from the client's Stripe customer and forget it (payments made with it keep
    its brand and last 4 digits). Raises CardNotFound, CardProcessorUnavailable."""
    card = await card_of(ctx, client_id, card_id)
    await processor.detach_card(card.payment_method_id)
    await ctx.uow.payments.remove_card(ctx.company_id, card.id)
    await ctx.commit()
