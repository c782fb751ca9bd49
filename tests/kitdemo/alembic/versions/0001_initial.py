"""notes, applied notes, and the kit's outbox and inbox"""

from alembic import op
from kitdemo.tables import applied_notes, notes
from petcare_kit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    notes.create(bind)
    applied_notes.create(bind)
    create_kit_tables()


def downgrade() -> None:
    op.drop_table("applied_notes")
    op.drop_table("notes")
