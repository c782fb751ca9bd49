"""The tables of payments (R-PAY-1..4) on billing's `metadata`; alembic/versions/0003_payments.py
creates frozen copies of them. Every row carries its `company_id`. No card number anywhere (R-PAY-4):
Stripe's customer and payment-method ids, a card's brand, last 4 digits and expiry."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from billing.adapters.tables import metadata

stripe_customers = Table(
    "stripe_customers", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("customer_id", Text, nullable=False, unique=True, comment="Stripe's cus_..."),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("company_id", "client_id"),
)

saved_cards = Table(
    "saved_cards", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("payment_method_id", Text, nullable=False, unique=True, comment="Stripe's pm_..."),
    Column("brand", Text, nullable=False),
    Column("last4", Text, nullable=False),
    Column("exp_month", Integer, nullable=True),
    Column("exp_year", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("saved_cards_by_client", "company_id", "client_id"),
)

payments = Table(
    "payments", metadata,
    Column("id", Uuid, primary_key=True, comment="the attempt's id: Stripe idempotency key, intent metadata"),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("card_id", Uuid, nullable=False, comment="the saved card (it may be removed since)"),
    Column("customer_id", Text, nullable=False),
    Column("payment_method_id", Text, nullable=False),
    Column("card_brand", Text, nullable=False),
    Column("card_last4", Text, nullable=False),
    Column("tip_cents", Integer, nullable=False),
    Column("amount_cents", Integer, nullable=False, comment="allocations + tip: what the card is charged"),
    Column("currency", Text, nullable=False),
    Column("initiated_by", Text, nullable=False, comment="client (portal) or business (a manager)"),
    Column("requested_by", Uuid, nullable=True),
    Column("request_key", Text, nullable=True, comment="the request's Idempotency-Key: a retry resumes this attempt"),
    Column("request_hash", Text, nullable=True, comment="petcare_kit.idempotency.request_hash of the keyed request"),
    Column("status", Text, nullable=False),
    Column("payment_intent_id", Text, nullable=True, unique=True),
    Column("failure_code", Text, nullable=True),
    Column("failure_message", Text, nullable=True),
    Column("refunded_cents", Integer, nullable=False, server_default="0"),
    Column("recover_at", DateTime(timezone=True), nullable=False,
           comment="an open attempt not closed by then is recovered by the job (claim lease after that)"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("payments_by_client", "company_id", "client_id", "created_at"),
    Index("payments_open", "recover_at", postgresql_where="status IN ('started', 'intent_created')"),
    UniqueConstraint("company_id", "requested_by", "request_key", name="payments_request_key"),
    CheckConstraint("amount_cents > 0 AND tip_cents >= 0 AND refunded_cents BETWEEN 0 AND amount_cents",
                    name="payments_amounts"),
)

payment_allocations = Table(
    "payment_allocations", metadata,
    Column("payment_id", Uuid, ForeignKey("payments.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("company_id", Uuid, nullable=False),
    Column("invoice_id", Uuid, nullable=False),
    Column("amount_cents", Integer, nullable=False, comment="without the tip (it goes on position 0)"),
    PrimaryKeyConstraint("payment_id", "position"),
    Index("payment_allocations_by_invoice", "company_id", "invoice_id"),
)

payment_refunds = Table(
    "payment_refunds", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("payment_id", Uuid, ForeignKey("payments.id"), nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("allocations", JSONB, nullable=False, comment='[{"invoice_id": "...", "amount_cents": 100}]'),
    Column("stripe_refund_id", Text, nullable=True),
    Column("status", Text, nullable=False, comment="pending (written before Stripe's call), succeeded, failed"),
    Column("failure_message", Text, nullable=True),
    Column("requested_by", Uuid, nullable=True),
    Column("request_key", Text, nullable=True, comment="the request's Idempotency-Key: a retry gets this refund"),
    Column("request_hash", Text, nullable=True, comment="petcare_kit.idempotency.request_hash of the keyed request"),
    Column("recover_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("payment_refunds_by_payment", "payment_id"),
    UniqueConstraint("company_id", "requested_by", "request_key", name="payment_refunds_request_key"),
    Index("payment_refunds_pending", "recover_at", postgresql_where="status = 'pending'"),
)

PAYMENT_TABLES = (stripe_customers, saved_cards, payments, payment_allocations, payment_refunds)
