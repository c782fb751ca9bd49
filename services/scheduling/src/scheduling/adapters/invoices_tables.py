"""scheduling's read model of billing's invoices (R-SCHED-10): which visits are on which invoice,
from `billing.invoice.visits_changed`. In scheduling's `metadata`; created by its own alembic
revision. Every row carries its `company_id`."""

from sqlalchemy import Column, DateTime, Integer, PrimaryKeyConstraint, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY

from scheduling.adapters.tables import metadata

invoice_visits = Table(
    "invoice_visits", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("invoice_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("visit_ids", ARRAY(Uuid), nullable=False),
    Column("revision", Integer, nullable=False, comment="billing's revision of the set; the highest is kept"),
    Column("number", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("company_id", "invoice_id", name="invoice_visits_pkey"),
    comment="read model of billing.invoice.visits_changed",
)

INVOICE_TABLES = [invoice_visits]
