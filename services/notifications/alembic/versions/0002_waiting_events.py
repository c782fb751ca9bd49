"""events waiting for a recipient that clients.events has not announced yet (frozen: revision 0003
moves them to the kit's waiting_events)"""

from alembic import op
from sqlalchemy import Column, DateTime, MetaData, Table, Text, Uuid, func

revision = "0002"
down_revision = "kit_idempotency_keys"  # the kit's table comes right after 0001 (one linear chain)
branch_labels = None
depends_on = None

waiting_events = Table(
    "waiting_events", MetaData(),
    Column("id", Uuid, primary_key=True, comment="the envelope id"),
    Column("company_id", Uuid, nullable=False),
    Column("person_id", Uuid, nullable=False, index=True, comment="the person (or company) not known yet"),
    Column("topic", Text, nullable=False),
    Column("envelope", Text, nullable=False, comment="the envelope as received (JSON)"),
    Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


def upgrade() -> None:
    waiting_events.create(op.get_bind())


def downgrade() -> None:
    op.drop_table("waiting_events")
