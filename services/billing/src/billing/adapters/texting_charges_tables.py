"""Texting charges' tables (R-BILL-1..5) on billing's `metadata`; alembic 0005 creates frozen copies.

- `texting_numbers`: each number a company held (texting.number.provisioned / released);
- `texting_periods`: each company's local months, counting while open, their bill once closed;
- `texting_transactions`: the history, every text (units) and each month's charges (cents).
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
)

from billing.adapters.tables import metadata


def _count(name: str) -> Column[int]:
    return Column(name, Integer, nullable=True, comment="set when the period is closed")


texting_numbers = Table(
    "texting_numbers", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("number", Text, nullable=False),
    Column("provisioned_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=True),
    PrimaryKeyConstraint("company_id", "number", "provisioned_at"),
)

texting_periods = Table(
    "texting_periods", metadata,
    Column("company_id", Uuid, nullable=False),
    Column("month", Text, nullable=False, comment="YYYY-MM, the company's local calendar month"),
    Column("texts_sent", Integer, nullable=False, server_default="0"),
    Column("texts_received", Integer, nullable=False, server_default="0"),
    Column("status", Text, nullable=False, server_default="open"),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("closed_by", Text, nullable=True, comment="texting (its month_closed) or billing (the job)"),
    _count("active_staff"), _count("allowance"), _count("rolled_over_in"), _count("rolled_over_out"),
    _count("overage_texts"), _count("number_fee_cents"), _count("overage_cents"), _count("total_cents"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("company_id", "month"),
    CheckConstraint("status IN ('open', 'closed')", name="texting_periods_status"),
)

texting_transactions = Table(
    "texting_transactions", metadata,
    Column("id", Uuid, primary_key=True, comment="derived from the text or the month's charge: replays write it once"),
    Column("company_id", Uuid, nullable=False),
    Column("month", Text, nullable=False, comment="the period it counts in"),
    Column("kind", Text, nullable=False, comment="text_sent, text_received, number_fee or overage"),
    Column("description", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("units", Integer, nullable=False, server_default="0"),
    Column("cents", Integer, nullable=False, server_default="0"),
    Column("text_id", Uuid, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("texting_transactions_by_period", "company_id", "month", "occurred_at", "id"),
)
