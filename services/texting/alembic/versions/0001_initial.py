"""companies, people, texts, opt-outs, unassigned texts; the kit's outbox and inbox"""

import sqlalchemy as sa
from alembic import op
from petcare_kit.migrations import create_kit_tables
from sqlalchemy.dialects.postgresql import JSONB
from texting.adapters.tables import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


LATER = {"usage_months", "person_numbers"}
"""Tables added by later migrations."""


def upgrade() -> None:
    # This migration builds from today's table definitions; what later migrations add is left out
    # here, and what they removed is put back as it was, so that every database, new or old, goes
    # through the same steps.
    metadata.create_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name not in LATER])
    op.add_column("companies", sa.Column("name", sa.Text, nullable=False, server_default=""))  # 0006 drops it
    op.create_table(  # 0006 moves it to the kit's clients directory
        "people",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("company_id", sa.Uuid, nullable=False, index=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("phones", JSONB, nullable=False),
        sa.Column("custom_fields", JSONB, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    create_kit_tables()


def downgrade() -> None:
    op.drop_table("people")
    metadata.drop_all(op.get_bind(), tables=[t for t in metadata.sorted_tables if t.name not in LATER])
