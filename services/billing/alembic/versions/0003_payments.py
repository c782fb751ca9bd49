"""Stripe customers, saved cards, payment attempts, payments and refunds (R-PAY-1..4).
Frozen copies of adapters/payments_tables.py as of this revision."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "stripe_customers",
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("customer_id", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("company_id", "client_id"),
    )
    op.create_table(
        "saved_cards",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("customer_id", sa.Text, nullable=False),
        sa.Column("payment_method_id", sa.Text, nullable=False, unique=True),
        sa.Column("brand", sa.Text, nullable=False),
        sa.Column("last4", sa.Text, nullable=False),
        sa.Column("exp_month", sa.Integer, nullable=True),
        sa.Column("exp_year", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("saved_cards_by_client", "saved_cards", ["company_id", "client_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("card_id", sa.Uuid, nullable=False),
        sa.Column("customer_id", sa.Text, nullable=False),
        sa.Column("payment_method_id", sa.Text, nullable=False),
        sa.Column("card_brand", sa.Text, nullable=False),
        sa.Column("card_last4", sa.Text, nullable=False),
        sa.Column("tip_cents", sa.Integer, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("initiated_by", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Uuid, nullable=True),
        sa.Column("request_key", sa.Text, nullable=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("payment_intent_id", sa.Text, nullable=True, unique=True),
        sa.Column("failure_code", sa.Text, nullable=True),
        sa.Column("failure_message", sa.Text, nullable=True),
        sa.Column("refunded_cents", sa.Integer, nullable=False, server_default="0"),
        sa.Column("recover_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("company_id", "requested_by", "request_key", name="payments_request_key"),
        sa.CheckConstraint("amount_cents > 0 AND tip_cents >= 0 AND refunded_cents BETWEEN 0 AND amount_cents",
                           name="payments_amounts"),
    )
    op.create_index("payments_by_client", "payments", ["company_id", "client_id", "created_at"])
    op.create_index("payments_open", "payments", ["recover_at"],
                    postgresql_where=sa.text("status IN ('started', 'intent_created')"))
    op.create_table(
        "payment_allocations",
        sa.Column("payment_id", sa.Uuid, sa.ForeignKey("payments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("invoice_id", sa.Uuid, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("payment_id", "position"),
    )
    op.create_index("payment_allocations_by_invoice", "payment_allocations", ["company_id", "invoice_id"])
    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("payment_id", sa.Uuid, sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("allocations", JSONB, nullable=False),
        sa.Column("stripe_refund_id", sa.Text, nullable=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("failure_message", sa.Text, nullable=True),
        sa.Column("requested_by", sa.Uuid, nullable=True),
        sa.Column("request_key", sa.Text, nullable=True),
        sa.Column("recover_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("company_id", "requested_by", "request_key", name="payment_refunds_request_key"),
    )
    op.create_index("payment_refunds_by_payment", "payment_refunds", ["payment_id"])
    op.create_index("payment_refunds_pending", "payment_refunds", ["recover_at"],
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    for table in ("payment_refunds", "payment_allocations", "payments", "saved_cards", "stripe_customers"):
        op.drop_table(table)
