"""the Client Hub (R-FAC-1, R-FAC-4, R-FAC-6): read models of billing.events (invoices, clients'
packages) and the requests sent on billing.commands.

Frozen copies of facility/adapters/hub_tables.py as they were at this revision: a later change of
the tables is a new revision, never an edit here."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOW = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "hub_invoices",
        sa.Column("invoice_id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("total_cents", sa.Integer, nullable=False),
        sa.Column("paid_cents", sa.Integer, nullable=False),
        sa.Column("balance_cents", sa.Integer, nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("facility_event_ids", ARRAY(sa.Uuid), nullable=False),
        sa.Column("visit_ids", ARRAY(sa.Uuid), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        comment="read model of billing.invoice.updated v2 (highest revision)",
    )
    op.create_index("hub_invoices_by_client", "hub_invoices", ["company_id", "client_id"])
    op.create_table(
        "hub_packages",
        sa.Column("client_package_id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("package_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("services", JSONB, nullable=False, comment="[{service_id, covered, used}]"),
        sa.Column("used", sa.Integer, nullable=False),
        sa.Column("remaining", sa.Integer, nullable=False),
        sa.Column("percent_used", sa.Text, nullable=False, comment='billing\'s decimal text, "37.50"'),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        comment="read model of billing.package.changed v1 (highest revision)",
    )
    op.create_index("hub_packages_by_client", "hub_packages", ["company_id", "client_id"])
    op.create_table(
        "hub_requests",
        sa.Column("request_id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False, comment="the command's event type"),
        sa.Column("facility_event_id", sa.Uuid, nullable=True),
        sa.Column("invoice_id", sa.Uuid, nullable=True),
        sa.Column("package_id", sa.Uuid, nullable=True),
        sa.Column("client_package_id", sa.Uuid, nullable=True),
        sa.Column("state", sa.Text, nullable=False, comment="pending, done or refused"),
        sa.Column("code", sa.Text, nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        comment="commands sent on billing.commands and billing.command.answered",
    )
    op.create_index("hub_requests_by_client", "hub_requests", ["company_id", "client_id", "requested_at"])


def downgrade() -> None:
    op.drop_table("hub_requests")
    op.drop_table("hub_packages")
    op.drop_table("hub_invoices")
