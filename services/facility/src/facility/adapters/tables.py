"""facility's tables (SQLAlchemy Core), one `metadata`: the pets read model here, each area's tables
in its `<area>_tables.py`. Every row carries its `company_id`: every query is scoped to one company.
The kit's tables (outbox, inbox, idempotency_keys, waiting_events, the clients directory) are not
here: migration 0001 creates them with the kit's functions.

Migrations create tables with frozen copies (`op.create_table` in 0002_facility): a later change
here is a new revision, never an edit of an applied one."""

from sqlalchemy import Boolean, Column, DateTime, Index, MetaData, Table, Text, Uuid, func

metadata = MetaData()

pets = Table(
    "pets", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("species", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("pets_by_client", "company_id", "client_id"),
    comment="read model of clients.events pet events",
)
