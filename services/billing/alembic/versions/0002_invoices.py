"""invoices, their lines, company billing settings, per-client rates (R-INV-1..4)

Frozen copies of billing/adapters/invoices_tables.py as they were at this revision: a later change of
the tables is a new revision, never an edit here."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PERCENT = sa.Numeric(7, 4)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("published_visit_ids", ARRAY(sa.Uuid), nullable=False),
        sa.Column("applied_ids", ARRAY(sa.Uuid), nullable=False),
        sa.Column("tax_rate_percent", PERCENT, nullable=False),
        sa.Column("discount_cents", sa.Integer, nullable=True),
        sa.Column("discount_percent", PERCENT, nullable=True),
        sa.Column("tips_cents", sa.Integer, nullable=False),
        sa.Column("paid_cents", sa.Integer, nullable=False),
        sa.Column("refunded_cents", sa.Integer, nullable=False),
        sa.Column("sent", sa.Boolean, nullable=False),
        sa.Column("voided", sa.Boolean, nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("due_date_by_hand", sa.Boolean, nullable=False),
        sa.Column("total_cents", sa.Integer, nullable=False),
        sa.Column("balance_cents", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("company_id", "number", name="invoices_number_per_company"),
    )
    op.create_index("invoices_by_client", "invoices", ["company_id", "client_id", "created_at"])
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("invoice_id", sa.Uuid, sa.ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("unit_cents", sa.Integer, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("taxable", sa.Boolean, nullable=False),
        sa.Column("visit_id", sa.Uuid, nullable=True),
        sa.Column("service_id", sa.Uuid, nullable=True),
        sa.Column("visit_date", sa.Date, nullable=True),
        sa.Column("discount_cents", sa.Integer, nullable=True),
        sa.Column("discount_percent", PERCENT, nullable=True),
        sa.Column("cancellation_fee_percent", PERCENT, nullable=True),
        sa.Column("package_cover_percent", PERCENT, nullable=True),
        sa.Column("client_package_id", sa.Uuid, nullable=True),
    )
    op.create_index("invoice_lines_by_invoice", "invoice_lines", ["invoice_id", "position"])
    op.create_index("invoice_lines_one_per_visit", "invoice_lines", ["company_id", "visit_id"], unique=True,
                    postgresql_where=sa.text("visit_id IS NOT NULL"))
    op.create_table(
        "invoice_numbers",
        sa.Column("company_id", sa.Uuid, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "billing_settings",
        sa.Column("company_id", sa.Uuid, primary_key=True),
        sa.Column("tax_rate_percent", PERCENT, nullable=False),
        sa.Column("cancellation_fee_percent", PERCENT, nullable=False),
        sa.Column("due_date_basis", sa.Text, nullable=False),
        sa.Column("due_date_days", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "client_tax_rates",
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("tax_rate_percent", PERCENT, nullable=False),
        sa.PrimaryKeyConstraint("company_id", "client_id"),
    )
    op.create_table(
        "client_rates",
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("service_id", sa.Uuid, nullable=False),
        sa.Column("rate_cents", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("company_id", "client_id", "service_id"),
    )
    op.create_table(
        "visit_package_covers",
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("visit_id", sa.Uuid, nullable=False),
        sa.Column("cover_percent", PERCENT, nullable=False),
        sa.PrimaryKeyConstraint("company_id", "visit_id"),
    )


def downgrade() -> None:
    for table in ["visit_package_covers", "client_rates", "client_tax_rates", "billing_settings", "invoice_numbers",
                  "invoice_lines", "invoices"]:
        op.drop_table(table)
