"""events waiting for a recipient that clients.events has not announced yet"""

from alembic import op
from notifications.adapters.tables import waiting_events

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    waiting_events.create(op.get_bind())


def downgrade() -> None:
    op.drop_table("waiting_events")
