"""companies, people, texts, opt-outs, unassigned texts; the kit's outbox and inbox"""

from alembic import op
from petcare_kit.migrations import create_kit_tables
from texting.adapters.tables import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name != "usage_months"])
    create_kit_tables()


def downgrade() -> None:
    metadata.drop_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name != "usage_months"])
