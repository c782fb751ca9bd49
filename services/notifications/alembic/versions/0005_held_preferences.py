"""preferences set for a person notifications has not consumed yet, held until they are"""

from alembic import op
from notifications.adapters.tables import held_preferences

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    held_preferences.create(op.get_bind())


def downgrade() -> None:
    op.drop_table("held_preferences")
