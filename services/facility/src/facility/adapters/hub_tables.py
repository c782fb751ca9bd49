"""The Client Hub's tables (R-FAC-1, R-FAC-4, R-FAC-6) on facility's `metadata`: read models of
`billing.events` and the requests sent on `billing.commands`. Frozen copies are created by
alembic/versions/0003_client_hub.py. Every row carries its `company_id`."""

from sqlalchemy import Column, Date, DateTime, Index, Integer, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from facility.adapters.tables import metadata

hub_invoices = Table(
    "hub_invoices", metadata,
    Column("invoice_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("number", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("total_cents", Integer, nullable=False),
    Column("paid_cents", Integer, nullable=False),
    Column("balance_cents", Integer, nullable=False),
    Column("due_date", Date, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("facility_event_ids", ARRAY(Uuid), nullable=False),
    Column("visit_ids", ARRAY(Uuid), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("hub_invoices_by_client", "company_id", "client_id"),
    comment="read model of billing.invoice.updated v2 (highest revision)",
)

hub_packages = Table(
    "hub_packages", metadata,
    Column("client_package_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("package_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("ends_on", Date, nullable=True),
    Column("services", JSONB, nullable=False, comment="[{service_id, covered, used}]"),
    Column("used", Integer, nullable=False),
    Column("remaining", Integer, nullable=False),
    Column("percent_used", Text, nullable=False, comment='billing\'s decimal text, "37.50"'),
    Column("revision", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("hub_packages_by_client", "company_id", "client_id"),
    comment="read model of billing.package.changed v1 (highest revision)",
)

hub_requests = Table(
    "hub_requests", metadata,
    Column("request_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("kind", Text, nullable=False, comment="the command's event type"),
    Column("facility_event_id", Uuid, nullable=True),
    Column("invoice_id", Uuid, nullable=True),
    Column("package_id", Uuid, nullable=True),
    Column("client_package_id", Uuid, nullable=True),
    Column("state", Text, nullable=False, comment="pending, done or refused"),
    Column("code", Text, nullable=True),
    Column("message", Text, nullable=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Index("hub_requests_by_client", "company_id", "client_id", "requested_at"),
    comment="commands sent on billing.commands and billing.command.answered",
)
