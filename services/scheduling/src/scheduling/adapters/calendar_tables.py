"""The calendar feed addresses (R-SCHED-12), in scheduling's `metadata`; created by their own
alembic revision. Every row carries its `company_id`."""

from sqlalchemy import Column, DateTime, PrimaryKeyConstraint, Table, Text, UniqueConstraint, Uuid, func

from scheduling.adapters.tables import metadata

calendar_feeds = Table(
    "calendar_feeds", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("kind", Text, nullable=False, comment="staff or client"),
    Column("person_id", Uuid, nullable=False),
    Column("token", Text, nullable=False,
           comment="the feed address's secret; shown again to its owner, replaced to revoke"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("company_id", "kind", "person_id", name="calendar_feeds_pkey"),
    UniqueConstraint("kind", "person_id", name="calendar_feeds_one_per_person"),
)

CALENDAR_TABLES = [calendar_feeds]
