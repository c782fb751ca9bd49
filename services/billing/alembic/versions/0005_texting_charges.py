"""texting charges: numbers held, periods (local months) and their transactions (R-BILL-1..5)

Frozen copies of billing/adapters/texting_charges_tables.py as they were at this revision: a later
change of the tables is a new revision, never an edit here."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COUNTS = ("active_staff", "allowance", "rolled_over_in", "rolled_over_out", "overage_texts", "number_fee_cents",
          "overage_cents", "total_cents")


def upgrade() -> None:
    op.create_table(
        "texting_numbers",
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("provisioned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("company_id", "number", "provisioned_at"),
    )
    op.create_table(
        "texting_periods",
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("month", sa.Text, nullable=False, comment="YYYY-MM, the company's local calendar month"),
        sa.Column("texts_sent", sa.Integer, nullable=False, server_default="0"),
        sa.Column("texts_received", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Text, nullable=True, comment="texting (its month_closed) or billing (the job)"),
        *[sa.Column(name, sa.Integer, nullable=True, comment="set when the period is closed") for name in COUNTS],
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("company_id", "month"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="texting_periods_status"),
    )
    op.create_table(
        "texting_transactions",
        sa.Column("id", sa.Uuid, primary_key=True,
                  comment="derived from the text or the month's charge: replays write it once"),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("month", sa.Text, nullable=False, comment="the period it counts in"),
        sa.Column("kind", sa.Text, nullable=False, comment="text_sent, text_received, number_fee or overage"),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("units", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cents", sa.Integer, nullable=False, server_default="0"),
        sa.Column("text_id", sa.Uuid, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("texting_transactions_by_period", "texting_transactions",
                    ["company_id", "month", "occurred_at", "id"])


def downgrade() -> None:
    op.drop_index("texting_transactions_by_period", table_name="texting_transactions")
    op.drop_table("texting_transactions")
    op.drop_table("texting_periods")
    op.drop_table("texting_numbers")
