"""the kit's idempotency_keys: answers to POSTs sent with an Idempotency-Key, kept 24 hours

Right after the first revision (the kit's tables come from there), in the service's one linear
chain. It was once a branch off 0001; a database migrated then records both heads, which the
runner (petcare_kit.migrations.runner) folds into one before upgrading.
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
