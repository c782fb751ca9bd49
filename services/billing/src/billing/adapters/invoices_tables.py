"""The tables of invoices (R-INV-1..4), on billing's `metadata`; frozen copies are created by
alembic/versions/0002_invoices.py. Every row carries its `company_id`. Money is integer cents,
rates are NUMERIC(7, 4) percentages."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from billing.adapters.tables import metadata

PERCENT = Numeric(7, 4)

invoices = Table(
    "invoices", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("number", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("published_visit_ids", ARRAY(Uuid), nullable=False),
    Column("applied_ids", ARRAY(Uuid), nullable=False, comment="payments and refunds applied (each once)"),
    Column("tax_rate_percent", PERCENT, nullable=False),
    Column("discount_cents", Integer, nullable=True),
    Column("discount_percent", PERCENT, nullable=True),
    Column("tips_cents", Integer, nullable=False),
    Column("paid_cents", Integer, nullable=False),
    Column("refunded_cents", Integer, nullable=False),
    Column("sent", Boolean, nullable=False),
    Column("voided", Boolean, nullable=False),
    Column("due_date", Date, nullable=True),
    Column("due_date_by_hand", Boolean, nullable=False),
    Column("total_cents", Integer, nullable=False, comment="denormalised from the lines, for filters"),
    Column("balance_cents", Integer, nullable=False, comment="total less paid net of refunds"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("company_id", "number", name="invoices_number_per_company"),
    Index("invoices_by_client", "company_id", "client_id", "created_at"),
)

invoice_lines = Table(
    "invoice_lines", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("invoice_id", Uuid, ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("description", Text, nullable=False),
    Column("unit_cents", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("taxable", Boolean, nullable=False),
    Column("visit_id", Uuid, nullable=True),
    Column("service_id", Uuid, nullable=True),
    Column("visit_date", Date, nullable=True, comment="the visit's local date"),
    Column("discount_cents", Integer, nullable=True),
    Column("discount_percent", PERCENT, nullable=True),
    Column("cancellation_fee_percent", PERCENT, nullable=True, comment="set once the visit is cancelled"),
    Column("package_cover_percent", PERCENT, nullable=True),
    Column("client_package_id", Uuid, nullable=True),
    Column("facility_event_id", Uuid, nullable=True, comment="a facility event's line (0007_facility_commands)"),
    Column("add_on_id", Uuid, nullable=True, comment="with facility_event_id: one of the event's add-ons"),
    Index("invoice_lines_by_invoice", "invoice_id", "position"),
    Index("invoice_lines_by_facility_event", "company_id", "facility_event_id",
          postgresql_where=text("facility_event_id IS NOT NULL")),
    # A visit is on one invoice at most (R-INV-1).
    Index("invoice_lines_one_per_visit", "company_id", "visit_id", unique=True,
          postgresql_where=text("visit_id IS NOT NULL")),
)

invoice_numbers = Table(
    "invoice_numbers", metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

billing_settings = Table(
    "billing_settings", metadata,
    Column("company_id", Uuid, primary_key=True),
    Column("tax_rate_percent", PERCENT, nullable=False),
    Column("cancellation_fee_percent", PERCENT, nullable=False),
    Column("due_date_basis", Text, nullable=False),
    Column("due_date_days", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

client_tax_rates = Table(
    "client_tax_rates", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("tax_rate_percent", PERCENT, nullable=False),
    PrimaryKeyConstraint("company_id", "client_id"),
)

client_rates = Table(
    "client_rates", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("service_id", Uuid, nullable=False),
    Column("rate_cents", Integer, nullable=False),
    PrimaryKeyConstraint("company_id", "client_id", "service_id"),
)

visit_package_covers = Table(
    "visit_package_covers", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("visit_id", Uuid, nullable=False),
    Column("cover_percent", PERCENT, nullable=False),
    PrimaryKeyConstraint("company_id", "visit_id"),
    comment="R-PKG-1: a redeemed visit's cover, kept also while the visit is on no invoice yet",
)

INVOICE_TABLES = [invoices, invoice_lines, invoice_numbers, billing_settings, client_tax_rates, client_rates,
                  visit_package_covers]
