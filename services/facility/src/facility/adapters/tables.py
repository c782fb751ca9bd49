"""facility's own tables (SQLAlchemy Core). Every row carries its `company_id`: every query is
scoped to one company. The kit's tables (outbox, inbox, idempotency_keys, waiting_events, the
clients directory) are not here: the first migration creates them with the kit's functions."""

from sqlalchemy import Column, DateTime, Index, MetaData, Table, Text, Uuid, func

metadata = MetaData()

examples = Table(
    "examples",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("title", Text, nullable=False),
    Column("title_key", Text, nullable=False, comment="domain.examples.title_key(title)"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("examples_by_company_title", "company_id", "title_key"),
)
