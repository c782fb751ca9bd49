"""recipients, companies, preferences, opt-outs, feeds, deliveries; the kit's outbox and inbox"""

from alembic import op
from notifications.adapters.tables import metadata
from petcare_kit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


LATER = {"waiting_events"}
"""Tables added by later migrations."""


def upgrade() -> None:
    metadata.create_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name not in LATER])
    create_kit_tables()


def downgrade() -> None:
    metadata.drop_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name not in LATER])
