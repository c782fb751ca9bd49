"""the kit's outbox.published_to: the cluster id each event was published to, so the relay can send
again what a lost broker held (docs/reliability.md)"""

from petcare_kit.migrations.kit_tables import add_outbox_published_to

revision = "0002_outbox_published_to"
down_revision = "kit_idempotency_keys"  # the kit's table comes right after 0001 (one linear chain)
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_published_to()


def downgrade() -> None:
    pass  # the column is harmless to keep
