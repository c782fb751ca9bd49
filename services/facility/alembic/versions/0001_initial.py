"""The kit's outbox, inbox and idempotency keys, the waiting room and the clients directory read
model (facility's own tables come in 0002_facility)"""

from petcare_kit.migrations import create_kit_tables
from petcare_kit.migrations.kit_tables import (
    add_outbox_published_to,
    create_client_directory_tables,
    create_waiting_table,
    drop_client_directory_tables,
    drop_idempotency_table,
    drop_kit_tables,
    drop_waiting_table,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kit_tables()  # outbox (+ the NOTIFY trigger that wakes the relay), inbox, idempotency_keys
    add_outbox_published_to()  # not in create_kit_tables yet: the relay needs it
    create_waiting_table()  # petcare_kit.waiting: events waiting for a person or company
    create_client_directory_tables()  # petcare_kit.client_directory: the clients.events read model


def downgrade() -> None:
    drop_client_directory_tables()
    drop_waiting_table()
    drop_idempotency_table()
    drop_kit_tables()
