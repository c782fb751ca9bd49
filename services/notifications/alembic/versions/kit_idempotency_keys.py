"""the kit's idempotency_keys: answers to POSTs sent with an Idempotency-Key, kept 24 hours

A branch off the first revision (the kit's tables come from there), so that it does not depend on
the service's own later revisions; the migration runner upgrades every head.
"""

from petcare_kit.migrations.kit_tables import create_idempotency_table, drop_idempotency_table

revision = "kit_idempotency_keys"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_table()


def downgrade() -> None:
    drop_idempotency_table()
