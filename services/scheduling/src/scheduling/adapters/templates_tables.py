"""The tables of templates (R-SCHED-5), in scheduling's `metadata`; created by their own alembic
revision (`templates`). Every row carries its `company_id`."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    Time,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY

from scheduling.adapters.tables import metadata

templates = Table(
    "templates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("client_id", Uuid, nullable=False),
    Column("pet_ids", ARRAY(Uuid), nullable=False),
    Column("service_id", Uuid, nullable=False),
    Column("block_id", Uuid, nullable=True),
    Column("start_time", Time, nullable=True, comment="local start; null for a block template"),
    Column("duration_minutes", Integer, nullable=False),
    Column("staff_id", Uuid, nullable=True),
    Column("rrule", Text, nullable=False, comment="RFC 5545 RRULE value, e.g. FREQ=WEEKLY;WKST=MO;BYDAY=MO,WE"),
    Column("starts_on", Date, nullable=False, comment="DTSTART's local date"),
    Column("time_zone", Text, nullable=False, comment="DTSTART's TZID: the company's IANA zone at creation"),
    Column("billing_kind", Text, nullable=False),
    Column("billing_every_weeks", Integer, nullable=False, server_default="1"),
    Column("auto_approve_days", Integer, nullable=True, comment="null: periods are approved by hand"),
    Column("ends_on", Date, nullable=True, comment="last local date covered, once ended"),
    Column("auto_state", Text, nullable=False, server_default="idle",
           comment="periodic approval: waiting (auto_due_at set), claimed (a replica holds it until "
                   "auto_due_at), idle (nothing to approve automatically)"),
    Column("auto_due_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("templates_by_company_client", "company_id", "client_id"),
    Index("templates_auto_due", "auto_due_at", postgresql_where="auto_state IN ('waiting', 'claimed')"),
    CheckConstraint("(start_time IS NULL) <> (block_id IS NULL)", name="templates_time_or_block"),
)

template_periods = Table(
    "template_periods", metadata,
    Column("template_id", Uuid, ForeignKey("templates.id", ondelete="CASCADE"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("company_id", Uuid, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("approved_by", Text, nullable=False, comment="hand or auto"),
    Column("visit_count", Integer, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # R-SCHED-5 "each period approved once": the key is the proof.
    PrimaryKeyConstraint("template_id", "period_start", name="template_periods_once"),
)

TEMPLATE_TABLES = [templates, template_periods]
"""What the `templates` revision creates, in order."""
