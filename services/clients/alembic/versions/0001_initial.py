"""companies, staff, clients, pets, accounts, tokens; the kit's outbox and inbox"""

from alembic import op
from clients.adapters.tables import metadata
from petcare_kit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())
    create_kit_tables()


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
