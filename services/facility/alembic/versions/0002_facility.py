"""facility's tables: the pets read model, spaces and settings, the service list, events
(R-FAC-2..5)

Frozen copies of facility/adapters/*_tables.py as they were at this revision: a later change of
the tables is a new revision, never an edit here."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOW = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "pets",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("species", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        comment="read model of clients.events pet events",
    )
    op.create_index("pets_by_client", "pets", ["company_id", "client_id"])
    op.create_table(
        "spaces",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=True),
        sa.Column("pets_per_staff", sa.Integer, nullable=True),
        sa.Column("internal_note", sa.Text, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("company_id", "name_key", name="spaces_name_unique"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="spaces_capacity_positive"),
        sa.CheckConstraint("pets_per_staff IS NULL OR pets_per_staff > 0", name="spaces_ratio_positive"),
    )
    op.create_table(
        "facility_settings",
        sa.Column("company_id", sa.Uuid, primary_key=True),
        sa.Column("capacity_is_hard_limit", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_table(
        "facility_services",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("price_cents", sa.Integer, nullable=False),
        sa.Column("taxable", sa.Boolean, nullable=False),
        sa.Column("space_ids", ARRAY(sa.Uuid), nullable=False, server_default="{}"),
        sa.Column("main_service_ids", ARRAY(sa.Uuid), nullable=False, server_default="{}"),
        sa.Column("active", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("company_id", "name_key", name="facility_services_name_unique"),
        sa.CheckConstraint("price_cents >= 0", name="facility_services_price"),
    )
    op.create_table(
        "facility_events",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Uuid, nullable=False),
        sa.Column("service_id", sa.Uuid, nullable=False),
        sa.Column("space_id", sa.Uuid, nullable=False),
        sa.Column("pet_ids", ARRAY(sa.Uuid), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("start_time", sa.Time, nullable=True),
        sa.Column("end_time", sa.Time, nullable=True),
        sa.Column("unit_price_cents", sa.Integer, nullable=False),
        sa.Column("taxable", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True, comment="staff only: never to a client or in an event (R-FAC-3)"),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("add_ons", JSONB, nullable=False, server_default="[]"),
        sa.Column("duplicated_from", sa.Uuid, nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.CheckConstraint("ends_on >= starts_on", name="facility_events_dates"),
    )
    op.create_index("facility_events_by_start", "facility_events", ["company_id", "starts_on"])
    op.create_index("facility_events_by_space", "facility_events", ["company_id", "space_id", "starts_on"])
    op.create_index("facility_events_by_client", "facility_events", ["company_id", "client_id", "starts_on"])


def downgrade() -> None:
    for table in ("facility_events", "facility_services", "facility_settings", "spaces", "pets"):
        op.drop_table(table)
