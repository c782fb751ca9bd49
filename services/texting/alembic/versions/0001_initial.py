"""companies, people, texts, opt-outs, unassigned texts; the kit's outbox and inbox"""

from alembic import op
from petcare_kit.migrations import create_kit_tables
from texting.adapters.tables import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


LATER = {"usage_months"}
"""Tables added by later migrations."""


def upgrade() -> None:
    metadata.create_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name not in LATER])
    # This migration builds from today's table definitions; what later migrations add is removed
    # again here, so that every database, new or old, gets it from its own migration.
    op.drop_index("people_numbers", table_name="people")
    op.drop_column("people", "numbers")
    create_kit_tables()


def downgrade() -> None:
    metadata.drop_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name not in LATER])
