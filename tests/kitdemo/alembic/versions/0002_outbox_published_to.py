"""the kit's outbox.published_to (the cluster id a row was published to)"""

from petcare_kit.migrations.kit_tables import add_outbox_published_to

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_published_to()


def downgrade() -> None:
    pass  # the column is harmless to keep
