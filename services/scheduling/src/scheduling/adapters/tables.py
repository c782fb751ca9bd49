"""scheduling's own tables (SQLAlchemy Core). Every row carries its `company_id`: every query is
scoped to one company. The kit's tables (outbox, inbox, idempotency_keys, waiting_events, the
clients directory) are not here: the first migration creates them with the kit's functions.

Migrations create tables by name (`INITIAL_TABLES` in 0001): a table added here later is created by
its own new revision, never by editing an applied one."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY

metadata = MetaData()

services = Table(
    "services", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, comment="domain.catalogue.name_key(name)"),
    Column("duration_minutes", Integer, nullable=False),
    Column("price_cents", Integer, nullable=False),
    Column("client_selectable", Boolean, nullable=False),
    Column("block_ids", ARRAY(Uuid), nullable=False, server_default="{}"),
    Column("late_reminder_minutes", Integer, nullable=True),
    Column("taxable", Boolean, nullable=False),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("company_id", "name_key", name="services_name_unique"),
    CheckConstraint("duration_minutes > 0 AND price_cents >= 0", name="services_amounts"),
)

schedule_blocks = Table(
    "schedule_blocks", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("title", Text, nullable=False),
    Column("title_key", Text, nullable=False),
    Column("starts", Time, nullable=False, comment="local wall-clock time of the company's zone"),
    Column("ends", Time, nullable=False),
    Column("weekdays", ARRAY(Integer), nullable=False, comment="ISO: 1 = Monday ... 7 = Sunday"),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("company_id", "title_key", name="schedule_blocks_title_unique"),
)

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

visits = Table(
    "visits", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("pet_ids", ARRAY(Uuid), nullable=False),
    Column("service_id", Uuid, nullable=False),
    Column("visit_date", Date, nullable=False, comment="local date"),
    Column("start_time", Time, nullable=True, comment="local start; null for a block visit"),
    Column("block_id", Uuid, nullable=True),
    Column("duration_minutes", Integer, nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False, comment="block visits: the block's end"),
    Column("staff_id", Uuid, nullable=True),
    Column("status", Text, nullable=False),
    Column("staff_note", Text, nullable=True, comment="never in a client-facing answer (R-SCHED-3)"),
    Column("template_id", Uuid, nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("completed_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("visits_by_company_start", "company_id", "starts_at"),
    Index("visits_by_staff_start", "company_id", "staff_id", "starts_at"),
    Index("visits_by_client_start", "company_id", "client_id", "starts_at"),
    CheckConstraint("(start_time IS NULL) <> (block_id IS NULL)", name="visits_time_or_block"),
)

INITIAL_TABLES = [services, schedule_blocks, pets, visits]
"""What 0001_initial creates."""
